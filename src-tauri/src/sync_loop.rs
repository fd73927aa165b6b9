//! Background sync: on a timer (the interval from the settings) and as soon as connectivity
//! returns. Publishes the status to the UI (`SyncChanged`) and to the tray.

use std::time::Duration;

use chrono::Utc;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use crate::error::{AppError, AppResult};
use crate::service_desk::{SyncState, SyncStatus};
use crate::settings::{self, ServerKind};
use crate::state::{AppState, SyncChanged};

/// How often connectivity is checked.
const PROBE_EVERY: Duration = Duration::from_secs(20);

/// `GUICHET_OFFLINE=1` makes the app behave as if the network were down (tests, demos).
pub fn forced_offline() -> bool {
    std::env::var_os("GUICHET_OFFLINE").is_some_and(|v| v == "1")
}

/// Whether the machine has a default route (Linux: `/proc/net/route`); elsewhere assumed online.
pub fn online() -> bool {
    if forced_offline() {
        return false;
    }
    match std::fs::read_to_string("/proc/net/route") {
        Ok(t) => has_default_route(&t),
        Err(_) => true,
    }
}

fn has_default_route(route_table: &str) -> bool {
    route_table
        .lines()
        .skip(1)
        .any(|l| l.split_whitespace().nth(1) == Some("00000000"))
}

fn publish(app: &AppHandle, f: impl FnOnce(&mut SyncStatus)) -> SyncStatus {
    let state = app.state::<AppState>();
    let status = {
        let mut s = state.sync.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut s);
        s.clone()
    };
    let _ = SyncChanged(status.clone()).emit(app);
    crate::tray::refresh(app);
    status
}

/// One sync attempt now: refreshes connectivity, then syncs when a server is configured.
pub async fn run_once(app: &AppHandle) -> AppResult<SyncStatus> {
    let state = app.state::<AppState>();
    let conf = settings::load(&state.store).await?;
    let online = online();
    let configured = conf.connection.kind != ServerKind::None;
    let status = publish(app, |s| {
        s.online = online;
        s.state = match (configured, online) {
            (false, _) => SyncState::NotConfigured,
            (true, false) => SyncState::Offline,
            (true, true) => SyncState::Idle,
        };
    });
    if configured && online {
        // The sync engine is not part of this build: say so rather than pretend.
        let err = AppError::unavailable("sync");
        publish(app, |s| {
            s.state = SyncState::Error;
            s.last_error = Some(err.message.clone());
        });
        return Err(err);
    }
    Ok(status)
}

/// Starts the background loop (timer + connectivity watch).
pub fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut was_online = online();
        let mut last_run = Utc::now();
        let _ = run_once(&app).await;
        loop {
            tokio::time::sleep(PROBE_EVERY).await;
            let interval = match settings::load(&app.state::<AppState>().store).await {
                Ok(s) => s.sync_interval_minutes,
                Err(_) => 15,
            };
            let now_online = online();
            let due = (Utc::now() - last_run).num_minutes() >= interval as i64;
            if (now_online && !was_online) || due {
                tracing::info!(reconnected = now_online && !was_online, "background sync");
                last_run = Utc::now();
                if let Err(e) = run_once(&app).await {
                    tracing::debug!("background sync: {e}");
                }
            } else if now_online != was_online {
                publish(&app, |s| s.online = now_online);
            }
            was_online = now_online;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::has_default_route;

    #[test]
    fn default_route_is_found_in_the_kernel_table() {
        let with =
            "Iface\tDestination\tGateway\nеth0\t00000000\t0102A8C0\neth0\t0002A8C0\t00000000\n";
        let without = "Iface\tDestination\tGateway\neth0\t0002A8C0\t00000000\n";
        assert!(has_default_route(with));
        assert!(!has_default_route(without));
    }
}
