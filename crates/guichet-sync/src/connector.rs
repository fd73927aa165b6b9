//! The one narrow interface between the sync engine and a service-desk server.
//!
//! Everything server-specific (URLs, custom fields, JSON shapes, lifecycles) stays behind this
//! trait; the engine only sees client UUIDs, remote ids as opaque strings, and opaque cursors.

use async_trait::async_trait;
use guichet_inventory::Inventory;
use guichet_records::{Article, InventoryMode, RemoteReplyFiles, RemoteTicketUpdate, TicketFields};
use uuid::Uuid;

use crate::ConnectorError;

/// A file sent with a ticket or a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingFile {
    /// File name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A ticket to create on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingTicket {
    /// The client UUID: the server must end up with exactly one ticket carrying it.
    pub client_uuid: Uuid,
    /// What the user says: title, description, category, urgency, requester.
    pub fields: TicketFields,
    /// A short text summary of the machine, when the user attached the inventory.
    pub system_summary: Option<String>,
    /// The remote site (its device id) whose bundle brought this ticket to the hub that sends
    /// it, `None` for a ticket filed here. A relayed ticket's requester is not the account
    /// signed in to the server, so connectors keep it in the text.
    pub relayed_from: Option<String>,
    /// Files.
    pub attachments: Vec<OutgoingFile>,
}

/// A reply to add to a ticket the server holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingReply {
    /// The reply's client UUID: the server must end up with exactly one reply carrying it.
    pub client_uuid: Uuid,
    /// The server's id of the ticket.
    pub ticket_remote_id: String,
    /// Author.
    pub author: String,
    /// Text.
    pub body: String,
    /// Files, sent with the reply: a retry that finds the reply already on the server does
    /// not send them again.
    pub attachments: Vec<OutgoingFile>,
}

/// The machine's inventory to send; the server keeps one record per `deviceid`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingInventory {
    /// The push's client UUID.
    pub client_uuid: Uuid,
    /// Stable id of this machine (the server updates its record rather than adding one).
    pub deviceid: String,
    /// The inventory itself.
    pub inventory: Inventory,
    /// The inventory this connector last got through, when known: servers that take partial
    /// inventories (GLPI) send only what changed since it. `None` asks for a full one.
    pub previous: Option<Inventory>,
}

/// What the server answered to an inventory push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedInventory {
    /// The server's id of this machine.
    pub remote_id: String,
    /// What was sent: full, partial, or nothing but the contact (nothing changed).
    pub mode: InventoryMode,
    /// The delay before the next contact the server asked for, if it gave one.
    pub next_contact: Option<std::time::Duration>,
    /// The server's message, if any.
    pub message: Option<String>,
}

/// What the server answered to a ticket creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedTicket {
    /// The server's id.
    pub remote_id: String,
    /// Its status on the server, if known.
    pub status: Option<String>,
}

/// Changes to our tickets since a cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketChanges {
    /// One entry per changed ticket.
    pub updates: Vec<RemoteTicketUpdate>,
    /// Files of the other side's replies in `updates` (downloaded, or named only when over
    /// the connector's size limit).
    pub files: Vec<RemoteReplyFiles>,
    /// Where the next pull starts (opaque); `None` keeps the previous one.
    pub cursor: Option<String>,
}

/// Knowledge-base changes since a cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KbChanges {
    /// Articles created or changed.
    pub upserts: Vec<Article>,
    /// Server ids of articles removed or disabled.
    pub deletions: Vec<String>,
    /// Where the next pull starts (opaque); `None` keeps the previous one.
    pub cursor: Option<String>,
    /// The published fix-it action files (`*.guichet-action`, each's bytes) that upserted
    /// articles carry, by the article's server id; an upserted article absent here carries none.
    pub action_files: std::collections::BTreeMap<String, Vec<Vec<u8>>>,
}

/// A service-desk server (Request Tracker, GLPI…).
///
/// Contract for implementations:
/// * `push_ticket` and `push_reply` are idempotent on the client UUID: before creating they
///   look for an existing object carrying it (a previous attempt whose answer was lost), and
///   after creating they verify that the object carries it.
/// * Errors are classified ([`ConnectorError`]); the engine decides on retries.
/// * Every request is bounded by a timeout.
#[async_trait]
pub trait Connector: Send + Sync {
    /// Short stable name (`rt`, `glpi`) under which cursors and remote ids are stored.
    fn name(&self) -> &str;

    /// Checks the credentials (and that the server is this connector's kind).
    async fn authenticate(&self) -> Result<(), ConnectorError>;

    /// Creates a ticket, or finds the one a previous attempt created.
    async fn push_ticket(&self, ticket: &OutgoingTicket) -> Result<PushedTicket, ConnectorError>;

    /// Adds a reply, or finds the one a previous attempt added; returns its server id.
    async fn push_reply(&self, reply: &OutgoingReply) -> Result<String, ConnectorError>;

    /// Changes (status, title, the other side's replies) to the tickets in `watched` (server
    /// ids) since `cursor`.
    async fn pull_ticket_changes(
        &self,
        cursor: Option<&str>,
        watched: &[String],
    ) -> Result<TicketChanges, ConnectorError>;

    /// Knowledge-base changes since `cursor`, deletions included.
    async fn pull_kb(&self, cursor: Option<&str>) -> Result<KbChanges, ConnectorError>;

    /// Creates or updates this machine's record (partially when `previous` allows it and the
    /// server supports it); returns its server id and the server's answer.
    async fn push_inventory(
        &self,
        inventory: &OutgoingInventory,
    ) -> Result<PushedInventory, ConnectorError>;
}
