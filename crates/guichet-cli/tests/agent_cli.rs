//! `guichet agent` through the binary: the units it would install (checked with
//! `systemd-analyze verify` where that program exists), uninstall, a recorded run, an offline
//! run being a normal outcome, and `agent status`.

use std::path::Path;
use std::process::{Command, Output};

fn guichet(dir: &Path, config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(args)
        .env("GUICHET_DATA_DIR", dir)
        .env("XDG_CONFIG_HOME", config)
        .env_remove("GUICHET_LOG")
        .output()
        .expect("running guichet")
}

fn ok(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "status {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn has(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn the_dry_run_prints_units_that_systemd_accepts() {
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let v = ok(&guichet(
        data.path(),
        config.path(),
        &[
            "--json",
            "agent",
            "install",
            "--dry-run",
            "--on-calendar",
            "*-*-* 07:30",
            "--random-delay",
            "15min",
        ],
    ));
    assert_eq!(v["installed"], false);
    assert_eq!(v["reason"], "dry run");
    assert_eq!(v["scope"], "user");
    assert_eq!(
        v["unit_dir"],
        config.path().join("systemd/user").to_str().unwrap()
    );
    let timer = v["timer"].as_str().unwrap();
    let service = v["service"].as_str().unwrap();
    for line in [
        "OnCalendar=*-*-* 07:30",
        "RandomizedDelaySec=900",
        "OnBootSec=300",
        "Persistent=true",
    ] {
        assert!(timer.lines().any(|l| l == line), "{line} in {timer}");
    }
    let data_dir = std::fs::canonicalize(data.path()).unwrap();
    assert!(
        service.contains(&format!("--data-dir \"{}\" agent run", data_dir.display())),
        "{service}"
    );
    assert!(
        !config.path().join("systemd").exists(),
        "a dry run writes nothing"
    );

    if !has("systemd-analyze") {
        eprintln!("SKIP systemd-analyze verify: systemd-analyze is not installed");
        return;
    }
    let units = tempfile::tempdir().unwrap();
    std::fs::write(units.path().join("guichet-agent.service"), service).unwrap();
    std::fs::write(units.path().join("guichet-agent.timer"), timer).unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(units.path().join("guichet-agent.timer"))
        .arg(units.path().join("guichet-agent.service"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "systemd-analyze verify: {stderr}");
    assert!(
        !stderr.contains("guichet-agent"),
        "no warning about our units: {stderr}"
    );
}

#[test]
fn bad_schedules_and_delays_are_usage_errors() {
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let out = guichet(
        data.path(),
        config.path(),
        &[
            "agent",
            "install",
            "--dry-run",
            "--random-delay",
            "5 parsecs",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    if has("systemd-analyze") {
        let out = guichet(
            data.path(),
            config.path(),
            &[
                "agent",
                "install",
                "--dry-run",
                "--on-calendar",
                "every blue moon",
            ],
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("calendar"));
    } else {
        eprintln!("SKIP calendar check: systemd-analyze is not installed");
    }
}

#[test]
fn uninstall_removes_the_units_and_is_harmless_when_there_are_none() {
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let dir = config.path().join("systemd/user");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("guichet-agent.service"), "[Service]\n").unwrap();
    std::fs::write(dir.join("guichet-agent.timer"), "[Timer]\n").unwrap();
    std::fs::write(dir.join("other.timer"), "[Timer]\n").unwrap();
    let v = ok(&guichet(
        data.path(),
        config.path(),
        &["--json", "agent", "uninstall"],
    ));
    assert_eq!(v["files"].as_array().unwrap().len(), 2);
    assert!(!dir.join("guichet-agent.timer").exists());
    assert!(dir.join("other.timer").exists(), "only ours");
    let v = ok(&guichet(
        data.path(),
        config.path(),
        &["--json", "agent", "uninstall"],
    ));
    assert!(v["files"].as_array().unwrap().is_empty());
}

#[test]
fn a_run_saves_a_snapshot_and_is_recorded_for_status() {
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let st = ok(&guichet(
        data.path(),
        config.path(),
        &["--json", "agent", "status"],
    ));
    assert!(st["last_run"].is_null());

    let v = ok(&guichet(
        data.path(),
        config.path(),
        &["--json", "agent", "run", "--no-sync"],
    ));
    assert_eq!(v["run"]["outcome"], "ok");
    assert_eq!(v["run"]["sync"], "skipped (--no-sync)");
    let snapshot = v["run"]["snapshot_id"].as_i64().unwrap();

    let history = ok(&guichet(
        data.path(),
        config.path(),
        &["--json", "inventory", "history"],
    ));
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["id"].as_i64(), Some(snapshot));

    let st = ok(&guichet(
        data.path(),
        config.path(),
        &["--json", "agent", "status"],
    ));
    assert_eq!(st["last_run"]["outcome"], "ok");
    assert!(st["last_run"]["finished_at"].is_string());
    assert_eq!(st["timers"][0]["installed"], false);
}

#[test]
fn an_offline_run_is_a_normal_outcome_and_keeps_the_inventory_queued() {
    if !has("keyctl") {
        eprintln!("SKIP: keyctl (keyutils) is not installed, no keyring for the connector secret");
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let exe = env!("CARGO_BIN_EXE_guichet");
    // One kernel session keyring for both commands: `connect` keeps the secret there and
    // `agent run` reads it back. Port 9 on loopback refuses connections: offline.
    let script = format!(
        "echo secret | '{exe}' connect rt --url http://127.0.0.1:9 --user agent-test && \
         '{exe}' --json agent run"
    );
    let out = Command::new("keyctl")
        .args(["session", "-", "sh", "-c", &script])
        .env("GUICHET_DATA_DIR", data.path())
        .env("XDG_CONFIG_HOME", config.path())
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap();
    let v = ok(&out);
    assert_eq!(v["run"]["outcome"], "ok", "{v}");
    let sync = v["run"]["sync"].as_str().unwrap();
    assert!(sync.starts_with("offline"), "{sync}");
    let q = ok(&guichet(
        data.path(),
        config.path(),
        &["--json", "sync", "--status"],
    ));
    let queue = q["queue"].as_array().unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["kind"], "push_inventory");
    assert_eq!(
        queue[0]["attempts"], 0,
        "offline does not count as a failed attempt"
    );
}
