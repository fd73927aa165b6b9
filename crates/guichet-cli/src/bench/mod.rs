//! `guichet bench`: times a full inventory by this agent and by FusionInventory side by side,
//! in one run, as whole processes (start-up included, as an admin would run them), and reports
//! peak resident memory. Each run is measured by a small wrapper process (`guichet __measure`)
//! so the peak RSS it reads belongs to that one child only.

pub mod agent;
mod corpus;
pub mod diagnose;
pub mod kb;
mod kb_typing;
pub mod sync;
mod vocabulary;

use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context as _};
use clap::Args;
use serde::{Deserialize, Serialize};

use crate::error::CliError;
use crate::Context;

/// `guichet bench …`
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Measured runs per command.
    #[arg(long, default_value_t = 10)]
    runs: u32,
    /// Unmeasured warm-up runs per command (page cache, lazy binaries).
    #[arg(long, default_value_t = 1)]
    warmup: u32,
    /// The peer agent's inventory command to compare with.
    #[arg(long, default_value = "fusioninventory-inventory")]
    peer: String,
    /// Only time Guichet.
    #[arg(long)]
    no_peer: bool,
}

/// `guichet __measure -- PROGRAM ARGS…`
#[derive(Debug, Args)]
pub struct MeasureArgs {
    /// The command to run.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
    command: Vec<String>,
}

/// One measured run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sample {
    /// Wall time, milliseconds.
    pub wall_ms: f64,
    /// Peak resident set size of the child, KiB (0 where the OS does not say).
    pub max_rss_kib: u64,
    /// Whether it exited successfully.
    pub success: bool,
}

/// Statistics over the runs of one command.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// The command line.
    pub command: String,
    /// Number of measured runs.
    pub runs: usize,
    /// Fastest run, ms.
    pub min_ms: f64,
    /// Median run, ms.
    pub median_ms: f64,
    /// Mean, ms.
    pub mean_ms: f64,
    /// Slowest run, ms.
    pub max_ms: f64,
    /// Largest peak RSS seen over the runs, MiB.
    pub peak_rss_mib: f64,
}

impl Stats {
    fn from_samples(command: String, samples: &[Sample]) -> Stats {
        let mut t: Vec<f64> = samples.iter().map(|s| s.wall_ms).collect();
        t.sort_by(|a, b| a.total_cmp(b));
        let n = t.len();
        let median = if n % 2 == 1 {
            t[n / 2]
        } else {
            (t[n / 2 - 1] + t[n / 2]) / 2.0
        };
        Stats {
            command,
            runs: n,
            min_ms: t[0],
            median_ms: median,
            mean_ms: t.iter().sum::<f64>() / n as f64,
            max_ms: t[n - 1],
            peak_rss_mib: samples.iter().map(|s| s.max_rss_kib).max().unwrap_or(0) as f64 / 1024.0,
        }
    }
}

/// Runs the benchmark.
pub fn run(ctx: &Context, args: BenchArgs) -> Result<(), CliError> {
    if args.runs == 0 {
        return Err(CliError::usage("--runs must be at least 1"));
    }
    let me = std::env::current_exe().context("locating the guichet binary")?;
    let me_s = me.to_string_lossy().into_owned();
    let ours: Vec<String> = vec![
        me_s.clone(),
        "inventory".into(),
        "--format".into(),
        "json".into(),
        "--compact".into(),
    ];
    let peer: Option<Vec<String>> = if args.no_peer {
        None
    } else if which(&args.peer) {
        Some(args.peer.split_whitespace().map(String::from).collect())
    } else {
        eprintln!(
            "bench: `{}` is not installed (Debian: apt-get install fusioninventory-agent); timing Guichet alone",
            args.peer
        );
        None
    };

    let mut cmds = vec![ours];
    if let Some(p) = peer {
        cmds.push(p);
    }
    let samples = sample(&me_s, &cmds, args.warmup, args.runs)?;
    let stats: Vec<Stats> = cmds
        .iter()
        .zip(&samples)
        .map(|(c, s)| {
            let name = if c[0] == me_s {
                "guichet inventory --format json".to_string()
            } else {
                c.join(" ")
            };
            Stats::from_samples(name, s)
        })
        .collect();
    let ratio = (stats.len() == 2).then(|| stats[1].median_ms / stats[0].median_ms);

    if ctx.json {
        let v = serde_json::json!({"runs": args.runs, "warmup": args.warmup, "commands": stats, "speedup_median": ratio});
        println!(
            "{}",
            serde_json::to_string_pretty(&v).context("encoding JSON")?
        );
    } else {
        println!(
            "{:<40} {:>5} {:>9} {:>9} {:>9} {:>9} {:>10}",
            "command", "runs", "min ms", "median", "mean", "max", "peak RSS"
        );
        for s in &stats {
            println!(
                "{:<40} {:>5} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>6.1} MiB",
                s.command, s.runs, s.min_ms, s.median_ms, s.mean_ms, s.max_ms, s.peak_rss_mib
            );
        }
        if let Some(r) = ratio {
            println!(
                "Guichet is {r:.1}x faster than {} (median wall time; target: at least 10x)",
                stats[1].command
            );
        }
    }
    Ok(())
}

/// Runs every command `warmup + runs` times, interleaved, and keeps the last `runs` samples of
/// each.
fn sample(
    me: &str,
    cmds: &[Vec<String>],
    warmup: u32,
    runs: u32,
) -> Result<Vec<Vec<Sample>>, CliError> {
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); cmds.len()];
    for round in 0..(warmup + runs) {
        // Interleaved, so that a burst of load on the machine hits both commands alike.
        for (i, cmd) in cmds.iter().enumerate() {
            let s = measure_once(me, cmd)?;
            if !s.success {
                return Err(
                    anyhow::anyhow!("`{}` failed during the benchmark", cmd.join(" ")).into(),
                );
            }
            if round >= warmup {
                samples[i].push(s);
            }
        }
        eprint!("\rbench: round {}/{}", round + 1, warmup + runs);
    }
    eprintln!();
    Ok(samples)
}

fn which(program: &str) -> bool {
    let prog = program.split_whitespace().next().unwrap_or(program);
    if prog.contains('/') {
        return std::path::Path::new(prog).is_file();
    }
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(prog).is_file()))
        .unwrap_or(false)
}

fn measure_once(me: &str, cmd: &[String]) -> anyhow::Result<Sample> {
    let out = Command::new(me)
        .arg("__measure")
        .arg("--")
        .args(cmd)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .context("running the measuring wrapper")?;
    if !out.status.success() {
        bail!("measuring `{}` failed", cmd.join(" "));
    }
    serde_json::from_slice(&out.stdout).context("reading the measurement")
}

/// The wrapper: runs the command with its output discarded and prints one [`Sample`] as JSON.
pub fn measure(args: MeasureArgs) -> Result<(), CliError> {
    let (prog, rest) = args
        .command
        .split_first()
        .ok_or_else(|| CliError::usage("__measure needs a command"))?;
    let started = Instant::now();
    let status = Command::new(prog)
        .args(rest)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .with_context(|| format!("running {prog}"))?;
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    let sample = Sample {
        wall_ms,
        max_rss_kib: children_max_rss_kib(),
        success: status.success(),
    };
    println!(
        "{}",
        serde_json::to_string(&sample).context("encoding JSON")?
    );
    Ok(())
}

#[cfg(unix)]
fn children_max_rss_kib() -> u64 {
    use nix::sys::resource::{getrusage, UsageWho};
    // ru_maxrss is in KiB on Linux (bytes on macOS).
    getrusage(UsageWho::RUSAGE_CHILDREN)
        .map(|u| {
            let v = u.max_rss().max(0) as u64;
            if cfg!(target_os = "macos") {
                v / 1024
            } else {
                v
            }
        })
        .unwrap_or(0)
}

#[cfg(not(unix))]
fn children_max_rss_kib() -> u64 {
    0
}
