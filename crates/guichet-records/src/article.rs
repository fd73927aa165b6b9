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
    /// Check ids the service desk tagged it with (`storage.free`, `printing.queues`), so that a
    /// failing check suggests it: a GLPI category named after the check, an RT article's
    /// "Guichet checks" custom field. Lower case, each once.
    pub tags: Vec<String>,
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

/// Whether `word` has the shape of a check id: dotted lower-case words (`storage.free`,
/// `system.failed_units`), at most 64 characters.
pub fn is_check_id(word: &str) -> bool {
    word.len() <= 64
        && word.contains('.')
        && word.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        })
}

/// The check ids among `words` (trimmed, lower-cased; anything else dropped), sorted, each once:
/// an article's tags as the store keeps them.
pub fn check_tags<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut tags: Vec<String> = words
        .into_iter()
        .map(|w| w.trim().to_ascii_lowercase())
        .filter(|w| is_check_id(w))
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_keep_check_ids_only_once_each() {
        assert_eq!(
            check_tags([
                " Storage.Free",
                "printing.queues",
                "storage.free",
                "",
                "Imprimante",
                "a..b",
                "x."
            ]),
            ["printing.queues", "storage.free"]
        );
        assert!(is_check_id("system.failed_units"));
        assert!(!is_check_id("storage"));
        assert!(!is_check_id("storage free"));
    }
}
