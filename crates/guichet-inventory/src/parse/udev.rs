//! udev database entries (`/run/udev/data/b<major>:<minor>`, `n<ifindex>`…): world-readable
//! files holding what udev's rules and hwdb learnt about a device (serials, WWN, bus, file
//! system label and UUID), which sysfs alone does not always expose (SATA serials, say).

use std::collections::BTreeMap;

/// One parsed udev database entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UdevEntry {
    /// `E:` properties, e.g. `ID_SERIAL_SHORT` → `S3Z9NB0K123456A`.
    pub properties: BTreeMap<String, String>,
    /// `S:` symbolic links under `/dev`, e.g. `disk/by-id/ata-…`.
    pub links: Vec<String>,
}

impl UdevEntry {
    /// A property, trimmed, `None` when absent or empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.properties
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A property whose `_ENC` variant (`ID_MODEL_ENC`) carries the original spaces as `\x20`
    /// escapes: decoded from the `_ENC` variant when present, else the plain one.
    pub fn get_decoded(&self, key: &str) -> Option<String> {
        if let Some(enc) = self.get(&format!("{key}_ENC")) {
            let d = decode_hex_escapes(enc);
            let t = d.trim();
            if !t.is_empty() {
                return Some(t.to_string());
            }
        }
        self.get(key).map(str::to_string)
    }
}

/// Parses a udev database entry.
pub fn parse(text: &str) -> UdevEntry {
    let mut e = UdevEntry::default();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("E:") {
            if let Some((k, v)) = rest.split_once('=') {
                e.properties.insert(k.to_string(), v.to_string());
            }
        } else if let Some(rest) = line.strip_prefix("S:") {
            e.links.push(rest.to_string());
        }
    }
    e
}

/// Decodes udev's `\xHH` escapes (used in `*_ENC` properties and `/dev/disk/by-label` names).
pub fn decode_hex_escapes(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') && i + 4 <= b.len() {
            let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SATA: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/udev/b8:0-sata-ssd"
    ));

    #[test]
    fn sata_disk_serial_wwn_and_model_come_from_udev() {
        let e = parse(SATA);
        assert_eq!(e.get("ID_SERIAL_SHORT"), Some("S3Z9NB0K419406W"));
        assert_eq!(e.get("ID_BUS"), Some("ata"));
        assert_eq!(e.get("ID_WWN"), Some("0x5002538e40a1b2c3"));
        assert_eq!(
            e.get_decoded("ID_MODEL").as_deref(),
            Some("Samsung SSD 860 EVO 500GB")
        );
        assert!(e
            .links
            .iter()
            .any(|l| l == "disk/by-id/ata-Samsung_SSD_860_EVO_500GB_S3Z9NB0K419406W"));
    }

    #[test]
    fn escapes_decode_and_bad_escapes_are_kept() {
        assert_eq!(decode_hex_escapes(r"My\x20Disk"), "My Disk");
        assert_eq!(decode_hex_escapes(r"a\xZZb\x4"), r"a\xZZb\x4");
    }
}
