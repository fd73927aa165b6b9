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

use crate::tickets::{ts, uuid, DbText};
pub use guichet_records::{InventoryMode, OutboxEntry, OutboxKind, OutboxState};

use crate::{Store, StoreError};

mod complete;
mod cursors;
mod pushes;
mod queue;

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

impl DbText for OutboxKind {
    fn parse(s: &str) -> Result<Self, StoreError> {
        OutboxKind::from_name(s).ok_or_else(|| StoreError::Corrupt {
            what: "outbox kind".into(),
            detail: format!("unknown value `{s}`"),
        })
    }
}

/// Prefix of the `sync_cursors` streams holding a connector's [`InventoryPush`] records (JSON),
/// followed by the device id.
pub(crate) const INVENTORY_PUSH_STREAM: &str = "inventory.push:";

/// The record of a connector's latest completed inventory push, for `sync --status` and to
/// plan the next push (partial against this snapshot; the same snapshot is never sent twice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryPush {
    /// The machine (GLPI-style device id): one record per machine and connector, since a
    /// relay also sends the inventories of the sites whose bundles it imported.
    pub deviceid: String,
    /// The server's id of this machine.
    pub remote_id: String,
    /// The snapshot that was sent.
    pub snapshot_uuid: Uuid,
    /// When the server accepted it (the last contact).
    pub contacted_at: DateTime<Utc>,
    /// Full, partial or unchanged.
    pub mode: InventoryMode,
    /// The delay before the next contact the server asked for, in seconds, if it gave one.
    pub next_contact_secs: Option<i64>,
    /// `contacted_at` plus that delay.
    pub next_contact_at: Option<DateTime<Utc>>,
    /// The server's message, if any.
    pub message: Option<String>,
}

fn parse_push(connector: &str, json: &str) -> Result<InventoryPush, StoreError> {
    serde_json::from_str(json).map_err(|e| {
        StoreError::Invalid(format!(
            "the recorded inventory push of {connector} is unreadable: {e}"
        ))
    })
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
    Option<String>,
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
        sending_since: r.11.as_deref().map(|s| ts(s, &what)).transpose()?,
    })
}
