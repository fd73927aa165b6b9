//! Applying a verified bundle to a store, in one transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use guichet_bundle::{
    BundleError, BundleKind, BundledSiteChange, Manifest, OutgoingPayload, Payload, ReplySide,
    ReturnPayload, ReturnedKb, ReturnedReply, ReturnedTicket, VerifiedBundle,
};
use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};
use uuid::Uuid;

use super::{derived_uuid, ExchangeError};
use crate::outbox::enqueue;
use crate::tickets::{apply_reply_files_in, apply_ticket_changes_in};
use crate::{
    Article, ArticleImage, BlobId, OutboxKind, RemoteFile, RemoteReply, RemoteReplyFiles,
    RemoteTicketUpdate, SiteImport, Store, StoreError,
};
use outgoing::apply_outgoing;
use returned::apply_return;

mod outgoing;
mod returned;

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
    ) -> Result<BundleImport, ExchangeError> {
        let m = &bundle.manifest;
        if m.source_deviceid == opts.own_deviceid {
            return Err(BundleError::OwnBundle(m.source_deviceid.clone()).into());
        }
        if let Some(to) = &m.recipient_deviceid {
            if *to != opts.own_deviceid {
                return Err(BundleError::WrongRecipient {
                    expected: to.clone(),
                    actual: opts.own_deviceid.clone(),
                }
                .into());
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
                }
                .into());
            }
        }
        // Blobs are content-addressed files, written before the transaction: a failure later
        // leaves at most unreferenced files, never rows pointing at nothing.
        let prepared_articles = self.store_bundle_files(bundle)?;

        let mut tx = self.begin_write().await?;
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
        record_peer(&mut tx, m, opts, &mut report, now).await?;

        match bundle.payload() {
            Payload::Outgoing(p) => {
                apply_outgoing(&mut tx, p, bundle, &mut report, now).await?;
            }
            Payload::Return(p) => {
                apply_return(&mut tx, p, bundle, prepared_articles, &mut report, now).await?;
            }
        }
        record_applied(&mut tx, m, &report, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(report)
    }

    /// Stores the bundle's files as blobs and prepares its articles (sanitised, images
    /// stored), before the transaction.
    fn store_bundle_files(
        &self,
        bundle: &VerifiedBundle,
    ) -> Result<Vec<(crate::articles::Prepared, Uuid)>, StoreError> {
        let mut prepared_articles = Vec::new();
        if let Payload::Return(r) = bundle.payload() {
            for f in r
                .tickets
                .iter()
                .flat_map(|t| t.replies.iter())
                .flat_map(|rr| rr.attachments.iter())
            {
                if let Some(b) = &f.blob {
                    self.put_blob(carried(bundle, b))?;
                }
            }
            if let Some(kb) = &r.kb {
                for a in &kb.articles {
                    let input = Article {
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
                                bytes: carried(bundle, &i.blob).to_vec(),
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
            for (_, bytes) in bundle.blobs() {
                self.put_blob(bytes)?;
            }
        }
        Ok(prepared_articles)
    }
}

/// The bytes of a blob the payload refers to: a verified bundle carries every one.
fn carried<'b>(bundle: &'b VerifiedBundle, id: &BlobId) -> &'b [u8] {
    bundle
        .blob(id)
        .expect("a verified bundle carries every blob its payload refers to")
}

/// Checks the sender's key against the one recorded for its device (again, inside the
/// transaction) and records it.
async fn record_peer(
    tx: &mut Transaction<'_, Sqlite>,
    m: &Manifest,
    opts: &ImportOptions,
    report: &mut BundleImport,
    now: DateTime<Utc>,
) -> Result<(), ExchangeError> {
    let known: Option<(String,)> =
        sqlx::query_as("SELECT public_key FROM bundle_peers WHERE deviceid = ?")
            .bind(&m.source_deviceid)
            .fetch_optional(&mut **tx)
            .await
            .map_err(StoreError::from)?;
    match known {
        Some((k,)) if k != m.public_key && !opts.trust_new_key => {
            return Err(BundleError::KeyChanged {
                deviceid: m.source_deviceid.clone(),
                known: k,
                found: m.public_key.clone(),
            }
            .into())
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
    .execute(&mut **tx)
    .await
    .map_err(StoreError::from)?;
    Ok(())
}

/// Records the bundle as applied, with the report of what it did.
async fn record_applied(
    tx: &mut Transaction<'_, Sqlite>,
    m: &Manifest,
    report: &BundleImport,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO bundles_applied (uuid, kind, source_deviceid, created_at, applied_at, summary)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(m.bundle_uuid.to_string())
    .bind(m.kind.name())
    .bind(&m.source_deviceid)
    .bind(m.created_at.to_rfc3339())
    .bind(now.to_rfc3339())
    .bind(serde_json::to_string(report).expect("a report always serialises"))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
