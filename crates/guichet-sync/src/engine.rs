//! One sync pass: authenticate, push the outbox, pull ticket changes, pull the knowledge base.
//!
//! Guarantees:
//! * Nothing is lost: an entry leaves the outbox only in the transaction that records the
//!   server's id. Killing the process at any point leaves it queued, and the connector's
//!   check-before-create finds the object a lost answer created.
//! * Order per ticket: a ticket's entries go in `seq` order; one that is parked or waiting for
//!   its backoff holds back the later entries *of the same ticket only*.
//! * Backoff: `base · 2^attempts`, capped, with equal jitter (half fixed, half random) so that
//!   many agents coming back online do not hit the server in step. `Retry-After` wins.
//! * Cursors move only in (or after) the local commit of what they cover.
//!
//! Time (`now`) and randomness (`rng`) are passed in, so tests drive them.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use guichet_inventory::system_summary;
use guichet_store::{
    InventoryPush, OutboxEntry, OutboxKind, OutboxState, SnapshotRef, Store, StoreError,
};
use rand::{Rng, RngCore};
use serde::Serialize;
use uuid::Uuid;

use crate::connector::{Connector, OutgoingFile, OutgoingInventory, OutgoingReply, OutgoingTicket};
use crate::kb::KbSink;
use crate::{ConnectorError, SyncError};

/// Retry timing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay before the first retry (before jitter).
    pub base: Duration,
    /// Longest delay.
    pub max: Duration,
    /// Attempts after which an entry that keeps getting malformed answers is parked.
    pub malformed_limit: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(30),
            max: Duration::from_secs(3600),
            malformed_limit: 3,
        }
    }
}

impl RetryPolicy {
    /// The delay after the `attempts`-th consecutive failure (0-based), jittered into
    /// `[d/2, d]`.
    pub fn delay(&self, attempts: u32, rng: &mut (dyn RngCore + Send)) -> Duration {
        let factor = 2u32.saturating_pow(attempts.min(20));
        let d = self.base.saturating_mul(factor).min(self.max);
        let half = d / 2;
        half + half.mul_f64(rng.random::<f64>())
    }
}

/// Why a pass stopped before the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
pub enum Stop {
    /// The server cannot be reached: a normal state, the queue is untouched.
    Offline(String),
    /// The credentials were refused: the queue is untouched.
    Auth(String),
}

/// An outbox entry the pass sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pushed {
    /// What it was.
    pub kind: OutboxKind,
    /// Its client UUID.
    pub uuid: Uuid,
    /// The server's id.
    pub remote_id: String,
}

/// An outbox entry that failed this pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deferred {
    /// What it was.
    pub kind: OutboxKind,
    /// Its client UUID.
    pub uuid: Uuid,
    /// Why.
    pub error: String,
    /// When it will be retried; `None` if it was parked.
    pub retry_at: Option<DateTime<Utc>>,
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PassReport {
    /// Entries sent.
    pub pushed: Vec<Pushed>,
    /// Entries that failed and will be retried, or were parked.
    pub deferred: Vec<Deferred>,
    /// Tickets whose status or title changed on the server.
    pub tickets_updated: usize,
    /// Replies received from the server.
    pub replies_pulled: usize,
    /// Files of those replies stored (downloaded, or named only when too big).
    pub files_pulled: usize,
    /// Articles added or changed.
    pub articles_updated: usize,
    /// Articles removed.
    pub articles_deleted: usize,
    /// Pull failures (the pass carried on with what it could).
    pub errors: Vec<String>,
    /// Set when the pass stopped early.
    pub stopped: Option<Stop>,
}

impl PassReport {
    /// Whether the pass reached the end without error (deferred entries are not errors).
    pub fn is_complete(&self) -> bool {
        self.stopped.is_none() && self.errors.is_empty()
    }

    /// Items pulled.
    pub fn pulled(&self) -> usize {
        self.tickets_updated + self.replies_pulled + self.articles_updated + self.articles_deleted
    }
}

/// The sync engine for one connector.
#[allow(missing_debug_implementations)] // holds trait objects
pub struct Engine<'a> {
    store: &'a Store,
    connector: &'a dyn Connector,
    kb: Option<&'a dyn KbSink>,
    policy: RetryPolicy,
}

enum Outcome {
    Done(String),
    Failed(ConnectorError),
    /// The entry cannot be sent yet (its ticket has no server id); it waits untouched.
    NotReady,
    /// The entry was already sent (an inventory snapshot the server has): removed unsent.
    AlreadySent(String),
}

impl<'a> Engine<'a> {
    /// An engine writing tickets to `store` and articles to `kb`; without `kb` the knowledge
    /// base is not pulled at all (its cursor stays where it is).
    pub fn new(
        store: &'a Store,
        connector: &'a dyn Connector,
        kb: Option<&'a dyn KbSink>,
        policy: RetryPolicy,
    ) -> Self {
        Engine {
            store,
            connector,
            kb,
            policy,
        }
    }

    /// Runs one pass and records its outcome in the store's sync status.
    pub async fn pass(
        &self,
        now: DateTime<Utc>,
        rng: &mut (dyn RngCore + Send),
    ) -> Result<PassReport, SyncError> {
        let mut report = PassReport::default();
        let result = self.run(now, rng, &mut report).await;
        let name = self.connector.name();
        match (&result, &report.stopped) {
            (Err(e), _) => {
                self.store
                    .record_sync(name, now, Err(&e.to_string()))
                    .await?
            }
            (Ok(()), Some(Stop::Offline(m) | Stop::Auth(m))) => {
                self.store.record_sync(name, now, Err(m)).await?
            }
            (Ok(()), None) if !report.errors.is_empty() => {
                self.store
                    .record_sync(name, now, Err(&report.errors.join("; ")))
                    .await?
            }
            (Ok(()), None) => {
                self.store
                    .record_sync(
                        name,
                        now,
                        Ok((report.pushed.len() as i64, report.pulled() as i64)),
                    )
                    .await?
            }
        }
        result.map(|()| report)
    }

    async fn run(
        &self,
        now: DateTime<Utc>,
        rng: &mut (dyn RngCore + Send),
        report: &mut PassReport,
    ) -> Result<(), SyncError> {
        match self.connector.authenticate().await {
            Ok(()) => {}
            Err(e) => {
                report.stopped = Some(match e {
                    ConnectorError::Auth(_) => Stop::Auth(e.to_string()),
                    ConnectorError::Offline(_) | ConnectorError::Timeout(_) => {
                        Stop::Offline(e.to_string())
                    }
                    // Anything else at this stage is the server being unwell: nothing was
                    // sent, so the queue is untouched either way.
                    other => Stop::Offline(other.to_string()),
                });
                return Ok(());
            }
        }
        self.push(now, rng, report).await?;
        if report.stopped.is_some() {
            return Ok(());
        }
        self.pull_tickets(now, report).await?;
        if report.stopped.is_some() {
            return Ok(());
        }
        self.pull_kb(now, rng, report).await?;
        Ok(())
    }

    async fn push(
        &self,
        now: DateTime<Utc>,
        rng: &mut (dyn RngCore + Send),
        report: &mut PassReport,
    ) -> Result<(), SyncError> {
        let mut blocked: HashSet<Uuid> = HashSet::new();
        let mut rate_limited = false;
        for e in self.store.outbox().await? {
            let ticket = e.ticket_id;
            if ticket.is_some_and(|t| blocked.contains(&t)) {
                continue;
            }
            if rate_limited || e.state == OutboxState::Parked || e.next_attempt_at > now {
                blocked.extend(ticket);
                continue;
            }
            let outcome = match self.push_one(&e, now).await {
                Ok(o) => o,
                Err(SyncError::Store(err)) if is_unreadable(&err) => {
                    // A local file (attachment blob, snapshot) is gone or damaged: retrying
                    // cannot help, so the user must see it.
                    let msg = format!("cannot read local data: {err}");
                    self.store.park_outbox(e.seq, &msg, now).await?;
                    report.deferred.push(deferred(&e, msg, None));
                    blocked.extend(ticket);
                    continue;
                }
                Err(other) => return Err(other),
            };
            match outcome {
                Outcome::NotReady => {
                    blocked.extend(ticket);
                }
                Outcome::AlreadySent(remote_id) => {
                    tracing::info!(kind = e.kind.as_str(), uuid = %e.uuid, %remote_id, "already sent, dropped");
                }
                Outcome::Done(remote_id) => {
                    tracing::info!(kind = e.kind.as_str(), uuid = %e.uuid, %remote_id, "pushed");
                    report.pushed.push(Pushed {
                        kind: e.kind,
                        uuid: e.uuid,
                        remote_id,
                    });
                }
                Outcome::Failed(err) => {
                    tracing::warn!(kind = e.kind.as_str(), uuid = %e.uuid, error = %err, "push failed");
                    let msg = err.to_string();
                    match err {
                        ConnectorError::Offline(_) => {
                            report.stopped = Some(Stop::Offline(msg));
                            return Ok(());
                        }
                        ConnectorError::Auth(_) => {
                            report.stopped = Some(Stop::Auth(msg));
                            return Ok(());
                        }
                        ConnectorError::Permanent { .. } => {
                            self.store.park_outbox(e.seq, &msg, now).await?;
                            report.deferred.push(deferred(&e, msg, None));
                        }
                        ConnectorError::Malformed(_)
                            if e.attempts + 1 >= self.policy.malformed_limit =>
                        {
                            self.store.park_outbox(e.seq, &msg, now).await?;
                            report.deferred.push(deferred(&e, msg, None));
                        }
                        ConnectorError::RateLimited { retry_after } => {
                            let wait =
                                retry_after.unwrap_or_else(|| self.policy.delay(e.attempts, rng));
                            let at = now + chrono::Duration::from_std(wait).unwrap_or_default();
                            self.store.reschedule_outbox(e.seq, at, &msg).await?;
                            report.deferred.push(deferred(&e, msg, Some(at)));
                            // The server asked the whole client to slow down.
                            rate_limited = true;
                        }
                        ConnectorError::Timeout(_)
                        | ConnectorError::Transport(_)
                        | ConnectorError::Server { .. }
                        | ConnectorError::Malformed(_) => {
                            let wait = self.policy.delay(e.attempts, rng);
                            let at = now + chrono::Duration::from_std(wait).unwrap_or_default();
                            self.store.reschedule_outbox(e.seq, at, &msg).await?;
                            report.deferred.push(deferred(&e, msg, Some(at)));
                        }
                    }
                    blocked.extend(ticket);
                }
            }
        }
        Ok(())
    }

    /// Sends one entry and, on success, commits the server's id (which removes the entry).
    async fn push_one(&self, e: &OutboxEntry, now: DateTime<Utc>) -> Result<Outcome, SyncError> {
        let name = self.connector.name();
        match e.kind {
            OutboxKind::CreateTicket => {
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
                    title: t.title,
                    description: t.description,
                    description_format: t.description_format,
                    category: t.category,
                    urgency: t.urgency,
                    requester: t.requester,
                    system_summary,
                    attachments,
                };
                match self.connector.push_ticket(&out).await {
                    Ok(p) => {
                        self.store
                            .complete_ticket_push(
                                e.seq,
                                name,
                                &p.remote_id,
                                p.status.as_deref(),
                                now,
                            )
                            .await?;
                        Ok(Outcome::Done(p.remote_id))
                    }
                    Err(err) => Ok(Outcome::Failed(err)),
                }
            }
            OutboxKind::AddReply => {
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
                match self.connector.push_reply(&out).await {
                    Ok(remote_id) => {
                        self.store.complete_reply_push(e.seq, &remote_id).await?;
                        Ok(Outcome::Done(remote_id))
                    }
                    Err(err) => Ok(Outcome::Failed(err)),
                }
            }
            OutboxKind::PushInventory => {
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
    }

    /// Records a pull failure: offline and auth stop the pass, the rest is reported.
    fn pull_failed(report: &mut PassReport, what: &str, err: ConnectorError) {
        let msg = format!("{what}: {err}");
        match err {
            ConnectorError::Offline(_) => report.stopped = Some(Stop::Offline(msg)),
            ConnectorError::Auth(_) => report.stopped = Some(Stop::Auth(msg)),
            _ => report.errors.push(msg),
        }
    }

    async fn pull_tickets(
        &self,
        now: DateTime<Utc>,
        report: &mut PassReport,
    ) -> Result<(), SyncError> {
        let name = self.connector.name();
        let watched: Vec<String> = self
            .store
            .remote_tickets(name)
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        let cursor = self.store.sync_cursor(name, "tickets").await?;
        match self
            .connector
            .pull_ticket_changes(cursor.as_deref(), &watched)
            .await
        {
            Ok(changes) => {
                let applied = self
                    .store
                    .apply_ticket_changes_with_files(
                        name,
                        &changes.updates,
                        &changes.files,
                        changes.cursor.as_deref(),
                        now,
                    )
                    .await?;
                report.tickets_updated += applied.tickets_updated;
                report.replies_pulled += applied.replies_added;
                report.files_pulled += applied.files_added;
            }
            Err(e) => Self::pull_failed(report, "pulling tickets", e),
        }
        Ok(())
    }

    async fn pull_kb(
        &self,
        now: DateTime<Utc>,
        rng: &mut (dyn RngCore + Send),
        report: &mut PassReport,
    ) -> Result<(), SyncError> {
        let Some(kb) = self.kb else {
            return Ok(());
        };
        let name = self.connector.name();
        let cursor = self.store.sync_cursor(name, "kb").await?;
        let changes = match self.connector.pull_kb(cursor.as_deref()).await {
            Ok(c) => c,
            Err(e) => {
                Self::pull_failed(report, "pulling the knowledge base", e);
                return Ok(());
            }
        };
        let mut versions = kb.versions(name).await?;
        for a in changes.upserts {
            if versions.get(&a.remote_id) == Some(&a.remote_version) {
                continue;
            }
            versions.insert(a.remote_id.clone(), a.remote_version.clone());
            let new_id = uuid::Builder::from_random_bytes(rng.random()).into_uuid();
            kb.upsert(a, new_id).await?;
            report.articles_updated += 1;
        }
        for id in changes.deletions {
            if versions.remove(&id).is_some() {
                kb.delete(name, &id).await?;
                report.articles_deleted += 1;
            }
        }
        // After the articles: a crash in between pulls them again, and versions skip them.
        if let Some(c) = changes.cursor {
            self.store.set_sync_cursor(name, "kb", &c, now).await?;
        }
        Ok(())
    }
}

fn deferred(e: &OutboxEntry, error: String, retry_at: Option<DateTime<Utc>>) -> Deferred {
    Deferred {
        kind: e.kind,
        uuid: e.uuid,
        error,
        retry_at,
    }
}

fn corrupt(e: &OutboxEntry, detail: &str) -> SyncError {
    SyncError::Store(StoreError::Corrupt {
        what: format!("outbox entry {}", e.seq),
        detail: detail.into(),
    })
}

fn is_unreadable(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::NotFound(_) | StoreError::Corrupt { .. } | StoreError::DataDir { .. }
    )
}
