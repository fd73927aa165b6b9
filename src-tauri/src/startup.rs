//! Start-up: the order of work between launch and the first screen, and its timeline.
//!
//! Only what the first screen needs runs before it: the window, and the store with the settings
//! (opened on a thread of its own meanwhile). The page paints its first screen from static
//! markup ([`first_screen`]), then loads the app, which takes that markup over ([`app_live`]).
//! The tray icon and the background sync start once the app is live, or after [`LATE_START`]
//! when nothing gets painted (started minimised in the tray), so a slow status notifier or a
//! first sync never delays the window.
//!
//! Each step is timed from process start; the page's own steps (navigation, script, frame; then
//! the app's script, render and frame) come with those two signals and join the same timeline,
//! which is logged at each (one line on the diagnostics page explains a slow start) and, with
//! `GUICHET_BENCH` set, `FIRST_SCREEN_EPOCH_MS`, `APP_LIVE_EPOCH_MS` and the page's
//! `PAGE_NAVIGATION_EPOCH_MS` go to stderr for the start-up benchmark.

use std::sync::{Mutex, Once, OnceLock};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tauri::{AppHandle, Manager as _};

/// When the tray and the background sync start if no screen is painted before.
pub const LATE_START: Duration = Duration::from_secs(2);

/// Process start, as a monotonic instant and as wall-clock milliseconds since the Unix epoch
/// (the page reports its steps in wall-clock time).
static START: OnceLock<(Instant, i64)> = OnceLock::new();
static STEPS: Mutex<Vec<(String, i64)>> = Mutex::new(Vec::new());

/// Most page steps taken into the timeline, and the longest name kept: the page is ours, but
/// the log line stays one readable line whatever it sends.
const PAGE_STEPS_MAX: usize = 12;
const PAGE_STEP_NAME_MAX: usize = 32;

/// A step of the page's start-up, as the page measured it.
#[derive(Debug, Clone, PartialEq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PageStep {
    /// What was done: "navigation", "script", "rendered", "frame".
    pub step: String,
    /// When, in whole milliseconds since the Unix epoch (the page's `performance.timeOrigin`
    /// plus `performance.now()`).
    pub epoch_ms: i64,
}

static BACKGROUND: Once = Once::new();
static FIRST_SCREEN: Once = Once::new();
static APP_LIVE: Once = Once::new();

fn start() -> (Instant, i64) {
    *START.get_or_init(|| (Instant::now(), chrono::Utc::now().timestamp_millis()))
}

/// Marks process start; call first thing in `main`.
pub fn begin() {
    start();
}

/// Records that `step` is done, in milliseconds since [`begin`].
pub fn mark(step: &'static str) {
    let ms = start().0.elapsed().as_millis() as i64;
    record(step.to_owned(), ms);
}

fn record(step: String, ms: i64) {
    if let Ok(mut steps) = STEPS.lock() {
        steps.push((step, ms));
    }
}

/// Adds the page's steps, named `page <step>`, at their time since process start.
pub fn page_steps(steps: &[PageStep]) {
    let started = start().1;
    for s in steps.iter().take(PAGE_STEPS_MAX) {
        let name: String = s.step.chars().take(PAGE_STEP_NAME_MAX).collect();
        record(format!("page {name}"), s.epoch_ms - started);
    }
}

/// The steps recorded so far, as `step ms` pairs in time order.
pub fn timeline() -> String {
    let mut steps = STEPS.lock().map(|s| s.clone()).unwrap_or_default();
    // Stable: steps recorded in the same millisecond keep the order they were recorded in.
    steps.sort_by_key(|(_, ms)| *ms);
    steps
        .iter()
        .map(|(step, ms)| format!("{step} {ms} ms"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The page finished loading (its scripts ran; the first frame is not painted yet). With
/// `GUICHET_BENCH` set, `PAGE_LOADED_EPOCH_MS=` goes to stderr: the benchmark compares it with
/// the bare window's.
pub fn page_loaded(now_epoch_ms: i64) {
    mark("page loaded");
    if std::env::var_os("GUICHET_BENCH").is_some() {
        eprintln!("PAGE_LOADED_EPOCH_MS={now_epoch_ms}");
    }
}

/// The UI painted its first frame (`page` says how the page got there): log the timeline.
pub fn first_screen(now_epoch_ms: i64, page: &[PageStep]) {
    FIRST_SCREEN.call_once(|| {
        page_steps(page);
        mark("first screen");
        tracing::info!(epoch_ms = now_epoch_ms, timeline = %timeline(), "first screen");
        if std::env::var_os("GUICHET_BENCH").is_some() {
            if let Some(nav) = page.iter().find(|s| s.step == "navigation") {
                eprintln!("PAGE_NAVIGATION_EPOCH_MS={}", nav.epoch_ms);
            }
            eprintln!("FIRST_SCREEN_EPOCH_MS={now_epoch_ms}");
        }
    });
}

/// The app took over the first screen (see [`ui_live`](crate::commands::diagnostics::ui_live)): its steps
/// join the timeline, which is logged again; then the background work starts (not at the first
/// screen: the tray is made on the main thread, which also serves the app's script).
pub fn app_live(app: &AppHandle, now_epoch_ms: i64, page: &[PageStep]) {
    APP_LIVE.call_once(|| {
        page_steps(page);
        mark("app live");
        tracing::info!(epoch_ms = now_epoch_ms, timeline = %timeline(), "app live");
        if std::env::var_os("GUICHET_BENCH").is_some() {
            eprintln!("APP_LIVE_EPOCH_MS={now_epoch_ms}");
        }
    });
    start_background(app);
}

/// Starts the tray icon and the background sync, once. The tray is a GTK object: it is made
/// on the main thread.
pub fn start_background(app: &AppHandle) {
    // A store that did not open leaves nothing to sync (the recovery screen is shown).
    if app.try_state::<crate::state::AppState>().is_none() {
        return;
    }
    BACKGROUND.call_once(|| {
        let handle = app.clone();
        let made = app.run_on_main_thread(move || {
            match crate::tray::create(&handle) {
                Ok(()) => tracing::info!(
                    after_ms = start().0.elapsed().as_millis() as u64,
                    "tray icon made"
                ),
                Err(e) => tracing::warn!("tray icon: {e}"),
            }
            mark("tray");
        });
        if let Err(e) = made {
            tracing::warn!("tray icon: {e}");
        }
        crate::sync_loop::spawn(app.clone());
    });
}

/// Starts the background work after [`LATE_START`] unless the first screen did it before.
pub fn start_background_later(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(LATE_START).await;
        start_background(&app);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test: the timeline is process-wide.
    #[test]
    fn timeline_lists_own_and_page_steps_in_time_order() {
        begin();
        mark("store");
        mark("window");
        let started = start().1;
        page_steps(&[
            PageStep {
                step: "frame".into(),
                epoch_ms: started + 5_000,
            },
            PageStep {
                step: "navigation".into(),
                epoch_ms: started + 4_000,
            },
            PageStep {
                step: "x".repeat(100),
                epoch_ms: started + 6_000,
            },
        ]);
        let t = timeline();
        let at = |s: &str| t.find(s).unwrap_or_else(|| panic!("{s} missing from {t}"));
        assert!(at("store ") < at("window "), "{t}");
        assert!(at("window ") < at("page navigation 4000 ms"), "{t}");
        assert!(at("page navigation ") < at("page frame 5000 ms"), "{t}");
        assert!(
            t.ends_with(&format!("page {} 6000 ms", "x".repeat(32))),
            "{t}"
        );
    }
}
