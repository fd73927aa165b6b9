//! What changed between two inventories of the same machine: the change history.
//!
//! [`diff`] compares software (keyed by source, name and architecture; version moves classified as
//! upgrades or downgrades with Debian's version ordering), memory, disks, volumes, network
//! interfaces, the OS, processors and the machine's identity. The result is a flat list of
//! [`Change`]s in a stable order (category, item, kind, values), so two runs over the same inputs
//! serialise identically whatever the collectors' output order.
//!
//! A category is compared only when both inventories collected it and neither lost it to an error:
//! a category that failed (or was not asked for) must not read as "everything was removed". For
//! software, a package source that failed in either inventory is left out in the same way.

use crate::model::{
    Category, Inventory, MemoryModule, NetworkInterface, Software, StorageDevice, Volume,
};
use crate::parse::version::compare_versions;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// What changed between two inventories.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryDiff {
    /// Collection time of the older inventory.
    pub old_taken_at: DateTime<Utc>,
    /// Collection time of the newer inventory.
    pub new_taken_at: DateTime<Utc>,
    /// The changes, sorted by category, item, kind, then values.
    pub changes: Vec<Change>,
}

/// One change of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Inventory category of the item.
    pub category: Category,
    /// What happened to it.
    pub kind: ChangeKind,
    /// Which item, e.g. `firefox-esr (amd64, dpkg)`, `disk S29NNXAH146409`, `kernel`.
    pub item: String,
    /// Value before (version, size…); `None` for an added item or a value that was unknown.
    pub before: Option<String>,
    /// Value after; `None` for a removed item or a value that became unknown.
    pub after: Option<String>,
}

/// Kind of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The item appeared.
    Added,
    /// The item disappeared.
    Removed,
    /// A value of the item changed (with no version order to speak of).
    Changed,
    /// The item's version went up.
    Upgraded,
    /// The item's version went down.
    Downgraded,
}

impl InventoryDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Number of changes of each kind; kinds with no change are absent.
    pub fn summary(&self) -> BTreeMap<ChangeKind, usize> {
        let mut counts = BTreeMap::new();
        for c in &self.changes {
            *counts.entry(c.kind).or_insert(0) += 1;
        }
        counts
    }

    /// Number of changes of one kind.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }
}

/// Compares an older inventory with a newer one of the same machine.
pub fn diff(old: &Inventory, new: &Inventory) -> InventoryDiff {
    let mut d = Diff::default();
    let both = |c: Category| comparable(old, c) && comparable(new, c);

    if both(Category::Software) {
        software(&mut d, old, new);
    }
    if both(Category::Memory) {
        memory(&mut d, old, new);
    }
    if both(Category::Storage) {
        keyed(
            &mut d,
            Category::Storage,
            &old.storage,
            &new.storage,
            disk_key,
            disk_changes,
        );
    }
    if both(Category::Volumes) {
        keyed(
            &mut d,
            Category::Volumes,
            &old.volumes,
            &new.volumes,
            |v: &Volume| format!("volume {}", v.mount_point),
            |_, _, _| Vec::new(),
        );
    }
    if both(Category::Network) {
        keyed(
            &mut d,
            Category::Network,
            &old.network,
            &new.network,
            |n: &NetworkInterface| format!("interface {}", n.name),
            nic_changes,
        );
    }
    if both(Category::Os) {
        os(&mut d, old, new);
    }
    if both(Category::Cpus) {
        processors(&mut d, old, new);
    }
    if both(Category::Machine) {
        machine(&mut d, old, new);
    }

    let mut changes = d.0;
    changes.sort_by(|a, b| {
        (a.category, &a.item, a.kind, &a.before, &a.after)
            .cmp(&(b.category, &b.item, b.kind, &b.before, &b.after))
    });
    changes.dedup();
    InventoryDiff {
        old_taken_at: old.collected_at,
        new_taken_at: new.collected_at,
        changes,
    }
}

/// The processors, described as one line (name, cores and threads of each).
fn processors(d: &mut Diff, old: &Inventory, new: &Inventory) {
    let describe = |inv: &Inventory| {
        let cpus: Vec<String> = inv
            .cpus
            .iter()
            .map(|c| {
                let mut s = c.name.trim().to_string();
                if let (Some(cores), Some(threads)) = (c.cores, c.threads) {
                    s.push_str(&format!(" ({cores} cores, {threads} threads)"));
                }
                s
            })
            .collect();
        (!cpus.is_empty()).then(|| cpus.join("; "))
    };
    d.value(
        Category::Cpus,
        "processors",
        describe(old),
        describe(new),
        false,
    );
}

/// The machine's serial number and BIOS version.
fn machine(d: &mut Diff, old: &Inventory, new: &Inventory) {
    let (om, nm) = (
        old.machine.clone().unwrap_or_default(),
        new.machine.clone().unwrap_or_default(),
    );
    d.value(
        Category::Machine,
        "machine serial",
        om.serial,
        nm.serial,
        false,
    );
    d.value(
        Category::Machine,
        "BIOS version",
        om.bios_version,
        nm.bios_version,
        true,
    );
}

/// Whether a category was collected in this inventory and did not fail as a whole. An empty
/// `categories` list (hand-built inventories) means everything was collected.
fn comparable(inv: &Inventory, c: Category) -> bool {
    (inv.categories.is_empty() || inv.categories.contains(&c))
        && !inv
            .errors
            .iter()
            .any(|e| e.category == c && e.source.is_none())
}

#[derive(Default)]
struct Diff(Vec<Change>);

impl Diff {
    fn push(
        &mut self,
        category: Category,
        kind: ChangeKind,
        item: impl Into<String>,
        before: Option<String>,
        after: Option<String>,
    ) {
        self.0.push(Change {
            category,
            kind,
            item: item.into(),
            before,
            after,
        });
    }

    /// Records a change of one value, if it changed. With `versioned`, a move between two known
    /// versions is an upgrade or a downgrade.
    fn value(
        &mut self,
        category: Category,
        item: &str,
        before: Option<String>,
        after: Option<String>,
        versioned: bool,
    ) {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let (before, after) = (clean(before), clean(after));
        if before == after {
            return;
        }
        let kind = match (&before, &after) {
            (Some(b), Some(a)) if versioned => version_kind(b, a),
            _ => ChangeKind::Changed,
        };
        self.push(category, kind, item, before, after);
    }
}

/// Upgraded, downgraded, or merely changed (versions equal by ordering but spelled differently).
fn version_kind(before: &str, after: &str) -> ChangeKind {
    match compare_versions(before, after) {
        Ordering::Less => ChangeKind::Upgraded,
        Ordering::Greater => ChangeKind::Downgraded,
        Ordering::Equal => ChangeKind::Changed,
    }
}

/// Items keyed by a string: added, removed, and `changes` for those on both sides. With
/// duplicate keys the last record wins, which only happens with broken source data.
fn keyed<T>(
    d: &mut Diff,
    category: Category,
    old: &[T],
    new: &[T],
    key: impl Fn(&T) -> String,
    changes: impl Fn(&str, &T, &T) -> Vec<(String, Option<String>, Option<String>, bool)>,
) {
    let old: BTreeMap<String, &T> = old.iter().map(|x| (key(x), x)).collect();
    let new: BTreeMap<String, &T> = new.iter().map(|x| (key(x), x)).collect();
    for (k, o) in &old {
        match new.get(k) {
            None => d.push(category, ChangeKind::Removed, k.clone(), None, None),
            Some(n) => {
                for (item, before, after, versioned) in changes(k, o, n) {
                    d.value(category, &item, before, after, versioned);
                }
            }
        }
    }
    for k in new.keys().filter(|k| !old.contains_key(*k)) {
        d.push(category, ChangeKind::Added, k.clone(), None, None);
    }
}

/// Disks are the same disk when their serial is; without a serial, when their kernel name is.
fn disk_key(s: &StorageDevice) -> String {
    match s.serial.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(serial) => format!("disk {serial}"),
        None => format!("disk {}", s.name),
    }
}

fn disk_changes(
    key: &str,
    o: &StorageDevice,
    n: &StorageDevice,
) -> Vec<(String, Option<String>, Option<String>, bool)> {
    vec![
        (
            format!("{key} size"),
            Some(format!("{} bytes", o.size_bytes)),
            Some(format!("{} bytes", n.size_bytes)),
            false,
        ),
        (
            format!("{key} firmware"),
            o.firmware.clone(),
            n.firmware.clone(),
            true,
        ),
    ]
}

/// The addresses of an interface, sorted so that a reordering is not a change.
fn addresses(n: &NetworkInterface) -> Option<String> {
    let all: BTreeSet<String> = n
        .ipv4
        .iter()
        .chain(&n.ipv6)
        .map(|a| format!("{}/{}", a.address.trim(), a.prefix_len))
        .collect();
    (!all.is_empty()).then(|| all.into_iter().collect::<Vec<_>>().join(", "))
}

fn nic_changes(
    key: &str,
    o: &NetworkInterface,
    n: &NetworkInterface,
) -> Vec<(String, Option<String>, Option<String>, bool)> {
    vec![
        (
            format!("{key} MAC"),
            o.mac.as_ref().map(|m| m.to_ascii_lowercase()),
            n.mac.as_ref().map(|m| m.to_ascii_lowercase()),
            false,
        ),
        (
            format!("{key} addresses"),
            addresses(o),
            addresses(n),
            false,
        ),
    ]
}

fn memory(d: &mut Diff, old: &Inventory, new: &Inventory) {
    let (Some(om), Some(nm)) = (&old.memory, &new.memory) else {
        return;
    };
    // The usable total moves by a few MiB between kernels (reserved memory), which is not a
    // hardware change; anything past 1% is (a module added, removed or failed).
    let delta = om.total_bytes.abs_diff(nm.total_bytes);
    if delta > om.total_bytes / 100 {
        d.push(
            Category::Memory,
            ChangeKind::Changed,
            "memory total",
            Some(format!("{} MiB", om.total_bytes >> 20)),
            Some(format!("{} MiB", nm.total_bytes >> 20)),
        );
    }
    let modules = |mods: &[MemoryModule]| -> BTreeMap<String, String> {
        mods.iter()
            .enumerate()
            .map(|(i, m)| {
                let key = match m.slot.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    Some(slot) => format!("memory module {slot}"),
                    None => format!("memory module #{}", i + 1),
                };
                (key, describe_module(m))
            })
            .collect()
    };
    let (o, n) = (modules(&om.modules), modules(&nm.modules));
    for (k, before) in &o {
        match n.get(k) {
            None => d.push(
                Category::Memory,
                ChangeKind::Removed,
                k.clone(),
                Some(before.clone()),
                None,
            ),
            Some(after) => d.value(
                Category::Memory,
                k,
                Some(before.clone()),
                Some(after.clone()),
                false,
            ),
        }
    }
    for (k, after) in n.iter().filter(|(k, _)| !o.contains_key(*k)) {
        d.push(
            Category::Memory,
            ChangeKind::Added,
            k.clone(),
            None,
            Some(after.clone()),
        );
    }
}

/// `8192 MiB DDR4 3200 MT/s Samsung M471A1K43DB1-CWE S/N 1234` with the parts that are known.
fn describe_module(m: &MemoryModule) -> String {
    let mut parts = vec![format!("{} MiB", m.size_bytes >> 20)];
    parts.extend(m.kind.clone());
    parts.extend(m.speed_mts.map(|s| format!("{s} MT/s")));
    parts.extend(m.vendor.clone());
    parts.extend(m.part_number.clone());
    parts.extend(m.serial.as_ref().map(|s| format!("S/N {s}")));
    parts.join(" ")
}

fn os(d: &mut Diff, old: &Inventory, new: &Inventory) {
    let (Some(o), Some(n)) = (&old.os, &new.os) else {
        return;
    };
    d.value(
        Category::Os,
        "operating system",
        Some(o.name.clone()),
        Some(n.name.clone()),
        false,
    );
    d.value(
        Category::Os,
        "OS version",
        o.version.clone(),
        n.version.clone(),
        true,
    );
    d.value(
        Category::Os,
        "kernel",
        o.kernel_version.clone(),
        n.kernel_version.clone(),
        true,
    );
}

/// `firefox-esr (amd64, dpkg)`: the software identity shown to people.
fn software_item(source: &str, name: &str, arch: &str) -> String {
    if arch.is_empty() {
        format!("{name} ({source})")
    } else {
        format!("{name} ({arch}, {source})")
    }
}

fn software(d: &mut Diff, old: &Inventory, new: &Inventory) {
    // Sources that failed on either side are not compared (see module docs).
    let failed: BTreeSet<&str> = old
        .errors
        .iter()
        .chain(&new.errors)
        .filter(|e| e.category == Category::Software)
        .filter_map(|e| e.source.as_deref())
        .collect();
    let (o, n) = (
        software_index(&old.software, &failed),
        software_index(&new.software, &failed),
    );
    let opt = |v: &str| (!v.is_empty()).then(|| v.to_string());
    let keys: BTreeSet<&SoftwareKey<'_>> = o.keys().chain(n.keys()).collect();
    for key in keys {
        let item = software_item(key.0, key.1, key.2);
        let empty = Vec::new();
        let before = o.get(key).unwrap_or(&empty);
        let after = n.get(key).unwrap_or(&empty);
        if let ([b], [a]) = (before.as_slice(), after.as_slice()) {
            if b != a {
                let kind = if b.is_empty() || a.is_empty() {
                    ChangeKind::Changed
                } else {
                    version_kind(b, a)
                };
                d.push(Category::Software, kind, item, opt(b), opt(a));
            }
            continue;
        }
        // New or gone altogether, or several versions installed side by side (rpm kernels,
        // gpg-pubkey…): report each version that appeared or disappeared rather than guess
        // pairings.
        for v in before.iter().filter(|v| !after.contains(v)) {
            d.push(Category::Software, ChangeKind::Removed, &item, opt(v), None);
        }
        for v in after.iter().filter(|v| !before.contains(v)) {
            d.push(Category::Software, ChangeKind::Added, &item, None, opt(v));
        }
    }
}

/// (source, name, arch): what makes two package records the same software.
type SoftwareKey<'a> = (&'a str, &'a str, &'a str);

/// Versions installed per software, leaving out the failed sources.
fn software_index<'a>(
    list: &'a [Software],
    failed: &BTreeSet<&str>,
) -> BTreeMap<SoftwareKey<'a>, Vec<String>> {
    let mut map: BTreeMap<SoftwareKey<'a>, Vec<String>> = BTreeMap::new();
    for s in list.iter().filter(|s| !failed.contains(s.source.trim())) {
        let key = (
            s.source.trim(),
            s.name.trim(),
            s.arch.as_deref().map(str::trim).unwrap_or(""),
        );
        map.entry(key).or_default().push(
            s.version
                .as_deref()
                .map(str::trim)
                .unwrap_or("")
                .to_string(),
        );
    }
    map
}
