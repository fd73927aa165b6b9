//! Pure parsers: text or bytes in, model records out. No I/O here, so every parser is tested
//! on any OS against recorded real outputs (see `tests/fixtures` and `third-party/`).

pub mod macos;
pub mod version;
pub mod windows;
