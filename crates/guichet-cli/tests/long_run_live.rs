//! The agent over many runs against a real Request Tracker 5: `guichet bench agent` runs the
//! agent's cycle (a ticket and a reply with a file queued, then what `guichet agent run` does:
//! inventory snapshot, run recorded, sync) many times in one process; after the baseline cycle
//! its resident memory grows less than 5 % and its open descriptors stay the same, every run
//! ends `ok`, and RT holds every ticket once.
//!
//! Not in CI: a cycle takes about 2 to 4 s (a full inventory each time), so even 60 cycles take
//! minutes. `scripts/long-run.sh` runs it (500 cycles compared with cycle 50);
//! `GUICHET_LONG_RUN_CYCLES` and `GUICHET_LONG_RUN_BASELINE` set another run (default 60 and 10);
//! `GUICHET_LONG_RUN_PROCESSES=1` runs each cycle as its own `guichet agent run` process instead,
//! as the systemd timer starts them, and compares each run's peak memory. The figures are
//! printed as a `long run:` line (`--nocapture` shows it); `GUICHET_LONG_RUN_REPORT=<file>`
//! also writes the whole report, every cycle's figures, as JSON.
//!
//! RT is required (CI installs it); `GUICHET_SKIP_RT=1` skips the test explicitly.

mod keyring;
use keyring::{describe, guichet};

use std::path::Path;

use guichet_testkit::{RtServer, Technician};
use serde_json::Value;

/// The most resident memory may grow after the baseline, percent.
const MAX_GROWTH_PCT: f64 = 5.0;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).map_or(default, |v| {
        v.parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {v}"))
    })
}

/// The keyring entry `connect` made, removed when the test ends however it ends.
struct SecretGuard(String);

impl Drop for SecretGuard {
    fn drop(&mut self) {
        guichet_sync::secret::delete(&self.0);
    }
}

/// `guichet --json bench agent …` on `dir`, its report.
fn bench(dir: &Path, cycles: u64, baseline: u64, processes: bool) -> Value {
    let (cycles, baseline) = (cycles.to_string(), baseline.to_string());
    let mut args: Vec<&str> = vec![
        "--json",
        "bench",
        "agent",
        "--cycles",
        cycles.as_str(),
        "--baseline",
        baseline.as_str(),
    ];
    if processes {
        args.push("--processes");
    }
    let out = guichet(dir, &args, "");
    assert!(out.status.success(), "{}", describe(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn mib(v: &Value) -> f64 {
    v.as_f64().unwrap() / 1024.0
}

/// The `long run:` line of a report.
fn figures(r: &Value, seconds: f64) -> String {
    let at = |cycle: usize| {
        let s = &r["samples"][cycle - 1];
        format!("{:.1} MiB/{} fds", mib(&s["rss_kib"]), s["fds"])
    };
    let n = r["samples"].as_array().unwrap().len();
    format!(
        "long run ({}): {n} cycles in {seconds:.0} s; cycle 1 {}, cycle {} (baseline) {}, \
         cycle {n} {}; most after the baseline {:.1} MiB ({:+.2} %; anonymous memory {:+.2} %), \
         descriptors {}..{}; median of {} cycles from the baseline {:.1} MiB, of the last ones \
         {:.1} MiB ({:+.2} %; single cycles of that first window {:.1}..{:.1} MiB); {} run(s) not ok",
        r["mode"].as_str().unwrap(),
        at(1),
        r["baseline"],
        at(r["baseline"].as_u64().unwrap() as usize),
        at(n),
        mib(&r["rss_max_after_baseline_kib"]),
        r["rss_growth_pct"].as_f64().unwrap(),
        r["anon_growth_pct"].as_f64().unwrap_or(f64::NAN),
        r["fds_min_after_baseline"],
        r["fds_max_after_baseline"],
        (n - r["baseline"].as_u64().unwrap() as usize + 1).div_ceil(2).min(50),
        mib(&r["rss_median_first_window_kib"]),
        mib(&r["rss_median_last_window_kib"]),
        r["rss_trend_pct"].as_f64().unwrap(),
        mib(&r["rss_first_window_range_kib"][0]),
        mib(&r["rss_first_window_range_kib"][1]),
        r["failed_runs"],
    )
}

#[test]
#[ignore = "minutes long: scripts/long-run.sh runs it"]
fn the_agent_over_many_runs_keeps_its_memory_and_descriptors() {
    if std::env::var("GUICHET_SKIP_RT").as_deref() == Ok("1") {
        eprintln!("SKIP: GUICHET_SKIP_RT=1, Request Tracker tests not run");
        return;
    }
    let server = RtServer::shared().unwrap_or_else(|e| {
        panic!("Request Tracker 5 is required ({e}); or set GUICHET_SKIP_RT=1 to skip")
    });
    let cycles = env_number("GUICHET_LONG_RUN_CYCLES", 60);
    let baseline = env_number("GUICHET_LONG_RUN_BASELINE", 10);
    let processes = std::env::var("GUICHET_LONG_RUN_PROCESSES").as_deref() == Ok("1");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let tech = Technician::new(server);
    let before = runtime.block_on(tech.count_tickets_in_queue()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _secret = SecretGuard(guichet_sync::secret::account(
        "rt",
        server.url(),
        RtServer::USER,
    ));
    let out = guichet(
        d,
        &[
            "connect",
            "rt",
            "--url",
            server.url(),
            "--user",
            RtServer::USER,
            "--queue",
            RtServer::QUEUE,
        ],
        &format!("{}\n", RtServer::USER_PASSWORD),
    );
    assert!(out.status.success(), "{}", describe(&out));

    let started = std::time::Instant::now();
    let r = bench(d, cycles, baseline, processes);
    println!("{}", figures(&r, started.elapsed().as_secs_f64()));
    if let Ok(path) = std::env::var("GUICHET_LONG_RUN_REPORT") {
        std::fs::write(&path, serde_json::to_vec_pretty(&r).unwrap()).unwrap();
    }
    assert_eq!(r["failed_runs"], 0, "every run ends ok");
    // In one process, memory that is never given back shows in the most seen after the
    // baseline. With one process per run, each figure is one run's peak, which varies from
    // run to run (what its threads allocate at the same moment): growth with the store shows
    // in the trend of the medians, while the maximum is one outlier against one sample.
    let (key, what) = if processes {
        ("rss_trend_pct", "the median peak of a run grew")
    } else {
        ("rss_growth_pct", "memory grew")
    };
    let growth = r[key].as_f64().unwrap();
    assert!(
        growth < MAX_GROWTH_PCT,
        "{what} {growth:.2} % after the baseline"
    );
    if !processes {
        assert_eq!(r["fds_min_after_baseline"], r["fds_baseline"]);
        assert_eq!(r["fds_max_after_baseline"], r["fds_baseline"]);
    }
    let after = runtime.block_on(tech.count_tickets_in_queue()).unwrap();
    assert_eq!(after - before, cycles, "one RT ticket per cycle");
}
