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

use chrono::NaiveDate;

use crate::model::{Battery, Cpu, Machine, MemoryModule};

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
            let mut s = Structure {
                handle: rest
                    .split([',', ' '])
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                ..Default::default()
            };
            if let Some(kind) = dmi_type(rest) {
                s.kind = kind;
            }
            cur = Some(s);
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
fn leading_u64(s: &str) -> Option<u64> {
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
fn memory_kind(s: &str) -> Option<String> {
    clean(s).filter(|k| k != "Other" && k != "<OUT OF SPEC>")
}

impl Dmidecode {
    /// Structures of DMI type `kind`, in output order.
    pub fn of_type(&self, kind: u8) -> impl Iterator<Item = &Structure> {
        self.structures.iter().filter(move |s| s.kind == kind)
    }

    /// First structure of DMI type `kind`.
    pub fn first(&self, kind: u8) -> Option<&Structure> {
        self.of_type(kind).next()
    }

    /// Structure with the given handle.
    pub fn by_handle(&self, handle: &str) -> Option<&Structure> {
        self.structures
            .iter()
            .find(|s| s.handle.eq_ignore_ascii_case(handle))
    }

    /// System, baseboard, chassis and BIOS (types 1, 2, 3, 0) as a [`Machine`]. Secure boot
    /// is not in SMBIOS and stays `None`.
    pub fn machine(&self) -> Machine {
        let mut m = Machine::default();
        if let Some(s) = self.first(1) {
            m.vendor = s.value("Manufacturer").or_else(|| s.value("Vendor"));
            m.model = s.value("Product Name").or_else(|| s.value("Product"));
            m.serial = s.serial("Serial Number");
            m.uuid = s.get("UUID").and_then(clean_uuid);
            m.sku = s.value("SKU Number");
        }
        if let Some(s) = self.first(2) {
            m.board_vendor = s.value("Manufacturer").or_else(|| s.value("Vendor"));
            m.board_model = s.value("Product Name").or_else(|| s.value("Product"));
            m.board_serial = s.serial("Serial Number");
        }
        if let Some(s) = self.first(3) {
            m.chassis_type = s.value("Type");
            m.chassis_serial = s.serial("Serial Number");
            m.asset_tag = s.serial("Asset Tag");
        }
        if m.asset_tag.is_none() {
            m.asset_tag = self.first(2).and_then(|s| s.serial("Asset Tag"));
        }
        if let Some(s) = self.first(0) {
            m.bios_vendor = s.value("Vendor");
            m.bios_version = s.value("Version");
            m.bios_date = s.value("Release Date").or_else(|| s.value("Release"));
        }
        m
    }

    /// Populated processor sockets (type 4). Empty sockets and non-CPU processors are skipped.
    pub fn processors(&self) -> Vec<Cpu> {
        self.of_type(4)
            .filter(|s| {
                let status = s.get("Status").unwrap_or_default();
                !status.contains("Unpopulated")
                    && s.get("Type").is_none_or(|t| t == "Central Processor")
            })
            .map(|s| {
                let version = s
                    .value("Version")
                    .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "));
                let vendor = s.get("Manufacturer").and_then(cpu_vendor);
                let speed = version
                    .as_deref()
                    .and_then(speed_from_model_name)
                    .or_else(|| {
                        s.get("Current Speed")
                            .and_then(leading_u64)
                            .map(|v| v as u32)
                    })
                    .or_else(|| s.get("Max Speed").and_then(leading_u64).map(|v| v as u32))
                    .filter(|v| *v > 0);
                let cache = ["L3 Cache Handle", "L2 Cache Handle", "L1 Cache Handle"]
                    .iter()
                    .filter_map(|k| s.get(k))
                    .filter_map(|h| self.by_handle(h))
                    .filter_map(|c| c.get("Installed Size").and_then(parse_size_bytes))
                    .find(|b| *b > 0)
                    .map(|b| (b / 1024) as u32);
                let (family, model, stepping) = s
                    .get("Signature")
                    .map(parse_signature)
                    .unwrap_or((None, None, None));
                Cpu {
                    name: version
                        .clone()
                        .or_else(|| s.value("Family"))
                        .unwrap_or_default(),
                    vendor,
                    arch: None,
                    family,
                    model,
                    stepping,
                    cores: s.get("Core Count").and_then(leading_u64).map(|v| v as u32),
                    threads: s
                        .get("Thread Count")
                        .and_then(leading_u64)
                        .map(|v| v as u32),
                    speed_mhz: speed,
                    external_clock_mhz: s
                        .get("External Clock")
                        .and_then(leading_u64)
                        .map(|v| v as u32)
                        .filter(|v| *v > 0),
                    cache_kib: cache,
                    id: s.value("ID"),
                }
            })
            .collect()
    }

    /// Installed memory modules (type 17); empty slots ("No Module Installed", size 0) are
    /// skipped.
    pub fn memory_modules(&self) -> Vec<MemoryModule> {
        self.of_type(17)
            .filter_map(|s| {
                let size = s.get("Size").and_then(parse_size_bytes)?;
                if size == 0 {
                    return None;
                }
                let vendor = s
                    .get("Manufacturer")
                    .and_then(clean)
                    .map(|v| jedec_manufacturer(&v).map(str::to_string).unwrap_or(v));
                let slot = match (s.value("Locator"), s.value("Bank Locator")) {
                    (Some(l), _) => Some(l),
                    (None, b) => b,
                };
                Some(MemoryModule {
                    slot,
                    size_bytes: size,
                    kind: s.get("Type").and_then(memory_kind),
                    form_factor: s.get("Form Factor").and_then(memory_kind),
                    speed_mts: s
                        .get("Speed")
                        .and_then(leading_u64)
                        .map(|v| v as u32)
                        .filter(|v| *v > 0),
                    vendor,
                    part_number: s.value("Part Number"),
                    serial: s.serial("Serial Number"),
                })
            })
            .collect()
    }

    /// Number of memory slots: the sum of "Number Of Devices" over the system-memory arrays
    /// (type 16), else the count of memory device structures (type 17).
    pub fn memory_slots(&self) -> Option<u32> {
        let arrays: Vec<&Structure> = self
            .of_type(16)
            .filter(|s| s.get("Use").is_none_or(|u| u == "System Memory"))
            .collect();
        let sum: u32 = arrays
            .iter()
            .filter_map(|s| s.get("Number Of Devices").and_then(leading_u64))
            .map(|v| v as u32)
            .sum();
        if sum > 0 {
            return Some(sum);
        }
        let devices = self.of_type(17).count() as u32;
        (devices > 0).then_some(devices)
    }

    /// Portable batteries (type 22). Capacities are design values; SBDS fields are used when
    /// the plain ones are absent.
    pub fn batteries(&self) -> Vec<Battery> {
        self.of_type(22)
            .map(|s| {
                let name = s
                    .value("Name")
                    .or_else(|| s.value("Location"))
                    .unwrap_or_else(|| "Battery".to_string());
                let date = s
                    .get("Manufacture Date")
                    .or_else(|| s.get("SBDS Manufacture Date"))
                    .and_then(parse_date);
                Battery {
                    name,
                    manufacturer: s.value("Manufacturer"),
                    serial: s
                        .serial("Serial Number")
                        .or_else(|| s.serial("SBDS Serial Number")),
                    chemistry: s
                        .value("Chemistry")
                        .or_else(|| s.value("SBDS Chemistry"))
                        .map(|c| chemistry_name(&c)),
                    design_capacity_mwh: s
                        .get("Design Capacity")
                        .and_then(leading_u64)
                        .filter(|v| *v > 0),
                    full_capacity_mwh: None,
                    voltage_mv: s
                        .get("Design Voltage")
                        .and_then(leading_u64)
                        .filter(|v| *v > 0),
                    charge_percent: None,
                    status: None,
                    manufacture_date: date,
                }
            })
            .collect()
    }
}

/// `Type 0, Family 6, Model 85, Stepping 7` → (6, 85, 7).
fn parse_signature(sig: &str) -> (Option<u32>, Option<u32>, Option<u32>) {
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
fn parse_date(s: &str) -> Option<NaiveDate> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../third-party/glpi-agent-fixtures/resources/generic/dmidecode/"
    );

    fn fixture(name: &str) -> Dmidecode {
        parse(&std::fs::read_to_string(format!("{DIR}{name}")).expect("fixture"))
    }

    #[test]
    fn dell_r640_server() {
        let d = fixture("dell-r640");
        assert_eq!(d.smbios_version.as_deref(), Some("3.2"));
        let m = d.machine();
        assert_eq!(m.vendor.as_deref(), Some("Dell Inc."));
        assert_eq!(m.model.as_deref(), Some("PowerEdge R640"));
        assert_eq!(m.serial.as_deref(), Some("2RJF153"));
        assert_eq!(
            m.uuid.as_deref(),
            Some("4C4C4544-0052-4A10-8046-B2C04F313533")
        );
        assert_eq!(
            m.sku.as_deref(),
            Some("SKU=NotProvided;ModelName=PowerEdge R640")
        );
        assert_eq!(m.board_model.as_deref(), Some("06NR82"));
        assert_eq!(m.board_serial.as_deref(), Some(".2RJF153.CNIVC0005G0184."));
        assert_eq!(m.chassis_type.as_deref(), Some("Rack Mount Chassis"));
        assert_eq!(m.chassis_serial.as_deref(), Some("2RJF153"));
        assert_eq!(m.asset_tag, None);
        assert_eq!(m.bios_vendor.as_deref(), Some("Dell Inc."));
        assert_eq!(m.bios_version.as_deref(), Some("2.6.4"));
        assert_eq!(m.bios_date.as_deref(), Some("04/09/2020"));
        let bios = d.first(0).expect("bios");
        assert_eq!(bios.title, "BIOS Information");
        assert!(bios
            .list("Characteristics")
            .contains(&"UEFI is supported".to_string()));

        let cpus = d.processors();
        assert_eq!(cpus.len(), 2);
        let c = &cpus[0];
        assert_eq!(c.name, "Intel(R) Xeon(R) Gold 6244 CPU @ 3.60GHz");
        assert_eq!(c.vendor.as_deref(), Some("Intel"));
        assert_eq!(c.cores, Some(8));
        assert_eq!(c.threads, Some(16));
        assert_eq!(c.speed_mhz, Some(3600));
        assert_eq!(c.external_clock_mhz, Some(10400));
        assert_eq!(c.cache_kib, Some(25344));
        assert_eq!(
            (c.family, c.model, c.stepping),
            (Some(6), Some(85), Some(7))
        );
        assert_eq!(c.id.as_deref(), Some("57 06 05 00 FF FB EB BF"));
        assert_eq!(d.memory_slots(), Some(24));
    }

    #[test]
    fn hp_dl360_gen8_padded_strings_and_two_arrays() {
        let d = fixture("hp-dl360-gen8");
        let m = d.machine();
        assert_eq!(m.vendor.as_deref(), Some("HP"));
        assert_eq!(m.model.as_deref(), Some("ProLiant DL360p Gen8"));
        assert_eq!(m.serial.as_deref(), Some("USE2236835"));
        assert_eq!(m.sku.as_deref(), Some("654081-B21"));
        assert_eq!(
            m.uuid.as_deref(),
            Some("30343536-3138-5355-4532-323336383335")
        );
        assert_eq!(m.asset_tag, None, "blank asset tag");
        assert_eq!(m.bios_version.as_deref(), Some("P71"));
        assert_eq!(m.bios_date.as_deref(), Some("07/01/2015"));
        // Two arrays of 12 slots.
        assert_eq!(d.memory_slots(), Some(24));
        let mods = d.memory_modules();
        assert_eq!(mods.len(), 8);
        assert!(mods.iter().all(|m| m.size_bytes == 8192 << 20));
        assert_eq!(
            mods[0].slot.as_deref(),
            Some("PROC  1 DIMM  1"),
            "kept verbatim"
        );
        assert_eq!(mods[0].kind.as_deref(), Some("DDR3"));
        assert_eq!(mods[0].speed_mts, Some(1333));
        assert_eq!(mods[0].vendor.as_deref(), Some("HP"));
        assert_eq!(mods[0].part_number.as_deref(), Some("647650-071"));
        assert_eq!(mods[0].serial, None);
        let cpus = d.processors();
        assert_eq!(cpus.len(), 2, "an Idle socket is still populated");
        assert_eq!(cpus[0].name, "Intel(R) Xeon(R) CPU E5-2640 0 @ 2.50GHz");
        assert_eq!((cpus[0].cores, cpus[0].threads), (Some(6), Some(12)));
        assert_eq!(cpus[0].cache_kib, Some(15360));
    }

    #[test]
    fn lenovo_thinkpad_laptop() {
        let d = fixture("lenovo-thinkpad");
        let m = d.machine();
        assert_eq!(m.vendor.as_deref(), Some("LENOVO"));
        assert_eq!(m.model.as_deref(), Some("1298A8G"));
        assert_eq!(m.serial.as_deref(), Some("LR9NKZ7"));
        assert_eq!(m.board_serial.as_deref(), Some("1ZJJC21G0N6"));
        assert_eq!(m.chassis_type.as_deref(), Some("Notebook"));
        assert_eq!(m.asset_tag, None, "No Asset Information");
        assert_eq!(m.bios_version.as_deref(), Some("8NET32WW (1.16 )"));
        let cpus = d.processors();
        assert_eq!(cpus.len(), 1);
        assert_eq!(cpus[0].name, "Intel(R) Core(TM) i5-2450M CPU @ 2.50GHz");
        assert_eq!(cpus[0].vendor.as_deref(), Some("Intel"));
        assert_eq!((cpus[0].cores, cpus[0].threads), (Some(2), Some(4)));
        assert_eq!(cpus[0].external_clock_mhz, Some(100));
        assert_eq!(cpus[0].cache_kib, Some(3072));
        assert_eq!(d.memory_slots(), Some(4));
        let mods = d.memory_modules();
        assert_eq!(mods.len(), 2);
        assert_eq!(mods[0].slot.as_deref(), Some("ChannelA-DIMM0"));
        assert_eq!(mods[0].size_bytes, 4096 << 20);
        assert_eq!(mods[0].form_factor.as_deref(), Some("SODIMM"));
        assert_eq!(mods[0].vendor.as_deref(), Some("Samsung"));
        assert_eq!(mods[0].serial.as_deref(), Some("B52A5D9F"));
        assert_eq!(mods[0].part_number.as_deref(), Some("M471B5273CH0-CH9"));
        // A battery structure with only placeholders keeps its name, no invented capacity.
        let bats = d.batteries();
        assert_eq!(bats.len(), 1);
        assert_eq!(bats[0].name, "Smart Battery");
        assert_eq!(bats[0].design_capacity_mwh, None);
    }

    #[test]
    fn vmware_guest_with_2_0_header_dots() {
        let d = fixture("vmware");
        let m = d.machine();
        assert_eq!(m.vendor.as_deref(), Some("VMware, Inc."));
        assert_eq!(m.model.as_deref(), Some("VMware Virtual Platform"));
        assert_eq!(
            m.serial.as_deref(),
            Some("VMware-50 0c 23 94 04 63 a1 3c-0d d4 f5 37 a6 bb f0 a6")
        );
        assert_eq!(
            m.uuid.as_deref(),
            Some("500C2394-0127-D13C-0CC4-F537A6AAF1A6")
        );
        assert_eq!(
            m.board_model.as_deref(),
            Some("440BX Desktop Reference Platform")
        );
        assert_eq!(m.board_serial, None, "None");
        assert_eq!(m.chassis_type.as_deref(), Some("Other"));
        assert_eq!(m.chassis_serial, None);
        assert_eq!(m.asset_tag, None, "No Asset Tag");
        assert_eq!(m.bios_vendor.as_deref(), Some("Phoenix Technologies LTD"));
        let cpus = d.processors();
        assert!(cpus.len() >= 2);
        assert_eq!(cpus[0].vendor.as_deref(), Some("AMD"));
        assert_eq!(cpus[1].vendor.as_deref(), Some("Intel"));
        assert_eq!(cpus[0].speed_mhz, Some(2133));
        assert_eq!(cpus[0].external_clock_mhz, None);
    }

    #[test]
    fn windows_7_crlf_and_asus_placeholders() {
        let d = fixture("windows-7");
        let m = d.machine();
        assert_eq!(m.vendor, None, "System manufacturer");
        assert_eq!(m.model, None, "System Product Name");
        assert_eq!(m.serial, None, "System Serial Number");
        assert_eq!(m.sku, None, "To be filled by O.E.M.");
        assert_eq!(
            m.uuid.as_deref(),
            Some("1E00E6E0-008C-4400-9AAD-F46D04972D3E")
        );
        assert_eq!(m.board_vendor.as_deref(), Some("ASUSTeK Computer INC."));
        assert_eq!(m.board_model.as_deref(), Some("P8P67"));
        assert_eq!(m.board_serial.as_deref(), Some("MT7013K30709271"));
        assert_eq!(m.chassis_type.as_deref(), Some("Desktop"));
        assert_eq!(m.chassis_serial, None, "Chassis Serial Number");
        assert_eq!(m.asset_tag, None, "Asset-1234567890");
        assert_eq!(m.bios_vendor.as_deref(), Some("American Megatrends Inc."));
        assert_eq!(m.bios_version.as_deref(), Some("1503"));
        assert_eq!(d.memory_slots(), Some(4));
        let mods = d.memory_modules();
        assert_eq!(mods.len(), 2);
        assert!(mods.iter().all(|m| m.size_bytes == 2048 << 20));
    }

    #[test]
    fn surface_go_2_space_indented_without_blank_lines() {
        let d = fixture("surface-go-2");
        let m = d.machine();
        assert_eq!(m.vendor.as_deref(), Some("Microsoft Corporation"));
        assert_eq!(m.model.as_deref(), Some("Surface Go 2"));
        assert_eq!(m.serial.as_deref(), Some("48368130c2f8"));
        assert_eq!(
            m.uuid.as_deref(),
            Some("0E985DE7-DA00-4662-A18C-A957308C3AD7")
        );
        assert_eq!(m.sku.as_deref(), Some("Surface_Go_2_1926"));
        assert_eq!(m.board_serial.as_deref(), Some("002460202151"));
        assert_eq!(m.chassis_type.as_deref(), Some("Laptop"));
        assert_eq!(m.chassis_serial.as_deref(), Some("bb4b0be3-56a6"));
        assert_eq!(m.asset_tag, None, "<BAD INDEX>");
        assert_eq!(m.bios_version.as_deref(), Some("1.0.05"));
        assert_eq!(m.bios_date.as_deref(), Some("02/07/2020"));
        assert_eq!(d.first(0).map(|s| s.handle.as_str()), Some("0x0000"));
    }

    #[test]
    fn intel_s3000_board_with_empty_system_fields() {
        let d = fixture("S3000AHLX");
        let m = d.machine();
        assert_eq!(m.vendor, None);
        assert_eq!(m.serial, None);
        assert_eq!(
            m.uuid.as_deref(),
            Some("D7AFF990-4871-11DB-A6C6-0007E994F7C3")
        );
        assert_eq!(m.board_vendor.as_deref(), Some("Intel Corporation"));
        assert_eq!(m.board_model.as_deref(), Some("S3000AHLX"));
        assert_eq!(m.board_serial.as_deref(), Some("AZAX63801455"));
        let cpus = d.processors();
        assert_eq!(cpus[0].name, "Intel(R) Core(TM)2 CPU 6600 @ 2.40GHz");
        assert_eq!(cpus[0].speed_mhz, Some(2400));
        assert_eq!(cpus[0].external_clock_mhz, Some(266));
        let sizes: Vec<u64> = d
            .memory_modules()
            .iter()
            .map(|m| m.size_bytes >> 20)
            .collect();
        assert_eq!(sizes.iter().sum::<u64>(), 4096);
        assert_eq!(sizes.len(), 3);
    }

    #[test]
    fn two_different_cpus_windows_2008() {
        let d = fixture("windows-2008-with-2-different-cpus");
        let cpus = d.processors();
        assert_eq!(cpus.len(), 2);
        assert_eq!(cpus[0].name, "Intel(R) Xeon(R) CPU E5504 @ 2.00GHz");
        assert_eq!(cpus[1].name, "Intel(R) Xeon(R) CPU E5506 @ 2.13GHz");
        assert_eq!(cpus[0].speed_mhz, Some(2000));
        assert_eq!(cpus[1].speed_mhz, Some(2130));
        assert_eq!(cpus[1].external_clock_mhz, Some(532));
        assert_eq!((cpus[1].cores, cpus[1].threads), (Some(4), Some(4)));
    }

    #[test]
    fn rhel_2_1_old_layout() {
        let d = fixture("rhel-2.1");
        let bios = d.first(0).expect("type 0 on its own line");
        assert_eq!(bios.title, "BIOS Information Block");
        let m = d.machine();
        assert_eq!(m.vendor.as_deref(), Some("IBM"));
        assert_eq!(m.model.as_deref(), Some("-[84803AX]-"));
        assert_eq!(m.serial.as_deref(), Some("KBKGW40"));
        assert_eq!(m.bios_version.as_deref(), Some("-[JPE130AUS-1.30]-"));
        assert_eq!(m.bios_date.as_deref(), Some("12/11/2002"));
    }

    #[test]
    fn memory_jedec_codes_and_space_indent() {
        let d = fixture("memory/hynix-kingmax");
        let mods = d.memory_modules();
        assert_eq!(mods.len(), 2);
        assert_eq!(mods[0].vendor.as_deref(), Some("SK Hynix"));
        assert_eq!(mods[0].part_number.as_deref(), Some("HMAA1GS6CJR6N-XN"));
        assert_eq!(mods[0].serial.as_deref(), Some("25477B84"));
        assert_eq!(mods[0].speed_mts, Some(3200));
        assert_eq!(mods[0].size_bytes, 8 << 30);
        assert_eq!(mods[0].kind.as_deref(), Some("DDR4"));
        assert_eq!(mods[1].vendor.as_deref(), Some("Kingmax"));
        assert_eq!(mods[1].slot.as_deref(), Some("DIMM B"));
    }

    #[test]
    fn memory_empty_slot_is_skipped_positivo() {
        let d = fixture("memory/positivo-informatica");
        let mods = d.memory_modules();
        assert_eq!(mods.len(), 1);
        assert_eq!(mods[0].slot.as_deref(), Some("ChannelB-DIMM0"));
        assert_eq!(mods[0].size_bytes, 8 << 30);
        assert_eq!(
            mods[0].vendor.as_deref(),
            Some("0416"),
            "unknown code kept as is"
        );
        assert_eq!(mods[0].part_number.as_deref(), Some("P48808GSHCRN-VK"));
        assert_eq!(mods[0].serial.as_deref(), Some("0000065D"));
    }

    #[test]
    fn batteries_dell_xps_and_sbds_fields() {
        let b = fixture("batteries/win10-dell-xps").batteries();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].name, "DELL JHXPY53");
        assert_eq!(b[0].manufacturer.as_deref(), Some("SMP"));
        assert_eq!(b[0].serial.as_deref(), Some("0A75"));
        assert_eq!(b[0].chemistry.as_deref(), Some("Lithium Polymer"));
        assert_eq!(b[0].design_capacity_mwh, Some(57530));
        assert_eq!(b[0].voltage_mv, Some(7600));
        assert_eq!(b[0].manufacture_date, NaiveDate::from_ymd_opt(2017, 9, 15));

        let b = fixture("batteries/windows-10-notebook").batteries();
        assert_eq!(b.len(), 2);
        assert_eq!(b[1].name, "01AV406");
        assert_eq!(b[1].serial.as_deref(), Some("0CF7"));
        assert_eq!(b[1].design_capacity_mwh, Some(26060));
        assert_eq!(b[1].voltage_mv, Some(11460));
        assert_eq!(b[1].manufacture_date, NaiveDate::from_ymd_opt(2018, 6, 2));
    }

    #[test]
    fn placeholders_and_codes() {
        assert_eq!(clean("  To Be Filled By O.E.M. "), None);
        assert_eq!(clean("Default string"), None);
        assert_eq!(clean("Dell Inc. "), Some("Dell Inc.".into()));
        assert_eq!(clean_serial("0"), None);
        assert_eq!(clean_serial("00000000"), None);
        assert_eq!(clean_serial("System Serial Number"), None);
        assert_eq!(clean_serial("0A75"), Some("0A75".into()));
        assert_eq!(clean_uuid("03000200-0400-0500-0006-000700080009"), None);
        assert_eq!(clean_uuid("00000000-0000-0000-0000-000000000000"), None);
        assert_eq!(chassis_type_name(10), Some("Notebook"));
        assert_eq!(chassis_type_name(0x83), Some("Desktop"), "lock bit masked");
        assert_eq!(chassis_type_name(0x23), Some("Mini PC"));
        assert_eq!(jedec_manufacturer("80CE000080CE"), Some("Samsung"));
        assert_eq!(jedec_manufacturer("802C"), Some("Micron"));
        assert_eq!(jedec_manufacturer("CE00000000000000"), Some("Samsung"));
        assert_eq!(jedec_manufacturer("7F7F7F0B00000000"), Some("Nanya"));
        assert_eq!(jedec_manufacturer("Samsung"), None);
        assert!(parse("").structures.is_empty());
    }
}
