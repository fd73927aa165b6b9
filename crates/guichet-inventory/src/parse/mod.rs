//! Pure parsers: text or bytes in, model records out. No I/O here, so every parser is tested
//! on any OS against recorded real outputs (see `tests/fixtures` and `third-party/`).

pub mod ip_json;
pub mod lspci;
pub mod macos;
pub mod mountinfo;
pub mod net_files;
pub mod pci_ids;
pub mod udev;
pub mod usb_ids;
pub mod windows;
