//! Sending one outbox entry and, on success, committing the server's id in the same
//! transaction that removes the entry: nothing leaves the outbox before the server has it.

use chrono::{DateTime, Utc};
use guichet_inventory::system_summary;
use guichet_records::{OutboxEntry, OutboxKind};
use guichet_store::{InventoryPush, SnapshotRef, StoreError};

use super::{Engine, Outcome};
use crate::connector::{OutgoingFile, OutgoingInventory, OutgoingReply, OutgoingTicket};
use crate::SyncError;

impl Engine<'_> {
    /// Sends one entry and, on success, commits the server's id (which removes the entry).
    /// `now` is the pass's time, `clock` the time the send starts (recorded as the entry's
    /// [`OutboxEntry::sending_since`] just before the request leaves).
    pub(super) async fn push_one(
        &self,
        e: &OutboxEntry,
        now: DateTime<Utc>,
        clock: DateTime<Utc>,
    ) -> Result<Outcome, SyncError> {
        match e.kind {
            OutboxKind::CreateTicket => self.push_ticket(e, now, clock).await,
            OutboxKind::AddReply => self.push_reply(e, clock).await,
            OutboxKind::PushInventory => self.push_inventory(e, now, clock).await,
        }
    }

    /// A ticket with its files and, when the user attached it, the machine's summary.
    async fn push_ticket(
        &self,
        e: &OutboxEntry,
        now: DateTime<Utc>,
        clock: DateTime<Utc>,
    ) -> Result<Outcome, SyncError> {
        let id = e.ticket_id.ok_or_else(|| corrupt(e, "no ticket"))?;
        let t = self.store.ticket(id).await?;
        let mut attachments = Vec::with_capacity(t.attachments.len());
        for a in &t.attachments {
            attachments.push(OutgoingFile {
                file_name: a.file_name.clone(),
                content_type: a.content_type.clone(),
                bytes: self.store.blob(&a.blob_id)?,
            });
        }
        let system_summary = match t.snapshot_uuid {
            Some(u) => Some(system_summary(
                &self
                    .store
                    .snapshot(&SnapshotRef::UuidPrefix(u.to_string()))
                    .await?
                    .1,
            )),
            None => None,
        };
        let out = OutgoingTicket {
            client_uuid: t.id,
            fields: t.fields(),
            system_summary,
            relayed_from: self.store.ticket_relayed_from(id).await?,
            attachments,
        };
        self.store.mark_outbox_sending(e.seq, clock).await?;
        match self.connector.push_ticket(&out).await {
            Ok(p) => {
                let name = self.connector.name();
                self.store
                    .complete_ticket_push(e.seq, name, &p.remote_id, p.status.as_deref(), now)
                    .await?;
                Ok(Outcome::Done(p.remote_id))
            }
            Err(err) => Ok(Outcome::Failed(err)),
        }
    }

    /// A reply with its files, once its ticket has a server id.
    async fn push_reply(
        &self,
        e: &OutboxEntry,
        clock: DateTime<Utc>,
    ) -> Result<Outcome, SyncError> {
        let rid = e.reply_id.ok_or_else(|| corrupt(e, "no reply"))?;
        let reply = self.store.reply(rid).await?;
        let t = self.store.ticket(reply.ticket_id).await?;
        let Some(remote) = t.remote_id else {
            return Ok(Outcome::NotReady);
        };
        let mut attachments = Vec::with_capacity(reply.attachments.len());
        for a in &reply.attachments {
            // A local reply's files are always stored: a missing blob is damage,
            // reported (and the entry parked) like a missing ticket attachment.
            let blob = a.blob_id.as_ref().ok_or_else(|| {
                SyncError::Store(StoreError::NotFound(format!(
                    "file {} of reply {}",
                    a.file_name, reply.id
                )))
            })?;
            attachments.push(OutgoingFile {
                file_name: a.file_name.clone(),
                content_type: a.content_type.clone(),
                bytes: self.store.blob(blob)?,
            });
        }
        let out = OutgoingReply {
            client_uuid: reply.id,
            ticket_remote_id: remote,
            author: reply.author,
            body: reply.body,
            attachments,
        };
        self.store.mark_outbox_sending(e.seq, clock).await?;
        match self.connector.push_reply(&out).await {
            Ok(remote_id) => {
                self.store.complete_reply_push(e.seq, &remote_id).await?;
                Ok(Outcome::Done(remote_id))
            }
            Err(err) => Ok(Outcome::Failed(err)),
        }
    }

    /// A machine's inventory, never the same snapshot twice to the same server, and only what
    /// changed since the one the server last accepted when the connector can say so.
    async fn push_inventory(
        &self,
        e: &OutboxEntry,
        now: DateTime<Utc>,
        clock: DateTime<Utc>,
    ) -> Result<Outcome, SyncError> {
        let name = self.connector.name();
        let snap = e.snapshot_uuid.ok_or_else(|| corrupt(e, "no snapshot"))?;
        let (meta, inventory) = self
            .store
            .snapshot(&SnapshotRef::UuidPrefix(snap.to_string()))
            .await?;
        let last = self.store.last_inventory_push(name, &meta.deviceid).await?;
        if let Some(last) = last.as_ref().filter(|l| l.snapshot_uuid == snap) {
            // This snapshot already reached this server (queued again, or the answer
            // was recorded but the entry came back): it is never sent twice.
            self.store
                .complete_inventory_push(e.seq, name, last, last.contacted_at)
                .await?;
            return Ok(Outcome::AlreadySent(last.remote_id.clone()));
        }
        // The snapshot the server last accepted for this machine, to send only what
        // changed since; a pruned or unreadable one only means a full inventory.
        let previous = match &last {
            Some(l) => self
                .store
                .snapshot(&SnapshotRef::UuidPrefix(l.snapshot_uuid.to_string()))
                .await
                .ok()
                .map(|(_, inv)| inv),
            None => None,
        };
        let out = OutgoingInventory {
            client_uuid: e.uuid,
            deviceid: meta.deviceid,
            inventory,
            previous,
        };
        self.store.mark_outbox_sending(e.seq, clock).await?;
        match self.connector.push_inventory(&out).await {
            Ok(pushed) => {
                let delay = pushed
                    .next_contact
                    .and_then(|d| chrono::Duration::from_std(d).ok());
                let record = InventoryPush {
                    deviceid: out.deviceid.clone(),
                    remote_id: pushed.remote_id.clone(),
                    snapshot_uuid: snap,
                    contacted_at: now,
                    mode: pushed.mode,
                    next_contact_secs: delay.map(|d| d.num_seconds()),
                    next_contact_at: delay.map(|d| now + d),
                    message: pushed.message,
                };
                self.store
                    .complete_inventory_push(e.seq, name, &record, now)
                    .await?;
                Ok(Outcome::Done(pushed.remote_id))
            }
            Err(err) => Ok(Outcome::Failed(err)),
        }
    }
}

/// The error of an outbox entry missing what its kind needs.
fn corrupt(e: &OutboxEntry, detail: &str) -> SyncError {
    SyncError::Store(StoreError::Corrupt {
        what: format!("outbox entry {}", e.seq),
        detail: detail.into(),
    })
}
