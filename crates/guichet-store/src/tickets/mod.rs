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
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub use guichet_records::{
    Attachment, DescriptionFormat, NewAttachment, RemoteFile, RemoteReply, RemoteReplyFiles,
    RemoteTicketUpdate, Reply, ReplyAttachment, ReplySide, ReplyState, Ticket, TicketFields,
    TicketState,
};

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

/// Reading an enum back from its database spelling; a value the store does not know means the
/// database was written by something else (a newer version, a hand edit).
pub(crate) trait DbText: Sized {
    /// The value spelled `s`.
    fn parse(s: &str) -> Result<Self, StoreError>;
}

macro_rules! db_text {
    ($($t:ident),*) => {$(
        impl DbText for $t {
            fn parse(s: &str) -> Result<Self, StoreError> {
                $t::from_name(s).ok_or_else(|| StoreError::Corrupt {
                    what: stringify!($t).into(),
                    detail: format!("unknown value `{s}`"),
                })
            }
        }
    )*};
}
db_text!(TicketState, ReplyState, ReplySide, DescriptionFormat);

/// Everything needed to create a ticket.
#[derive(Debug, Clone)]
pub struct NewTicket {
    /// Client UUID (the ticket's id here and its idempotency key on the server).
    pub id: Uuid,
    /// What the user says: title, description, category, urgency, requester.
    pub fields: TicketFields,
    /// The inventory snapshot attached as a system summary.
    pub snapshot_uuid: Option<Uuid>,
    /// Files and screenshots.
    pub attachments: Vec<NewAttachment>,
    /// Keep it as a local draft instead of queuing it.
    pub draft: bool,
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
