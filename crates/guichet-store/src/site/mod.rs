//! The site register: inventories of the other machines of a site, imported from files by the
//! local admin, plus hand-entered assets ([`assets`]), a change journal for sync, and the runs of
//! the scheduled agent ([`agent_runs`]).
//!
//! # Machines and their history
//! Each imported inventory is a snapshot of one machine (`site_snapshots`); the machine row
//! (`site_machines`) holds the key fields of its newest snapshot, copied for search, and
//! `site_software` the software of that newest snapshot.
//!
//! # Recognising a machine already in the register
//! An import is matched to an existing machine by the first of these keys that the file has and
//! that some machine shares, in this order of precedence:
//! 1. the agent's **device id** (GLPI Agent/FusionInventory/OCS keep it for the life of the
//!    install; Guichet's native JSON has none);
//! 2. the **SMBIOS system UUID** (case-insensitive);
//! 3. the **system serial number**;
//! 4. the OS **machine id** (`/etc/machine-id`, Windows MachineGuid), which is what is left on
//!    machines whose firmware tables need root to read;
//! 5. only when the file has none of those: the **host name**, and only against machines that
//!    have none either (so a renamed machine with a serial is never confused with another).
//!
//! Placeholder serials and UUIDs that vendors leave in cheap boards and VMs
//! (`To Be Filled By O.E.M.`, `Default string`, `0123456789`, all-zero or all-`F` UUIDs,
//! `03000200-0400-0500-0006-000700080009`…) are never stored as keys, so they never match: two
//! different machines with `System Serial Number` stay two machines. See [`clean_serial`] and
//! [`clean_smbios_uuid`].
//!
//! A matched import whose document is byte-identical to one of that machine's snapshots is
//! `unchanged` and writes no snapshot (importing the same file twice is harmless); otherwise it is
//! `merged`: a new snapshot, and the machine row takes the newest snapshot's values. An older file
//! imported late joins the history without overwriting newer values.
//!
//! # Transactions
//! A batch of imports is one transaction: the CLI parses every file first, so a bad file writes
//! nothing, and a failure half-way rolls everything back. Each change also appends to
//! `site_changes` in the same transaction, for the bundle/sync code to ship.

pub mod agent_runs;
pub mod assets;
mod import;
mod keys;
mod register;
mod rows;

use std::collections::HashMap;
use std::io::{Read, Write};

use chrono::{DateTime, Utc};
use guichet_inventory::parse::version::compare_versions;
use guichet_inventory::Inventory;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{Sqlite, Transaction};
use uuid::Uuid;

use crate::{Store, StoreError};

pub(crate) use import::import_one;
use keys::*;
pub use keys::{clean_serial, clean_smbios_uuid};
use rows::*;
pub(crate) use rows::{journal, time, uuid};

const ENCODING: &str = "json+deflate";

/// One inventory to import, already parsed from its file.
#[derive(Debug, Clone)]
pub struct SiteImport {
    /// The inventory, in our model.
    pub inventory: Inventory,
    /// The agent's device id, when the file carries one (GLPI, OCS).
    pub deviceid: Option<String>,
    /// The format it came in (`native`, `glpi`, `ocs_xml`).
    pub format: String,
    /// Where it came from (the file name), kept with the snapshot.
    pub source_name: String,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    /// A machine not in the register yet.
    New,
    /// A new snapshot of a machine already in the register.
    Merged,
    /// The same document as a snapshot already in that machine's history: nothing written.
    Unchanged,
}

impl ImportOutcome {
    /// Stable name: `new`, `merged`, `unchanged`.
    pub fn name(self) -> &'static str {
        match self {
            ImportOutcome::New => "new",
            ImportOutcome::Merged => "merged",
            ImportOutcome::Unchanged => "unchanged",
        }
    }
}

/// The key an import was matched on (see the module documentation for the precedence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKey {
    /// The agent's device id.
    DeviceId,
    /// The SMBIOS system UUID.
    SmbiosUuid,
    /// The system serial number.
    Serial,
    /// The OS machine id.
    MachineId,
    /// The host name (only between machines without any other key).
    Hostname,
}

/// The result of importing one inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportResult {
    /// The file name it came from.
    pub source_name: String,
    /// New, merged or unchanged.
    pub outcome: ImportOutcome,
    /// Which key matched an existing machine (`None` for a new one).
    pub matched_by: Option<MatchKey>,
    /// The machine, as it is after the import.
    pub machine: SiteMachine,
    /// The snapshot written (`None` when unchanged).
    pub snapshot: Option<Uuid>,
}

/// A machine of the site register with the key fields of its newest snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteMachine {
    /// Local number, what `site show` takes.
    pub id: i64,
    /// Globally unique id (travels in bundles and sync).
    pub uuid: Uuid,
    /// Host name.
    pub hostname: String,
    /// OS full name.
    pub os: Option<String>,
    /// Physical memory, bytes.
    pub ram_bytes: Option<i64>,
    /// System manufacturer.
    pub vendor: Option<String>,
    /// System model.
    pub model: Option<String>,
    /// System serial number (never a placeholder).
    pub serial: Option<String>,
    /// SMBIOS system UUID, lower case (never a placeholder).
    pub smbios_uuid: Option<String>,
    /// The agent's device id.
    pub deviceid: Option<String>,
    /// The OS machine id.
    pub machine_id: Option<String>,
    /// Where the machine is (set with `--location`).
    pub location: Option<String>,
    /// Collection time of its oldest snapshot.
    pub first_seen: DateTime<Utc>,
    /// Collection time of its newest snapshot.
    pub last_seen: DateTime<Utc>,
    /// Number of snapshots in its history.
    pub snapshot_count: i64,
    /// Number of software packages in its newest snapshot.
    pub software_count: i64,
    /// Software that matched a `--software` filter, with versions (empty otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matched_software: Vec<SoftwareHit>,
    /// Its last "Check my computer" run, from the newest snapshot that carried one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<guichet_records::Diagnosis>,
}

impl SiteMachine {
    /// Whether its last diagnosis found something to look at (a warning or a problem).
    pub fn has_problems(&self) -> bool {
        self.diagnosis
            .as_ref()
            .is_some_and(|d| d.worst() >= guichet_records::CheckStatus::Warning)
    }
}

/// One installed package of a machine, as the software index holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoftwareHit {
    /// Package name.
    pub name: String,
    /// Version.
    pub version: Option<String>,
}

/// One snapshot of a site machine, without its document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSnapshotMeta {
    /// Local number.
    pub id: i64,
    /// Globally unique id.
    pub uuid: Uuid,
    /// When the inventory was collected on the machine.
    pub collected_at: DateTime<Utc>,
    /// When it was imported here.
    pub imported_at: DateTime<Utc>,
    /// `native`, `glpi`, `ocs_xml`.
    pub source_format: String,
    /// File it came from.
    pub source_name: String,
    /// Agent device id in that file.
    pub deviceid: Option<String>,
    /// Number of software packages.
    pub software_count: i64,
    /// SHA-256 of the stored native JSON, hex.
    pub content_sha256: String,
}

/// Comparison of a `--version` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `=` (the default without an operator)
    Eq,
    /// `!=`
    Ne,
}

/// A version constraint such as `<115` or `>=2.0-1`, compared the way dpkg compares versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionConstraint {
    /// The comparison.
    pub op: VersionOp,
    /// The version compared with.
    pub version: String,
}

impl std::str::FromStr for VersionConstraint {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (op, rest) = [
            ("<=", VersionOp::Le),
            (">=", VersionOp::Ge),
            ("!=", VersionOp::Ne),
            ("==", VersionOp::Eq),
            ("<", VersionOp::Lt),
            (">", VersionOp::Gt),
            ("=", VersionOp::Eq),
        ]
        .into_iter()
        .find_map(|(p, op)| s.strip_prefix(p).map(|rest| (op, rest)))
        .unwrap_or((VersionOp::Eq, s));
        let version = rest.trim();
        if version.is_empty() {
            return Err(format!(
                "bad version constraint `{s}`: expected e.g. `<115`, `>=2.0`, `=1.2.3`"
            ));
        }
        Ok(VersionConstraint {
            op,
            version: version.to_string(),
        })
    }
}

impl VersionConstraint {
    /// Whether `version` satisfies the constraint (a package without a version never does).
    pub fn matches(&self, version: Option<&str>) -> bool {
        let Some(v) = version else { return false };
        let ord = compare_versions(v, &self.version);
        use std::cmp::Ordering::*;
        match self.op {
            VersionOp::Lt => ord == Less,
            VersionOp::Le => ord != Greater,
            VersionOp::Gt => ord == Greater,
            VersionOp::Ge => ord != Less,
            VersionOp::Eq => ord == Equal,
            VersionOp::Ne => ord != Equal,
        }
    }
}

/// Filters of `site list`; every filter given must match.
#[derive(Debug, Clone, Default)]
pub struct MachineFilter {
    /// Host name contains this (case-insensitive).
    pub hostname: Option<String>,
    /// OS full name contains this (case-insensitive).
    pub os: Option<String>,
    /// Memory strictly below this many bytes, comparing [`installed_ram_estimate`] (what the
    /// kernel reports is a few percent below what is installed).
    pub ram_below: Option<u64>,
    /// Location equals this (case-insensitive).
    pub location: Option<String>,
    /// Has a package whose name contains this (case-insensitive).
    pub software: Option<String>,
    /// … in a version satisfying this (needs `software`).
    pub version: Option<VersionConstraint>,
}

/// How many machines of the site have a package, and in which versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoftwareSummary {
    /// Package name.
    pub name: String,
    /// Number of machines that have it.
    pub machines: i64,
    /// Distinct versions, lowest first (dpkg order).
    pub versions: Vec<String>,
}

/// One entry of the change journal, for bundles and sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteChange {
    /// Order of the journal (ship in this order).
    pub seq: i64,
    /// Globally unique id of the change (receivers deduplicate on it).
    pub uuid: Uuid,
    /// `machine` or `asset`.
    pub entity: String,
    /// UUID of the machine or asset.
    pub entity_id: Uuid,
    /// `create`, `update`, `delete`, `snapshot`.
    pub op: String,
    /// What changed (for machines: key fields and the snapshot uuid; for assets: the whole asset).
    pub payload: serde_json::Value,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The installed memory a machine most likely has, from the usable memory its OS reports: the
/// kernel keeps a few percent for itself and the firmware, so an 8 GiB machine reports about
/// 7.7 GiB. From 1 GiB up the amount is rounded up to a whole GiB, so that `--ram-below 8G`
/// lists the 4 GiB machines and not the 8 GiB ones.
pub fn installed_ram_estimate(reported_bytes: u64) -> u64 {
    const GIB: u64 = 1 << 30;
    if reported_bytes < GIB {
        reported_bytes
    } else {
        reported_bytes.div_ceil(GIB).saturating_mul(GIB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reported_memory_is_rounded_up_to_the_installed_gib() {
        let gib = 1u64 << 30;
        assert_eq!(installed_ram_estimate(8_024_000_000), 8 * gib);
        assert_eq!(installed_ram_estimate(16 * gib), 16 * gib);
        assert_eq!(installed_ram_estimate(512 << 20), 512 << 20);
    }

    #[test]
    fn version_constraints_use_dpkg_order() {
        let lt: VersionConstraint = "<115".parse().unwrap();
        assert!(lt.matches(Some("102.15.0esr-1")));
        assert!(!lt.matches(Some("115.8.0esr-1~deb12u1")));
        assert!(!lt.matches(None));
        let ge: VersionConstraint = ">= 1:2.0".parse().unwrap();
        assert!(ge.matches(Some("1:2.0")));
        assert!(!ge.matches(Some("3.0")), "epoch 0 < epoch 1");
        let eq: VersionConstraint = "1.2".parse().unwrap();
        assert_eq!(eq.op, VersionOp::Eq);
        assert!("<".parse::<VersionConstraint>().is_err());
    }
}
