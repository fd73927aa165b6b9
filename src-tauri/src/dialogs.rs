//! The native save dialog, for every command that writes a file the user places (exports,
//! labels, bundles, attachments): the path is asked for, then the bytes are written atomically.

use std::path::PathBuf;

use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

use crate::error::{AppError, AppResult, ErrorCode};

/// Asks where to save (a save dialog offering `name`, and the file type `filter` when given),
/// then writes `bytes` there atomically; the path written, `None` when cancelled.
pub async fn save_as(
    app: &AppHandle,
    name: String,
    filter: Option<(&str, &[&str])>,
    bytes: &[u8],
) -> AppResult<Option<String>> {
    let Some(path) = save_path(app, name, filter).await? else {
        return Ok(None);
    };
    crate::jobs::write_atomic(&path, bytes)?;
    Ok(Some(path.display().to_string()))
}

/// The path chosen in a save dialog offering `name` (and the file type `filter` when given);
/// `None` when cancelled.
pub async fn save_path(
    app: &AppHandle,
    name: String,
    filter: Option<(&str, &[&str])>,
) -> AppResult<Option<PathBuf>> {
    let mut dialog = app.dialog().file().set_file_name(name);
    if let Some((label, exts)) = filter {
        dialog = dialog.add_filter(label, exts);
    }
    let Some(path) = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .ok()
        .flatten()
    else {
        return Ok(None);
    };
    path.into_path()
        .map(Some)
        .map_err(|e| AppError::new(ErrorCode::Io, e.to_string()))
}
