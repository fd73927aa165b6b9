//! `guichet diagnose` and `guichet bench diagnose`, the built binary on this machine: offline
//! with no service desk configured it answers at once, in the locale's language, exit status 0
//! whatever it finds; a real tmpfs filled up on `/tmp` (in a private mount namespace) is a
//! problem with the `free-space` fix.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The binary on the store in `dir`, in the C locale unless `envs` says otherwise.
fn guichet(dir: &std::path::Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(args)
        .env("GUICHET_DATA_DIR", dir)
        // The pending updates' count is kept in the cache folder: this test's, not the user's.
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .envs(envs.iter().copied())
        .output()
        .expect("running guichet")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8")
}

#[test]
fn offline_with_no_desk_it_answers_fast_in_the_users_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    let out = guichet(dir.path(), &["diagnose", "--json"], &[]);
    let wall = started.elapsed();
    let d: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    // Process start, store creation and every check: well under the 1.5 s a run may take.
    assert!(wall < Duration::from_secs(3), "{wall:?}");
    assert!(d["elapsed_ms"].as_u64().expect("elapsed") < 1500, "{d}");
    let findings = d["findings"].as_array().expect("findings");
    for id in [
        "storage.free",
        "storage.inodes",
        "memory.pressure",
        "memory.swap",
        "cpu.load",
    ] {
        assert!(
            findings.iter().any(|f| f["check"] == id),
            "{id} missing: {d}"
        );
    }

    let en = stdout(&guichet(dir.path(), &["diagnose"], &[]));
    let first = en.lines().next().unwrap_or_default();
    assert!(
        first.contains(" findings in ")
            && (first.starts_with("No problem")
                || first.contains("problem")
                || first.contains("warning")),
        "{en}"
    );
    assert!(en.contains("memory.pressure"), "{en}");
    // The measured values come in both languages in the JSON, and in the chosen one on screen.
    let memory = findings
        .iter()
        .find(|f| f["check"] == "memory.pressure")
        .expect("memory.pressure");
    let measured_fr = memory["measured"]["fr"].as_str().expect("French measure");
    assert!(measured_fr.contains(" disponibles sur "), "{memory}");
    assert!(
        memory["measured"]["en"]
            .as_str()
            .expect("English measure")
            .contains(" available of "),
        "{memory}"
    );
    assert!(en.contains(" available of "), "{en}");
    assert!(!en.contains(" disponibles sur "), "{en}");
    let fr = stdout(&guichet(
        dir.path(),
        &["diagnose"],
        &[("LANG", "fr_FR.UTF-8")],
    ));
    assert!(
        fr.lines()
            .next()
            .unwrap_or_default()
            .contains(" résultats en "),
        "{fr}"
    );
    assert!(fr.contains(" disponibles sur "), "{fr}");
    assert!(fr.contains("(seuil : < "), "{fr}");
    assert!(!fr.contains(" available of "), "{fr}");
    let forced = stdout(&guichet(
        dir.path(),
        &["diagnose", "--lang", "en"],
        &[("LANG", "fr_FR.UTF-8")],
    ));
    assert!(
        forced
            .lines()
            .next()
            .unwrap_or_default()
            .contains(" findings in "),
        "{forced}"
    );
}

#[test]
fn the_bench_reports_whole_runs_and_the_slowest_checks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = guichet(
        dir.path(),
        &[
            "--json", "bench", "diagnose", "--runs", "3", "--warmup", "0",
        ],
        &[],
    );
    let r: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(r["runs"], 3);
    assert_eq!(r["desk"], Value::Null);
    let (min, max) = (
        r["min_ms"].as_f64().expect("min"),
        r["max_ms"].as_f64().expect("max"),
    );
    assert!(min > 0.0 && min <= max, "{r}");
    assert_eq!(r["target_met"], true, "{r}");
    let slowest = r["slowest"].as_array().expect("slowest");
    assert!(slowest.iter().any(|c| c["check"] == "cpu.load"), "{r}");
}

/// Regression for the volume choice: a tmpfs on `/tmp` is where the user's programs write, so
/// it is checked (the system's own tmpfs are not), and nearly full it is a problem.
#[test]
fn a_full_tmpfs_on_tmp_is_a_problem_with_the_free_space_fix() {
    if !Command::new("unshare")
        .args(["-rm", "true"])
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("SKIP: no unprivileged mount namespace here (unshare -rm)");
        return;
    }
    // Not under /tmp, which the namespace covers with the small tmpfs.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let script = "mount -t tmpfs -o size=8m tmpfs /tmp && head -c 8300000 /dev/zero > /tmp/fill \
                  && exec \"$0\" diagnose --json";
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c", script, env!("CARGO_BIN_EXE_guichet")])
        .env("GUICHET_DATA_DIR", dir.path())
        .env("LANG", "C.UTF-8")
        .output()
        .expect("unshare");
    let d: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let tmp = d["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "storage.free" && f["subject"] == "/tmp")
        .unwrap_or_else(|| panic!("no finding for /tmp: {d}"))
        .clone();
    assert_eq!(tmp["status"], "problem", "{tmp}");
    assert_eq!(tmp["fixes"][0], "free-space", "{tmp}");
    let en = tmp["measured"]["en"].as_str().expect("measured in English");
    assert!(en.contains(" free of 8 MiB ("), "{tmp}");
    let fr = tmp["measured"]["fr"].as_str().expect("measured in French");
    assert!(fr.contains(" libres sur 8 Mio ("), "{tmp}");
}
