//! A knowledge-base article as a connector delivers it, before the store sanitises it: the
//! sync engine passes it from a connector to the store, the CLI imports local ones the same way.

use chrono::{DateTime, Utc};

/// An article as a server publishes it (or as imported locally), body not yet sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The connector it comes from (`glpi`, `rt`, `local`…).
    pub connector: String,
    /// Its id on that connector's server.
    pub remote_id: String,
    /// Title.
    pub title: String,
    /// Short summary, if the server has one.
    pub summary: Option<String>,
    /// Body, untrusted HTML (the store sanitises it).
    pub body_html: String,
    /// Category (`Réseau`, `Imprimantes`…).
    pub category: Option<String>,
    /// Language tag (`fr`, `en`…).
    pub language: Option<String>,
    /// Last change on the server.
    pub updated_at: DateTime<Utc>,
    /// The server's version marker (revision, ETag, timestamp): an article whose version is
    /// unchanged is not rewritten on the next sync.
    pub remote_version: String,
    /// The images the body embeds, fetched by the connector.
    pub images: Vec<ArticleImage>,
}

/// An image embedded in an article, fetched by the connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleImage {
    /// The `<img src>` value exactly as written in the article's HTML.
    pub url: String,
    /// MIME type (`image/png`).
    pub content_type: String,
    /// The image.
    pub bytes: Vec<u8>,
}
