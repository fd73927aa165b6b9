//! `guichet bench diagnose`: runs the whole diagnosis N times with the store's settings (the
//! configured service desk, if any: set one up with `guichet connect`, or use a data directory
//! without one to measure offline) and reports the wall time of a whole run (min, median, p95,
//! max) and the slowest checks. Each run takes the path of `guichet diagnose` (the context read
//! from the store, then every check in parallel on a blocking thread); every check is timed
//! inside that parallel run.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::Utc;
use clap::Args;
use guichet_diagnostics::{all_checks, run_checks, Check, Finding};
use serde::Serialize;

use crate::error::CliError;
use crate::{output, Context};

/// The target for a whole run on the development machine, milliseconds.
const TARGET_MS: f64 = 1500.0;

/// `guichet bench diagnose`
#[derive(Debug, Args)]
pub struct BenchDiagnoseArgs {
    /// Measured runs.
    #[arg(long, default_value_t = 20)]
    runs: u32,
    /// Unmeasured warm-up runs (page cache, first connections).
    #[arg(long, default_value_t = 1)]
    warmup: u32,
}

/// One check's times over the runs.
#[derive(Debug, Serialize)]
pub struct CheckTimes {
    /// The check's id.
    pub check: String,
    /// Median wall time, milliseconds.
    pub median_ms: f64,
    /// Longest wall time, milliseconds (the deadline when it did not answer).
    pub max_ms: f64,
    /// Runs in which it did not answer before its deadline.
    pub late: u32,
}

/// The figures.
#[derive(Debug, Serialize)]
pub struct DiagnoseBenchReport {
    /// Measured runs.
    pub runs: u32,
    /// The configured service desk's URL, `None` when none is (offline).
    pub desk: Option<String>,
    /// Checks run each time.
    pub checks: usize,
    /// Findings of the last run.
    pub findings: usize,
    /// Whole run: fastest, median, 95th percentile, slowest, milliseconds.
    pub min_ms: f64,
    /// Median whole run, milliseconds.
    pub median_ms: f64,
    /// 95th percentile (nearest rank), milliseconds.
    pub p95_ms: f64,
    /// Slowest whole run, milliseconds.
    pub max_ms: f64,
    /// Every check, slowest (by its longest time) first.
    pub slowest: Vec<CheckTimes>,
    /// Whether the slowest run stayed under the target.
    pub target_met: bool,
}

/// A check whose run is timed.
struct Timed {
    inner: Arc<dyn Check>,
    took: Arc<Mutex<Option<Duration>>>,
}

impl Check for Timed {
    fn id(&self) -> &'static str {
        self.inner.id()
    }

    fn run(&self, ctx: &guichet_diagnostics::Context) -> Vec<Finding> {
        let started = Instant::now();
        let findings = self.inner.run(ctx);
        if let Ok(mut took) = self.took.lock() {
            *took = Some(started.elapsed());
        }
        findings
    }
}

/// One whole run: its wall time, each check's (`None`: late), and how many findings.
async fn one_run(
    store: &guichet_store::Store,
) -> Result<(Duration, Vec<(&'static str, Option<Duration>)>, usize), CliError> {
    let started = Instant::now();
    let ctx = guichet_core::diagnosis_context(store, Utc::now()).await?;
    let timed: Vec<Arc<Timed>> = all_checks()
        .into_iter()
        .map(|inner| {
            Arc::new(Timed {
                inner,
                took: Arc::new(Mutex::new(None)),
            })
        })
        .collect();
    let checks: Vec<Arc<dyn Check>> = timed.iter().map(|t| t.clone() as Arc<dyn Check>).collect();
    let d = tokio::task::spawn_blocking(move || run_checks(&ctx, checks))
        .await
        .context("running the checks")?;
    let wall = started.elapsed();
    let per_check = timed
        .iter()
        .map(|t| (t.id(), t.took.lock().ok().and_then(|g| *g)))
        .collect();
    Ok((wall, per_check, d.findings.len()))
}

/// Runs `guichet bench diagnose`.
pub async fn run(ctx: &Context, args: BenchDiagnoseArgs) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let desk = guichet_core::diagnosis_context(&store, Utc::now())
        .await?
        .desk
        .map(|d| d.url);
    for _ in 0..args.warmup {
        one_run(&store).await?;
    }
    let mut walls = Vec::new();
    let mut checks: Vec<(&'static str, Vec<f64>, u32)> = Vec::new();
    let mut findings = 0;
    let deadline_ms = guichet_diagnostics::Context::new(Utc::now())
        .timeout
        .as_secs_f64()
        * 1e3;
    for _ in 0..args.runs.max(1) {
        let (wall, per_check, n) = one_run(&store).await?;
        walls.push(wall.as_secs_f64() * 1e3);
        findings = n;
        for (id, took) in per_check {
            let i = match checks.iter().position(|c| c.0 == id) {
                Some(i) => i,
                None => {
                    checks.push((id, Vec::new(), 0));
                    checks.len() - 1
                }
            };
            checks[i]
                .1
                .push(took.map_or(deadline_ms, |t| t.as_secs_f64() * 1e3));
            checks[i].2 += u32::from(took.is_none());
        }
    }
    let report = DiagnoseBenchReport::new(args.runs.max(1), desk, walls, checks, findings);
    let bytes = if ctx.json {
        let mut b = serde_json::to_vec_pretty(&report).context("encoding JSON")?;
        b.push(b'\n');
        b
    } else {
        report.text().into_bytes()
    };
    output::write(None, &bytes)?;
    Ok(())
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl DiagnoseBenchReport {
    fn new(
        runs: u32,
        desk: Option<String>,
        walls: Vec<f64>,
        checks: Vec<(&'static str, Vec<f64>, u32)>,
        findings: usize,
    ) -> Self {
        let walls = sorted(walls);
        let mut slowest: Vec<CheckTimes> = checks
            .into_iter()
            .map(|(id, times, late)| {
                let times = sorted(times);
                CheckTimes {
                    check: id.to_string(),
                    median_ms: percentile(&times, 50.0),
                    max_ms: times.last().copied().unwrap_or(0.0),
                    late,
                }
            })
            .collect();
        slowest.sort_by(|a, b| b.max_ms.total_cmp(&a.max_ms));
        let max_ms = walls.last().copied().unwrap_or(0.0);
        DiagnoseBenchReport {
            runs,
            desk,
            checks: slowest.len(),
            findings,
            min_ms: walls.first().copied().unwrap_or(0.0),
            median_ms: percentile(&walls, 50.0),
            p95_ms: percentile(&walls, 95.0),
            max_ms,
            slowest,
            target_met: max_ms < TARGET_MS,
        }
    }

    /// The figures for a person.
    fn text(&self) -> String {
        let slowest = self
            .slowest
            .iter()
            .take(5)
            .map(|c| {
                let late = if c.late > 0 {
                    format!(", late {}x", c.late)
                } else {
                    String::new()
                };
                format!("{} {:.1}/{:.1} ms{late}", c.check, c.median_ms, c.max_ms)
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "desk:    {}\n\
             runs:    {} whole diagnoses, {} checks, {} findings\n\
             whole:   min {:.1} ms, median {:.1} ms, p95 {:.1} ms, max {:.1} ms\n\
             slowest: {slowest} (median/max)\n\
             target:  every run under {TARGET_MS:.0} ms: {}\n",
            self.desk.as_deref().unwrap_or("none configured (offline)"),
            self.runs,
            self.checks,
            self.findings,
            self.min_ms,
            self.median_ms,
            self.p95_ms,
            self.max_ms,
            if self.target_met { "met" } else { "NOT met" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_orders_checks_by_their_slowest_run() {
        let r = DiagnoseBenchReport::new(
            3,
            None,
            vec![30.0, 10.0, 20.0],
            vec![
                ("cpu.load", vec![1.0, 2.0, 3.0], 0),
                ("network.dns", vec![5.0, 1000.0, 6.0], 1),
            ],
            7,
        );
        assert_eq!((r.min_ms, r.median_ms, r.max_ms), (10.0, 20.0, 30.0));
        assert_eq!(r.slowest[0].check, "network.dns");
        assert_eq!(r.slowest[0].late, 1);
        assert!(r.target_met);
        assert!(
            r.text().contains("network.dns 6.0/1000.0 ms, late 1x"),
            "{}",
            r.text()
        );
    }
}
