//! What a service desk says about our tickets, as a connector reports it to the sync engine
//! and the engine hands it to the store.

use chrono::{DateTime, Utc};
use uuid::Uuid;

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
