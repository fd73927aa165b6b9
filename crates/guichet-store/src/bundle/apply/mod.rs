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
    /// Enrol the sender's key if it is not enrolled (a deliberate first contact) or differs
    /// from the enrolled one (the sending store was reinstalled).
    pub trust_new_key: bool,
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
    /// The sender's key was enrolled now (`trust_new_key`: first contact, or a new key).
    pub key_recorded: bool,
    /// The fingerprint of the sender's key.
    pub fingerprint: String,
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
    /// Whether the bundle `uuid` was applied here.
    pub async fn bundle_applied(&self, uuid: Uuid) -> Result<bool, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT uuid FROM bundles_applied WHERE uuid = ?")
                .bind(uuid.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.is_some())
    }

    /// Applies a verified bundle in ONE transaction: all of it or, on any error, nothing.
    /// A bundle already applied here applies nothing (`already_applied`). Refuses a bundle
    /// from this very store, a return bundle addressed to another store or not newer than the
    /// last one applied from its hub, and a sender whose key is not enrolled here in the role
    /// the bundle's kind needs (unless `trust_new_key`, which enrols it).
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
            fingerprint: guichet_bundle::key_fingerprint(&m.public_key),
            ..BundleImport::default()
        };
        // The cheap refusals first, before any file is written: a bundle applied before or
        // signed by an unexpected key leaves no trace at all. (Checked again inside the
        // transaction, where another process may have raced us.)
        if self.bundle_applied(m.bundle_uuid).await? {
            report.already_applied = true;
            return Ok(report);
        }
        super::enrol::precheck_sender(self, m, opts.trust_new_key).await?;
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
        report.key_recorded =
            super::enrol::accept_sender(&mut tx, m, opts.trust_new_key, now).await?;

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
    ) -> Result<Vec<(crate::articles::Prepared, Uuid)>, ExchangeError> {
        let mut prepared_articles = Vec::new();
        if let Payload::Return(r) = bundle.payload() {
            for f in r
                .tickets
                .iter()
                .flat_map(|t| t.replies.iter())
                .flat_map(|rr| rr.attachments.iter())
            {
                if let Some(b) = &f.blob {
                    self.put_blob(&carried(bundle, b)?)?;
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
                        tags: a.tags.clone(),
                        language: a.language.clone(),
                        updated_at: a.updated_at,
                        remote_version: a.remote_version.clone(),
                        images: a
                            .images
                            .iter()
                            .map(|i| {
                                Ok(ArticleImage {
                                    url: i.url.clone(),
                                    content_type: i.content_type.clone(),
                                    bytes: carried(bundle, &i.blob)?,
                                })
                            })
                            .collect::<Result<_, ExchangeError>>()?,
                    };
                    let id = derived_uuid(
                        Uuid::nil(),
                        &format!("article\n{}\n{}", kb.connector, a.remote_id),
                    );
                    prepared_articles.push((self.prepare_article(input)?, id));
                }
            }
        } else {
            // One file at a time: the bundle is read back from its file, never held whole.
            for id in bundle.blob_ids() {
                self.put_blob(&carried(bundle, id)?)?;
            }
        }
        Ok(prepared_articles)
    }
}

/// The bytes of a blob the payload refers to (a verified bundle carries every one), read
/// back from the bundle and checked against their name again.
fn carried(bundle: &VerifiedBundle, id: &BlobId) -> Result<Vec<u8>, ExchangeError> {
    bundle.blob(id)?.ok_or_else(|| {
        BundleError::Corrupt(format!("blob {id} is missing from the verified bundle")).into()
    })
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
