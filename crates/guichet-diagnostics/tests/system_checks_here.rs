//! The system, security and battery checks run for real on this machine: each answers within
//! the 1 s deadline (never "did not answer in time"), and prints what it measured.

use std::time::{Duration, Instant};

use chrono::Utc;
use guichet_diagnostics::{all_checks, run_checks, Context};

const MINE: [&str; 7] = [
    "system.failed_units",
    "system.reboot",
    "system.updates",
    "security.firewall",
    "security.antivirus",
    "security.encryption",
    "battery.wear",
];

#[test]
fn system_checks_answer_here_within_the_deadline() {
    let checks: Vec<_> = all_checks()
        .into_iter()
        .filter(|c| MINE.contains(&c.id()))
        .collect();
    assert_eq!(checks.len(), MINE.len());
    let ctx = Context::new(Utc::now());
    for check in &checks {
        let started = Instant::now();
        let findings = check.run(&ctx);
        let took = started.elapsed();
        for f in &findings {
            eprintln!(
                "{:<20} {:<8} {:>5} ms  {} | {}",
                f.check,
                f.status.as_str(),
                took.as_millis(),
                f.measured.as_ref().map_or("-", |m| m.en.as_str()),
                f.sentence.en
            );
        }
        assert!(!findings.is_empty(), "{}", check.id());
        assert!(findings.iter().all(|f| f.check == check.id()));
    }
    // All together, in parallel, as the page runs them.
    let d = run_checks(&ctx, checks);
    eprintln!("whole run of the seven: {} ms", d.elapsed_ms);
    assert!(
        d.findings
            .iter()
            .all(|f| f.threshold.as_ref().is_none_or(|t| t.en != "1000 ms")),
        "a check did not answer in time: {:?}",
        d.findings
    );
    assert!(Duration::from_millis(d.elapsed_ms) < Duration::from_millis(1500));
}
