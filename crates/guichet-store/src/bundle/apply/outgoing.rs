//! Applying a site's outgoing bundle: its tickets, replies and pushes queued here once each,
//! its site changes mirrored into this store's register.
//!
//! The sender is an enrolled site, but a site is only trusted with its own records: a
//! ticket, reply, outbox entry or asset this store already holds for another store (or as its
//! own) refuses the whole bundle, so one site cannot claim another's UUIDs first, post into
//! its tickets, read their threads back, or rewrite its assets.

use super::*;

pub(super) async fn exists(
    tx: &mut Transaction<'_, Sqlite>,
    sql: &str,
    key: &str,
) -> Result<bool, StoreError> {
    let row: Option<(i64,)> = sqlx::query_as(sql)
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.is_some())
}

/// Records a carried entry as received; returns false if an earlier bundle from the same site
/// carried it. An entry this store received from another store, or holds as its own, is
/// refused.
pub(super) async fn receive_entry(
    tx: &mut Transaction<'_, Sqlite>,
    entry: Uuid,
    kind: OutboxKind,
    ids: (Option<Uuid>, Option<Uuid>, Option<Uuid>),
    bundle: &VerifiedBundle,
    now: DateTime<Utc>,
) -> Result<bool, ExchangeError> {
    let from: Option<String> =
        sqlx::query_scalar("SELECT source_deviceid FROM bundle_entries WHERE entry_uuid = ?")
            .bind(entry.to_string())
            .fetch_optional(&mut **tx)
            .await
            .map_err(StoreError::from)?;
    match from {
        Some(f) if f == bundle.manifest.source_deviceid => return Ok(false),
        Some(_) => return Err(foreign(format!("outbox entry {entry}"))),
        None => {}
    }
    if exists(
        tx,
        "SELECT 1 FROM outbox WHERE uuid = ?",
        &entry.to_string(),
    )
    .await?
    {
        return Err(foreign(format!("outbox entry {entry}")));
    }
    let done = sqlx::query(
        "INSERT OR IGNORE INTO bundle_entries
            (entry_uuid, kind, ticket_id, reply_id, snapshot_uuid, source_deviceid, bundle_uuid, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(entry.to_string())
    .bind(kind.as_str())
    .bind(ids.0.map(|u| u.to_string()))
    .bind(ids.1.map(|u| u.to_string()))
    .bind(ids.2.map(|u| u.to_string()))
    .bind(&bundle.manifest.source_deviceid)
    .bind(bundle.manifest.bundle_uuid.to_string())
    .bind(now.to_rfc3339())
    .execute(&mut **tx)
    .await
    .map_err(StoreError::from)?;
    Ok(done.rows_affected() == 1)
}

fn foreign(what: String) -> ExchangeError {
    BundleError::ForeignRecord(what).into()
}

/// Whether ticket `id` exists here and was received from `source`; a ticket held for another
/// store, or this store's own, is refused.
async fn owned_ticket(
    tx: &mut Transaction<'_, Sqlite>,
    id: Uuid,
    source: &str,
) -> Result<bool, ExchangeError> {
    if !exists(tx, "SELECT 1 FROM tickets WHERE id = ?", &id.to_string()).await? {
        return Ok(false);
    }
    let owner: Option<String> =
        sqlx::query_scalar("SELECT source_deviceid FROM bundle_tickets WHERE ticket_id = ?")
            .bind(id.to_string())
            .fetch_optional(&mut **tx)
            .await
            .map_err(StoreError::from)?;
    match owner {
        Some(o) if o == source => Ok(true),
        _ => Err(foreign(format!("ticket {id}"))),
    }
}

pub(super) async fn apply_outgoing(
    tx: &mut Transaction<'_, Sqlite>,
    p: &OutgoingPayload,
    bundle: &VerifiedBundle,
    report: &mut BundleImport,
    now: DateTime<Utc>,
) -> Result<(), ExchangeError> {
    apply_snapshots(tx, p, report).await?;
    apply_tickets(tx, p, bundle, report, now).await?;
    apply_replies(tx, p, bundle, report, now).await?;
    apply_pushes(tx, p, bundle, report, now).await?;
    apply_site_changes(tx, p, bundle, report, now).await?;

    Ok(())
}

/// The carried snapshots this store lacks. They come first: tickets and pushes refer to them.
async fn apply_snapshots(
    tx: &mut Transaction<'_, Sqlite>,
    p: &OutgoingPayload,
    report: &mut BundleImport,
) -> Result<(), StoreError> {
    // Snapshots first: tickets and pushes refer to them.
    for s in &p.snapshots {
        if !exists(
            tx,
            "SELECT 1 FROM snapshots WHERE uuid = ?",
            &s.uuid.to_string(),
        )
        .await?
        {
            crate::snapshots::insert_snapshot(tx, &s.inventory, &s.deviceid, s.uuid).await?;
            report.snapshots_added += 1;
        }
    }
    Ok(())
}

/// The carried tickets this store lacks, with their files, recorded as the site's; a ticket
/// whose creation is queued is queued here once. A ticket the site created while online
/// carries no server id: this store queues its own creation entry for it, which the connector
/// resolves by the ticket's client UUID (finding the ticket the site created) before it would
/// create anything.
async fn apply_tickets(
    tx: &mut Transaction<'_, Sqlite>,
    p: &OutgoingPayload,
    bundle: &VerifiedBundle,
    report: &mut BundleImport,
    now: DateTime<Utc>,
) -> Result<(), ExchangeError> {
    let source = bundle.manifest.source_deviceid.as_str();
    for t in &p.tickets {
        if !owned_ticket(tx, t.id, source).await? {
            insert_ticket(tx, t, bundle, now).await?;
            report.tickets_added += 1;
            if t.entry_uuid.is_none() {
                let find = derived_uuid(t.id, "find on the server by client UUID");
                enqueue(
                    tx,
                    OutboxKind::CreateTicket,
                    find,
                    Some(t.id),
                    None,
                    None,
                    now,
                )
                .await?;
            }
        }
        if let Some(entry) = t.entry_uuid {
            let kind = OutboxKind::CreateTicket;
            if receive_entry(tx, entry, kind, (Some(t.id), None, None), bundle, now).await? {
                enqueue(tx, kind, entry, Some(t.id), None, None, now).await?;
                report.entries_queued += 1;
            } else {
                report.entries_already_received += 1;
            }
        }
    }
    Ok(())
}

/// A carried ticket, queued, with its files, recorded as the sending site's.
async fn insert_ticket(
    tx: &mut Transaction<'_, Sqlite>,
    t: &guichet_bundle::BundledTicket,
    bundle: &VerifiedBundle,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = t.id.to_string();
    sqlx::query(
        "INSERT INTO tickets (id, title, description, description_format, category, urgency,
                              requester, snapshot_uuid, local_state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
    )
    .bind(&id)
    .bind(&t.fields.title)
    .bind(&t.fields.description)
    .bind(t.fields.description_format.as_str())
    .bind(&t.fields.category)
    .bind(i64::from(t.fields.urgency.clamp(1, 5)))
    .bind(&t.fields.requester)
    .bind(t.snapshot_uuid.map(|u| u.to_string()))
    .bind(t.created_at.to_rfc3339())
    .bind(now.to_rfc3339())
    .execute(&mut **tx)
    .await?;
    for a in &t.attachments {
        sqlx::query(
            "INSERT INTO ticket_attachments (ticket_id, blob_id, file_name, content_type, size)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(a.blob.as_str())
        .bind(&a.file_name)
        .bind(&a.content_type)
        .bind(a.size as i64)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO bundle_tickets (ticket_id, source_deviceid, bundle_uuid) VALUES (?, ?, ?)",
    )
    .bind(&id)
    .bind(&bundle.manifest.source_deviceid)
    .bind(bundle.manifest.bundle_uuid.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The queued replies (their ticket travels with them), each queued here once.
async fn apply_replies(
    tx: &mut Transaction<'_, Sqlite>,
    p: &OutgoingPayload,
    bundle: &VerifiedBundle,
    report: &mut BundleImport,
    now: DateTime<Utc>,
) -> Result<(), ExchangeError> {
    let source = bundle.manifest.source_deviceid.as_str();
    for r in &p.replies {
        if !owned_ticket(tx, r.ticket_id, source).await? {
            return Err(StoreError::Invalid(format!(
                "reply {} refers to ticket {}, which the bundle does not carry",
                r.id, r.ticket_id
            ))
            .into());
        }
        let held: Option<(String, String)> =
            sqlx::query_as("SELECT ticket_id, side FROM ticket_replies WHERE id = ?")
                .bind(r.id.to_string())
                .fetch_optional(&mut **tx)
                .await
                .map_err(StoreError::from)?;
        if let Some((ticket, side)) = &held {
            if *ticket != r.ticket_id.to_string() || side != "local" {
                return Err(foreign(format!("reply {}", r.id)));
            }
        }
        if held.is_none() {
            sqlx::query(
                "INSERT INTO ticket_replies (id, ticket_id, side, author, body, local_state, created_at)
                 VALUES (?, ?, 'local', ?, ?, 'queued', ?)",
            )
            .bind(r.id.to_string())
            .bind(r.ticket_id.to_string())
            .bind(&r.author)
            .bind(&r.body)
            .bind(r.created_at.to_rfc3339())
            .execute(&mut **tx)
            .await?;
            // The blobs were stored before the transaction, with the rest of the bundle's.
            for a in &r.attachments {
                sqlx::query(
                    "INSERT INTO ticket_attachments (ticket_id, reply_id, blob_id, file_name, content_type, size)
                     VALUES (?, ?, ?, ?, ?, ?)",
                )
                .bind(r.ticket_id.to_string())
                .bind(r.id.to_string())
                .bind(a.blob.as_str())
                .bind(&a.file_name)
                .bind(&a.content_type)
                .bind(a.size as i64)
                .execute(&mut **tx)
                .await?;
            }
            report.replies_added += 1;
        }
        let kind = OutboxKind::AddReply;
        let ids = (Some(r.ticket_id), Some(r.id), None);
        if receive_entry(tx, r.entry_uuid, kind, ids, bundle, now).await? {
            enqueue(
                tx,
                kind,
                r.entry_uuid,
                Some(r.ticket_id),
                Some(r.id),
                None,
                now,
            )
            .await?;
            report.entries_queued += 1;
        } else {
            report.entries_already_received += 1;
        }
    }
    Ok(())
}

/// The queued inventory pushes, each queued here once.
async fn apply_pushes(
    tx: &mut Transaction<'_, Sqlite>,
    p: &OutgoingPayload,
    bundle: &VerifiedBundle,
    report: &mut BundleImport,
    now: DateTime<Utc>,
) -> Result<(), ExchangeError> {
    for push in &p.inventory_pushes {
        let kind = OutboxKind::PushInventory;
        let ids = (None, None, Some(push.snapshot_uuid));
        if receive_entry(tx, push.entry_uuid, kind, ids, bundle, now).await? {
            enqueue(
                tx,
                kind,
                push.entry_uuid,
                None,
                None,
                Some(push.snapshot_uuid),
                now,
            )
            .await?;
            report.entries_queued += 1;
        } else {
            report.entries_already_received += 1;
        }
    }
    Ok(())
}

/// The site changes not received before, mirrored into this store's register.
async fn apply_site_changes(
    tx: &mut Transaction<'_, Sqlite>,
    p: &OutgoingPayload,
    bundle: &VerifiedBundle,
    report: &mut BundleImport,
    now: DateTime<Utc>,
) -> Result<(), ExchangeError> {
    for c in &p.site_changes {
        if c.entity == "asset" {
            check_asset_owner(tx, c.entity_id, &bundle.manifest.source_deviceid).await?;
        }
        let added = sqlx::query(
            "INSERT OR IGNORE INTO bundle_site_changes
                (change_uuid, source_deviceid, bundle_uuid, entity, entity_id, op, payload, created_at, received_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(c.uuid.to_string())
        .bind(&bundle.manifest.source_deviceid)
        .bind(bundle.manifest.bundle_uuid.to_string())
        .bind(&c.entity)
        .bind(c.entity_id.to_string())
        .bind(&c.op)
        .bind(c.payload.to_string())
        .bind(c.created_at.to_rfc3339())
        .bind(now.to_rfc3339())
        .execute(&mut **tx)
        .await
        .map_err(StoreError::from)?;
        if added.rows_affected() == 0 {
            continue;
        }
        report.site_changes += 1;
        apply_site_change(tx, c, bundle, report, now).await?;
    }
    Ok(())
}

/// Refuses a change to an asset this store holds as its own, or received from another store:
/// a site creates, updates and removes only the assets it created.
async fn check_asset_owner(
    tx: &mut Transaction<'_, Sqlite>,
    asset: Uuid,
    source: &str,
) -> Result<(), ExchangeError> {
    let id = asset.to_string();
    if !exists(tx, "SELECT 1 FROM assets WHERE uuid = ?", &id).await? {
        return Ok(());
    }
    let owner: Option<String> = sqlx::query_scalar(
        "SELECT source_deviceid FROM bundle_site_changes WHERE entity = 'asset' AND entity_id = ?
         ORDER BY received_at, rowid LIMIT 1",
    )
    .bind(&id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(StoreError::from)?;
    match owner {
        Some(o) if o == source => Ok(()),
        _ => Err(foreign(format!("asset {asset}"))),
    }
}

/// Mirrors a site change into this store's register: a machine's imported inventory joins the
/// register (matched like a file import), an asset is created, updated or removed by UUID.
pub(super) async fn apply_site_change(
    tx: &mut Transaction<'_, Sqlite>,
    c: &BundledSiteChange,
    bundle: &VerifiedBundle,
    report: &mut BundleImport,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    match (c.entity.as_str(), &c.inventory) {
        ("machine", Some(inv)) => {
            let imp = SiteImport {
                inventory: inv.clone(),
                deviceid: c.payload["deviceid"].as_str().map(str::to_string),
                format: "native".into(),
                source_name: format!(
                    "bundle {} from {}",
                    bundle.manifest.bundle_uuid, bundle.manifest.source_deviceid
                ),
            };
            let location = c.payload["location"].as_str();
            let mut n = 0u32;
            let base = bundle.manifest.bundle_uuid;
            let change = c.uuid;
            let mut next_id = move || {
                n += 1;
                derived_uuid(base, &format!("{change}\n{n}"))
            };
            crate::site::import_one(tx, &imp, location, now, &mut next_id).await?;
            report.machines_imported += 1;
        }
        ("asset", _) if c.op == "delete" => {
            sqlx::query("DELETE FROM assets WHERE uuid = ?")
                .bind(c.entity_id.to_string())
                .execute(&mut **tx)
                .await?;
            report.assets_changed += 1;
        }
        ("asset", _) => {
            let s = |k: &str| {
                c.payload
                    .get(k)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let kind = s("type").unwrap_or_else(|| "other".into());
            let status = s("status").unwrap_or_else(|| "in_use".into());
            if !["in_use", "in_stock", "broken", "retired"].contains(&status.as_str()) {
                return Err(StoreError::Invalid(format!(
                    "site change {}: unknown asset status `{status}`",
                    c.uuid
                )));
            }
            sqlx::query(
                "INSERT INTO assets (uuid, kind, make, model, serial, location, assigned_user, status,
                                     purchased_on, warranty_until, notes, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
                 ON CONFLICT(uuid) DO UPDATE SET kind = ?2, make = ?3, model = ?4, serial = ?5,
                    location = ?6, assigned_user = ?7, status = ?8, purchased_on = ?9,
                    warranty_until = ?10, notes = ?11, updated_at = ?12",
            )
            .bind(c.entity_id.to_string())
            .bind(kind)
            .bind(s("make"))
            .bind(s("model"))
            .bind(s("serial"))
            .bind(s("location"))
            .bind(s("assigned_user"))
            .bind(status)
            .bind(s("purchased_on"))
            .bind(s("warranty_until"))
            .bind(s("notes"))
            .bind(now.to_rfc3339())
            .execute(&mut **tx)
            .await?;
            report.assets_changed += 1;
        }
        _ => {}
    }
    Ok(())
}
