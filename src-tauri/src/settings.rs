//! The app's settings: stored as small key/values in the local store (never secrets), with the
//! connection secret (API token or password) in the OS keyring under [`KEYRING_SERVICE`].

use chrono::{DateTime, Utc};
use guichet_store::Store;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// Keyring service name of Guichet's secrets.
pub const KEYRING_SERVICE: &str = "guichet";

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
    /// GLPI (REST API).
    Glpi,
    /// Request Tracker 5 (REST 2).
    Rt,
}

/// Connection to the service desk (the secret is separate, in the keyring).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Connection {
    /// Which server.
    pub kind: ServerKind,
    /// Base URL, e.g. `https://glpi.example.org` or `https://rt.example.org`.
    pub url: String,
    /// User name (RT) or app token name; may be empty with token authentication.
    pub username: String,
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
                has_secret: false,
            },
        }
    }
}

const K_LOCALE: &str = "app.locale";
const K_THEME: &str = "app.theme";
const K_INTERVAL: &str = "app.sync_interval_minutes";
const K_PROXY: &str = "app.proxy_url";
const K_CA: &str = "app.ca_file";
const K_AUTOSTART: &str = "app.autostart";
const K_KIND: &str = "connection.kind";
const K_URL: &str = "connection.url";
const K_USER: &str = "connection.username";

fn enum_str<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn parse_enum<T: for<'de> Deserialize<'de>>(s: Option<String>, default: T) -> T {
    s.and_then(|s| serde_json::from_value(serde_json::Value::String(s)).ok())
        .unwrap_or(default)
}

/// The keyring entry of a connection's secret: one per server kind and URL, so switching servers
/// never hands one server's token to another.
pub fn secret_entry(c: &Connection) -> AppResult<keyring::Entry> {
    let user = format!("{}:{}", enum_str(&c.kind), c.url.trim_end_matches('/'));
    Ok(keyring::Entry::new(KEYRING_SERVICE, &user)?)
}

/// Whether a secret is stored for the connection (false when the keyring is unreachable).
pub fn has_secret(c: &Connection) -> bool {
    c.kind != ServerKind::None
        && secret_entry(c)
            .and_then(|e| e.get_password().map_err(AppError::from))
            .is_ok()
}

/// Loads the settings; missing keys take their defaults. `has_secret` is left false: the caller
/// asks the keyring (kept out of here so tests need no keyring).
pub async fn load(store: &Store) -> AppResult<AppSettings> {
    let d = AppSettings::default();
    let interval = store
        .setting(K_INTERVAL)
        .await?
        .and_then(|s| s.parse().ok())
        .unwrap_or(d.sync_interval_minutes);
    Ok(AppSettings {
        locale: parse_enum(store.setting(K_LOCALE).await?, d.locale),
        theme: parse_enum(store.setting(K_THEME).await?, d.theme),
        sync_interval_minutes: interval,
        proxy_url: store.setting(K_PROXY).await?.unwrap_or_default(),
        ca_file: store.setting(K_CA).await?.unwrap_or_default(),
        autostart: store.setting(K_AUTOSTART).await?.as_deref() == Some("true"),
        connection: Connection {
            kind: parse_enum(store.setting(K_KIND).await?, d.connection.kind),
            url: store.setting(K_URL).await?.unwrap_or_default(),
            username: store.setting(K_USER).await?.unwrap_or_default(),
            has_secret: false,
        },
    })
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
    if s.connection.kind != ServerKind::None && !is_http_url(&s.connection.url) {
        return Err(AppError::invalid(
            "server URL must start with http:// or https://",
        ));
    }
    Ok(())
}

fn is_http_url(u: &str) -> bool {
    let u = u.trim();
    (u.starts_with("https://") && u.len() > 8) || (u.starts_with("http://") && u.len() > 7)
}

/// Validates then saves every setting (not the secret) in one pass.
pub async fn save(store: &Store, s: &AppSettings, now: DateTime<Utc>) -> AppResult<()> {
    validate(s)?;
    let pairs = [
        (K_LOCALE, enum_str(&s.locale)),
        (K_THEME, enum_str(&s.theme)),
        (K_INTERVAL, s.sync_interval_minutes.to_string()),
        (K_PROXY, s.proxy_url.trim().to_string()),
        (K_CA, s.ca_file.trim().to_string()),
        (K_AUTOSTART, s.autostart.to_string()),
        (K_KIND, enum_str(&s.connection.kind)),
        (K_URL, s.connection.url.trim().to_string()),
        (K_USER, s.connection.username.trim().to_string()),
    ];
    for (k, v) in pairs {
        store.set_setting(k, &v, now).await?;
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
