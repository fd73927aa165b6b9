//! Bundles for sneakernet: everything a disconnected site has waiting to sync, in one signed
//! file carried on a USB stick to a connected machine, and the answer carried back.
//!
//! # The two kinds
//! * An **outgoing** bundle ([`Store::export_bundle`]) holds the pending outbox of the site's
//!   store (tickets and replies with their files, inventory pushes) and the site-register
//!   changes no return bundle has confirmed yet. Exporting removes nothing: the entries stay
//!   queued until a return bundle (or a direct sync) confirms them, so a lost stick loses
//!   nothing and a second export simply carries them again.
//! * A **return** bundle ([`Store::export_return_bundle`]), written on the connected machine
//!   after its sync, holds what the server says about that site's tickets (server ids, status,
//!   the technicians' replies and their files), which carried entries are now on the server, which site
//!   changes arrived, and the knowledge base.
//!
//! # The file
//! A POSIX tar archive (readable with `tar tvf`) whose members are, in this order:
//! `manifest.json`, `manifest.sig`, `payload.json`, then `blobs/<sha256>` for attachments (of
//! tickets and replies) and article images. The manifest ([`Manifest`]) names the bundle (UUID), its sender (device
//! id), its time, its format version, the sender's Ed25519 public key and every other member
//! with its size and SHA-256; `manifest.sig` is the Ed25519 signature of the manifest's exact
//! bytes. The file is written to a temporary name and renamed, so a half-written bundle never
//! carries the final name.
//!
//! # Reading
//! [`read_bundle`] verifies everything before anything is applied: the container, the format
//! and version, the signature, the size and SHA-256 of every member, that no member is missing
//! or unexpected, and that the payload parses and refers only to blobs the bundle carries. A
//! truncated, altered or foreign file is refused with a [`BundleError`] naming what is wrong.
//! Trust on first use ([`Store::bundle_peer`]): the first bundle from a device id records its
//! key; a later bundle from that device signed by another key is refused unless the admin
//! explicitly accepts the new key.
//!
//! # Applying
//! [`Store::import_bundle`] applies a verified bundle in ONE transaction and records its UUID:
//! importing the same bundle twice applies nothing the second time. Each carried outbox entry
//! keeps its client UUID and is queued at most once on the receiving store, whichever bundle
//! carries it, so the server sees it once.

mod apply;
mod collect;
mod container;
mod keys;
mod payload;

use std::path::PathBuf;

pub use apply::{BundleImport, ImportOptions, PeerTrust};
pub use container::{read_bundle, read_bundle_bytes, VerifiedBundle};
pub use keys::{BundleSigner, SIGNING_KEY_FILE};
pub use payload::{
    BundledAttachment, BundledPush, BundledReply, BundledSiteChange, BundledSnapshot,
    BundledTicket, OutgoingPayload, ReturnPayload, ReturnedArticle, ReturnedFile, ReturnedImage,
    ReturnedKb, ReturnedReply, ReturnedTicket,
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::StoreError;

/// The `format` field of every manifest.
pub const BUNDLE_FORMAT: &str = "guichet-bundle";
/// The manifest version this build writes and reads.
pub const BUNDLE_VERSION: u32 = 1;
/// Largest bundle file read: members are held in memory while they are verified.
pub const MAX_BUNDLE_BYTES: u64 = 1 << 30;

/// Which way a bundle travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleKind {
    /// From a disconnected site to a connected machine.
    Outgoing,
    /// From the connected machine back to the site.
    Return,
}

impl BundleKind {
    /// Stable name: `outgoing`, `return`.
    pub fn name(self) -> &'static str {
        match self {
            BundleKind::Outgoing => "outgoing",
            BundleKind::Return => "return",
        }
    }
}

/// One member of the bundle as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Path inside the archive (`payload.json`, `blobs/<sha256>`).
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Lower-case hex SHA-256 of the member.
    pub sha256: String,
}

/// What a bundle holds, counted, for `bundle inspect` without parsing the payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleCounts {
    /// Tickets (outgoing: carried; return: reported on).
    pub tickets: u64,
    /// Replies.
    pub replies: u64,
    /// Inventory pushes.
    pub inventories: u64,
    /// Site-register changes (outgoing) or confirmed ones (return).
    pub site_changes: u64,
    /// Outbox entries (outgoing: carried; return: confirmed as sent).
    pub entries: u64,
    /// Knowledge-base articles (return).
    pub articles: u64,
    /// Files (attachments, images).
    pub blobs: u64,
}

/// The signed description of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`BUNDLE_FORMAT`].
    pub format: String,
    /// [`BUNDLE_VERSION`] when written by this build.
    pub version: u32,
    /// Outgoing or return.
    pub kind: BundleKind,
    /// Unique id of this bundle (receivers apply a bundle once).
    pub bundle_uuid: Uuid,
    /// Device id of the store that wrote it.
    pub source_deviceid: String,
    /// For a return bundle: the device id of the site it answers.
    pub recipient_deviceid: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// The sender's Ed25519 public key, lower-case hex.
    pub public_key: String,
    /// What it holds.
    pub counts: BundleCounts,
    /// Every member but the manifest and its signature.
    pub entries: Vec<ManifestEntry>,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleWritten {
    /// Where.
    pub path: PathBuf,
    /// Size of the file.
    pub bytes: u64,
    /// Its manifest.
    pub manifest: Manifest,
}

/// Why a bundle was refused or could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// Not a Guichet bundle, or a version this build does not read.
    #[error("not a Guichet bundle: {0}")]
    Format(String),
    /// The file ends early: a member or its end is missing.
    #[error("the bundle is truncated: {0}")]
    Truncated(String),
    /// The container or manifest is damaged.
    #[error("the bundle is damaged: {0}")]
    Corrupt(String),
    /// A member's size or SHA-256 differs from the manifest.
    #[error("the bundle is damaged: member {path} does not match its checksum ({detail})")]
    Checksum {
        /// The member.
        path: String,
        /// Expected and found.
        detail: String,
    },
    /// The manifest's signature does not verify.
    #[error(
        "the bundle's signature does not verify: the manifest was altered or signed by another key"
    )]
    Signature,
    /// The sender's key is not the one recorded for that device id.
    #[error("the bundle from {deviceid} is signed by key {found}, not by the key {known} seen before from that device; if the sending store was reinstalled, import with --trust-new-key")]
    KeyChanged {
        /// The sending device.
        deviceid: String,
        /// The recorded key.
        known: String,
        /// The bundle's key.
        found: String,
    },
    /// The bundle was written by this very store.
    #[error("this bundle was written by this store ({0}); import it on the other machine")]
    OwnBundle(String),
    /// A return bundle meant for another site.
    #[error("this return bundle is for {expected}, not for this store ({actual})")]
    WrongRecipient {
        /// The site it is for.
        expected: String,
        /// This store's device id.
        actual: String,
    },
    /// The file is larger than [`MAX_BUNDLE_BYTES`].
    #[error("the bundle is {0} bytes, over the {MAX_BUNDLE_BYTES}-byte limit")]
    TooLarge(u64),
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The signing key file is unreadable or invalid.
    #[error("signing key {path}: {detail}")]
    Key {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl BundleError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            BundleError::Format(_) => "bundle_format",
            BundleError::Truncated(_) => "bundle_truncated",
            BundleError::Corrupt(_) => "bundle_corrupt",
            BundleError::Checksum { .. } => "bundle_checksum",
            BundleError::Signature => "bundle_signature",
            BundleError::KeyChanged { .. } => "bundle_key_changed",
            BundleError::OwnBundle(_) => "bundle_own",
            BundleError::WrongRecipient { .. } => "bundle_recipient",
            BundleError::TooLarge(_) => "bundle_too_large",
            BundleError::Io { .. } => "io",
            BundleError::Key { .. } => "bundle_key",
            BundleError::Store(_) => "store",
        }
    }

    /// Whether the bundle itself was refused (bad input, nothing applied), as opposed to a
    /// local failure (disk, database).
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            BundleError::Io { .. } | BundleError::Key { .. } | BundleError::Store(_)
        )
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes lower-case or upper-case hex; `None` if it is not hex of an even length.
pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A UUID derived from a bundle and a label, for the rows applying a bundle creates: the same
/// bundle always yields the same ids (deterministic tests, no randomness deep in the store).
pub(crate) fn derived_uuid(bundle: Uuid, label: &str) -> Uuid {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{bundle}\n{label}"));
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(b).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_odd_or_non_hex_input() {
        let b = [0u8, 1, 0xab, 0xff];
        assert_eq!(hex(&b), "0001abff");
        assert_eq!(unhex("0001abff").unwrap(), b);
        assert_eq!(unhex("0001ABFF").unwrap(), b);
        assert!(unhex("abc").is_none());
        assert!(unhex("zz").is_none());
    }

    #[test]
    fn derived_uuids_are_stable_and_distinct_per_label() {
        let b = Uuid::from_u128(7);
        assert_eq!(derived_uuid(b, "x"), derived_uuid(b, "x"));
        assert_ne!(derived_uuid(b, "x"), derived_uuid(b, "y"));
    }
}
