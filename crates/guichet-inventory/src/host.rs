//! Quick readings of the running host, outside a collection: its name, whether it has a
//! default route, how many updates wait. Cheap enough for a status poll; each reads one file
//! and hands the text to a pure parser in [`crate::parse`].

use std::time::Duration;

use crate::parse::{net_files, update_notifier};
use crate::Probe;

/// This machine's name: the kernel's (`/proc/sys/kernel/hostname`), else the `HOSTNAME` or
/// `COMPUTERNAME` environment variable, else `unknown`. Used where a name is needed before any
/// inventory exists (the device id created on first use).
pub fn local_hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// Whether the kernel's routing table (`/proc/net/route`) has a default route; `None` when the
/// table cannot be read (not Linux), so the caller decides what unknown means.
pub fn has_default_route() -> Option<bool> {
    let table = std::fs::read_to_string("/proc/net/route").ok()?;
    Some(net_files::any_default_route(&table))
}

/// Pending updates as Debian/Ubuntu's update-notifier publishes them
/// (`N updates can be applied immediately.`), else counted from apt's own files (the dpkg
/// database against the package lists, [`crate::apt_pending_updates`]; about a quarter of a
/// second, more on a loaded machine: a count is never cut short, it would be wrong); `None`
/// when neither is there.
pub fn pending_updates() -> Option<u32> {
    if let Some(n) = std::fs::read_to_string(update_notifier::UPDATES_AVAILABLE)
        .ok()
        .and_then(|text| update_notifier::updates_available(&text))
    {
        return Some(n);
    }
    let probe = Probe::system(chrono::Utc::now(), Duration::from_secs(1));
    crate::apt_pending_updates(&probe).map(|p| p.total())
}
