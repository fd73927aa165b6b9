//! The offline knowledge base: articles from help-desk connectors (or imported locally), with
//! their images as blobs and a full-text index.
//!
//! * Writing: [`Store::upsert_article`] sanitises the HTML (see [`crate::sanitize_html`]),
//!   stores the images as blobs and the article in one transaction, keyed by
//!   `(connector, remote_id)` so that the local id stays stable across updates.
//!   [`Store::upsert_articles`] does the same for a batch, in one transaction.
//! * Sync support: [`Store::article_versions`] (what is here, at which remote version) and
//!   [`Store::delete_article`].
//! * Reading: [`Store::search_articles`] (full text, accent- and case-insensitive, title
//!   matches first, ranked with bm25 or, for very common words, newest first), [`Store::article`], [`Store::articles`], [`Store::article_categories`].
//!
//! Search snippets mark matched terms with `[` and `]` (FTS5 `snippet()` on the body text, `…`
//! where text was cut), which reads well in a terminal; the app may re-style them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization as _;
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
    /// For a search, the relevance score within its tier (title matches scored by bm25 on
    /// their titles, then the others by bm25 over all columns, see [`Store::search_articles`];
    /// FTS5's convention: negative, lower is more relevant; results come best first); 0 in a
    /// tier listed newest first, and in a listing.
    pub rank: f64,
}

/// Turns free user input into a safe FTS5 MATCH expression, or `None` when it has no words.
///
/// Every run of letters and digits becomes a quoted token (so FTS5 syntax such as `"`, `*`,
/// `NEAR(`, `OR`, `-`, `:` is either dropped or searched as a plain word), tokens are AND-ed,
/// and the last one (if longer than one letter) is a prefix so that results follow typing.
pub(crate) fn match_expression(input: &str) -> Option<String> {
    let tokens = query_tokens(input);
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

/// The words of a search query, as [`match_expression`] uses them.
fn query_tokens(input: &str) -> Vec<&str> {
    input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(MAX_QUERY_TOKENS)
        .collect()
}

/// A word as the index sees it (tokenizer `unicode61 remove_diacritics 2`): lower case, without
/// accents.
fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// [`fold`] into `out` (cleared first), so that a loop over many words reuses one buffer.
fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        // Most words of most articles: nothing to decompose.
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.extend(
            word.nfd()
                .filter(|c| !is_combining_mark(*c))
                .flat_map(char::to_lowercase),
        );
    }
}

/// The words of a search query folded as the index folds them, the last one a prefix (if longer
/// than one letter), as [`match_expression`] makes them.
struct QueryTerms {
    terms: Vec<String>,
    prefix_last: bool,
}

impl QueryTerms {
    fn new(query: &str) -> Self {
        let terms: Vec<String> = query_tokens(query).iter().map(|t| fold(t)).collect();
        let prefix_last = terms.last().is_some_and(|t| t.chars().count() > 1);
        QueryTerms { terms, prefix_last }
    }

    /// Whether the folded `word` matches query term `k`.
    fn matches(&self, k: usize, word: &str) -> bool {
        let t = &self.terms[k];
        *t == word
            || (self.prefix_last && k == self.terms.len() - 1 && word.starts_with(t.as_str()))
    }

    /// The first query term the folded `word` matches.
    fn first_match(&self, word: &str) -> Option<usize> {
        (0..self.terms.len()).find(|&k| self.matches(k, word))
    }
}

/// (start byte, end byte) of every run of letters and digits of `text`: its words as the
/// index's tokenizer cuts them.
fn word_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = None;
    text.char_indices()
        .chain([(text.len(), ' ')])
        .filter_map(move |(i, c)| match (c.is_alphanumeric(), start) {
            (true, None) => {
                start = Some(i);
                None
            }
            (false, Some(b)) => {
                start = None;
                Some((b, i))
            }
            _ => None,
        })
}

/// Words of a snippet, as FTS5's `snippet(…, 16)` takes.
const SNIPPET_TOKENS: usize = 16;

/// The snippet of `text` for `query`, made here rather than by FTS5's `snippet()`, which needs
/// the row under a full-index cursor: positioning one on a given row of a large index costs
/// milliseconds. Same shape as FTS5's: the window of [`SNIPPET_TOKENS`] words holding the most
/// query words, each match between [`SNIPPET_OPEN`] and [`SNIPPET_CLOSE`], `…` where cut.
/// Words match as in the index (case and accents folded), the last query word as a prefix.
fn snippet_for(text: &str, query: &str) -> String {
    let terms = QueryTerms::new(query);
    // (start byte, end byte, index of the matched term) of every word of the text.
    let mut folded = String::new();
    let words: Vec<(usize, usize, Option<usize>)> = word_spans(text)
        .map(|(b, e)| {
            fold_into(&text[b..e], &mut folded);
            (b, e, terms.first_match(&folded))
        })
        .collect();
    if words.is_empty() {
        return String::new();
    }
    // The window with the most distinct query words, then the most matches; earliest wins.
    let n = words.len();
    let width = SNIPPET_TOKENS.min(n);
    // A query has at most MAX_QUERY_TOKENS (< 32) words: a bit set counts the distinct ones.
    let score = |from: usize| {
        let (mut distinct, mut hits) = (0u32, 0usize);
        for w in &words[from..from + width] {
            if let Some(k) = w.2 {
                distinct |= 1 << k;
                hits += 1;
            }
        }
        (distinct.count_ones(), hits)
    };
    let mut best = 0;
    let mut best_score = score(0);
    for from in 1..=n - width {
        let sc = score(from);
        if sc > best_score {
            best = from;
            best_score = sc;
        }
    }
    // Centre the matches in the window (the earliest best window ends on its last match).
    let hits: Vec<usize> = (best..best + width)
        .filter(|&i| words[i].2.is_some())
        .collect();
    if let (Some(&first), Some(&last)) = (hits.first(), hits.last()) {
        let room = width - 1 - (last - first);
        best = first.saturating_sub(room / 2).min(n - width);
    }
    let end = best + width;
    let mut out = String::new();
    if best > 0 {
        out.push('…');
    }
    let mut at = words[best].0;
    for &(b, e, hit) in &words[best..end] {
        out.push_str(&text[at..b]);
        if hit.is_some() {
            out.push_str(SNIPPET_OPEN);
            out.push_str(&text[b..e]);
            out.push_str(SNIPPET_CLOSE);
        } else {
            out.push_str(&text[b..e]);
        }
        at = e;
    }
    if end < n {
        out.push('…');
    } else {
        // The end of the text: its closing punctuation belongs to the extract.
        out.push_str(text[at..].trim_end());
    }
    out
}

/// An article ready to be written: sanitised, its images stored.
pub(crate) struct Prepared {
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

    pub(crate) fn prepare_article(&self, mut input: ArticleInput) -> Result<Prepared, StoreError> {
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

/// Most matches of one result tier that are ranked by relevance (see
/// [`Store::search_articles`]); a tier with more matches than that is listed newest first.
pub const RANK_WINDOW: usize = 500;

/// The newest matches of `table`, newest first: at most [`RANK_WINDOW`] + 1, so that more
/// than [`RANK_WINDOW`] says "broad". Walking rowids needs no scoring. Returned as the number
/// of matches and a JSON array of their rowids: one row, as each row fetched costs a round trip
/// to the database thread, and hundreds of them cost milliseconds.
async fn newest_matches(
    conn: &mut SqliteConnection,
    table: &str,
    expr: &str,
) -> Result<(usize, String), StoreError> {
    let (count, ids): (i64, String) = sqlx::query_as(&format!(
        "SELECT count(*), json_group_array(rowid) FROM
         (SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?)"
    ))
    .bind(expr)
    .bind(i64::try_from(RANK_WINDOW + 1).unwrap_or(i64::MAX))
    .fetch_one(&mut *conn)
    .await?;
    Ok((usize::try_from(count).unwrap_or(0), ids))
}

/// First tier: (seq, score) of the articles whose title holds every word, best first: by
/// bm25 over their titles, or, when more than [`RANK_WINDOW`] titles match, newest first
/// (score 0).
async fn title_tier(
    conn: &mut SqliteConnection,
    expr: &str,
    limit: usize,
) -> Result<Vec<(i64, f64)>, StoreError> {
    let (count, newest) = newest_matches(conn, "articles_title_fts", expr).await?;
    if count > RANK_WINDOW {
        let newest: Vec<i64> = serde_json::from_str(&newest).map_err(|e| StoreError::Corrupt {
            what: "title index".into(),
            detail: e.to_string(),
        })?;
        return Ok(newest.into_iter().take(limit).map(|s| (s, 0.0)).collect());
    }
    if count == 0 {
        return Ok(Vec::new());
    }
    // Titles are short and few: bm25 over the title index is cheap.
    Ok(sqlx::query_as(
        "SELECT rowid, rank FROM articles_title_fts
         WHERE articles_title_fts MATCH ?
         ORDER BY rank LIMIT ?",
    )
    .bind(expr)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(&mut *conn)
    .await?)
}

/// bm25's constants, as FTS5 sets them.
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.75;
/// Column weights of the full index (title, summary, body, category), as its `rank` in the
/// migration.
const COLUMN_WEIGHTS: [f64; 4] = [10.0, 4.0, 1.0, 2.0];

/// Second tier: every article holding every word anywhere (at most `limit`, best first).
///
/// When more than [`RANK_WINDOW`] articles match, the words are common and bm25 would hardly
/// tell them apart: newest first (score 0), a walk of the index in rowid order.
///
/// Otherwise the candidates are scored here with FTS5's bm25 formula and column weights,
/// without what makes FTS5's `bm25()` slow: it reads every word's whole doclist, on every
/// query, for its inverse document frequency, and the common words of a query ("le", "à",
/// "mise") have doclists of most of the knowledge base. Here:
/// * the IDF is the same for every word, taken at the number of candidates (each word's
///   document frequency is at least that, since every candidate holds every word), so the
///   scale stays close to FTS5's while the order only depends on the articles;
/// * occurrences in the short columns (title, summary, category) are counted exactly, on their
///   text; a word found in none of them is in the body, counted once (the body is not read:
///   its pages are most of the cost);
/// * lengths are FTS5's own (its `docsize` and `averages` records).
async fn all_columns_tier(
    conn: &mut SqliteConnection,
    expr: &str,
    query: &str,
    limit: usize,
) -> Result<Vec<ArticleHit>, StoreError> {
    let (count, newest) = newest_matches(conn, "articles_fts", expr).await?;
    if count > RANK_WINDOW {
        // The newest matches are already at hand; FTS5's `snippet()` would re-tokenize each
        // body under a cursor on the full index, the snippet made here does the same work once.
        let newest: Vec<i64> = serde_json::from_str(&newest).map_err(|e| corrupt("search", e))?;
        let listed: Vec<(i64, f64)> = newest.into_iter().take(limit).map(|s| (s, 0.0)).collect();
        return hits_with_snippets(conn, &listed, query).await;
    }
    if count == 0 {
        return Ok(Vec::new());
    }
    let averages: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT block FROM articles_fts_data WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?;
    // FTS5's averages record: number of rows, then the tokens of each column.
    let averages = averages.map(|r| varints(&r.0)).unwrap_or_default();
    let n_rows = averages.first().copied().unwrap_or(0) as f64;
    let tokens: u64 = averages.iter().skip(1).sum();
    let avgdl = if n_rows > 0.0 && tokens > 0 {
        tokens as f64 / n_rows
    } else {
        1.0
    };
    let n_hits = count as f64;
    let idf = ((n_rows - n_hits + 0.5) / (n_hits + 0.5)).ln().max(1e-6);

    // Title and summary come before the bodies in a row: reading them leaves the body pages
    // alone. One row again (a JSON array of [rowid, sizes, title, summary, category]).
    let (rows,): (String,) = sqlx::query_as(
        "SELECT json_group_array(json_array(d.id, hex(d.sz), a.title, a.summary, a.category))
         FROM articles_fts_docsize d JOIN articles a ON a.seq = d.id
         WHERE d.id IN (SELECT value FROM json_each(?))",
    )
    .bind(newest)
    .fetch_one(&mut *conn)
    .await?;
    type Candidate = (i64, String, String, Option<String>, Option<String>);
    let rows: Vec<Candidate> = serde_json::from_str(&rows).map_err(|e| StoreError::Corrupt {
        what: "full-text index".into(),
        detail: e.to_string(),
    })?;
    let terms = QueryTerms::new(query);
    let mut scored: Vec<(f64, i64)> = rows
        .into_iter()
        .map(|(seq, sizes, title, summary, category)| {
            let length: u64 = varints(&unhex(&sizes)).iter().sum();
            let columns = [
                (Some(title.as_str()), COLUMN_WEIGHTS[0]),
                (summary.as_deref(), COLUMN_WEIGHTS[1]),
                (category.as_deref(), COLUMN_WEIGHTS[3]),
            ];
            let score = bm25_without_body(&terms, &columns, length as f64 / avgdl);
            (idf * score, seq)
        })
        .collect();
    // Best first; among equals, newest first.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    scored.truncate(limit);
    let ranked: Vec<(i64, f64)> = scored.into_iter().map(|(sc, seq)| (seq, -sc)).collect();
    hits_with_snippets(conn, &ranked, query).await
}

/// The hits of `ranked` (seq, rank), in that order, each with a snippet of its body made here
/// (see [`snippet_for`]). One query for all: a row fetched is a round trip to the database
/// thread.
async fn hits_with_snippets(
    conn: &mut SqliteConnection,
    ranked: &[(i64, f64)],
    query: &str,
) -> Result<Vec<ArticleHit>, StoreError> {
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let seqs = serde_json::to_string(&ranked.iter().map(|r| r.0).collect::<Vec<_>>())
        .map_err(|e| corrupt("search", e))?;
    // Same shape as a listing row, with the whole body instead of its start.
    let (rows,): (String,) = sqlx::query_as(
        "SELECT json_group_array(json_array(seq, id, title, summary, category, body_text))
         FROM articles WHERE seq IN (SELECT value FROM json_each(?))",
    )
    .bind(seqs)
    .fetch_one(&mut *conn)
    .await?;
    type Row = (i64, String, String, Option<String>, Option<String>, String);
    let rows: Vec<Row> = serde_json::from_str(&rows).map_err(|e| corrupt("search", e))?;
    let mut by_seq: HashMap<i64, Row> = rows.into_iter().map(|r| (r.0, r)).collect();
    let mut hits = Vec::with_capacity(ranked.len());
    for &(seq, rank) in ranked {
        if let Some((_, id, title, summary, category, body)) = by_seq.remove(&seq) {
            let snippet = snippet_for(&body, query);
            hits.push(hit_from_row((id, title, summary, category, snippet, rank))?);
        }
    }
    Ok(hits)
}

/// bm25 (FTS5's formula, IDF left out) of an article holding every query word, from the
/// words' occurrences in its short `columns` (text, weight), a word found in none of them
/// counting once in the body (weight 1). `relative_length` is its length over the average.
fn bm25_without_body(
    terms: &QueryTerms,
    columns: &[(Option<&str>, f64)],
    relative_length: f64,
) -> f64 {
    let mut freq = vec![0.0; terms.terms.len()];
    let mut word = String::new();
    for (text, weight) in columns {
        let Some(text) = text else { continue };
        for (b, e) in word_spans(text) {
            fold_into(&text[b..e], &mut word);
            for (k, f) in freq.iter_mut().enumerate() {
                if terms.matches(k, &word) {
                    *f += weight;
                }
            }
        }
    }
    let norm = BM25_K1 * (1.0 - BM25_B + BM25_B * relative_length);
    freq.iter()
        .map(|&f| {
            let f = if f == 0.0 { COLUMN_WEIGHTS[2] } else { f };
            f * (BM25_K1 + 1.0) / (f + norm)
        })
        .sum()
}

/// The bytes of a hexadecimal string (SQLite's `hex()`); a stray digit is dropped.
fn unhex(hex: &str) -> Vec<u8> {
    hex.as_bytes()
        .chunks_exact(2)
        .filter_map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
        .collect()
}

/// The SQLite varints of an FTS5 record, in order.
fn varints(mut bytes: &[u8]) -> Vec<u64> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let mut v: u64 = 0;
        let mut used = 0;
        for (i, &b) in bytes.iter().enumerate() {
            used = i + 1;
            if i == 8 {
                v = (v << 8) | u64::from(b);
                break;
            }
            v = (v << 7) | u64::from(b & 0x7f);
            if b & 0x80 == 0 {
                break;
            }
        }
        out.push(v);
        bytes = &bytes[used..];
    }
    out
}

pub(crate) async fn write_article(
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
    fn snippets_made_here_match_words_as_the_index_does() {
        assert_eq!(
            snippet_for("Pour ajouter l'imprimante du couloir.", "IMPRIMANTE"),
            "Pour ajouter l'[imprimante] du couloir."
        );
        assert_eq!(
            snippet_for("Le Réseau est lent", "reseau le"),
            "[Le] [Réseau] est [lent]",
            "accents and case folded, the last word a prefix"
        );
        let long: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        let mut text = long.join(" ");
        text.push_str(" vpn fin");
        let s = snippet_for(&text, "vpn");
        assert!(s.starts_with('…') && s.contains("[vpn] fin"), "{s}");
        assert_eq!(s.matches(' ').count(), SNIPPET_TOKENS - 1, "{s}");
        assert_eq!(snippet_for("", "vpn"), "");
        assert_eq!(snippet_for("sans rapport", "vpn"), "sans rapport");
    }

    #[test]
    fn excerpt_cuts_at_a_word() {
        assert_eq!(excerpt("un  deux\ntrois", 50), "un deux trois");
        assert_eq!(excerpt("alpha beta gamma delta", 12), "alpha beta…");
    }
}
