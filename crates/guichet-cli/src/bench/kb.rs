//! `guichet bench kb`: how the knowledge base scales. Generates N deterministic French and
//! English articles (a seeded generator over a help-desk vocabulary, accents included, 100–400
//! words each, with some HTML) into a fresh store (temporary unless `--keep DIR`), times their
//! import (sanitising and indexing included, batches of 1,000 per transaction, as a sync would
//! write them), then times Q searches of 1–3 words, some of them prefixes, unaccented or
//! upper-case, as typed by users. Reports the import rate, the search latency percentiles and
//! the database size.
//! The corpus comes from [`super::corpus`].

use std::time::Instant;

use anyhow::Context as _;
use clap::Args;
use guichet_store::{Article, Store};
use serde::Serialize;
use uuid::Uuid;

use super::corpus::{article, query, SplitMix64};
use crate::error::CliError;
use crate::Context;

/// The search latency the knowledge base is meant to stay under, at the 99th percentile.
const TARGET_P99_MS: f64 = 10.0;

/// Articles written per transaction.
const BATCH: usize = 1000;

/// Results asked per search (a result page).
const LIMIT: usize = 20;

/// Unmeasured searches first, so the figures describe a warm cache as in an interactive session.
const WARMUP_QUERIES: usize = 20;

/// `guichet bench kb …`
#[derive(Debug, Args)]
pub struct BenchKbArgs {
    /// Number of articles to generate.
    #[arg(long, default_value_t = 50_000)]
    articles: usize,
    /// Number of timed searches.
    #[arg(long, default_value_t = 1000)]
    queries: usize,
    /// Seed of the generator (same seed, same corpus and queries).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Build the store in this new (or empty) directory and keep it afterwards, to study
    /// the queries with other tools; by default a temporary directory, removed at the end.
    #[arg(long, value_name = "DIR")]
    keep: Option<std::path::PathBuf>,
}

/// The figures.
#[derive(Debug, Serialize)]
pub struct KbBenchReport {
    /// Articles imported.
    pub articles: usize,
    /// Total words of the generated bodies.
    pub words: usize,
    /// Import wall time, seconds.
    pub import_s: f64,
    /// Import rate.
    pub articles_per_s: f64,
    /// Searches timed.
    pub queries: usize,
    /// Searches that found nothing.
    pub empty_results: usize,
    /// Mean number of results (at most [`LIMIT`]).
    pub mean_results: f64,
    /// Median search latency, ms.
    pub p50_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Slowest search, ms.
    pub max_ms: f64,
    /// Size of the database after a checkpoint, bytes.
    pub db_bytes: u64,
    /// Whether p99 is under the target.
    pub p99_target_met: bool,
    /// The slowest queries, for investigation.
    pub slowest: Vec<(String, f64)>,
    /// Suggestions as a report's title is typed, key by key.
    pub typing: super::kb_typing::TypingFigures,
}

/// Runs the benchmark.
pub async fn run(ctx: &Context, args: BenchKbArgs) -> Result<(), CliError> {
    if args.articles == 0 || args.queries == 0 {
        return Err(CliError::usage(
            "--articles and --queries must be at least 1",
        ));
    }
    let temp;
    let dir: &std::path::Path = match &args.keep {
        Some(d) => {
            let occupied = std::fs::read_dir(d).is_ok_and(|mut e| e.next().is_some());
            if occupied {
                return Err(CliError::usage(format!(
                    "--keep {}: the directory must be new or empty",
                    d.display()
                )));
            }
            d
        }
        None => {
            temp = tempfile::Builder::new()
                .prefix("guichet-bench-kb-")
                .tempdir()
                .context("creating a temporary store")?;
            temp.path()
        }
    };
    let store = Store::open(dir).await?;
    let mut rng = SplitMix64(args.seed);
    let (words, import_s) = import_corpus(&store, &mut rng, args.articles).await?;
    let searches = time_searches(&store, &mut rng, args.queries).await?;
    let typing = super::kb_typing::time_typing(&store, &mut rng).await?;
    store.close().await;
    if args.keep.is_some() {
        // Every timed query with its latency, to replay the slow ones against the kept store.
        let tsv: String = searches
            .timings
            .iter()
            .map(|(q, ms)| format!("{q}\t{ms:.3}\n"))
            .collect();
        let path = dir.join("queries.tsv");
        std::fs::write(&path, tsv).with_context(|| format!("writing {}", path.display()))?;
    }
    let db = dir.join(guichet_store::DATABASE_FILE);
    let db_bytes = std::fs::metadata(&db)
        .with_context(|| format!("reading the size of {}", db.display()))?
        .len();
    let report = KbBenchReport::new(&args, words, import_s, searches, db_bytes, typing);
    if ctx.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).context("encoding JSON")?
        );
    } else {
        print!("{}", report.text());
    }
    Ok(())
}

/// Writes `count` generated articles in batches of [`BATCH`], as a sync would; the words
/// written and the seconds it took.
async fn import_corpus(
    store: &Store,
    rng: &mut SplitMix64,
    count: usize,
) -> Result<(usize, f64), CliError> {
    let mut words = 0;
    let started = Instant::now();
    let mut done = 0;
    while done < count {
        let n = BATCH.min(count - done);
        let batch: Vec<(Article, Uuid)> = (done..done + n)
            .map(|i| {
                let (a, n) = article(rng, i);
                words += n;
                let mut bytes = [0u8; 16];
                bytes[..8].copy_from_slice(&rng.next().to_le_bytes());
                bytes[8..].copy_from_slice(&rng.next().to_le_bytes());
                let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
                (a, id)
            })
            .collect();
        store.upsert_articles(batch).await?;
        done += n;
        eprint!("\rbench kb: imported {done}/{count}");
    }
    let import_s = started.elapsed().as_secs_f64();
    eprintln!(" in {import_s:.1} s");
    Ok((words, import_s))
}

/// The timed searches: each query with its latency, the results found and the empty answers.
struct Searches {
    timings: Vec<(String, f64)>,
    results: usize,
    empty: usize,
}

/// Runs [`WARMUP_QUERIES`] unmeasured searches, then `count` timed ones.
async fn time_searches(
    store: &Store,
    rng: &mut SplitMix64,
    count: usize,
) -> Result<Searches, CliError> {
    let queries: Vec<String> = (0..count + WARMUP_QUERIES).map(|_| query(rng)).collect();
    let mut s = Searches {
        timings: Vec::with_capacity(count),
        results: 0,
        empty: 0,
    };
    for (i, q) in queries.iter().enumerate() {
        let t = Instant::now();
        let hits = store.search_articles(q, LIMIT).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if i >= WARMUP_QUERIES {
            s.timings.push((q.clone(), ms));
            s.results += hits.len();
            s.empty += usize::from(hits.is_empty());
        }
    }
    Ok(s)
}

impl KbBenchReport {
    fn new(
        args: &BenchKbArgs,
        words: usize,
        import_s: f64,
        mut searches: Searches,
        db_bytes: u64,
        typing: super::kb_typing::TypingFigures,
    ) -> KbBenchReport {
        let mut sorted: Vec<f64> = searches.timings.iter().map(|t| t.1).collect();
        sorted.sort_by(|a, b| a.total_cmp(b));
        searches.timings.sort_by(|a, b| b.1.total_cmp(&a.1));
        let p99 = percentile(&sorted, 99.0);
        KbBenchReport {
            articles: args.articles,
            words,
            import_s,
            articles_per_s: args.articles as f64 / import_s,
            queries: args.queries,
            empty_results: searches.empty,
            mean_results: searches.results as f64 / args.queries as f64,
            p50_ms: percentile(&sorted, 50.0),
            p95_ms: percentile(&sorted, 95.0),
            p99_ms: p99,
            max_ms: sorted.last().copied().unwrap_or(0.0),
            db_bytes,
            p99_target_met: p99 < TARGET_P99_MS,
            slowest: searches.timings.into_iter().take(5).collect(),
            typing,
        }
    }

    /// The figures for a person.
    fn text(&self) -> String {
        let r = self;
        let slowest = r
            .slowest
            .iter()
            .map(|(q, ms)| format!("{q:?} {ms:.1} ms"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "import:  {} articles ({} words) in {:.1} s, {:.0} articles/s\n\
             search:  {} queries (limit {LIMIT}), p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms\n\
             \x20        {:.1} results per query on average, {} with none\n\
             slowest: {slowest}\n\
             typing:  {} keys (suggestions at each), p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms\n\
             store:   {}\n\
             target:  p99 under {TARGET_P99_MS} ms: {}\n",
            r.articles,
            r.words,
            r.import_s,
            r.articles_per_s,
            r.queries,
            r.p50_ms,
            r.p95_ms,
            r.p99_ms,
            r.max_ms,
            r.mean_results,
            r.empty_results,
            r.typing.keystrokes,
            r.typing.p50_ms,
            r.typing.p95_ms,
            r.typing.p99_ms,
            r.typing.max_ms,
            crate::table::size(r.db_bytes),
            if r.p99_target_met { "met" } else { "NOT met" }
        )
    }
}

/// Nearest-rank percentile of sorted values.
pub(super) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
    }
}
