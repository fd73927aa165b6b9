//! Report and ticket commands: the system information preview, files and screenshots, filing a
//! report, the user's tickets and their threads, replies. Filing and replying are the use cases'
//! ([`guichet_core::file_report`], [`guichet_core::reply`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use guichet_core::{ProblemReport, SystemInfo};
use guichet_inventory::Inventory;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{AppError, AppResult, ErrorCode};
use crate::service_desk::{
    mark_read, message, replies_read, summary, thread, urgency_level, AttachmentDraft,
    SystemInfoPreview, TicketDraft, TicketMessage, TicketSummary, TicketThread,
};
use crate::state::AppState;

/// Exactly what "include my system information" will add to the report: the sync engine's
/// summary of a quick inventory, kept so the report sends this very inventory.
#[tauri::command]
#[specta::specta]
pub async fn system_info_preview(state: State<'_, AppState>) -> AppResult<SystemInfoPreview> {
    let inv = Arc::new(quick_inventory().await?);
    *state.preview.lock().await = Some(inv.clone());
    Ok(SystemInfoPreview {
        text: guichet_inventory::system_summary(&inv),
    })
}

async fn quick_inventory() -> AppResult<Inventory> {
    tauri::async_runtime::spawn_blocking(|| {
        guichet_inventory::collect(&guichet_inventory::Options {
            categories: guichet_core::QUICK_CATEGORIES.to_vec(),
            timeout: Duration::from_secs(5),
            now: Utc::now(),
        })
    })
    .await
    .map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))
}

/// Copies files into the blob store as attachments (file picker when `paths` is empty, else the
/// dropped paths). An empty list means the picker was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn attachment_add(
    app: AppHandle,
    state: State<'_, AppState>,
    paths: Vec<String>,
) -> AppResult<Vec<AttachmentDraft>> {
    let paths: Vec<std::path::PathBuf> = if paths.is_empty() {
        let dialog = app.dialog().file();
        let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_files())
            .await
            .ok()
            .flatten();
        picked
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.into_path().ok())
            .collect()
    } else {
        paths.into_iter().map(Into::into).collect()
    };
    let limit = guichet_core::attachment_limit(&state.store).await?;
    paths.iter().map(|p| attach(&state, p, limit)).collect()
}

/// Copies one file into the blob store, refused before reading when it is over the limit the
/// store applies when the report or reply is saved.
fn attach(state: &AppState, path: &std::path::Path, limit: u64) -> AppResult<AttachmentDraft> {
    let file = guichet_core::attachment_from_file(path, limit)?;
    let blob = state.store.put_blob(&file.bytes)?;
    Ok(AttachmentDraft {
        blob: blob.as_str().to_string(),
        mime: file.content_type,
        name: file.file_name,
        size_bytes: file.bytes.len() as u32,
    })
}

/// Takes a screenshot of the screen (hiding Guichet's window meanwhile when asked) and stores it
/// as an attachment.
#[tauri::command]
#[specta::specta]
pub async fn attachment_screenshot(
    app: AppHandle,
    state: State<'_, AppState>,
    hide_window: bool,
) -> AppResult<AttachmentDraft> {
    let win = app.get_webview_window("main");
    if let (true, Some(w)) = (hide_window, &win) {
        let _ = w.hide();
        tokio::time::sleep(Duration::from_millis(350)).await;
    }
    let shot = tauri::async_runtime::spawn_blocking(crate::screenshot::capture_png).await;
    if let (true, Some(w)) = (hide_window, &win) {
        let _ = w.show();
        let _ = w.set_focus();
    }
    let png = shot.map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))??;
    let blob = state.store.put_blob(&png)?;
    let name = format!("screenshot-{}.png", Utc::now().format("%Y%m%d-%H%M%S"));
    Ok(AttachmentDraft {
        blob: blob.as_str().to_string(),
        name,
        size_bytes: png.len() as u32,
        mime: "image/png".into(),
    })
}

/// Ticket categories offered by the report form (ids; the UI translates them).
#[tauri::command]
#[specta::specta]
pub fn ticket_categories() -> Vec<String> {
    [
        "hardware", "software", "network", "account", "printing", "other",
    ]
    .map(String::from)
    .to_vec()
}

/// Files a problem report: saved locally and queued for the next sync, in one transaction
/// (with the previewed system information as a snapshot when asked).
#[tauri::command]
#[specta::specta]
pub async fn ticket_create(
    app: AppHandle,
    state: State<'_, AppState>,
    draft: TicketDraft,
) -> AppResult<TicketSummary> {
    if draft.title.trim().is_empty() {
        return Err(AppError::invalid("the title is empty"));
    }
    // What the user previewed is what the report sends.
    let system_info = match (
        draft.include_system_info,
        state.preview.lock().await.clone(),
    ) {
        (false, _) => SystemInfo::None,
        (true, Some(inv)) => SystemInfo::Collected(inv),
        (true, None) => SystemInfo::Collected(Arc::new(quick_inventory().await?)),
    };
    let mut attachments = new_attachments(&state, &draft.attachments)?;
    attachments.extend(guichet_core::fix_run_attachments(&state.store, &draft.fix_runs).await?);
    let diagnosis = match draft.include_diagnosis {
        true => state.diagnosis.lock().await.clone(),
        false => None,
    };
    let report = ProblemReport {
        id: uuid::Uuid::new_v4(),
        title: draft.title,
        description: draft.description,
        description_format: guichet_store::DescriptionFormat::Text,
        category: Some(draft.category),
        urgency: urgency_level(draft.urgency),
        requester: None,
        system_info,
        // Its summary ends the description (`guichet_core::diagnosis_section`, the text the
        // form previewed) and it rides in the attached snapshot.
        diagnosis,
        snapshot_id: uuid::Uuid::new_v4(),
        attachments,
        draft: false,
    };
    let t = guichet_core::file_report(&state.store, report, Utc::now())
        .await?
        .ticket;
    tracing::info!(ticket = %t.id, "report queued");
    crate::sync_loop::kick(&app);
    Ok(summary(&t, 0))
}

/// The files of a report or a reply, read back from the blob store.
fn new_attachments(
    state: &AppState,
    drafts: &[AttachmentDraft],
) -> AppResult<Vec<guichet_store::NewAttachment>> {
    drafts
        .iter()
        .map(|a| {
            let id = guichet_store::BlobId::parse(&a.blob)
                .map_err(|e| AppError::invalid(guichet_store::StoreError::from(e).to_string()))?;
            Ok(guichet_store::NewAttachment {
                file_name: a.name.clone(),
                content_type: a.mime.clone(),
                bytes: state.store.blob(&id)?,
            })
        })
        .collect()
}

fn ticket_id(id: &str) -> AppResult<uuid::Uuid> {
    uuid::Uuid::parse_str(id).map_err(|_| AppError::invalid(format!("not a ticket id: {id}")))
}

/// The user's tickets, most recently changed first.
#[tauri::command]
#[specta::specta]
pub async fn ticket_list(state: State<'_, AppState>) -> AppResult<Vec<TicketSummary>> {
    let mut list = Vec::new();
    for t in state.store.tickets().await? {
        list.push(summary(&t, replies_read(&state.store, t.id).await?));
    }
    list.sort_by_key(|t| std::cmp::Reverse(t.updated_at));
    Ok(list)
}

/// A ticket and its thread; marks its replies read.
#[tauri::command]
#[specta::specta]
pub async fn ticket_thread(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> AppResult<TicketThread> {
    let t = state.store.ticket(ticket_id(&id)?).await?;
    mark_read(&state.store, &t, Utc::now()).await?;
    crate::sync_loop::refresh_queue(&app).await;
    Ok(thread(&t, u32::MAX))
}

/// Replies to a ticket with files already copied into the blob store (`attachment_add`,
/// `attachment_screenshot`); the reply, its files and its outbox entry are one transaction,
/// queued for the next sync.
#[tauri::command]
#[specta::specta]
pub async fn ticket_reply(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    body: String,
    attachments: Vec<AttachmentDraft>,
) -> AppResult<TicketMessage> {
    if body.trim().is_empty() {
        return Err(AppError::invalid("the reply is empty"));
    }
    let files = new_attachments(&state, &attachments)?;
    let ticket = ticket_id(&id)?;
    let reply_id = uuid::Uuid::new_v4();
    let r = guichet_core::reply(&state.store, ticket, reply_id, &body, &files, Utc::now()).await?;
    crate::sync_loop::kick(&app);
    Ok(message(&r))
}

/// Saves a ticket's or a reply's file (from the blob store) through a save dialog; the path
/// written, or `None` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn attachment_save(
    app: AppHandle,
    state: State<'_, AppState>,
    blob: String,
    name: String,
) -> AppResult<Option<String>> {
    let id = guichet_store::BlobId::parse(&blob)
        .map_err(|e| AppError::invalid(guichet_store::StoreError::from(e).to_string()))?;
    let bytes = state.store.blob(&id)?;
    // Only the last component of a name that came from a server.
    let file_name = std::path::Path::new(&name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    crate::dialogs::save_as(&app, file_name, None, &bytes).await
}
