//! Field values as firmware writes them: placeholder strings to drop, SMBIOS codes to name
//! (chassis types, JEDEC memory vendors, battery chemistries) and sizes or speeds to read.

use chrono::NaiveDate;

/// Strings firmware leaves in fields it did not fill, compared case-insensitively.
const PLACEHOLDERS: &[&str] = &[
    "",
    "to be filled by o.e.m.",
    "to be filled by o.e.m",
    "not specified",
    "not applicable",
    "not available",
    "not provided",
    "not present",
    "default string",
    "none",
    "n/a",
    "na",
    "unknown",
    "undefined",
    "oem",
    "o.e.m.",
    "system manufacturer",
    "system product name",
    "system version",
    "chassis manufacture",
    "chassis manufacturer",
    "chassis version",
    "base board manufacturer",
    "to be filled by oem",
    "no asset tag",
    "no asset information",
    "asset-1234567890",
    "no enclosure",
    "type1productconfigid",
    "type2 - board vendor name1",
    "type2 - board product name1",
    "empty",
    "-",
    "<bad index>",
    "<out of spec>",
    "not supported by cpu",
    "tbd by oem",
];

/// Extra strings that are placeholders when they stand for a serial number or asset tag.
const SERIAL_PLACEHOLDERS: &[&str] = &[
    "0",
    "0123456789",
    "123456789",
    "1234567890",
    "system serial number",
    "chassis serial number",
    "base board serial number",
    "serial number",
    "serialnum",
    "sernum0",
    "sernum1",
    "sernum2",
    "sernum3",
    "xxxxxxxxxx",
    "invalid",
    "no serial",
];

/// Trims `s` and maps placeholder strings ("To Be Filled By O.E.M.", "Not Specified",
/// "Default string", "None", "Unknown"…) to `None`.
pub fn clean(s: &str) -> Option<String> {
    let t = s.trim().trim_matches('\0').trim();
    let lower = t.to_ascii_lowercase();
    if PLACEHOLDERS.contains(&lower.as_str()) {
        return None;
    }
    // Vendors' numbered placeholders: "Manufacturer00", "PartNum1", "Serial#2"…
    for prefix in [
        "manufacturer",
        "partnum",
        "sernum",
        "assettagnum",
        "array1",
        "dimm_",
    ] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            if prefix != "dimm_" && !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
        }
    }
    Some(t.to_string())
}

/// Like [`clean`], also dropping serial-number placeholders ("0", "System Serial Number",
/// "0123456789", a run of one repeated character such as "00000000" or "........").
pub fn clean_serial(s: &str) -> Option<String> {
    let t = clean(s)?;
    let lower = t.to_ascii_lowercase();
    if SERIAL_PLACEHOLDERS.contains(&lower.as_str()) {
        return None;
    }
    let mut chars = t.chars().filter(|c| *c != ' ' && *c != '-');
    if let Some(first) = chars.next() {
        if matches!(first, '0' | 'F' | 'f' | 'X' | 'x' | '.' | '*' | ' ')
            && chars.all(|c| c == first)
        {
            return None;
        }
    }
    Some(t)
}

/// Normalises an SMBIOS UUID: upper case, `None` for the all-zero / all-F values and for the
/// `03000200-0400-0500-0006-000700080009` sequence that cheap boards ship with (shared by
/// thousands of machines, so useless as an identity).
pub fn clean_uuid(s: &str) -> Option<String> {
    let t = clean(s)?.to_ascii_uppercase();
    let hex: String = t.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    if hex.chars().all(|c| c == '0')
        || hex.chars().all(|c| c == 'F')
        || t == "03000200-0400-0500-0006-000700080009"
    {
        return None;
    }
    Some(t)
}

/// SMBIOS chassis type name (type 3, byte 5 with the lock bit masked), as dmidecode and the
/// SMBIOS 3.x specification spell them.
pub fn chassis_type_name(code: u8) -> Option<&'static str> {
    Some(match code & 0x7f {
        0x01 => "Other",
        0x02 => "Unknown",
        0x03 => "Desktop",
        0x04 => "Low Profile Desktop",
        0x05 => "Pizza Box",
        0x06 => "Mini Tower",
        0x07 => "Tower",
        0x08 => "Portable",
        0x09 => "Laptop",
        0x0a => "Notebook",
        0x0b => "Hand Held",
        0x0c => "Docking Station",
        0x0d => "All In One",
        0x0e => "Sub Notebook",
        0x0f => "Space-saving",
        0x10 => "Lunch Box",
        0x11 => "Main Server Chassis",
        0x12 => "Expansion Chassis",
        0x13 => "Sub Chassis",
        0x14 => "Bus Expansion Chassis",
        0x15 => "Peripheral Chassis",
        0x16 => "RAID Chassis",
        0x17 => "Rack Mount Chassis",
        0x18 => "Sealed-case PC",
        0x19 => "Multi-system",
        0x1a => "CompactPCI",
        0x1b => "AdvancedTCA",
        0x1c => "Blade",
        0x1d => "Blade Enclosing",
        0x1e => "Tablet",
        0x1f => "Convertible",
        0x20 => "Detachable",
        0x21 => "IoT Gateway",
        0x22 => "Embedded PC",
        0x23 => "Mini PC",
        0x24 => "Stick PC",
        _ => return None,
    })
}

/// Parses a dmidecode size such as `8 GB`, `8192 MB`, `512 kB`, `16 MB`, `1 TB` into bytes.
pub fn parse_size_bytes(s: &str) -> Option<u64> {
    let mut it = s.split_whitespace();
    let n: u64 = it.next()?.parse().ok()?;
    let mult: u64 = match it.next()?.to_ascii_lowercase().as_str() {
        "bytes" | "b" => 1,
        "kb" | "kib" | "k" => 1 << 10,
        "mb" | "mib" => 1 << 20,
        "gb" | "gib" => 1 << 30,
        "tb" | "tib" => 1 << 40,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// Leading integer of a value such as `2666 MT/s`, `3600 MHz`, `57530 mWh`.
pub(super) fn leading_u64(s: &str) -> Option<u64> {
    let t = s.trim();
    let end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    t[..end].parse().ok()
}

/// `Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz` → 1900 (MHz); also `@ 800MHz`.
pub fn speed_from_model_name(name: &str) -> Option<u32> {
    let at = name.rfind('@')?;
    let rest = name[at + 1..].trim();
    let lower = rest.to_ascii_lowercase();
    let (num, mult) = if let Some(n) = lower.strip_suffix("ghz") {
        (n.trim(), 1000.0)
    } else if let Some(n) = lower.strip_suffix("mhz") {
        (n.trim(), 1.0)
    } else {
        return None;
    };
    let v: f64 = num.parse().ok()?;
    (v > 0.0).then(|| (v * mult).round() as u32)
}

/// Maps the CPUID vendor strings and SMBIOS manufacturer spellings to short vendor names.
pub fn cpu_vendor(raw: &str) -> Option<String> {
    let t = clean(raw)?;
    let lower = t.to_ascii_lowercase();
    Some(
        if lower.contains("genuineintel") || lower.starts_with("intel") {
            "Intel".to_string()
        } else if lower.contains("authenticamd")
            || lower.starts_with("amd")
            || lower.starts_with("advanced micro devices")
        {
            "AMD".to_string()
        } else if lower.contains("centaurhauls") {
            "Centaur".to_string()
        } else if lower.contains("hygongenuine") {
            "Hygon".to_string()
        } else if lower.contains("  shanghai  ") || lower == "shanghai" {
            "Zhaoxin".to_string()
        } else {
            t
        },
    )
}

/// Decodes a JEDEC JEP106 manufacturer code as older dmidecode versions print it for memory
/// modules (`80CE000080CE`, `80AD000080AD`, `CE00000000000000`, `7F7F7F0B00000000`) to a name;
/// `None` when it is not a hex code or the code is not in the (small) table below.
pub fn jedec_manufacturer(code: &str) -> Option<&'static str> {
    let t = code.trim();
    if t.len() < 4 || !t.len().is_multiple_of(2) || !t.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let bytes: Vec<u8> = (0..t.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&t[i..i + 2], 16).ok())
        .collect();
    let (bank, id) = if bytes[0] == 0x7f || (bytes[1] == 0 && bytes[0] != 0 && bytes[0] != 0x80) {
        // SPD-style: one 0x7F continuation byte per bank, then the id.
        let cont = bytes.iter().take_while(|b| **b == 0x7f).count();
        (cont as u8 + 1, *bytes.get(cont)?)
    } else {
        // SMBIOS 3.x style: bank (continuation count, parity bit set) then id.
        ((bytes[0] & 0x7f) + 1, bytes[1])
    };
    Some(match (bank, id & 0x7f) {
        (1, 0x2c) => "Micron",
        (1, 0x4e) => "Samsung",
        (1, 0x2d) => "SK Hynix",
        (1, 0x7e) => "Elpida",
        (1, 0x4f) => "Transcend",
        (2, 0x18) => "Kingston",
        (3, 0x1e) => "Corsair",
        (4, 0x25) => "Kingmax",
        (4, 0x0b) => "Nanya",
        (5, 0x4b) => "A-DATA",
        (5, 0x4d) => "G.Skill",
        (6, 0x1b) => "Crucial",
        _ => return None,
    })
}

/// Memory type names dmidecode prints that carry no information.
pub(super) fn memory_kind(s: &str) -> Option<String> {
    clean(s).filter(|k| k != "Other" && k != "<OUT OF SPEC>")
}

/// `Type 0, Family 6, Model 85, Stepping 7` → (6, 85, 7).
pub(super) fn parse_signature(sig: &str) -> (Option<u32>, Option<u32>, Option<u32>) {
    let mut out = (None, None, None);
    for part in sig.split(',') {
        let mut it = part.split_whitespace();
        let (Some(k), Some(v)) = (it.next(), it.next()) else {
            continue;
        };
        let v: Option<u32> = v.parse().ok();
        match k {
            "Family" => out.0 = v,
            "Model" => out.1 = v,
            "Stepping" => out.2 = v,
            _ => {}
        }
    }
    out
}

/// Dates as batteries state them: `09/15/2017` (MM/DD/YYYY) or `2018-05-24`.
pub(super) fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = clean(s)?;
    NaiveDate::parse_from_str(&t, "%m/%d/%Y")
        .or_else(|_| NaiveDate::parse_from_str(&t, "%Y-%m-%d"))
        .ok()
}

/// Expands the SBDS chemistry abbreviations (`LiP`, `LION`) to the names of the plain field.
pub fn chemistry_name(c: &str) -> String {
    match c.to_ascii_lowercase().as_str() {
        "lip" | "lipo" | "li-poly" => "Lithium Polymer".to_string(),
        "lion" | "li-ion" | "li" => "Lithium Ion".to_string(),
        "nimh" => "Nickel Metal Hydride".to_string(),
        "nicd" => "Nickel Cadmium".to_string(),
        "pbac" => "Lead Acid".to_string(),
        _ => c.to_string(),
    }
}
