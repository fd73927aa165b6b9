//! Machine and snapshot rows, the change journal, and the lookups an import shares.

use super::*;

#[derive(sqlx::FromRow)]
pub(super) struct MachineRow {
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
    diagnosis: Option<String>,
}

pub(super) const MACHINE_SELECT: &str =
    "SELECT m.id, m.uuid, m.hostname, m.os, m.ram_bytes, m.vendor, m.model, m.serial,
        m.uuid_smbios, m.deviceid, m.machine_id, m.location, m.first_seen, m.last_seen,
        (SELECT COUNT(*) FROM site_snapshots s WHERE s.machine_id = m.id) AS snapshot_count,
        (SELECT COUNT(*) FROM site_software w WHERE w.machine_id = m.id) AS software_count,
        m.diagnosis
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
    pub(super) fn into_machine(self) -> Result<SiteMachine, StoreError> {
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
            // Written here from a parsed document: unreadable only if the file was tampered
            // with, and then the machine still lists, without its diagnosis.
            diagnosis: self
                .diagnosis
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok()),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SnapshotRow {
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

pub(super) const SNAPSHOT_SELECT: &str = "SELECT id, uuid, collected_at, imported_at, source_format, source_name, deviceid, software_count, content_sha256 FROM site_snapshots";

impl SnapshotRow {
    pub(super) fn into_meta(self) -> Result<SiteSnapshotMeta, StoreError> {
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
pub(super) fn encode(inv: &Inventory) -> Result<(String, Vec<u8>), StoreError> {
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

pub(super) async fn find_machine(
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

pub(super) async fn machine_in(
    tx: &mut Transaction<'_, Sqlite>,
    id: i64,
) -> Result<SiteMachine, StoreError> {
    let row: MachineRow = sqlx::query_as(&format!("{MACHINE_SELECT} WHERE m.id = ?"))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    row.into_machine()
}

pub(super) fn machine_payload(m: &SiteMachine, snapshot: Option<Uuid>) -> serde_json::Value {
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
