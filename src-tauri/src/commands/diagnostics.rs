//! Diagnostics commands: "Check my computer" (the checks, the articles they suggest, the fix-it
//! actions with their plan first), the suggestions while a report's title is typed and "this
//! solved my problem", then the OS locale, the about page's facts, the start-up timeline's
//! signals and the logs.

use chrono::Utc;
use serde::Serialize;
use tauri::{AppHandle, State};

use crate::diagnosis_view::{
    diagnosis_view, DeflectionView, DiagnosisView, FixEntryView, FixRunView, OutcomeView, PlanView,
    SuggestionView,
};
use crate::error::AppResult;
use crate::self_help;
use crate::state::AppState;

/// How many articles a diagnosis or a title suggests at most.
const SUGGESTIONS: usize = 5;

/// Runs every check ("Check my computer", and when a report starts), with the articles
/// suggested for what failed.
#[tauri::command]
#[specta::specta]
pub async fn diagnose(state: State<'_, AppState>) -> AppResult<DiagnosisView> {
    let d = self_help::diagnose(&state.store, Utc::now()).await?;
    let lang = self_help::lang(&state.ui_locale());
    let suggestions = self_help::suggestions(&state.store, &d, lang, SUGGESTIONS).await;
    *state.diagnosis.lock().await = Some(d.clone());
    Ok(diagnosis_view(d, suggestions))
}

/// Reports solved by an article instead of a ticket (the admin indicators).
#[tauri::command]
#[specta::specta]
pub async fn deflection_rate(state: State<'_, AppState>) -> AppResult<DeflectionView> {
    self_help::deflection_rate(&state.store, Utc::now()).await
}

/// What the fix-it action `id` would do, shown before the user confirms.
#[tauri::command]
#[specta::specta]
pub async fn fix_plan(state: State<'_, AppState>, id: String) -> AppResult<PlanView> {
    Ok(self_help::plan_fix(&state.store, &id, Utc::now())
        .await?
        .into())
}

/// Runs the fix-it action `id` once the user confirmed its plan; how it went.
#[tauri::command]
#[specta::specta]
pub async fn fix_run(state: State<'_, AppState>, id: String) -> AppResult<OutcomeView> {
    Ok(self_help::run_fix(&state.store, &id, Utc::now())
        .await?
        .into())
}

/// Every fix-it action, offered on "Check my computer" whatever the checks found.
#[tauri::command]
#[specta::specta]
pub async fn fix_list(state: State<'_, AppState>) -> AppResult<Vec<FixEntryView>> {
    self_help::fix_list(&state.store, Utc::now()).await
}

/// The fix-it runs of this session, newest first, which a report may attach.
#[tauri::command]
#[specta::specta]
pub async fn fix_runs_recent(state: State<'_, AppState>) -> AppResult<Vec<FixRunView>> {
    self_help::recent_fix_runs(&state.store, state.started_at).await
}

/// Articles matching a report's title as it is typed (offline).
#[tauri::command]
#[specta::specta]
pub async fn kb_suggest(
    state: State<'_, AppState>,
    title: String,
) -> AppResult<Vec<SuggestionView>> {
    let lang = self_help::lang(&state.ui_locale());
    self_help::suggest_for_title(&state.store, &title, lang, SUGGESTIONS).await
}

/// "This solved my problem": the report closes without a ticket; counted locally.
#[tauri::command]
#[specta::specta]
pub async fn report_solved(
    state: State<'_, AppState>,
    title: String,
    article: Option<String>,
) -> AppResult<()> {
    self_help::record_deflection(&state.store, Utc::now(), &title, article.as_deref()).await
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
