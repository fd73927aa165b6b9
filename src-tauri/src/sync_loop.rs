//! Background sync: on a timer (the interval from the settings), as soon as connectivity
//! returns, and right after the user queues something. One pass of the sync crate's engine
//! (push the outbox, pull ticket changes and the knowledge base), with this machine's full
//! inventory queued first when GLPI is to receive it and asks for one; the status goes to the UI
//! (`SyncChanged`) and the tray, and a native notification says when a technician replied or a
//! ticket's status changed.

use std::time::Duration;

use chrono::Utc;
pub use guichet_core::ServiceDesk;
use guichet_glpi::{detect, GlpiProfile, GlpiSecrets, Secret};
use guichet_sync::Stop;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tauri_specta::Event;
use uuid::Uuid;

use crate::error::{AppError, AppResult, ErrorCode};
use crate::service_desk::{
    changes, connectivity, Connectivity, SyncState, SyncStatus, TicketChange,
};
use crate::settings::{self, AppSettings, ServerKind};
use crate::state::{AppState, SyncChanged};

/// How often connectivity is checked.
const PROBE_EVERY: Duration = Duration::from_secs(20);

/// [`PROBE_EVERY`], or `GUICHET_PROBE_SECS` seconds (at least 1): the long-run script
/// (scripts/long-run-app.sh) makes the loop pass every few seconds so that 500 passes fit in
/// half an hour instead of three.
fn probe_every() -> Duration {
    std::env::var("GUICHET_PROBE_SECS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(PROBE_EVERY, |s| Duration::from_secs(s.max(1)))
}

/// Time allowed for each source of the inventory sent with a background sync.
const INVENTORY_TIMEOUT: Duration = Duration::from_secs(30);

/// `GUICHET_OFFLINE=1` makes the app behave as if the network were down (tests, demos).
pub fn forced_offline() -> bool {
    std::env::var_os("GUICHET_OFFLINE").is_some_and(|v| v == "1")
}

/// Whether the machine has a default route (Linux: `/proc/net/route`); elsewhere assumed online.
pub fn online() -> bool {
    if forced_offline() {
        return false;
    }
    guichet_inventory::has_default_route().unwrap_or(true)
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

/// How GLPI's failures are worded for the app: the technical wording (code, English detail);
/// the UI words failures by code in its dictionaries.
const GLPI_WORDING: guichet_glpi::Wording = guichet_glpi::technical;

/// The connector of the saved settings `s`, with the secrets kept in the keyring (GLPI: the
/// API is detected now, see [`GlpiProfile::open_connector`]).
pub async fn open(state: &AppState, s: &AppSettings) -> AppResult<ServiceDesk> {
    let cfg = settings::connector_config(s)
        .ok_or_else(|| AppError::invalid("no server is configured"))?;
    let http = settings::http_options(s);
    Ok(guichet_core::open_desk(&state.store, &cfg, &http, GLPI_WORDING, Utc::now()).await?)
}

/// The connector for settings not saved yet (a connection test): `secret`, `app_token` and the
/// API client's secret when typed, else the ones in the keyring.
pub async fn open_unsaved(
    state: &AppState,
    s: &AppSettings,
    secret: Option<String>,
    app_token: Option<String>,
    api_client_secret: Option<String>,
) -> AppResult<ServiceDesk> {
    let cfg = settings::connector_config(s)
        .ok_or_else(|| AppError::invalid("no server is configured"))?;
    let secret = match secret {
        Some(x) => x,
        None => guichet_sync::secret::load(&cfg.secret_account())?,
    };
    if s.connection.kind != ServerKind::Glpi {
        return Ok(ServiceDesk::rt(&cfg, &settings::http_options(s), secret)?);
    }
    let old_cfg = guichet_sync::config::ConnectorConfig::load(&state.store)
        .await?
        .filter(|c| c.kind == "glpi");
    let old_profile = GlpiProfile::load(&state.store).await?;
    let profile =
        settings::glpi_profile(s, old_cfg.as_ref().zip(old_profile.as_ref()), Uuid::nil());
    let app_token = match (profile.app_token, app_token) {
        (false, _) => None,
        (true, Some(t)) => Some(Secret::new(t)),
        (true, None) => Some(Secret::new(guichet_sync::secret::load(
            &guichet_glpi::app_token_account(&cfg),
        )?)),
    };
    // GLPI 11's OAuth client: the secret typed, else the one in the keyring; without one the
    // test signs in through API v1 (which GLPI 11 keeps).
    let api_client_secret = match (&profile.api_client_id, api_client_secret) {
        (None, _) => None,
        (Some(_), Some(t)) => Some(Secret::new(t)),
        (Some(id), None) => guichet_sync::secret::load(&guichet_glpi::oauth_account(&cfg, id))
            .ok()
            .map(Secret::new),
    };
    let profile = GlpiProfile {
        api_client_id: profile
            .api_client_id
            .filter(|_| api_client_secret.is_some()),
        ..profile
    };
    let secrets = GlpiSecrets {
        user: Secret::new(secret),
        app_token,
        api_client_secret,
        inventory_client_secret: None,
    };
    let http = guichet_sync::http::client(&settings::http_options(s))?;
    let detection = detect(&http, &cfg.url, profile.can_use_v2())
        .await
        .map_err(|e| AppError::new(ErrorCode::Offline, e.to_string()))?;
    let c = profile
        .connector(&cfg, http, &secrets, detection)
        .map_err(|e| AppError::invalid(e.to_string()))?;
    Ok(ServiceDesk::glpi(c, GLPI_WORDING))
}

/// Publishes the number of queued items (after the user queued or read something).
pub async fn refresh_queue(app: &AppHandle) {
    let queued = app
        .state::<AppState>()
        .store
        .outbox()
        .await
        .map(|q| q.len() as u32);
    if let Ok(n) = queued {
        publish(app, |s| s.queued = n);
    }
}

/// Something was queued: publish the queue and try to send it now, in the background.
pub fn kick(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        refresh_queue(&app).await;
        if let Err(e) = run_once(&app).await {
            tracing::debug!("sync after queuing: {e}");
        }
    });
}

fn notify(app: &AppHandle, title: &str, what: TicketChange) {
    let fr = app.state::<AppState>().ui_locale().starts_with("fr");
    let body = match (what, fr) {
        (TicketChange::Replied, true) => "Un technicien a répondu.".to_string(),
        (TicketChange::Replied, false) => "A technician replied.".to_string(),
        (TicketChange::Status(s), true) => {
            format!("Nouveau statut : {}", crate::tray::status_label(s, true))
        }
        (TicketChange::Status(s), false) => {
            format!("New status: {}", crate::tray::status_label(s, false))
        }
    };
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!("notification: {e}");
    }
}

/// One sync attempt now: refreshes connectivity and the queue, then runs one engine pass when a
/// server is configured and the network is up. Only one pass runs at a time.
pub async fn run_once(app: &AppHandle) -> AppResult<SyncStatus> {
    let state = app.state::<AppState>();
    let _one_at_a_time = state.syncing.lock().await;
    let conf = settings::load(&state.store).await?;
    let online = online();
    let configured = settings::connector_config(&conf).is_some();
    let queued = state.store.outbox().await?.len() as u32;
    let status = publish(app, |s| {
        // A desk that did not answer stays "unreachable" until it answers again.
        let answered = (s.connectivity == Connectivity::DeskUnreachable).then_some(false);
        s.connectivity = connectivity(online, configured, answered);
        s.online = online;
        s.queued = queued;
        s.state = match (configured, online) {
            (false, _) => SyncState::NotConfigured,
            (true, false) => SyncState::Offline,
            (true, true) => SyncState::Syncing,
        };
    });
    if !(configured && online) {
        return Ok(status);
    }
    let result = pass(app, &conf).await;
    let queued = state
        .store
        .outbox()
        .await
        .map(|q| q.len() as u32)
        .unwrap_or(queued);
    let status = publish(app, |s| {
        s.queued = queued;
        match &result {
            Ok(()) => {
                s.connectivity = Connectivity::Connected;
                s.state = SyncState::Idle;
                s.last_sync = Some(Utc::now());
                s.last_error = None;
            }
            Err(e) => {
                s.state = if e.code == ErrorCode::Offline {
                    SyncState::Offline
                } else {
                    SyncState::Error
                };
                s.online = e.code != ErrorCode::Offline;
                s.connectivity = connectivity(true, true, Some(s.online));
                s.last_error = Some(e.message.clone());
            }
        }
    });
    result.map(|()| status)
}

async fn pass(app: &AppHandle, conf: &AppSettings) -> AppResult<()> {
    let state = app.state::<AppState>();
    let desk = open(&state, conf).await?;
    if conf.connection.kind == ServerKind::Glpi && conf.connection.send_inventory {
        // The same full inventory as `guichet agent run`, at the contact times GLPI asks for;
        // a failure here leaves tickets to sync.
        let now = Utc::now();
        if let Err(e) =
            guichet_core::background_inventory(&state.store, "glpi", INVENTORY_TIMEOUT, now).await
        {
            tracing::warn!("inventory not queued: {e}");
        }
    }
    let before = state.store.tickets().await?;
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::from_os_rng();
    let http = settings::http_options(conf);
    let report = guichet_core::run_pass(&state.store, &desk, &http, Utc::now(), &mut rng).await?;
    tracing::info!(
        pushed = report.pushed.len(),
        pulled = report.pulled(),
        deferred = report.deferred.len(),
        "sync pass"
    );
    for (title, what) in changes(&before, &state.store.tickets().await?) {
        notify(app, &title, what);
    }
    match report.stopped {
        Some(Stop::Offline(m)) => Err(AppError::new(ErrorCode::Offline, m)),
        Some(Stop::Auth(m)) => Err(AppError::new(ErrorCode::Auth, m)),
        Some(Stop::Busy(m)) => Err(AppError::new(ErrorCode::Busy, m)),
        // A server past Guichet's limits (endless answers, a decompression bomb).
        Some(Stop::OverLimit(m)) => Err(AppError::new(ErrorCode::Failed, m)),
        // Entries the server did not take make the status an error, with their reasons.
        None if !report.errors.is_empty() || !report.deferred.is_empty() => Err(AppError::new(
            ErrorCode::Failed,
            report.problems().join("; "),
        )),
        None => Ok(()),
    }
}

/// Starts the background loop (timer + connectivity watch).
pub fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut was_online = online();
        let mut last_run = Utc::now();
        let _ = run_once(&app).await;
        loop {
            tokio::time::sleep(probe_every()).await;
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
                publish(&app, |s| {
                    s.online = now_online;
                    let configured = s.state != SyncState::NotConfigured;
                    s.connectivity = connectivity(now_online, configured, None);
                });
            }
            was_online = now_online;
        }
    });
}
