//! Start-up: the order of work between launch and the first screen, and its timeline.
//!
//! Only what the first screen needs runs before it: the store, the settings and the window. The
//! tray icon and the background sync start once the first screen is painted ([`first_screen`]),
//! or after [`LATE_START`] when no screen gets painted (started minimised in the tray), so a
//! slow status notifier or a first sync never delays the window.
//!
//! Each step is timed from process start; the whole timeline is logged once at the first screen
//! (one line on the diagnostics page explains a slow start) and, with `GUICHET_BENCH` set,
//! `FIRST_SCREEN_EPOCH_MS` goes to stderr for the start-up benchmark.

use std::sync::{Mutex, Once, OnceLock};
use std::time::{Duration, Instant};

use tauri::AppHandle;

/// When the tray and the background sync start if no screen is painted before.
pub const LATE_START: Duration = Duration::from_secs(2);

static START: OnceLock<Instant> = OnceLock::new();
static STEPS: Mutex<Vec<(&'static str, u64)>> = Mutex::new(Vec::new());
static BACKGROUND: Once = Once::new();
static FIRST_SCREEN: Once = Once::new();

/// Marks process start; call first thing in `main`.
pub fn begin() {
    START.get_or_init(Instant::now);
}

/// Records that `step` is done, in milliseconds since [`begin`].
pub fn mark(step: &'static str) {
    let ms = START.get_or_init(Instant::now).elapsed().as_millis() as u64;
    if let Ok(mut steps) = STEPS.lock() {
        steps.push((step, ms));
    }
}

/// The steps recorded so far, as `step ms` pairs in order.
pub fn timeline() -> String {
    let steps = STEPS.lock().map(|s| s.clone()).unwrap_or_default();
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

/// The UI painted its first frame: log the timeline, then start the background work.
pub fn first_screen(app: &AppHandle, now_epoch_ms: i64) {
    FIRST_SCREEN.call_once(|| {
        mark("first screen");
        tracing::info!(epoch_ms = now_epoch_ms, timeline = %timeline(), "first screen");
        if std::env::var_os("GUICHET_BENCH").is_some() {
            eprintln!("FIRST_SCREEN_EPOCH_MS={now_epoch_ms}");
        }
    });
    start_background(app);
}

/// Starts the tray icon and the background sync, once. The tray is a GTK object: it is made
/// on the main thread.
pub fn start_background(app: &AppHandle) {
    BACKGROUND.call_once(|| {
        let handle = app.clone();
        let made = app.run_on_main_thread(move || {
            if let Err(e) = crate::tray::create(&handle) {
                tracing::warn!("tray icon: {e}");
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
    #[test]
    fn timeline_lists_steps_in_order_with_their_times() {
        super::begin();
        super::mark("store");
        super::mark("window");
        let t = super::timeline();
        let store = t.find("store ").expect("store step");
        let window = t.find("window ").expect("window step");
        assert!(store < window, "{t}");
        assert!(t.contains(" ms"), "{t}");
    }
}
