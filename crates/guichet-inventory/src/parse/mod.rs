//! Pure parsers: text or bytes in, model records out. No I/O here, so every parser is tested
//! on any OS against recorded real outputs (see `tests/fixtures` and `third-party/`).

pub mod clamav;
pub mod dpkg;
pub mod firewall;
pub mod flatpak;
pub mod macos;
pub mod nix;
pub mod pacman;
pub mod passwd;
pub mod rpm;
pub mod snap;
pub mod virt;
pub mod windows;
