//! The benchmark's baseline: a bare Tauri window with a one-line page and no commands, built with
//! the same Tauri version, profile and features as Guichet, so the difference in start-up time
//! and memory is what Guichet itself adds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        // Same measurement point as Guichet's `ui_ready`: the page is on display.
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                let ms = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_millis())
                    .unwrap_or(0);
                eprintln!("FIRST_SCREEN_EPOCH_MS={ms}");
            }
        })
        .run(tauri::generate_context!())
        .expect("error while running the bare window");
}
