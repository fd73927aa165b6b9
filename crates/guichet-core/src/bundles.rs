//! Bundles between a disconnected site and a connected machine: writing what waits to sync,
//! verifying and applying a bundle, and writing the answer for the site.
//!
//! The sync between an import and its return is the front end's (the CLI runs
//! [`crate::sync_configured`]; the app its own background pass, which also updates its status).

use std::path::Path;

use chrono::{DateTime, Utc};
use guichet_bundle::PeerKey;
use guichet_bundle::{read_bundle, BundleKind, BundleSigner, BundleWritten, VerifiedBundle};
use guichet_store::bundle::{BundleImport, EnrolledPeer, ImportOptions, PeerRole, PeerTrust};
use guichet_store::Store;
use guichet_sync::config::ConnectorConfig;
use rand::RngCore as _;
use uuid::Uuid;

use crate::CoreError;

/// This store's signing key, created on first use (kept beside the database, never in it).
pub fn bundle_signer(store: &Store) -> Result<BundleSigner, CoreError> {
    Ok(BundleSigner::load_or_create(store.dir(), || {
        let mut seed = [0u8; 32];
        rand::rng().fill_bytes(&mut seed);
        seed
    })?)
}

/// Writes everything waiting to sync into the bundle `path` (replaced atomically); the queue
/// is kept until a return bundle or a sync confirms it.
pub async fn export_bundle(
    store: &Store,
    path: &Path,
    bundle_id: Uuid,
    now: DateTime<Utc>,
) -> Result<BundleWritten, CoreError> {
    let deviceid = crate::device_id(store, now).await?;
    let key = bundle_signer(store)?;
    Ok(store
        .export_bundle(path, &key, bundle_id, &deviceid, now)
        .await?)
}

/// A bundle verified, with what this store knows of its signer.
#[derive(Debug)]
pub struct InspectedBundle {
    /// The verified bundle (format, checksums, signature).
    pub bundle: VerifiedBundle,
    /// Whether its key is the one enrolled for the sending device.
    pub signer: PeerTrust,
}

/// Verifies the bundle at `path` and says what this store knows of its signer; applies nothing.
pub async fn inspect_bundle(store: &Store, path: &Path) -> Result<InspectedBundle, CoreError> {
    let bundle = read_bundle(path)?;
    let m = &bundle.manifest;
    let signer = store
        .bundle_peer(&m.source_deviceid, &m.public_key, m.kind)
        .await?;
    Ok(InspectedBundle { bundle, signer })
}

/// A bundle applied.
#[derive(Debug)]
pub struct ImportedBundle {
    /// What was applied.
    pub report: BundleImport,
    /// The bundle's direction.
    pub kind: BundleKind,
    /// The device that wrote it (the site a return bundle goes back to).
    pub source_deviceid: String,
}

/// Applies a verified bundle in one transaction (a bundle already imported applies nothing).
/// `wants_return`: the caller will answer it with a return bundle, which only a site's bundle
/// can have.
pub async fn import_bundle(
    store: &Store,
    bundle: &VerifiedBundle,
    trust_new_key: bool,
    wants_return: bool,
    now: DateTime<Utc>,
) -> Result<ImportedBundle, CoreError> {
    if wants_return && bundle.manifest.kind == BundleKind::Return {
        return Err(CoreError::Invalid(
            "a return bundle answers a site's bundle; this one is already a return bundle".into(),
        ));
    }
    let options = ImportOptions {
        own_deviceid: crate::device_id(store, now).await?,
        trust_new_key,
    };
    let report = store.import_bundle(bundle, &options, now).await?;
    if bundle.manifest.kind == BundleKind::Return {
        // A return bundle brings the service desk's knowledge base: starter articles whose
        // check it now covers go (as after a sync pass).
        crate::install_starter_articles(store).await?;
    }
    Ok(ImportedBundle {
        report,
        kind: bundle.manifest.kind,
        source_deviceid: bundle.manifest.source_deviceid.clone(),
    })
}

/// Writes the return bundle for `site` to `path`: what the server answered for its entries,
/// and the knowledge base of the configured service desk.
pub async fn write_return_bundle(
    store: &Store,
    path: &Path,
    site: &str,
    bundle_id: Uuid,
    now: DateTime<Utc>,
) -> Result<BundleWritten, CoreError> {
    let own = crate::device_id(store, now).await?;
    let key = bundle_signer(store)?;
    let kb = ConnectorConfig::load(store).await?.map(|c| c.kind);
    Ok(store
        .export_return_bundle(path, &key, bundle_id, &own, site, kb.as_deref(), now)
        .await?)
}

/// This store's enrolment key: its device id and public key (creating the signing key on
/// first use), to hand to the other side, which compares its fingerprint before enrolling it.
pub async fn own_peer_key(store: &Store, now: DateTime<Utc>) -> Result<PeerKey, CoreError> {
    let deviceid = crate::device_id(store, now).await?;
    let key = bundle_signer(store)?;
    Ok(PeerKey {
        deviceid,
        public_key: key.public_key_hex(),
    })
}

/// Enrols a peer's key file (its text) in `role`; returns the enrolment and the one it
/// replaced. A store does not enrol its own key.
pub async fn enrol_peer(
    store: &Store,
    key_file: &str,
    role: PeerRole,
    now: DateTime<Utc>,
) -> Result<(EnrolledPeer, Option<EnrolledPeer>), CoreError> {
    let key = PeerKey::parse(key_file)?;
    if key.deviceid == crate::device_id(store, now).await? {
        return Err(CoreError::Invalid(format!(
            "{} is this store's own key: enrol the other store's key file",
            key.deviceid
        )));
    }
    Ok(store.enrol_peer(&key, role, now).await?)
}
