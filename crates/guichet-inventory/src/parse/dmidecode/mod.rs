//! Parser of `dmidecode` text output (Linux, BSD, and the Windows build of dmidecode).
//!
//! The output is first split generically into [`Structure`]s (handle, DMI type, title, keys
//! with their values and their indented sub-lists), which copes with every dmidecode version
//! seen in the wild: tab or space indentation, CRLF line ends, blank lines between structures
//! or not, and the 2.0-era layout where the type sits on its own line under the handle. The
//! typed extractors ([`Dmidecode::machine`], [`Dmidecode::processors`],
//! [`Dmidecode::memory_modules`], [`Dmidecode::memory_slots`], [`Dmidecode::batteries`]) then
//! map the structures to model records, dropping the placeholder strings firmware vendors
//! leave in unused fields ([`clean`], [`clean_serial`]).

mod records;
mod values;

pub use values::{
    chassis_type_name, chemistry_name, clean, clean_serial, clean_uuid, cpu_vendor,
    jedec_manufacturer, parse_size_bytes, speed_from_model_name,
};

#[cfg(test)]
mod tests;

/// One DMI structure as dmidecode printed it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Structure {
    /// Handle, e.g. `0x0100`.
    pub handle: String,
    /// DMI type number (0 BIOS, 1 system, 2 baseboard, 3 chassis, 4 processor, 17 memory…).
    pub kind: u8,
    /// Title line, e.g. `System Information`.
    pub title: String,
    /// `Key: value` pairs in order; the value is trimmed and may be empty (list heads such as
    /// `Characteristics:`).
    pub fields: Vec<(String, String)>,
    /// Indented lines under a key, as `(key, items)`, e.g. the BIOS characteristics.
    pub lists: Vec<(String, Vec<String>)>,
}

impl Structure {
    /// The raw (trimmed) value of `key`, first occurrence.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `key` with placeholders mapped to `None` (see [`clean`]).
    pub fn value(&self, key: &str) -> Option<String> {
        self.get(key).and_then(clean)
    }

    /// The value of `key` as a serial number (see [`clean_serial`]).
    pub fn serial(&self, key: &str) -> Option<String> {
        self.get(key).and_then(clean_serial)
    }

    /// The items listed under `key`.
    pub fn list(&self, key: &str) -> &[String] {
        self.lists
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }
}

/// A whole dmidecode output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dmidecode {
    /// SMBIOS version announced in the preamble (`SMBIOS 3.2 present.`), e.g. `3.2`.
    pub smbios_version: Option<String>,
    /// Every structure, in output order.
    pub structures: Vec<Structure>,
}

/// Parses dmidecode text output. Never fails: unknown lines are skipped, so an empty or
/// unrelated input gives no structures.
pub fn parse(text: &str) -> Dmidecode {
    let mut out = Dmidecode::default();
    let mut cur: Option<Structure> = None;
    // Indentation of the `Key: value` lines of the current structure: deeper lines are list
    // items of the last key. Measured per structure because layouts differ between versions.
    let mut key_indent: Option<usize> = None;
    let mut last_key: Option<String> = None;

    for raw in text.lines() {
        let line = raw.trim_end_matches(['\r', '\n']);
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("Handle ") {
            if let Some(s) = cur.take() {
                out.structures.push(s);
            }
            cur = Some(structure_head(rest));
            key_indent = None;
            last_key = None;
            continue;
        }
        let Some(s) = cur.as_mut() else {
            if let Some(v) = trimmed
                .strip_prefix("SMBIOS ")
                .and_then(|r| r.strip_suffix(" present."))
            {
                out.smbios_version = Some(v.to_string());
            }
            continue;
        };
        if trimmed.is_empty() {
            continue;
        }
        // 2.0-era layout: "\tDMI type 0, 20 bytes." on its own line.
        if s.title.is_empty() && s.fields.is_empty() && trimmed.starts_with("DMI type ") {
            if let Some(kind) = dmi_type(trimmed) {
                s.kind = kind;
            }
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let kv = split_key(trimmed);
        if s.title.is_empty() && s.fields.is_empty() && kv.is_none() {
            s.title = trimmed.to_string();
            continue;
        }
        match (key_indent, kv) {
            (Some(ki), _) if indent > ki => {
                if let Some(k) = &last_key {
                    push_item(s, k, trimmed);
                }
            }
            (_, Some((k, v))) => {
                key_indent = Some(indent);
                s.fields.push((k.to_string(), v.to_string()));
                last_key = Some(k.to_string());
            }
            (_, None) => {
                // A bare line at key level (rare, e.g. "Header and Data:" variants): keep it
                // as an item of the previous key rather than losing it.
                if let Some(k) = &last_key {
                    push_item(s, k, trimmed);
                }
            }
        }
    }
    if let Some(s) = cur.take() {
        out.structures.push(s);
    }
    out
}

/// A new structure from the rest of its `Handle 0x0100, DMI type 1, 27 bytes` line.
fn structure_head(rest: &str) -> Structure {
    Structure {
        handle: rest
            .split([',', ' '])
            .next()
            .unwrap_or_default()
            .to_string(),
        kind: dmi_type(rest).unwrap_or_default(),
        ..Default::default()
    }
}

fn push_item(s: &mut Structure, key: &str, item: &str) {
    match s.lists.iter_mut().find(|(k, _)| k == key) {
        Some((_, items)) => items.push(item.to_string()),
        None => s.lists.push((key.to_string(), vec![item.to_string()])),
    }
}

/// `DMI type 17, 92 bytes` anywhere in `s` → 17.
fn dmi_type(s: &str) -> Option<u8> {
    let i = s.find("DMI type ")?;
    let rest = &s[i + "DMI type ".len()..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// Splits `Key: value` (or `Key:`); `None` for a line without a colon-terminated key.
fn split_key(line: &str) -> Option<(&str, &str)> {
    if let Some(k) = line.strip_suffix(':') {
        return Some((k.trim(), ""));
    }
    let i = line.find(": ")?;
    Some((line[..i].trim(), line[i + 2..].trim()))
}
