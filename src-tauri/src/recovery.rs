//! A local store that does not open: the app starts anyway, without its state, and the UI shows
//! the recovery screen, which checks and repairs the store through the same use cases as
//! `guichet store check|repair` and then restarts the app.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager as _};

use crate::error::AppResult;

/// Why the store did not open, managed instead of the app's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct StoreTrouble {
    /// The database file.
    pub path: String,
    /// Whether the file is damaged or not a database (check and repair apply); otherwise
    /// `reason` says what else is wrong (a folder that cannot be written, a newer version).
    pub damaged: bool,
    /// SQLite's or the OS's words, in English.
    pub reason: String,
}

impl StoreTrouble {
    /// The trouble of a store in `dir` that failed to open with `e`.
    pub fn new(dir: &Path, e: &guichet_store::StoreError) -> Self {
        let reason = match e {
            guichet_store::StoreError::Damaged { reason, .. } => reason.clone(),
            e => e.to_string(),
        };
        StoreTrouble {
            path: dir.join(guichet_store::DATABASE_FILE).display().to_string(),
            damaged: e.is_damaged(),
            reason,
        }
    }
}

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct StoreCheckView {
    /// No problem found.
    pub ok: bool,
    /// SQLite's lines, in English.
    pub problems: Vec<String>,
}

/// One table of a repair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TableSalvageView {
    /// The table.
    pub table: String,
    /// Rows saved.
    pub saved: u32,
    /// Rows lost.
    pub lost: u32,
}

/// What the repair did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct StoreRepairView {
    /// The folder holding the copy of the damaged files.
    pub backup: String,
    /// Whether anything could be read.
    pub readable: bool,
    /// Whether the repaired store is in place (restart to use it).
    pub replaced: bool,
    /// Per table.
    pub tables: Vec<TableSalvageView>,
}

/// Why the store did not open, or nothing when it did (the UI's first question).
#[tauri::command]
#[specta::specta]
pub fn store_trouble(app: AppHandle) -> Option<StoreTrouble> {
    app.try_state::<StoreTrouble>().map(|t| t.inner().clone())
}

/// Runs `PRAGMA integrity_check` and `foreign_key_check` on the store that did not open.
#[tauri::command]
#[specta::specta]
pub async fn store_check() -> AppResult<StoreCheckView> {
    let check = guichet_core::check_store(&crate::data_dir()).await?;
    Ok(StoreCheckView {
        ok: check.ok,
        problems: check.problems,
    })
}

/// Backs the store up and salvages it into a fresh one; `start_empty` replaces a file of which
/// nothing is readable by an empty store.
#[tauri::command]
#[specta::specta]
pub async fn store_repair(start_empty: bool) -> AppResult<StoreRepairView> {
    let options = guichet_store::RepairOptions { start_empty };
    let r = guichet_core::repair_store(&crate::data_dir(), chrono::Utc::now(), options)
        .await?
        .report;
    let count = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(StoreRepairView {
        backup: r.backup.display().to_string(),
        readable: r.readable,
        replaced: r.replaced,
        tables: r
            .tables
            .iter()
            .map(|t| TableSalvageView {
                table: t.table.clone(),
                saved: count(t.saved),
                lost: count(t.lost),
            })
            .collect(),
    })
}

/// Restarts the app (on the repaired store).
#[tauri::command]
#[specta::specta]
pub fn app_restart(app: AppHandle) {
    app.restart();
}
