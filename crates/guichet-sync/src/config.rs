//! The connector configuration, kept in the store's settings (never the secret).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use guichet_store::Store;
use serde::{Deserialize, Serialize};

use crate::SyncError;

/// Settings key of the active connector's configuration (JSON).
pub const CONNECTOR_KEY: &str = "sync.connector";

/// Which server Guichet syncs with, and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorConfig {
    /// Connector kind (`rt`).
    pub kind: String,
    /// Base URL of the server.
    pub url: String,
    /// Login.
    pub user: String,
    /// Queue (RT) where tickets are created.
    pub queue: String,
    /// Extra CA certificates (PEM).
    pub ca_file: Option<PathBuf>,
    /// Request timeout in seconds.
    pub timeout_secs: u64,
    /// Whether plain `http://` to another machine is allowed (`connect --allow-insecure-http`):
    /// without it such an address is refused, since secrets would cross the network in clear.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_insecure_http: bool,
}

impl ConnectorConfig {
    /// The keyring account holding this connector's secret.
    pub fn secret_account(&self) -> String {
        crate::secret::account(&self.kind, &self.url, &self.user)
    }

    /// Checks that `address` (the server, or another address of it such as GLPI's inventory
    /// endpoint) may carry this connection's secrets (see [`crate::http::check_transport`]);
    /// `Ok(true)` when it is plain http allowed by the connection.
    pub fn check_transport(&self, address: &str) -> Result<bool, SyncError> {
        crate::http::check_transport(address, self.allow_insecure_http)
            .map_err(|e| SyncError::Config(e.to_string()))
    }

    /// Loads the configuration, if a connector was configured.
    pub async fn load(store: &Store) -> Result<Option<ConnectorConfig>, SyncError> {
        match store.setting(CONNECTOR_KEY).await? {
            None => Ok(None),
            Some(json) => serde_json::from_str(&json).map(Some).map_err(|e| {
                SyncError::Config(format!(
                    "the stored connector configuration is invalid: {e}"
                ))
            }),
        }
    }

    /// Saves the configuration.
    pub async fn save(&self, store: &Store, now: DateTime<Utc>) -> Result<(), SyncError> {
        let json = serde_json::to_string(self).map_err(|e| SyncError::Config(e.to_string()))?;
        store.set_setting(CONNECTOR_KEY, &json, now).await?;
        Ok(())
    }
}
