//! Importing one inventory: matched to a machine by its keys, then merged or added.

use super::*;

/// One inventory on its way into the register: its keys and its encoded document.
struct Incoming<'a> {
    imp: &'a SiteImport,
    keys: Keys,
    sha: String,
    body: Vec<u8>,
    collected: String,
}

pub(crate) async fn import_one(
    tx: &mut Transaction<'_, Sqlite>,
    imp: &SiteImport,
    location: Option<&str>,
    now: DateTime<Utc>,
    next_id: &mut dyn FnMut() -> Uuid,
) -> Result<ImportResult, StoreError> {
    let inv = &imp.inventory;
    let (sha, body) = encode(inv)?;
    let incoming = Incoming {
        imp,
        keys: Keys::of(imp),
        sha,
        body,
        collected: inv.collected_at.to_rfc3339(),
    };
    let (machine_id, outcome, matched_by) = match_machine(tx, &incoming, now, next_id).await?;

    if outcome == ImportOutcome::Unchanged {
        relocate(tx, machine_id, location, now, next_id).await?;
        return Ok(ImportResult {
            source_name: imp.source_name.clone(),
            outcome,
            matched_by,
            machine: machine_in(tx, machine_id).await?,
            snapshot: None,
        });
    }

    let snapshot = next_id();
    insert_snapshot(tx, &incoming, machine_id, snapshot, now).await?;

    // Is this snapshot the newest of the machine? Then it sets the searchable fields.
    let (last_seen,): (String,) =
        sqlx::query_as("SELECT last_seen FROM site_machines WHERE id = ?")
            .bind(machine_id)
            .fetch_one(&mut **tx)
            .await?;
    let newest =
        outcome == ImportOutcome::New || time("site machine", &last_seen)? <= inv.collected_at;
    if newest {
        copy_newest(tx, &incoming, machine_id, now).await?;
    } else {
        fill_missing_keys(tx, &incoming.keys, machine_id, now).await?;
    }
    sqlx::query(
        "UPDATE site_machines SET first_seen = min(first_seen, ?), location = coalesce(?, location)
         WHERE id = ?",
    )
    .bind(&incoming.collected)
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

/// The machine the inventory belongs to: a known one (`unchanged` when this very document is
/// already in its history, else `merged`), or a new row.
async fn match_machine(
    tx: &mut Transaction<'_, Sqlite>,
    incoming: &Incoming<'_>,
    now: DateTime<Utc>,
    next_id: &mut dyn FnMut() -> Uuid,
) -> Result<(i64, ImportOutcome, Option<MatchKey>), StoreError> {
    Ok(match find_machine(tx, &incoming.keys).await? {
        Some((id, key)) => {
            let known: Option<(i64,)> = sqlx::query_as(
                "SELECT id FROM site_snapshots WHERE machine_id = ? AND content_sha256 = ? LIMIT 1",
            )
            .bind(id)
            .bind(&incoming.sha)
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
            .bind(&incoming.keys.hostname)
            .bind(&incoming.collected)
            .bind(&incoming.collected)
            .bind(now.to_rfc3339())
            .fetch_one(&mut **tx)
            .await?;
            (id, ImportOutcome::New, None)
        }
    })
}

/// An unchanged import still moves the machine to the batch's `location`, journaled.
async fn relocate(
    tx: &mut Transaction<'_, Sqlite>,
    machine_id: i64,
    location: Option<&str>,
    now: DateTime<Utc>,
    next_id: &mut dyn FnMut() -> Uuid,
) -> Result<(), StoreError> {
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
    Ok(())
}

async fn insert_snapshot(
    tx: &mut Transaction<'_, Sqlite>,
    incoming: &Incoming<'_>,
    machine_id: i64,
    snapshot: Uuid,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let imp = incoming.imp;
    sqlx::query(
        "INSERT INTO site_snapshots (uuid, machine_id, collected_at, imported_at, source_format,
                                     source_name, deviceid, software_count, content_sha256, encoding, document)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(snapshot.to_string())
    .bind(machine_id)
    .bind(&incoming.collected)
    .bind(now.to_rfc3339())
    .bind(&imp.format)
    .bind(&imp.source_name)
    .bind(&incoming.keys.deviceid)
    .bind(imp.inventory.software.len() as i64)
    .bind(&incoming.sha)
    .bind(ENCODING)
    .bind(&incoming.body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The newest snapshot sets the machine row's searchable fields and its software list.
async fn copy_newest(
    tx: &mut Transaction<'_, Sqlite>,
    incoming: &Incoming<'_>,
    machine_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let inv = &incoming.imp.inventory;
    let keys = &incoming.keys;
    let os = inv
        .os
        .as_ref()
        .map(|o| o.full_name.trim().to_string())
        .filter(|s| !s.is_empty());
    // SQLite integers are signed: an absurd amount from a foreign file is stored as unknown.
    let ram = inv
        .memory
        .as_ref()
        .and_then(|m| i64::try_from(m.total_bytes).ok());
    let vendor = clean(inv.machine.as_ref().and_then(|m| m.vendor.as_deref()));
    let model = clean(inv.machine.as_ref().and_then(|m| m.model.as_deref()));
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
    .bind(&incoming.collected)
    .bind(now.to_rfc3339())
    .bind(machine_id)
    .execute(&mut **tx)
    .await?;
    if let Some(d) = &inv.diagnosis {
        copy_diagnosis(tx, d, machine_id).await?;
    }
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
    Ok(())
}

/// Keeps `d` as the machine's last diagnosis unless it already has a later one (a snapshot
/// without a diagnosis leaves the previous one in place: it was not run again, not cured).
async fn copy_diagnosis(
    tx: &mut Transaction<'_, Sqlite>,
    d: &guichet_records::Diagnosis,
    machine_id: i64,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(d).map_err(|e| StoreError::Corrupt {
        what: "diagnosis".into(),
        detail: e.to_string(),
    })?;
    let at = d.taken_at.to_rfc3339();
    sqlx::query(
        "UPDATE site_machines SET diagnosis_at = ?1, diagnosis_worst = ?2, diagnosis = ?3
         WHERE id = ?4 AND (diagnosis_at IS NULL OR diagnosis_at <= ?1)",
    )
    .bind(at)
    .bind(d.worst().as_str())
    .bind(json)
    .bind(machine_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An older file only fills keys the machine does not have yet.
async fn fill_missing_keys(
    tx: &mut Transaction<'_, Sqlite>,
    keys: &Keys,
    machine_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
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
    Ok(())
}
