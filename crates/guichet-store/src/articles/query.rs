//! From what the user typed to an FTS5 query, and the snippets that show where it matched.

use super::*;

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
pub(super) fn query_tokens(input: &str) -> Vec<&str> {
    input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(MAX_QUERY_TOKENS)
        .collect()
}

/// A word as the index sees it (tokenizer `unicode61 remove_diacritics 2`): lower case, without
/// accents.
pub(super) fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// [`fold`] into `out` (cleared first), so that a loop over many words reuses one buffer.
pub(super) fn fold_into(word: &str, out: &mut String) {
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
pub(super) struct QueryTerms {
    pub(super) terms: Vec<String>,
    pub(super) prefix_last: bool,
}

impl QueryTerms {
    pub(super) fn new(query: &str) -> Self {
        let terms: Vec<String> = query_tokens(query).iter().map(|t| fold(t)).collect();
        let prefix_last = terms.last().is_some_and(|t| t.chars().count() > 1);
        QueryTerms { terms, prefix_last }
    }

    /// Whether the folded `word` matches query term `k`.
    pub(super) fn matches(&self, k: usize, word: &str) -> bool {
        let t = &self.terms[k];
        *t == word
            || (self.prefix_last && k == self.terms.len() - 1 && word.starts_with(t.as_str()))
    }

    /// The first query term the folded `word` matches.
    pub(super) fn first_match(&self, word: &str) -> Option<usize> {
        (0..self.terms.len()).find(|&k| self.matches(k, word))
    }
}

/// (start byte, end byte) of every run of letters and digits of `text`: its words as the
/// index's tokenizer cuts them.
pub(super) fn word_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
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
pub(super) const SNIPPET_TOKENS: usize = 16;

/// The snippet of `text` for `query`, made here rather than by FTS5's `snippet()`, which needs
/// the row under a full-index cursor: positioning one on a given row of a large index costs
/// milliseconds. Same shape as FTS5's: the window of [`SNIPPET_TOKENS`] words holding the most
/// query words, each match between [`SNIPPET_OPEN`] and [`SNIPPET_CLOSE`], `…` where cut.
/// Words match as in the index (case and accents folded), the last query word as a prefix.
pub(super) fn snippet_for(text: &str, query: &str) -> String {
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
}
