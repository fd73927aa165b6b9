//! The sneakernet bundle file: everything a disconnected site has waiting to sync, in one signed
//! file carried on a USB stick to a connected machine, and the answer carried back.
//!
//! This crate is the file format and nothing else (no database): the store gathers what goes
//! into a bundle and applies a verified one.
//!
//! # The two kinds
//! * An **outgoing** bundle ([`BundleKind::Outgoing`], [`OutgoingPayload`]) holds a site's
//!   pending outbox (tickets and replies with their files, inventory pushes) and the
//!   site-register changes no return bundle has confirmed yet.
//! * A **return** bundle ([`BundleKind::Return`], [`ReturnPayload`]), written on the connected
//!   machine after its sync, holds what the server says about that site's tickets (server ids,
//!   status, the technicians' replies and their files), which carried entries are now on the
//!   server, which site changes arrived, and the knowledge base.
//!
//! # The file
//! A POSIX tar archive (readable with `tar tvf`) whose members are, in this order:
//! `manifest.json`, `manifest.sig`, `payload.json`, then `blobs/<sha256>` for attachments (of
//! tickets and replies) and article images. The manifest ([`Manifest`]) names the bundle (UUID),
//! its sender (device id), its time, its format version, the sender's Ed25519 public key and
//! every other member with its size and SHA-256; `manifest.sig` is the Ed25519 signature of the
//! manifest's exact bytes. [`write_bundle`] writes the file to a temporary name and renames it,
//! so a half-written bundle never carries the final name.
//!
//! # Reading
//! [`read_bundle`] verifies everything before anything is applied: the container, the format
//! and version, the signature, the size and SHA-256 of every member, that no member is missing
//! or unexpected, and that the payload parses and refers only to blobs the bundle carries. A
//! truncated, altered or foreign file is refused with a [`BundleError`] naming what is wrong.
//!
//! # Signing and enrolment
//! [`BundleSigner`] is the sending store's Ed25519 key, a file beside its database. A valid
//! signature only says the manifest is whole: which keys a receiver trusts is the receiving
//! store's business, decided by enrolment ([`PeerKey`], the one-line key file a store hands to
//! the other side, compared by [`key_fingerprint`] out of band), never by the bundle itself.
//! A return bundle is numbered ([`Manifest::sequence`]) so that the site can refuse an older one.

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

mod error;
mod hex;
mod keys;
mod manifest;
mod payload;
mod peer;
mod read;
mod write;

pub use error::BundleError;
pub use guichet_records::{BlobId, DescriptionFormat, NotABlobId, ReplySide, TicketFields};
pub use keys::{key_fingerprint, verify_signature, BundleSigner, SIGNING_KEY_FILE};
pub use manifest::{
    BundleCounts, BundleKind, BundleWritten, Manifest, ManifestEntry, BUNDLE_FORMAT,
    BUNDLE_VERSION, MAX_BUNDLE_BYTES,
};
pub use payload::{
    BundledAttachment, BundledPush, BundledReply, BundledSiteChange, BundledSnapshot,
    BundledTicket, OutgoingPayload, ReturnPayload, ReturnedActionFile, ReturnedArticle,
    ReturnedFile, ReturnedImage, ReturnedKb, ReturnedReply, ReturnedTicket,
};
pub use peer::PeerKey;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub use read::read_bundle_bytes_unverified;
pub use read::{read_bundle, read_bundle_bytes, Payload, VerifiedBundle};
pub use write::{write_bundle, Draft};
