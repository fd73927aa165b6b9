//! The offline knowledge base: articles from help-desk connectors (or imported locally), with
//! their images as blobs and a full-text index.
//!
//! * Writing: [`Store::upsert_article`] sanitises the HTML (see [`crate::sanitize_html`]),
//!   stores the images as blobs and the article in one transaction, keyed by
//!   `(connector, remote_id)` so that the local id stays stable across updates.
//!   [`Store::upsert_articles`] does the same for a batch, in one transaction.
//! * Sync support: [`Store::article_versions`] (what is here, at which remote version) and
//!   [`Store::delete_article`].
//! * Reading: [`Store::search_articles`] (full text, accent- and case-insensitive, ranked with
//!   bm25, title first), [`Store::article`], [`Store::articles`], [`Store::article_categories`].
//!
//! Search snippets mark matched terms with `[` and `]` (FTS5 `snippet()` on the body text, `…`
//! where text was cut), which reads well in a terminal; the app may re-style them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::sanitize::{html_to_text, sanitize_html};
use crate::{BlobId, Store, StoreError};

/// Opening marker of a matched term in [`ArticleHit::snippet`].
pub const SNIPPET_OPEN: &str = "[";
/// Closing marker of a matched term in [`ArticleHit::snippet`].
pub const SNIPPET_CLOSE: &str = "]";

/// Most tokens of a search query that are used: a pasted paragraph must not become a huge query.
const MAX_QUERY_TOKENS: usize = 12;

/// An article as a connector delivers it, before sanitising.
#[derive(Debug, Clone)]
pub struct ArticleInput {
    /// The connector it comes from (`glpi`, `rt`, `local`…).
    pub connector: String,
    /// Its id on that connector's server.
    pub remote_id: String,
    /// Title.
    pub title: String,
    /// Short summary, if the server has one.
    pub summary: Option<String>,
    /// Body, untrusted HTML.
    pub body_html: String,
    /// Category (`Réseau`, `Imprimantes`…).
    pub category: Option<String>,
    /// Language tag (`fr`, `en`…).
    pub language: Option<String>,
    /// Last change on the server.
    pub updated_at: DateTime<Utc>,
    /// The server's version marker (revision, ETag, timestamp), compared on the next sync.
    pub remote_version: String,
    /// The images the body embeds, fetched by the connector (see [`crate::embedded_image_urls`]).
    pub images: Vec<ArticleImage>,
}

/// An image embedded in an article, fetched by the connector.
#[derive(Debug, Clone)]
pub struct ArticleImage {
    /// The `<img src>` value exactly as written in the article's HTML.
    pub url: String,
    /// MIME type (`image/png`).
    pub content_type: String,
    /// The image.
    pub bytes: Vec<u8>,
}

/// An image of a stored article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredImage {
    /// The `<img src>` it had on the server.
    pub original_url: String,
    /// The blob holding it; the sanitised HTML refers to it as `guichet-blob:<blob>`.
    pub blob: BlobId,
    /// MIME type.
    pub content_type: String,
}

/// A stored article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Local id, stable across updates from the server.
    pub id: Uuid,
    /// The connector it comes from.
    pub connector: String,
    /// Its id on that connector's server.
    pub remote_id: String,
    /// Title.
    pub title: String,
    /// Short summary.
    pub summary: Option<String>,
    /// Sanitised HTML body (safe to render; images point to local blobs).
    pub body_html: String,
    /// Plain text of the body.
    pub body_text: String,
    /// Category.
    pub category: Option<String>,
    /// Language tag.
    pub language: Option<String>,
    /// Last change on the server.
    pub updated_at: DateTime<Utc>,
    /// The server's version marker.
    pub remote_version: String,
    /// Its images.
    pub images: Vec<StoredImage>,
}

/// A search result or a listing entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleHit {
    /// Local id of the article.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// For a search, an extract of the body around the matches, terms between
    /// [`SNIPPET_OPEN`] and [`SNIPPET_CLOSE`]; for a listing, the summary or the body's start.
    pub snippet: String,
    /// For a search, the bm25 score within its tier (title matches, then the others; FTS5's
    /// convention: negative, lower is more relevant; results come best first); 0 in a listing.
    pub rank: f64,
}

/// Turns free user input into a safe FTS5 MATCH expression, or `None` when it has no words.
///
/// Every run of letters and digits becomes a quoted token (so FTS5 syntax such as `"`, `*`,
/// `NEAR(`, `OR`, `-`, `:` is either dropped or searched as a plain word), tokens are AND-ed,
/// and the last one (if longer than one letter) is a prefix so that results follow typing.
pub(crate) fn match_expression(input: &str) -> Option<String> {
    let tokens: Vec<&str> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(MAX_QUERY_TOKENS)
        .collect();
    let (last, rest) = tokens.split_last()?;
    let mut expr: Vec<String> = rest.iter().map(|t| format!("\"{t}\"")).collect();
    // A one-letter prefix would expand to a good part of the vocabulary (slow, and useless
    // as a filter); it is matched as a word (the "d" of "d'accès").
    if last.chars().count() > 1 {
        expr.push(format!("\"{last}\"*"));
    } else {
        expr.push(format!("\"{last}\""));
    }
    Some(expr.join(" "))
}

/// An article ready to be written: sanitised, its images stored.
struct Prepared {
    input: ArticleInput,
    body_html: String,
    body_text: String,
    images: Vec<StoredImage>,
}

type ArticleRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
);

const ARTICLE_COLUMNS: &str = "id, connector, remote_id, title, summary, body_html, body_text, category, language, updated_at, remote_version";

type HitRow = (String, String, Option<String>, Option<String>, String, f64);

/// A listing row: id, title, summary, category, start of the body.
type ListRow = (String, String, Option<String>, Option<String>, String);

fn corrupt(id: &str, detail: impl ToString) -> StoreError {
    StoreError::Corrupt {
        what: format!("article {id}"),
        detail: detail.to_string(),
    }
}

fn parse_uuid(s: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(s).map_err(|e| corrupt(s, e))
}

fn hit_from_row(r: HitRow) -> Result<ArticleHit, StoreError> {
    Ok(ArticleHit {
        id: parse_uuid(&r.0)?,
        title: r.1,
        summary: r.2,
        category: r.3,
        snippet: r.4,
        rank: r.5,
    })
}

/// The first `max` characters of `s`, cut at a word boundary, with `…` if cut.
fn excerpt(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{cut}…")
}

impl Store {
    /// Sanitises and stores (insert or update by (connector, remote_id)), in one transaction,
    /// keeping the local id stable across updates. `new_id` is used only for a new article.
    pub async fn upsert_article(
        &self,
        input: ArticleInput,
        new_id: Uuid,
    ) -> Result<Article, StoreError> {
        let mut out = self.upsert_articles(vec![(input, new_id)]).await?;
        Ok(out.remove(0))
    }

    /// [`Store::upsert_article`] for a batch, all in one transaction (all stored or none).
    pub async fn upsert_articles(
        &self,
        batch: Vec<(ArticleInput, Uuid)>,
    ) -> Result<Vec<Article>, StoreError> {
        // Blobs are files, written before the transaction: if it then fails, they are merely
        // unreferenced (content-addressed, so a retry reuses them).
        let mut prepared = Vec::with_capacity(batch.len());
        for (input, id) in batch {
            prepared.push((self.prepare_article(input)?, id));
        }
        let mut tx = self.pool.begin().await?;
        let mut out = Vec::with_capacity(prepared.len());
        for (p, id) in prepared {
            out.push(write_article(&mut tx, p, id).await?);
        }
        tx.commit().await?;
        Ok(out)
    }

    fn prepare_article(&self, mut input: ArticleInput) -> Result<Prepared, StoreError> {
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
        let mut tx = self.pool.begin().await?;
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

    /// Full-text search, best first (at most `limit`). Any input is accepted: an empty or
    /// all-punctuation query gives no results, FTS5 syntax in it is neutralised.
    ///
    /// Articles whose title holds every word come first, then the others, each tier by bm25
    /// (title weighted most). Ranking the title tier alone first is what keeps common words fast:
    /// when enough titles match, the (much larger) set of body matches is never scored.
    pub async fn search_articles(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<Vec<ArticleHit>, StoreError> {
        let Some(expr) = match_expression(query) else {
            return Ok(Vec::new());
        };
        let mut hits = self
            .ranked_hits(&format!("{{title}} : ({expr})"), limit)
            .await?;
        if hits.len() < limit {
            let seen: HashSet<Uuid> = hits.iter().map(|h| h.id).collect();
            let rest = self.ranked_hits(&expr, limit + seen.len()).await?;
            hits.extend(rest.into_iter().filter(|h| !seen.contains(&h.id)));
            hits.truncate(limit);
        }
        Ok(hits)
    }

    async fn ranked_hits(&self, expr: &str, limit: usize) -> Result<Vec<ArticleHit>, StoreError> {
        // `ORDER BY rank` (weights configured in the migration) lets FTS5 sort internally and
        // stop after `limit` rows, so snippets are only computed for the rows returned.
        let rows: Vec<HitRow> = sqlx::query_as(
            "SELECT a.id, a.title, a.summary, a.category,
                    snippet(articles_fts, 2, ?, ?, '…', 16), articles_fts.rank
             FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid
             WHERE articles_fts MATCH ?
             ORDER BY articles_fts.rank
             LIMIT ?",
        )
        .bind(SNIPPET_OPEN)
        .bind(SNIPPET_CLOSE)
        .bind(expr)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(hit_from_row).collect()
    }

    /// An article by reference: its local UUID, a unique prefix of it (4+ hex digits), its
    /// remote id (unique across connectors), or `connector:remote_id`.
    pub async fn article(&self, reference: &str) -> Result<Article, StoreError> {
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

    async fn article_by_id(&self, id: &str) -> Result<Option<Article>, StoreError> {
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
        Ok(Some(Article {
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

async fn write_article(
    conn: &mut SqliteConnection,
    p: Prepared,
    new_id: Uuid,
) -> Result<Article, StoreError> {
    let i = &p.input;
    let existing: Option<(String,)> =
        sqlx::query_as("SELECT id FROM articles WHERE connector = ? AND remote_id = ?")
            .bind(&i.connector)
            .bind(&i.remote_id)
            .fetch_optional(&mut *conn)
            .await?;
    let updated_at = i.updated_at.to_rfc3339();
    let id = match existing {
        Some((id,)) => {
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
            .bind(&updated_at)
            .bind(&i.remote_version)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
            sqlx::query("DELETE FROM article_images WHERE article_id = ?")
                .bind(&id)
                .execute(&mut *conn)
                .await?;
            id
        }
        None => {
            let id = new_id.to_string();
            sqlx::query(&format!(
                "INSERT INTO articles ({ARTICLE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ))
            .bind(&id)
            .bind(&i.connector)
            .bind(&i.remote_id)
            .bind(&i.title)
            .bind(&i.summary)
            .bind(&p.body_html)
            .bind(&p.body_text)
            .bind(&i.category)
            .bind(&i.language)
            .bind(&updated_at)
            .bind(&i.remote_version)
            .execute(&mut *conn)
            .await?;
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
    let ArticleInput {
        connector,
        remote_id,
        title,
        summary,
        category,
        language,
        updated_at,
        remote_version,
        ..
    } = p.input;
    Ok(Article {
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_expression_quotes_tokens_and_prefixes_the_last() {
        assert_eq!(
            match_expression("Mot de passe").as_deref(),
            Some(r#""Mot" "de" "passe"*"#)
        );
        assert_eq!(
            match_expression(r#"a" OR NEAR(b*, c) -d:e ^f"#).as_deref(),
            Some(r#""a" "OR" "NEAR" "b" "c" "d" "e" "f""#)
        );
        assert_eq!(match_expression("wi fi").as_deref(), Some(r#""wi" "fi"*"#));
        assert_eq!(match_expression("  \"*:()- "), None);
        assert_eq!(match_expression(""), None);
    }

    #[test]
    fn excerpt_cuts_at_a_word() {
        assert_eq!(excerpt("un  deux\ntrois", 50), "un deux trois");
        assert_eq!(excerpt("alpha beta gamma delta", 12), "alpha beta…");
    }
}
