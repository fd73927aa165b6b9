//! A configured GLPI server: what `guichet connect glpi` keeps and how a [`GlpiConnector`] is
//! built from it.
//!
//! The URL, login, CA file and timeout are the sync crate's [`ConnectorConfig`] (kind `glpi`);
//! the GLPI-only settings are a [`GlpiProfile`] in the store's settings; every secret (user
//! token or password, App-Token, OAuth client secrets) is in the OS keyring through
//! [`guichet_sync::secret`], never in the database. The API chosen by the last detection is
//! kept as a [`DetectedApi`] so that `sync --status` can show it offline.

use crate::connector::GlpiConnector;
use crate::error::GlpiError;
use crate::inventory::{Compression, InventoryClient, InventoryConfig, InventoryOAuth};
use crate::rest::{ApiDetection, ApiVersion, RestClient};
use crate::transport::Secret;
use crate::v1::{V1Auth, V1Config};
use crate::v2::{RestClientV2, V2Config};
use chrono::{DateTime, Utc};
use guichet_store::Store;
use guichet_sync::config::ConnectorConfig;
use guichet_sync::secret::{self, Backend, SecretStore};
use guichet_sync::SyncError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Settings key of the [`GlpiProfile`] (JSON).
pub const PROFILE_KEY: &str = "sync.glpi";
/// Settings key of the [`DetectedApi`] (JSON).
pub const DETECTION_KEY: &str = "sync.glpi.api";
/// The path of GLPI's native inventory endpoint under the root URL (GLPI 10 and 11).
pub const DEFAULT_INVENTORY_PATH: &str = "front/inventory.php";

/// GLPI-only settings of the configured server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlpiProfile {
    /// Whether the user signs in with login and password (the login is the connector
    /// config's `user`); otherwise with a user token (remote access key).
    pub password_login: bool,
    /// Whether an App-Token is sent with REST API v1 calls.
    pub app_token: bool,
    /// OAuth client for the high-level API v2 (password grant), when configured.
    pub api_client_id: Option<String>,
    /// Native inventory submission, when enabled.
    pub inventory: Option<InventoryProfile>,
}

/// Where and how inventories are submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryProfile {
    /// The inventory endpoint's full URL.
    pub url: String,
    /// OAuth client (client credentials, scope `inventory`) for servers that require it.
    pub client_id: Option<String>,
    /// This machine's stable `GLPI-Agent-ID`.
    pub agent_id: Uuid,
}

/// The secrets of a profile, in memory only.
#[derive(Debug, Clone)]
pub struct GlpiSecrets {
    /// User token, or password with `password_login`.
    pub user: Secret,
    /// App-Token.
    pub app_token: Option<Secret>,
    /// Secret of the API v2 OAuth client.
    pub api_client_secret: Option<Secret>,
    /// Secret of the inventory OAuth client.
    pub inventory_client_secret: Option<Secret>,
}

/// The API the last detection chose, for `sync --status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DetectedApi {
    /// The API used.
    pub used: ApiVersion,
    /// Its entry point (`apirest.php` or `api.php`).
    pub endpoint: &'static str,
    /// Whether the server offers the high-level API at all.
    pub v2_offered: bool,
    /// When it was detected.
    pub detected_at: DateTime<Utc>,
}

impl DetectedApi {
    /// The record of a detection made at `now`.
    pub fn new(d: ApiDetection, now: DateTime<Utc>) -> DetectedApi {
        DetectedApi {
            used: d.used,
            endpoint: match d.used {
                ApiVersion::V1 => "apirest.php",
                ApiVersion::V2 => "api.php",
            },
            v2_offered: d.v2_offered,
            detected_at: now,
        }
    }

    /// The last recorded detection.
    pub async fn load(store: &Store) -> Result<Option<DetectedApi>, SyncError> {
        #[derive(Deserialize)]
        struct Raw {
            used: ApiVersion,
            v2_offered: bool,
            detected_at: DateTime<Utc>,
        }
        match store.setting(DETECTION_KEY).await? {
            None => Ok(None),
            Some(json) => {
                let r: Raw = serde_json::from_str(&json).map_err(|e| {
                    SyncError::Config(format!("the recorded GLPI API detection is invalid: {e}"))
                })?;
                Ok(Some(DetectedApi::new(
                    ApiDetection {
                        used: r.used,
                        v2_offered: r.v2_offered,
                    },
                    r.detected_at,
                )))
            }
        }
    }

    /// Records it.
    pub async fn save(&self, store: &Store) -> Result<(), SyncError> {
        let json = serde_json::to_string(self).map_err(|e| SyncError::Config(e.to_string()))?;
        store
            .set_setting(DETECTION_KEY, &json, self.detected_at)
            .await?;
        Ok(())
    }
}

/// The keyring account of the secret of OAuth client `client_id` on the server `cfg` describes.
pub fn oauth_account(cfg: &ConnectorConfig, client_id: &str) -> String {
    secret::account("glpi-oauth", &cfg.url, client_id)
}

/// The keyring account of the App-Token of the server `cfg` describes.
pub fn app_token_account(cfg: &ConnectorConfig) -> String {
    secret::account("glpi-app-token", &cfg.url, &cfg.user)
}

impl GlpiProfile {
    /// Whether the high-level API can be used: it needs an OAuth client and a login/password
    /// (its password grant has no user-token form).
    pub fn can_use_v2(&self) -> bool {
        self.password_login && self.api_client_id.is_some()
    }

    /// The stored profile, if GLPI was configured.
    pub async fn load(store: &Store) -> Result<Option<GlpiProfile>, SyncError> {
        match store.setting(PROFILE_KEY).await? {
            None => Ok(None),
            Some(json) => serde_json::from_str(&json).map(Some).map_err(|e| {
                SyncError::Config(format!("the stored GLPI settings are invalid: {e}"))
            }),
        }
    }

    /// Saves the profile together with the connector config (which makes GLPI the active
    /// server) and the detection, if any, in one transaction.
    pub async fn save(
        &self,
        store: &Store,
        cfg: &ConnectorConfig,
        detected: Option<&DetectedApi>,
        now: DateTime<Utc>,
    ) -> Result<(), SyncError> {
        let enc = |e: serde_json::Error| SyncError::Config(e.to_string());
        let profile = serde_json::to_string(self).map_err(enc)?;
        let config = serde_json::to_string(cfg).map_err(enc)?;
        let detection = detected
            .map(|d| serde_json::to_string(d).map_err(enc))
            .transpose()?;
        let mut entries = vec![
            (PROFILE_KEY, profile.as_str()),
            (guichet_sync::config::CONNECTOR_KEY, config.as_str()),
        ];
        if let Some(d) = &detection {
            entries.push((DETECTION_KEY, d.as_str()));
        }
        store.set_settings(&entries, now).await?;
        Ok(())
    }

    /// Puts every secret in `secret` (the store's keyring or the system agent's credentials);
    /// returns where the user secret went.
    pub fn store_secrets(
        &self,
        cfg: &ConnectorConfig,
        s: &GlpiSecrets,
        secret: &SecretStore,
    ) -> Result<Backend, SyncError> {
        let backend = secret.store(&cfg.secret_account(), s.user.expose())?;
        if let Some(t) = &s.app_token {
            secret.store(&app_token_account(cfg), t.expose())?;
        }
        if let (Some(id), Some(t)) = (&self.api_client_id, &s.api_client_secret) {
            secret.store(&oauth_account(cfg, id), t.expose())?;
        }
        let inventory_client = self.inventory.as_ref().and_then(|i| i.client_id.as_ref());
        if let (Some(id), Some(t)) = (inventory_client, &s.inventory_client_secret) {
            secret.store(&oauth_account(cfg, id), t.expose())?;
        }
        Ok(backend)
    }

    /// Reads every secret the profile needs from `secret`.
    pub fn load_secrets(
        &self,
        cfg: &ConnectorConfig,
        secret: &SecretStore,
    ) -> Result<GlpiSecrets, SyncError> {
        let user = Secret::new(secret.load(&cfg.secret_account())?);
        let app_token = if self.app_token {
            Some(Secret::new(secret.load(&app_token_account(cfg))?))
        } else {
            None
        };
        let api_client_secret = match &self.api_client_id {
            Some(id) => Some(Secret::new(secret.load(&oauth_account(cfg, id))?)),
            None => None,
        };
        let inventory_client_secret =
            match self.inventory.as_ref().and_then(|i| i.client_id.as_ref()) {
                Some(id) => Some(Secret::new(secret.load(&oauth_account(cfg, id))?)),
                None => None,
            };
        Ok(GlpiSecrets {
            user,
            app_token,
            api_client_secret,
            inventory_client_secret,
        })
    }

    /// The connector for a sync pass with the stored profile and its secrets from the keyring,
    /// on the API detected now (the detection is saved for `sync --status`) or, when the server
    /// cannot be reached, on the last detection: the pass then stops as offline anyway.
    /// Shared by the headless agent and the desktop app so both pick the API the same way.
    pub async fn open_connector(
        store: &Store,
        cfg: &ConnectorConfig,
        http: reqwest::Client,
        now: DateTime<Utc>,
    ) -> Result<GlpiConnector, SyncError> {
        let Some(profile) = GlpiProfile::load(store).await? else {
            return Err(SyncError::Config(
                "the GLPI settings are missing: connect to GLPI again".into(),
            ));
        };
        // The inventory endpoint is held to the connection's http rule, like its URL.
        if let Some(inventory) = &profile.inventory {
            cfg.check_transport(&inventory.url)?;
        }
        let secrets = profile.load_secrets(cfg, &SecretStore::of_data_dir(store.dir()))?;
        let detection = match crate::rest::detect(&http, &cfg.url, profile.can_use_v2()).await {
            Ok(d) => {
                DetectedApi::new(d, now).save(store).await?;
                d
            }
            Err(e) => {
                tracing::info!(error = %e, "GLPI API detection failed, using the last one");
                match DetectedApi::load(store).await? {
                    Some(d) => ApiDetection {
                        used: d.used,
                        v2_offered: d.v2_offered,
                    },
                    None => ApiDetection {
                        used: ApiVersion::V1,
                        v2_offered: false,
                    },
                }
            }
        };
        profile
            .connector(cfg, http, &secrets, detection)
            .map_err(|e| SyncError::Config(e.to_string()))
    }

    /// Builds the connector for the API `detection` chose (technical error messages; see
    /// [`GlpiConnector::with_wording`]).
    pub fn connector(
        &self,
        cfg: &ConnectorConfig,
        http: reqwest::Client,
        secrets: &GlpiSecrets,
        detection: ApiDetection,
    ) -> Result<GlpiConnector, GlpiError> {
        let rest = match (
            detection.used,
            &self.api_client_id,
            &secrets.api_client_secret,
        ) {
            (ApiVersion::V2, Some(id), Some(client_secret)) if self.password_login => {
                let files = crate::v1::RestClientV1::new(
                    http.clone(),
                    V1Config {
                        base_url: cfg.url.clone(),
                        app_token: secrets.app_token.clone(),
                        auth: V1Auth::Basic {
                            login: cfg.user.clone(),
                            password: secrets.user.clone(),
                        },
                    },
                );
                RestClient::V2(
                    RestClientV2::new(
                        http.clone(),
                        V2Config {
                            base_url: cfg.url.clone(),
                            client_id: id.clone(),
                            client_secret: client_secret.clone(),
                            username: cfg.user.clone(),
                            password: secrets.user.clone(),
                        },
                    )
                    .with_files_client(files),
                )
            }
            (ApiVersion::V2, ..) => {
                return Err(GlpiError::Config(
                    "the high-level API needs a login, a password and an OAuth client".into(),
                ))
            }
            (ApiVersion::V1, ..) => RestClient::v1(
                http.clone(),
                V1Config {
                    base_url: cfg.url.clone(),
                    app_token: secrets.app_token.clone(),
                    auth: if self.password_login {
                        V1Auth::Basic {
                            login: cfg.user.clone(),
                            password: secrets.user.clone(),
                        }
                    } else {
                        V1Auth::UserToken(secrets.user.clone())
                    },
                },
            ),
        };
        let inventory = self.inventory.as_ref().map(|i| {
            InventoryClient::new(
                http.clone(),
                InventoryConfig {
                    url: i.url.clone(),
                    agent_id: i.agent_id,
                    agent_name: "Guichet".into(),
                    agent_version: env!("CARGO_PKG_VERSION").into(),
                    compression: Compression::Zlib,
                    oauth: match (&i.client_id, &secrets.inventory_client_secret) {
                        (Some(id), Some(s)) => Some(InventoryOAuth {
                            base_url: cfg.url.clone(),
                            client_id: id.clone(),
                            client_secret: s.clone(),
                        }),
                        _ => None,
                    },
                },
            )
        });
        Ok(GlpiConnector::new(rest, inventory))
    }
}
