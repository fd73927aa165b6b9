//! Ranking search results: the title tier, then every column, scored with bm25 or newest first.

use super::*;

/// Most matches of one result tier that are ranked by relevance (see
/// [`Store::search_articles`]); a tier with more matches than that is listed newest first.
pub const RANK_WINDOW: usize = 500;

/// The newest matches of `table`, newest first: at most [`RANK_WINDOW`] + 1, so that more
/// than [`RANK_WINDOW`] says "broad". Walking rowids needs no scoring. Returned as the number
/// of matches and a JSON array of their rowids: one row, as each row fetched costs a round trip
/// to the database thread, and hundreds of them cost milliseconds.
pub(super) async fn newest_matches(
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
pub(super) async fn title_tier(
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
pub(super) const BM25_K1: f64 = 1.2;
pub(super) const BM25_B: f64 = 0.75;
/// Column weights of the full index (title, summary, body, category), as its `rank` in the
/// migration.
pub(super) const COLUMN_WEIGHTS: [f64; 4] = [10.0, 4.0, 1.0, 2.0];

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
pub(super) async fn all_columns_tier(
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
pub(super) async fn hits_with_snippets(
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
pub(super) fn bm25_without_body(
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
pub(super) fn unhex(hex: &str) -> Vec<u8> {
    hex.as_bytes()
        .chunks_exact(2)
        .filter_map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
        .collect()
}

/// The SQLite varints of an FTS5 record, in order.
pub(super) fn varints(mut bytes: &[u8]) -> Vec<u64> {
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
