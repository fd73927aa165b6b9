//! Guichet's desktop app: a Tauri v2 shell over the Guichet crates.
//!
//! * [`commands`]: what the UI may call, thin wrappers over the crates; registered through
//!   [`specta_builder`], which also writes the typed TypeScript bindings (`ui/src/bindings.ts`;
//!   a test fails when the committed file drifts).
//! * [`state`]: the state managed once (store, last inventory, sync status) and the events.
//! * Long work (inventory, sync) runs on background tasks and reports progress by events.
//! * [`tray`], [`sync_loop`]: tray icon and background sync; single instance, autostart and
//!   notifications come from the official plugins.
//! * [`logging`]: rotating log files in the app's log folder; [`startup`]: what runs before the
//!   first screen, what waits for it, and the timeline.
//! * [`admin`]: the admin section (site machines, hand-entered assets, exports); [`labels`]:
//!   the assets' QR labels; [`dialogs`]: the save dialog every export goes through;
//!   [`bundles`]: offline bundles; [`agent`]: the scheduled agent; [`recovery`]: the screen
//!   shown, instead of a crash, when the store does not open.
//!
//! Blobs (screenshots, KB images) are served to the web view by the `guichet-blob` URI scheme.

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

pub mod admin;
pub mod agent;
pub mod bundles;
pub mod commands;
pub mod diagnosis_view;
pub mod dialogs;
pub mod error;
pub mod health;
pub mod jobs;
pub mod labels;
pub mod links;
pub mod log_file;
pub mod logging;
pub mod recovery;
pub mod screenshot;
pub mod self_help;
pub mod service_desk;
pub mod settings;
pub mod startup;
pub mod state;
pub mod sync_loop;
pub mod tray;
pub mod view;

use tauri::Manager;
use tauri_specta::{collect_commands, collect_events};

/// Registers every command and event: the single list behind the invoke handler and the bindings.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    use commands::{diagnostics, inventory, kb, settings, tickets};
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            inventory::inventory_collect,
            inventory::inventory_current,
            inventory::snapshot_list,
            inventory::snapshot_save,
            inventory::snapshot_view,
            inventory::snapshot_diff,
            inventory::inventory_export,
            inventory::machine_health,
            tickets::system_info_preview,
            tickets::attachment_add,
            tickets::attachment_screenshot,
            tickets::ticket_categories,
            tickets::ticket_create,
            tickets::ticket_list,
            tickets::ticket_thread,
            tickets::ticket_reply,
            tickets::attachment_save,
            kb::kb_search,
            kb::kb_categories,
            kb::kb_articles,
            kb::kb_article,
            crate::links::open_link,
            settings::settings_get,
            settings::settings_save,
            settings::connection_test,
            settings::sync_status,
            settings::sync_now,
            diagnostics::os_locale,
            diagnostics::diagnostics,
            diagnostics::log_tail,
            diagnostics::open_log_folder,
            diagnostics::ui_ready,
            diagnostics::ui_live,
            // Admin: the site register.
            crate::admin::site_import,
            crate::admin::site_machines,
            crate::admin::site_machine,
            crate::admin::site_export_glpi,
            crate::admin::asset_list,
            crate::admin::asset_save,
            crate::admin::site_export,
            crate::labels::asset_label,
            crate::labels::asset_labels_save,
            crate::bundles::bundle_own_key,
            crate::bundles::bundle_pick,
            crate::bundles::bundle_export,
            crate::bundles::bundle_inspect,
            crate::bundles::bundle_import,
            crate::agent::agent_status,
            crate::agent::agent_install,
            crate::agent::agent_uninstall,
            crate::recovery::store_trouble,
            crate::recovery::store_check,
            crate::recovery::store_repair,
            crate::recovery::app_restart,
            diagnostics::deflection_rate,
            diagnostics::report_solved,
            diagnostics::kb_suggest,
            diagnostics::fix_run,
            diagnostics::fix_plan,
            diagnostics::fix_list,
            diagnostics::fix_runs_recent,
            diagnostics::diagnose,
            settings::user_access,
        ])
        .events(collect_events![
            state::InventoryProgress,
            state::SyncChanged,
            state::Navigate
        ])
        .constant("FIELD_KEYS", view::FIELD_KEYS)
        .dangerously_cast_bigints_to_number()
        .disable_serde_phases()
}

/// The bindings file as [`specta_builder`] generates it.
pub fn bindings_typescript() -> String {
    let dir = std::env::temp_dir().join(format!("guichet-bindings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bindings.ts");
    specta_builder()
        .export(
            specta_typescript::Typescript::default().header("// Generated from the Rust commands by `cargo test -p guichet-app bindings` (GUICHET_WRITE_BINDINGS=1 to rewrite). Do not edit.\n"),
            &path,
        )
        .expect("export bindings");
    let text = std::fs::read_to_string(&path).expect("read bindings");
    let _ = std::fs::remove_dir_all(&dir);
    text
}

/// The data directory: `GUICHET_DATA_DIR`, else the per-user one.
/// Logs once (the next start finds nothing to fix) what the start closed to other users in
/// the store or the log folder, and what it could not.
fn log_mode_fixes(fixes: &guichet_store::ModeFixes, what: &str) {
    if !fixes.fixed.is_empty() {
        tracing::warn!(
            count = fixes.fixed.len(),
            "other users could read files of the {what}; they are now private (0700/0600)"
        );
    }
    for (path, why) in &fixes.failed {
        tracing::warn!(path = %path.display(), "other users can read this file of the {what}: {why}");
    }
}

pub(crate) fn data_dir() -> std::path::PathBuf {
    std::env::var_os("GUICHET_DATA_DIR")
        .map(Into::into)
        .or_else(guichet_store::default_data_dir)
        .unwrap_or_else(|| std::env::temp_dir().join("guichet"))
}

/// Runs the app.
pub fn run() {
    startup::begin();
    // JavaScriptCore's JIT compilers keep about 10 MiB resident in the web process (measured with
    // the start-up benchmark) for no visible gain in a UI of forms and lists; the interpreter
    // runs it fast enough. Set before WebKit starts its processes, which inherit it; an explicit
    // JSC_useJIT in the environment wins.
    if std::env::var_os("JSC_useJIT").is_none() {
        std::env::set_var("JSC_useJIT", "0");
    }
    // The store opens on a thread of its own while GTK starts and the window and its web view
    // are made (the setup hook below runs after that): on the main thread it held the window's
    // first events back by its whole opening time.
    let opening = std::thread::spawn(|| {
        let dir = data_dir();
        let opened = tauri::async_runtime::block_on(async {
            let store = guichet_store::Store::open(&dir).await?;
            if let Err(e) = settings::migrate_proxy_credentials(&store, chrono::Utc::now()).await {
                tracing::warn!("moving the proxy credentials to the keyring: {}", e.message);
            }
            let conf = settings::load(&store).await.unwrap_or_default();
            Ok::<_, guichet_store::StoreError>((store, conf))
        });
        startup::mark("store");
        (dir, opened)
    });
    let builder = specta_builder();
    let invoke = builder.invoke_handler();
    tauri::Builder::default()
        // First: a second launch only brings the running window forward.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| tray::show(app, None)))
        // The window stays on the app's own pages (see `links`).
        .plugin(links::guard())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--minimized"]),
        ))
        .invoke_handler(invoke)
        .register_uri_scheme_protocol("guichet-blob", |ctx, req| {
            blob_response(ctx.app_handle(), req.uri().path())
        })
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                startup::page_loaded(chrono::Utc::now().timestamp_millis());
            }
        })
        .setup(move |app| {
            startup::mark("setup");
            builder.mount_events(app);
            let log_dir = app.path().app_log_dir()?;
            let log_fixes = guichet_store::make_private(&log_dir);
            if let Some(guard) = logging::init(&log_dir) {
                // The guard flushes logs on drop: keep it for the app's lifetime.
                app.manage(guard);
            }
            let (dir, opened) = opening.join().map_err(|_| "the store's opening thread panicked")?;
            tracing::info!(data_dir = %dir.display(), version = env!("CARGO_PKG_VERSION"), "starting");
            log_mode_fixes(&log_fixes, "log folder");
            let (store, conf) = match opened {
                Ok(opened) => opened,
                // The window opens on the recovery screen instead (see `recovery`).
                Err(e) => {
                    tracing::error!(data_dir = %dir.display(), "the store did not open: {e}");
                    app.manage(recovery::StoreTrouble::new(&dir, &e));
                    return Ok(());
                }
            };
            log_mode_fixes(store.mode_fixes(), "store");
            let st = state::AppState::new(store, log_dir);
            st.start_with(&conf);
            app.manage(st);
            startup::mark("state");
            // The tray and the first sync wait for the first screen (see `startup`).
            startup::start_background_later(app.handle());
            if std::env::args().any(|a| a == "--minimized") {
                if let Some(w) = app.get_webview_window("main") {
                    let _ = w.hide();
                }
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing the window keeps Guichet in the tray (sync goes on); Quit is in the tray.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if std::env::var_os("GUICHET_EXIT_ON_CLOSE").is_none() {
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
        })
        .run(tauri::generate_context!())
        .expect("error while running Guichet");
}

/// Serves `guichet-blob://localhost/<sha256>` from the store's blobs (KB images, screenshots).
fn blob_response(app: &tauri::AppHandle, path: &str) -> tauri::http::Response<Vec<u8>> {
    let not_found = || {
        tauri::http::Response::builder()
            .status(404)
            .body(Vec::new())
            .expect("static response")
    };
    let Some(st) = app.try_state::<state::AppState>() else {
        return not_found();
    };
    let Ok(id) = guichet_store::BlobId::parse(path.trim_start_matches('/')) else {
        return not_found();
    };
    match st.store.blob(&id) {
        Ok(bytes) => tauri::http::Response::builder()
            .header("Content-Type", sniff_image(&bytes))
            .header("X-Content-Type-Options", "nosniff")
            .body(bytes)
            .unwrap_or_else(|_| not_found()),
        Err(_) => not_found(),
    }
}

fn sniff_image(b: &[u8]) -> &'static str {
    if b.starts_with(b"\x89PNG") {
        "image/png"
    } else if b.starts_with(&[0xff, 0xd8]) {
        "image/jpeg"
    } else if b.starts_with(b"GIF8") {
        "image/gif"
    } else if b.len() > 12 && &b[8..12] == b"WEBP" {
        "image/webp"
    } else {
        "application/octet-stream"
    }
}

#[cfg(test)]
mod tests {
    /// Regenerates or checks `ui/src/bindings.ts`: CI fails when the committed bindings drift
    /// from the Rust commands.
    #[test]
    fn bindings_are_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let fresh = super::bindings_typescript();
        if std::env::var_os("GUICHET_WRITE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/bindings.ts is stale: run GUICHET_WRITE_BINDINGS=1 cargo test -p guichet-app bindings"
        );
    }

    /// Each command must be declared in build.rs and allowed to the main window by name (least
    /// privilege); one that is not fails only in the real app (`open_link` did, in the e2e).
    #[test]
    fn every_command_the_ui_calls_is_allowed_to_the_main_window() {
        let bindings = super::bindings_typescript();
        let declared = include_str!("../build.rs");
        let allowed = include_str!("../capabilities/main.json");
        let commands: Vec<&str> = bindings
            .split("__TAURI_INVOKE")
            .skip(1)
            // `__TAURI_INVOKE("name"` or, typed, `__TAURI_INVOKE<T>("name"`.
            .filter_map(|rest| rest.split("(\"").nth(1)?.split('"').next())
            .collect();
        assert!(commands.len() > 40, "{commands:?}");
        for c in commands {
            assert!(
                declared.contains(&format!("\"{c}\"")),
                "{c} not declared in build.rs"
            );
            let permission = format!("\"allow-{}\"", c.replace('_', "-"));
            assert!(
                allowed.contains(&permission),
                "{c}: {permission} missing from capabilities/main.json"
            );
        }
    }

    #[test]
    fn images_are_sniffed_and_anything_else_is_not_served_as_html() {
        assert_eq!(super::sniff_image(b"\x89PNG\r\n"), "image/png");
        assert_eq!(super::sniff_image(b"<script>"), "application/octet-stream");
    }
}
