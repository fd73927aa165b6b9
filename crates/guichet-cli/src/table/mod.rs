//! Human-readable tables for the terminal: the inventory ([`inventory`]), the snapshot history
//! and the change list between two snapshots.

use std::fmt::Write as _;

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use guichet_inventory::InventoryDiff;
use guichet_store::SnapshotMeta;

mod inventory;

pub use inventory::inventory;

/// Bytes as a binary-prefixed size (`15.5 GiB`), as the site report shows them.
pub use guichet_site::size;

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    t
}

fn section(out: &mut String, title: &str, t: Option<Table>) {
    let _ = writeln!(out, "\n{title}");
    match t {
        Some(t) => {
            let _ = writeln!(out, "{t}");
        }
        None => out.push_str("  (none found)\n"),
    }
}

fn kv(rows: &[(&str, String)]) -> Option<Table> {
    let rows: Vec<_> = rows.iter().filter(|(_, v)| !v.is_empty()).collect();
    if rows.is_empty() {
        return None;
    }
    let mut t = table(&["Field", "Value"]);
    for (k, v) in rows {
        t.add_row(vec![k.to_string(), v.clone()]);
    }
    Some(t)
}

fn many<T>(items: &[T], header: &[&str], row: impl Fn(&T) -> Vec<String>) -> Option<Table> {
    if items.is_empty() {
        return None;
    }
    let mut t = table(header);
    for i in items {
        t.add_row(row(i));
    }
    Some(t)
}

/// The snapshot history.
pub fn history(list: &[SnapshotMeta]) -> String {
    match many(
        list,
        &[
            "#",
            "Taken (UTC)",
            "Host",
            "OS",
            "Memory",
            "Software",
            "Errors",
            "UUID",
        ],
        |m| {
            vec![
                m.id.to_string(),
                m.taken_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                m.hostname.clone(),
                opt(&m.os_full_name),
                m.memory_bytes.map(|b| size(b as u64)).unwrap_or_default(),
                m.software_count.to_string(),
                m.error_count.to_string(),
                m.uuid.to_string(),
            ]
        },
    ) {
        Some(t) => format!("{t}\n"),
        None => "No snapshot saved yet: run `guichet inventory --save`.\n".to_string(),
    }
}

/// A diff between two inventories.
pub fn diff(old: &str, new: &str, d: &InventoryDiff) -> String {
    let mut out = format!("Changes from {old} to {new}:\n");
    match many(
        &d.changes,
        &["Category", "Change", "Item", "Before", "After"],
        |c| {
            vec![
                c.category.to_string(),
                format!("{:?}", c.kind).to_lowercase(),
                c.item.clone(),
                opt(&c.before),
                opt(&c.after),
            ]
        },
    ) {
        Some(t) => {
            let _ = writeln!(out, "{t}");
        }
        None => out.push_str("  no change\n"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_use_binary_prefixes() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(16 * 1024 * 1024 * 1024), "16.0 GiB");
    }
}
