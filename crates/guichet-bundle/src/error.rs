//! Why a bundle was refused or could not be written.

use std::path::PathBuf;

use crate::MAX_BUNDLE_BYTES;

/// Why a bundle was refused or could not be written. The refusals a receiving store decides
/// (a changed key, its own bundle, another site's return bundle) are here too, so that every
/// refusal has one `bundle_*` code.
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
    /// The sender's key is not enrolled here (for this kind of bundle).
    #[error("the bundle from {deviceid} is signed by a key this store has not enrolled as a {role} (fingerprint {fingerprint}); compare it with `guichet bundle enrol show` on that store, then enrol its key file with `guichet bundle enrol add --{role} FILE` (or, for a deliberate first contact, import again with --trust-new-key)")]
    UnknownKey {
        /// The sending device.
        deviceid: String,
        /// The bundle key's fingerprint.
        fingerprint: String,
        /// What the sender would be enrolled as: `site` (outgoing) or `hub` (return).
        role: &'static str,
    },
    /// The sender's key is not the one enrolled for that device id.
    #[error("the bundle from {deviceid} is signed by key {found}, not by the key {known} enrolled for that device; if the sending store was reinstalled, compare the fingerprint and enrol its new key (`guichet bundle enrol add`), or import with --trust-new-key")]
    KeyChanged {
        /// The sending device.
        deviceid: String,
        /// The enrolled key's fingerprint.
        known: String,
        /// The bundle key's fingerprint.
        found: String,
    },
    /// A return bundle older than (or as old as) one already applied from that hub, or without
    /// a sequence number.
    #[error("this return bundle from {deviceid} is {}; applying it would roll back what a newer one brought: ask the hub for a new return bundle", match .sequence { Some(n) => format!("number {n}, not newer than number {last} already applied"), None => "not numbered (written by an older Guichet)".to_string() })]
    Stale {
        /// The hub.
        deviceid: String,
        /// The bundle's number.
        sequence: Option<u64>,
        /// The last number applied here.
        last: u64,
    },
    /// The bundle claims a record (ticket, reply, entry, asset) that belongs to another store.
    #[error("the bundle claims {0}, which belongs to another store: refused")]
    ForeignRecord(String),
    /// An export would be larger than a bundle can be imported.
    #[error("the bundle would be {0} bytes, over the {MAX_BUNDLE_BYTES}-byte limit a bundle can be imported with; nothing was written: send the largest attachments another way or sync part of the queue online, then export again")]
    WouldBeTooLarge(u64),
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
            BundleError::UnknownKey { .. } => "bundle_unknown_key",
            BundleError::KeyChanged { .. } => "bundle_key_changed",
            BundleError::Stale { .. } => "bundle_stale",
            BundleError::ForeignRecord(_) => "bundle_foreign_record",
            BundleError::WouldBeTooLarge(_) => "bundle_export_too_large",
            BundleError::OwnBundle(_) => "bundle_own",
            BundleError::WrongRecipient { .. } => "bundle_recipient",
            BundleError::TooLarge(_) => "bundle_too_large",
            BundleError::Io { .. } => "io",
            BundleError::Key { .. } => "bundle_key",
        }
    }

    /// Whether the bundle itself was refused (bad input, nothing applied), as opposed to a
    /// local failure (disk, key).
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            BundleError::Io { .. } | BundleError::Key { .. } | BundleError::WouldBeTooLarge(_)
        )
    }
}
