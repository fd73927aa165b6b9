//! "Check my computer": every built-in check run at once, with what the checks need from the
//! store (the configured service desk, its proxy without credentials and its extra CA file) and
//! the user's home.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use guichet_diagnostics::{Context, DeskTarget, Diagnosis};
use guichet_store::Store;
use guichet_sync::config::ConnectorConfig;

use crate::CoreError;

/// Settings key of the desktop app's preferences (one JSON value), where its proxy address is
/// kept (`proxy_url`, credentials already moved to the keyring).
const APP_SETTINGS_KEY: &str = "app.settings";

/// Runs every built-in check (`guichet_diagnostics::all_checks`), each with its 1 s deadline,
/// on a blocking thread so the caller's async runtime keeps serving. Unusable connector
/// settings do not stop a diagnosis: the checks then run as with no service desk configured.
pub async fn diagnose(store: &Store, now: DateTime<Utc>) -> Result<Diagnosis, CoreError> {
    let ctx = diagnosis_context(store, now).await?;
    match tokio::task::spawn_blocking(move || guichet_diagnostics::run(&ctx)).await {
        Ok(d) => Ok(d),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(CoreError::Invalid("the checks were cancelled".into())),
    }
}

/// `GUICHET_OFFLINE=1`: behave as if the network were down (tests, demos), in the checks and
/// in the app's connection state alike.
pub fn network_forced_down() -> bool {
    std::env::var_os("GUICHET_OFFLINE").is_some_and(|v| v == "1")
}

/// Whether the network is up, by the network checks' own rule
/// ([`guichet_diagnostics::network_up`]; up when it cannot be read): the one reading the app's
/// header and the checks share, so they never tell two states.
pub fn network_up() -> bool {
    !network_forced_down()
        && guichet_diagnostics::network_up(std::time::Duration::from_millis(500)).unwrap_or(true)
}

/// What the checks are given: the time, the configured service desk, the user's home, and
/// the user's cache folder (where the pending updates' count is kept between runs).
pub async fn diagnosis_context(store: &Store, now: DateTime<Utc>) -> Result<Context, CoreError> {
    let mut ctx = Context::new(now);
    ctx.home = home();
    ctx.cache_dir = guichet_store::default_cache_dir();
    ctx.network_forced_down = network_forced_down();
    let cfg = match ConnectorConfig::load(store).await {
        Ok(cfg) => cfg,
        Err(guichet_sync::SyncError::Store(e)) => return Err(e.into()),
        Err(e) => {
            tracing::warn!(error = %e, "diagnosing as with no service desk");
            None
        }
    };
    if let Some(cfg) = cfg {
        let app = store.setting(APP_SETTINGS_KEY).await?;
        ctx.desk_ca_file.clone_from(&cfg.ca_file);
        ctx.desk = Some(DeskTarget {
            url: cfg.url,
            proxy: app.as_deref().and_then(proxy_address),
        });
    }
    Ok(ctx)
}

/// The proxy address of the app's preferences, without any login and password.
fn proxy_address(app_settings: &str) -> Option<String> {
    let prefs: serde_json::Value = serde_json::from_str(app_settings).ok()?;
    let url = prefs.get("proxy_url")?.as_str()?.trim();
    (!url.is_empty()).then(|| guichet_sync::proxy::split(url).address)
}

/// The user's home folder: `HOME`, else Windows' `USERPROFILE`.
fn home() -> Option<PathBuf> {
    ["HOME", "USERPROFILE"]
        .iter()
        .filter_map(std::env::var_os)
        .find(|v| !v.is_empty())
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_is_passed_without_its_credentials() {
        assert_eq!(
            proxy_address(r#"{"proxy_url":"http://alice:s3cret@proxy.example.org:3128"}"#),
            Some("http://proxy.example.org:3128".into())
        );
        assert_eq!(proxy_address(r#"{"proxy_url":" "}"#), None);
        assert_eq!(proxy_address("not json"), None);
    }

    #[tokio::test]
    async fn the_desk_and_its_proxy_come_from_the_store() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).await.expect("store");
        let now = Utc::now();
        let ctx = diagnosis_context(&store, now).await.expect("context");
        assert_eq!(ctx.desk, None);
        let cfg = ConnectorConfig {
            kind: "rt".into(),
            url: "https://rt.example.org".into(),
            user: "alice".into(),
            queue: "General".into(),
            ca_file: Some("/etc/guichet/desk-ca.pem".into()),
            timeout_secs: 30,
            allow_insecure_http: false,
        };
        cfg.save(&store, now).await.expect("saved");
        store
            .set_setting(
                APP_SETTINGS_KEY,
                r#"{"proxy_url":"http://bob:pw@proxy.example.org:3128"}"#,
                now,
            )
            .await
            .expect("prefs");
        let ctx = diagnosis_context(&store, now).await.expect("context");
        assert_eq!(
            ctx.desk,
            Some(DeskTarget {
                url: "https://rt.example.org".into(),
                proxy: Some("http://proxy.example.org:3128".into()),
            })
        );
        assert_eq!(ctx.desk_ca_file, Some("/etc/guichet/desk-ca.pem".into()));
        let d = diagnose(&store, now).await.expect("diagnosis");
        assert_eq!(d.taken_at, now);
        assert!(d.findings.iter().any(|f| f.check == "memory.pressure"));
    }
}
