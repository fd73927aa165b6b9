//! `network-renew` on recorded nmcli outputs (`tests/fixtures/nmcli`, README there): a
//! stand-in `nmcli` serves them by arguments and logs what it was asked, so the plan and the
//! run go through real processes without a NetworkManager (absent on the build host).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use guichet_actions::{Action, ActionContext, ActionError, NetworkRenew};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/nmcli");

/// Writes a stand-in nmcli into `dir`; `state` is `running`, `not-running`, `no-bus` or
/// `remote` (running, network control refused).
fn stand_in(dir: &Path, state: &str) -> (PathBuf, PathBuf) {
    let log = dir.join("calls.log");
    let script = dir.join("nmcli");
    let perms = if state == "remote" {
        "permissions-remote.txt"
    } else {
        "permissions.txt"
    };
    let down = match state {
        "not-running" => format!("cat {FIXTURES}/not-running.stderr >&2; exit 8"),
        "no-bus" => format!("cat {FIXTURES}/no-bus.stderr >&2; exit 1"),
        _ => String::new(),
    };
    install_script(
        &script,
        format!(
            r#"#!/bin/sh
echo "$*" >> {log}
{down}
case "$*" in
  "-t -f RUNNING general") cat {FIXTURES}/running.txt ;;
  "-t -f PERMISSION,VALUE general permissions") cat {FIXTURES}/{perms} ;;
  "-t -f NAME,UUID,TYPE,DEVICE connection show --active") cat {FIXTURES}/active.txt ;;
  "connection up uuid 4b1d7e2c-8a90-4f3e-b6c5-1e2d3f4a5b6c")
    echo "Connection successfully activated (D-Bus active path: /org/freedesktop/NetworkManager/ActiveConnection/7)" ;;
  "connection up uuid 9f3c2a1e-5b7d-3c41-8e0a-2d6b1f4c7a90")
    echo "Error: Connection activation failed: IP configuration could not be reserved (no available address, timeout, etc.)." >&2; exit 4 ;;
  "device reapply enp0s31f6") echo "Connection successfully reapplied to device 'enp0s31f6'." ;;
  *) echo "Error: unexpected arguments $*" >&2; exit 2 ;;
esac
"#,
            log = log.display()
        ),
    );
    (script, log)
}

/// Writes an executable script at `path` from a child process. Written by this process, the
/// file's write descriptor would be inherited by whatever another test thread forks at that
/// moment, and starting the script then fails with "Text file busy" (ETXTBSY) until that child
/// execs: this test binary's three tests each write a stand-in and start processes in parallel.
fn install_script(path: &Path, text: String) {
    use std::io::Write;
    let mut child = std::process::Command::new("sh")
        .args(["-c", "cat > \"$1\" && chmod 755 \"$1\"", "sh"])
        .arg(path)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    assert!(
        child.wait().unwrap().success(),
        "writing {}",
        path.display()
    );
}

fn ctx() -> ActionContext {
    ActionContext {
        now: Utc::now(),
        home: None,
        timeout: Duration::from_secs(10),
    }
}

#[test]
fn plan_lists_wired_and_wifi_and_run_renews_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (nmcli, log) = stand_in(tmp.path(), "running");
    let action = NetworkRenew {
        program: nmcli.display().to_string(),
    };
    let plan = action.plan(&ctx()).unwrap();
    let steps: Vec<&str> = plan.steps.iter().map(|s| s.en.as_str()).collect();
    assert_eq!(
        steps,
        [
            "Renew the connection “Wired connection 1” (enp0s31f6): it will drop for a few seconds",
            "Renew the connection “Bureau:5GHz” (wlp2s0): it will drop for a few seconds",
        ]
    );
    let planned = std::fs::read_to_string(&log).unwrap();
    assert!(
        !planned.contains("connection up"),
        "the plan changed nothing: {planned}"
    );

    let outcome = action.run(&ctx()).unwrap();
    assert!(outcome.succeeded, "{}", outcome.output);
    assert_eq!(
        outcome.output,
        "reapplied Wired connection 1 on enp0s31f6\nreactivated Bureau:5GHz on wlp2s0"
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(
        !calls.contains(" lo") && !calls.contains("docker0"),
        "{calls}"
    );
}

#[test]
fn unavailable_without_networkmanager_or_without_the_right() {
    let tmp = tempfile::tempdir().unwrap();
    for (state, reason) in [
        ("not-running", "NetworkManager is not running"),
        ("no-bus", "NetworkManager is not running"),
        (
            "remote",
            "NetworkManager does not let this user control the network",
        ),
    ] {
        let dir = tmp.path().join(state);
        std::fs::create_dir(&dir).unwrap();
        let (nmcli, _) = stand_in(&dir, state);
        let action = NetworkRenew {
            program: nmcli.display().to_string(),
        };
        match action.plan(&ctx()) {
            Err(ActionError::Unavailable(r)) => assert_eq!(r, reason, "{state}"),
            other => panic!("{state}: {other:?}"),
        }
    }
    let absent = NetworkRenew {
        program: tmp.path().join("no-nmcli").display().to_string(),
    };
    match absent.plan(&ctx()) {
        Err(ActionError::Unavailable(r)) => assert!(r.contains("not installed"), "{r}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn on_this_machine_the_plan_says_unavailable() {
    // NetworkManager is not running on the build host (nmcli may or may not be installed).
    match NetworkRenew::default().plan(&ctx()) {
        Err(ActionError::Unavailable(r)) => eprintln!("network-renew here: {r}"),
        Ok(plan) => eprintln!("NetworkManager runs here: {} step(s)", plan.steps.len()),
        Err(e) => panic!("{e}"),
    }
}
