//! This machine's readings for the checks whose sources differ per OS (firewall, antivirus,
//! disk encryption, pending restart): Linux reads through the inventory's collectors and
//! files, Windows and macOS through their own fetch ([`super::windows`], [`super::macos`]).
//! The evaluations are the same on every OS.

use guichet_inventory::Probe;

use super::firewall::FirewallState;
use super::{antivirus, encryption, reboot};

/// The firewalls of this machine.
pub(crate) fn firewall(probe: &Probe) -> Vec<FirewallState> {
    #[cfg(target_os = "windows")]
    {
        super::windows::fetch::firewall(probe)
    }
    #[cfg(target_os = "macos")]
    {
        super::macos::fetch::firewall(probe)
    }
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    {
        super::firewall::read(probe)
    }
}

/// The antivirus of this machine.
pub(crate) fn antivirus(probe: &Probe) -> antivirus::Readings {
    #[cfg(target_os = "windows")]
    {
        super::windows::fetch::antivirus(probe)
    }
    #[cfg(target_os = "macos")]
    {
        super::macos::fetch::antivirus(probe)
    }
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    {
        antivirus::read(probe)
    }
}

/// The chassis and the disk encryption of this machine.
pub(crate) fn encryption(probe: &Probe) -> encryption::Readings {
    #[cfg(target_os = "windows")]
    {
        super::windows::fetch::encryption(probe)
    }
    #[cfg(target_os = "macos")]
    {
        super::macos::fetch::encryption(probe)
    }
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    {
        encryption::read(probe)
    }
}

/// Whether this machine waits for a restart. macOS has no flag a user can read quickly
/// (`softwareupdate -l` asks Apple's servers and takes seconds): unknown there.
pub(crate) fn reboot(probe: &Probe) -> reboot::Readings {
    #[cfg(target_os = "windows")]
    {
        super::windows::fetch::reboot(probe)
    }
    #[cfg(target_os = "macos")]
    {
        let _ = probe;
        reboot::Readings {
            reboot: None,
            since: None,
        }
    }
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    {
        reboot::read(probe)
    }
}
