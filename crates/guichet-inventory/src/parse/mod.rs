//! Pure parsers: text or bytes in, model records out. No I/O here, so every parser is tested
//! on any OS against recorded real outputs (see `tests/fixtures` and `third-party/`).

pub mod cpuinfo;
pub mod dmidecode;
pub mod edid;
pub mod linux_os;
pub mod macos;
pub mod meminfo;
pub mod os_release;
pub mod windows;
