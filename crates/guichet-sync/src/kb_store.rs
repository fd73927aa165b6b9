//! The local store as the engine's [`KbSink`]: pulled articles are sanitised and indexed by
//! the store's knowledge-base side, images kept as blobs for offline reading.

use std::collections::HashMap;

use async_trait::async_trait;
use guichet_records::Article;
use guichet_store::{Store, StoreError};
use uuid::Uuid;

use crate::kb::KbSink;

#[async_trait]
impl KbSink for Store {
    async fn upsert(&self, article: Article, new_id: Uuid) -> Result<(), StoreError> {
        self.upsert_article(article, new_id).await.map(|_| ())
    }

    async fn delete(&self, connector: &str, remote_id: &str) -> Result<(), StoreError> {
        self.delete_article(connector, remote_id).await.map(|_| ())
    }

    async fn versions(&self, connector: &str) -> Result<HashMap<String, String>, StoreError> {
        self.article_versions(connector).await
    }
}
