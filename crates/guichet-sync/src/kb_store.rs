//! The local store as the engine's [`KbSink`]: pulled articles are sanitised and indexed by
//! the store's knowledge-base side, images kept as blobs for offline reading.

use std::collections::HashMap;

use async_trait::async_trait;
use guichet_store::{ArticleImage, ArticleInput, Store, StoreError};
use uuid::Uuid;

use crate::kb::{KbArticle, KbSink};

#[async_trait]
impl KbSink for Store {
    async fn upsert(&self, article: KbArticle, new_id: Uuid) -> Result<(), StoreError> {
        let input = ArticleInput {
            connector: article.connector,
            remote_id: article.remote_id,
            title: article.title,
            summary: article.summary,
            body_html: article.body_html,
            category: article.category,
            language: article.language,
            updated_at: article.updated_at,
            remote_version: article.remote_version,
            images: article
                .images
                .into_iter()
                .map(|i| ArticleImage {
                    url: i.url,
                    content_type: i.content_type,
                    bytes: i.bytes,
                })
                .collect(),
        };
        self.upsert_article(input, new_id).await.map(|_| ())
    }

    async fn delete(&self, connector: &str, remote_id: &str) -> Result<(), StoreError> {
        self.delete_article(connector, remote_id).await.map(|_| ())
    }

    async fn versions(&self, connector: &str) -> Result<HashMap<String, String>, StoreError> {
        self.article_versions(connector).await
    }
}
