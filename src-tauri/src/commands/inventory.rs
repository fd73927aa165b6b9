//! Inventory commands: collect (with progress), the current inventory, snapshots and their
//! differences, exports, and the home page's machine health.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use guichet_inventory::Inventory;
use guichet_store::SnapshotRef;
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;

use crate::error::{AppError, AppResult, ErrorCode};
use crate::health::{self, MachineHealth};
use crate::jobs::{self, ExportFormat};
use crate::state::{AppState, InventoryProgress};
use crate::view::{self, DiffView, InventoryView};

/// Time allowed for a full inventory from the app.
const COLLECT_TIMEOUT: Duration = Duration::from_secs(30);

/// A saved snapshot in the history list.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SnapshotSummary {
    /// Local id.
    pub id: u32,
    /// Collection time.
    pub taken_at: chrono::DateTime<Utc>,
    /// Host name.
    pub hostname: String,
    /// Number of software packages.
    pub software_count: u64,
    /// OS name.
    pub os_full_name: Option<String>,
    /// Categories or sources that failed.
    pub error_count: u64,
}

impl From<guichet_store::SnapshotMeta> for SnapshotSummary {
    fn from(m: guichet_store::SnapshotMeta) -> Self {
        SnapshotSummary {
            id: m.id as u32,
            taken_at: m.taken_at,
            hostname: m.hostname,
            software_count: m.software_count as u64,
            os_full_name: m.os_full_name,
            error_count: m.error_count as u64,
        }
    }
}

async fn current_or_collect(app: &AppHandle, state: &AppState) -> AppResult<Arc<Inventory>> {
    if let Some(inv) = state.current.lock().await.clone() {
        return Ok(inv);
    }
    let view = inventory_collect(app.clone(), app.state::<AppState>()).await?;
    drop(view);
    state
        .current
        .lock()
        .await
        .clone()
        .ok_or_else(|| AppError::new(ErrorCode::Failed, "no inventory"))
}

/// Collects a full inventory on a background thread, emitting [`InventoryProgress`] per category.
#[tauri::command]
#[specta::specta]
pub async fn inventory_collect(
    app: AppHandle,
    state: State<'_, AppState>,
) -> AppResult<InventoryView> {
    if state.collecting.swap(true, Ordering::SeqCst) {
        return Err(AppError::new(
            ErrorCode::Busy,
            "an inventory is already being collected",
        ));
    }
    let h = app.clone();
    let inv = tauri::async_runtime::spawn_blocking(move || {
        jobs::collect_with_progress(Utc::now(), COLLECT_TIMEOUT, |done, total, cat| {
            let _ = InventoryProgress {
                done,
                total,
                category: cat.into(),
            }
            .emit(&h);
        })
    })
    .await;
    state.collecting.store(false, Ordering::SeqCst);
    let inv = Arc::new(inv.map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))?);
    tracing::info!(
        duration_ms = inv.duration_ms,
        software = inv.software.len(),
        "inventory collected"
    );
    *state.current.lock().await = Some(inv.clone());
    Ok(view::inventory_view(&inv))
}

/// The inventory collected earlier in this session, if any (no collection).
#[tauri::command]
#[specta::specta]
pub async fn inventory_current(state: State<'_, AppState>) -> AppResult<Option<InventoryView>> {
    Ok(state
        .current
        .lock()
        .await
        .as_deref()
        .map(view::inventory_view))
}

/// Saved snapshots, newest first.
#[tauri::command]
#[specta::specta]
pub async fn snapshot_list(state: State<'_, AppState>) -> AppResult<Vec<SnapshotSummary>> {
    Ok(state
        .store
        .snapshots()
        .await?
        .into_iter()
        .rev()
        .map(Into::into)
        .collect())
}

/// Saves the current inventory (collecting one first if needed) as a snapshot.
#[tauri::command]
#[specta::specta]
pub async fn snapshot_save(
    app: AppHandle,
    state: State<'_, AppState>,
) -> AppResult<SnapshotSummary> {
    let inv = current_or_collect(&app, &state).await?;
    let deviceid = guichet_core::device_id_for(
        &state.store,
        inv.hostname().unwrap_or("unknown"),
        Utc::now(),
    )
    .await?;
    Ok(state
        .store
        .save_snapshot(&inv, &deviceid, uuid::Uuid::new_v4())
        .await?
        .into())
}

/// A saved snapshot's inventory.
#[tauri::command]
#[specta::specta]
pub async fn snapshot_view(state: State<'_, AppState>, id: u32) -> AppResult<InventoryView> {
    let (_, inv) = state.store.snapshot(&SnapshotRef::Id(id.into())).await?;
    Ok(view::inventory_view(&inv))
}

/// What changed from snapshot `old_id` to snapshot `new_id`.
#[tauri::command]
#[specta::specta]
pub async fn snapshot_diff(
    state: State<'_, AppState>,
    old_id: u32,
    new_id: u32,
) -> AppResult<DiffView> {
    let (_, a) = state
        .store
        .snapshot(&SnapshotRef::Id(old_id.into()))
        .await?;
    let (_, b) = state
        .store
        .snapshot(&SnapshotRef::Id(new_id.into()))
        .await?;
    Ok(view::diff_view(&guichet_inventory::diff(&a, &b)))
}

/// Exports the current inventory (or a snapshot) through a save dialog; the path written, or
/// `None` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn inventory_export(
    app: AppHandle,
    state: State<'_, AppState>,
    format: ExportFormat,
    snapshot: Option<u32>,
) -> AppResult<Option<String>> {
    let inv = match snapshot {
        Some(id) => Arc::new(state.store.snapshot(&SnapshotRef::Id(id.into())).await?.1),
        None => current_or_collect(&app, &state).await?,
    };
    let deviceid = guichet_core::device_id_for(
        &state.store,
        inv.hostname().unwrap_or("unknown"),
        Utc::now(),
    )
    .await?;
    let bytes = jobs::render_export(&inv, format, &deviceid)?;
    let (label, ext) = match format {
        ExportFormat::GlpiJson => ("JSON", "json"),
        ExportFormat::SoftwareCsv => ("CSV", "csv"),
    };
    let name = jobs::export_file_name(&inv, format);
    crate::dialogs::save_as(&app, name, Some((label, &[ext])), &bytes).await
}

// ---------------------------------------------------------------- home

/// Machine health at a glance (a quick partial inventory).
#[tauri::command]
#[specta::specta]
pub async fn machine_health() -> AppResult<MachineHealth> {
    tauri::async_runtime::spawn_blocking(|| {
        let now = Utc::now();
        let mut h = health::summarise(
            &health::collect(now),
            now,
            guichet_inventory::pending_updates(),
        );
        // The one reading of the network the header and the checks use.
        h.online = crate::sync_loop::online();
        h
    })
    .await
    .map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))
}
