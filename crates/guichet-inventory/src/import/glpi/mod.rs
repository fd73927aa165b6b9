//! GLPI inventory JSON (what GLPI Agent and `guichet inventory --format glpi` write) back to our
//! model: the inverse of `export::glpi`.
//!
//! Units are converted back with the conventions of the export (memory and file systems in MiB,
//! disk sizes in decimal MB, date-times in the machine's local time shifted back to UTC with the
//! document's own `timezone.offset`). The mapping is lenient where agents differ: numbers may come
//! as strings (FusionInventory's XML has only text, and `ocs_xml` hands its tree to this module),
//! a few fields have the OCS spelling as an alias (`macaddr`, `installdate`), and blank or
//! unparseable values become `None` rather than an error, because one odd field must not make a
//! whole machine unimportable. Only a document without a `content` object is refused.
//!
//! What GLPI's format cannot carry comes back empty: `Inventory::collected_at` is the document's
//! `accesslog.logdate` when present, else the `fallback_time` the caller passes (the file's
//! modification time, say); memory sizes lose their sub-MiB part.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value};

use super::ImportError;
use crate::model::{Category, Inventory, NATIVE_FORMAT_VERSION};

mod devices;
mod software;
mod system;

#[cfg(test)]
mod tests;

/// A JSON object of the document.
type Obj = Map<String, Value>;

/// An inventory read from a GLPI document, with the document's device id.
#[derive(Debug, Clone, PartialEq)]
pub struct GlpiDocument {
    /// The GLPI agent's device id (`hostname-YYYY-MM-DD-HH-MM-SS`), when the document has one.
    pub deviceid: Option<String>,
    /// The inventory mapped to our model.
    pub inventory: Inventory,
}

/// Maps a GLPI inventory document (`{"deviceid":…, "content":{…}}`) to our model.
pub fn from_glpi(doc: &Value, fallback_time: DateTime<Utc>) -> Result<GlpiDocument, ImportError> {
    let content = doc
        .get("content")
        .and_then(Value::as_object)
        .ok_or_else(|| ImportError::Invalid("a GLPI inventory needs a `content` object".into()))?;
    let deviceid = doc
        .get("deviceid")
        .and_then(text)
        .or_else(|| content.get("deviceid").and_then(text));
    Ok(GlpiDocument {
        deviceid,
        inventory: from_content(content, fallback_time),
    })
}

/// Maps the `content` object of a GLPI document (also used for OCS XML turned into JSON).
pub(crate) fn from_content(content: &Obj, fallback_time: DateTime<Utc>) -> Inventory {
    let empty = Map::new();
    let obj = |key: &str| content.get(key).and_then(Value::as_object);
    let list = |key: &str| -> Vec<&Obj> {
        match content.get(key) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
            Some(Value::Object(one)) => vec![one],
            _ => Vec::new(),
        }
    };

    let os_obj = obj("operatingsystem");
    let hardware = obj("hardware").unwrap_or(&empty);
    let offset = os_obj
        .and_then(|o| o.get("timezone"))
        .and_then(|tz| tz.get("offset"))
        .and_then(text)
        .and_then(|s| parse_offset(&s));

    let collected_at = obj("accesslog")
        .and_then(|a| s(a, "logdate"))
        .and_then(|d| local_datetime(&d, offset))
        .unwrap_or(fallback_time);

    let firewalls = list("firewalls")
        .into_iter()
        .chain(list("firewall"))
        .collect();
    let mut inv = Inventory {
        format_version: NATIVE_FORMAT_VERSION,
        collected_at,
        agent_version: content
            .get("versionclient")
            .and_then(text)
            .unwrap_or_default(),
        os: system::operating_system(os_obj, hardware, offset),
        machine: system::machine(obj("bios"), hardware),
        cpus: system::cpus(list("cpus")),
        memory: system::memory(list("memories"), hardware),
        storage: devices::storage(list("storages")),
        volumes: devices::volumes(list("drives")),
        network: devices::networks(&list("networks")),
        dns_servers: devices::dns_servers(hardware),
        gateways: s(hardware, "defaultgateway").into_iter().collect(),
        controllers: devices::controllers(list("controllers"), list("videos")),
        usb: devices::usb(list("usbdevices")),
        monitors: devices::monitors(list("monitors")),
        batteries: devices::batteries(list("batteries")),
        users: software::users(list("local_users")),
        groups: software::groups(list("local_groups")),
        software: software::software(list("softwares"), offset),
        security: software::security(list("antivirus"), firewalls),
        virtualization: s(hardware, "vmsystem").map(|vm| system::virtualization(&vm)),
        ..Default::default()
    };
    inv.categories = categories(&inv);
    inv
}

/// The categories the document filled, in their canonical order.
fn categories(inv: &Inventory) -> Vec<Category> {
    let filled = [
        (Category::Os, inv.os.is_some()),
        (Category::Machine, inv.machine.is_some()),
        (Category::Cpus, !inv.cpus.is_empty()),
        (Category::Memory, inv.memory.is_some()),
        (Category::Storage, !inv.storage.is_empty()),
        (Category::Volumes, !inv.volumes.is_empty()),
        (Category::Network, !inv.network.is_empty()),
        (Category::Controllers, !inv.controllers.is_empty()),
        (Category::Usb, !inv.usb.is_empty()),
        (Category::Monitors, !inv.monitors.is_empty()),
        (Category::Batteries, !inv.batteries.is_empty()),
        (
            Category::Users,
            !inv.users.is_empty() || !inv.groups.is_empty(),
        ),
        (Category::Software, !inv.software.is_empty()),
        (Category::Security, !inv.security.is_empty()),
        (Category::Virtualization, inv.virtualization.is_some()),
    ];
    let mut out: Vec<Category> = filled
        .into_iter()
        .filter_map(|(c, yes)| yes.then_some(c))
        .collect();
    out.sort();
    out
}

const MIB: u64 = 1024 * 1024;

/// A JSON scalar as trimmed text; `None` for blanks, objects and arrays.
fn text(v: &Value) -> Option<String> {
    let t = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!t.is_empty()).then_some(t)
}

/// A string field.
fn s(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key).and_then(text)
}

/// A non-negative integer field, given as a number or as digits (FusionInventory writes `-1`
/// for an unknown speed: that is `None`). A decimal is truncated.
fn n(o: &Map<String, Value>, key: &str) -> Option<u64> {
    match o.get(key)? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f as u64)
        }),
        Value::String(s) => {
            let t = s.trim();
            t.parse::<u64>().ok().or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && *f >= 0.0)
                    .map(|f| f as u64)
            })
        }
        _ => None,
    }
}

/// An integer field counted in `unit`s (MiB, MB), in bytes. A value whose bytes do not fit in
/// 64 bits (no disk or memory is 16 EiB: a broken or hostile file) is dropped, as unknown.
fn bytes(o: &Map<String, Value>, key: &str, unit: u64) -> Option<u64> {
    n(o, key)?.checked_mul(unit)
}

/// A boolean field: JSON `true`/`false`, or the `1`/`0` XML agents write.
fn b(o: &Map<String, Value>, key: &str) -> Option<bool> {
    match o.get(key)? {
        Value::Bool(b) => Some(*b),
        other => match text(other)?.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Some(true),
            "0" | "false" | "no" | "off" => Some(false),
            _ => None,
        },
    }
}

/// Parses a `+HHMM` / `-HHMM` UTC offset.
fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.trim();
    if s.len() != 5 || !s.is_char_boundary(1) || !s[1..].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs = s[1..3].parse::<i32>().ok()? * 3600 + s[3..5].parse::<i32>().ok()? * 60;
    match &s[..1] {
        "+" => FixedOffset::east_opt(secs),
        "-" => FixedOffset::west_opt(secs),
        _ => None,
    }
}

/// A date in one of the shapes agents write: `YYYY-MM-DD`, OCS's `DD/MM/YYYY`.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

/// A local date-time (`YYYY-MM-DD HH:MM:SS`) or date, shifted to UTC with the machine's offset
/// (taken as UTC when unknown, which is what the export does in that case too).
fn local_datetime(s: &str, offset: Option<FixedOffset>) -> Option<DateTime<Utc>> {
    let t = s.trim();
    let naive = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S")
        .ok()
        .or_else(|| parse_date(t).and_then(|d| d.and_hms_opt(0, 0, 0)))?;
    let offset = offset.unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    offset
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}
