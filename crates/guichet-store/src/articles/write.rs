//! Writing articles: sanitised, their images stored, in one transaction; deleting them.

use super::*;

impl Store {
    /// Sanitises and stores (insert or update by (connector, remote_id)), in one transaction,
    /// keeping the local id stable across updates. `new_id` is used only for a new article.
    pub async fn upsert_article(
        &self,
        input: Article,
        new_id: Uuid,
    ) -> Result<StoredArticle, StoreError> {
        let mut out = self.upsert_articles(vec![(input, new_id)]).await?;
        Ok(out.remove(0))
    }

    /// [`Store::upsert_article`] for a batch, all in one transaction (all stored or none).
    pub async fn upsert_articles(
        &self,
        batch: Vec<(Article, Uuid)>,
    ) -> Result<Vec<StoredArticle>, StoreError> {
        // Blobs are files, written before the transaction: if it then fails, they are merely
        // unreferenced (content-addressed, so a retry reuses them).
        let mut prepared = Vec::with_capacity(batch.len());
        for (input, id) in batch {
            prepared.push((self.prepare_article(input)?, id));
        }
        let mut tx = self.begin_write().await?;
        let mut out = Vec::with_capacity(prepared.len());
        for (p, id) in prepared {
            out.push(write_article(&mut tx, p, id).await?);
        }
        tx.commit().await?;
        Ok(out)
    }

    pub(crate) fn prepare_article(&self, mut input: Article) -> Result<Prepared, StoreError> {
        let mut images = Vec::with_capacity(input.images.len());
        let mut by_url = HashMap::new();
        for img in std::mem::take(&mut input.images) {
            let blob = self.put_blob(&img.bytes)?;
            let url = img.url.trim().to_string();
            if by_url.insert(url.clone(), blob.clone()).is_none() {
                images.push(StoredImage {
                    original_url: url,
                    blob,
                    content_type: img.content_type,
                });
            }
        }
        let body_html = sanitize_html(&input.body_html, &by_url);
        let body_text = html_to_text(&body_html);
        Ok(Prepared {
            input,
            body_html,
            body_text,
            images,
        })
    }

    /// Deletes an article (and its image references; the blobs stay, they may be shared).
    /// Returns whether there was one.
    pub async fn delete_article(
        &self,
        connector: &str,
        remote_id: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM articles WHERE connector = ? AND remote_id = ?")
            .bind(connector)
            .bind(remote_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// The articles of `connector` held here: remote id → remote version.
    pub async fn article_versions(
        &self,
        connector: &str,
    ) -> Result<HashMap<String, String>, StoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT remote_id, remote_version FROM articles WHERE connector = ?")
                .bind(connector)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().collect())
    }
}

pub(crate) async fn write_article(
    conn: &mut SqliteConnection,
    p: Prepared,
    new_id: Uuid,
) -> Result<StoredArticle, StoreError> {
    let i = &p.input;
    let existing: Option<(String,)> =
        sqlx::query_as("SELECT id FROM articles WHERE connector = ? AND remote_id = ?")
            .bind(&i.connector)
            .bind(&i.remote_id)
            .fetch_optional(&mut *conn)
            .await?;
    let updated_at = i.updated_at.to_rfc3339();
    let existed = existing.is_some();
    let id = match existing {
        Some((id,)) => {
            update_row(conn, &p, &id, &updated_at).await?;
            id
        }
        None => {
            let id = new_id.to_string();
            insert_row(conn, &p, &id, &updated_at).await?;
            id
        }
    };
    for img in &p.images {
        sqlx::query(
            "INSERT INTO article_images (article_id, original_url, blob_id, content_type)
             VALUES (?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(&img.original_url)
        .bind(img.blob.as_str())
        .bind(&img.content_type)
        .execute(&mut *conn)
        .await?;
    }
    tags::write_tags(conn, &id, &p.input.tags, existed).await?;
    let Article {
        connector,
        remote_id,
        title,
        summary,
        category,
        language,
        updated_at,
        remote_version,
        tags,
        ..
    } = p.input;
    Ok(StoredArticle {
        id: parse_uuid(&id)?,
        connector,
        remote_id,
        title,
        summary,
        body_html: p.body_html,
        body_text: p.body_text,
        category,
        language,
        updated_at,
        remote_version,
        images: p.images,
        tags: guichet_records::check_tags(tags.iter().map(String::as_str)),
    })
}

/// Rewrites an article kept under its id; its images are listed again by the caller.
async fn update_row(
    conn: &mut SqliteConnection,
    p: &Prepared,
    id: &str,
    updated_at: &str,
) -> Result<(), StoreError> {
    let i = &p.input;
    sqlx::query(
        "UPDATE articles SET title = ?, summary = ?, body_html = ?, body_text = ?,
                category = ?, language = ?, updated_at = ?, remote_version = ?
         WHERE id = ?",
    )
    .bind(&i.title)
    .bind(&i.summary)
    .bind(&p.body_html)
    .bind(&p.body_text)
    .bind(&i.category)
    .bind(&i.language)
    .bind(updated_at)
    .bind(&i.remote_version)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM article_images WHERE article_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Inserts a new article.
async fn insert_row(
    conn: &mut SqliteConnection,
    p: &Prepared,
    id: &str,
    updated_at: &str,
) -> Result<(), StoreError> {
    let i = &p.input;
    sqlx::query(&format!(
        "INSERT INTO articles ({ARTICLE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(id)
    .bind(&i.connector)
    .bind(&i.remote_id)
    .bind(&i.title)
    .bind(&i.summary)
    .bind(&p.body_html)
    .bind(&p.body_text)
    .bind(&i.category)
    .bind(&i.language)
    .bind(updated_at)
    .bind(&i.remote_version)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
