//! Articles to suggest before a ticket: those tagged with the checks that failed
//! ([`suggest_articles`]), and those matching a report's title as the user types it
//! ([`suggest_for_title`]), offline, from the local knowledge base. Articles in the user's
//! language come first; a starter article in the other language is left out (its twin in the
//! user's language says the same).

use guichet_records::Diagnosis;
use guichet_store::{Store, SNIPPET_CLOSE, SNIPPET_OPEN};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{CoreError, Lang};

/// Why an article is suggested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SuggestionReason {
    /// It is tagged with a check that found a warning or a problem.
    Check {
        /// The check's id (`storage.free`).
        check: String,
        /// What that check looked at, when it covers several things (`/home`).
        subject: Option<String>,
    },
    /// Its text holds the words typed.
    Words {
        /// The words of the article that matched, as written there.
        words: Vec<String>,
    },
}

/// An article worth reading before filing a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSuggestion {
    /// Local id of the article (what `kb show` and the app's article view take).
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// A short extract: the summary or start of the body, or the passage that matched.
    pub excerpt: String,
    /// Why it is suggested.
    pub why: SuggestionReason,
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "fr",
        Lang::En => "en",
    }
}

/// 0 for the user's language or an unknown one (most of a service desk's articles: neither GLPI
/// nor RT says), 1 for another language; `None` for a starter article in another language
/// (left out).
fn language_order(language: Option<&str>, starter: bool, lang: Lang) -> Option<u8> {
    match language {
        None => Some(0),
        Some(l) if l.eq_ignore_ascii_case(lang_code(lang)) => Some(0),
        Some(_) if starter => None,
        Some(_) => Some(1),
    }
}

/// Articles tagged with the checks of `diagnosis` that found a warning or a problem (worst
/// first), the service desk's before the starter ones, the user's language first: at most
/// `limit`. Brings the starter articles up to date first ([`crate::install_starter_articles`]).
pub async fn suggest_articles(
    store: &Store,
    diagnosis: &Diagnosis,
    lang: Lang,
    limit: usize,
) -> Result<Vec<ArticleSuggestion>, CoreError> {
    let failing = diagnosis.attention();
    let mut checks: Vec<String> = Vec::new();
    for f in &failing {
        if !checks.contains(&f.check) {
            checks.push(f.check.clone());
        }
    }
    if checks.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    // A machine that never synced has its starter articles from the first suggestion on.
    crate::install_starter_articles(store).await?;
    let tagged = store.tagged_articles(&checks).await?;
    let mut ranked: Vec<(usize, u8, usize, ArticleSuggestion)> = Vec::new();
    for (n, a) in tagged.into_iter().enumerate() {
        let Some(order) = language_order(a.language.as_deref(), a.starter, lang) else {
            continue;
        };
        let check_rank = checks
            .iter()
            .position(|c| *c == a.tag)
            .unwrap_or(usize::MAX);
        let subject = failing
            .iter()
            .find(|f| f.check == a.tag)
            .and_then(|f| f.subject.clone());
        ranked.push((
            check_rank,
            order,
            n,
            ArticleSuggestion {
                id: a.id,
                title: a.title,
                excerpt: a.excerpt,
                why: SuggestionReason::Check {
                    check: a.tag,
                    subject,
                },
            },
        ));
    }
    // Worst check first; within a check, the store's order (desk before starter, by title)
    // after the language.
    ranked.sort_by_key(|(check, order, n, _)| (*check, *order, *n));
    Ok(ranked.into_iter().take(limit).map(|r| r.3).collect())
}

/// Articles matching `title` as typed so far (the last word a prefix), best first, the user's
/// language first among equals: at most `limit`. Any input is accepted; one with no words gives
/// none.
pub async fn suggest_for_title(
    store: &Store,
    title: &str,
    lang: Lang,
    limit: usize,
) -> Result<Vec<ArticleSuggestion>, CoreError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    // A few more than asked: starter articles of the other language are dropped below.
    let hits = store.search_articles(title, limit * 2).await?;
    let ids: Vec<Uuid> = hits.iter().map(|h| h.id).collect();
    let origins = store.article_origins(&ids).await?;
    let mut ranked: Vec<(u8, usize, ArticleSuggestion)> = Vec::new();
    for (n, h) in hits.into_iter().enumerate() {
        let (language, starter) = origins.get(&h.id).cloned().unwrap_or((None, false));
        let Some(order) = language_order(language.as_deref(), starter, lang) else {
            continue;
        };
        let mut words = title_words(&h.title, title);
        for w in marked_words(&h.snippet) {
            if !words.iter().any(|o| o.eq_ignore_ascii_case(&w)) {
                words.push(w);
            }
        }
        let excerpt = h
            .snippet
            .replace(SNIPPET_OPEN, "")
            .replace(SNIPPET_CLOSE, "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        ranked.push((
            order,
            n,
            ArticleSuggestion {
                id: h.id,
                title: h.title,
                excerpt,
                why: SuggestionReason::Words { words },
            },
        ));
    }
    // The user's language first, then the search's order (relevance).
    ranked.sort_by_key(|(order, n, _)| (*order, *n));
    Ok(ranked.into_iter().take(limit).map(|r| r.2).collect())
}

/// The words of `article_title` that start with a word of what was typed (case-insensitive).
fn title_words(article_title: &str, typed: &str) -> Vec<String> {
    let typed: Vec<String> = typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut out: Vec<String> = Vec::new();
    for w in article_title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let lw = w.to_lowercase();
        if typed.iter().any(|t| lw.starts_with(t.as_str()))
            && !out.iter().any(|o| o.eq_ignore_ascii_case(w))
        {
            out.push(w.to_string());
        }
    }
    out
}

/// The words of a search snippet between its match markers, each once.
fn marked_words(snippet: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = snippet;
    while let Some(start) = rest.find(SNIPPET_OPEN) {
        let after = &rest[start + SNIPPET_OPEN.len()..];
        let Some(end) = after.find(SNIPPET_CLOSE) else {
            break;
        };
        let w = &after[..end];
        if !out.iter().any(|o| o.eq_ignore_ascii_case(w)) {
            out.push(w.to_string());
        }
        rest = &after[end + SNIPPET_CLOSE.len()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_words_are_read_from_the_snippet() {
        assert_eq!(
            marked_words("…l'[imprimante] est [bloquée], l'[Imprimante]…"),
            ["imprimante", "bloquée"]
        );
        assert!(marked_words("rien").is_empty());
    }

    #[test]
    fn the_other_language_s_starter_article_is_left_out() {
        assert_eq!(language_order(Some("fr"), true, Lang::Fr), Some(0));
        assert_eq!(language_order(Some("en"), true, Lang::Fr), None);
        assert_eq!(language_order(Some("en"), false, Lang::Fr), Some(1));
        assert_eq!(language_order(None, false, Lang::En), Some(0));
    }
}
