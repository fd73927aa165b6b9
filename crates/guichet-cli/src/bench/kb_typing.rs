//! The "suggest as you type" case of `guichet bench kb`: a report title typed one key at a
//! time, [`guichet_core::suggest_for_title`] called at every key from the second character on
//! (as the app does), on the benchmark's corpus plus the starter articles.

use std::time::Instant;

use guichet_store::Store;
use serde::Serialize;

use super::corpus::{query, SplitMix64};
use crate::error::CliError;

/// Suggestions asked per key (what the report form shows).
const SUGGESTIONS: usize = 5;

/// Titles typed; each gives one timed call per key.
const TITLES: usize = 200;

/// Latency of the suggestions at each key.
#[derive(Debug, Serialize)]
pub struct TypingFigures {
    /// Keys timed (every prefix of 2 characters or more of every title).
    pub keystrokes: usize,
    /// Median, ms.
    pub p50_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Slowest key, ms.
    pub max_ms: f64,
}

/// Types [`TITLES`] titles (the benchmark's query generator: 1 to 3 words, French or English,
/// some unaccented or upper-case) key by key and times the suggestions at each.
pub async fn time_typing(store: &Store, rng: &mut SplitMix64) -> Result<TypingFigures, CliError> {
    guichet_core::install_starter_articles(store).await?;
    let mut timings = Vec::new();
    for _ in 0..TITLES {
        let title = query(rng);
        let chars: Vec<(usize, char)> = title.char_indices().collect();
        for (at, c) in chars.iter().skip(1) {
            let typed = &title[..at + c.len_utf8()];
            let t = Instant::now();
            let _ =
                guichet_core::suggest_for_title(store, typed, guichet_core::Lang::Fr, SUGGESTIONS)
                    .await?;
            timings.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    timings.sort_by(|a, b| a.total_cmp(b));
    Ok(TypingFigures {
        keystrokes: timings.len(),
        p50_ms: super::kb::percentile(&timings, 50.0),
        p95_ms: super::kb::percentile(&timings, 95.0),
        p99_ms: super::kb::percentile(&timings, 99.0),
        max_ms: timings.last().copied().unwrap_or(0.0),
    })
}
