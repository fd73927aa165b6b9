//! Gathering what goes into a bundle: the pending outbox and unconfirmed site changes of a
//! site (outgoing), or the answers for one site (return).

use std::collections::{BTreeMap, HashMap};
use std::io::Read as _;
use std::path::Path;

use chrono::{DateTime, Utc};
use guichet_bundle::{
    write_bundle, BundleKind, BundleSigner, BundleWritten, BundledAttachment, BundledPush,
    BundledReply, BundledSiteChange, BundledSnapshot, BundledTicket, Draft, OutgoingPayload,
    ReturnPayload, ReturnedActionFile, ReturnedArticle, ReturnedFile, ReturnedImage, ReturnedKb,
    ReturnedReply, ReturnedTicket,
};
use uuid::Uuid;

use super::ExchangeError;
use crate::{BlobId, OutboxKind, OutboxState, SnapshotRef, Store, StoreError};

impl Store {
    /// What this store has waiting to sync: pending outbox entries (parked ones wait for the
    /// user's `sync --retry`) and site changes no return bundle confirmed. Reads only.
    pub async fn outgoing_payload(
        &self,
    ) -> Result<(OutgoingPayload, BTreeMap<BlobId, Vec<u8>>), StoreError> {
        let mut p = OutgoingPayload::default();
        let mut blobs = BTreeMap::new();
        let mut tickets: BTreeMap<Uuid, BundledTicket> = BTreeMap::new();
        // Tickets the server already holds: their replies can go, though their creation is
        // not queued (the payload itself carries no server id).
        let mut on_server: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
        let mut snapshots: Vec<Uuid> = Vec::new();
        for e in self.outbox().await? {
            if e.state == OutboxState::Parked {
                continue;
            }
            match e.kind {
                OutboxKind::CreateTicket => {
                    let Some(id) = e.ticket_id else { continue };
                    let t = self
                        .bundled_ticket(id, &mut blobs, &mut snapshots, &mut on_server)
                        .await?;
                    tickets.entry(id).or_insert(t).entry_uuid = Some(e.uuid);
                }
                OutboxKind::AddReply => {
                    let Some(rid) = e.reply_id else { continue };
                    let r = self.reply(rid).await?;
                    if let std::collections::btree_map::Entry::Vacant(v) =
                        tickets.entry(r.ticket_id)
                    {
                        v.insert(
                            self.bundled_ticket(
                                r.ticket_id,
                                &mut blobs,
                                &mut snapshots,
                                &mut on_server,
                            )
                            .await?,
                        );
                    }
                    p.replies.push(self.bundled_reply(e.uuid, r, &mut blobs)?);
                }
                OutboxKind::PushInventory => {
                    let Some(s) = e.snapshot_uuid else { continue };
                    snapshots.push(s);
                    p.inventory_pushes.push(BundledPush {
                        entry_uuid: e.uuid,
                        snapshot_uuid: s,
                    });
                }
            }
        }
        // A ticket whose creation is neither queued nor done (refused and parked) cannot take
        // replies on the server yet: its replies wait here with it.
        let unsendable: Vec<Uuid> = tickets
            .values()
            .filter(|t| t.entry_uuid.is_none() && !on_server.contains(&t.id))
            .map(|t| t.id)
            .collect();
        p.replies.retain(|r| !unsendable.contains(&r.ticket_id));
        tickets.retain(|id, _| !unsendable.contains(id));
        p.tickets = tickets.into_values().collect();
        p.snapshots = self.bundled_snapshots(snapshots).await?;
        p.site_changes = self.unconfirmed_site_changes().await?;
        Ok((p, blobs))
    }

    /// A queued reply as the bundle carries it, its stored files added to `blobs`.
    fn bundled_reply(
        &self,
        entry: Uuid,
        r: crate::Reply,
        blobs: &mut BTreeMap<BlobId, Vec<u8>>,
    ) -> Result<BundledReply, StoreError> {
        let mut attachments = Vec::with_capacity(r.attachments.len());
        for a in &r.attachments {
            // A local reply's files are always stored; a file known only by
            // name (a technician's, not downloaded) has nothing to carry.
            let Some(blob) = &a.blob_id else { continue };
            if !blobs.contains_key(blob) {
                blobs.insert(blob.clone(), self.blob(blob)?);
            }
            attachments.push(BundledAttachment {
                file_name: a.file_name.clone(),
                content_type: a.content_type.clone(),
                size: a.size,
                blob: blob.clone(),
            });
        }
        Ok(BundledReply {
            id: r.id,
            entry_uuid: entry,
            ticket_id: r.ticket_id,
            author: r.author,
            body: r.body,
            created_at: r.created_at,
            attachments,
        })
    }

    /// The snapshots tickets and pushes refer to, each once.
    async fn bundled_snapshots(
        &self,
        mut snapshots: Vec<Uuid>,
    ) -> Result<Vec<BundledSnapshot>, StoreError> {
        let mut out = Vec::with_capacity(snapshots.len());
        snapshots.sort();
        snapshots.dedup();
        for s in snapshots {
            let (meta, inventory) = self
                .snapshot(&SnapshotRef::UuidPrefix(s.to_string()))
                .await?;
            out.push(BundledSnapshot {
                uuid: meta.uuid,
                deviceid: meta.deviceid,
                inventory,
            });
        }
        Ok(out)
    }

    /// The site changes no return bundle confirmed yet.
    async fn unconfirmed_site_changes(&self) -> Result<Vec<BundledSiteChange>, StoreError> {
        let mut out = Vec::new();
        let confirmed: Vec<(String,)> =
            sqlx::query_as("SELECT change_uuid FROM site_changes_confirmed")
                .fetch_all(&self.pool)
                .await?;
        let confirmed: std::collections::HashSet<String> =
            confirmed.into_iter().map(|r| r.0).collect();
        for c in self.site_changes(0, i64::MAX).await? {
            if confirmed.contains(&c.uuid.to_string()) {
                continue;
            }
            let inventory = match (c.entity.as_str(), c.payload.get("snapshot")) {
                ("machine", Some(serde_json::Value::String(s))) => {
                    self.site_snapshot_inventory(s).await?
                }
                _ => None,
            };
            out.push(BundledSiteChange {
                uuid: c.uuid,
                entity: c.entity,
                entity_id: c.entity_id,
                op: c.op,
                payload: c.payload,
                created_at: c.created_at,
                inventory,
            });
        }
        Ok(out)
    }

    async fn bundled_ticket(
        &self,
        id: Uuid,
        blobs: &mut BTreeMap<BlobId, Vec<u8>>,
        snapshots: &mut Vec<Uuid>,
        on_server: &mut std::collections::HashSet<Uuid>,
    ) -> Result<BundledTicket, StoreError> {
        let t = self.ticket(id).await?;
        if t.remote_id.is_some() {
            on_server.insert(t.id);
        }
        let mut attachments = Vec::with_capacity(t.attachments.len());
        for a in &t.attachments {
            if !blobs.contains_key(&a.blob_id) {
                blobs.insert(a.blob_id.clone(), self.blob(&a.blob_id)?);
            }
            attachments.push(BundledAttachment {
                file_name: a.file_name.clone(),
                content_type: a.content_type.clone(),
                size: a.size,
                blob: a.blob_id.clone(),
            });
        }
        snapshots.extend(t.snapshot_uuid);
        Ok(BundledTicket {
            id: t.id,
            entry_uuid: None,
            fields: t.fields(),
            snapshot_uuid: t.snapshot_uuid,
            created_at: t.created_at,
            attachments,
        })
    }

    /// The inventory of a site snapshot, if it is still in the register.
    async fn site_snapshot_inventory(
        &self,
        snapshot: &str,
    ) -> Result<Option<guichet_inventory::Inventory>, StoreError> {
        let row: Option<(String, Vec<u8>)> =
            sqlx::query_as("SELECT encoding, document FROM site_snapshots WHERE uuid = ?")
                .bind(snapshot)
                .fetch_optional(&self.pool)
                .await?;
        let Some((encoding, body)) = row else {
            return Ok(None);
        };
        let corrupt = |detail: String| StoreError::Corrupt {
            what: format!("site snapshot {snapshot}"),
            detail,
        };
        if encoding != "json+deflate" {
            return Err(corrupt(format!("unknown encoding `{encoding}`")));
        }
        let mut json = Vec::new();
        flate2::read::DeflateDecoder::new(&body[..])
            .read_to_end(&mut json)
            .map_err(|e| corrupt(e.to_string()))?;
        serde_json::from_slice(&json)
            .map(Some)
            .map_err(|e| corrupt(e.to_string()))
    }

    /// Writes an outgoing bundle of everything waiting to sync (see
    /// [`Store::outgoing_payload`]) to `path`. Removes nothing from the outbox.
    pub async fn export_bundle(
        &self,
        path: &Path,
        signer: &BundleSigner,
        bundle_uuid: Uuid,
        deviceid: &str,
        now: DateTime<Utc>,
    ) -> Result<BundleWritten, ExchangeError> {
        let (payload, blobs) = self.outgoing_payload().await?;
        let counts = payload.counts(blobs.len() as u64);
        let sent = sent_entries(&payload);
        let written = write_bundle(
            path,
            signer,
            Draft {
                kind: BundleKind::Outgoing,
                bundle_uuid,
                source_deviceid: deviceid,
                recipient_deviceid: None,
                sequence: None,
                created_at: now,
                counts,
                payload: serde_json::to_vec(&payload).expect("a payload always serialises"),
                blobs,
            },
        )?;
        self.record_sent_entries(&sent, bundle_uuid, now).await?;
        Ok(written)
    }

    /// Records the entries an outgoing bundle carried: a return bundle confirms only these.
    async fn record_sent_entries(
        &self,
        sent: &[(Uuid, OutboxKind, Option<Uuid>)],
        bundle_uuid: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for (entry, kind, ticket) in sent {
            sqlx::query(
                "INSERT OR IGNORE INTO bundle_sent_entries (entry_uuid, kind, ticket_id, bundle_uuid, sent_at)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(entry.to_string())
            .bind(kind.as_str())
            .bind(ticket.map(|t| t.to_string()))
            .bind(bundle_uuid.to_string())
            .bind(now.to_rfc3339())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The replies the server holds (those with a server id), with the files of the
    /// technicians' ones (their bytes added to `blobs`).
    fn returned_replies(
        &self,
        replies: Vec<crate::Reply>,
        blobs: &mut BTreeMap<BlobId, Vec<u8>>,
    ) -> Result<Vec<ReturnedReply>, StoreError> {
        let mut out = Vec::new();
        for r in replies {
            let Some(remote_id) = r.remote_id else {
                continue;
            };
            let mut attachments = Vec::new();
            for a in r.attachments {
                // Only the technicians' files: the site sent its own.
                let Some(file_id) = a.remote_id else { continue };
                if let Some(b) = &a.blob_id {
                    if !blobs.contains_key(b) {
                        blobs.insert(b.clone(), self.blob(b)?);
                    }
                }
                attachments.push(ReturnedFile {
                    remote_id: file_id,
                    file_name: a.file_name,
                    content_type: a.content_type,
                    size: a.size,
                    blob: a.blob_id,
                });
            }
            out.push(ReturnedReply {
                id: r.id,
                side: r.side,
                remote_id,
                author: r.author,
                body: r.body,
                created_at: r.created_at,
                attachments,
            });
        }
        Ok(out)
    }

    /// The answer for the site `site`: the entries it sent that are now on the server, what
    /// the server says about its tickets, the site changes received, and, when `kb_connector`
    /// is given and this store has completed a knowledge-base pull from it, that connector's
    /// whole knowledge base. Reads only.
    pub async fn return_payload(
        &self,
        site: &str,
        kb_connector: Option<&str>,
    ) -> Result<(ReturnPayload, BTreeMap<BlobId, Vec<u8>>), StoreError> {
        let mut p = ReturnPayload::default();
        let mut blobs = BTreeMap::new();
        let confirmed: Vec<(String,)> = sqlx::query_as(
            "SELECT entry_uuid FROM bundle_entries
             WHERE source_deviceid = ? AND entry_uuid NOT IN (SELECT uuid FROM outbox)
             ORDER BY received_at, entry_uuid",
        )
        .bind(site)
        .fetch_all(&self.pool)
        .await?;
        for (u,) in confirmed {
            p.confirmed_entries.push(super::apply::parse_uuid(&u)?);
        }
        let tickets: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT ticket_id FROM bundle_entries
             WHERE source_deviceid = ? AND ticket_id IS NOT NULL ORDER BY ticket_id",
        )
        .bind(site)
        .fetch_all(&self.pool)
        .await?;
        for (id,) in tickets {
            let t = match self.ticket(super::apply::parse_uuid(&id)?).await {
                Ok(t) => t,
                Err(StoreError::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            let (Some(connector), Some(remote_id)) = (t.connector, t.remote_id) else {
                continue;
            };
            p.tickets.push(ReturnedTicket {
                id: t.id,
                connector,
                remote_id,
                title: t.title,
                status: t.remote_status,
                remote_updated_at: t.remote_updated_at,
                replies: self.returned_replies(t.replies, &mut blobs)?,
            });
        }
        let changes: Vec<(String,)> = sqlx::query_as(
            "SELECT change_uuid FROM bundle_site_changes WHERE source_deviceid = ?
             ORDER BY received_at, change_uuid",
        )
        .bind(site)
        .fetch_all(&self.pool)
        .await?;
        for (u,) in changes {
            p.confirmed_site_changes.push(super::apply::parse_uuid(&u)?);
        }
        // The knowledge base travels complete (what is missing from it is removed on the site),
        // so only a store that has pulled it at least once may send it: an empty KB on a hub
        // that never reached the server must not erase the site's.
        let kb_connector = match kb_connector {
            Some(c) if self.sync_cursor(c, "kb").await?.is_some() => Some(c),
            _ => None,
        };
        if let Some(connector) = kb_connector {
            p.kb = Some(self.returned_kb(connector, &mut blobs).await?);
        }
        Ok((p, blobs))
    }

    /// The whole knowledge base of `connector`, with the original image URLs (the site
    /// resolves images by them, exactly as after a pull).
    async fn returned_kb(
        &self,
        connector: &str,
        blobs: &mut BTreeMap<BlobId, Vec<u8>>,
    ) -> Result<ReturnedKb, StoreError> {
        let ids: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM articles WHERE connector = ? ORDER BY remote_id")
                .bind(connector)
                .fetch_all(&self.pool)
                .await?;
        let mut articles = Vec::with_capacity(ids.len());
        for (id,) in ids {
            let a = self.article(&id).await?;
            // The stored HTML points at local blobs; the site resolves images by their
            // original URLs, exactly as after a pull.
            let mut html = a.body_html.clone();
            let mut images = Vec::with_capacity(a.images.len());
            let mut by_url: HashMap<String, ()> = HashMap::new();
            for img in &a.images {
                html = html.replace(
                    &format!("{}:{}", crate::BLOB_URL_SCHEME, img.blob),
                    &img.original_url,
                );
                if by_url.insert(img.original_url.clone(), ()).is_none() {
                    if !blobs.contains_key(&img.blob) {
                        blobs.insert(img.blob.clone(), self.blob(&img.blob)?);
                    }
                    images.push(ReturnedImage {
                        url: img.original_url.clone(),
                        content_type: img.content_type.clone(),
                        blob: img.blob.clone(),
                    });
                }
            }
            articles.push(ReturnedArticle {
                remote_id: a.remote_id,
                title: a.title,
                summary: a.summary,
                body_html: html,
                category: a.category,
                tags: a.tags,
                language: a.language,
                updated_at: a.updated_at,
                remote_version: a.remote_version,
                images,
            });
        }
        Ok(ReturnedKb {
            connector: connector.to_string(),
            articles,
            action_files: self.returned_action_files(connector, blobs).await?,
        })
    }

    /// The published action files the connector's articles brought (source `<connector>:<id>`).
    async fn returned_action_files(
        &self,
        connector: &str,
        blobs: &mut BTreeMap<BlobId, Vec<u8>>,
    ) -> Result<Vec<ReturnedActionFile>, StoreError> {
        let prefix = format!("{connector}:");
        let mut out = Vec::new();
        for a in self.published_actions().await? {
            let Some(article) = a.source.strip_prefix(&prefix) else {
                continue;
            };
            let blob = BlobId::of(&a.file);
            blobs.entry(blob.clone()).or_insert(a.file);
            out.push(ReturnedActionFile {
                article: article.to_string(),
                name: a.name,
                blob,
            });
        }
        Ok(out)
    }

    /// Writes the return bundle for site `site` (see [`Store::return_payload`]) to `path`.
    #[allow(clippy::too_many_arguments)] // each is a distinct, named input of the answer
    pub async fn export_return_bundle(
        &self,
        path: &Path,
        signer: &BundleSigner,
        bundle_uuid: Uuid,
        deviceid: &str,
        site: &str,
        kb_connector: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<BundleWritten, ExchangeError> {
        let (payload, blobs) = self.return_payload(site, kb_connector).await?;
        let counts = payload.counts(blobs.len() as u64);
        let sequence = super::enrol::next_return_sequence(self, site).await?;
        Ok(write_bundle(
            path,
            signer,
            Draft {
                kind: BundleKind::Return,
                bundle_uuid,
                source_deviceid: deviceid,
                recipient_deviceid: Some(site),
                sequence: Some(sequence),
                created_at: now,
                counts,
                payload: serde_json::to_vec(&payload).expect("a payload always serialises"),
                blobs,
            },
        )?)
    }
}

/// The entries an outgoing payload carries, with their kinds and tickets.
fn sent_entries(p: &OutgoingPayload) -> Vec<(Uuid, OutboxKind, Option<Uuid>)> {
    let tickets = p
        .tickets
        .iter()
        .filter_map(|t| Some((t.entry_uuid?, OutboxKind::CreateTicket, Some(t.id))));
    let replies = p
        .replies
        .iter()
        .map(|r| (r.entry_uuid, OutboxKind::AddReply, Some(r.ticket_id)));
    let pushes = p
        .inventory_pushes
        .iter()
        .map(|i| (i.entry_uuid, OutboxKind::PushInventory, None));
    tickets.chain(replies).chain(pushes).collect()
}
