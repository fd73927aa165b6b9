//! The app's settings. The interface preferences are one JSON value in the local store (one
//! write, so a save is all or nothing); the service-desk connection is the sync crate's
//! [`ConnectorConfig`], the same record `guichet connect` writes, so the app and the headless
//! agent share one connection. Secrets never touch the store: they go to the OS keyring through
//! [`guichet_sync::secret`].

use chrono::{DateTime, Utc};
use guichet_store::Store;
use guichet_sync::config::ConnectorConfig;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// Interface language choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum LocaleChoice {
    /// Follow the OS locale.
    System,
    /// Français.
    Fr,
    /// English.
    En,
}

/// Theme choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ThemeChoice {
    /// Follow the OS.
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// Which service desk Guichet talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ServerKind {
    /// Not connected: everything stays local.
    None,
    /// Request Tracker 5 (REST 2). (GLPI has no connector in the sync crate yet.)
    Rt,
}

/// Connection to the service desk (the secret is separate, in the keyring).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Connection {
    /// Which server.
    pub kind: ServerKind,
    /// Base URL, e.g. `https://rt.example.org`.
    pub url: String,
    /// Login on the server.
    pub username: String,
    /// RT queue where tickets are created.
    pub queue: String,
    /// Whether a secret is stored in the keyring for this connection (read-only for the UI).
    pub has_secret: bool,
}

/// Everything the settings page edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AppSettings {
    /// Interface language.
    pub locale: LocaleChoice,
    /// Theme.
    pub theme: ThemeChoice,
    /// Minutes between background syncs (5 to 1440).
    pub sync_interval_minutes: u32,
    /// HTTP(S) proxy URL, empty for none.
    pub proxy_url: String,
    /// Extra CA certificate file (PEM), empty for none.
    pub ca_file: String,
    /// Start Guichet (in the tray) when the user logs in.
    pub autostart: bool,
    /// Service desk connection.
    pub connection: Connection,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            locale: LocaleChoice::System,
            theme: ThemeChoice::System,
            sync_interval_minutes: 15,
            proxy_url: String::new(),
            ca_file: String::new(),
            autostart: false,
            connection: Connection {
                kind: ServerKind::None,
                url: String::new(),
                username: String::new(),
                queue: DEFAULT_QUEUE.into(),
                has_secret: false,
            },
        }
    }
}

/// Store key of the interface preferences (one JSON value).
const K_APP: &str = "app.settings";
/// RT queue used when none is given.
pub const DEFAULT_QUEUE: &str = "ServiceDesk";
/// Timeout of each request to the server, seconds.
const TIMEOUT_SECS: u64 = 30;

/// The interface preferences as stored (everything but the connection).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Prefs {
    locale: LocaleChoice,
    theme: ThemeChoice,
    sync_interval_minutes: u32,
    proxy_url: String,
    ca_file: String,
    autostart: bool,
}

/// The sync crate's connector record for these settings (`None`: not connected).
pub fn connector_config(s: &AppSettings) -> Option<ConnectorConfig> {
    match s.connection.kind {
        ServerKind::None => None,
        ServerKind::Rt => Some(ConnectorConfig {
            kind: "rt".into(),
            url: s.connection.url.trim().trim_end_matches('/').to_string(),
            user: s.connection.username.trim().to_string(),
            queue: match s.connection.queue.trim() {
                "" => DEFAULT_QUEUE.to_string(),
                q => q.to_string(),
            },
            ca_file: (!s.ca_file.trim().is_empty()).then(|| s.ca_file.trim().into()),
            timeout_secs: TIMEOUT_SECS,
        }),
    }
}

/// The HTTP options (extra CA, proxy, timeouts) of these settings.
pub fn http_options(s: &AppSettings) -> guichet_sync::http::HttpOptions {
    guichet_sync::http::HttpOptions {
        ca_file: (!s.ca_file.trim().is_empty()).then(|| s.ca_file.trim().into()),
        proxy: (!s.proxy_url.trim().is_empty()).then(|| s.proxy_url.trim().to_string()),
        timeout: std::time::Duration::from_secs(TIMEOUT_SECS),
        ..Default::default()
    }
}

/// Whether the keyring holds a secret for the connection (false when it is unreachable).
pub fn has_secret(s: &AppSettings) -> bool {
    connector_config(s).is_some_and(|c| guichet_sync::secret::load(&c.secret_account()).is_ok())
}

/// Loads the settings; missing values take their defaults. `has_secret` is left false: the
/// caller asks the keyring (kept out of here so tests need no keyring).
pub async fn load(store: &Store) -> AppResult<AppSettings> {
    let d = AppSettings::default();
    let prefs: Option<Prefs> = store
        .setting(K_APP)
        .await?
        .and_then(|j| serde_json::from_str(&j).ok());
    let mut s = match prefs {
        Some(p) => AppSettings {
            locale: p.locale,
            theme: p.theme,
            sync_interval_minutes: p.sync_interval_minutes,
            proxy_url: p.proxy_url,
            ca_file: p.ca_file,
            autostart: p.autostart,
            connection: d.connection.clone(),
        },
        None => d,
    };
    let cfg = ConnectorConfig::load(store).await?;
    if let Some(c) = cfg.filter(|c| c.kind == "rt") {
        s.connection = Connection {
            kind: ServerKind::Rt,
            url: c.url,
            username: c.user,
            queue: c.queue,
            has_secret: false,
        };
    }
    Ok(s)
}

/// Checks settings before anything is written: a refused value changes nothing.
pub fn validate(s: &AppSettings) -> AppResult<()> {
    if !(5..=1440).contains(&s.sync_interval_minutes) {
        return Err(AppError::invalid(
            "sync interval must be between 5 and 1440 minutes",
        ));
    }
    if !s.proxy_url.is_empty() && !is_http_url(&s.proxy_url) {
        return Err(AppError::invalid(
            "proxy must be an http:// or https:// URL",
        ));
    }
    if !s.ca_file.is_empty() && !std::path::Path::new(&s.ca_file).is_file() {
        return Err(AppError::invalid(format!(
            "CA file {} does not exist",
            s.ca_file
        )));
    }
    if s.connection.kind != ServerKind::None {
        if !is_http_url(&s.connection.url) {
            return Err(AppError::invalid(
                "server URL must start with http:// or https://",
            ));
        }
        if s.connection.username.trim().is_empty() {
            return Err(AppError::invalid("the server login is empty"));
        }
    }
    Ok(())
}

fn is_http_url(u: &str) -> bool {
    let u = u.trim();
    (u.starts_with("https://") && u.len() > 8) || (u.starts_with("http://") && u.len() > 7)
}

/// Validates then saves the settings (not the secret): the preferences in one write, then the
/// connector record (removed when disconnected). Nothing is written when validation fails.
pub async fn save(store: &Store, s: &AppSettings, now: DateTime<Utc>) -> AppResult<()> {
    validate(s)?;
    let prefs = Prefs {
        locale: s.locale,
        theme: s.theme,
        sync_interval_minutes: s.sync_interval_minutes,
        proxy_url: s.proxy_url.trim().to_string(),
        ca_file: s.ca_file.trim().to_string(),
        autostart: s.autostart,
    };
    let json = serde_json::to_string(&prefs)
        .map_err(|e| AppError::new(crate::error::ErrorCode::Failed, e.to_string()))?;
    store.set_setting(K_APP, &json, now).await?;
    match connector_config(s) {
        Some(c) => c.save(store, now).await?,
        // Disconnecting forgets the connection for the headless agent as well.
        None => {
            store
                .remove_setting(guichet_sync::config::CONNECTOR_KEY)
                .await?
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn settings_round_trip_and_bad_values_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        assert_eq!(load(&store).await.unwrap(), AppSettings::default());
        let mut s = AppSettings {
            locale: LocaleChoice::Fr,
            theme: ThemeChoice::Dark,
            sync_interval_minutes: 30,
            ..Default::default()
        };
        s.connection.kind = ServerKind::Rt;
        s.connection.url = "https://rt.example.org".into();
        s.connection.username = "alice".into();
        s.connection.queue = "Support".into();
        save(&store, &s, Utc::now()).await.unwrap();
        assert_eq!(load(&store).await.unwrap(), s);

        let mut bad = s.clone();
        bad.sync_interval_minutes = 1;
        bad.locale = LocaleChoice::En;
        let err = save(&store, &bad, Utc::now()).await.unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::Invalid);
        assert_eq!(load(&store).await.unwrap().locale, LocaleChoice::Fr);

        bad = s.clone();
        bad.connection.url = "rt.example.org".into();
        assert!(save(&store, &bad, Utc::now()).await.is_err());
    }
}
