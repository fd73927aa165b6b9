//! A ticket and its thread as Guichet keeps them: the user's report, its files, its replies,
//! and where each stands.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::BlobId;

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

            /// The value spelled `s`, if there is one.
            pub fn from_name(s: &str) -> Option<Self> {
                match s {
                    $($s => Some(Self::$v),)*
                    _ => None,
                }
            }
        }
    };
}
text_enum!(TicketState { Draft => "draft", Queued => "queued", Sent => "sent", Failed => "failed" });
text_enum!(ReplyState { Queued => "queued", Sent => "sent", Failed => "failed" });
text_enum!(ReplySide { Local => "local", Remote => "remote" });
text_enum!(DescriptionFormat { Text => "text", Markdown => "markdown" });

/// What the user says in a ticket: the part that is the same whether the ticket is being
/// created in the store, sent to a server or carried in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketFields {
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
}

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

impl Ticket {
    /// What the user said in it (a copy), to send it or carry it in a bundle.
    pub fn fields(&self) -> TicketFields {
        TicketFields {
            title: self.title.clone(),
            description: self.description.clone(),
            description_format: self.description_format,
            category: self.category.clone(),
            urgency: self.urgency,
            requester: self.requester.clone(),
        }
    }
}
