//! macOS readings of the security checks: pure parsers of what the macOS fetch gets (the
//! application firewall's `socketfilterfw`, `fdesetup status`, the power section of
//! `system_profiler`, the install history and XProtect's bundle), always compiled and tested on Linux against fixtures, and the fetch
//! itself ([`fetch`]), compiled for macOS and into the Linux tests so it is type-checked here.
//! All of it runs as the user: none of these needs root.

mod chassis;
mod fdesetup;
mod socketfilterfw;
mod xprotect;

#[cfg(any(target_os = "macos", all(test, target_os = "linux")))]
pub(crate) mod fetch;

pub(crate) use chassis::chassis;
pub(crate) use fdesetup::filevault;
pub(crate) use socketfilterfw::firewall_state;
pub(crate) use xprotect::{bundle_version, last_install, xprotect_signatures};
