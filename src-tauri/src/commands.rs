//! The commands the UI may call: thin wrappers (a few lines each) over the crates. Every one is
//! registered in [`crate::specta_builder`], which also generates the TypeScript bindings, and is
//! allowed by name in the main window's capability file.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use guichet_inventory::Inventory;
use guichet_store::SnapshotRef;
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use tauri_specta::Event;

use crate::error::{AppError, AppResult, ErrorCode};
use crate::health::{self, MachineHealth};
use crate::jobs::{self, ExportFormat};
use crate::service_desk::*;
use crate::settings::{self, AppSettings, Connection};
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

/// What the diagnostics page shows.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Diagnostics {
    /// App version.
    pub version: String,
    /// Data folder (store, blobs).
    pub data_dir: String,
    /// Log folder.
    pub log_dir: String,
    /// Newest log file.
    pub log_file: Option<String>,
    /// OS and architecture.
    pub platform: String,
    /// OS locale (BCP 47).
    pub os_locale: String,
    /// Applied store migrations.
    pub schema_versions: Vec<i64>,
    /// Saved snapshots.
    pub snapshot_count: u64,
    /// Entries waiting in the outbox.
    pub outbox_count: u64,
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

// ---------------------------------------------------------------- inventory

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
    let deviceid = state
        .store
        .device_id(inv.hostname().unwrap_or("unknown"), Utc::now())
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
    let deviceid = state
        .store
        .device_id(inv.hostname().unwrap_or("unknown"), Utc::now())
        .await?;
    let bytes = jobs::render_export(&inv, format, &deviceid)?;
    let (label, ext) = match format {
        ExportFormat::GlpiJson => ("JSON", "json"),
        ExportFormat::SoftwareCsv => ("CSV", "csv"),
    };
    let name = jobs::export_file_name(&inv, format);
    crate::admin::save_as(&app, name, Some((label, &[ext])), &bytes).await
}

// ---------------------------------------------------------------- home

/// Machine health at a glance (a quick partial inventory).
#[tauri::command]
#[specta::specta]
pub async fn machine_health() -> AppResult<MachineHealth> {
    tauri::async_runtime::spawn_blocking(|| {
        let now = Utc::now();
        let mut h = health::summarise(&health::collect(now), now, health::pending_updates());
        h.online &= !crate::sync_loop::forced_offline();
        h
    })
    .await
    .map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))
}

// ---------------------------------------------------------------- reports and tickets

/// Exactly what "include my system information" will add to the report: the sync engine's
/// summary of a quick inventory, kept so the report sends this very inventory.
#[tauri::command]
#[specta::specta]
pub async fn system_info_preview(state: State<'_, AppState>) -> AppResult<SystemInfoPreview> {
    let inv = Arc::new(quick_inventory().await?);
    *state.preview.lock().await = Some(inv.clone());
    Ok(SystemInfoPreview {
        text: guichet_sync::system_summary(&inv),
    })
}

async fn quick_inventory() -> AppResult<Inventory> {
    tauri::async_runtime::spawn_blocking(|| {
        guichet_inventory::collect(&guichet_inventory::Options {
            categories: jobs::QUICK_CATEGORIES.to_vec(),
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
    paths.iter().map(|p| attach(&state, p)).collect()
}

fn attach(state: &AppState, path: &std::path::Path) -> AppResult<AttachmentDraft> {
    // Refused here, before copying, with the same limit the store applies when the report or
    // reply is saved.
    const MAX: u64 = guichet_store::DEFAULT_ATTACHMENT_LIMIT;
    let len = std::fs::metadata(path)?.len();
    if len > MAX {
        return Err(AppError::invalid(format!(
            "{} is larger than {} MiB",
            path.display(),
            MAX >> 20
        )));
    }
    let bytes = std::fs::read(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let blob = state.store.put_blob(&bytes)?;
    Ok(AttachmentDraft {
        blob: blob.as_str().to_string(),
        mime: mime_of(&name).into(),
        name,
        size_bytes: bytes.len() as u32,
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
    let now = Utc::now();
    let snapshot_uuid = if draft.include_system_info {
        let inv = match state.preview.lock().await.clone() {
            Some(inv) => inv,
            None => Arc::new(quick_inventory().await?),
        };
        let deviceid = state
            .store
            .device_id(inv.hostname().unwrap_or("unknown"), now)
            .await?;
        Some(
            state
                .store
                .save_snapshot(&inv, &deviceid, uuid::Uuid::new_v4())
                .await?
                .uuid,
        )
    } else {
        None
    };
    let attachments = new_attachments(&state, &draft.attachments)?;
    let new = guichet_store::NewTicket {
        id: uuid::Uuid::new_v4(),
        title: draft.title,
        description: draft.description,
        description_format: guichet_store::DescriptionFormat::Text,
        category: Some(draft.category).filter(|c| !c.is_empty()),
        urgency: urgency_level(draft.urgency),
        requester: requester(),
        snapshot_uuid,
        attachments,
        draft: false,
    };
    let t = state
        .store
        .create_ticket(&new, guichet_store::DEFAULT_ATTACHMENT_LIMIT, now)
        .await?;
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
    let r = state
        .store
        .add_reply_with_attachments(
            ticket_id(&id)?,
            uuid::Uuid::new_v4(),
            &requester(),
            &body,
            &files,
            guichet_store::DEFAULT_ATTACHMENT_LIMIT,
            Utc::now(),
        )
        .await?;
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
    crate::admin::save_as(&app, file_name, None, &bytes).await
}

// ---------------------------------------------------------------- knowledge base

fn hit(h: guichet_store::ArticleHit) -> ArticleHit {
    ArticleHit {
        id: h.id.to_string(),
        title: h.title,
        summary: h.summary.unwrap_or_default(),
        category: h.category.unwrap_or_default(),
        snippet: h.snippet,
    }
}

/// Full-text search of the local knowledge base (offline); an empty query lists every article.
#[tauri::command]
#[specta::specta]
pub async fn kb_search(
    state: State<'_, AppState>,
    query: String,
    limit: u32,
) -> AppResult<Vec<ArticleHit>> {
    let hits = if query.trim().is_empty() {
        let mut all = state.store.articles(None).await?;
        all.truncate(limit as usize);
        // A listing has no matched terms: no snippet, the UI shows the summary.
        all.into_iter()
            .map(|h| ArticleHit {
                snippet: String::new(),
                ..hit(h)
            })
            .collect()
    } else {
        state
            .store
            .search_articles(&query, limit as usize)
            .await?
            .into_iter()
            .map(hit)
            .collect()
    };
    Ok(hits)
}

/// Knowledge-base categories with their number of articles.
#[tauri::command]
#[specta::specta]
pub async fn kb_categories(state: State<'_, AppState>) -> AppResult<Vec<ArticleCategory>> {
    let cats = state.store.article_categories().await?;
    Ok(cats
        .into_iter()
        .map(|(name, n)| ArticleCategory {
            name,
            count: n as u32,
        })
        .collect())
}

/// Articles of one category, by title.
#[tauri::command]
#[specta::specta]
pub async fn kb_articles(
    state: State<'_, AppState>,
    category: String,
) -> AppResult<Vec<ArticleHit>> {
    let list = state.store.articles(Some(&category)).await?;
    Ok(list
        .into_iter()
        .map(|h| ArticleHit {
            snippet: String::new(),
            ..hit(h)
        })
        .collect())
}

/// One article (sanitised HTML; images as `guichet-blob:<sha256>`).
#[tauri::command]
#[specta::specta]
pub async fn kb_article(state: State<'_, AppState>, id: String) -> AppResult<Article> {
    let a = state.store.article(&id).await?;
    Ok(Article {
        id: a.id.to_string(),
        title: a.title,
        category: a.category.unwrap_or_default(),
        body_html: a.body_html,
        updated_at: a.updated_at,
    })
}

// ---------------------------------------------------------------- settings and sync

/// The settings (and whether a secret is in the keyring).
#[tauri::command]
#[specta::specta]
pub async fn settings_get(state: State<'_, AppState>) -> AppResult<AppSettings> {
    let mut s = settings::load(&state.store).await?;
    s.connection.has_secret = settings::has_secret(&s);
    s.connection.has_app_token = settings::has_app_token(&s);
    Ok(s)
}

/// Saves the settings; a non-empty `secret` (password or token) and `app_token` (GLPI) go to
/// the keyring. Applies autostart at once.
#[tauri::command]
#[specta::specta]
pub async fn settings_save(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: AppSettings,
    secret: Option<String>,
    app_token: Option<String>,
) -> AppResult<AppSettings> {
    let new = settings;
    use tauri_plugin_autostart::ManagerExt;
    settings::validate(&new)?;
    let app_token = app_token.filter(|t| !t.is_empty());
    if new.connection.kind == settings::ServerKind::Glpi
        && new.connection.app_token
        && app_token.is_none()
        && !settings::has_app_token(&new)
    {
        return Err(AppError::invalid(
            "enter the App-Token of the GLPI API client",
        ));
    }
    if let Some(cfg) = settings::connector_config(&new) {
        if let Some(secret) = secret.filter(|s| !s.is_empty()) {
            let backend = guichet_sync::secret::store(&cfg.secret_account(), &secret)?;
            tracing::info!(%backend, "connection secret kept in the keyring");
        }
        if let Some(token) = app_token.filter(|_| cfg.kind == "glpi") {
            guichet_sync::secret::store(&guichet_glpi::app_token_account(&cfg), &token)?;
        }
    }
    settings::save(&state.store, &new, uuid::Uuid::new_v4(), Utc::now()).await?;
    let auto = app.autolaunch();
    let r = if new.autostart {
        auto.enable()
    } else {
        auto.disable()
    };
    if let Err(e) = r {
        tracing::warn!("autostart: {e}");
    }
    state.set_locale(new.locale);
    crate::tray::refresh(&app);
    settings_get(state).await
}

/// Tests a connection before it is saved: the server must answer and accept the credentials
/// (`secret`, or the one already in the keyring).
#[tauri::command]
#[specta::specta]
pub async fn connection_test(
    state: State<'_, AppState>,
    connection: Connection,
    secret: Option<String>,
    app_token: Option<String>,
) -> AppResult<ConnectionCheck> {
    let mut s = settings::load(&state.store).await?;
    s.connection = connection;
    settings::validate(&s)?;
    let nonempty = |x: Option<String>| x.filter(|x| !x.is_empty());
    let desk =
        match crate::sync_loop::open_unsaved(&state, &s, nonempty(secret), nonempty(app_token))
            .await
        {
            Ok(d) => d,
            // An unreachable server is a failed test, not an error of the form.
            Err(e) if e.code == crate::error::ErrorCode::Offline => {
                return Ok(ConnectionCheck {
                    ok: false,
                    server: None,
                    detail: Some(e.message),
                })
            }
            Err(e) => return Err(e),
        };
    let result = desk.connector().authenticate().await;
    desk.close().await;
    Ok(match result {
        Ok(()) => ConnectionCheck {
            ok: true,
            server: Some(desk.describe(s.connection.url.trim())),
            detail: None,
        },
        Err(e) => ConnectionCheck {
            ok: false,
            server: None,
            detail: Some(e.to_string()),
        },
    })
}

/// The sync status.
#[tauri::command]
#[specta::specta]
pub fn sync_status(state: State<'_, AppState>) -> SyncStatus {
    state.sync_status()
}

/// Syncs now, in the background; the status comes back through `SyncChanged` events.
#[tauri::command]
#[specta::specta]
pub async fn sync_now(app: AppHandle) -> AppResult<SyncStatus> {
    crate::sync_loop::run_once(&app).await
}

// ---------------------------------------------------------------- diagnostics

/// The OS locale, so the UI can follow it by default.
#[tauri::command]
#[specta::specta]
pub fn os_locale() -> String {
    sys_locale::get_locale().unwrap_or_else(|| "en".into())
}

/// Versions, folders and store facts for "About / diagnostics".
#[tauri::command]
#[specta::specta]
pub async fn diagnostics(state: State<'_, AppState>) -> AppResult<Diagnostics> {
    Ok(Diagnostics {
        version: env!("CARGO_PKG_VERSION").into(),
        data_dir: state.store.dir().display().to_string(),
        log_dir: state.log_dir.display().to_string(),
        log_file: crate::logging::newest(&state.log_dir).map(|p| p.display().to_string()),
        platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        os_locale: os_locale(),
        schema_versions: state.store.schema_versions().await?.into_iter().collect(),
        snapshot_count: state.store.snapshots().await?.len() as u64,
        outbox_count: state.store.outbox().await?.len() as u64,
    })
}

/// The UI's first screen is on display: the start-up timeline, with the page's own steps, is
/// logged (and `FIRST_SCREEN_EPOCH_MS=` printed on stderr when `GUICHET_BENCH` is set, for the
/// launch-time benchmark; see [`crate::startup`]).
#[tauri::command]
#[specta::specta]
pub fn ui_ready(steps: Vec<crate::startup::PageStep>) {
    crate::startup::first_screen(Utc::now().timestamp_millis(), &steps);
}

/// The app behind the first screen is live (the first screen is painted from static markup;
/// the app takes it over once its script has run): its steps join the timeline, logged again
/// (and `APP_LIVE_EPOCH_MS=` printed on stderr when `GUICHET_BENCH` is set), then the tray and
/// the background sync start.
#[tauri::command]
#[specta::specta]
pub fn ui_live(app: AppHandle, steps: Vec<crate::startup::PageStep>) {
    crate::startup::app_live(&app, Utc::now().timestamp_millis(), &steps);
}

/// The last `lines` lines of the newest log file.
#[tauri::command]
#[specta::specta]
pub async fn log_tail(state: State<'_, AppState>, lines: u32) -> AppResult<String> {
    let Some(file) = crate::logging::newest(&state.log_dir) else {
        return Ok(String::new());
    };
    Ok(crate::logging::tail(
        &std::fs::read_to_string(file)?,
        lines as usize,
    ))
}

/// Opens the log folder in the file manager.
#[tauri::command]
#[specta::specta]
pub fn open_log_folder(state: State<'_, AppState>) -> AppResult<()> {
    let opener = if cfg!(target_os = "windows") {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(&state.log_dir)
        .spawn()?;
    Ok(())
}
