//! Windows security settings from recorded outputs: the firewall's profiles from a registry
//! export of `HKLM\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy`
//! (`EnableFirewall` per profile), and BitLocker from `Win32_EncryptableVolume`
//! (`root\CIMV2\Security\MicrosoftVolumeEncryption`).

use super::registry::RegFile;
use super::wmi::WmiRecord;

/// Whether each firewall profile (`DomainProfile`, `StandardProfile` = private,
/// `PublicProfile`) is on, in file order. Keys without `EnableFirewall` are skipped.
pub fn firewall_profiles(reg: &RegFile) -> Vec<(String, bool)> {
    reg.keys
        .iter()
        .filter(|k| !k.deleted)
        .filter(|k| {
            let parent = k.path.rsplit('\\').nth(1).unwrap_or("");
            parent.eq_ignore_ascii_case("FirewallPolicy") && k.name().ends_with("Profile")
        })
        .filter_map(|k| {
            let on = k.value("EnableFirewall")?.as_u64()?;
            Some((k.name().to_string(), on != 0))
        })
        .collect()
}

/// One volume BitLocker knows about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitLockerVolume {
    /// Its drive letter (`C:`), or its device id when it has none.
    pub drive: String,
    /// `ProtectionStatus`: on (1), off (0), `None` when unknown (2: the volume is locked).
    pub protected: Option<bool>,
}

/// The volumes of a `Win32_EncryptableVolume` dump.
pub fn bitlocker_volumes(records: &[WmiRecord]) -> Vec<BitLockerVolume> {
    records
        .iter()
        .filter_map(|r| {
            let drive = r.text("DriveLetter").or_else(|| r.text("DeviceID"))?;
            let protected = match r.u64("ProtectionStatus") {
                Some(0) => Some(false),
                Some(1) => Some(true),
                _ => None,
            };
            Some(BitLockerVolume { drive, protected })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{registry::parse_reg, wmi::parse_list};
    use super::*;

    const DIR: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../third-party/glpi-agent-fixtures/resources/win32"
    );

    fn profiles(prefix: &str) -> Vec<(String, bool)> {
        ["DomainProfile", "StandardProfile", "PublicProfile"]
            .iter()
            .flat_map(|p| {
                let bytes = std::fs::read(format!("{DIR}/registry/{prefix}-{p}.reg")).unwrap();
                firewall_profiles(&parse_reg(&bytes).unwrap())
            })
            .collect()
    }

    #[test]
    fn windows_10_profiles_on_windows_7_profiles_off() {
        let on = profiles("10");
        assert_eq!(on.len(), 3);
        assert!(on.iter().all(|(_, on)| *on), "{on:?}");
        assert_eq!(on[2].0, "PublicProfile");
        let off = profiles("7_firewall");
        assert_eq!(off.len(), 3);
        assert!(off.iter().all(|(_, on)| !*on), "{off:?}");
    }

    #[test]
    fn bitlocker_on_the_system_drive_of_a_windows_10_laptop() {
        let bytes =
            std::fs::read(format!("{DIR}/wmi/win10-crypt-Win32_EncryptableVolume.wmi")).unwrap();
        let v = bitlocker_volumes(&parse_list(&bytes));
        assert_eq!(
            v,
            [BitLockerVolume {
                drive: "C:".into(),
                protected: Some(true)
            }]
        );
    }
}
