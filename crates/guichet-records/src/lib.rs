//! The records Guichet's crates share, defined once: the store keeps them, the sync engine and
//! the connectors send and receive them, the bundle file carries them, the front ends show them.
//!
//! * [`TicketFields`]: what the user says in a ticket, shared by the ticket being created, the
//!   one sent to a server and the one carried in a bundle.
//! * [`Ticket`], [`Reply`], their files ([`Attachment`], [`ReplyAttachment`], [`NewAttachment`])
//!   and where each stands ([`TicketState`], [`ReplyState`], [`ReplySide`]), with
//!   [`DescriptionFormat`].
//! * The outbox: [`OutboxEntry`], [`OutboxKind`], [`OutboxState`]; [`InventoryMode`].
//! * What a server reports: [`RemoteTicketUpdate`], [`RemoteReply`], [`RemoteReplyFiles`],
//!   [`RemoteFile`].
//! * [`Article`] and [`ArticleImage`]: a knowledge-base article as a connector delivers it.
//! * [`Diagnosis`], [`Finding`], [`CheckStatus`], [`Sentence`]: what "Check my computer" found.
//! * [`BlobId`]: the content address of a file, the same in the store and in a bundle.
//!
//! Plain data with serde: no I/O, no SQL, no HTTP. Each enum has its one spelling (`as_str`,
//! `from_name`), the same in the database, on the wire and in a bundle.

mod article;
mod blob;
mod diagnosis;
mod outbox;
mod remote;
mod ticket;

pub use article::{check_tags, is_check_id, Article, ArticleImage};
pub use blob::{BlobId, NotABlobId};
pub use diagnosis::{CheckStatus, Diagnosis, Finding, Sentence};
pub use outbox::{InventoryMode, OutboxEntry, OutboxKind, OutboxState};
pub use remote::{RemoteFile, RemoteReply, RemoteReplyFiles, RemoteTicketUpdate};
pub use ticket::{
    Attachment, DescriptionFormat, NewAttachment, Reply, ReplyAttachment, ReplySide, ReplyState,
    Ticket, TicketFields, TicketState,
};
