//! Where pulled knowledge-base articles go.
//!
//! The engine writes articles through [`KbSink`] rather than calling the store directly, so
//! that the KB store can evolve on its own; the store implements it by handing the
//! [`Article`] (the shared record, as the connector delivered it) to its knowledge-base side.
//! [`MemoryKb`] is an in-memory implementation, used by tests and by tools that only want to
//! look at what a server publishes.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use guichet_records::Article;
use guichet_store::StoreError;
use uuid::Uuid;

/// The knowledge-base side of the local store.
#[async_trait]
pub trait KbSink: Send + Sync {
    /// Inserts or replaces an article; `new_id` is its local id if it is new.
    async fn upsert(&self, article: Article, new_id: Uuid) -> Result<(), StoreError>;
    /// Removes an article (no error if it is absent).
    async fn delete(&self, connector: &str, remote_id: &str) -> Result<(), StoreError>;
    /// Server id → version of every stored article of a connector.
    async fn versions(&self, connector: &str) -> Result<HashMap<String, String>, StoreError>;
    /// Replaces the published fix-it action files article `remote_id` carries (`files` empty:
    /// it carries none any more, or was removed). A sink that keeps no actions ignores them.
    async fn replace_action_files(
        &self,
        connector: &str,
        remote_id: &str,
        files: Vec<Vec<u8>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _ = (connector, remote_id, files, now);
        Ok(())
    }
}

/// Articles kept in memory, keyed by (connector, server id).
#[derive(Debug, Default)]
pub struct MemoryKb {
    articles: Mutex<HashMap<(String, String), (Uuid, Article)>>,
    action_files: Mutex<HashMap<(String, String), ActionFiles>>,
}

/// The action files an article carries, each's bytes.
type ActionFiles = Vec<Vec<u8>>;

impl MemoryKb {
    /// An empty knowledge base.
    pub fn new() -> Self {
        Self::default()
    }

    /// The stored articles of a connector with their local ids, sorted by server id.
    pub fn articles(&self, connector: &str) -> Vec<(Uuid, Article)> {
        let map = self.articles.lock().expect("KB lock poisoned");
        let mut v: Vec<_> = map
            .iter()
            .filter(|((c, _), _)| c == connector)
            .map(|(_, a)| a.clone())
            .collect();
        v.sort_by(|a, b| a.1.remote_id.cmp(&b.1.remote_id));
        v
    }

    /// The action files article `remote_id` of `connector` carries.
    pub fn action_files(&self, connector: &str, remote_id: &str) -> Vec<Vec<u8>> {
        self.action_files
            .lock()
            .expect("KB lock poisoned")
            .get(&(connector.to_string(), remote_id.to_string()))
            .cloned()
            .unwrap_or_default()
    }
}

#[async_trait]
impl KbSink for MemoryKb {
    async fn upsert(&self, article: Article, new_id: Uuid) -> Result<(), StoreError> {
        let mut map = self.articles.lock().expect("KB lock poisoned");
        let key = (article.connector.clone(), article.remote_id.clone());
        let id = map.get(&key).map(|(id, _)| *id).unwrap_or(new_id);
        map.insert(key, (id, article));
        Ok(())
    }

    async fn delete(&self, connector: &str, remote_id: &str) -> Result<(), StoreError> {
        self.articles
            .lock()
            .expect("KB lock poisoned")
            .remove(&(connector.to_string(), remote_id.to_string()));
        Ok(())
    }

    async fn versions(&self, connector: &str) -> Result<HashMap<String, String>, StoreError> {
        Ok(self
            .articles
            .lock()
            .expect("KB lock poisoned")
            .iter()
            .filter(|((c, _), _)| c == connector)
            .map(|((_, id), (_, a))| (id.clone(), a.remote_version.clone()))
            .collect())
    }

    async fn replace_action_files(
        &self,
        connector: &str,
        remote_id: &str,
        files: Vec<Vec<u8>>,
        _now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.action_files
            .lock()
            .expect("KB lock poisoned")
            .insert((connector.to_string(), remote_id.to_string()), files);
        Ok(())
    }
}
