//! Reading the knowledge base: search in two tiers, one article, listings and categories.

use super::*;

impl Store {
    /// Full-text search, best first (at most `limit`). Any input is accepted: an empty or
    /// all-punctuation query gives no results, FTS5 syntax in it is neutralised.
    ///
    /// Articles whose title holds every word come first, ranked by bm25 over their titles (a
    /// separate title index, so this tier never reads body doclists); then the others, by a
    /// bm25 over all columns (title weighted most) computed without reading the bodies (see
    /// `all_columns_tier`). Every hit's snippet is an extract of its body.
    ///
    /// A tier with more than [`RANK_WINDOW`] matches is listed newest first instead of ranked
    /// (score 0): its words are, by definition, common in the knowledge base, bm25's weight for
    /// them tends to zero, and scoring every match is what would cost. Every result still holds
    /// every word.
    pub async fn search_articles(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<Vec<ArticleHit>, StoreError> {
        let Some(expr) = match_expression(query) else {
            return Ok(Vec::new());
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut conn = self.pool.acquire().await?;
        let mut hits = Vec::with_capacity(limit);
        let title_hits = title_tier(&mut conn, &expr, limit).await?;
        hits.extend(hits_with_snippets(&mut conn, &title_hits, query).await?);
        if hits.len() < limit {
            let seen: HashSet<Uuid> = hits.iter().map(|h| h.id).collect();
            let rest = all_columns_tier(&mut conn, &expr, query, limit + seen.len()).await?;
            hits.extend(rest.into_iter().filter(|h| !seen.contains(&h.id)));
            hits.truncate(limit);
        }
        Ok(hits)
    }

    /// An article by reference: its local UUID, a unique prefix of it (4+ hex digits), its
    /// remote id (unique across connectors), or `connector:remote_id`.
    pub async fn article(&self, reference: &str) -> Result<StoredArticle, StoreError> {
        let r = reference.trim();
        let what = || format!("article {r}");
        if let Ok(id) = Uuid::parse_str(r) {
            if let Some(a) = self.article_by_id(&id.to_string()).await? {
                return Ok(a);
            }
        }
        let by_remote: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM articles WHERE remote_id = ? LIMIT 2")
                .bind(r)
                .fetch_all(&self.pool)
                .await?;
        let mut candidates = by_remote;
        if candidates.is_empty() {
            if let Some((connector, remote_id)) = r.split_once(':') {
                candidates =
                    sqlx::query_as("SELECT id FROM articles WHERE connector = ? AND remote_id = ?")
                        .bind(connector)
                        .bind(remote_id)
                        .fetch_all(&self.pool)
                        .await?;
            }
        }
        if candidates.is_empty()
            && r.len() >= 4
            && r.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        {
            // Only hex digits and dashes: no LIKE wildcard can be in the pattern.
            candidates = sqlx::query_as("SELECT id FROM articles WHERE id LIKE ? || '%' LIMIT 2")
                .bind(r.to_ascii_lowercase())
                .fetch_all(&self.pool)
                .await?;
        }
        match candidates.as_slice() {
            [] => Err(StoreError::NotFound(what())),
            [(id,)] => self
                .article_by_id(id)
                .await?
                .ok_or_else(|| StoreError::NotFound(what())),
            more => Err(StoreError::Ambiguous(what(), more.len())),
        }
    }

    async fn article_by_id(&self, id: &str) -> Result<Option<StoredArticle>, StoreError> {
        let row: Option<ArticleRow> = sqlx::query_as(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let images: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT original_url, blob_id, content_type FROM article_images
             WHERE article_id = ? ORDER BY original_url",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let images = images
            .into_iter()
            .map(|(original_url, blob, content_type)| {
                Ok(StoredImage {
                    original_url,
                    blob: BlobId::parse(&blob)?,
                    content_type,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let tags: Vec<(String,)> =
            sqlx::query_as("SELECT tag FROM article_tags WHERE article_id = ? ORDER BY tag")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        Ok(Some(StoredArticle {
            tags: tags.into_iter().map(|(t,)| t).collect(),
            id: parse_uuid(&r.0)?,
            updated_at: DateTime::parse_from_rfc3339(&r.9)
                .map_err(|e| corrupt(&r.0, e))?
                .with_timezone(&Utc),
            connector: r.1,
            remote_id: r.2,
            title: r.3,
            summary: r.4,
            body_html: r.5,
            body_text: r.6,
            category: r.7,
            language: r.8,
            remote_version: r.10,
            images,
        }))
    }

    /// All articles, or those of one category (case-insensitive for ASCII), by title. The
    /// snippet is the summary, or the start of the body.
    pub async fn articles(&self, category: Option<&str>) -> Result<Vec<ArticleHit>, StoreError> {
        let rows: Vec<ListRow> = sqlx::query_as(
            "SELECT id, title, summary, category, substr(body_text, 1, 400) FROM articles
             WHERE ?1 IS NULL OR category = ?1 COLLATE NOCASE
             ORDER BY title COLLATE NOCASE, id",
        )
        .bind(category)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, title, summary, category, start)| {
                let snippet = excerpt(summary.as_deref().unwrap_or(&start), 160);
                hit_from_row((id, title, summary, category, snippet, 0.0))
            })
            .collect()
    }

    /// Categories with their number of articles, by name.
    pub async fn article_categories(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT category, count(*) FROM articles WHERE category IS NOT NULL
             GROUP BY category ORDER BY category",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
