//! Pure parsers: text or bytes in, model records out. No I/O here, so every parser is tested
//! on any OS against recorded real outputs (see `tests/fixtures` and `third-party/`).

pub mod apt_lists;
pub mod clamav;
pub mod cpuinfo;
pub mod dmidecode;
pub mod dpkg;
pub mod edid;
pub mod firewall;
pub mod flatpak;
pub mod ip_json;
pub mod linux_os;
pub mod lpstat;
pub mod lsblk;
pub mod lspci;
pub mod macos;
pub mod meminfo;
pub mod mountinfo;
pub mod net_files;
pub mod nix;
pub mod os_release;
pub mod pacman;
pub mod passwd;
pub mod pci_ids;
pub mod reboot;
pub mod rpm;
pub mod snap;
pub mod systemd;
pub mod udev;
pub mod units;
pub mod update_notifier;
pub mod usb_ids;
pub mod version;
pub mod virt;
pub mod windows;
