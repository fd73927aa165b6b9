//! Settings and sync commands: read and save the settings, test a connection, the sync status
//! and a sync now.

use chrono::Utc;
use tauri::{AppHandle, State};

use crate::error::{AppError, AppResult};
use crate::service_desk::{ConnectionCheck, SyncStatus};
use crate::settings::{self, AppSettings, Connection};
use crate::state::AppState;

/// The settings (and whether a secret is in the keyring).
#[tauri::command]
#[specta::specta]
pub async fn settings_get(state: State<'_, AppState>) -> AppResult<AppSettings> {
    let mut s = settings::load(&state.store).await?;
    s.connection.has_secret = settings::has_secret(&s);
    s.connection.has_app_token = settings::has_app_token(&s);
    s.connection.has_api_client_secret =
        settings::has_oauth_secret(&s, &s.connection.api_client_id);
    s.connection.has_inventory_client_secret =
        settings::has_oauth_secret(&s, &s.connection.inventory_client_id);
    Ok(s)
}

/// Saves the settings; a non-empty `secret` (password or token), `app_token` and OAuth client
/// secrets (GLPI) go to the keyring. Applies autostart at once.
#[tauri::command]
#[specta::specta]
pub async fn settings_save(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: AppSettings,
    secret: Option<String>,
    app_token: Option<String>,
    oauth: Option<settings::OAuthSecrets>,
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
        if cfg.kind == "glpi" {
            settings::store_oauth_secrets(&cfg, &new.connection, &oauth.unwrap_or_default())?;
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
    oauth: Option<settings::OAuthSecrets>,
) -> AppResult<ConnectionCheck> {
    let mut s = settings::load(&state.store).await?;
    s.connection = connection;
    settings::validate(&s)?;
    let nonempty = |x: Option<String>| x.filter(|x| !x.is_empty());
    let api_client_secret = oauth.and_then(|o| nonempty(o.api_client_secret));
    let desk = match crate::sync_loop::open_unsaved(
        &state,
        &s,
        nonempty(secret),
        nonempty(app_token),
        api_client_secret,
    )
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

/// What this user may see beyond the self-service pages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct UserAccess {
    /// The site administration and the scheduled agent: granted by the machine's policy
    /// (`everyone_admin`, or membership of one of its `admin_groups`; without a policy file,
    /// the machine's administrators: see `guichet_core::ADMIN_GROUPS_WITHOUT_POLICY`).
    pub admin: bool,
}

/// What the machine's policy lets the current user see. A policy file that cannot be read
/// grants nothing (and is logged): a typo must not open the admin pages to everyone.
#[tauri::command]
#[specta::specta]
pub fn user_access() -> UserAccess {
    let path = guichet_core::policy_path();
    let admin = match guichet_core::read_access_policy(&path) {
        Ok(policy) => policy.grants_admin(&guichet_core::current_user_groups()),
        Err(e) => {
            tracing::warn!("{e}");
            false
        }
    };
    UserAccess { admin }
}
