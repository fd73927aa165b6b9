//! Serial-ATA disks, from the text and the XML forms.

use plist::Value;

use super::{s, size_bytes, u, Node};
use crate::model::StorageDevice;

/// `SPSerialATADataType` (text) disks: the children of controllers that have a `BSD Name`.
pub fn serial_ata_text(root: &Node) -> Vec<StorageDevice> {
    let Some(sata) = root.child("Serial-ATA") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for ctrl in &sata.children {
        for d in ctrl
            .children
            .iter()
            .filter(|d| d.child("BSD Name").is_some())
        {
            let model = d.text("Model").or_else(|| Some(d.key.clone()));
            out.push(StorageDevice {
                name: d.text("BSD Name").unwrap_or_default(),
                vendor: model.as_deref().and_then(disk_vendor),
                model,
                serial: d.text("Serial Number"),
                firmware: d.text("Revision"),
                size_bytes: d.get("Capacity").and_then(size_bytes).unwrap_or(0),
                rotational: d.get("Medium Type").map(|m| m == "Rotational"),
                removable: d.get("Removable Media") == Some("Yes"),
                interface: Some("SATA".to_string()),
                kind: "disk".to_string(),
                wwn: None,
            });
        }
    }
    out
}

/// Vendor from a disk model's well-known prefix (`WDC …`, `ST…`, `APPLE SSD …`).
fn disk_vendor(model: &str) -> Option<String> {
    let m = model.trim().to_ascii_uppercase();
    let v = if m.starts_with("WDC") {
        "Western Digital"
    } else if m.starts_with("ST") && m.as_bytes().get(2).is_some_and(u8::is_ascii_digit) {
        "Seagate"
    } else if m.starts_with("APPLE") {
        "Apple"
    } else if m.starts_with("SAMSUNG") {
        "Samsung"
    } else if m.starts_with("HITACHI") || m.starts_with("HTS") {
        "Hitachi"
    } else if m.starts_with("TOSHIBA") {
        "Toshiba"
    } else {
        return None;
    };
    Some(v.to_string())
}

/// Disks in `SPSerialATADataType` items (XML): controllers' children with a `bsd_name`.
pub fn serial_ata_xml(items: &[Value]) -> Vec<StorageDevice> {
    let mut out = Vec::new();
    for ctrl in items {
        let Some(disks) = ctrl
            .as_dictionary()
            .and_then(|d| d.get("_items"))
            .and_then(Value::as_array)
        else {
            continue;
        };
        for d in disks {
            let Some(name) = s(d, "bsd_name") else {
                continue;
            };
            let model = s(d, "device_model").or_else(|| s(d, "_name"));
            out.push(StorageDevice {
                name,
                vendor: model.as_deref().and_then(disk_vendor),
                model,
                serial: s(d, "device_serial"),
                firmware: s(d, "device_revision"),
                size_bytes: u(d, "size_in_bytes").unwrap_or(0),
                rotational: s(d, "spsata_medium_type").map(|m| m == "Rotational"),
                removable: s(d, "removable_media").as_deref() == Some("yes"),
                interface: Some("SATA".to_string()),
                kind: "disk".to_string(),
                wwn: None,
            });
        }
    }
    out
}
