//! What the UI shows of an inventory: categories of items, each item a list of typed fields
//! (bytes, dates, numbers… so the UI formats them for the locale), the software table, and what
//! could not be collected. Built generically from the model's serde form, so a field added to
//! the model shows up in the app without code here (its label key must be added to
//! [`FIELD_KEYS`] and to both dictionaries; tests catch the omission).

use chrono::{DateTime, Utc};
use guichet_inventory::{Category, ChangeKind, Inventory, InventoryDiff};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Inventory category, mirrored from the model for the bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum CategoryId {
    Os,
    Machine,
    Cpus,
    Memory,
    Storage,
    Volumes,
    Network,
    Controllers,
    Usb,
    Monitors,
    Batteries,
    Users,
    Software,
    Security,
    Virtualization,
}

impl From<Category> for CategoryId {
    fn from(c: Category) -> Self {
        match c {
            Category::Os => CategoryId::Os,
            Category::Machine => CategoryId::Machine,
            Category::Cpus => CategoryId::Cpus,
            Category::Memory => CategoryId::Memory,
            Category::Storage => CategoryId::Storage,
            Category::Volumes => CategoryId::Volumes,
            Category::Network => CategoryId::Network,
            Category::Controllers => CategoryId::Controllers,
            Category::Usb => CategoryId::Usb,
            Category::Monitors => CategoryId::Monitors,
            Category::Batteries => CategoryId::Batteries,
            Category::Users => CategoryId::Users,
            Category::Software => CategoryId::Software,
            Category::Security => CategoryId::Security,
            Category::Virtualization => CategoryId::Virtualization,
        }
    }
}

/// A field value, typed so the UI can format it for the locale.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum FieldValue {
    /// Plain text, shown as is.
    Text(String),
    /// A size in bytes (formatted as Ko/KB, Go/GB…).
    Bytes(u64),
    /// A number.
    Number(f64),
    /// Yes/no.
    Bool(bool),
    /// A UTC timestamp, RFC 3339.
    Date(String),
    /// Several short values (addresses, members…).
    List(Vec<String>),
}

/// One labelled field; `key` is a model field name, translated by the UI as `field.<key>`.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Field {
    /// Model field name (one of [`FIELD_KEYS`]).
    pub key: String,
    /// Its value.
    pub value: FieldValue,
}

/// One item of a category (a disk, a CPU…).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ItemView {
    /// Short title (name, model, mount point…).
    pub title: String,
    /// Every known field, in model order.
    pub fields: Vec<Field>,
}

/// One category and its items.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SectionView {
    /// Which category.
    pub category: CategoryId,
    /// Its items (one for single-record categories such as the OS).
    pub items: Vec<ItemView>,
}

/// One row of the software table.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SoftwareRow {
    /// Name.
    pub name: String,
    /// Version.
    pub version: Option<String>,
    /// Publisher.
    pub publisher: Option<String>,
    /// Package source (dpkg, flatpak…).
    pub source: String,
    /// Architecture.
    pub arch: Option<String>,
    /// Install date, RFC 3339.
    pub install_date: Option<String>,
    /// Installed size, bytes.
    pub size_bytes: Option<u64>,
}

/// Something that could not be collected.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CollectIssue {
    /// Category concerned.
    pub category: CategoryId,
    /// Source inside it, if narrower.
    pub source: Option<String>,
    /// Kind (`permission_denied`, `timed_out`…), translated by the UI as `issue.<kind>`.
    pub kind: String,
    /// Detail, in English.
    pub message: String,
}

/// The whole inventory as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct InventoryView {
    /// Collection time.
    pub collected_at: DateTime<Utc>,
    /// How long collection took, milliseconds.
    pub duration_ms: u64,
    /// Host name.
    pub hostname: Option<String>,
    /// Categories other than software, in display order; empty ones are left out.
    pub sections: Vec<SectionView>,
    /// Installed software, sorted by name.
    pub software: Vec<SoftwareRow>,
    /// What could not be collected.
    pub issues: Vec<CollectIssue>,
}

/// One change between two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ChangeView {
    /// Category.
    pub category: CategoryId,
    /// `added`, `removed`, `changed`, `upgraded` or `downgraded`.
    pub kind: ChangeKindId,
    /// Which item.
    pub item: String,
    /// Value before.
    pub before: Option<String>,
    /// Value after.
    pub after: Option<String>,
}

/// Kind of change, mirrored from the model for the bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum ChangeKindId {
    Added,
    Removed,
    Changed,
    Upgraded,
    Downgraded,
}

/// What changed between two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct DiffView {
    /// Older snapshot's collection time.
    pub old_taken_at: DateTime<Utc>,
    /// Newer snapshot's collection time.
    pub new_taken_at: DateTime<Utc>,
    /// The changes, in the model's stable order.
    pub changes: Vec<ChangeView>,
}

/// Every field name the model may produce: the label keys the UI dictionaries must translate.
pub const FIELD_KEYS: &[&str] = &[
    "address",
    "agent_version",
    "arch",
    "asset_tag",
    "available_bytes",
    "batteries",
    "bios_date",
    "bios_vendor",
    "bios_version",
    "board_model",
    "board_serial",
    "board_vendor",
    "boot_time",
    "bus_path",
    "cache_kib",
    "categories",
    "category",
    "charge_percent",
    "chassis_serial",
    "chassis_type",
    "chemistry",
    "class",
    "class_id",
    "class_name",
    "collected_at",
    "container",
    "controllers",
    "cores",
    "cpus",
    "description",
    "design_capacity_mwh",
    "device",
    "device_id",
    "dhcp",
    "dhcp_server",
    "dns_domain",
    "dns_servers",
    "driver",
    "duration_ms",
    "edid_base64",
    "enabled",
    "encryption",
    "errors",
    "external_clock_mhz",
    "family",
    "firmware",
    "folder",
    "form_factor",
    "format_version",
    "fqdn",
    "free_bytes",
    "fs_type",
    "full_capacity_mwh",
    "full_name",
    "gateway",
    "gateways",
    "groups",
    "guid",
    "home",
    "hostname",
    "human",
    "hypervisor",
    "id",
    "install_date",
    "interface",
    "ipv4",
    "ipv6",
    "is_gpu",
    "kernel_name",
    "kernel_version",
    "kind",
    "label",
    "login",
    "mac",
    "machine",
    "machine_id",
    "manufacture_date",
    "manufacturer",
    "mask",
    "members",
    "memory",
    "message",
    "model",
    "modules",
    "monitors",
    "mount_point",
    "mtu",
    "name",
    "network",
    "os",
    "part_number",
    "pci_slot",
    "port",
    "prefix_len",
    "product_id",
    "publisher",
    "removable",
    "revision",
    "role",
    "rotational",
    "secure_boot",
    "security",
    "serial",
    "service_pack",
    "shell",
    "signature_version",
    "size_bytes",
    "sku",
    "slot",
    "slots",
    "software",
    "source",
    "speed_mbps",
    "speed_mhz",
    "speed_mts",
    "status",
    "stepping",
    "storage",
    "subclass",
    "subnet",
    "subsystem_id",
    "summary",
    "swap_free_bytes",
    "swap_total_bytes",
    "threads",
    "timezone",
    "timezone_offset",
    "total_bytes",
    "uninstall_string",
    "up_to_date",
    "url",
    "usb",
    "users",
    "uuid",
    "vendor",
    "vendor_id",
    "version",
    "virtual_device",
    "virtualization",
    "voltage_mv",
    "volumes",
    "week",
    "wwn",
    "year",
];

/// Builds the UI view of an inventory.
pub fn inventory_view(inv: &Inventory) -> InventoryView {
    let doc = serde_json::to_value(inv).unwrap_or(Value::Null);
    let mut sections = Vec::new();
    for cat in Category::ALL {
        if cat == Category::Software {
            continue;
        }
        let mut items = Vec::new();
        for key in model_keys(cat) {
            match doc.get(*key) {
                Some(Value::Array(list)) => {
                    items.extend(list.iter().filter_map(|v| item(cat, v)));
                }
                Some(Value::Object(_)) => items.extend(item(cat, &doc[*key])),
                _ => {}
            }
        }
        // Gateways and DNS servers are plain strings: one summary item for them.
        if cat == Category::Network && !(inv.gateways.is_empty() && inv.dns_servers.is_empty()) {
            let mut fields = Vec::new();
            if !inv.gateways.is_empty() {
                fields.push(field("gateways", FieldValue::List(inv.gateways.clone())));
            }
            if !inv.dns_servers.is_empty() {
                fields.push(field(
                    "dns_servers",
                    FieldValue::List(inv.dns_servers.clone()),
                ));
            }
            items.push(ItemView {
                title: String::new(),
                fields,
            });
        }
        if !items.is_empty() {
            sections.push(SectionView {
                category: cat.into(),
                items,
            });
        }
    }
    let mut software: Vec<SoftwareRow> = inv
        .software
        .iter()
        .map(|s| SoftwareRow {
            name: s.name.clone(),
            version: s.version.clone(),
            publisher: s.publisher.clone(),
            source: s.source.clone(),
            arch: s.arch.clone(),
            install_date: s.install_date.map(|d| d.to_rfc3339()),
            size_bytes: s.size_bytes,
        })
        .collect();
    software.sort_by_key(|s| s.name.to_lowercase());
    let issues = inv
        .errors
        .iter()
        .map(|e| CollectIssue {
            category: e.category.into(),
            source: e.source.clone(),
            kind: serde_json::to_value(e.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| "failed".into()),
            message: e.message.clone(),
        })
        .collect();
    InventoryView {
        collected_at: inv.collected_at,
        duration_ms: inv.duration_ms,
        hostname: inv.hostname().map(str::to_string),
        sections,
        software,
        issues,
    }
}

/// Builds the UI view of a diff.
pub fn diff_view(d: &InventoryDiff) -> DiffView {
    DiffView {
        old_taken_at: d.old_taken_at,
        new_taken_at: d.new_taken_at,
        changes: d
            .changes
            .iter()
            .map(|c| ChangeView {
                category: c.category.into(),
                kind: match c.kind {
                    ChangeKind::Added => ChangeKindId::Added,
                    ChangeKind::Removed => ChangeKindId::Removed,
                    ChangeKind::Changed => ChangeKindId::Changed,
                    ChangeKind::Upgraded => ChangeKindId::Upgraded,
                    ChangeKind::Downgraded => ChangeKindId::Downgraded,
                },
                item: c.item.clone(),
                before: c.before.clone(),
                after: c.after.clone(),
            })
            .collect(),
    }
}

/// The top-level model keys holding each category's records.
fn model_keys(cat: Category) -> &'static [&'static str] {
    match cat {
        Category::Os => &["os"],
        Category::Machine => &["machine"],
        Category::Cpus => &["cpus"],
        Category::Memory => &["memory"],
        Category::Storage => &["storage"],
        Category::Volumes => &["volumes"],
        Category::Network => &["network"],
        Category::Controllers => &["controllers"],
        Category::Usb => &["usb"],
        Category::Monitors => &["monitors"],
        Category::Batteries => &["batteries"],
        Category::Users => &["users", "groups"],
        Category::Software => &["software"],
        Category::Security => &["security"],
        Category::Virtualization => &["virtualization"],
    }
}

fn field(key: &str, value: FieldValue) -> Field {
    Field {
        key: key.to_string(),
        value,
    }
}

/// Keys that name an item, best first.
const TITLE_KEYS: &[&str] = &[
    "full_name",
    "name",
    "model",
    "mount_point",
    "login",
    "slot",
    "product",
    "kind",
];

fn item(cat: Category, v: &Value) -> Option<ItemView> {
    let obj = v.as_object()?;
    let title = TITLE_KEYS
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str))
        .map(str::to_string)
        .unwrap_or_default();
    let mut fields = Vec::new();
    for (k, v) in obj {
        // Memory modules are items of their own further down; EDID is raw bytes.
        if (cat == Category::Memory && k == "modules") || k == "edid_base64" {
            continue;
        }
        if let Some(value) = value_of(k, v) {
            fields.push(field(k, value));
        }
    }
    let mut out = ItemView { title, fields };
    if cat == Category::Memory {
        // Fold modules in as extra fields lists: one line per module.
        if let Some(Value::Array(mods)) = obj.get("modules") {
            let lines: Vec<String> = mods.iter().map(compact).filter(|s| !s.is_empty()).collect();
            if !lines.is_empty() {
                out.fields.push(field("modules", FieldValue::List(lines)));
            }
        }
    }
    Some(out)
}

fn value_of(key: &str, v: &Value) -> Option<FieldValue> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => FieldValue::Bool(*b),
        Value::Number(n) => match (key.ends_with("_bytes"), n.as_u64()) {
            (true, Some(b)) => FieldValue::Bytes(b),
            _ => FieldValue::Number(n.as_f64()?),
        },
        Value::String(s) if s.is_empty() => return None,
        Value::String(s) => {
            if looks_like_time(key) && DateTime::parse_from_rfc3339(s).is_ok() {
                FieldValue::Date(s.clone())
            } else {
                FieldValue::Text(s.clone())
            }
        }
        Value::Array(list) => {
            let items: Vec<String> = list.iter().map(compact).filter(|s| !s.is_empty()).collect();
            if items.is_empty() {
                return None;
            }
            FieldValue::List(items)
        }
        Value::Object(_) => FieldValue::Text(compact(v)),
    })
}

fn looks_like_time(key: &str) -> bool {
    key.ends_with("_time") || key.ends_with("_date") || key.ends_with("_at")
}

/// A one-line rendering of a nested value: an address with its prefix, else its values.
fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Object(o) => {
            if let (Some(a), Some(p)) = (
                o.get("address").and_then(Value::as_str),
                o.get("prefix_len"),
            ) {
                return format!("{a}/{p}");
            }
            o.values()
                .filter(|v| !v.is_null())
                .map(compact)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ")
        }
        Value::Array(a) => a.iter().map(compact).collect::<Vec<_>>().join(", "),
        Value::Null => String::new(),
    }
}

/// Software rows whose name, publisher or version contains `filter` (case-insensitive).
pub fn filter_software<'a>(rows: &'a [SoftwareRow], filter: &str) -> Vec<&'a SoftwareRow> {
    let f = filter.trim().to_lowercase();
    rows.iter()
        .filter(|r| {
            f.is_empty()
                || r.name.to_lowercase().contains(&f)
                || r.publisher
                    .as_deref()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains(&f)
                || r.version
                    .as_deref()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains(&f)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_inventory::{Memory, OperatingSystem, Software, Volume};

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn sample() -> Inventory {
        let mut inv = Inventory::new(t0(), "0.1.0");
        inv.os = Some(OperatingSystem {
            hostname: "pc-accueil".into(),
            full_name: "Debian GNU/Linux 12 (bookworm)".into(),
            boot_time: Some(t0()),
            ..Default::default()
        });
        inv.memory = Some(Memory {
            total_bytes: 8 << 30,
            ..Default::default()
        });
        inv.volumes.push(Volume {
            mount_point: "/".into(),
            fs_type: "ext4".into(),
            total_bytes: 100,
            free_bytes: 40,
            ..Default::default()
        });
        for (n, v) in [("zsh", "5.9"), ("Firefox-ESR", "115.5")] {
            inv.software.push(Software {
                name: n.into(),
                version: Some(v.into()),
                source: "dpkg".into(),
                ..Default::default()
            });
        }
        inv
    }

    #[test]
    fn sections_carry_typed_fields() {
        let v = inventory_view(&sample());
        assert_eq!(v.hostname.as_deref(), Some("pc-accueil"));
        let cats: Vec<CategoryId> = v.sections.iter().map(|s| s.category).collect();
        assert_eq!(
            cats,
            vec![CategoryId::Os, CategoryId::Memory, CategoryId::Volumes]
        );
        let os = &v.sections[0].items[0];
        assert_eq!(os.title, "Debian GNU/Linux 12 (bookworm)");
        assert!(
            os.fields
                .contains(&field("boot_time", FieldValue::Date(t0().to_rfc3339())))
                || os
                    .fields
                    .iter()
                    .any(|f| f.key == "boot_time" && matches!(f.value, FieldValue::Date(_)))
        );
        let vol = &v.sections[2].items[0];
        assert_eq!(vol.title, "/");
        assert!(vol
            .fields
            .contains(&field("free_bytes", FieldValue::Bytes(40))));
        assert!(vol
            .fields
            .contains(&field("fs_type", FieldValue::Text("ext4".into()))));
    }

    #[test]
    fn software_is_sorted_case_insensitively_and_filterable() {
        let v = inventory_view(&sample());
        let names: Vec<&str> = v.software.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["Firefox-ESR", "zsh"]);
        let hits = filter_software(&v.software, "fire");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].name, "Firefox-ESR");
        assert_eq!(filter_software(&v.software, "  ").len(), 2);
    }

    #[test]
    fn every_emitted_field_key_is_declared_for_translation() {
        // A real inventory of this machine exercises most of the model.
        let inv = guichet_inventory::collect(&guichet_inventory::Options::all(Utc::now()));
        let mut views = vec![inventory_view(&inv), inventory_view(&sample())];
        views.push(inventory_view(&Inventory::new(t0(), "x")));
        for v in views {
            for s in v.sections {
                for i in s.items {
                    for f in i.fields {
                        assert!(
                            FIELD_KEYS.contains(&f.key.as_str()),
                            "field key {} missing from FIELD_KEYS",
                            f.key
                        );
                    }
                }
            }
        }
    }
}
