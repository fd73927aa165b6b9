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
        reported_bytes.div_ceil(GIB) * GIB
    }
}

/// Serials vendors leave in boards and VMs they did not personalise, compared case-insensitively.
const PLACEHOLDER_SERIALS: [&str; 24] = [
    "to be filled by o.e.m.",
    "to be filled by oem",
    "default string",
    "system serial number",
    "chassis serial number",
    "base board serial number",
    "serial number",
    "not specified",
    "not applicable",
    "not available",
    "none",
    "null",
    "n/a",
    "na",
    "unknown",
    "0123456789",
    "123456789",
    "1234567890",
    "01234567890",
    "invalid",
    "oem",
    "o.e.m.",
    "empty",
    "xxxxxxxxxxxxxxx",
];

/// A serial number usable as a key: trimmed, `None` when blank or a placeholder (one of the
/// known strings, one character repeated such as `0000000`, or shorter than 3 characters).
pub fn clean_serial(serial: Option<&str>) -> Option<String> {
    let s = serial?.trim();
    let lower = s.to_ascii_lowercase();
    let mut chars = lower.chars();
    let first = chars.next()?;
    let repeated = chars.all(|c| c == first);
    if s.chars().count() < 3 || repeated || PLACEHOLDER_SERIALS.contains(&lower.as_str()) {
        return None;
    }
    Some(s.to_string())
}

/// An SMBIOS UUID usable as a key: lower case, `None` when blank or a placeholder (one hex digit
/// repeated, e.g. all zeros or all `F`, or the `03000200-0400-0500-0006-000700080009` that many
/// boards ship with).
pub fn clean_smbios_uuid(uuid: Option<&str>) -> Option<String> {
    let u = uuid?.trim().to_ascii_lowercase();
    let hex: String = u.chars().filter(|c| *c != '-').collect();
    let first = hex.chars().next()?;
    if hex.chars().all(|c| c == first) || u == "03000200-0400-0500-0006-000700080009" {
        return None;
    }
    Some(u)
}

fn clean(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

/// The key fields of one inventory, cleaned.
#[derive(Debug, Clone, Default)]
struct Keys {
    deviceid: Option<String>,
    smbios_uuid: Option<String>,
    serial: Option<String>,
    machine_id: Option<String>,
    hostname: String,
}

impl Keys {
    fn of(imp: &SiteImport) -> Keys {
        let inv = &imp.inventory;
        let m = inv.machine.as_ref();
        Keys {
            deviceid: clean(imp.deviceid.as_deref()),
            smbios_uuid: clean_smbios_uuid(m.and_then(|m| m.uuid.as_deref())),
            serial: clean_serial(m.and_then(|m| m.serial.as_deref())),
            machine_id: clean(inv.os.as_ref().and_then(|o| o.machine_id.as_deref()))
                .map(|s| s.to_ascii_lowercase()),
            hostname: clean(inv.hostname()).unwrap_or_else(|| "unknown".into()),
        }
    }

    fn none(&self) -> bool {
        self.deviceid.is_none()
            && self.smbios_uuid.is_none()
            && self.serial.is_none()
            && self.machine_id.is_none()
    }
}

#[derive(sqlx::FromRow)]
struct MachineRow {
    id: i64,
    uuid: String,
    hostname: String,
    os: Option<String>,
    ram_bytes: Option<i64>,
    vendor: Option<String>,
    model: Option<String>,
    serial: Option<String>,
    uuid_smbios: Option<String>,
    deviceid: Option<String>,
    machine_id: Option<String>,
    location: Option<String>,
    first_seen: String,
    last_seen: String,
    snapshot_count: i64,
    software_count: i64,
}

const MACHINE_SELECT: &str =
    "SELECT m.id, m.uuid, m.hostname, m.os, m.ram_bytes, m.vendor, m.model, m.serial,
        m.uuid_smbios, m.deviceid, m.machine_id, m.location, m.first_seen, m.last_seen,
        (SELECT COUNT(*) FROM site_snapshots s WHERE s.machine_id = m.id) AS snapshot_count,
        (SELECT COUNT(*) FROM site_software w WHERE w.machine_id = m.id) AS software_count
     FROM site_machines m";

pub(crate) fn time(what: &str, s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt {
            what: what.to_string(),
            detail: format!("bad time `{s}`: {e}"),
        })
}

pub(crate) fn uuid(what: &str, s: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(s).map_err(|e| StoreError::Corrupt {
        what: what.to_string(),
        detail: format!("bad uuid `{s}`: {e}"),
    })
}

impl MachineRow {
    fn into_machine(self) -> Result<SiteMachine, StoreError> {
        let what = format!("site machine {}", self.id);
        Ok(SiteMachine {
            id: self.id,
            uuid: uuid(&what, &self.uuid)?,
            hostname: self.hostname,
            os: self.os,
            ram_bytes: self.ram_bytes,
            vendor: self.vendor,
            model: self.model,
            serial: self.serial,
            smbios_uuid: self.uuid_smbios,
            deviceid: self.deviceid,
            machine_id: self.machine_id,
            location: self.location,
            first_seen: time(&what, &self.first_seen)?,
            last_seen: time(&what, &self.last_seen)?,
            snapshot_count: self.snapshot_count,
            software_count: self.software_count,
            matched_software: Vec::new(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct SnapshotRow {
    id: i64,
    uuid: String,
    collected_at: String,
    imported_at: String,
    source_format: String,
    source_name: String,
    deviceid: Option<String>,
    software_count: i64,
    content_sha256: String,
}

const SNAPSHOT_SELECT: &str = "SELECT id, uuid, collected_at, imported_at, source_format, source_name, deviceid, software_count, content_sha256 FROM site_snapshots";

impl SnapshotRow {
    fn into_meta(self) -> Result<SiteSnapshotMeta, StoreError> {
        let what = format!("site snapshot {}", self.id);
        Ok(SiteSnapshotMeta {
            id: self.id,
            uuid: uuid(&what, &self.uuid)?,
            collected_at: time(&what, &self.collected_at)?,
            imported_at: time(&what, &self.imported_at)?,
            source_format: self.source_format,
            source_name: self.source_name,
            deviceid: self.deviceid,
            software_count: self.software_count,
            content_sha256: self.content_sha256,
        })
    }
}

/// Appends to the change journal inside the caller's transaction.
pub(crate) async fn journal(
    tx: &mut Transaction<'_, Sqlite>,
    change: Uuid,
    entity: &str,
    entity_id: Uuid,
    op: &str,
    payload: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO site_changes (uuid, entity, entity_id, op, payload, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(change.to_string())
    .bind(entity)
    .bind(entity_id.to_string())
    .bind(op)
    .bind(payload.to_string())
    .bind(now.to_rfc3339())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The native JSON of an inventory, its SHA-256 and its deflated form.
fn encode(inv: &Inventory) -> Result<(String, Vec<u8>), StoreError> {
    let json = serde_json::to_vec(inv).map_err(|e| StoreError::Corrupt {
        what: "inventory".into(),
        detail: e.to_string(),
    })?;
    let sha: String = Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&json).expect("writing to a Vec cannot fail");
    Ok((sha, enc.finish().expect("writing to a Vec cannot fail")))
}

async fn find_machine(
    tx: &mut Transaction<'_, Sqlite>,
    keys: &Keys,
) -> Result<Option<(i64, MatchKey)>, StoreError> {
    let by = [
        (MatchKey::DeviceId, "deviceid", &keys.deviceid),
        (MatchKey::SmbiosUuid, "uuid_smbios", &keys.smbios_uuid),
        (MatchKey::Serial, "serial", &keys.serial),
        (MatchKey::MachineId, "machine_id", &keys.machine_id),
    ];
    for (key, column, value) in by {
        if let Some(v) = value {
            let row: Option<(i64,)> = sqlx::query_as(&format!(
                "SELECT id FROM site_machines WHERE {column} = ? ORDER BY last_seen DESC LIMIT 1"
            ))
            .bind(v)
            .fetch_optional(&mut **tx)
            .await?;
            if let Some((id,)) = row {
                return Ok(Some((id, key)));
            }
        }
    }
    if keys.none() {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM site_machines WHERE hostname = ? COLLATE NOCASE
               AND deviceid IS NULL AND uuid_smbios IS NULL AND serial IS NULL AND machine_id IS NULL
             ORDER BY last_seen DESC LIMIT 1",
        )
        .bind(&keys.hostname)
        .fetch_optional(&mut **tx)
        .await?;
        return Ok(row.map(|(id,)| (id, MatchKey::Hostname)));
    }
    Ok(None)
}

async fn machine_in(tx: &mut Transaction<'_, Sqlite>, id: i64) -> Result<SiteMachine, StoreError> {
    let row: MachineRow = sqlx::query_as(&format!("{MACHINE_SELECT} WHERE m.id = ?"))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    row.into_machine()
}

fn machine_payload(m: &SiteMachine, snapshot: Option<Uuid>) -> serde_json::Value {
    serde_json::json!({
        "hostname": m.hostname,
        "os": m.os,
        "ram_bytes": m.ram_bytes,
        "vendor": m.vendor,
        "model": m.model,
        "serial": m.serial,
        "smbios_uuid": m.smbios_uuid,
        "deviceid": m.deviceid,
        "machine_id": m.machine_id,
        "location": m.location,
        "last_seen": m.last_seen,
        "snapshot": snapshot,
    })
}

impl Store {
    /// Imports a batch of inventories into the site register, in one transaction. `next_id`
    /// gives every new UUID (machines, snapshots, journal entries), so tests stay deterministic.
    /// `location`, when given, is set on every machine of the batch.
    pub async fn site_import(
        &self,
        imports: &[SiteImport],
        location: Option<&str>,
        now: DateTime<Utc>,
        next_id: &mut dyn FnMut() -> Uuid,
    ) -> Result<Vec<ImportResult>, StoreError> {
        let location = clean(location);
        let mut tx = self.pool.begin().await?;
        let mut results = Vec::with_capacity(imports.len());
        for imp in imports {
            results.push(import_one(&mut tx, imp, location.as_deref(), now, next_id).await?);
        }
        tx.commit().await?;
        Ok(results)
    }

    /// Machines of the register matching `filter`, by host name.
    pub async fn site_machines(
        &self,
        filter: &MachineFilter,
    ) -> Result<Vec<SiteMachine>, StoreError> {
        let rows: Vec<MachineRow> = sqlx::query_as(&format!(
            "{MACHINE_SELECT} ORDER BY m.hostname COLLATE NOCASE, m.id"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut hits: HashMap<i64, Vec<SoftwareHit>> = HashMap::new();
        if let Some(name) = filter.software.as_deref() {
            let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
                "SELECT machine_id, name, version FROM site_software
                 WHERE instr(lower(name), lower(?)) > 0 ORDER BY name",
            )
            .bind(name.trim())
            .fetch_all(&self.pool)
            .await?;
            for (machine, name, version) in rows {
                if filter
                    .version
                    .as_ref()
                    .is_none_or(|c| c.matches(version.as_deref()))
                {
                    hits.entry(machine)
                        .or_default()
                        .push(SoftwareHit { name, version });
                }
            }
        }
        let contains = |hay: Option<&str>, needle: &Option<String>| match needle {
            None => true,
            Some(n) => hay.is_some_and(|h| h.to_lowercase().contains(&n.trim().to_lowercase())),
        };
        let mut out = Vec::new();
        for row in rows {
            let mut m = row.into_machine()?;
            let keep = contains(Some(&m.hostname), &filter.hostname)
                && contains(m.os.as_deref(), &filter.os)
                && filter.ram_below.is_none_or(|max| {
                    m.ram_bytes
                        .is_some_and(|r| installed_ram_estimate(r.max(0) as u64) < max)
                })
                && filter.location.as_deref().is_none_or(|l| {
                    m.location
                        .as_deref()
                        .is_some_and(|ml| ml.eq_ignore_ascii_case(l.trim()))
                });
            if !keep {
                continue;
            }
            if filter.software.is_some() {
                match hits.remove(&m.id) {
                    Some(h) => m.matched_software = h,
                    None => continue,
                }
            }
            out.push(m);
        }
        Ok(out)
    }

    /// Resolves a machine reference: its number, a UUID or UUID prefix (4+ hex digits), or
    /// exactly its host name (case-insensitive), serial or device id.
    pub async fn site_machine(&self, reference: &str) -> Result<SiteMachine, StoreError> {
        let r = reference.trim();
        let mut ids: Vec<i64> = Vec::new();
        if let Ok(n) = r.parse::<i64>() {
            let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM site_machines WHERE id = ?")
                .bind(n)
                .fetch_optional(&self.pool)
                .await?;
            ids.extend(row.map(|r| r.0));
        }
        if ids.is_empty() {
            let uuid_prefix = (r.len() >= 4
                && r.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
            .then(|| r.to_ascii_lowercase());
            let rows: Vec<(i64,)> = sqlx::query_as(
                "SELECT id FROM site_machines
                 WHERE (? IS NOT NULL AND uuid LIKE ? || '%')
                    OR hostname = ? COLLATE NOCASE OR serial = ? OR deviceid = ?",
            )
            // The prefix has only hex digits and dashes: no LIKE wildcard gets through.
            .bind(&uuid_prefix)
            .bind(&uuid_prefix)
            .bind(r)
            .bind(r)
            .bind(r)
            .fetch_all(&self.pool)
            .await?;
            ids.extend(rows.into_iter().map(|r| r.0));
            ids.sort_unstable();
            ids.dedup();
        }
        let what = format!("site machine `{r}`");
        match ids.as_slice() {
            [] => Err(StoreError::NotFound(what)),
            [id] => {
                let row: MachineRow = sqlx::query_as(&format!("{MACHINE_SELECT} WHERE m.id = ?"))
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?;
                row.into_machine()
            }
            many => Err(StoreError::Ambiguous(what, many.len())),
        }
    }

    /// A machine's snapshots, oldest first.
    pub async fn site_history(&self, machine_id: i64) -> Result<Vec<SiteSnapshotMeta>, StoreError> {
        let rows: Vec<SnapshotRow> = sqlx::query_as(&format!(
            "{SNAPSHOT_SELECT} WHERE machine_id = ? ORDER BY collected_at, id"
        ))
        .bind(machine_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(SnapshotRow::into_meta).collect()
    }

    /// The newest snapshot of a machine and its inventory.
    pub async fn site_latest_inventory(
        &self,
        machine_id: i64,
    ) -> Result<(SiteSnapshotMeta, Inventory), StoreError> {
        let row: Option<SnapshotRow> = sqlx::query_as(&format!(
            "{SNAPSHOT_SELECT} WHERE machine_id = ? ORDER BY collected_at DESC, id DESC LIMIT 1"
        ))
        .bind(machine_id)
        .fetch_optional(&self.pool)
        .await?;
        let meta = row
            .ok_or_else(|| StoreError::NotFound(format!("snapshots of site machine {machine_id}")))?
            .into_meta()?;
        let (encoding, body): (String, Vec<u8>) =
            sqlx::query_as("SELECT encoding, document FROM site_snapshots WHERE id = ?")
                .bind(meta.id)
                .fetch_one(&self.pool)
                .await?;
        let corrupt = |detail: String| StoreError::Corrupt {
            what: format!("site snapshot {}", meta.id),
            detail,
        };
        if encoding != ENCODING {
            return Err(corrupt(format!("unknown encoding `{encoding}`")));
        }
        let mut json = Vec::new();
        flate2::read::DeflateDecoder::new(&body[..])
            .read_to_end(&mut json)
            .map_err(|e| corrupt(e.to_string()))?;
        let inv = serde_json::from_slice(&json).map_err(|e| corrupt(e.to_string()))?;
        Ok((meta, inv))
    }

    /// Removes a machine and its history, journalling the removal, in one transaction.
    pub async fn site_remove(
        &self,
        machine_id: i64,
        now: DateTime<Utc>,
        change: Uuid,
    ) -> Result<SiteMachine, StoreError> {
        let mut tx = self.pool.begin().await?;
        let m = machine_in(&mut tx, machine_id).await?;
        sqlx::query("DELETE FROM site_machines WHERE id = ?")
            .bind(machine_id)
            .execute(&mut *tx)
            .await?;
        journal(
            &mut tx,
            change,
            "machine",
            m.uuid,
            "delete",
            &serde_json::json!({ "hostname": m.hostname }),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(m)
    }

    /// Software across the site (newest snapshot of each machine): how many machines have each
    /// package and in which versions, most widespread first.
    pub async fn site_software_summary(&self) -> Result<Vec<SoftwareSummary>, StoreError> {
        let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(
            "SELECT name, version, COUNT(DISTINCT machine_id) FROM site_software
             GROUP BY name, version",
        )
        .fetch_all(&self.pool)
        .await?;
        let machines: Vec<(String, i64)> = sqlx::query_as(
            "SELECT name, COUNT(DISTINCT machine_id) FROM site_software GROUP BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut versions: HashMap<String, Vec<String>> = HashMap::new();
        for (name, version, _) in rows {
            if let Some(v) = version {
                versions.entry(name).or_default().push(v);
            }
        }
        let mut out: Vec<SoftwareSummary> = machines
            .into_iter()
            .map(|(name, machines)| {
                let mut v = versions.remove(&name).unwrap_or_default();
                v.sort_by(|a, b| compare_versions(a, b));
                SoftwareSummary {
                    name,
                    machines,
                    versions: v,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.machines
                .cmp(&a.machines)
                .then_with(|| a.name.cmp(&b.name))
        });
        Ok(out)
    }

    /// Journal entries after `after_seq` (0 for all), oldest first, at most `limit`.
    pub async fn site_changes(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<SiteChange>, StoreError> {
        let rows: Vec<(i64, String, String, String, String, String, String)> = sqlx::query_as(
            "SELECT seq, uuid, entity, entity_id, op, payload, created_at FROM site_changes
             WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after_seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let what = format!("site change {}", r.0);
                Ok(SiteChange {
                    seq: r.0,
                    uuid: uuid(&what, &r.1)?,
                    entity: r.2,
                    entity_id: uuid(&what, &r.3)?,
                    op: r.4,
                    payload: serde_json::from_str(&r.5).map_err(|e| StoreError::Corrupt {
                        what: what.clone(),
                        detail: e.to_string(),
                    })?,
                    created_at: time(&what, &r.6)?,
                })
            })
            .collect()
    }
}

async fn import_one(
    tx: &mut Transaction<'_, Sqlite>,
    imp: &SiteImport,
    location: Option<&str>,
    now: DateTime<Utc>,
    next_id: &mut dyn FnMut() -> Uuid,
) -> Result<ImportResult, StoreError> {
    let inv = &imp.inventory;
    let keys = Keys::of(imp);
    let (sha, body) = encode(inv)?;
    let collected = inv.collected_at.to_rfc3339();
    let os = inv
        .os
        .as_ref()
        .map(|o| o.full_name.trim().to_string())
        .filter(|s| !s.is_empty());
    let ram = inv.memory.as_ref().map(|m| m.total_bytes as i64);
    let vendor = clean(inv.machine.as_ref().and_then(|m| m.vendor.as_deref()));
    let model = clean(inv.machine.as_ref().and_then(|m| m.model.as_deref()));

    let found = find_machine(tx, &keys).await?;
    let (machine_id, outcome, matched_by) = match found {
        Some((id, key)) => {
            let known: Option<(i64,)> = sqlx::query_as(
                "SELECT id FROM site_snapshots WHERE machine_id = ? AND content_sha256 = ? LIMIT 1",
            )
            .bind(id)
            .bind(&sha)
            .fetch_optional(&mut **tx)
            .await?;
            let outcome = if known.is_some() {
                ImportOutcome::Unchanged
            } else {
                ImportOutcome::Merged
            };
            (id, outcome, Some(key))
        }
        None => {
            let uuid = next_id();
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO site_machines (uuid, hostname, first_seen, last_seen, updated_at)
                 VALUES (?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(uuid.to_string())
            .bind(&keys.hostname)
            .bind(&collected)
            .bind(&collected)
            .bind(now.to_rfc3339())
            .fetch_one(&mut **tx)
            .await?;
            (id, ImportOutcome::New, None)
        }
    };

    if outcome == ImportOutcome::Unchanged {
        let before = machine_in(tx, machine_id).await?;
        if let Some(loc) = location.filter(|l| before.location.as_deref() != Some(*l)) {
            sqlx::query("UPDATE site_machines SET location = ?, updated_at = ? WHERE id = ?")
                .bind(loc)
                .bind(now.to_rfc3339())
                .bind(machine_id)
                .execute(&mut **tx)
                .await?;
            let after = machine_in(tx, machine_id).await?;
            journal(
                tx,
                next_id(),
                "machine",
                after.uuid,
                "update",
                &machine_payload(&after, None),
                now,
            )
            .await?;
        }
        return Ok(ImportResult {
            source_name: imp.source_name.clone(),
            outcome,
            matched_by,
            machine: machine_in(tx, machine_id).await?,
            snapshot: None,
        });
    }

    let snapshot = next_id();
    sqlx::query(
        "INSERT INTO site_snapshots (uuid, machine_id, collected_at, imported_at, source_format,
                                     source_name, deviceid, software_count, content_sha256, encoding, document)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(snapshot.to_string())
    .bind(machine_id)
    .bind(&collected)
    .bind(now.to_rfc3339())
    .bind(&imp.format)
    .bind(&imp.source_name)
    .bind(&keys.deviceid)
    .bind(inv.software.len() as i64)
    .bind(&sha)
    .bind(ENCODING)
    .bind(body)
    .execute(&mut **tx)
    .await?;

    // Is this snapshot the newest of the machine? Then it sets the searchable fields.
    let (last_seen,): (String,) =
        sqlx::query_as("SELECT last_seen FROM site_machines WHERE id = ?")
            .bind(machine_id)
            .fetch_one(&mut **tx)
            .await?;
    let newest =
        outcome == ImportOutcome::New || time("site machine", &last_seen)? <= inv.collected_at;
    if newest {
        sqlx::query(
            "UPDATE site_machines SET hostname = ?, os = ?, ram_bytes = ?, vendor = ?, model = ?,
                    serial = coalesce(?, serial), uuid_smbios = coalesce(?, uuid_smbios),
                    deviceid = coalesce(?, deviceid), machine_id = coalesce(?, machine_id),
                    last_seen = ?, updated_at = ?
             WHERE id = ?",
        )
        .bind(&keys.hostname)
        .bind(&os)
        .bind(ram)
        .bind(&vendor)
        .bind(&model)
        .bind(&keys.serial)
        .bind(&keys.smbios_uuid)
        .bind(&keys.deviceid)
        .bind(&keys.machine_id)
        .bind(&collected)
        .bind(now.to_rfc3339())
        .bind(machine_id)
        .execute(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM site_software WHERE machine_id = ?")
            .bind(machine_id)
            .execute(&mut **tx)
            .await?;
        for s in &inv.software {
            if s.name.trim().is_empty() {
                continue;
            }
            sqlx::query(
                "INSERT INTO site_software (machine_id, name, version, source) VALUES (?, ?, ?, ?)",
            )
            .bind(machine_id)
            .bind(s.name.trim())
            .bind(clean(s.version.as_deref()))
            .bind(&s.source)
            .execute(&mut **tx)
            .await?;
        }
    } else {
        // An older file: it only fills keys the machine does not have yet, and moves first_seen.
        sqlx::query(
            "UPDATE site_machines SET serial = coalesce(serial, ?),
                    uuid_smbios = coalesce(uuid_smbios, ?), deviceid = coalesce(deviceid, ?),
                    machine_id = coalesce(machine_id, ?), updated_at = ?
             WHERE id = ?",
        )
        .bind(&keys.serial)
        .bind(&keys.smbios_uuid)
        .bind(&keys.deviceid)
        .bind(&keys.machine_id)
        .bind(now.to_rfc3339())
        .bind(machine_id)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "UPDATE site_machines SET first_seen = min(first_seen, ?), location = coalesce(?, location)
         WHERE id = ?",
    )
    .bind(&collected)
    .bind(location)
    .bind(machine_id)
    .execute(&mut **tx)
    .await?;

    let machine = machine_in(tx, machine_id).await?;
    let op = if outcome == ImportOutcome::New {
        "create"
    } else {
        "snapshot"
    };
    journal(
        tx,
        next_id(),
        "machine",
        machine.uuid,
        op,
        &machine_payload(&machine, Some(snapshot)),
        now,
    )
    .await?;
    Ok(ImportResult {
        source_name: imp.source_name.clone(),
        outcome,
        matched_by,
        machine,
        snapshot: Some(snapshot),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_serials_are_no_keys() {
        for s in [
            "To Be Filled By O.E.M.",
            "Default string",
            "System Serial Number",
            "0123456789",
            "00000000",
            "  ",
            "0",
            "N/A",
        ] {
            assert_eq!(clean_serial(Some(s)), None, "{s}");
        }
        assert_eq!(clean_serial(Some(" 7XK2Q53 ")).as_deref(), Some("7XK2Q53"));
        assert_eq!(
            clean_serial(Some("VMware-56 4d 9e")).as_deref(),
            Some("VMware-56 4d 9e")
        );
    }

    #[test]
    fn placeholder_uuids_are_no_keys() {
        for u in [
            "00000000-0000-0000-0000-000000000000",
            "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
            "03000200-0400-0500-0006-000700080009",
            "",
        ] {
            assert_eq!(clean_smbios_uuid(Some(u)), None, "{u}");
        }
        assert_eq!(
            clean_smbios_uuid(Some("4C4C4544-0058-4B10-8032-B7C04F513533")).as_deref(),
            Some("4c4c4544-0058-4b10-8032-b7c04f513533")
        );
    }

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
