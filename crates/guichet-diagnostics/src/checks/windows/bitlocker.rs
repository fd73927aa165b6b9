//! Disk encryption on Windows, without administrator rights: `Get-BitLockerVolume`,
//! `manage-bde` and the `Win32_EncryptableVolume` class all need them, but Explorer's own
//! property `System.Volume.BitLockerProtection` of the system drive (what makes its padlock
//! icon) is readable by the user. The chassis comes from `Win32_SystemEnclosure.ChassisTypes`
//! (SMBIOS codes, named as the inventory names them). One PowerShell script prints both as
//! one JSON object.
//!
//! Microsoft does not document the property's values. Only those every published reading
//! agrees on are used: 1 (on) and 3 (encrypting) count as encrypted, 2 (off) and 4 (decrypting)
//! as not; the others (0, 5, 6, 8: read differently by different sources) and an empty answer
//! (no BitLocker on this edition) leave the drive unknown.

use guichet_inventory::parse::dmidecode::chassis_type_name;
use serde::Deserialize;

use crate::checks::encryption::Readings;

/// The script (Windows PowerShell 5.1): `{chassis: [codes], drive: "C:", bitlocker: n|null}`.
pub(crate) const ENCRYPTION_SCRIPT: &str = "$ErrorActionPreference='SilentlyContinue';\
[Console]::OutputEncoding=[Text.Encoding]::UTF8;\
$e=Get-CimInstance -ClassName Win32_SystemEnclosure;\
$d=$env:SystemDrive;\
$b=(New-Object -ComObject Shell.Application).NameSpace($d+'\\').Self.ExtendedProperty('System.Volume.BitLockerProtection');\
@{chassis=@($e | ForEach-Object {$_.ChassisTypes} | ForEach-Object {[int]$_}); drive=$d; bitlocker=$b}\
 | ConvertTo-Json -Compress";

#[derive(Deserialize)]
struct Output {
    #[serde(default)]
    chassis: Vec<u8>,
    drive: Option<String>,
    bitlocker: Option<serde_json::Value>,
}

/// Whether the drive counts as encrypted for this property value, `None` when not told.
fn protection(value: &serde_json::Value) -> Option<bool> {
    let n = value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))?;
    match n {
        1 | 3 => Some(true),
        2 | 4 => Some(false),
        _ => None,
    }
}

/// The readings from the script's output; chassis and volumes `None` where not told.
pub(crate) fn encryption_readings(output: &str) -> Readings {
    let Ok(out) = serde_json::from_str::<Output>(super::json_text(output)) else {
        return Readings::default();
    };
    let chassis = out
        .chassis
        .iter()
        .find_map(|c| chassis_type_name(*c))
        .map(str::to_string);
    let drive = out.drive.filter(|d| !d.is_empty()).unwrap_or("C:".into());
    let volumes = out
        .bitlocker
        .as_ref()
        .and_then(protection)
        .map(|on| vec![(drive, on)]);
    Readings { chassis, volumes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::encryption::evaluate;
    use guichet_records::CheckStatus;

    fn fixture(name: &str) -> String {
        crate::checks::recorded::fixture(&format!("windows/{name}"))
    }

    #[test]
    fn a_laptop_with_bitlocker_on_is_ok_and_off_warns() {
        let r = encryption_readings(&format!("\u{feff}{}", fixture("encryption-laptop-on.json")));
        assert_eq!(
            r.chassis.as_deref(),
            Some("Notebook"),
            "read after a byte-order mark"
        );
        let f = &evaluate(&r)[0];
        assert_eq!(f.status, CheckStatus::Ok);
        assert_eq!(f.measured.as_ref().unwrap().en, "Notebook; encrypted: C:");
        let off =
            fixture("encryption-laptop-on.json").replace("\"bitlocker\":1", "\"bitlocker\":2");
        let f = &evaluate(&encryption_readings(&off))[0];
        assert_eq!(f.status, CheckStatus::Warning);
        assert_eq!(
            f.measured.as_ref().unwrap().en,
            "Notebook; not encrypted: C:"
        );
    }

    #[test]
    fn a_desktop_on_home_edition_without_bitlocker_is_not_assessed() {
        let r = encryption_readings(&fixture("encryption-desktop-home.json"));
        assert_eq!(r.chassis.as_deref(), Some("Desktop"));
        assert_eq!(r.volumes, None);
        assert_eq!(evaluate(&r)[0].status, CheckStatus::Unknown);
        // Values the sources read differently are not interpreted.
        for v in ["0", "5", "6", "8", "\"\""] {
            let text = format!(r#"{{"chassis":[10],"drive":"C:","bitlocker":{v}}}"#);
            assert_eq!(encryption_readings(&text).volumes, None, "{v}");
        }
        assert_eq!(encryption_readings("").chassis, None);
    }
}
