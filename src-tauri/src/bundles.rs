//! Offline bundles in the admin section: the sneakernet between a disconnected site and a
//! connected machine, as `guichet bundle` does it, reached from the app.
//!
//! * Export: everything waiting to sync, into a file chosen in a save dialog (the queue is
//!   kept until a return bundle or a sync confirms it).
//! * Inspect: verify a file and show its manifest (device, time, counts, what is known of the
//!   signer), applying nothing.
//! * Import: verify, apply in one transaction, then, for a site's bundle, run the app's own sync
//!   pass (offline: the items stay queued) and optionally write the return bundle.
//!
//! A refused bundle (truncated, altered, foreign, signed by a key this store has not enrolled,
//! an older return…) is an answer, not a failure: [`BundleRefusal`] names why, with the
//! signer's fingerprint and the role to enrol it in when the key is the reason, so the UI can
//! say it in the user's language. Trust comes from enrolment (`guichet bundle enrol`), or, for a
//! deliberate first contact, from the "accept this key" option, which enrols the key it shows.
//! The store does all the work; these commands only choose files and translate results.

use chrono::{DateTime, Utc};
use guichet_bundle::{read_bundle, BundleError, BundleKind, Manifest};
use guichet_store::bundle::{BundleImport, ExchangeError, PeerTrust};
use guichet_store::Store;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{AppError, AppResult, ErrorCode};
use crate::service_desk::SyncState;
use crate::state::AppState;

/// Which way a bundle travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum BundleDirection {
    /// From a disconnected site to a connected machine.
    Outgoing,
    /// From the connected machine back to the site.
    Return,
}

impl From<BundleKind> for BundleDirection {
    fn from(k: BundleKind) -> Self {
        match k {
            BundleKind::Outgoing => BundleDirection::Outgoing,
            BundleKind::Return => BundleDirection::Return,
        }
    }
}

/// What this store knows of a bundle's signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SignerTrust {
    /// The key enrolled for that device, in the role this kind of bundle needs.
    Enrolled,
    /// Not enrolled here: importing refuses it until its key is enrolled (or accepted).
    Unknown,
    /// Another key than the one enrolled for that device: refused likewise.
    Changed,
}

impl From<PeerTrust> for SignerTrust {
    fn from(t: PeerTrust) -> Self {
        match t {
            PeerTrust::Enrolled => SignerTrust::Enrolled,
            PeerTrust::Unknown => SignerTrust::Unknown,
            PeerTrust::Changed => SignerTrust::Changed,
        }
    }
}

/// What a bundle holds, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct BundleCountsView {
    /// Tickets.
    pub tickets: u32,
    /// Replies.
    pub replies: u32,
    /// Inventory pushes.
    pub inventories: u32,
    /// Site-register changes.
    pub site_changes: u32,
    /// Outbox entries (outgoing: carried; return: confirmed as sent).
    pub entries: u32,
    /// Knowledge-base articles.
    pub articles: u32,
    /// Files (attachments, images).
    pub files: u32,
}

/// A bundle's manifest, as the admin section shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct BundleManifestView {
    /// Unique id of the bundle.
    pub bundle_uuid: String,
    /// Outgoing or return.
    pub kind: BundleDirection,
    /// Device id of the store that wrote it.
    pub source_deviceid: String,
    /// For a return bundle: the site it answers.
    pub recipient_deviceid: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// The signer's public key (hex).
    pub public_key: String,
    /// Its fingerprint, to compare with the sending store's (`guichet bundle enrol show`).
    pub fingerprint: String,
    /// What it holds.
    pub counts: BundleCountsView,
    /// Members verified against their checksum.
    pub members: u32,
}

fn n(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl From<&Manifest> for BundleManifestView {
    fn from(m: &Manifest) -> Self {
        let c = &m.counts;
        BundleManifestView {
            bundle_uuid: m.bundle_uuid.to_string(),
            kind: m.kind.into(),
            source_deviceid: m.source_deviceid.clone(),
            recipient_deviceid: m.recipient_deviceid.clone(),
            created_at: m.created_at,
            public_key: m.public_key.clone(),
            fingerprint: guichet_bundle::key_fingerprint(&m.public_key),
            counts: BundleCountsView {
                tickets: n(c.tickets),
                replies: n(c.replies),
                inventories: n(c.inventories),
                site_changes: n(c.site_changes),
                entries: n(c.entries),
                articles: n(c.articles),
                files: n(c.blobs),
            },
            members: m.entries.len() as u32,
        }
    }
}

/// Why a bundle was refused; nothing was applied from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum BundleRefusal {
    /// Not a Guichet bundle, or a version this build does not read.
    Format,
    /// The file ends early.
    Truncated,
    /// The container or manifest is damaged.
    Corrupt,
    /// A member does not match its checksum.
    Checksum,
    /// The signature does not verify.
    Signature,
    /// Signed by a key this store has not enrolled (in the role this kind of bundle needs).
    UnknownKey,
    /// Signed by another key than the one enrolled for that device.
    KeyChanged,
    /// A return bundle not newer than the last one applied from that hub.
    Stale,
    /// Claims a ticket, reply, queued item or asset that belongs to another store.
    ForeignRecord,
    /// Written by this very store.
    OwnBundle,
    /// A return bundle for another site.
    WrongRecipient,
    /// Over the size limit.
    TooLarge,
}

/// Why a bundle was refused, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Refusal {
    /// Why.
    pub reason: BundleRefusal,
    /// The English detail (logs, diagnostics).
    pub detail: String,
    /// When the signer's key is the reason: its fingerprint, to compare out of band.
    pub fingerprint: Option<String>,
    /// When the signer's key is the reason: what to enrol it as (`site` or `hub`).
    pub enrol_as: Option<String>,
}

/// Splits a bundle error into a refusal of the bundle (an answer for the UI) or a local failure.
fn refusal(e: impl Into<ExchangeError>) -> AppResult<Refusal> {
    let e = match e.into() {
        ExchangeError::Store(s) => return Err(s.into()),
        ExchangeError::Bundle(e) => e,
    };
    let detail = e.to_string();
    let (fingerprint, enrol_as) = match &e {
        BundleError::UnknownKey {
            fingerprint, role, ..
        } => (Some(fingerprint.clone()), Some(role.to_string())),
        BundleError::KeyChanged { found, .. } => (Some(found.clone()), None),
        _ => (None, None),
    };
    let reason = match e {
        BundleError::Format(_) => BundleRefusal::Format,
        BundleError::Truncated(_) => BundleRefusal::Truncated,
        BundleError::Corrupt(_) => BundleRefusal::Corrupt,
        BundleError::Checksum { .. } => BundleRefusal::Checksum,
        BundleError::Signature => BundleRefusal::Signature,
        BundleError::UnknownKey { .. } => BundleRefusal::UnknownKey,
        BundleError::KeyChanged { .. } => BundleRefusal::KeyChanged,
        BundleError::Stale { .. } => BundleRefusal::Stale,
        BundleError::ForeignRecord(_) => BundleRefusal::ForeignRecord,
        BundleError::OwnBundle(_) => BundleRefusal::OwnBundle,
        BundleError::WrongRecipient { .. } => BundleRefusal::WrongRecipient,
        BundleError::TooLarge(_) => BundleRefusal::TooLarge,
        BundleError::Io { .. } => return Err(AppError::new(ErrorCode::Io, detail)),
        BundleError::Key { .. } => return Err(AppError::new(ErrorCode::Failed, detail)),
        BundleError::WouldBeTooLarge(_) => {
            return Err(AppError::new(ErrorCode::BundleTooLarge, detail))
        }
    };
    Ok(Refusal {
        reason,
        detail,
        fingerprint,
        enrol_as,
    })
}

/// A verified bundle's description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct BundleInspection {
    /// The file.
    pub file: String,
    /// Its size.
    pub file_bytes: u64,
    /// Its manifest.
    pub manifest: BundleManifestView,
    /// What this store knows of its signer.
    pub signer: SignerTrust,
}

/// The result of checking a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BundleCheck {
    /// Format, checksums and signature verified.
    Verified {
        /// What it is.
        inspection: BundleInspection,
    },
    /// Refused: nothing can be applied from it.
    Refused {
        /// Why.
        refusal: Refusal,
    },
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct BundleExported {
    /// Where.
    pub path: String,
    /// Size of the file.
    pub bytes: u64,
    /// Its manifest.
    pub manifest: BundleManifestView,
}

/// How to import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct BundleImportOptions {
    /// Enrol the sender's key if it is not enrolled or differs from the enrolled one (a
    /// deliberate first contact; its fingerprint is shown by the inspection).
    pub trust_new_key: bool,
    /// After applying a site's bundle, run a sync pass.
    pub sync: bool,
    /// Then write the return bundle for that site (a save dialog asks where).
    pub write_return: bool,
}

/// How the sync after an import went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum BundleSync {
    /// Not run (a return bundle, or not asked for).
    Skipped,
    /// Sent and received.
    Done,
    /// Offline: the bundle is applied and its items are queued for the next sync.
    Offline,
    /// No server configured: the items are queued.
    NotConfigured,
    /// The server refused or failed: the items stay queued.
    Failed,
}

/// What importing a bundle did, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct BundleApplied {
    /// The bundle.
    pub bundle_uuid: String,
    /// Outgoing or return.
    pub kind: BundleDirection,
    /// Its sender.
    pub source_deviceid: String,
    /// Imported before: nothing was applied this time.
    pub already_applied: bool,
    /// The sender's key was enrolled now (the "accept this key" option).
    pub key_recorded: bool,
    /// The fingerprint of the sender's key.
    pub fingerprint: String,
    /// Tickets added.
    pub tickets_added: u32,
    /// Replies added.
    pub replies_added: u32,
    /// Entries queued here for the next sync.
    pub entries_queued: u32,
    /// Entries already received through an earlier bundle.
    pub entries_already_received: u32,
    /// Inventory snapshots added.
    pub snapshots_added: u32,
    /// Site changes received or confirmed.
    pub site_changes: u32,
    /// Machines imported into the register.
    pub machines_imported: u32,
    /// Assets created, updated or removed.
    pub assets_changed: u32,
    /// Return: entries the server now holds.
    pub entries_confirmed: u32,
    /// Return: tickets updated.
    pub tickets_updated: u32,
    /// Return: articles added or updated.
    pub articles_updated: u32,
    /// Return: articles removed.
    pub articles_deleted: u32,
    /// The sync after the import.
    pub sync: BundleSync,
    /// What the sync said when it did not work (English).
    pub sync_detail: Option<String>,
    /// Where the return bundle was written, if it was.
    pub return_file: Option<String>,
}

impl BundleApplied {
    fn new(r: &BundleImport, kind: BundleKind) -> Self {
        BundleApplied {
            bundle_uuid: r.bundle_uuid.to_string(),
            kind: kind.into(),
            source_deviceid: r.source_deviceid.clone(),
            already_applied: r.already_applied,
            key_recorded: r.key_recorded,
            fingerprint: r.fingerprint.clone(),
            tickets_added: n(r.tickets_added),
            replies_added: n(r.replies_added),
            entries_queued: n(r.entries_queued),
            entries_already_received: n(r.entries_already_received),
            snapshots_added: n(r.snapshots_added),
            site_changes: n(r.site_changes),
            machines_imported: n(r.machines_imported),
            assets_changed: n(r.assets_changed),
            entries_confirmed: n(r.entries_confirmed),
            tickets_updated: n(r.tickets_updated),
            articles_updated: n(r.articles_updated),
            articles_deleted: n(r.articles_deleted),
            sync: BundleSync::Skipped,
            sync_detail: None,
            return_file: None,
        }
    }
}

/// The result of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BundleImportResult {
    /// Verified and applied (or already applied before).
    Applied {
        /// What it did.
        applied: BundleApplied,
    },
    /// Refused: nothing was applied.
    Refused {
        /// Why.
        refusal: Refusal,
    },
}

/// Verifies the bundle at `path` and describes it; applies nothing.
pub async fn check(store: &Store, path: &std::path::Path) -> AppResult<BundleCheck> {
    let inspected = match guichet_core::inspect_bundle(store, path).await {
        Ok(i) => i,
        Err(e) => {
            return Ok(BundleCheck::Refused {
                refusal: refused(e)?,
            })
        }
    };
    Ok(BundleCheck::Verified {
        inspection: BundleInspection {
            file: path.display().to_string(),
            file_bytes: inspected.bundle.file_bytes,
            manifest: (&inspected.bundle.manifest).into(),
            signer: inspected.signer.into(),
        },
    })
}

/// A use case's failure on a bundle: a refusal when the bundle is at fault, else an error.
fn refused(e: guichet_core::CoreError) -> AppResult<Refusal> {
    match e {
        guichet_core::CoreError::Bundle(b) => refusal(b),
        e => Err(e.into()),
    }
}

/// Verifies and applies the bundle at `path` (no sync, no return bundle): the part of an
/// import that needs no window. The bundle's kind comes back with the result.
pub async fn apply(
    store: &Store,
    path: &std::path::Path,
    trust_new_key: bool,
    write_return: bool,
    now: DateTime<Utc>,
) -> AppResult<Result<(BundleApplied, String), Refusal>> {
    let bundle = match read_bundle(path) {
        Ok(b) => b,
        Err(e) => return Ok(Err(refusal(e)?)),
    };
    match guichet_core::import_bundle(store, &bundle, trust_new_key, write_return, now).await {
        Ok(i) => Ok(Ok((
            BundleApplied::new(&i.report, i.kind),
            i.source_deviceid,
        ))),
        Err(e) => Ok(Err(refused(e)?)),
    }
}

/// Runs `work` on a blocking thread of its own: the store's bundle functions hold values that
/// are not `Send` across their awaits, which a command's future must be.
async fn off_thread<T, F>(work: impl FnOnce() -> F + Send + 'static) -> AppResult<T>
where
    T: Send + 'static,
    F: std::future::Future<Output = AppResult<T>>,
{
    tauri::async_runtime::spawn_blocking(move || tauri::async_runtime::block_on(work()))
        .await
        .map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))?
}

// ---------------------------------------------------------------- commands

/// This store's device id and key fingerprint, for the other side to compare out of band
/// before it enrols this store (`guichet bundle enrol`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct BundleOwnKey {
    /// This store's device id.
    pub deviceid: String,
    /// Its bundle key's fingerprint.
    pub fingerprint: String,
}

/// This store's device id and key fingerprint (the key is created on first use).
#[tauri::command]
#[specta::specta]
pub async fn bundle_own_key(state: State<'_, AppState>) -> AppResult<BundleOwnKey> {
    let store = state.store.clone();
    let key =
        off_thread(
            move || async move { Ok(guichet_core::own_peer_key(&store, Utc::now()).await?) },
        )
        .await?;
    Ok(BundleOwnKey {
        fingerprint: key.fingerprint(),
        deviceid: key.deviceid,
    })
}

/// Picks a bundle file in an open dialog; `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn bundle_pick(app: AppHandle) -> AppResult<Option<String>> {
    let dialog = app
        .dialog()
        .file()
        .add_filter("Guichet bundle", &["guichet"]);
    let Some(p) = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .ok()
        .flatten()
    else {
        return Ok(None);
    };
    let path = p
        .into_path()
        .map_err(|e| AppError::new(ErrorCode::Io, e.to_string()))?;
    Ok(Some(path.display().to_string()))
}

/// Writes everything waiting to sync into a bundle chosen in a save dialog; `None` when
/// cancelled. The queue is kept until a return bundle or a sync confirms it.
#[tauri::command]
#[specta::specta]
pub async fn bundle_export(
    app: AppHandle,
    state: State<'_, AppState>,
) -> AppResult<Option<BundleExported>> {
    let now = Utc::now();
    let store = &state.store;
    let id = guichet_core::device_id(store, now).await?;
    let name = format!("{id}-{}.guichet", now.format("%Y%m%d-%H%M"));
    let Some(path) =
        crate::dialogs::save_path(&app, name, Some(("Guichet bundle", &["guichet"]))).await?
    else {
        return Ok(None);
    };
    let store = store.clone();
    let written = off_thread(move || async move {
        Ok(guichet_core::export_bundle(&store, &path, uuid::Uuid::new_v4(), now).await?)
    })
    .await?;
    Ok(Some(BundleExported {
        path: written.path.display().to_string(),
        bytes: written.bytes,
        manifest: (&written.manifest).into(),
    }))
}

/// Verifies the bundle at `path` and shows its manifest, applying nothing.
#[tauri::command]
#[specta::specta]
pub async fn bundle_inspect(state: State<'_, AppState>, path: String) -> AppResult<BundleCheck> {
    check(&state.store, std::path::Path::new(path.trim())).await
}

/// Verifies and applies the bundle at `path`; for a site's bundle then syncs (the app's own
/// pass: offline, its items stay queued) and, when asked, writes the return bundle to a file
/// chosen in a save dialog.
#[tauri::command]
#[specta::specta]
pub async fn bundle_import(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    options: BundleImportOptions,
) -> AppResult<BundleImportResult> {
    let store = &state.store;
    let path = std::path::PathBuf::from(path.trim());
    let applying = {
        let store = store.clone();
        off_thread(move || async move {
            apply(
                &store,
                &path,
                options.trust_new_key,
                options.write_return,
                Utc::now(),
            )
            .await
        })
        .await?
    };
    let (mut applied, site) = match applying {
        Ok(a) => a,
        Err(refusal) => return Ok(BundleImportResult::Refused { refusal }),
    };
    crate::sync_loop::refresh_queue(&app).await;
    if applied.kind == BundleDirection::Outgoing && options.sync {
        let (sync, detail) = match crate::sync_loop::run_once(&app).await {
            Ok(s) => match s.state {
                SyncState::NotConfigured => (BundleSync::NotConfigured, None),
                SyncState::Offline => (BundleSync::Offline, None),
                SyncState::Error => (BundleSync::Failed, s.last_error),
                _ => (BundleSync::Done, None),
            },
            Err(e) if e.code == ErrorCode::Offline => (BundleSync::Offline, Some(e.message)),
            Err(e) => (BundleSync::Failed, Some(e.message)),
        };
        applied.sync = sync;
        applied.sync_detail = detail;
    }
    if options.write_return {
        let now = Utc::now();
        let name = format!("return-{site}-{}.guichet", now.format("%Y%m%d-%H%M"));
        if let Some(out) =
            crate::dialogs::save_path(&app, name, Some(("Guichet bundle", &["guichet"]))).await?
        {
            let store = store.clone();
            let written = off_thread(move || async move {
                let id = uuid::Uuid::new_v4();
                Ok(guichet_core::write_return_bundle(&store, &out, &site, id, now).await?)
            })
            .await?;
            applied.return_file = Some(written.path.display().to_string());
        }
    }
    Ok(BundleImportResult::Applied { applied })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store(dir: &std::path::Path) -> Store {
        Store::open(dir).await.unwrap()
    }

    /// A site's bundle carrying one hand-entered asset, written by another store.
    async fn site_bundle(dir: &std::path::Path) -> std::path::PathBuf {
        let site = store(&dir.join("site")).await;
        let now = Utc::now();
        site.asset_add(
            &guichet_store::NewAsset {
                kind: "printer".into(),
                make: Some("HP".into()),
                model: None,
                serial: Some("CN-7".into()),
                location: None,
                assigned_user: None,
                status: guichet_store::AssetStatus::InUse,
                purchased_on: None,
                warranty_until: None,
                notes: None,
            },
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4(),
            now,
        )
        .await
        .unwrap();
        let id = site.device_id("site-pc", now, 1).await.unwrap();
        let path = dir.join("site.guichet");
        site.export_bundle(
            &path,
            &guichet_core::bundle_signer(&site).unwrap(),
            uuid::Uuid::new_v4(),
            &id,
            now,
        )
        .await
        .unwrap();
        path
    }

    #[tokio::test]
    async fn a_site_bundle_is_inspected_then_applied_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = site_bundle(dir.path()).await;
        let hq = store(&dir.path().join("hq")).await;
        let BundleCheck::Verified { inspection } = check(&hq, &path).await.unwrap() else {
            panic!("a sound bundle is verified");
        };
        assert_eq!(inspection.manifest.kind, BundleDirection::Outgoing);
        assert_eq!(inspection.manifest.counts.site_changes, 1);
        assert_eq!(inspection.signer, SignerTrust::Unknown);
        // Not enrolled: refused, with the fingerprint to compare and the role to enrol it as.
        let refused = apply(&hq, &path, false, false, Utc::now())
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(refused.reason, BundleRefusal::UnknownKey);
        assert_eq!(
            refused.fingerprint.as_deref(),
            Some(inspection.manifest.fingerprint.as_str())
        );
        assert_eq!(refused.enrol_as.as_deref(), Some("site"));
        // Accepted deliberately (first contact): enrolled.
        let (applied, site) = apply(&hq, &path, true, false, Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert!(site.starts_with("site-pc-"));
        assert_eq!(applied.assets_changed, 1);
        assert!(applied.key_recorded && !applied.already_applied);
        let (again, _) = apply(&hq, &path, false, false, Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert!(again.already_applied, "a bundle applies once");
        assert_eq!(hq.assets(&Default::default()).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn truncated_and_foreign_files_are_refused_with_their_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = site_bundle(dir.path()).await;
        let hq = store(&dir.path().join("hq")).await;
        let bytes = std::fs::read(&path).unwrap();
        let cut = dir.path().join("cut.guichet");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "not a bundle, just notes\n".repeat(100)).unwrap();
        for (file, want) in [
            (&cut, BundleRefusal::Truncated),
            (&text, BundleRefusal::Format),
        ] {
            match check(&hq, file).await.unwrap() {
                BundleCheck::Refused { refusal } => assert_eq!(refusal.reason, want, "{file:?}"),
                other => panic!("{file:?} accepted: {other:?}"),
            }
            let refusal = apply(&hq, file, false, false, Utc::now())
                .await
                .unwrap()
                .unwrap_err();
            assert_eq!(refusal.reason, want);
        }
        assert!(hq.assets(&Default::default()).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_return_bundle_cannot_be_answered_with_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = site_bundle(dir.path()).await;
        let hq = store(&dir.path().join("hq")).await;
        apply(&hq, &path, true, false, Utc::now())
            .await
            .unwrap()
            .unwrap();
        let site = store(&dir.path().join("site")).await;
        let site_id = site.device_id("site-pc", Utc::now(), 1).await.unwrap();
        let own = hq.device_id("hq-pc", Utc::now(), 2).await.unwrap();
        let back = dir.path().join("back.guichet");
        hq.export_return_bundle(
            &back,
            &guichet_core::bundle_signer(&hq).unwrap(),
            uuid::Uuid::new_v4(),
            &own,
            &site_id,
            None,
            Utc::now(),
        )
        .await
        .unwrap();
        let e = apply(&site, &back, false, true, Utc::now())
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Invalid);
        let (applied, _) = apply(&site, &back, true, false, Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(applied.kind, BundleDirection::Return);
    }
}
