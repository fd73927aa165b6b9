//! Three `guichet sync` started at the same moment on one data directory — what the app's
//! background sync, the scheduled agent and a person at the command line do on one machine —
//! run after run, against a real service desk: every ticket and every reply must be on the
//! server exactly once, each time.
//!
//! Shared by the Request Tracker and the GLPI 10/11 suites; each gives a way to count on its
//! server. `GUICHET_CONCURRENT_RUNS` sets the number of runs (20 by default).

use std::path::Path;
use std::process::{Child, Stdio};

use serde_json::Value;

/// What the server holds for one local ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnServer {
    /// Server tickets carrying the ticket's client UUID.
    pub tickets: usize,
    /// Replies from the user on the server's ticket.
    pub replies: usize,
}

/// How many runs: `GUICHET_CONCURRENT_RUNS`, else 20.
pub fn runs() -> usize {
    std::env::var("GUICHET_CONCURRENT_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
}

/// Starts `guichet ARGS` on the store in `dir` as [`super::keyring::guichet`] runs it, without
/// waiting for it.
fn spawn(dir: &Path, args: &[&str]) -> Child {
    super::keyring::command(dir, args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running keyctl and guichet")
}

fn run_ok(dir: &Path, args: &[&str]) -> String {
    let out = spawn(dir, args).wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "guichet {args:?}: {}",
        super::keyring::describe(&out)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Queues `per_run` tickets (a file each, a reply each, a file on every other reply) and a
/// reply to each ticket sent in the previous run, then starts three syncs at once; checks the
/// server after each run with `count(ticket)`. `label` names the server in messages.
pub fn three_syncs_at_once(
    dir: &Path,
    label: &str,
    per_run: usize,
    count: &dyn Fn(&Value) -> OnServer,
) {
    let files = tempfile::tempdir().unwrap();
    let mut sent_before: Vec<String> = Vec::new();
    let runs = runs();
    let started = std::time::Instant::now();
    for run in 0..runs {
        let t0 = std::time::Instant::now();
        for i in 0..per_run {
            // Distinct bytes, so no two files share a blob.
            let file = files.path().join(format!("journal-{run}-{i}.txt"));
            let line = format!("run {run} ticket {i}: the printer jammed again\n");
            std::fs::write(&file, line.repeat(6000)).unwrap();
            let id = run_ok(
                dir,
                &[
                    "ticket",
                    "new",
                    "--title",
                    &format!("Concurrent {label} run {run} #{i}"),
                    "--body",
                    "Three syncs start at once",
                    "--attach",
                    file.to_str().unwrap(),
                ],
            );
            let id = id.trim().to_string();
            let mut args = vec!["ticket", "reply", &id, "--body", "Still jammed"];
            let f = file.to_str().unwrap().to_string();
            if i % 2 == 0 {
                args.extend(["--attach", &f]);
            }
            run_ok(dir, &args);
        }
        for id in &sent_before {
            run_ok(
                dir,
                &[
                    "ticket",
                    "reply",
                    id,
                    "--body",
                    &format!("Run {run}: any news?"),
                ],
            );
        }
        let t1 = std::time::Instant::now();
        let syncs: Vec<Child> = (0..3).map(|_| spawn(dir, &["sync"])).collect();
        for s in syncs {
            let out = s.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "run {run}: {}",
                super::keyring::describe(&out)
            );
        }
        let t2 = std::time::Instant::now();
        let list: Value =
            serde_json::from_str(&run_ok(dir, &["ticket", "list", "--json"])).unwrap();
        let mut total = 0;
        for t in list.as_array().unwrap() {
            assert_eq!(t["local_state"], "sent", "run {run}: {t}");
            let on = count(t);
            let replies = t["replies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["side"] == "local")
                .count();
            assert_eq!(
                on,
                OnServer {
                    tickets: 1,
                    replies
                },
                "run {run} on {label}: ticket {} ({} local replies)",
                t["id"],
                replies
            );
            total += 1;
        }
        assert_eq!(total, (run + 1) * per_run, "run {run}");
        sent_before = list.as_array().unwrap()[..per_run.min(total)]
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect();
        let queue: Value =
            serde_json::from_str(&run_ok(dir, &["sync", "--status", "--json"])).unwrap();
        assert_eq!(
            queue["queue"].as_array().unwrap().len(),
            0,
            "run {run}: {queue}"
        );
        eprintln!(
            "{label} run {run}: queued in {:.1} s, 3 syncs in {:.1} s, checked in {:.1} s",
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64(),
            t2.elapsed().as_secs_f64()
        );
    }
    eprintln!(
        "{label}: {runs} runs of 3 concurrent syncs, {per_run} tickets a run, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
