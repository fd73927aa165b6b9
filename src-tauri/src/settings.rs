//! The app's settings. The interface preferences are one JSON value in the local store (one
//! write, so a save is all or nothing); the service-desk connection is the sync crate's
//! [`ConnectorConfig`], the same record `guichet connect` writes, so the app and the headless
//! agent share one connection; for GLPI, the sign-in and inventory options are the GLPI crate's
//! [`GlpiProfile`], again the record `guichet connect glpi` writes. Secrets never touch the
//! store: they go to the OS keyring through [`guichet_sync::secret`], the proxy's login and
//! password too ([`guichet_sync::proxy`]; older stores kept them in the preferences and have
//! them moved out when read, [`migrate_proxy_credentials`]).

use chrono::{DateTime, Utc};
use guichet_glpi::{GlpiProfile, InventoryProfile};
use guichet_store::Store;
use guichet_sync::config::ConnectorConfig;
use guichet_sync::secret::SecretStore;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
    /// Request Tracker 5 (REST 2).
    Rt,
    /// GLPI 10 or 11 (REST API v1, or the high-level API v2 when configured with the headless
    /// agent), with native inventory submission.
    Glpi,
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
    /// GLPI: sign in with the login and its password; otherwise with a user token (the
    /// "remote access key" of the user's preferences), and the login is not used.
    pub password_login: bool,
    /// GLPI: the server's API client requires an App-Token (kept in the keyring).
    pub app_token: bool,
    /// GLPI: send this computer's inventory to the server's native inventory endpoint.
    pub send_inventory: bool,
    /// GLPI: the inventory endpoint; empty for `URL/front/inventory.php`.
    pub inventory_url: String,
    /// GLPI 11: the OAuth client (password grant) of the high-level API v2, empty for none (API
    /// v1). Used only with `password_login`: the grant needs the login and its password.
    pub api_client_id: String,
    /// GLPI 11: the OAuth client (client credentials, scope `inventory`) of an inventory
    /// endpoint that requires authentication, empty for none.
    pub inventory_client_id: String,
    /// Whether a secret is stored in the keyring for this connection (read-only for the UI).
    pub has_secret: bool,
    /// GLPI: whether an App-Token is stored in the keyring (read-only for the UI).
    pub has_app_token: bool,
    /// GLPI: whether the API client's secret is in the keyring (read-only for the UI).
    pub has_api_client_secret: bool,
    /// GLPI: whether the inventory client's secret is in the keyring (read-only for the UI).
    pub has_inventory_client_secret: bool,
}

/// The OAuth client secrets typed in the settings (GLPI 11); empty or absent ones are kept as
/// they are in the keyring.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct OAuthSecrets {
    /// Secret of [`Connection::api_client_id`].
    pub api_client_secret: Option<String>,
    /// Secret of [`Connection::inventory_client_id`].
    pub inventory_client_secret: Option<String>,
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
    /// HTTP(S) proxy URL, empty for none. A login and password typed in it
    /// (`http://user:pw@proxy:3128`) go to the keyring; the URL read back has none.
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
                password_login: false,
                app_token: false,
                send_inventory: true,
                inventory_url: String::new(),
                api_client_id: String::new(),
                inventory_client_id: String::new(),
                has_secret: false,
                has_app_token: false,
                has_api_client_secret: false,
                has_inventory_client_secret: false,
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
    let c = &s.connection;
    let (kind, user, queue) = match c.kind {
        ServerKind::None => return None,
        ServerKind::Rt => (
            "rt",
            c.username.trim().to_string(),
            match c.queue.trim() {
                "" => DEFAULT_QUEUE.to_string(),
                q => q.to_string(),
            },
        ),
        // As `guichet connect glpi` keeps it: no login with a user token (the keyring account
        // is then the same for the app and the agent), no queue.
        ServerKind::Glpi => (
            "glpi",
            if c.password_login {
                c.username.trim().to_string()
            } else {
                String::new()
            },
            String::new(),
        ),
    };
    Some(ConnectorConfig {
        kind: kind.into(),
        url: c.url.trim().trim_end_matches('/').to_string(),
        user,
        queue,
        ca_file: (!s.ca_file.trim().is_empty()).then(|| s.ca_file.trim().into()),
        timeout_secs: TIMEOUT_SECS,
        // The app offers no exception: plain http only to this machine (see `validate`).
        allow_insecure_http: false,
    })
}

/// The GLPI profile for these settings, OAuth clients included. The machine's `GLPI-Agent-ID`
/// is kept from `existing` (a new one, `new_agent_id`, only if there was none: GLPI recognises
/// the computer by it).
pub fn glpi_profile(
    s: &AppSettings,
    existing: Option<(&ConnectorConfig, &GlpiProfile)>,
    new_agent_id: Uuid,
) -> GlpiProfile {
    let c = &s.connection;
    let url = c.url.trim().trim_end_matches('/');
    let agent_id = existing
        .and_then(|(_, p)| p.inventory.as_ref())
        .map_or(new_agent_id, |i| i.agent_id);
    let non_empty = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    GlpiProfile {
        password_login: c.password_login,
        app_token: c.app_token,
        api_client_id: non_empty(&c.api_client_id).filter(|_| c.password_login),
        inventory: c.send_inventory.then(|| InventoryProfile {
            url: match c.inventory_url.trim() {
                "" => format!("{url}/{}", guichet_glpi::profile::DEFAULT_INVENTORY_PATH),
                u => u.trim_end_matches('/').to_string(),
            },
            client_id: non_empty(&c.inventory_client_id),
            agent_id,
        }),
    }
}

/// The HTTP options (extra CA, proxy, timeouts) of these settings.
pub fn http_options(s: &AppSettings) -> guichet_sync::http::HttpOptions {
    guichet_sync::http::HttpOptions {
        ca_file: (!s.ca_file.trim().is_empty()).then(|| s.ca_file.trim().into()),
        proxy: (!s.proxy_url.trim().is_empty()).then(|| {
            guichet_sync::proxy::with_credentials(s.proxy_url.trim(), &SecretStore::Keyring)
        }),
        timeout: std::time::Duration::from_secs(TIMEOUT_SECS),
        ..Default::default()
    }
}

/// Whether the keyring holds a secret for the connection (false when it is unreachable).
pub fn has_secret(s: &AppSettings) -> bool {
    connector_config(s).is_some_and(|c| guichet_sync::secret::load(&c.secret_account()).is_ok())
}

/// Keeps the OAuth client secrets typed in the settings in the keyring, each under its client.
pub fn store_oauth_secrets(
    cfg: &ConnectorConfig,
    c: &Connection,
    oauth: &OAuthSecrets,
) -> AppResult<()> {
    let pairs = [
        (c.api_client_id.trim(), oauth.api_client_secret.as_deref()),
        (
            c.inventory_client_id.trim(),
            oauth.inventory_client_secret.as_deref(),
        ),
    ];
    for (id, secret) in pairs {
        if let Some(secret) = secret.filter(|s| !s.is_empty() && !id.is_empty()) {
            guichet_sync::secret::store(&guichet_glpi::oauth_account(cfg, id), secret)?;
        }
    }
    Ok(())
}

/// Whether the keyring holds the secret of OAuth client `id` for the connection.
pub fn has_oauth_secret(s: &AppSettings, id: &str) -> bool {
    !id.trim().is_empty()
        && connector_config(s)
            .filter(|c| c.kind == "glpi")
            .is_some_and(|c| {
                guichet_sync::secret::load(&guichet_glpi::oauth_account(&c, id.trim())).is_ok()
            })
}

/// Whether the keyring holds a GLPI App-Token for the connection.
pub fn has_app_token(s: &AppSettings) -> bool {
    connector_config(s)
        .filter(|c| c.kind == "glpi")
        .is_some_and(|c| guichet_sync::secret::load(&guichet_glpi::app_token_account(&c)).is_ok())
}

/// Loads the settings; missing values take their defaults. `has_secret` is left false: the
/// caller asks the keyring (kept out of here so tests need no keyring).
pub async fn load(store: &Store) -> AppResult<AppSettings> {
    let d = AppSettings::default();
    let defaults = d.clone();
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
        None => d.clone(),
    };
    let d = defaults;
    match ConnectorConfig::load(store).await? {
        Some(c) if c.kind == "rt" => {
            s.connection = Connection {
                kind: ServerKind::Rt,
                url: c.url,
                username: c.user,
                queue: c.queue,
                ..d.connection
            };
        }
        Some(c) if c.kind == "glpi" => {
            let profile = GlpiProfile::load(store).await?;
            let profile = profile.as_ref();
            let default_inventory = format!(
                "{}/{}",
                c.url,
                guichet_glpi::profile::DEFAULT_INVENTORY_PATH
            );
            s.connection = Connection {
                kind: ServerKind::Glpi,
                password_login: profile.is_some_and(|p| p.password_login),
                app_token: profile.is_some_and(|p| p.app_token),
                send_inventory: profile.is_some_and(|p| p.inventory.is_some()),
                inventory_url: profile
                    .and_then(|p| p.inventory.as_ref())
                    .map(|i| i.url.clone())
                    .filter(|u| *u != default_inventory)
                    .unwrap_or_default(),
                api_client_id: profile
                    .and_then(|p| p.api_client_id.clone())
                    .unwrap_or_default(),
                inventory_client_id: profile
                    .and_then(|p| p.inventory.as_ref())
                    .and_then(|i| i.client_id.clone())
                    .unwrap_or_default(),
                url: c.url,
                username: c.user,
                queue: String::new(),
                ..d.connection
            };
        }
        _ => {}
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
        secure_transport(&s.connection.url)?;
        let needs_login = s.connection.kind == ServerKind::Rt || s.connection.password_login;
        if needs_login && s.connection.username.trim().is_empty() {
            return Err(AppError::invalid("the server login is empty"));
        }
        if s.connection.kind == ServerKind::Glpi
            && s.connection.send_inventory
            && !s.connection.inventory_url.trim().is_empty()
            && !is_http_url(&s.connection.inventory_url)
        {
            return Err(AppError::invalid(
                "the inventory URL must start with http:// or https://",
            ));
        }
        if s.connection.kind == ServerKind::Glpi
            && s.connection.send_inventory
            && !s.connection.inventory_url.trim().is_empty()
        {
            secure_transport(&s.connection.inventory_url)?;
        }
    }
    Ok(())
}

/// Refuses plain http:// to another machine: the app has no `--allow-insecure-http` (the
/// command line's explicit exception), secrets would cross the network in clear.
fn secure_transport(url: &str) -> AppResult<()> {
    guichet_sync::http::check_transport(url.trim(), false)
        .map(|_| ())
        .map_err(|e| AppError::invalid(e.to_string()))
}

fn is_http_url(u: &str) -> bool {
    let u = u.trim();
    (u.starts_with("https://") && u.len() > 8) || (u.starts_with("http://") && u.len() > 7)
}

/// The proxy address to keep in the preferences: `url` without its login and password, which
/// go to the keyring. The credentials of a proxy no longer used are removed from it.
async fn proxy_address(store: &Store, url: &str) -> AppResult<String> {
    let address = guichet_sync::proxy::keep_credentials(url, &SecretStore::Keyring)?;
    let old: Option<Prefs> = store
        .setting(K_APP)
        .await?
        .and_then(|j| serde_json::from_str(&j).ok());
    if let Some(old) = old.filter(|o| !o.proxy_url.is_empty()) {
        let was = guichet_sync::proxy::split(&old.proxy_url).address;
        if guichet_sync::proxy::account(&was) != guichet_sync::proxy::account(&address) {
            SecretStore::Keyring.delete(&guichet_sync::proxy::account(&was));
        }
    }
    Ok(address)
}

/// Moves a proxy login and password that an older version kept in the preferences (in SQLite)
/// to the keyring, and rewrites the preferences without them. Called when the app opens the
/// store; when no keyring can take them they stay where they were, with a warning.
pub async fn migrate_proxy_credentials(store: &Store, now: DateTime<Utc>) -> AppResult<()> {
    let Some(json) = store.setting(K_APP).await? else {
        return Ok(());
    };
    let Ok(mut prefs) = serde_json::from_str::<Prefs>(&json) else {
        return Ok(());
    };
    if guichet_sync::proxy::split(&prefs.proxy_url)
        .credentials
        .is_none()
    {
        return Ok(());
    }
    match guichet_sync::proxy::keep_credentials(&prefs.proxy_url, &SecretStore::Keyring) {
        Ok(address) => {
            prefs.proxy_url = address;
            let json = serde_json::to_string(&prefs)
                .map_err(|e| AppError::new(crate::error::ErrorCode::Failed, e.to_string()))?;
            store.set_setting(K_APP, &json, now).await?;
            tracing::info!("proxy credentials moved from the settings to the keyring");
        }
        Err(e) => tracing::warn!("proxy credentials left in the settings: {e}"),
    }
    Ok(())
}

/// Validates then saves the settings (not the secret): the preferences in one write, then the
/// connector record (removed when disconnected; for GLPI written with its profile in one
/// transaction). Nothing is written when validation fails. `new_agent_id` becomes this
/// machine's GLPI-Agent-ID if GLPI never had one.
pub async fn save(
    store: &Store,
    s: &AppSettings,
    new_agent_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    validate(s)?;
    let proxy_url = proxy_address(store, &s.proxy_url).await?;
    let prefs = Prefs {
        locale: s.locale,
        theme: s.theme,
        sync_interval_minutes: s.sync_interval_minutes,
        proxy_url,
        ca_file: s.ca_file.trim().to_string(),
        autostart: s.autostart,
    };
    let json = serde_json::to_string(&prefs)
        .map_err(|e| AppError::new(crate::error::ErrorCode::Failed, e.to_string()))?;
    store.set_setting(K_APP, &json, now).await?;
    match connector_config(s) {
        Some(c) if c.kind == "glpi" => {
            let old_cfg = ConnectorConfig::load(store)
                .await?
                .filter(|o| o.kind == "glpi");
            let old_profile = GlpiProfile::load(store).await?;
            let existing = old_cfg.as_ref().zip(old_profile.as_ref());
            let profile = glpi_profile(s, existing, new_agent_id);
            // The API is detected again at the next sync (a new server may offer another).
            profile.save(store, &c, None, now).await?;
        }
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
        save(&store, &s, Uuid::nil(), Utc::now()).await.unwrap();
        assert_eq!(load(&store).await.unwrap(), s);

        let mut bad = s.clone();
        bad.sync_interval_minutes = 1;
        bad.locale = LocaleChoice::En;
        let err = save(&store, &bad, Uuid::nil(), Utc::now())
            .await
            .unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::Invalid);
        assert_eq!(load(&store).await.unwrap().locale, LocaleChoice::Fr);

        bad = s.clone();
        bad.connection.url = "rt.example.org".into();
        assert!(save(&store, &bad, Uuid::nil(), Utc::now()).await.is_err());
    }

    /// Regression (security review): the proxy's login and password were kept in SQLite with
    /// the preferences.
    #[test]
    fn http_to_a_remote_host_is_refused_by_the_app() {
        let mut s = AppSettings::default();
        s.connection.kind = ServerKind::Glpi;
        s.connection.url = "http://glpi.example.org".into();
        let err = validate(&s).unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::Invalid);
        assert!(err.message.contains("unencrypted"), "{}", err.message);
        s.connection.url = "http://127.0.0.1:8080".into();
        validate(&s).unwrap();
        s.connection.send_inventory = true;
        s.connection.inventory_url = "http://inventory.example.org/front/inventory.php".into();
        assert!(validate(&s).is_err());
        s.connection.url = "https://glpi.example.org".into();
        s.connection.inventory_url = "https://glpi.example.org/front/inventory.php".into();
        validate(&s).unwrap();
    }

    #[tokio::test]
    async fn proxy_credentials_leave_sqlite_for_the_keyring() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let address = "http://proxy-settings-test.invalid:3128";
        let account = guichet_sync::proxy::account(address);
        // What an older version wrote.
        let old = r#"{"locale":"system","theme":"system","sync_interval_minutes":15,
            "proxy_url":"http://alice:pr0xy-s3cret@proxy-settings-test.invalid:3128",
            "ca_file":"","autostart":false}"#;
        store.set_setting(K_APP, old, Utc::now()).await.unwrap();
        migrate_proxy_credentials(&store, Utc::now()).await.unwrap();
        let kept = store.setting(K_APP).await.unwrap().unwrap();
        if SecretStore::Keyring.load(&account).is_err() {
            eprintln!("SKIP: no keyring here; the settings were left as they were");
            assert!(kept.contains("pr0xy-s3cret"));
            return;
        }
        assert!(!kept.contains("pr0xy-s3cret"), "{kept}");
        let s = load(&store).await.unwrap();
        assert_eq!(s.proxy_url, address);
        assert_eq!(
            http_options(&s).proxy.as_deref(),
            Some("http://alice:pr0xy-s3cret@proxy-settings-test.invalid:3128")
        );
        // Saved again from the app: typed credentials never reach the store either.
        let mut s = s;
        s.proxy_url = "http://bob:n3w-s3cret@proxy-settings-test.invalid:3128".into();
        save(&store, &s, Uuid::nil(), Utc::now()).await.unwrap();
        let kept = store.setting(K_APP).await.unwrap().unwrap();
        assert!(
            !kept.contains("n3w-s3cret") && !kept.contains("bob"),
            "{kept}"
        );
        assert_eq!(
            SecretStore::Keyring.load(&account).unwrap(),
            "bob:n3w-s3cret"
        );
        // No proxy any more: its credentials go too.
        s.proxy_url = String::new();
        save(&store, &s, Uuid::nil(), Utc::now()).await.unwrap();
        assert!(SecretStore::Keyring.load(&account).is_err());
    }

    /// Regression (security review): the proxy's password was stored in SQLite. Whatever the
    /// keyring can do on this machine, no file of the store holds it, before or after the
    /// WAL is folded into the database.
    #[tokio::test]
    async fn proxy_password_is_not_in_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let address = "http://proxy-sqlite-test.invalid:3128";
        let password = "pr0xy-pw-in-a-file";
        let s = AppSettings {
            proxy_url: format!("http://carol:{password}@proxy-sqlite-test.invalid:3128"),
            ..AppSettings::default()
        };
        let saved = save(&store, &s, Uuid::nil(), Utc::now()).await;
        let nowhere = |when: &str| {
            for e in std::fs::read_dir(dir.path()).unwrap() {
                let p = e.unwrap().path();
                if p.is_file() {
                    let bytes = std::fs::read(&p).unwrap();
                    let found = bytes
                        .windows(password.len())
                        .any(|w| w == password.as_bytes());
                    assert!(!found, "{when}: the password is in {}", p.display());
                }
            }
        };
        nowhere("open");
        if saved.is_ok() {
            assert_eq!(load(&store).await.unwrap().proxy_url, address);
        } else {
            eprintln!("SKIP part: no keyring here, the settings were refused");
        }
        store.close().await;
        nowhere("closed");
        SecretStore::Keyring.delete(&guichet_sync::proxy::account(address));
    }

    #[tokio::test]
    async fn glpi_settings_round_trip_with_the_oauth_clients_and_keep_the_agent_id() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let mut s = AppSettings::default();
        s.connection.kind = ServerKind::Glpi;
        s.connection.url = "https://glpi.example.org/".into();
        s.connection.username = "ignored with a token".into();
        s.connection.app_token = true;
        let first_id = Uuid::from_u128(1);
        save(&store, &s, first_id, Utc::now()).await.unwrap();

        // What the headless agent reads: kind glpi, no login (user token), default endpoint.
        let cfg = ConnectorConfig::load(&store).await.unwrap().unwrap();
        assert_eq!(
            (cfg.kind.as_str(), cfg.url.as_str(), cfg.user.as_str()),
            ("glpi", "https://glpi.example.org", "")
        );
        let profile = GlpiProfile::load(&store).await.unwrap().unwrap();
        assert!(profile.app_token && !profile.password_login);
        let inv = profile.inventory.clone().unwrap();
        assert_eq!(inv.url, "https://glpi.example.org/front/inventory.php");
        assert_eq!(inv.agent_id, first_id);

        let loaded = load(&store).await.unwrap();
        assert_eq!(loaded.connection.kind, ServerKind::Glpi);
        assert_eq!(
            loaded.connection.inventory_url, "",
            "the default endpoint shows empty"
        );
        assert!(loaded.connection.send_inventory && loaded.connection.app_token);

        // An OAuth client set with `guichet connect glpi` shows in the app and survives its
        // save, and the machine keeps its GLPI-Agent-ID whatever id a later save proposes.
        let with_oauth = GlpiProfile {
            password_login: true,
            api_client_id: Some("api-client".into()),
            ..profile
        };
        let cfg_login = ConnectorConfig {
            user: "alice".into(),
            ..cfg
        };
        with_oauth
            .save(&store, &cfg_login, None, Utc::now())
            .await
            .unwrap();
        let mut again = load(&store).await.unwrap();
        assert!(again.connection.password_login);
        assert_eq!(again.connection.username, "alice");
        again.connection.inventory_url = "https://inv.example.org/front/inventory.php".into();
        save(&store, &again, Uuid::from_u128(2), Utc::now())
            .await
            .unwrap();
        let p = GlpiProfile::load(&store).await.unwrap().unwrap();
        assert_eq!(p.api_client_id.as_deref(), Some("api-client"));
        let inv = p.inventory.unwrap();
        assert_eq!(inv.agent_id, first_id);
        assert_eq!(inv.url, "https://inv.example.org/front/inventory.php");

        // The app edits the OAuth clients: loaded into the form, saved as the form says; an
        // emptied field removes the client.
        assert_eq!(again.connection.api_client_id, "api-client");
        again.connection.url = "https://other.example.org".into();
        again.connection.inventory_url = String::new();
        again.connection.api_client_id = String::new();
        again.connection.inventory_client_id = "inventory-client".into();
        save(&store, &again, Uuid::from_u128(3), Utc::now())
            .await
            .unwrap();
        let p = GlpiProfile::load(&store).await.unwrap().unwrap();
        assert_eq!(p.api_client_id, None);
        assert_eq!(
            p.inventory.and_then(|i| i.client_id).as_deref(),
            Some("inventory-client")
        );
        assert_eq!(
            load(&store).await.unwrap().connection.inventory_client_id,
            "inventory-client"
        );
        // A bad endpoint is refused.
        again.connection.inventory_url = "inv.example.org".into();
        let err = save(&store, &again, Uuid::nil(), Utc::now())
            .await
            .unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::Invalid);
        // A password sign-in needs the login.
        again.connection.inventory_url = String::new();
        again.connection.username = " ".into();
        assert!(save(&store, &again, Uuid::nil(), Utc::now()).await.is_err());
    }
}
