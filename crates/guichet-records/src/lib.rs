//! The records Guichet's crates share, defined once: the store keeps them, the sync engine and
//! the connectors send and receive them, the bundle file carries them, the front ends show them.
//!
//! * [`Ticket`], [`Reply`], their files ([`Attachment`], [`ReplyAttachment`], [`NewAttachment`])
//!   and where each stands ([`TicketState`], [`ReplyState`], [`ReplySide`]), with
//!   [`DescriptionFormat`].
//! * The outbox: [`OutboxEntry`], [`OutboxKind`], [`OutboxState`]; [`InventoryMode`].
//! * What a server reports: [`RemoteTicketUpdate`], [`RemoteReply`], [`RemoteReplyFiles`],
//!   [`RemoteFile`].
//! * [`BlobId`]: the content address of a file, the same in the store and in a bundle.
//!
//! Plain data with serde: no I/O, no SQL, no HTTP. Each enum has its one spelling (`as_str`,
//! `from_name`), the same in the database, on the wire and in a bundle.

mod blob;
mod outbox;
mod remote;
mod ticket;

pub use blob::{BlobId, NotABlobId};
pub use outbox::{InventoryMode, OutboxEntry, OutboxKind, OutboxState};
pub use remote::{RemoteFile, RemoteReply, RemoteReplyFiles, RemoteTicketUpdate};
pub use ticket::{
    Attachment, DescriptionFormat, NewAttachment, Reply, ReplyAttachment, ReplySide, ReplyState,
    Ticket, TicketState,
};
