//! GLPI native inventory JSON export.
//!
//! Maps our [`Inventory`] to the document GLPI's native inventory endpoint accepts, as described
//! by the `inventory.schema.json` of glpi-project/inventory_format (vendored in
//! `third-party/glpi-inventory-format/`, which the tests validate against).
//!
//! Conventions follow what GLPI Agent sends, since GLPI's server code is written against it:
//! * memory and file-system sizes in MiB (`bytes / 2^20`), disk sizes in decimal MB
//!   (`bytes / 10^6`), battery capacity in mWh and voltage in mV;
//! * dates as `YYYY-MM-DD`, date-times as `YYYY-MM-DD HH:MM:SS` in the machine's local time
//!   (GLPI Agent sends local times without a zone; we convert our UTC times with the OS's UTC
//!   offset when it is known);
//! * one `networks` entry per address (an entry holds one IPv4 or one IPv6 address; GLPI merges
//!   entries of the same interface back into one port), loopback left out;
//! * a field is omitted rather than `null` or empty, and a value is omitted rather than sent when
//!   it would break the schema's pattern (e.g. an unparseable BIOS date).

use crate::model::{Inventory, SecurityKind};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde_json::{Map, Value};

mod devices;
mod software;
mod system;

use devices::{battery, controller, drive, monitor, networks, storage, usb, video};
use software::{antivirus, firewall, local_groups, local_users, security, software};
use system::{bios, cpu, hardware, memories, operatingsystem};

#[cfg(test)]
mod tests;

/// Options of the GLPI export that do not come from the inventory itself.
#[derive(Debug, Clone)]
pub struct GlpiOptions {
    /// Stable GLPI device id (`hostname-YYYY-MM-DD-HH-MM-SS`, see [`GlpiOptions::deviceid_for`]).
    pub deviceid: String,
}

impl GlpiOptions {
    /// A device id in GLPI Agent's format, `hostname-YYYY-MM-DD-HH-MM-SS`, from the inventory's
    /// host name (`unknown` without one) and collection time. GLPI keys agents on this id, so the
    /// caller should compute it once and then keep reusing the stored value.
    pub fn deviceid_for(inv: &Inventory) -> String {
        let host = inv
            .hostname()
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .unwrap_or("unknown");
        format!("{host}-{}", inv.collected_at.format("%Y-%m-%d-%H-%M-%S"))
    }
}

/// Converts an inventory to a full GLPI native inventory document (`action: inventory`,
/// `itemtype: Computer`, `partial: false`). Categories with nothing to say are left out of
/// `content`. A partial inventory is made from this document by the GLPI client, which knows
/// what the server already holds.
pub fn to_glpi(inv: &Inventory, opts: &GlpiOptions) -> Value {
    let mut doc = Map::new();
    doc.insert("action".into(), "inventory".into());
    doc.insert("deviceid".into(), opts.deviceid.clone().into());
    doc.insert("itemtype".into(), "Computer".into());
    doc.insert("partial".into(), false.into());
    doc.insert("content".into(), Value::Object(content(inv)));
    Value::Object(doc)
}

/// The document's `content`: the client version, then the machine, its devices, and what runs
/// on it.
fn content(inv: &Inventory) -> Map<String, Value> {
    let offset = inv
        .os
        .as_ref()
        .and_then(|os| os.timezone_offset.as_deref())
        .and_then(parse_offset);

    let mut content = Map::new();
    let version = inv.agent_version.trim();
    let client = if version.is_empty() {
        "Guichet".to_string()
    } else {
        format!("Guichet-{version}")
    };
    content.insert("versionclient".into(), client.into());

    if let Some(os) = &inv.os {
        insert_object(&mut content, "operatingsystem", operatingsystem(os, offset));
    }
    insert_object(&mut content, "hardware", hardware(inv));
    if let Some(machine) = &inv.machine {
        insert_object(&mut content, "bios", bios(machine));
    }
    insert_array(&mut content, "cpus", inv.cpus.iter().map(cpu).collect());
    if let Some(memory) = &inv.memory {
        insert_array(&mut content, "memories", memories(memory));
    }
    insert_devices(&mut content, inv);
    insert_software(&mut content, inv, offset);
    content
}

/// Disks, file systems, network ports, controllers, USB devices, monitors and batteries.
fn insert_devices(content: &mut Map<String, Value>, inv: &Inventory) {
    insert_array(
        content,
        "storages",
        inv.storage.iter().map(storage).collect(),
    );
    insert_array(content, "drives", inv.volumes.iter().map(drive).collect());
    insert_array(content, "networks", networks(inv));
    insert_array(
        content,
        "controllers",
        inv.controllers.iter().map(controller).collect(),
    );
    insert_array(
        content,
        "videos",
        inv.controllers
            .iter()
            .filter(|d| d.is_gpu)
            .map(video)
            .collect(),
    );
    insert_array(content, "usbdevices", inv.usb.iter().map(usb).collect());
    insert_array(
        content,
        "monitors",
        inv.monitors.iter().map(monitor).collect(),
    );
    insert_array(
        content,
        "batteries",
        inv.batteries.iter().map(battery).collect(),
    );
}

/// Local accounts, installed software and security products.
fn insert_software(content: &mut Map<String, Value>, inv: &Inventory, offset: Option<FixedOffset>) {
    insert_array(content, "local_users", local_users(inv));
    insert_array(content, "local_groups", local_groups(inv));
    insert_array(
        content,
        "softwares",
        inv.software
            .iter()
            .filter(|s| !s.name.trim().is_empty())
            .map(|s| software(s, offset))
            .collect(),
    );
    insert_array(
        content,
        "antivirus",
        security(inv, SecurityKind::Antivirus, antivirus),
    );
    insert_array(
        content,
        "firewalls",
        security(inv, SecurityKind::Firewall, firewall),
    );
}

/// A JSON object under construction that silently drops absent and blank values, so that no
/// `null` and no empty string ever reaches GLPI.
#[derive(Default)]
struct Obj(Map<String, Value>);

impl Obj {
    /// Sets a string field when the value is present and not blank (trimmed).
    fn s(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            self.0.insert(key.into(), v.into());
        }
        self
    }

    /// Sets an integer field when present.
    fn n(&mut self, key: &str, value: Option<u64>) -> &mut Self {
        if let Some(v) = value {
            self.0.insert(key.into(), v.into());
        }
        self
    }

    /// Sets a boolean field when present.
    fn b(&mut self, key: &str, value: Option<bool>) -> &mut Self {
        if let Some(v) = value {
            self.0.insert(key.into(), v.into());
        }
        self
    }

    fn done(&mut self) -> Map<String, Value> {
        std::mem::take(&mut self.0)
    }
}

fn insert_object(content: &mut Map<String, Value>, key: &str, obj: Map<String, Value>) {
    if !obj.is_empty() {
        content.insert(key.into(), Value::Object(obj));
    }
}

fn insert_array(content: &mut Map<String, Value>, key: &str, items: Vec<Map<String, Value>>) {
    if !items.is_empty() {
        content.insert(
            key.into(),
            Value::Array(items.into_iter().map(Value::Object).collect()),
        );
    }
}

/// Bytes to MiB, GLPI's unit for memory and file systems (what GLPI Agent calls MB).
fn mib(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

/// Bytes to decimal MB, GLPI Agent's unit for disk sizes (a "256 GB" disk reads 256060).
fn mb(bytes: u64) -> u64 {
    bytes / 1_000_000
}

/// Parses a `+HHMM` / `-HHMM` UTC offset.
fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.trim();
    if s.len() != 5 || !s.is_char_boundary(1) || !s[1..].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = s[1..3].parse().ok()?;
    let minutes: i32 = s[3..5].parse().ok()?;
    let secs = hours * 3600 + minutes * 60;
    match &s[..1] {
        "+" => FixedOffset::east_opt(secs),
        "-" => FixedOffset::west_opt(secs),
        _ => None,
    }
}

/// `YYYY-MM-DD HH:MM:SS` in the machine's local time when its offset is known, else in UTC.
fn datetime(t: DateTime<Utc>, offset: Option<FixedOffset>) -> String {
    match offset {
        Some(o) => t.with_timezone(&o).format("%Y-%m-%d %H:%M:%S").to_string(),
        None => t.format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

/// `YYYY-MM-DD` of the machine's local day when its offset is known, else of the UTC day.
fn date(t: DateTime<Utc>, offset: Option<FixedOffset>) -> String {
    match offset {
        Some(o) => t.with_timezone(&o).format("%Y-%m-%d").to_string(),
        None => t.format("%Y-%m-%d").to_string(),
    }
}

/// A firmware date (`MM/DD/YYYY` from SMBIOS, `YYYY-MM-DD`, or WMI's `YYYYMMDD…`) as
/// `YYYY-MM-DD`; `None` when it is none of these, since the schema's pattern would reject it.
fn bios_date(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let parsed = NaiveDate::parse_from_str(raw, "%m/%d/%Y")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%Y-%m-%d"))
        .ok()
        .or_else(|| {
            let digits = raw.get(..8)?;
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            NaiveDate::parse_from_str(digits, "%Y%m%d").ok()
        })?;
    Some(parsed.format("%Y-%m-%d").to_string())
}
