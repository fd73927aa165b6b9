//! The RT-only settings of a saved connection: which article class and asset catalog Guichet
//! uses. Kept in the store's settings under [`PROFILE_KEY`], next to the connector config
//! (saved together, in one transaction, by [`RtProfile::save`]).
//!
//! A connection saved before these settings existed has no profile: it reads as "discover"
//! (both `None`), which finds the class and catalog such servers were required to have
//! (`Guichet KB`, `Workstations`), so existing users keep working unchanged.

use chrono::{DateTime, Utc};
use guichet_store::Store;
use guichet_sync::config::ConnectorConfig;
use guichet_sync::SyncError;
use serde::{Deserialize, Serialize};

use crate::RtConfig;

/// Settings key of the [`RtProfile`] (JSON).
pub const PROFILE_KEY: &str = "sync.rt";

/// Where Guichet's knowledge base and inventory live on the RT server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RtProfile {
    /// Article class of the knowledge base; `None`: discovered at each sync (see
    /// [`crate::KB_CLASS_CANDIDATES`]).
    #[serde(default)]
    pub kb_class: Option<String>,
    /// Asset catalog of the inventory; `None`: discovered at each sync (see
    /// [`crate::CATALOG_CANDIDATES`]).
    #[serde(default)]
    pub asset_catalog: Option<String>,
}

impl RtProfile {
    /// The stored profile; a connection saved without one discovers both.
    pub async fn load(store: &Store) -> Result<RtProfile, SyncError> {
        match store.setting(PROFILE_KEY).await? {
            None => Ok(RtProfile::default()),
            Some(json) => serde_json::from_str(&json).map_err(|e| {
                SyncError::Config(format!(
                    "the stored Request Tracker settings are invalid: {e}"
                ))
            }),
        }
    }

    /// Saves the profile together with the connector config (which makes RT the active
    /// server), in one transaction.
    pub async fn save(
        &self,
        store: &Store,
        cfg: &ConnectorConfig,
        now: DateTime<Utc>,
    ) -> Result<(), SyncError> {
        let enc = |e: serde_json::Error| SyncError::Config(e.to_string());
        let profile = serde_json::to_string(self).map_err(enc)?;
        let config = serde_json::to_string(cfg).map_err(enc)?;
        store
            .set_settings(
                &[
                    (PROFILE_KEY, profile.as_str()),
                    (guichet_sync::config::CONNECTOR_KEY, config.as_str()),
                ],
                now,
            )
            .await?;
        Ok(())
    }

    /// `cfg` with this profile's class and catalog.
    pub fn apply(&self, mut cfg: RtConfig) -> RtConfig {
        cfg.kb_class = self.kb_class.clone();
        cfg.catalog = self.asset_catalog.clone();
        cfg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_without_class_or_catalog_discovers_both() {
        let p: RtProfile = serde_json::from_str("{}").unwrap();
        assert_eq!(p, RtProfile::default());
        let cfg = p.apply(RtConfig::new("http://rt", "u", "Q"));
        assert_eq!((cfg.kb_class, cfg.catalog), (None, None));
    }
}
