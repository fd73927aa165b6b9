//! The tray icon: report a problem, open, sync now, sync status (online/offline, queued items),
//! quit. Its labels follow the app's language (settings, else the OS locale).

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};
use tauri_specta::Event;

use crate::service_desk::{Connectivity, SyncState, SyncStatus};
use crate::state::{AppState, Navigate};

const TRAY_ID: &str = "guichet-tray";

/// Tray labels in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Labels {
    report: &'static str,
    open: &'static str,
    sync_now: &'static str,
    quit: &'static str,
    no_network: &'static str,
    no_desk: &'static str,
    desk_unreachable: &'static str,
    connected: &'static str,
    syncing: &'static str,
    error: &'static str,
    queued: &'static str,
}

/// Labels for a BCP 47 locale: French for `fr*`, English otherwise.
pub fn labels(locale: &str) -> Labels {
    if locale.to_ascii_lowercase().starts_with("fr") {
        Labels {
            report: "Signaler un problème…",
            open: "Ouvrir Guichet",
            sync_now: "Synchroniser maintenant",
            quit: "Quitter",
            no_network: "Pas de réseau",
            no_desk: "Aucun service d’assistance configuré",
            desk_unreachable: "Service d’assistance injoignable",
            connected: "Connecté au service d’assistance",
            syncing: "Synchronisation…",
            error: "Erreur de synchronisation",
            queued: "en attente",
        }
    } else {
        Labels {
            report: "Report a problem…",
            open: "Open Guichet",
            sync_now: "Sync now",
            quit: "Quit",
            no_network: "No network",
            no_desk: "No service desk set up",
            desk_unreachable: "Service desk unreachable",
            connected: "Connected to the service desk",
            syncing: "Syncing…",
            error: "Sync error",
            queued: "queued",
        }
    }
}

/// The status line: connectivity (the UI's words for it), sync activity, queued items.
pub fn status_line(l: &Labels, s: &SyncStatus) -> String {
    let net = match s.connectivity {
        Connectivity::NoNetwork => l.no_network,
        Connectivity::NoDesk => l.no_desk,
        Connectivity::DeskUnreachable => l.desk_unreachable,
        Connectivity::Connected => l.connected,
    };
    let state = match s.state {
        SyncState::Syncing => Some(l.syncing),
        SyncState::Error => Some(l.error),
        SyncState::NotConfigured | SyncState::Idle | SyncState::Offline => None,
    };
    match state {
        Some(st) => format!("{net} · {st} · {} {}", s.queued, l.queued),
        None => format!("{net} · {} {}", s.queued, l.queued),
    }
}

/// A ticket status in the user's language (notifications).
pub fn status_label(s: crate::service_desk::TicketStatus, fr: bool) -> &'static str {
    use crate::service_desk::TicketStatus::*;
    match (s, fr) {
        (Queued, true) => "en attente d'envoi",
        (Queued, false) => "queued",
        (New, true) => "nouveau",
        (New, false) => "new",
        (Open, true) => "en cours",
        (Open, false) => "in progress",
        (Waiting, true) => "en attente de votre réponse",
        (Waiting, false) => "waiting for you",
        (Resolved, true) => "résolu",
        (Resolved, false) => "resolved",
        (Closed, true) => "clos",
        (Closed, false) => "closed",
        (Failed, true) => "refusé par le serveur",
        (Failed, false) => "refused by the server",
    }
}

fn app_locale(app: &AppHandle) -> String {
    app.state::<AppState>().ui_locale()
}

fn menu(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    let l = labels(&app_locale(app));
    let status = status_line(&l, &app.state::<AppState>().sync_status());
    Menu::with_items(
        app,
        &[
            &MenuItem::with_id(app, "report", l.report, true, None::<&str>)?,
            &MenuItem::with_id(app, "open", l.open, true, None::<&str>)?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "sync", l.sync_now, true, None::<&str>)?,
            &MenuItem::with_id(app, "status", status, false, None::<&str>)?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "quit", l.quit, true, None::<&str>)?,
        ],
    )
}

/// Shows and focuses the main window, optionally on a page.
pub fn show(app: &AppHandle, page: Option<&str>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
    if let Some(page) = page {
        let _ = Navigate { page: page.into() }.emit(app);
    }
}

/// Creates the tray icon.
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let mut b = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Guichet")
        .menu(&menu(app)?)
        .on_menu_event(|app, ev| match ev.id().as_ref() {
            "report" => show(app, Some("report")),
            "open" => show(app, None),
            "sync" => {
                let app = app.clone();
                tauri::async_runtime::spawn(async move {
                    let _ = crate::sync_loop::run_once(&app).await;
                });
            }
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        b = b.icon(icon.clone());
    }
    b.build(app)?;
    Ok(())
}

/// Rebuilds the tray menu (language or status changed).
pub fn refresh(app: &AppHandle) {
    let app2 = app.clone();
    // Menus must be touched on the main thread.
    let _ = app.run_on_main_thread(move || {
        if let (Some(tray), Ok(m)) = (app2.tray_by_id(TRAY_ID), menu(&app2)) {
            let _ = tray.set_menu(Some(m));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_line_says_connectivity_state_and_queue_in_the_users_language() {
        let s = SyncStatus {
            state: SyncState::Offline,
            connectivity: Connectivity::NoNetwork,
            online: false,
            queued: 2,
            last_sync: None,
            last_error: None,
        };
        assert_eq!(
            status_line(&labels("fr-FR"), &s),
            "Pas de réseau · 2 en attente"
        );
        let s = SyncStatus {
            state: SyncState::NotConfigured,
            connectivity: Connectivity::NoDesk,
            online: true,
            ..s
        };
        assert_eq!(
            status_line(&labels("en_GB"), &s),
            "No service desk set up · 2 queued"
        );
    }

    /// One word for one state: the tray says each connectivity state exactly as the UI's
    /// dictionaries do (`connectivity.<id>` in ui/src/i18n/{fr,en}.ts).
    #[test]
    fn the_tray_words_connectivity_as_the_ui_dictionaries_do() {
        for (dict, l) in [
            (include_str!("../../ui/src/i18n/fr.ts"), labels("fr")),
            (include_str!("../../ui/src/i18n/en.ts"), labels("en")),
        ] {
            for (id, word) in [
                ("no_network", l.no_network),
                ("no_desk", l.no_desk),
                ("desk_unreachable", l.desk_unreachable),
                ("connected", l.connected),
            ] {
                let entry = format!("\"connectivity.{id}\": \"{word}\"");
                assert!(dict.contains(&entry), "missing {entry}");
            }
        }
    }
}
