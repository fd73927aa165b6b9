//! Runs the checks in parallel against one deadline.
//!
//! Each check gets its own thread, because the slow ones wait on a command or the network and
//! must not delay the others. The run waits until every check has answered or the deadline
//! (the context's timeout after the start) has passed; a late check's thread is left to finish
//! on its own (its commands carry their own deadline), and it is reported as `unknown`.

use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use guichet_records::{CheckStatus, Diagnosis, Finding, Sentence};

use crate::{all_checks, Check, Context};

/// Runs every built-in check (see [`all_checks`]).
pub fn run(ctx: &Context) -> Diagnosis {
    run_checks(ctx, all_checks())
}

/// Runs `checks` in parallel, each given `ctx.timeout`; the findings keep the checks' order.
pub fn run_checks(ctx: &Context, checks: Vec<Arc<dyn Check>>) -> Diagnosis {
    let started = Instant::now();
    let deadline = started + ctx.timeout;
    let shared = Arc::new(ctx.clone());
    let (tx, rx) = mpsc::channel::<(usize, Vec<Finding>)>();
    for (index, check) in checks.iter().enumerate() {
        let (tx, job, ctx) = (tx.clone(), Arc::clone(check), Arc::clone(&shared));
        let spawned = std::thread::Builder::new()
            .name(format!("check {}", check.id()))
            .spawn(move || {
                let findings = job.run(&ctx);
                let _ = tx.send((index, findings));
            });
        if let Err(e) = spawned {
            tracing::warn!(check = check.id(), error = %e, "could not start a check");
        }
    }
    drop(tx);
    let mut answers: Vec<Option<Vec<Finding>>> = vec![None; checks.len()];
    let mut waiting = checks.len();
    while waiting > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((index, findings)) => {
                answers[index] = Some(findings);
                waiting -= 1;
            }
            Err(_) => break,
        }
    }
    let findings = checks
        .iter()
        .zip(answers)
        .flat_map(|(check, answer)| {
            answer.unwrap_or_else(|| vec![too_slow(check.id(), ctx.timeout)])
        })
        .collect();
    Diagnosis {
        taken_at: ctx.now,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        findings,
    }
}

fn too_slow(check: &str, timeout: Duration) -> Finding {
    Finding {
        check: check.to_string(),
        subject: None,
        status: CheckStatus::Unknown,
        measured: None,
        threshold: Some(Sentence::same(format!("{} ms", timeout.as_millis()))),
        sentence: Sentence::new(
            "Cette vérification n'a pas répondu à temps.",
            "This check did not answer in time.",
        ),
        fixes: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    struct Fixed(&'static str, CheckStatus, Duration);

    impl Check for Fixed {
        fn id(&self) -> &'static str {
            self.0
        }
        fn run(&self, _: &Context) -> Vec<Finding> {
            std::thread::sleep(self.2);
            let mut f = too_slow(self.0, Duration::ZERO);
            f.status = self.1;
            vec![f]
        }
    }

    #[test]
    fn a_hung_check_is_unknown_and_does_not_hold_up_the_others() {
        let mut ctx = Context::new(DateTime::UNIX_EPOCH);
        ctx.timeout = Duration::from_millis(200);
        let checks: Vec<Arc<dyn Check>> = vec![
            Arc::new(Fixed("slow", CheckStatus::Ok, Duration::from_secs(5))),
            Arc::new(Fixed("a", CheckStatus::Problem, Duration::from_millis(10))),
            Arc::new(Fixed("b", CheckStatus::Ok, Duration::from_millis(50))),
        ];
        let started = Instant::now();
        let d = run_checks(&ctx, checks);
        assert!(started.elapsed() < Duration::from_secs(2));
        let got: Vec<(&str, CheckStatus)> = d
            .findings
            .iter()
            .map(|f| (f.check.as_str(), f.status))
            .collect();
        assert_eq!(
            got,
            [
                ("slow", CheckStatus::Unknown),
                ("a", CheckStatus::Problem),
                ("b", CheckStatus::Ok)
            ]
        );
    }
}
