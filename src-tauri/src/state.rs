//! The app's state, managed once by Tauri: the store, the last inventory, the sync status, and
//! the events the shell sends to the UI.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use guichet_inventory::Inventory;
use guichet_store::Store;
use serde::{Deserialize, Serialize};

use crate::service_desk::{SyncState, SyncStatus};

/// Shared state of the running app.
#[derive(Debug)]
pub struct AppState {
    /// The local store (shared with the headless agent).
    pub store: Store,
    /// Folder of the rotating log files.
    pub log_dir: PathBuf,
    /// The last inventory collected in this session.
    pub current: tokio::sync::Mutex<Option<Arc<Inventory>>>,
    /// The quick inventory behind the last "system information" preview: a report sends this
    /// very one, so the preview is exactly what goes out.
    pub preview: tokio::sync::Mutex<Option<Arc<Inventory>>>,
    /// The last "Check my computer" run, as previewed on the report form: a report attaches
    /// this very one.
    pub diagnosis: tokio::sync::Mutex<Option<guichet_records::Diagnosis>>,
    /// Whether an inventory is being collected (one at a time).
    pub collecting: AtomicBool,
    /// Held while a sync pass runs: one at a time.
    pub syncing: tokio::sync::Mutex<()>,
    /// Sync status shown by the tray and the UI.
    pub sync: std::sync::Mutex<SyncStatus>,
    /// Language of the shell's own texts (tray), BCP 47; follows the settings.
    pub locale: std::sync::Mutex<String>,
    /// When this session of the app began: the report form offers the fix-it runs since.
    pub started_at: chrono::DateTime<chrono::Utc>,
}

impl AppState {
    /// State over an opened store.
    pub fn new(store: Store, log_dir: PathBuf) -> Self {
        AppState {
            store,
            log_dir,
            current: tokio::sync::Mutex::new(None),
            preview: tokio::sync::Mutex::new(None),
            diagnosis: tokio::sync::Mutex::new(None),
            collecting: AtomicBool::new(false),
            syncing: tokio::sync::Mutex::new(()),
            sync: std::sync::Mutex::new(SyncStatus {
                state: SyncState::NotConfigured,
                connectivity: crate::service_desk::Connectivity::NoDesk,
                online: false,
                queued: 0,
                last_sync: None,
                last_error: None,
            }),
            locale: std::sync::Mutex::new("en".into()),
            started_at: chrono::Utc::now(),
        }
    }

    /// The shell's language.
    pub fn ui_locale(&self) -> String {
        self.locale
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Sets the shell's language from the settings' choice.
    pub fn set_locale(&self, choice: crate::settings::LocaleChoice) {
        let l = match choice {
            crate::settings::LocaleChoice::Fr => "fr".to_string(),
            crate::settings::LocaleChoice::En => "en".to_string(),
            crate::settings::LocaleChoice::System => crate::commands::diagnostics::os_locale(),
        };
        *self.locale.lock().unwrap_or_else(|p| p.into_inner()) = l;
    }

    /// What the settings read at start-up set: the shell's language, and the connection as
    /// known before the first sync pass.
    pub fn start_with(&self, conf: &crate::settings::AppSettings) {
        self.set_locale(conf.locale);
        self.start_connection(
            crate::sync_loop::online(),
            crate::settings::connector_config(conf).is_some(),
        );
    }

    /// The connection as known at start-up, before the first sync pass (which waits for the
    /// first screen): the header shows it from the first screen on.
    pub fn start_connection(&self, network_up: bool, desk_configured: bool) {
        let mut s = self.sync.lock().unwrap_or_else(|p| p.into_inner());
        s.online = network_up;
        s.connectivity = crate::service_desk::connectivity(network_up, desk_configured, None);
    }

    /// A copy of the sync status.
    pub fn sync_status(&self) -> SyncStatus {
        self.sync
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }
}

/// Progress of an inventory collection: one event per finished category.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct InventoryProgress {
    /// Categories finished so far.
    pub done: u32,
    /// Categories in all.
    pub total: u32,
    /// The category that just finished.
    pub category: crate::view::CategoryId,
}

/// The sync status changed.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SyncChanged(pub SyncStatus);

/// The tray asks the UI to show a page.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct Navigate {
    /// Page id: `home`, `report`, `tickets`, `kb`, `inventory`, `settings`, `about`.
    pub page: String,
}
