//! Applying a verified bundle to a store, in one transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};
use uuid::Uuid;

use super::container::{Payload, VerifiedBundle};
use super::payload::*;
use super::{derived_uuid, BundleError, BundleKind};
use crate::outbox::enqueue;
use crate::tickets::{apply_reply_files_in, apply_ticket_changes_in};
use crate::{
    ArticleImage, ArticleInput, BlobId, OutboxKind, RemoteFile, RemoteReply, RemoteReplyFiles,
    RemoteTicketUpdate, ReplySide, SiteImport, Store, StoreError,
};

/// How to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// This store's device id (a store never imports its own bundles; a return bundle must be
    /// addressed to it).
    pub own_deviceid: String,
    /// Accept a sender key different from the one recorded for its device id (the sending
    /// store was reinstalled).
    pub trust_new_key: bool,
}

/// What this store knows of a bundle's signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerTrust {
    /// No bundle from that device id was imported before: the key will be recorded.
    FirstContact,
    /// The key is the one recorded for that device id.
    Known,
    /// Another key is recorded for that device id.
    Changed,
}

/// What [`Store::import_bundle`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleImport {
    /// The bundle.
    pub bundle_uuid: Uuid,
    /// Outgoing or return (`None` only in a default value).
    pub kind: Option<BundleKind>,
    /// Its sender.
    pub source_deviceid: String,
    /// The bundle had been applied before: nothing was applied this time.
    pub already_applied: bool,
    /// The sender's key was recorded now (first contact, or accepted as new).
    pub key_recorded: bool,
    /// Tickets added to this store.
    pub tickets_added: u64,
    /// Replies added (outgoing: the site's; return: the server side's).
    pub replies_added: u64,
    /// Outbox entries queued here for the next sync.
    pub entries_queued: u64,
    /// Carried entries already received through an earlier bundle (not queued again).
    pub entries_already_received: u64,
    /// Inventory snapshots added.
    pub snapshots_added: u64,
    /// Site changes received (outgoing) or confirmed (return).
    pub site_changes: u64,
    /// Machines imported into this store's site register.
    pub machines_imported: u64,
    /// Assets created, updated or removed in this store's register.
    pub assets_changed: u64,
    /// Return: this store's outbox entries the server now holds (removed from the outbox).
    pub entries_confirmed: u64,
    /// Return: tickets whose status, title or server id changed.
    pub tickets_updated: u64,
    /// Return: articles added or updated.
    pub articles_updated: u64,
    /// Return: articles removed (gone from the server).
    pub articles_deleted: u64,
}

pub(crate) fn parse_uuid(s: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(s).map_err(|e| StoreError::Corrupt {
        what: "bundle record".into(),
        detail: e.to_string(),
    })
}

impl Store {
    /// What this store knows of `public_key` as the key of `deviceid` (for `bundle inspect`).
    pub async fn bundle_peer(
        &self,
        deviceid: &str,
        public_key: &str,
    ) -> Result<PeerTrust, StoreError> {
        Ok(match self.bundle_peer_key(deviceid).await? {
            None => PeerTrust::FirstContact,
            Some(k) if k == public_key => PeerTrust::Known,
            Some(_) => PeerTrust::Changed,
        })
    }

    /// Whether the bundle `uuid` was applied here.
    pub async fn bundle_applied(&self, uuid: Uuid) -> Result<bool, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT uuid FROM bundles_applied WHERE uuid = ?")
                .bind(uuid.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.is_some())
    }

    async fn bundle_peer_key(&self, deviceid: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT public_key FROM bundle_peers WHERE deviceid = ?")
                .bind(deviceid)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| r.0))
    }

    /// Applies a verified bundle in ONE transaction: all of it or, on any error, nothing.
    /// A bundle already applied here applies nothing (`already_applied`). Refuses a bundle
    /// from this very store, a return bundle addressed to another store, and a sender key that
    /// differs from the recorded one (unless `trust_new_key`).
    pub async fn import_bundle(
        &self,
        bundle: &VerifiedBundle,
        opts: &ImportOptions,
        now: DateTime<Utc>,
    ) -> Result<BundleImport, BundleError> {
        let m = &bundle.manifest;
        if m.source_deviceid == opts.own_deviceid {
            return Err(BundleError::OwnBundle(m.source_deviceid.clone()));
        }
        if let Some(to) = &m.recipient_deviceid {
            if *to != opts.own_deviceid {
                return Err(BundleError::WrongRecipient {
                    expected: to.clone(),
                    actual: opts.own_deviceid.clone(),
                });
            }
        }
        let mut report = BundleImport {
            bundle_uuid: m.bundle_uuid,
            kind: Some(m.kind),
            source_deviceid: m.source_deviceid.clone(),
            ..BundleImport::default()
        };
        // The cheap refusals first, before any file is written: a bundle applied before or
        // signed by an unexpected key leaves no trace at all. (Checked again inside the
        // transaction, where another process may have raced us.)
        if self.bundle_applied(m.bundle_uuid).await? {
            report.already_applied = true;
            return Ok(report);
        }
        if let Some(known) = self.bundle_peer_key(&m.source_deviceid).await? {
            if known != m.public_key && !opts.trust_new_key {
                return Err(BundleError::KeyChanged {
                    deviceid: m.source_deviceid.clone(),
                    known,
                    found: m.public_key.clone(),
                });
            }
        }
        // Blobs are content-addressed files, written before the transaction: a failure later
        // leaves at most unreferenced files, never rows pointing at nothing.
        let mut prepared_articles = Vec::new();
        if let Payload::Return(r) = &bundle.payload {
            for f in r
                .tickets
                .iter()
                .flat_map(|t| t.replies.iter())
                .flat_map(|rr| rr.attachments.iter())
            {
                if let Some(b) = &f.blob {
                    self.put_blob(&bundle.blobs[b])?;
                }
            }
            if let Some(kb) = &r.kb {
                for a in &kb.articles {
                    let input = ArticleInput {
                        connector: kb.connector.clone(),
                        remote_id: a.remote_id.clone(),
                        title: a.title.clone(),
                        summary: a.summary.clone(),
                        body_html: a.body_html.clone(),
                        category: a.category.clone(),
                        language: a.language.clone(),
                        updated_at: a.updated_at,
                        remote_version: a.remote_version.clone(),
                        images: a
                            .images
                            .iter()
                            .map(|i| ArticleImage {
                                url: i.url.clone(),
                                content_type: i.content_type.clone(),
                                bytes: bundle.blobs[&i.blob].clone(),
                            })
                            .collect(),
                    };
                    let id = derived_uuid(
                        Uuid::nil(),
                        &format!("article\n{}\n{}", kb.connector, a.remote_id),
                    );
                    prepared_articles.push((self.prepare_article(input)?, id));
                }
            }
        } else {
            for bytes in bundle.blobs.values() {
                self.put_blob(bytes)?;
            }
        }

        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        let seen: Option<(String,)> =
            sqlx::query_as("SELECT uuid FROM bundles_applied WHERE uuid = ?")
                .bind(m.bundle_uuid.to_string())
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        if seen.is_some() {
            report.already_applied = true;
            return Ok(report);
        }
        let known: Option<(String,)> =
            sqlx::query_as("SELECT public_key FROM bundle_peers WHERE deviceid = ?")
                .bind(&m.source_deviceid)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        match known {
            Some((k,)) if k != m.public_key && !opts.trust_new_key => {
                return Err(BundleError::KeyChanged {
                    deviceid: m.source_deviceid.clone(),
                    known: k,
                    found: m.public_key.clone(),
                })
            }
            Some((k,)) if k == m.public_key => {}
            _ => report.key_recorded = true,
        }
        sqlx::query(
            "INSERT INTO bundle_peers (deviceid, public_key, first_seen_at, last_seen_at)
             VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT(deviceid) DO UPDATE SET public_key = ?2, last_seen_at = ?3",
        )
        .bind(&m.source_deviceid)
        .bind(&m.public_key)
        .bind(now.to_rfc3339())
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;

        match &bundle.payload {
            Payload::Outgoing(p) => {
                apply_outgoing(&mut tx, p, bundle, &mut report, now).await?;
            }
            Payload::Return(p) => {
                apply_return(&mut tx, p, bundle, prepared_articles, &mut report, now).await?;
            }
        }
        sqlx::query(
            "INSERT INTO bundles_applied (uuid, kind, source_deviceid, created_at, applied_at, summary)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(m.bundle_uuid.to_string())
        .bind(m.kind.name())
        .bind(&m.source_deviceid)
        .bind(m.created_at.to_rfc3339())
        .bind(now.to_rfc3339())
        .bind(serde_json::to_string(&report).expect("a report always serialises"))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(report)
    }
}

async fn exists(
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

/// Records a carried entry as received; returns false if an earlier bundle carried it.
async fn receive_entry(
    tx: &mut Transaction<'_, Sqlite>,
    entry: Uuid,
    kind: OutboxKind,
    ids: (Option<Uuid>, Option<Uuid>, Option<Uuid>),
    bundle: &VerifiedBundle,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
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
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    // Already in this store's outbox (the same entry through another path): keep that one.
    Ok(!exists(
        tx,
        "SELECT 1 FROM outbox WHERE uuid = ?",
        &entry.to_string(),
    )
    .await?)
}

async fn apply_outgoing(
    tx: &mut Transaction<'_, Sqlite>,
    p: &OutgoingPayload,
    bundle: &VerifiedBundle,
    report: &mut BundleImport,
    now: DateTime<Utc>,
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
    for t in &p.tickets {
        let id = t.id.to_string();
        if !exists(tx, "SELECT 1 FROM tickets WHERE id = ?", &id).await? {
            let state = if t.remote_id.is_some() {
                "sent"
            } else {
                "queued"
            };
            sqlx::query(
                "INSERT INTO tickets (id, title, description, description_format, category, urgency,
                                      requester, snapshot_uuid, local_state, connector, remote_id,
                                      created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&id)
            .bind(&t.title)
            .bind(&t.description)
            .bind(t.description_format.as_str())
            .bind(&t.category)
            .bind(i64::from(t.urgency.clamp(1, 5)))
            .bind(&t.requester)
            .bind(t.snapshot_uuid.map(|u| u.to_string()))
            .bind(state)
            .bind(&t.connector)
            .bind(&t.remote_id)
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
            report.tickets_added += 1;
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
    for r in &p.replies {
        if !exists(
            tx,
            "SELECT 1 FROM tickets WHERE id = ?",
            &r.ticket_id.to_string(),
        )
        .await?
        {
            return Err(StoreError::Invalid(format!(
                "reply {} refers to ticket {}, which the bundle does not carry",
                r.id, r.ticket_id
            )));
        }
        if !exists(
            tx,
            "SELECT 1 FROM ticket_replies WHERE id = ?",
            &r.id.to_string(),
        )
        .await?
        {
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
    for c in &p.site_changes {
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
        .await?;
        if added.rows_affected() == 0 {
            continue;
        }
        report.site_changes += 1;
        apply_site_change(tx, c, bundle, report, now).await?;
    }
    Ok(())
}

/// Mirrors a site change into this store's register: a machine's imported inventory joins the
/// register (matched like a file import), an asset is created, updated or removed by UUID.
async fn apply_site_change(
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

async fn apply_return(
    tx: &mut Transaction<'_, Sqlite>,
    p: &ReturnPayload,
    bundle: &VerifiedBundle,
    articles: Vec<(crate::articles::Prepared, Uuid)>,
    report: &mut BundleImport,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let confirmed: std::collections::HashSet<Uuid> = p.confirmed_entries.iter().copied().collect();
    let mut by_connector: HashMap<&str, Vec<RemoteTicketUpdate>> = HashMap::new();
    // Per connector: the technicians' files, and their blobs in the same order.
    type Files = (Vec<RemoteReplyFiles>, Vec<Option<BlobId>>);
    let mut files_by_connector: HashMap<&str, Files> = HashMap::new();
    for t in &p.tickets {
        let id = t.id.to_string();
        // The server id, once per ticket: the site learns it here exactly as a push would.
        let learnt = sqlx::query(
            "UPDATE tickets SET connector = ?, remote_id = ?, local_state = 'sent', failure = NULL,
                    updated_at = ? WHERE id = ? AND remote_id IS NULL",
        )
        .bind(&t.connector)
        .bind(&t.remote_id)
        .bind(now.to_rfc3339())
        .bind(&id)
        .execute(&mut **tx)
        .await?;
        report.tickets_updated += learnt.rows_affected();
        for r in t.replies.iter().filter(|r| r.side == ReplySide::Local) {
            if confirmed.contains(&r.id) {
                sqlx::query(
                    "UPDATE ticket_replies SET remote_id = ?, local_state = 'sent', failure = NULL
                     WHERE id = ? AND ticket_id = ? AND side = 'local'",
                )
                .bind(&r.remote_id)
                .bind(r.id.to_string())
                .bind(&id)
                .execute(&mut **tx)
                .await?;
            }
        }
        let (files, blobs) = files_by_connector.entry(t.connector.as_str()).or_default();
        for r in t.replies.iter().filter(|r| !r.attachments.is_empty()) {
            blobs.extend(r.attachments.iter().map(|f| f.blob.clone()));
            files.push(RemoteReplyFiles {
                ticket_remote_id: t.remote_id.clone(),
                reply_remote_id: r.remote_id.clone(),
                files: r
                    .attachments
                    .iter()
                    .map(|f| RemoteFile {
                        remote_id: f.remote_id.clone(),
                        file_name: f.file_name.clone(),
                        content_type: f.content_type.clone(),
                        size: f.size,
                        // The bytes are already stored (before the transaction).
                        bytes: None,
                    })
                    .collect(),
            });
        }
        by_connector
            .entry(t.connector.as_str())
            .or_default()
            .push(RemoteTicketUpdate {
                remote_id: t.remote_id.clone(),
                title: Some(t.title.clone()),
                status: t.status.clone(),
                updated_at: t.remote_updated_at,
                replies: t
                    .replies
                    .iter()
                    .map(|r| RemoteReply {
                        remote_id: r.remote_id.clone(),
                        author: r.author.clone(),
                        body: r.body.clone(),
                        created_at: r.created_at,
                        client_uuid: (r.side == ReplySide::Local).then_some(r.id),
                    })
                    .collect(),
            });
    }
    for entry in &p.confirmed_entries {
        let gone = sqlx::query("DELETE FROM outbox WHERE uuid = ?")
            .bind(entry.to_string())
            .execute(&mut **tx)
            .await?;
        report.entries_confirmed += gone.rows_affected();
    }
    let mut connectors: Vec<_> = by_connector.into_iter().collect();
    connectors.sort_by(|a, b| a.0.cmp(b.0));
    for (connector, updates) in connectors {
        let applied = apply_ticket_changes_in(tx, connector, &updates).await?;
        report.tickets_updated += applied.tickets_updated as u64;
        report.replies_added += applied.replies_added as u64;
        let (files, blobs) = files_by_connector.remove(connector).unwrap_or_default();
        apply_reply_files_in(tx, connector, &files, &blobs).await?;
    }
    for c in &p.confirmed_site_changes {
        let done = sqlx::query(
            "INSERT OR IGNORE INTO site_changes_confirmed (change_uuid, bundle_uuid, confirmed_at)
             VALUES (?, ?, ?)",
        )
        .bind(c.to_string())
        .bind(bundle.manifest.bundle_uuid.to_string())
        .bind(now.to_rfc3339())
        .execute(&mut **tx)
        .await?;
        report.site_changes += done.rows_affected();
    }
    if let Some(kb) = &p.kb {
        let present: std::collections::HashSet<&str> =
            kb.articles.iter().map(|a| a.remote_id.as_str()).collect();
        for (prepared, id) in articles {
            crate::articles::write_article(tx, prepared, id).await?;
            report.articles_updated += 1;
        }
        let held: Vec<(String,)> =
            sqlx::query_as("SELECT remote_id FROM articles WHERE connector = ?")
                .bind(&kb.connector)
                .fetch_all(&mut **tx)
                .await?;
        for (remote_id,) in held {
            if !present.contains(remote_id.as_str()) {
                sqlx::query("DELETE FROM articles WHERE connector = ? AND remote_id = ?")
                    .bind(&kb.connector)
                    .bind(&remote_id)
                    .execute(&mut **tx)
                    .await?;
                report.articles_deleted += 1;
            }
        }
    }
    Ok(())
}
