//! The offline knowledge base: articles from help-desk connectors (or imported locally), with
//! their images as blobs and a full-text index.
//!
//! * Writing: [`Store::upsert_article`] sanitises the HTML (see [`crate::sanitize_html`]),
//!   stores the images as blobs and the article in one transaction, keyed by
//!   `(connector, remote_id)` so that the local id stays stable across updates.
//!   [`Store::upsert_articles`] does the same for a batch, in one transaction.
//! * Sync support: [`Store::article_versions`] (what is here, at which remote version) and
//!   [`Store::delete_article`].
//! * Tags: the check ids an article is tagged with ([`Store::tagged_articles`]), and the starter
//!   articles Guichet ships, kept only for the checks no article of the service desk covers
//!   ([`Store::sync_starter_articles`]).
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

pub use guichet_records::{Article, ArticleImage};

use crate::sanitize::{html_to_text, sanitize_html};
use crate::{BlobId, Store, StoreError};

mod query;
mod rank;
mod read;
mod tags;
mod write;

pub(crate) use query::match_expression;
use query::*;
pub use rank::RANK_WINDOW;
use rank::*;
pub use tags::{StarterSync, TaggedArticle, STARTER_CONNECTOR};
pub(crate) use write::write_article;

/// Opening marker of a matched term in [`ArticleHit::snippet`].
pub const SNIPPET_OPEN: &str = "[";
/// Closing marker of a matched term in [`ArticleHit::snippet`].
pub const SNIPPET_CLOSE: &str = "]";

/// Most tokens of a search query that are used: a pasted paragraph must not become a huge query.
const MAX_QUERY_TOKENS: usize = 12;

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

/// A stored article: sanitised, its images kept as blobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredArticle {
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
    /// Check ids it is tagged with, sorted.
    pub tags: Vec<String>,
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

/// An article ready to be written: sanitised, its images stored.
pub(crate) struct Prepared {
    input: Article,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_cuts_at_a_word() {
        assert_eq!(excerpt("un  deux\ntrois", 50), "un deux trois");
        assert_eq!(excerpt("alpha beta gamma delta", 12), "alpha beta…");
    }
}
