//! The keys that recognise a machine already in the register, cleaned of vendors' placeholders.

use super::*;

/// Serials vendors leave in boards and VMs they did not personalise, compared case-insensitively.
pub(super) const PLACEHOLDER_SERIALS: [&str; 24] = [
    "to be filled by o.e.m.",
    "to be filled by oem",
    "default string",
    "system serial number",
    "chassis serial number",
    "base board serial number",
    "serial number",
    "not specified",
    "not applicable",
    "not available",
    "none",
    "null",
    "n/a",
    "na",
    "unknown",
    "0123456789",
    "123456789",
    "1234567890",
    "01234567890",
    "invalid",
    "oem",
    "o.e.m.",
    "empty",
    "xxxxxxxxxxxxxxx",
];

/// A serial number usable as a key: trimmed, `None` when blank or a placeholder (one of the
/// known strings, one character repeated such as `0000000`, or shorter than 3 characters).
pub fn clean_serial(serial: Option<&str>) -> Option<String> {
    let s = serial?.trim();
    let lower = s.to_ascii_lowercase();
    let mut chars = lower.chars();
    let first = chars.next()?;
    let repeated = chars.all(|c| c == first);
    if s.chars().count() < 3 || repeated || PLACEHOLDER_SERIALS.contains(&lower.as_str()) {
        return None;
    }
    Some(s.to_string())
}

/// An SMBIOS UUID usable as a key: lower case, `None` when blank or a placeholder (one hex digit
/// repeated, e.g. all zeros or all `F`, or the `03000200-0400-0500-0006-000700080009` that many
/// boards ship with).
pub fn clean_smbios_uuid(uuid: Option<&str>) -> Option<String> {
    let u = uuid?.trim().to_ascii_lowercase();
    let hex: String = u.chars().filter(|c| *c != '-').collect();
    let first = hex.chars().next()?;
    if hex.chars().all(|c| c == first) || u == "03000200-0400-0500-0006-000700080009" {
        return None;
    }
    Some(u)
}

pub(super) fn clean(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

/// The key fields of one inventory, cleaned.
#[derive(Debug, Clone, Default)]
pub(super) struct Keys {
    pub(super) deviceid: Option<String>,
    pub(super) smbios_uuid: Option<String>,
    pub(super) serial: Option<String>,
    pub(super) machine_id: Option<String>,
    pub(super) hostname: String,
}

impl Keys {
    pub(super) fn of(imp: &SiteImport) -> Keys {
        let inv = &imp.inventory;
        let m = inv.machine.as_ref();
        Keys {
            deviceid: clean(imp.deviceid.as_deref()),
            smbios_uuid: clean_smbios_uuid(m.and_then(|m| m.uuid.as_deref())),
            serial: clean_serial(m.and_then(|m| m.serial.as_deref())),
            machine_id: clean(inv.os.as_ref().and_then(|o| o.machine_id.as_deref()))
                .map(|s| s.to_ascii_lowercase()),
            hostname: clean(inv.hostname()).unwrap_or_else(|| "unknown".into()),
        }
    }

    pub(super) fn none(&self) -> bool {
        self.deviceid.is_none()
            && self.smbios_uuid.is_none()
            && self.serial.is_none()
            && self.machine_id.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_serials_are_no_keys() {
        for s in [
            "To Be Filled By O.E.M.",
            "Default string",
            "System Serial Number",
            "0123456789",
            "00000000",
            "  ",
            "0",
            "N/A",
        ] {
            assert_eq!(clean_serial(Some(s)), None, "{s}");
        }
        assert_eq!(clean_serial(Some(" 7XK2Q53 ")).as_deref(), Some("7XK2Q53"));
        assert_eq!(
            clean_serial(Some("VMware-56 4d 9e")).as_deref(),
            Some("VMware-56 4d 9e")
        );
    }

    #[test]
    fn placeholder_uuids_are_no_keys() {
        for u in [
            "00000000-0000-0000-0000-000000000000",
            "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
            "03000200-0400-0500-0006-000700080009",
            "",
        ] {
            assert_eq!(clean_smbios_uuid(Some(u)), None, "{u}");
        }
        assert_eq!(
            clean_smbios_uuid(Some("4C4C4544-0058-4B10-8032-B7C04F513533")).as_deref(),
            Some("4c4c4544-0058-4b10-8032-b7c04f513533")
        );
    }
}
