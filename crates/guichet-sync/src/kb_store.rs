//! The local store as the engine's [`KbSink`]: pulled articles are sanitised and indexed by
//! the store's knowledge-base side, images kept as blobs for offline reading; the published
//! fix-it actions an article carries are kept under their names, verified only when used.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use guichet_actions::published::ActionFile;
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

    async fn replace_action_files(
        &self,
        connector: &str,
        remote_id: &str,
        files: Vec<Vec<u8>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let source = format!("{connector}:{remote_id}");
        let mut names = Vec::new();
        for file in files {
            // Only the name is read here (the store's key); trust is decided at each use.
            match ActionFile::parse(&file) {
                Ok(f) => {
                    self.save_published_action(&f.manifest.name, &file, &source, now)
                        .await?;
                    names.push(f.manifest.name);
                }
                Err(why) => tracing::warn!(%source, %why, "action file left out"),
            }
        }
        self.forget_published_actions(&source, &names).await?;
        Ok(())
    }
}
