//! Types of the service-desk side of the app (tickets, replies, knowledge base, sync) as the UI
//! sees them. The commands that fill them live in `commands`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A file attached to a report or a reply, already copied into the local blob store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AttachmentDraft {
    /// SHA-256 of the content (the blob id).
    pub blob: String,
    /// File name shown and sent.
    pub name: String,
    /// Size, bytes.
    pub size_bytes: u32,
    /// MIME type guessed from the name.
    pub mime: String,
}

/// How urgent a problem is, as the user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Urgency {
    Low,
    Medium,
    High,
}

/// What the user fills in on "Report a problem".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TicketDraft {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Category id (see `ticket_categories`).
    pub category: String,
    /// Urgency.
    pub urgency: Urgency,
    /// Attachments.
    pub attachments: Vec<AttachmentDraft>,
    /// Whether to attach the system information shown in the preview.
    pub include_system_info: bool,
}

/// Ticket status, normalised across GLPI and RT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum TicketStatus {
    /// Saved locally, waiting for the next sync.
    Queued,
    New,
    Open,
    Waiting,
    Resolved,
    Closed,
}

/// A ticket in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TicketSummary {
    /// Local id.
    pub id: String,
    /// Server reference once synced (`RT#123`, `GLPI#45`).
    pub remote_ref: Option<String>,
    /// Title.
    pub title: String,
    /// Status.
    pub status: TicketStatus,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Replies not read yet.
    pub unread: u32,
}

/// One message of a ticket's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TicketMessage {
    /// Author's display name.
    pub author: String,
    /// Whether the user wrote it.
    pub from_me: bool,
    /// Plain-text body.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Attachments.
    pub attachments: Vec<AttachmentDraft>,
    /// Still waiting in the outbox.
    pub queued: bool,
}

/// A ticket and its thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TicketThread {
    /// The ticket.
    pub ticket: TicketSummary,
    /// Messages, oldest first.
    pub messages: Vec<TicketMessage>,
}

/// A knowledge-base search hit or list entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ArticleHit {
    /// Article id.
    pub id: String,
    /// Title.
    pub title: String,
    /// One-line summary.
    pub summary: String,
    /// Category name.
    pub category: String,
    /// Matching text with the terms marked by `[` and `]`.
    pub snippet: String,
}

/// A category of the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ArticleCategory {
    /// Category name.
    pub name: String,
    /// Number of articles.
    pub count: u32,
}

/// A full article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Article {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Category name.
    pub category: String,
    /// Sanitised HTML body; images are `guichet-blob:<sha256>` (the UI maps them to the URI scheme).
    pub body_html: String,
    /// Last update.
    pub updated_at: DateTime<Utc>,
}

/// Sync engine state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum SyncState {
    /// No server configured: everything stays local.
    NotConfigured,
    Idle,
    Syncing,
    /// No network: items wait in the outbox.
    Offline,
    /// The last attempt failed (see `last_error`).
    Error,
}

/// What the tray and the status bar show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct SyncStatus {
    /// State.
    pub state: SyncState,
    /// Whether the network looks up.
    pub online: bool,
    /// Items waiting in the outbox.
    pub queued: u32,
    /// Last successful sync.
    pub last_sync: Option<DateTime<Utc>>,
    /// Last error, in English.
    pub last_error: Option<String>,
}

/// Result of "test the connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ConnectionCheck {
    /// Whether it worked.
    pub ok: bool,
    /// Server product and version when it answered.
    pub server: Option<String>,
    /// What went wrong, in English.
    pub detail: Option<String>,
}

/// Exactly what "include my system information" adds to a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct SystemInfoPreview {
    /// The text appended to the description, verbatim.
    pub text: String,
}

/// Guesses a MIME type from a file name (what servers need to show attachments inline).
pub fn mime_of(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}
