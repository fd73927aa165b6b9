//! The Windows fetch of the security and reboot readings, through the inventory's [`Probe`]
//! (its PowerShell and `reg` runners, bounded by the check's deadline). Compiled for Windows,
//! and into the Linux tests so that it is type-checked here; it has never run on Windows in
//! this project's tests.
//!
//! Budget (1 s a check): the firewall and the reboot flags are registry reads (`reg`, tens of
//! milliseconds each). The antivirus and the encryption each start one PowerShell (a few
//! hundred milliseconds to start); `Get-MpComputerStatus` can take longer, so the antivirus
//! script stops a little before the check's deadline and what it printed by then is used.

use std::time::Duration;

use guichet_inventory::parse::windows::registry::parse_reg;
use guichet_inventory::parse::windows::security::firewall_profiles;
use guichet_inventory::{Probe, RunError};

use super::firewall_policy::NET_FIREWALL_SCRIPT;
use super::{
    antivirus_readings, effective_profiles, encryption_readings, from_net_firewall_json,
    policy_profiles, reboot_required, Answer, ANTIVIRUS_SCRIPT, ENCRYPTION_SCRIPT,
};
use crate::checks::{antivirus, encryption, firewall::FirewallState, reboot};

const LOCAL: &str =
    "HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy";
const POLICY: &str = "HKLM\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall";
/// Time kept back from the check's deadline to read what a killed script printed.
const MARGIN: Duration = Duration::from_millis(150);

/// The firewall profiles as applied (policy over local store); PowerShell's
/// `Get-NetFirewallProfile` when the registry cannot be read.
pub(crate) fn firewall(probe: &Probe) -> Vec<FirewallState> {
    let export = |key: &str| {
        probe
            .reg_export(key)
            .ok()
            .flatten()
            .and_then(|b| parse_reg(&b).ok())
    };
    let local: Vec<(String, bool)> = ["DomainProfile", "StandardProfile", "PublicProfile"]
        .iter()
        .filter_map(|p| export(&format!("{LOCAL}\\{p}")))
        .flat_map(|reg| firewall_profiles(&reg))
        .collect();
    if local.is_empty() {
        let out = probe.powershell(NET_FIREWALL_SCRIPT).unwrap_or_default();
        return from_net_firewall_json(&String::from_utf8_lossy(&out)).unwrap_or_default();
    }
    let policy = export(POLICY)
        .map(|reg| policy_profiles(&reg))
        .unwrap_or_default();
    effective_profiles(&local, &policy)
}

/// Security Center's products and Defender's signatures (what arrived before the deadline).
pub(crate) fn antivirus(probe: &Probe) -> antivirus::Readings {
    let bounded = probe
        .clone()
        .with_timeout(probe.remaining().saturating_sub(MARGIN));
    let args = guichet_inventory::powershell_args(ANTIVIRUS_SCRIPT);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    if let Err(e) = bounded.run_streaming("powershell", &args, &mut |b| out.extend_from_slice(b)) {
        tracing::debug!(error = %e, "antivirus script stopped");
    }
    antivirus_readings(&String::from_utf8_lossy(&out))
}

/// The chassis and the system drive's BitLocker protection.
pub(crate) fn encryption(probe: &Probe) -> encryption::Readings {
    let out = probe.powershell(ENCRYPTION_SCRIPT).unwrap_or_default();
    encryption_readings(&String::from_utf8_lossy(&out))
}

fn query(probe: &Probe, args: &[&str]) -> Answer {
    match probe.run("reg", args) {
        Ok(out) => Answer::Present(out),
        Err(RunError::Failed { .. }) => Answer::Absent,
        Err(_) => Answer::Unreadable,
    }
}

/// The three registry flags of a pending restart (no time: Windows records none).
pub(crate) fn reboot(probe: &Probe) -> reboot::Readings {
    const CBS: &str = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending";
    const WU: &str =
        "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired";
    const SM: &str = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager";
    let servicing = query(probe, &["query", CBS]);
    let update = query(probe, &["query", WU]);
    let renames = query(probe, &["query", SM, "/v", "PendingFileRenameOperations"]);
    reboot::Readings {
        reboot: reboot_required(&servicing, &update, &renames),
        since: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn without_windows_tools_every_reading_is_unknown_not_a_guess() {
        // A fixture probe runs no command: what a machine without `reg` and PowerShell gives.
        let dir = tempfile::tempdir().unwrap();
        let probe = Probe::fixture(dir.path(), Utc::now());
        assert!(firewall(&probe).is_empty());
        let av = antivirus(&probe);
        assert!(av.products.is_empty() && av.signatures.is_none());
        let enc = encryption(&probe);
        assert!(enc.chassis.is_none() && enc.volumes.is_none());
        assert!(reboot(&probe).reboot.is_none());
    }
}
