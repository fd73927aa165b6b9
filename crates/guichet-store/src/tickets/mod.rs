//! Tickets: what the user reports, its attachments and its thread of replies.
//!
//! A ticket is born locally with a client UUID and is either kept as a draft or queued: queuing
//! writes the ticket row AND its outbox entry in one transaction, so a crash can never leave a
//! ticket that will not be sent, nor an outbox entry without its ticket. Replies work the same
//! way, files included ([`Store::add_reply_with_attachments`]). Attachments are
//! content-addressed blobs; a file past the size limit is refused before anything is written.
//!
//! Server-side changes (status, title, the technician's replies and their files) arrive through
//! [`Store::apply_ticket_changes_with_files`], which also advances the pull cursor in the same
//! transaction. A technician's file over the connector's limit is kept by name and size only.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{BlobId, Store, StoreError};

mod create;
mod list;
mod remote;
mod replies;
mod rows;

pub(crate) use remote::{apply_reply_files_in, apply_ticket_changes_in};
use rows::*;
pub(crate) use rows::{ts, uuid};

/// Default per-file attachment limit: 20 MiB.
pub const DEFAULT_ATTACHMENT_LIMIT: u64 = 20 * 1024 * 1024;

/// Where a ticket stands locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    /// Kept on this machine, not queued.
    Draft,
    /// Waiting in the outbox.
    Queued,
    /// The server has it (`remote_id` is set).
    Sent,
    /// The server refused it for good; `failure` says why.
    Failed,
}

/// Where a reply stands locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyState {
    /// Waiting in the outbox.
    Queued,
    /// On the server (a remote reply is always `sent`).
    Sent,
    /// The server refused it for good; `failure` says why.
    Failed,
}

/// Who wrote a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplySide {
    /// The user, on this machine.
    Local,
    /// Someone on the server side (a technician).
    Remote,
}

/// How a ticket's description is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DescriptionFormat {
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
}

macro_rules! text_enum {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// The database and wire spelling.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
            fn parse(s: &str) -> Result<Self, StoreError> {
                match s {
                    $($s => Ok(Self::$v),)*
                    other => Err(StoreError::Corrupt {
                        what: stringify!($t).into(),
                        detail: format!("unknown value `{other}`"),
                    }),
                }
            }
        }
    };
}
text_enum!(TicketState { Draft => "draft", Queued => "queued", Sent => "sent", Failed => "failed" });
text_enum!(ReplyState { Queued => "queued", Sent => "sent", Failed => "failed" });
text_enum!(ReplySide { Local => "local", Remote => "remote" });
text_enum!(DescriptionFormat { Text => "text", Markdown => "markdown" });

/// A file to attach to a new ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    /// File name shown to the technician (no directory).
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Everything needed to create a ticket.
#[derive(Debug, Clone)]
pub struct NewTicket {
    /// Client UUID (the ticket's id here and its idempotency key on the server).
    pub id: Uuid,
    /// Title (one line).
    pub title: String,
    /// Description.
    pub description: String,
    /// Plain text or Markdown.
    pub description_format: DescriptionFormat,
    /// Category, free text.
    pub category: Option<String>,
    /// Urgency/impact, 1 (lowest) to 5 (highest).
    pub urgency: u8,
    /// Who asks (login or e-mail).
    pub requester: String,
    /// The inventory snapshot attached as a system summary.
    pub snapshot_uuid: Option<Uuid>,
    /// Files and screenshots.
    pub attachments: Vec<NewAttachment>,
    /// Keep it as a local draft instead of queuing it.
    pub draft: bool,
}

/// A stored attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The blob holding the bytes.
    pub blob_id: BlobId,
    /// File name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
}

/// One message of a ticket's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    /// Client UUID for local replies; a UUID derived from the server's id for remote ones.
    pub id: Uuid,
    /// The ticket.
    pub ticket_id: Uuid,
    /// Who wrote it.
    pub side: ReplySide,
    /// Author (login, e-mail or display name).
    pub author: String,
    /// Text.
    pub body: String,
    /// The server's id of this reply, once known.
    pub remote_id: Option<String>,
    /// Local state.
    pub local_state: ReplyState,
    /// Why the server refused it, when `failed`.
    pub failure: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Its files, in the order they were attached.
    pub attachments: Vec<ReplyAttachment>,
}

/// A file of a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyAttachment {
    /// The blob holding the bytes; `None` for a technician's file that was over the size
    /// limit: it is known by name and size but was not downloaded.
    pub blob_id: Option<BlobId>,
    /// File name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes (as the server reported it for a file not downloaded).
    pub size: u64,
    /// The server's id of a technician's file; `None` for the user's own.
    pub remote_id: Option<String>,
}

/// A file of a reply the server holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFile {
    /// The server's id of the file (RT attachment id, GLPI document id): a file already stored
    /// for that reply is not stored again.
    pub remote_id: String,
    /// File name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// The bytes; `None` when the file was over the size limit and was not downloaded.
    pub bytes: Option<Vec<u8>>,
}

/// The files of one reply the server holds (a technician's correspondence or follow-up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteReplyFiles {
    /// The server's id of the ticket.
    pub ticket_remote_id: String,
    /// The server's id of the reply (as in [`RemoteReply::remote_id`]).
    pub reply_remote_id: String,
    /// Its files.
    pub files: Vec<RemoteFile>,
}

/// A ticket with its attachments and thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// Client UUID.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Plain text or Markdown.
    pub description_format: DescriptionFormat,
    /// Category.
    pub category: Option<String>,
    /// Urgency/impact 1–5.
    pub urgency: u8,
    /// Requester.
    pub requester: String,
    /// The inventory snapshot attached as a system summary.
    pub snapshot_uuid: Option<Uuid>,
    /// Local state.
    pub local_state: TicketState,
    /// Why the server refused it, when `failed`.
    pub failure: Option<String>,
    /// The connector that holds it remotely.
    pub connector: Option<String>,
    /// The server's id.
    pub remote_id: Option<String>,
    /// The server's status (`new`, `open`, `resolved`…).
    pub remote_status: Option<String>,
    /// When the server last changed it.
    pub remote_updated_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last local change.
    pub updated_at: DateTime<Utc>,
    /// Files.
    pub attachments: Vec<Attachment>,
    /// Replies, oldest first.
    pub replies: Vec<Reply>,
}

/// A reply arriving from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteReply {
    /// The server's id.
    pub remote_id: String,
    /// Author.
    pub author: String,
    /// Text.
    pub body: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// The client UUID it carries when it is one of ours coming back.
    pub client_uuid: Option<Uuid>,
}

/// What the server says about one of our tickets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteTicketUpdate {
    /// The server's id.
    pub remote_id: String,
    /// Current title, if the server reports it.
    pub title: Option<String>,
    /// Current status.
    pub status: Option<String>,
    /// Last change on the server.
    pub updated_at: Option<DateTime<Utc>>,
    /// Replies the server has (new ones are added; known ones are skipped).
    pub replies: Vec<RemoteReply>,
}

/// What [`Store::apply_ticket_changes`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AppliedChanges {
    /// Tickets whose status or title changed.
    pub tickets_updated: usize,
    /// Replies added from the server.
    pub replies_added: usize,
    /// Files of the server's replies added (downloaded or recorded by name).
    pub files_added: usize,
}
