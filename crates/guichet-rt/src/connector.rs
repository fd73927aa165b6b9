//! The connector itself: how to reach RT, the state a connector keeps, and the sync engine's
//! [`Connector`] interface, each operation delegating to the module that knows its RT side.

use std::sync::Mutex;

use async_trait::async_trait;
use guichet_records::InventoryMode;
use guichet_store::DEFAULT_ATTACHMENT_LIMIT;
use guichet_sync::http::{self, HttpOptions};
use guichet_sync::{
    Connector, ConnectorError, KbChanges, OutgoingInventory, OutgoingReply, OutgoingTicket,
    PushedInventory, PushedTicket, SyncError, TicketChanges,
};
use reqwest::Method;

/// How to reach an RT server and where Guichet's objects live there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtConfig {
    /// Base URL (`https://rt.example.org`), without `/REST/2.0`.
    pub url: String,
    /// RT login.
    pub user: String,
    /// Queue where tickets are created.
    pub queue: String,
    /// Article class holding the knowledge base; `None`: the first of
    /// [`crate::KB_CLASS_CANDIDATES`] the user can see.
    pub kb_class: Option<String>,
    /// Asset catalog holding workstations; `None`: the first of
    /// [`crate::CATALOG_CANDIDATES`] the user can see.
    pub catalog: Option<String>,
    /// TLS, proxy and timeouts.
    pub http: HttpOptions,
}

impl RtConfig {
    /// A configuration whose class and catalog are discovered (see [`RtConfig::kb_class`]).
    pub fn new(url: &str, user: &str, queue: &str) -> Self {
        RtConfig {
            url: url.trim_end_matches('/').to_string(),
            user: user.to_string(),
            queue: queue.to_string(),
            kb_class: None,
            catalog: None,
            http: HttpOptions::default(),
        }
    }
}

/// The RT connector.
pub struct RtConnector {
    pub(crate) cfg: RtConfig,
    pub(crate) secret: String,
    pub(crate) client: reqwest::Client,
    /// `<url>/REST/2.0`.
    pub(crate) api: String,
    /// The knowledge base's article class (id, name), looked up once.
    pub(crate) class: Mutex<Option<(String, String)>>,
    /// The inventory's catalog (id, name), looked up once.
    pub(crate) catalog: Mutex<Option<(String, String)>>,
    /// The queue's custom fields as the user sees them, looked up once.
    pub(crate) queue_fields: Mutex<Option<crate::setup::QueueFields>>,
    /// Largest file of the other side's replies that is downloaded.
    pub(crate) file_limit: u64,
}

impl std::fmt::Debug for RtConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("RtConnector")
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}

impl RtConnector {
    /// A connector authenticating with `secret` (a password, or an RT auth token).
    pub fn new(cfg: RtConfig, secret: String) -> Result<Self, SyncError> {
        let client = http::client(&cfg.http)?;
        let api = format!("{}/REST/2.0", cfg.url);
        Ok(RtConnector {
            cfg,
            secret,
            client,
            api,
            class: Mutex::new(None),
            catalog: Mutex::new(None),
            queue_fields: Mutex::new(None),
            file_limit: DEFAULT_ATTACHMENT_LIMIT,
        })
    }

    /// Sets the largest file of a technician's reply that is downloaded (default
    /// [`DEFAULT_ATTACHMENT_LIMIT`]); bigger ones are reported by name and size only.
    pub fn with_file_limit(mut self, bytes: u64) -> Self {
        self.file_limit = bytes;
        self
    }
}

#[async_trait]
impl Connector for RtConnector {
    fn name(&self) -> &str {
        "rt"
    }

    async fn authenticate(&self) -> Result<(), ConnectorError> {
        let (_, v) = self.send(self.request(Method::GET, "/rt")).await?;
        if v.get("Version").is_none() {
            return Err(ConnectorError::Malformed(
                "not a Request Tracker REST2 endpoint (no Version in /rt)".into(),
            ));
        }
        Ok(())
    }

    async fn push_ticket(&self, t: &OutgoingTicket) -> Result<PushedTicket, ConnectorError> {
        self.create_ticket(t).await
    }

    async fn push_reply(&self, r: &OutgoingReply) -> Result<String, ConnectorError> {
        self.add_reply(r).await
    }

    async fn pull_ticket_changes(
        &self,
        cursor: Option<&str>,
        watched: &[String],
    ) -> Result<TicketChanges, ConnectorError> {
        self.ticket_changes(cursor, watched).await
    }

    async fn pull_kb(&self, cursor: Option<&str>) -> Result<KbChanges, ConnectorError> {
        self.kb_changes(cursor).await
    }

    async fn push_inventory(
        &self,
        o: &OutgoingInventory,
    ) -> Result<PushedInventory, ConnectorError> {
        // RT assets have no partial update: every push is the whole record.
        Ok(PushedInventory {
            remote_id: self.save_asset(o).await?,
            mode: InventoryMode::Full,
            next_contact: None,
            message: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_debug_form_never_shows_the_secret() {
        let c = RtConnector::new(
            RtConfig::new("http://127.0.0.1:1", "u", "Q"),
            "hunter2".into(),
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
