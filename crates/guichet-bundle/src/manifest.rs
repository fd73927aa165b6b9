//! The manifest: the signed description of a bundle.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::hex::hex;

/// The members every bundle has, and the folder of its blobs.
pub(crate) const MANIFEST: &str = "manifest.json";
pub(crate) const SIGNATURE: &str = "manifest.sig";
pub(crate) const PAYLOAD: &str = "payload.json";
pub(crate) const BLOBS: &str = "blobs/";

/// Lower-case hex SHA-256 of a member, as the manifest lists it.
pub(crate) fn sha(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The `format` field of every manifest.
pub const BUNDLE_FORMAT: &str = "guichet-bundle";
/// The manifest version this build writes and reads.
pub const BUNDLE_VERSION: u32 = 1;
/// Largest bundle file read (and written: an export that would be larger is refused before
/// anything is written).
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
    /// For a return bundle: its place in the hub's answers to that site (1, 2, …). A site
    /// applies a return only if it is newer than the last one it applied from that hub, so an
    /// older or replayed return cannot roll statuses or the knowledge base back. Signed with
    /// the rest of the manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u64>,
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
