//! The sync outbox, pull cursors and sync status.
//!
//! Every local change that must reach a server is an outbox entry written in the same
//! transaction as the change itself. The sync engine reads the entries in `seq` order and, for
//! each, either completes it (the server's id is recorded and the entry deleted, in one
//! transaction), reschedules it (backoff) or parks it (the server refused it for good; the
//! ticket or reply shows the server's message as its failure).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};
use uuid::Uuid;

use crate::tickets::{ts, uuid};
use crate::{Store, StoreError};

/// What an outbox entry sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxKind {
    /// Create the ticket on the server.
    CreateTicket,
    /// Add a reply to a ticket the server holds.
    AddReply,
    /// Send an inventory snapshot.
    PushInventory,
}

/// Whether an entry will be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Will be sent when due.
    Pending,
    /// Refused by the server for good; waits for the user (see [`Store::requeue_parked`]).
    Parked,
}

impl OutboxKind {
    /// Database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxKind::CreateTicket => "create_ticket",
            OutboxKind::AddReply => "add_reply",
            OutboxKind::PushInventory => "push_inventory",
        }
    }
    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "create_ticket" => Ok(OutboxKind::CreateTicket),
            "add_reply" => Ok(OutboxKind::AddReply),
            "push_inventory" => Ok(OutboxKind::PushInventory),
            other => Err(StoreError::Corrupt {
                what: "outbox kind".into(),
                detail: format!("unknown value `{other}`"),
            }),
        }
    }
}

/// One entry of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Order of creation.
    pub seq: i64,
    /// The client UUID the server sees (ticket id, reply id, or the inventory push's id).
    pub uuid: Uuid,
    /// What it sends.
    pub kind: OutboxKind,
    /// The ticket it belongs to (entries of one ticket are sent in order).
    pub ticket_id: Option<Uuid>,
    /// The reply, for `add_reply`.
    pub reply_id: Option<Uuid>,
    /// The snapshot, for `push_inventory`.
    pub snapshot_uuid: Option<Uuid>,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not to be tried before this.
    pub next_attempt_at: DateTime<Utc>,
    /// Pending or parked.
    pub state: OutboxState,
    /// The last failure, verbatim from the server when it gave one.
    pub last_error: Option<String>,
    /// When the change was made.
    pub created_at: DateTime<Utc>,
}

/// The outcome of the latest sync passes of one connector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// Connector name.
    pub connector: String,
    /// Start of the latest pass.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// Start of the latest pass that completed.
    pub last_success_at: Option<DateTime<Utc>>,
    /// The latest pass's error, if it failed.
    pub last_error: Option<String>,
    /// When that error happened.
    pub last_error_at: Option<DateTime<Utc>>,
    /// Entries pushed by the latest successful pass.
    pub last_pushed: i64,
    /// Items pulled by the latest successful pass.
    pub last_pulled: i64,
}

/// Inserts an outbox entry inside the caller's transaction.
pub(crate) async fn enqueue(
    tx: &mut Transaction<'_, Sqlite>,
    kind: OutboxKind,
    entry: Uuid,
    ticket: Option<Uuid>,
    reply: Option<Uuid>,
    snapshot: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let (seq,): (i64,) = sqlx::query_as(
        "INSERT INTO outbox (uuid, kind, ticket_id, reply_id, snapshot_uuid, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq",
    )
    .bind(entry.to_string())
    .bind(kind.as_str())
    .bind(ticket.map(|u| u.to_string()))
    .bind(reply.map(|u| u.to_string()))
    .bind(snapshot.map(|u| u.to_string()))
    .bind(now.to_rfc3339())
    .bind(now.to_rfc3339())
    .fetch_one(&mut **tx)
    .await?;
    Ok(seq)
}

/// Sets a pull cursor inside the caller's transaction.
pub(crate) async fn set_cursor(
    tx: &mut Transaction<'_, Sqlite>,
    connector: &str,
    stream: &str,
    cursor: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sync_cursors (connector, stream, cursor, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(connector, stream) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
    )
    .bind(connector)
    .bind(stream)
    .bind(cursor)
    .bind(now.to_rfc3339())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

type EntryRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    String,
    String,
    Option<String>,
    String,
);

fn entry_from_row(r: EntryRow) -> Result<OutboxEntry, StoreError> {
    let what = format!("outbox entry {}", r.0);
    let opt = |s: &Option<String>| s.as_deref().map(|s| uuid(s, &what)).transpose();
    Ok(OutboxEntry {
        seq: r.0,
        uuid: uuid(&r.1, &what)?,
        kind: OutboxKind::parse(&r.2)?,
        ticket_id: opt(&r.3)?,
        reply_id: opt(&r.4)?,
        snapshot_uuid: opt(&r.5)?,
        attempts: r.6.clamp(0, u32::MAX as i64) as u32,
        next_attempt_at: ts(&r.7, &what)?,
        state: match r.8.as_str() {
            "parked" => OutboxState::Parked,
            _ => OutboxState::Pending,
        },
        last_error: r.9,
        created_at: ts(&r.10, &what)?,
    })
}

impl Store {
    /// Every outbox entry, in send order.
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows: Vec<EntryRow> = sqlx::query_as(
            "SELECT seq, uuid, kind, ticket_id, reply_id, snapshot_uuid, attempts, next_attempt_at,
                    state, last_error, created_at FROM outbox ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(entry_from_row).collect()
    }

    /// Queues an inventory snapshot for sending; `entry` is the push's client UUID.
    pub async fn queue_inventory_push(
        &self,
        entry: Uuid,
        snapshot: Uuid,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let seq = enqueue(
            &mut tx,
            OutboxKind::PushInventory,
            entry,
            None,
            None,
            Some(snapshot),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Records a failed attempt that will be retried at `next_attempt_at`.
    pub async fn reschedule_outbox(
        &self,
        seq: i64,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE seq = ?",
        )
        .bind(next_attempt_at.to_rfc3339())
        .bind(error)
        .bind(seq)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Parks an entry the server refused for good, and marks its ticket or reply `failed`
    /// with the server's message, in one transaction.
    pub async fn park_outbox(
        &self,
        seq: i64,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let row: Option<(String, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT kind, ticket_id, reply_id FROM outbox WHERE seq = ?")
                .bind(seq)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((kind, ticket, reply)) = row else {
            return Err(StoreError::NotFound(format!("outbox entry {seq}")));
        };
        sqlx::query(
            "UPDATE outbox SET state = 'parked', attempts = attempts + 1, last_error = ? WHERE seq = ?",
        )
        .bind(error)
        .bind(seq)
        .execute(&mut *tx)
        .await?;
        match OutboxKind::parse(&kind)? {
            OutboxKind::CreateTicket => {
                sqlx::query(
                    "UPDATE tickets SET local_state = 'failed', failure = ?, updated_at = ? WHERE id = ?",
                )
                .bind(error)
                .bind(now.to_rfc3339())
                .bind(ticket)
                .execute(&mut *tx)
                .await?;
            }
            OutboxKind::AddReply => {
                sqlx::query(
                    "UPDATE ticket_replies SET local_state = 'failed', failure = ? WHERE id = ?",
                )
                .bind(error)
                .bind(reply)
                .execute(&mut *tx)
                .await?;
            }
            OutboxKind::PushInventory => {}
        }
        tx.commit().await?;
        Ok(())
    }

    /// Puts every parked entry back in the queue (after the user fixed the cause), clearing
    /// the failures of their tickets and replies. Returns how many were requeued.
    pub async fn requeue_parked(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE tickets SET local_state = 'queued', failure = NULL, updated_at = ?
             WHERE id IN (SELECT ticket_id FROM outbox WHERE state = 'parked' AND kind = 'create_ticket')",
        )
        .bind(now.to_rfc3339())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE ticket_replies SET local_state = 'queued', failure = NULL
             WHERE id IN (SELECT reply_id FROM outbox WHERE state = 'parked' AND kind = 'add_reply')",
        )
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(
            "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE state = 'parked'",
        )
        .bind(now.to_rfc3339())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// Records that the server created the ticket of entry `seq` as `remote_id`, and removes
    /// the entry, in one transaction.
    pub async fn complete_ticket_push(
        &self,
        seq: i64,
        connector: &str,
        remote_id: &str,
        remote_status: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let (ticket,): (Option<String>,) =
            sqlx::query_as("SELECT ticket_id FROM outbox WHERE seq = ?")
                .bind(seq)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("outbox entry {seq}")))?;
        sqlx::query(
            "UPDATE tickets SET local_state = 'sent', failure = NULL, connector = ?, remote_id = ?,
                    remote_status = COALESCE(?, remote_status), updated_at = ? WHERE id = ?",
        )
        .bind(connector)
        .bind(remote_id)
        .bind(remote_status)
        .bind(now.to_rfc3339())
        .bind(ticket)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM outbox WHERE seq = ?")
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that the server holds the reply of entry `seq` as `remote_id`, and removes the
    /// entry, in one transaction.
    pub async fn complete_reply_push(&self, seq: i64, remote_id: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let (reply,): (Option<String>,) =
            sqlx::query_as("SELECT reply_id FROM outbox WHERE seq = ?")
                .bind(seq)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("outbox entry {seq}")))?;
        sqlx::query(
            "UPDATE ticket_replies SET local_state = 'sent', failure = NULL, remote_id = ? WHERE id = ?",
        )
        .bind(remote_id)
        .bind(reply)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM outbox WHERE seq = ?")
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a completed inventory push, remembering the server's id of this machine under
    /// the `inventory` cursor of the connector.
    pub async fn complete_inventory_push(
        &self,
        seq: i64,
        connector: &str,
        remote_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        set_cursor(&mut tx, connector, "inventory", remote_id, now).await?;
        sqlx::query("DELETE FROM outbox WHERE seq = ?")
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A pull cursor (`tickets`, `kb`…) of a connector.
    pub async fn sync_cursor(
        &self,
        connector: &str,
        stream: &str,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT cursor FROM sync_cursors WHERE connector = ? AND stream = ?")
                .bind(connector)
                .bind(stream)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| r.0))
    }

    /// Sets a pull cursor (on its own: callers that store pulled data use the transactional
    /// forms, such as [`Store::apply_ticket_changes`]).
    pub async fn set_sync_cursor(
        &self,
        connector: &str,
        stream: &str,
        cursor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        set_cursor(&mut tx, connector, stream, cursor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records the outcome of a sync pass that started at `started`: `Ok((pushed, pulled))`
    /// or the error message.
    pub async fn record_sync(
        &self,
        connector: &str,
        started: DateTime<Utc>,
        outcome: Result<(i64, i64), &str>,
    ) -> Result<(), StoreError> {
        let at = started.to_rfc3339();
        match outcome {
            Ok((pushed, pulled)) => sqlx::query(
                "INSERT INTO sync_status (connector, last_attempt_at, last_success_at, last_pushed, last_pulled)
                 VALUES (?1, ?2, ?2, ?3, ?4)
                 ON CONFLICT(connector) DO UPDATE SET last_attempt_at = ?2, last_success_at = ?2,
                    last_error = NULL, last_error_at = NULL, last_pushed = ?3, last_pulled = ?4",
            )
            .bind(connector)
            .bind(&at)
            .bind(pushed)
            .bind(pulled),
            Err(msg) => sqlx::query(
                "INSERT INTO sync_status (connector, last_attempt_at, last_error, last_error_at)
                 VALUES (?1, ?2, ?3, ?2)
                 ON CONFLICT(connector) DO UPDATE SET last_attempt_at = ?2, last_error = ?3, last_error_at = ?2",
            )
            .bind(connector)
            .bind(&at)
            .bind(msg),
        }
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The recorded sync status of a connector (all empty if it never synced).
    pub async fn sync_status(&self, connector: &str) -> Result<SyncStatus, StoreError> {
        type Row = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            i64,
            i64,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT last_attempt_at, last_success_at, last_error, last_error_at, last_pushed, last_pulled
             FROM sync_status WHERE connector = ?",
        )
        .bind(connector)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(SyncStatus {
                connector: connector.to_string(),
                ..SyncStatus::default()
            });
        };
        let t = |s: &Option<String>| s.as_deref().map(|s| ts(s, "sync status")).transpose();
        Ok(SyncStatus {
            connector: connector.to_string(),
            last_attempt_at: t(&r.0)?,
            last_success_at: t(&r.1)?,
            last_error: r.2,
            last_error_at: t(&r.3)?,
            last_pushed: r.4,
            last_pulled: r.5,
        })
    }
}
