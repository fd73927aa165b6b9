//! `guichet bench agent`: the agent over many runs, as a long-lived process would live them.
//!
//! Runs N cycles in this one process; each queues tickets and replies with a file, then does
//! what `guichet agent run` does (inventory snapshot, the run recorded, a sync with the
//! configured server), and samples the process's resident memory (`VmRSS`) and its open file
//! descriptors after the cycle. Reports both at a baseline cycle (50 by default) and at the
//! last: a leak shows as memory that keeps growing after the baseline, or descriptors that pile
//! up. With `--processes`, each cycle is its own `guichet agent run` process instead (what the
//! systemd timer starts) and the figure is each run's peak memory, which grows only when what a
//! run reads grows with the store.
//!
//! It creates real tickets on the server: run it against a test server.

use std::time::Instant;

use anyhow::Context as _;
use chrono::Utc;
use clap::Args;
use guichet_core::{ProblemReport, SystemInfo};
use guichet_store::{DescriptionFormat, NewAttachment, RunOutcome, Store};
use serde::Serialize;
use uuid::Uuid;

use crate::error::CliError;
use crate::Context;

/// `guichet bench agent …`
#[derive(Debug, Args)]
pub struct BenchAgentArgs {
    /// Agent runs.
    #[arg(long, default_value_t = 500)]
    cycles: usize,
    /// The cycle whose figures the last ones are compared with (start-up and caches settle
    /// before it).
    #[arg(long, default_value_t = 50)]
    baseline: usize,
    /// Tickets queued before each run, each with one file.
    #[arg(long, default_value_t = 1)]
    tickets: usize,
    /// Replies queued before each run, each with one file.
    #[arg(long, default_value_t = 1)]
    replies: usize,
    /// Size of each file, bytes.
    #[arg(long, default_value_t = 16 * 1024)]
    file_bytes: usize,
    /// Each run in its own `guichet agent run` process (peak memory per run) rather than all in
    /// this one (memory and descriptors of a long-lived process).
    #[arg(long)]
    processes: bool,
}

/// The figures after one cycle.
#[derive(Debug, Clone, Serialize)]
pub struct CycleSample {
    /// 1-based.
    pub cycle: usize,
    /// Resident memory after the cycle (in-process), or the run's peak (`--processes`), KiB.
    pub rss_kib: u64,
    /// Of which anonymous memory (heap, SQLite's page caches), KiB; in-process only.
    pub anon_kib: Option<u64>,
    /// Of which file-backed memory (the binary, the store's memory map), KiB; in-process only.
    pub file_kib: Option<u64>,
    /// Open file descriptors after the cycle (in-process only).
    pub fds: Option<usize>,
    /// Wall time of the cycle, queuing included, milliseconds.
    pub ms: f64,
    /// Whether the run's outcome was `ok`.
    pub ok: bool,
}

/// The report.
#[derive(Debug, Serialize)]
pub struct AgentBenchReport {
    /// `in-process` or `processes`.
    pub mode: &'static str,
    /// The baseline cycle.
    pub baseline: usize,
    /// Every cycle's figures.
    pub samples: Vec<CycleSample>,
    /// Memory at the baseline cycle, KiB.
    pub rss_baseline_kib: u64,
    /// Memory at the last cycle, KiB.
    pub rss_last_kib: u64,
    /// Most memory seen after the baseline, KiB.
    pub rss_max_after_baseline_kib: u64,
    /// `(max after baseline - baseline) / baseline`, percent.
    pub rss_growth_pct: f64,
    /// Most anonymous memory after the baseline against the baseline's, percent
    /// (in-process only): what a leak on the heap would show, without the store's memory map.
    pub anon_growth_pct: Option<f64>,
    /// Median memory of the window of cycles that starts at the baseline, KiB (the window is
    /// 50 cycles, fewer when the run is short).
    pub rss_median_first_window_kib: u64,
    /// Median memory of the same number of cycles at the end, KiB.
    pub rss_median_last_window_kib: u64,
    /// `(last window - first window) / first window`, percent: the trend. In `--processes`
    /// mode each figure is one process's peak, which varies from run to run with what its
    /// threads happened to allocate at the same moment, so the maximum against one baseline
    /// sample measures that noise as much as growth; the medians of two windows do not.
    pub rss_trend_pct: f64,
    /// Fewest and most memory of single cycles in the first window, KiB: the run-to-run
    /// spread the maximum is to be read against.
    pub rss_first_window_range_kib: (u64, u64),
    /// Descriptors at the baseline cycle and the fewest and most seen after it.
    pub fds_baseline: Option<usize>,
    /// Fewest descriptors after the baseline.
    pub fds_min_after_baseline: Option<usize>,
    /// Most descriptors after the baseline.
    pub fds_max_after_baseline: Option<usize>,
    /// Runs whose outcome was not `ok`.
    pub failed_runs: usize,
}

/// A line of `/proc/self/status` in KiB (`VmRSS`, `RssAnon`, `RssFile`); 0 elsewhere.
fn status_kib(status: &str, key: &str) -> u64 {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// This process's resident memory: total, anonymous (heap, SQLite's page caches) and
/// file-backed (the binary, the store's memory map), KiB.
fn resident() -> (u64, u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    (
        status_kib(&status, "VmRSS"),
        status_kib(&status, "RssAnon"),
        status_kib(&status, "RssFile"),
    )
}

/// This process's open file descriptors (`/proc/self/fd`), the one reading the folder excluded.
fn open_fds() -> Option<usize> {
    Some(
        std::fs::read_dir("/proc/self/fd")
            .ok()?
            .count()
            .saturating_sub(1),
    )
}

/// A file whose bytes differ from cycle to cycle, so that every blob is new.
fn file(cycle: usize, n: usize, size: usize) -> NewAttachment {
    let seed = format!("cycle {cycle} file {n}\n");
    NewAttachment {
        file_name: format!("bench-{cycle}-{n}.txt"),
        content_type: "text/plain".into(),
        bytes: seed.bytes().cycle().take(size.max(seed.len())).collect(),
    }
}

/// Queues this cycle's tickets and replies; returns the last ticket queued.
async fn queue(
    store: &Store,
    args: &BenchAgentArgs,
    cycle: usize,
    previous: Option<Uuid>,
) -> Result<Option<Uuid>, CliError> {
    let now = Utc::now();
    let mut last = previous;
    for n in 0..args.tickets {
        let report = ProblemReport {
            id: Uuid::new_v4(),
            title: format!("bench agent: cycle {cycle}, ticket {n}"),
            description: "Benchmark ticket: the printer on the second floor jams.".into(),
            description_format: DescriptionFormat::Text,
            category: None,
            urgency: 3,
            requester: None,
            system_info: SystemInfo::None,
            snapshot_id: Uuid::new_v4(),
            attachments: vec![file(cycle, n, args.file_bytes)],
            draft: false,
            diagnosis: None,
        };
        last = Some(
            guichet_core::file_report(store, report, now)
                .await?
                .ticket
                .id,
        );
    }
    // Replies go to the ticket of the cycle before (sent by now), else to this cycle's.
    if let Some(ticket) = previous.or(last) {
        for n in 0..args.replies {
            let body = format!("bench agent: cycle {cycle}, reply {n}");
            let files = [file(cycle, args.tickets + n, args.file_bytes)];
            guichet_core::reply(store, ticket, Uuid::new_v4(), &body, &files, now).await?;
        }
    }
    Ok(last)
}

/// One run as its own `guichet agent run` process; returns its peak memory and success.
fn run_process(store: &Store) -> Result<(u64, bool), CliError> {
    let me = std::env::current_exe().context("locating the guichet binary")?;
    let me = me.to_string_lossy().into_owned();
    let dir = store.dir().to_string_lossy().into_owned();
    let cmd = [
        me.clone(),
        "--data-dir".into(),
        dir,
        "agent".into(),
        "run".into(),
    ];
    let sample = super::measure_once(&me, &cmd)?;
    Ok((sample.max_rss_kib, sample.success))
}

/// Runs the benchmark on the store of the data directory, with its configured server.
pub async fn run(ctx: &Context, args: BenchAgentArgs) -> Result<(), CliError> {
    if args.cycles == 0 || args.baseline == 0 || args.baseline > args.cycles {
        return Err(CliError::usage(
            "--cycles and --baseline must be at least 1, and --baseline at most --cycles",
        ));
    }
    let store = ctx.store().await?;
    if guichet_sync::config::ConnectorConfig::load(&store)
        .await
        .map_err(crate::sync::sync_error)?
        .is_none()
    {
        eprintln!("bench agent: no server configured, the runs will not sync");
    }
    let mut samples = Vec::with_capacity(args.cycles);
    let mut previous = None;
    for cycle in 1..=args.cycles {
        let started = Instant::now();
        previous = queue(&store, &args, cycle, previous).await?;
        let (rss, split, fds, ok) = if args.processes {
            let (rss, ok) = run_process(&store)?;
            (rss, None, None, ok)
        } else {
            let run = crate::agent::recorded_run(&store, false, Utc::now()).await?;
            let (rss, anon, file) = resident();
            (
                rss,
                Some((anon, file)),
                open_fds(),
                run.outcome == RunOutcome::Ok,
            )
        };
        samples.push(CycleSample {
            cycle,
            rss_kib: rss,
            anon_kib: split.map(|(a, _)| a),
            file_kib: split.map(|(_, f)| f),
            fds,
            ms: started.elapsed().as_secs_f64() * 1000.0,
            ok,
        });
        eprint!("\rbench agent: cycle {cycle}/{}", args.cycles);
    }
    eprintln!();
    let report = summarise(&args, samples);
    print(ctx, &report)
}

/// The cycles shown in the text report: the first, 10, the baseline, every 50th, the last.
fn shown(cycle: usize, baseline: usize, last: usize) -> bool {
    cycle == 1 || cycle == 10 || cycle == baseline || cycle.is_multiple_of(50) || cycle == last
}

fn print(ctx: &Context, r: &AgentBenchReport) -> Result<(), CliError> {
    if ctx.json {
        println!(
            "{}",
            serde_json::to_string_pretty(r).context("encoding JSON")?
        );
        return Ok(());
    }
    let last = r.samples.len();
    let baseline = r.baseline;
    let mib = |k: Option<u64>| k.map_or("-".to_string(), |k| format!("{:.1}", k as f64 / 1024.0));
    println!(
        "{:>7} {:>10} {:>10} {:>10} {:>5} {:>9} {:>4}",
        "cycle", "RSS MiB", "anon MiB", "file MiB", "fds", "ms", "ok"
    );
    for s in r.samples.iter().filter(|s| shown(s.cycle, baseline, last)) {
        println!(
            "{:>7} {:>10.1} {:>10} {:>10} {:>5} {:>9.0} {:>4}",
            s.cycle,
            s.rss_kib as f64 / 1024.0,
            mib(s.anon_kib),
            mib(s.file_kib),
            s.fds.map_or("-".to_string(), |f| f.to_string()),
            s.ms,
            if s.ok { "yes" } else { "no" }
        );
    }
    println!(
        "{} runs ({}): memory {:.1} MiB at the baseline, at most {:.1} MiB after it ({:+.1} %; \
         anonymous {}), {:.1} MiB at the end; descriptors {} at the baseline, {}..{} after it; {} run(s) not ok",
        last,
        r.mode,
        r.rss_baseline_kib as f64 / 1024.0,
        r.rss_max_after_baseline_kib as f64 / 1024.0,
        r.rss_growth_pct,
        r.anon_growth_pct
            .map_or("-".into(), |g| format!("{g:+.1} %")),
        r.rss_last_kib as f64 / 1024.0,
        r.fds_baseline.map_or("-".into(), |f| f.to_string()),
        r.fds_min_after_baseline
            .map_or("-".into(), |f| f.to_string()),
        r.fds_max_after_baseline
            .map_or("-".into(), |f| f.to_string()),
        r.failed_runs
    );
    println!(
        "trend: median {:.1} MiB over cycles {}.. against {:.1} MiB over the last ones ({:+.1} %); \
         single cycles of the first window {:.1}..{:.1} MiB",
        r.rss_median_first_window_kib as f64 / 1024.0,
        baseline,
        r.rss_median_last_window_kib as f64 / 1024.0,
        r.rss_trend_pct,
        r.rss_first_window_range_kib.0 as f64 / 1024.0,
        r.rss_first_window_range_kib.1 as f64 / 1024.0,
    );
    Ok(())
}

/// The median of `v` (the lower middle for an even count); 0 when empty.
fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v.get(v.len().saturating_sub(1) / 2).copied().unwrap_or(0)
}

/// Cycles in each of the two windows the trend compares.
const WINDOW: usize = 50;

fn summarise(args: &BenchAgentArgs, samples: Vec<CycleSample>) -> AgentBenchReport {
    let base = &samples[args.baseline - 1];
    let after = &samples[args.baseline - 1..];
    let rss_max = after.iter().map(|s| s.rss_kib).max().unwrap_or(0);
    let window = WINDOW.min(after.len() / 2).max(1);
    let first: Vec<u64> = after[..window].iter().map(|s| s.rss_kib).collect();
    let last: Vec<u64> = after[after.len() - window..]
        .iter()
        .map(|s| s.rss_kib)
        .collect();
    let first_range = (
        first.iter().copied().min().unwrap_or(0),
        first.iter().copied().max().unwrap_or(0),
    );
    let (first, last) = (median(first), median(last));
    let fds: Vec<usize> = after.iter().filter_map(|s| s.fds).collect();
    AgentBenchReport {
        mode: if args.processes {
            "processes"
        } else {
            "in-process"
        },
        baseline: args.baseline,
        rss_baseline_kib: base.rss_kib,
        rss_last_kib: samples.last().map_or(0, |s| s.rss_kib),
        rss_max_after_baseline_kib: rss_max,
        rss_growth_pct: (rss_max as f64 - base.rss_kib as f64) / (base.rss_kib.max(1) as f64)
            * 100.0,
        anon_growth_pct: base.anon_kib.map(|b| {
            let max = after.iter().filter_map(|s| s.anon_kib).max().unwrap_or(b);
            (max as f64 - b as f64) / (b.max(1) as f64) * 100.0
        }),
        rss_median_first_window_kib: first,
        rss_median_last_window_kib: last,
        rss_trend_pct: (last as f64 - first as f64) / (first.max(1) as f64) * 100.0,
        rss_first_window_range_kib: first_range,
        fds_baseline: base.fds,
        fds_min_after_baseline: fds.iter().min().copied(),
        fds_max_after_baseline: fds.iter().max().copied(),
        failed_runs: samples.iter().filter(|s| !s.ok).count(),
        samples,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(cycles: usize, processes: bool) -> BenchAgentArgs {
        BenchAgentArgs {
            cycles,
            baseline: 50,
            tickets: 1,
            replies: 1,
            file_bytes: 1024,
            processes,
        }
    }

    fn samples(rss: impl Fn(usize) -> u64, cycles: usize) -> Vec<CycleSample> {
        (1..=cycles)
            .map(|cycle| CycleSample {
                cycle,
                rss_kib: rss(cycle),
                anon_kib: None,
                file_kib: None,
                fds: None,
                ms: 1.0,
                ok: true,
            })
            .collect()
    }

    #[test]
    fn one_noisy_run_shows_in_the_maximum_but_not_in_the_trend() {
        // Flat at 20 MiB, with one run in ten at 22 MiB (+10 %) and the baseline a quiet one.
        let noisy = |c: usize| if c % 10 == 3 { 22 * 1024 } else { 20 * 1024 };
        let r = summarise(&args(500, true), samples(noisy, 500));
        assert!(
            (r.rss_growth_pct - 10.0).abs() < 0.01,
            "{}",
            r.rss_growth_pct
        );
        assert_eq!(r.rss_trend_pct, 0.0);
        assert_eq!(r.rss_first_window_range_kib, (20 * 1024, 22 * 1024));
    }

    #[test]
    fn memory_that_keeps_growing_shows_in_the_trend() {
        // 10 KiB more per cycle from 20 MiB.
        let r = summarise(
            &args(500, false),
            samples(|c| 20 * 1024 + 10 * c as u64, 500),
        );
        // Medians: cycles 50..99 → cycle 74; last 50 (451..500) → cycle 475.
        let expected = (401.0 * 10.0) / (20.0 * 1024.0 + 740.0) * 100.0;
        assert!(
            (r.rss_trend_pct - expected).abs() < 0.01,
            "{}",
            r.rss_trend_pct
        );
        assert!(r.rss_trend_pct > 5.0);
    }
}
