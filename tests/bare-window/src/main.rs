//! The benchmark's baseline: a bare Tauri window with a one-line page, built with the same Tauri
//! version, profile and features as Guichet, so the difference in start-up time and memory is
//! what Guichet itself adds. Its only command reports the first painted frame, the same end
//! point Guichet's `ui_ready` reports; the page-load event is reported too.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn epoch_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

/// The page's first frame is painted (called once by `dist/paint.js`); `navigation` is when the
/// page's navigation started, in milliseconds since the Unix epoch.
#[tauri::command]
fn painted(navigation: i64) {
    eprintln!("PAGE_NAVIGATION_EPOCH_MS={navigation}");
    eprintln!("FIRST_SCREEN_EPOCH_MS={}", epoch_ms());
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![painted])
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                eprintln!("PAGE_LOADED_EPOCH_MS={}", epoch_ms());
            }
        })
        .run(tauri::generate_context!())
        .expect("error while running the bare window");
}
