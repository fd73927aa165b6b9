//! Offline for real: this test binary runs itself again inside a new, empty network
//! namespace (`unshare -n`: only a loopback that is down, no route), where every network check
//! must answer at once instead of waiting for timeouts.

use std::process::Command;
use std::time::Duration;

use chrono::Utc;
use guichet_diagnostics::{all_checks, run_checks, CheckStatus, Context, DeskTarget};

const NETWORK_CHECKS: [&str; 6] = [
    "network.link",
    "network.gateway",
    "network.dns",
    "network.proxy",
    "desk.https",
    "clock.offset",
];

const INNER: &str = "GUICHET_OFFLINE_INNER";

#[test]
fn offline_answers_at_once_in_an_empty_network_namespace() {
    if std::env::var_os(INNER).is_some() {
        inside();
        return;
    }
    let can = Command::new("unshare").args(["-n", "true"]).status();
    if !can.is_ok_and(|s| s.success()) {
        eprintln!("SKIP: cannot make a network namespace here (unshare -n)");
        return;
    }
    let out = Command::new("unshare")
        .args(["-n", "--"])
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "offline_answers_at_once_in_an_empty_network_namespace",
            "--nocapture",
        ])
        .env(INNER, "1")
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success());
    assert!(stdout.contains("1 passed"), "the inner test ran");
}

fn inside() {
    let mut ctx = Context::new(Utc::now());
    ctx.desk = Some(DeskTarget {
        url: "https://rt.example.org/".into(),
        proxy: None,
    });
    let checks = all_checks()
        .into_iter()
        .filter(|c| NETWORK_CHECKS.contains(&c.id()))
        .collect();
    let d = run_checks(&ctx, checks);
    for f in &d.findings {
        println!("  {} {:?} {:?}", f.check, f.status, f.measured);
    }
    println!("offline run: {} ms", d.elapsed_ms);
    assert!(
        Duration::from_millis(d.elapsed_ms) < Duration::from_millis(300),
        "at once"
    );
    let got: Vec<(&str, CheckStatus, Option<&str>)> = d
        .findings
        .iter()
        .map(|f| {
            let en = f.measured.as_ref().map(|m| m.en.as_str());
            (f.check.as_str(), f.status, en)
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "network.link",
                CheckStatus::Problem,
                Some("no network adapter")
            ),
            ("network.gateway", CheckStatus::Unknown, Some("offline")),
            ("network.dns", CheckStatus::Unknown, Some("offline")),
            ("network.proxy", CheckStatus::Ok, Some("no proxy")),
            ("desk.https", CheckStatus::Unknown, Some("offline")),
            ("clock.offset", CheckStatus::Unknown, Some("offline")),
        ]
    );
}
