//! What `payload.json` holds: the outgoing payload (a site's pending outbox and site changes)
//! and the return payload (the server's answers, confirmations and the knowledge base).
//!
//! Binary content (attachments, images) is not inlined: it travels as `blobs/<sha256>` members
//! and is referred to here by its [`BlobId`].

use chrono::{DateTime, Utc};
use guichet_inventory::Inventory;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use guichet_records::{BlobId, ReplySide, TicketFields};

use crate::BundleCounts;

/// A file attached to a carried ticket or reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundledAttachment {
    /// File name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// The member `blobs/<blob>` holding it.
    pub blob: BlobId,
}

/// A ticket carried by an outgoing bundle: either its creation is queued (`entry_uuid`), or it
/// is already on the server and travels only because replies to it are queued. It carries no
/// server id or state: the hub finds a ticket already on the server by its client UUID, as the
/// connectors do for every push (bundles written before carried `connector` and `remote_id`;
/// they are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundledTicket {
    /// Client UUID.
    pub id: Uuid,
    /// The queued `create_ticket` entry (its UUID is the ticket's), if its creation is queued.
    pub entry_uuid: Option<Uuid>,
    /// What the user says (title, description, category, urgency, requester), written as
    /// fields of the ticket itself: the JSON is the same as before the fields were shared.
    #[serde(flatten)]
    pub fields: TicketFields,
    /// The snapshot attached as a system summary (carried in [`OutgoingPayload::snapshots`]).
    pub snapshot_uuid: Option<Uuid>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Files.
    pub attachments: Vec<BundledAttachment>,
}

/// A queued reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundledReply {
    /// Client UUID of the reply (also its outbox entry's UUID).
    pub id: Uuid,
    /// Its outbox entry.
    pub entry_uuid: Uuid,
    /// The ticket (carried in [`OutgoingPayload::tickets`]).
    pub ticket_id: Uuid,
    /// Author.
    pub author: String,
    /// Text.
    pub body: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Its files (absent in bundles written before replies carried files).
    #[serde(default)]
    pub attachments: Vec<BundledAttachment>,
}

/// An inventory snapshot of the sending machine (pushed, or attached to a ticket).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundledSnapshot {
    /// The snapshot's UUID.
    pub uuid: Uuid,
    /// Device id of the machine it describes.
    pub deviceid: String,
    /// The inventory.
    pub inventory: Inventory,
}

/// A queued inventory push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundledPush {
    /// The push's client UUID (its outbox entry's UUID).
    pub entry_uuid: Uuid,
    /// The snapshot to send (carried in [`OutgoingPayload::snapshots`]).
    pub snapshot_uuid: Uuid,
}

/// A change of the site register (an entry of the sending store's change journal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundledSiteChange {
    /// Globally unique id of the change.
    pub uuid: Uuid,
    /// `machine` or `asset`.
    pub entity: String,
    /// UUID of the machine or asset on the site.
    pub entity_id: Uuid,
    /// `create`, `update`, `delete`, `snapshot`.
    pub op: String,
    /// The journal's payload.
    pub payload: serde_json::Value,
    /// When.
    pub created_at: DateTime<Utc>,
    /// For a machine's `create` or `snapshot`: the imported inventory, so the receiver's
    /// register gets the machine's history too.
    pub inventory: Option<Inventory>,
}

/// Everything a site has waiting to sync.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutgoingPayload {
    /// Tickets to create, and tickets that queued replies belong to.
    pub tickets: Vec<BundledTicket>,
    /// Queued replies.
    pub replies: Vec<BundledReply>,
    /// Snapshots referred to by tickets and pushes.
    pub snapshots: Vec<BundledSnapshot>,
    /// Queued inventory pushes.
    pub inventory_pushes: Vec<BundledPush>,
    /// Site-register changes not yet confirmed by a return bundle.
    pub site_changes: Vec<BundledSiteChange>,
}

/// A file of a technician's reply, as the connected store holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedFile {
    /// The server's id of the file (the site stores each once).
    pub remote_id: String,
    /// File name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// The member `blobs/<blob>` holding it; `None` when it was too large to download.
    pub blob: Option<BlobId>,
}

/// A reply of a ticket, as the connected store knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedReply {
    /// Its id (for the site's own replies, their client UUID).
    pub id: Uuid,
    /// Who wrote it.
    pub side: ReplySide,
    /// The server's id.
    pub remote_id: String,
    /// Author.
    pub author: String,
    /// Text.
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The files of a technician's reply (absent in bundles written before replies carried
    /// files; the site already has its own replies' files).
    #[serde(default)]
    pub attachments: Vec<ReturnedFile>,
}

/// What the server says about one of the site's tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedTicket {
    /// The site's client UUID.
    pub id: Uuid,
    /// The connector holding it.
    pub connector: String,
    /// The server's id.
    pub remote_id: String,
    /// Title on the server.
    pub title: String,
    /// Status on the server.
    pub status: Option<String>,
    /// Last change on the server.
    pub remote_updated_at: Option<DateTime<Utc>>,
    /// Replies the server holds.
    pub replies: Vec<ReturnedReply>,
}

/// An image of a returned article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedImage {
    /// The `<img src>` the article's HTML uses.
    pub url: String,
    /// MIME type.
    pub content_type: String,
    /// The member `blobs/<blob>` holding it.
    pub blob: BlobId,
}

/// A knowledge-base article, with its original image URLs (the receiver sanitises and stores
/// it as a sync would).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedArticle {
    /// Its id on the server.
    pub remote_id: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: Option<String>,
    /// HTML body (already sanitised once; sanitised again on arrival).
    pub body_html: String,
    /// Category.
    pub category: Option<String>,
    /// Check ids it is tagged with (absent from bundles written before tags existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Language tag.
    pub language: Option<String>,
    /// Last change on the server.
    pub updated_at: DateTime<Utc>,
    /// The server's version marker.
    pub remote_version: String,
    /// Images.
    pub images: Vec<ReturnedImage>,
}

/// The knowledge base of one connector, complete: articles of that connector missing from it
/// were removed on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedKb {
    /// The connector (`rt`).
    pub connector: String,
    /// Every article.
    pub articles: Vec<ReturnedArticle>,
    /// The published fix-it action files the articles carry, as the hub pulled them (verified
    /// on the site at each use, never on the way); absent in bundles of older versions.
    #[serde(default)]
    pub action_files: Vec<ReturnedActionFile>,
}

/// A published fix-it action file an article carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedActionFile {
    /// The article's server id.
    pub article: String,
    /// The action's name (its id).
    pub name: String,
    /// The member `blobs/<blob>` holding the file's exact bytes.
    pub blob: BlobId,
}

/// The answer to a site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnPayload {
    /// Outbox entries of the site (client UUIDs) that are now on the server.
    pub confirmed_entries: Vec<Uuid>,
    /// The site's tickets the server holds.
    pub tickets: Vec<ReturnedTicket>,
    /// Site changes received.
    pub confirmed_site_changes: Vec<Uuid>,
    /// The knowledge base, when a connector is configured.
    pub kb: Option<ReturnedKb>,
}

impl OutgoingPayload {
    /// What this payload holds, counted as its manifest must say, with `blobs` files.
    pub fn counts(&self, blobs: u64) -> BundleCounts {
        let tickets = self
            .tickets
            .iter()
            .filter(|t| t.entry_uuid.is_some())
            .count() as u64;
        let replies = self.replies.len() as u64;
        let inventories = self.inventory_pushes.len() as u64;
        BundleCounts {
            tickets,
            replies,
            inventories,
            site_changes: self.site_changes.len() as u64,
            entries: tickets + replies + inventories,
            articles: 0,
            blobs,
        }
    }
}

impl ReturnPayload {
    /// What this payload holds, counted as its manifest must say, with `blobs` files.
    pub fn counts(&self, blobs: u64) -> BundleCounts {
        BundleCounts {
            tickets: self.tickets.len() as u64,
            replies: self.tickets.iter().map(|t| t.replies.len() as u64).sum(),
            inventories: 0,
            site_changes: self.confirmed_site_changes.len() as u64,
            entries: self.confirmed_entries.len() as u64,
            articles: self.kb.as_ref().map_or(0, |k| k.articles.len() as u64),
            blobs,
        }
    }
}
