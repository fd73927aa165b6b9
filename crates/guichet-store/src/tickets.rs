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

pub(crate) fn ts(s: &str, what: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt {
            what: what.to_string(),
            detail: e.to_string(),
        })
}

pub(crate) fn uuid(s: &str, what: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(s).map_err(|e| StoreError::Corrupt {
        what: what.to_string(),
        detail: e.to_string(),
    })
}

/// The id of a remote reply: derived from the connector, ticket and server id, so that
/// applying the same pull twice cannot add it twice even if the unique index were bypassed.
fn remote_reply_id(connector: &str, ticket: Uuid, remote_id: &str) -> Uuid {
    let digest = Sha256::digest(format!("{connector}\n{ticket}\n{remote_id}"));
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(b).into_uuid()
}

type TicketRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);
const TICKET_COLUMNS: &str = "id, title, description, description_format, category, urgency, requester, snapshot_uuid, local_state, failure, connector, remote_id, remote_status, remote_updated_at, created_at, updated_at";

type ReplyRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
);
const REPLY_COLUMNS: &str =
    "id, ticket_id, side, author, body, remote_id, local_state, failure, created_at";

fn ticket_from_row(r: TicketRow) -> Result<Ticket, StoreError> {
    let what = format!("ticket {}", r.0);
    Ok(Ticket {
        id: uuid(&r.0, &what)?,
        title: r.1,
        description: r.2,
        description_format: DescriptionFormat::parse(&r.3)?,
        category: r.4,
        urgency: r.5.clamp(1, 5) as u8,
        requester: r.6,
        snapshot_uuid: r.7.as_deref().map(|s| uuid(s, &what)).transpose()?,
        local_state: TicketState::parse(&r.8)?,
        failure: r.9,
        connector: r.10,
        remote_id: r.11,
        remote_status: r.12,
        remote_updated_at: r.13.as_deref().map(|s| ts(s, &what)).transpose()?,
        created_at: ts(&r.14, &what)?,
        updated_at: ts(&r.15, &what)?,
        attachments: Vec::new(),
        replies: Vec::new(),
    })
}

fn reply_from_row(r: ReplyRow) -> Result<Reply, StoreError> {
    let what = format!("reply {}", r.0);
    Ok(Reply {
        id: uuid(&r.0, &what)?,
        ticket_id: uuid(&r.1, &what)?,
        side: ReplySide::parse(&r.2)?,
        author: r.3,
        body: r.4,
        remote_id: r.5,
        local_state: ReplyState::parse(&r.6)?,
        failure: r.7,
        created_at: ts(&r.8, &what)?,
        attachments: Vec::new(),
    })
}

/// A stored reply attachment row: reply id, blob id (empty when not downloaded), file name,
/// MIME type, size, server id.
type ReplyAttachmentRow = (String, String, String, String, i64, Option<String>);

fn reply_attachment_from_row(
    r: &ReplyAttachmentRow,
) -> Result<(Uuid, ReplyAttachment), StoreError> {
    let reply = uuid(&r.0, "reply attachment")?;
    let blob_id = if r.1.is_empty() {
        None
    } else {
        Some(BlobId::parse(&r.1)?)
    };
    Ok((
        reply,
        ReplyAttachment {
            blob_id,
            file_name: r.2.clone(),
            content_type: r.3.clone(),
            size: r.4.max(0) as u64,
            remote_id: r.5.clone(),
        },
    ))
}

/// Whether a ticket in `state` (`None`: absent) can take a reply.
fn check_repliable(ticket: Uuid, state: Option<&str>) -> Result<(), StoreError> {
    match state {
        None => Err(StoreError::NotFound(format!("ticket {ticket}"))),
        Some("draft") => Err(StoreError::Invalid(format!(
            "ticket {ticket} is a draft: submit it before replying"
        ))),
        Some(_) => Ok(()),
    }
}

/// Refuses the first file over `limit`, naming it.
fn check_sizes(files: &[NewAttachment], limit: u64) -> Result<(), StoreError> {
    for a in files {
        if a.bytes.len() as u64 > limit {
            return Err(StoreError::TooLarge {
                what: a.file_name.clone(),
                size: a.bytes.len() as u64,
                limit,
            });
        }
        if a.file_name.trim().is_empty() {
            return Err(StoreError::Invalid(
                "an attachment needs a file name".into(),
            ));
        }
    }
    Ok(())
}

impl Store {
    /// Creates a ticket: its attachments as blobs, then the ticket row, its attachment rows and
    /// (unless it is a draft) its outbox entry in ONE transaction. Any attachment larger than
    /// `attachment_limit` bytes refuses the whole ticket before anything is written.
    pub async fn create_ticket(
        &self,
        new: &NewTicket,
        attachment_limit: u64,
        now: DateTime<Utc>,
    ) -> Result<Ticket, StoreError> {
        if new.title.trim().is_empty() {
            return Err(StoreError::Invalid("a ticket needs a title".into()));
        }
        if !(1..=5).contains(&new.urgency) {
            return Err(StoreError::Invalid(format!(
                "urgency must be 1 to 5, not {}",
                new.urgency
            )));
        }
        for a in &new.attachments {
            if a.bytes.len() as u64 > attachment_limit {
                return Err(StoreError::TooLarge {
                    what: a.file_name.clone(),
                    size: a.bytes.len() as u64,
                    limit: attachment_limit,
                });
            }
        }
        // Blobs first: they are content-addressed, so a later failure leaves at worst an
        // unreferenced file, never a row pointing at nothing.
        let mut blobs = Vec::with_capacity(new.attachments.len());
        for a in &new.attachments {
            blobs.push(self.put_blob(&a.bytes)?);
        }
        let state = if new.draft {
            TicketState::Draft
        } else {
            TicketState::Queued
        };
        let id = new.id.to_string();
        let now_s = now.to_rfc3339();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO tickets (id, title, description, description_format, category, urgency,
                                  requester, snapshot_uuid, local_state, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(new.title.trim())
        .bind(&new.description)
        .bind(new.description_format.as_str())
        .bind(&new.category)
        .bind(new.urgency as i64)
        .bind(&new.requester)
        .bind(new.snapshot_uuid.map(|u| u.to_string()))
        .bind(state.as_str())
        .bind(&now_s)
        .bind(&now_s)
        .execute(&mut *tx)
        .await?;
        for (a, blob) in new.attachments.iter().zip(&blobs) {
            sqlx::query(
                "INSERT INTO ticket_attachments (ticket_id, blob_id, file_name, content_type, size)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&id)
            .bind(blob.as_str())
            .bind(&a.file_name)
            .bind(&a.content_type)
            .bind(a.bytes.len() as i64)
            .execute(&mut *tx)
            .await?;
        }
        if !new.draft {
            crate::outbox::enqueue(
                &mut tx,
                crate::OutboxKind::CreateTicket,
                new.id,
                Some(new.id),
                None,
                None,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        self.ticket(new.id).await
    }

    /// Queues a draft: its state and its outbox entry change in one transaction.
    pub async fn submit_draft(&self, id: Uuid, now: DateTime<Utc>) -> Result<Ticket, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE tickets SET local_state = 'queued', updated_at = ? WHERE id = ? AND local_state = 'draft'",
        )
        .bind(now.to_rfc3339())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Invalid(format!("ticket {id} is not a draft")));
        }
        crate::outbox::enqueue(
            &mut tx,
            crate::OutboxKind::CreateTicket,
            id,
            Some(id),
            None,
            None,
            now,
        )
        .await?;
        tx.commit().await?;
        self.ticket(id).await
    }

    /// Adds a local reply and its outbox entry in one transaction. `reply_id` is the reply's
    /// client UUID. Replying to a draft is refused: the server does not know the ticket yet.
    /// Same as [`Store::add_reply_with_attachments`] without files.
    pub async fn add_reply(
        &self,
        ticket: Uuid,
        reply_id: Uuid,
        author: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<Reply, StoreError> {
        self.add_reply_with_attachments(
            ticket,
            reply_id,
            author,
            body,
            &[],
            DEFAULT_ATTACHMENT_LIMIT,
            now,
        )
        .await
    }

    /// Adds a local reply with its files: the files as blobs, then the reply row, its
    /// attachment rows and its outbox entry in ONE transaction. Any file larger than
    /// `attachment_limit` bytes refuses the whole reply ([`StoreError::TooLarge`]) before
    /// anything is written; so does a draft ticket, an unknown ticket or an empty body.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_reply_with_attachments(
        &self,
        ticket: Uuid,
        reply_id: Uuid,
        author: &str,
        body: &str,
        attachments: &[NewAttachment],
        attachment_limit: u64,
        now: DateTime<Utc>,
    ) -> Result<Reply, StoreError> {
        if body.trim().is_empty() {
            return Err(StoreError::Invalid("a reply needs a body".into()));
        }
        check_sizes(attachments, attachment_limit)?;
        let state: Option<(String,)> =
            sqlx::query_as("SELECT local_state FROM tickets WHERE id = ?")
                .bind(ticket.to_string())
                .fetch_optional(&self.pool)
                .await?;
        check_repliable(ticket, state.as_ref().map(|s| s.0.as_str()))?;
        // Blobs first: they are content-addressed, so a later failure leaves at worst an
        // unreferenced file, never a row pointing at nothing.
        let mut blobs = Vec::with_capacity(attachments.len());
        for a in attachments {
            blobs.push(self.put_blob(&a.bytes)?);
        }
        let mut tx = self.pool.begin().await?;
        // Checked again inside the transaction: the ticket may have changed in between.
        let state: Option<(String,)> =
            sqlx::query_as("SELECT local_state FROM tickets WHERE id = ?")
                .bind(ticket.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        check_repliable(ticket, state.as_ref().map(|s| s.0.as_str()))?;
        sqlx::query(
            "INSERT INTO ticket_replies (id, ticket_id, side, author, body, local_state, created_at)
             VALUES (?, ?, 'local', ?, ?, 'queued', ?)",
        )
        .bind(reply_id.to_string())
        .bind(ticket.to_string())
        .bind(author)
        .bind(body)
        .bind(now.to_rfc3339())
        .execute(&mut *tx)
        .await?;
        for (a, blob) in attachments.iter().zip(&blobs) {
            sqlx::query(
                "INSERT INTO ticket_attachments (ticket_id, reply_id, blob_id, file_name, content_type, size)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(ticket.to_string())
            .bind(reply_id.to_string())
            .bind(blob.as_str())
            .bind(a.file_name.trim())
            .bind(&a.content_type)
            .bind(a.bytes.len() as i64)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE tickets SET updated_at = ? WHERE id = ?")
            .bind(now.to_rfc3339())
            .bind(ticket.to_string())
            .execute(&mut *tx)
            .await?;
        crate::outbox::enqueue(
            &mut tx,
            crate::OutboxKind::AddReply,
            reply_id,
            Some(ticket),
            Some(reply_id),
            None,
            now,
        )
        .await?;
        tx.commit().await?;
        self.reply(reply_id).await
    }

    /// One reply, with its files.
    pub async fn reply(&self, id: Uuid) -> Result<Reply, StoreError> {
        let row: Option<ReplyRow> = sqlx::query_as(&format!(
            "SELECT {REPLY_COLUMNS} FROM ticket_replies WHERE id = ?"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let mut reply =
            reply_from_row(row.ok_or_else(|| StoreError::NotFound(format!("reply {id}")))?)?;
        let rows: Vec<ReplyAttachmentRow> = sqlx::query_as(
            "SELECT reply_id, blob_id, file_name, content_type, size, remote_id FROM ticket_attachments
             WHERE reply_id = ? ORDER BY id",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            reply.attachments.push(reply_attachment_from_row(r)?.1);
        }
        Ok(reply)
    }

    /// One ticket with its attachments and replies.
    pub async fn ticket(&self, id: Uuid) -> Result<Ticket, StoreError> {
        let row: Option<TicketRow> = sqlx::query_as(&format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let mut t =
            ticket_from_row(row.ok_or_else(|| StoreError::NotFound(format!("ticket {id}")))?)?;
        self.fill(std::slice::from_mut(&mut t), Some(id)).await?;
        Ok(t)
    }

    /// Every ticket, newest first, with attachments and replies.
    pub async fn tickets(&self) -> Result<Vec<Ticket>, StoreError> {
        let rows: Vec<TicketRow> = sqlx::query_as(&format!(
            "SELECT {TICKET_COLUMNS} FROM tickets ORDER BY created_at DESC, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut list = rows
            .into_iter()
            .map(ticket_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        self.fill(&mut list, None).await?;
        Ok(list)
    }

    /// Loads attachments and replies into `tickets` (all of them, or only `only`'s).
    async fn fill(&self, tickets: &mut [Ticket], only: Option<Uuid>) -> Result<(), StoreError> {
        // `?1 IS NULL` selects everything when no single ticket is asked for.
        let only_s = only.map(|u| u.to_string());
        let replies: Vec<ReplyRow> = sqlx::query_as(&format!(
            "SELECT {REPLY_COLUMNS} FROM ticket_replies WHERE (?1 IS NULL OR ticket_id = ?1)
             ORDER BY created_at, rowid"
        ))
        .bind(&only_s)
        .fetch_all(&self.pool)
        .await?;
        let atts: Vec<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT ticket_id, blob_id, file_name, content_type, size FROM ticket_attachments
             WHERE reply_id IS NULL AND (?1 IS NULL OR ticket_id = ?1) ORDER BY id",
        )
        .bind(&only_s)
        .fetch_all(&self.pool)
        .await?;
        let reply_atts: Vec<ReplyAttachmentRow> = sqlx::query_as(
            "SELECT reply_id, blob_id, file_name, content_type, size, remote_id FROM ticket_attachments
             WHERE reply_id IS NOT NULL AND (?1 IS NULL OR ticket_id = ?1) ORDER BY id",
        )
        .bind(&only_s)
        .fetch_all(&self.pool)
        .await?;
        let mut files: std::collections::HashMap<Uuid, Vec<ReplyAttachment>> =
            std::collections::HashMap::new();
        for r in &reply_atts {
            let (reply, a) = reply_attachment_from_row(r)?;
            files.entry(reply).or_default().push(a);
        }
        let index: std::collections::HashMap<Uuid, usize> =
            tickets.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
        for r in replies {
            let mut r = reply_from_row(r)?;
            r.attachments = files.remove(&r.id).unwrap_or_default();
            if let Some(&i) = index.get(&r.ticket_id) {
                tickets[i].replies.push(r);
            }
        }
        for (tid, blob, file_name, content_type, size) in atts {
            let tid = uuid(&tid, "attachment")?;
            if let Some(&i) = index.get(&tid) {
                tickets[i].attachments.push(Attachment {
                    blob_id: BlobId::parse(&blob)?,
                    file_name,
                    content_type,
                    size: size.max(0) as u64,
                });
            }
        }
        Ok(())
    }

    /// Resolves what the user typed to a ticket id: a full local UUID, the server's id, or a
    /// unique prefix (4 characters or more) of a local UUID — in that order, so that a remote
    /// id made of digits never collides with a UUID prefix.
    pub async fn resolve_ticket(&self, reference: &str) -> Result<Uuid, StoreError> {
        let r = reference.trim();
        if let Ok(u) = Uuid::parse_str(r) {
            let found: Option<(String,)> = sqlx::query_as("SELECT id FROM tickets WHERE id = ?")
                .bind(u.to_string())
                .fetch_optional(&self.pool)
                .await?;
            if found.is_some() {
                return Ok(u);
            }
        }
        let by_remote: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM tickets WHERE remote_id = ? LIMIT 10")
                .bind(r)
                .fetch_all(&self.pool)
                .await?;
        match by_remote.len() {
            0 => {}
            1 => return uuid(&by_remote[0].0, "ticket"),
            n => return Err(StoreError::Ambiguous(format!("ticket {r}"), n)),
        }
        let prefix = r.to_ascii_lowercase();
        if prefix.len() < 4 || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(StoreError::NotFound(format!(
                "ticket {r} (give a local id, a unique prefix of 4+ characters, or the server's id)"
            )));
        }
        // Only hex digits and dashes get here, so no LIKE wildcard can slip in.
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM tickets WHERE id LIKE ? || '%' LIMIT 10")
                .bind(&prefix)
                .fetch_all(&self.pool)
                .await?;
        match rows.len() {
            0 => Err(StoreError::NotFound(format!("ticket {r}"))),
            1 => uuid(&rows[0].0, "ticket"),
            n => Err(StoreError::Ambiguous(format!("ticket {r}"), n)),
        }
    }

    /// Local ids and remote ids of the tickets a connector holds, for pulls.
    pub async fn remote_tickets(&self, connector: &str) -> Result<Vec<(Uuid, String)>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, remote_id FROM tickets WHERE connector = ? AND remote_id IS NOT NULL ORDER BY remote_id",
        )
        .bind(connector)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, remote)| Ok((uuid(&id, "ticket")?, remote)))
            .collect()
    }

    /// Applies what the server says about our tickets and moves the `tickets` pull cursor, in
    /// one transaction: the cursor never runs ahead of what is stored. The server wins on its
    /// fields (status, title); replies it reports are added unless known (by server id, or by
    /// the client UUID of one of our own replies coming back). Local replies not yet sent are
    /// untouched and will still be pushed.
    pub async fn apply_ticket_changes(
        &self,
        connector: &str,
        updates: &[RemoteTicketUpdate],
        cursor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<AppliedChanges, StoreError> {
        self.apply_ticket_changes_with_files(connector, updates, &[], cursor, now)
            .await
    }

    /// [`Store::apply_ticket_changes`] plus the files of the server's replies: downloaded
    /// ones are stored as blobs (before the transaction; blobs are content-addressed), then
    /// their rows are written in the same transaction as the replies and the cursor. Files
    /// are attached only to the other side's replies (ours already have theirs) and only once
    /// per server file id; a file without bytes is recorded by name and size only.
    pub async fn apply_ticket_changes_with_files(
        &self,
        connector: &str,
        updates: &[RemoteTicketUpdate],
        files: &[RemoteReplyFiles],
        cursor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<AppliedChanges, StoreError> {
        let mut blobs = Vec::new();
        for f in files.iter().flat_map(|r| &r.files) {
            blobs.push(match &f.bytes {
                Some(b) => Some(self.put_blob(b)?),
                None => None,
            });
        }
        let mut tx = self.pool.begin().await?;
        let mut out = apply_ticket_changes_in(&mut tx, connector, updates).await?;
        out.files_added = apply_reply_files_in(&mut tx, connector, files, &blobs).await?;
        if let Some(c) = cursor {
            crate::outbox::set_cursor(&mut tx, connector, "tickets", c, now).await?;
        }
        tx.commit().await?;
        Ok(out)
    }
}

/// Writes the rows of the server's reply files inside the caller's transaction; `blobs` are
/// the stored blobs of the files, in order (`None` for a file not downloaded). Returns how
/// many rows were added.
pub(crate) async fn apply_reply_files_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    connector: &str,
    files: &[RemoteReplyFiles],
    blobs: &[Option<BlobId>],
) -> Result<usize, StoreError> {
    let mut added = 0;
    let mut blob = blobs.iter();
    for r in files {
        let reply: Option<(String, String)> = sqlx::query_as(
            "SELECT r.id, r.ticket_id FROM ticket_replies r JOIN tickets t ON t.id = r.ticket_id
             WHERE t.connector = ? AND t.remote_id = ? AND r.remote_id = ? AND r.side = 'remote'",
        )
        .bind(connector)
        .bind(&r.ticket_remote_id)
        .bind(&r.reply_remote_id)
        .fetch_optional(&mut **tx)
        .await?;
        for f in &r.files {
            let b = blob.next().cloned().flatten();
            let Some((reply_id, ticket_id)) = &reply else {
                continue;
            };
            let done = sqlx::query(
                "INSERT OR IGNORE INTO ticket_attachments
                     (ticket_id, reply_id, blob_id, file_name, content_type, size, remote_id)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(ticket_id)
            .bind(reply_id)
            .bind(b.as_ref().map(BlobId::as_str).unwrap_or(""))
            .bind(&f.file_name)
            .bind(&f.content_type)
            .bind(f.size as i64)
            .bind(&f.remote_id)
            .execute(&mut **tx)
            .await?;
            added += done.rows_affected() as usize;
        }
    }
    Ok(added)
}

/// The body of [`Store::apply_ticket_changes`] inside the caller's transaction (return bundles
/// apply ticket changes together with the rest of the bundle).
pub(crate) async fn apply_ticket_changes_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    connector: &str,
    updates: &[RemoteTicketUpdate],
) -> Result<AppliedChanges, StoreError> {
    let mut out = AppliedChanges::default();
    for u in updates {
        let local: Option<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT id, title, remote_status FROM tickets WHERE connector = ? AND remote_id = ?",
        )
        .bind(connector)
        .bind(&u.remote_id)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((id, title, status)) = local else {
            tracing::debug!(remote_id = %u.remote_id, "update for a ticket we do not hold");
            continue;
        };
        let ticket = uuid(&id, "ticket")?;
        let new_title = u.title.clone().unwrap_or(title.clone());
        let new_status = u.status.clone().or(status.clone());
        if new_title != title || new_status != status {
            out.tickets_updated += 1;
        }
        sqlx::query(
            "UPDATE tickets SET title = ?, remote_status = ?,
                        remote_updated_at = COALESCE(?, remote_updated_at) WHERE id = ?",
        )
        .bind(&new_title)
        .bind(&new_status)
        .bind(u.updated_at.map(|d| d.to_rfc3339()))
        .bind(&id)
        .execute(&mut **tx)
        .await?;
        for r in &u.replies {
            let known: Option<(String,)> = sqlx::query_as(
                "SELECT id FROM ticket_replies WHERE ticket_id = ? AND remote_id = ?",
            )
            .bind(&id)
            .bind(&r.remote_id)
            .fetch_optional(&mut **tx)
            .await?;
            if known.is_some() {
                continue;
            }
            if let Some(client) = r.client_uuid {
                // One of our replies: the push landed but its answer was lost. Record the
                // server id; the outbox entry's retry will find it on the server too.
                let ours = sqlx::query(
                        "UPDATE ticket_replies SET remote_id = ? WHERE id = ? AND ticket_id = ? AND side = 'local'",
                    )
                    .bind(&r.remote_id)
                    .bind(client.to_string())
                    .bind(&id)
                    .execute(&mut **tx)
                    .await?;
                if ours.rows_affected() > 0 {
                    continue;
                }
            }
            let rid = remote_reply_id(connector, ticket, &r.remote_id);
            let added = sqlx::query(
                "INSERT OR IGNORE INTO ticket_replies
                        (id, ticket_id, side, author, body, remote_id, local_state, created_at)
                     VALUES (?, ?, 'remote', ?, ?, ?, 'sent', ?)",
            )
            .bind(rid.to_string())
            .bind(&id)
            .bind(&r.author)
            .bind(&r.body)
            .bind(&r.remote_id)
            .bind(r.created_at.to_rfc3339())
            .execute(&mut **tx)
            .await?;
            out.replies_added += added.rows_affected() as usize;
        }
    }
    Ok(out)
}
