//! Windows readings of the security and reboot checks: pure parsers of what the Windows fetch
//! gets (registry exports and `reg query`, PowerShell scripts printing JSON), always compiled
//! and tested on Linux against fixtures, and the fetch itself ([`fetch`]), compiled for
//! Windows and into the Linux tests so it is type-checked where it cannot run.
//!
//! Outputs are chosen not to depend on the display language: registry values, and JSON from
//! `ConvertTo-Json` with enums cast to their (English) names and dates written as ISO 8601 by
//! the script; `netsh` and `manage-bde`, whose outputs are translated, are not used.

mod bitlocker;
mod firewall_policy;
mod pending_reboot;
mod security_center;

#[cfg(any(target_os = "windows", all(test, target_os = "linux")))]
pub(crate) mod fetch;

pub(crate) use bitlocker::{encryption_readings, ENCRYPTION_SCRIPT};
pub(crate) use firewall_policy::{effective_profiles, from_net_firewall_json, policy_profiles};
pub(crate) use pending_reboot::{reboot_required, Answer};
pub(crate) use security_center::{antivirus_readings, ANTIVIRUS_SCRIPT};

/// A script's output line or document without the spaces around it nor the byte-order mark
/// Windows PowerShell 5.1 may write first once `[Console]::OutputEncoding` is UTF-8.
fn json_text(text: &str) -> &str {
    text.trim().trim_start_matches('\u{feff}').trim_start()
}
