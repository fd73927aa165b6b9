//! Sneakernet bundles, the store's side: gathering what a bundle carries from the rows, and
//! applying a verified bundle to them. The file itself (container, manifest, signature, payload
//! records) is the `guichet-bundle` crate.
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
//! # Trust
//! Trust comes from enrolment ([`Store::enrol_peer`]), never from the bundle itself: a hub
//! accepts outgoing bundles only from the sites it enrolled, a site accepts return bundles only
//! from its enrolled hub, each signed by the enrolled key ([`Store::bundle_peer`] says what a
//! bundle's signer is to this store). An outgoing bundle carries no server ids or states (the
//! hub decides them, finding a ticket already on the server by its client UUID), and it cannot
//! claim a ticket, reply, outbox entry or asset another store owns. A return bundle is
//! numbered per hub and site and must be newer than the last one applied; it confirms only
//! entries this site carried out in a bundle, and updates only the tickets they belong to.
//!
//! # Applying
//! [`Store::import_bundle`] applies a verified bundle in ONE transaction and records its UUID:
//! importing the same bundle twice applies nothing the second time. Each carried outbox entry
//! keeps its client UUID and is queued at most once on the receiving store, whichever bundle
//! carries it, so the server sees it once.

mod apply;
mod collect;
mod enrol;

pub use apply::{BundleImport, ImportOptions};
pub use enrol::{EnrolledPeer, PeerRole, PeerTrust};

use guichet_bundle::BundleError;
use uuid::Uuid;

use crate::StoreError;

/// Why this store could not export or import a bundle: the bundle (refused, or its file or key
/// unusable), or the store itself.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// The bundle was refused, or its file or signing key could not be read or written.
    #[error(transparent)]
    Bundle(#[from] BundleError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ExchangeError {
    fn from(e: sqlx::Error) -> Self {
        ExchangeError::Store(e.into())
    }
}

impl ExchangeError {
    /// Stable machine-readable code: the bundle's (`bundle_*`, `io`) or `store`.
    pub fn code(&self) -> &'static str {
        match self {
            ExchangeError::Bundle(e) => e.code(),
            ExchangeError::Store(_) => "store",
        }
    }

    /// Whether the bundle itself was refused (bad input, nothing applied), as opposed to a
    /// local failure (disk, key, database).
    pub fn is_refusal(&self) -> bool {
        match self {
            ExchangeError::Bundle(e) => e.is_refusal(),
            ExchangeError::Store(_) => false,
        }
    }
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
    fn derived_uuids_are_stable_and_distinct_per_label() {
        let b = Uuid::from_u128(7);
        assert_eq!(derived_uuid(b, "x"), derived_uuid(b, "x"));
        assert_ne!(derived_uuid(b, "x"), derived_uuid(b, "y"));
    }
}
