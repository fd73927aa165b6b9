//! Labels of hand-entered assets: the QR label as SVG for display, and the printable HTML sheet
//! of one or several assets through a save dialog (rendered by `guichet-site`, as for the
//! command line's `guichet asset label`).

use guichet_site::label;
use tauri::{AppHandle, State};

use crate::admin::export_failed;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The printable HTML sheet of the labels of assets `ids` (in that order) and its file name.
/// An empty selection or an unknown asset is refused.
pub async fn render_label_sheet(
    store: &guichet_store::Store,
    ids: &[u32],
) -> AppResult<(Vec<u8>, String)> {
    if ids.is_empty() {
        return Err(AppError::invalid("no equipment selected"));
    }
    let mut assets = Vec::with_capacity(ids.len());
    for id in ids {
        assets.push(store.asset(&id.to_string()).await?);
    }
    let name = match ids {
        [one] => format!("label-{one}.html"),
        _ => format!("labels-{}.html", ids.len()),
    };
    let html = match assets.as_slice() {
        [one] => label::html(one),
        all => label::sheet(all),
    }
    .map_err(export_failed)?;
    Ok((html.into_bytes(), name))
}

/// The QR label of asset `id` as an SVG document, for display.
#[tauri::command]
#[specta::specta]
pub async fn asset_label(state: State<'_, AppState>, id: u32) -> AppResult<String> {
    let a = state.store.asset(&id.to_string()).await?;
    label::svg(&a).map_err(export_failed)
}

/// Saves the printable HTML labels of assets `ids` (one label, or a sheet of several) through a
/// save dialog; the path written, `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn asset_labels_save(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<u32>,
) -> AppResult<Option<String>> {
    let (bytes, name) = render_label_sheet(&state.store, &ids).await?;
    crate::dialogs::save_as(&app, name, Some(("HTML", &["html", "htm"])), &bytes).await
}
