//! The configured service desk: which connector the saved settings name, opened with its
//! secrets from the keyring, the same way for the command line, the agent and the app.

use chrono::{DateTime, Utc};
use guichet_glpi::{GlpiConnector, GlpiProfile, Wording};
use guichet_rt::{RtConfig, RtConnector, RtProfile};
use guichet_store::Store;
use guichet_sync::config::ConnectorConfig;
use guichet_sync::http::HttpOptions;
use guichet_sync::Connector;

use crate::CoreError;

/// The connector of the configured service desk.
pub enum ServiceDesk {
    /// Request Tracker 5 (both boxed: connectors are large and the value is moved around).
    Rt(Box<RtConnector>),
    /// GLPI 10 or 11.
    Glpi(Box<GlpiConnector>),
}

// By hand: the connectors hold secrets and HTTP clients, nothing worth printing.
impl std::fmt::Debug for ServiceDesk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ServiceDesk::Rt(_) => "ServiceDesk::Rt",
            ServiceDesk::Glpi(_) => "ServiceDesk::Glpi",
        })
    }
}

impl ServiceDesk {
    /// Request Tracker with `secret` (a password or an auth token), its class and catalog
    /// discovered.
    pub fn rt(
        cfg: &ConnectorConfig,
        http: &HttpOptions,
        secret: String,
    ) -> Result<Self, CoreError> {
        Self::rt_with(cfg, &RtProfile::default(), http, secret)
    }

    /// Request Tracker with `secret`, the class and catalog of `profile`.
    pub fn rt_with(
        cfg: &ConnectorConfig,
        profile: &RtProfile,
        http: &HttpOptions,
        secret: String,
    ) -> Result<Self, CoreError> {
        let mut rt = profile.apply(RtConfig::new(&cfg.url, &cfg.user, &cfg.queue));
        rt.http = http.clone();
        Ok(ServiceDesk::Rt(Box::new(RtConnector::new(rt, secret)?)))
    }

    /// GLPI with a connector built by the caller (a connection test with typed secrets);
    /// `wording` turns GLPI's error codes into the front end's words.
    pub fn glpi(connector: GlpiConnector, wording: Wording) -> Self {
        ServiceDesk::Glpi(Box::new(connector.with_wording(wording)))
    }

    /// The connector, as the sync engine sees it.
    pub fn connector(&self) -> &dyn Connector {
        match self {
            ServiceDesk::Rt(c) => c.as_ref(),
            ServiceDesk::Glpi(c) => c.as_ref(),
        }
    }

    /// What the server is, for a person: `Request Tracker, URL` or `GLPI (API v1), URL`.
    pub fn describe(&self, url: &str) -> String {
        match self {
            ServiceDesk::Rt(_) => format!("Request Tracker, {url}"),
            ServiceDesk::Glpi(c) => format!("GLPI (API {}), {url}", c.rest().version()),
        }
    }

    /// Ends the server session, if the server keeps one (GLPI's apirest.md: `killSession` at
    /// the end of a pass, whatever happened).
    pub async fn close(&self) {
        if let ServiceDesk::Glpi(c) = self {
            if let Err(e) = c.rest().end_session().await {
                tracing::debug!(error = %e, "closing the GLPI session");
            }
        }
    }
}

/// Opens the service desk that `cfg` names, with its secrets from the keyring (GLPI: the API
/// is detected now, or the last detection is used when the server cannot be reached; `wording`
/// words its errors).
pub async fn open_desk(
    store: &Store,
    cfg: &ConnectorConfig,
    http: &HttpOptions,
    wording: Wording,
    now: DateTime<Utc>,
) -> Result<ServiceDesk, CoreError> {
    // Settings saved by an older version, or edited, are held to the same rule as `connect`.
    if cfg.check_transport(&cfg.url)? {
        tracing::warn!(url = %cfg.url, "plain http:// to another machine, allowed by the connection");
    }
    match cfg.kind.as_str() {
        "rt" => {
            let secret = guichet_sync::secret::SecretStore::of_data_dir(store.dir())
                .load(&cfg.secret_account())?;
            let profile = RtProfile::load(store).await?;
            ServiceDesk::rt_with(cfg, &profile, http, secret)
        }
        "glpi" => {
            let client = guichet_sync::http::client(http)?;
            let c = GlpiProfile::open_connector(store, cfg, client, now).await?;
            Ok(ServiceDesk::glpi(c, wording))
        }
        other => Err(CoreError::UnknownConnector(other.to_string())),
    }
}
