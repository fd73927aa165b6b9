//! The outbox as the sync engine sees it: what each entry sends and where it stands, and how an
//! inventory reached the server.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
    /// Refused by the server for good; waits for the user (see `requeue_parked`).
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

    /// The kind spelled `s`, if there is one.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "create_ticket" => Some(OutboxKind::CreateTicket),
            "add_reply" => Some(OutboxKind::AddReply),
            "push_inventory" => Some(OutboxKind::PushInventory),
            _ => None,
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
    /// When a send of this entry started that has not ended: its sender died while the
    /// request was out. The server may still be finishing it, so the entry is held back for a
    /// while (see the sync engine's guarantees).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sending_since: Option<DateTime<Utc>>,
}

/// How an inventory reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InventoryMode {
    /// The whole inventory.
    Full,
    /// Only the categories that changed since the previous push.
    Partial,
    /// Nothing had changed since the previous push: only the contact was made.
    Unchanged,
}
