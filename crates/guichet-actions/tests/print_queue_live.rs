//! `print-queue` against a real CUPS scheduler (`scripts/cups/start-cups.sh`): the user's own
//! stuck jobs are cancelled, another user's are not, and a stopped queue is re-enabled only
//! where CUPS allows the user.
//!
//! The test process runs as root, an admin of the scheduler; `-U` (through [`CupsClient`])
//! makes it act as the ordinary user `ana`, whom CUPS refuses admin operations, exactly as it
//! refuses a user outside the `lpadmin` group.

use std::time::Duration;

use chrono::Utc;
use guichet_actions::{Action, ActionContext, PrintQueue};
use guichet_inventory::CupsClient;
use guichet_testkit::CupsServer;

fn ctx() -> ActionContext {
    ActionContext {
        now: Utc::now(),
        home: None,
        timeout: Duration::from_secs(10),
    }
}

fn action(cups: &CupsServer, user: &str) -> PrintQueue {
    PrintQueue {
        client: CupsClient {
            server: Some(cups.server()),
            user: Some(user.into()),
        },
        user: Some(user.into()),
        stuck_after: chrono::Duration::minutes(10),
    }
}

fn jobs(cups: &CupsServer) -> String {
    cups.admin("lpstat", &["-o"]).unwrap()
}

#[test]
fn cancels_only_the_users_stuck_jobs_and_reports_queues_it_may_not_enable() {
    if !CupsServer::is_available() {
        eprintln!("SKIP: CUPS is not installed (cups, cups-client, cups-bsd)");
        return;
    }
    let cups = CupsServer::start().unwrap();
    cups.add_queue("desk").unwrap();
    cups.add_queue("hall").unwrap();
    cups.add_unreachable_queue("lobby").unwrap();
    cups.stop_queue("desk", "Paper jam").unwrap();
    let mine = cups.submit("desk", "ana", 5000).unwrap();
    let theirs = cups.submit("desk", "other", 300).unwrap();
    // On a printer that never answers, waiting less than 10 minutes: not stuck yet.
    let fresh = cups.submit("lobby", "ana", 100).unwrap();
    cups.reject_jobs("hall", "Maintenance").unwrap();

    let ana = action(&cups, "ana");
    let plan = ana.plan(&ctx()).unwrap();
    let steps: Vec<&str> = plan.steps.iter().map(|s| s.en.as_str()).collect();
    assert_eq!(steps.len(), 3, "{steps:#?}");
    assert!(
        steps[0].starts_with(&format!(
            "Cancel your document {mine} on the printer “desk” (waiting for 0 min, 5.0 KiB"
        )),
        "{steps:#?}"
    );
    assert!(
        steps[1].starts_with("Re-enable the printer “desk” (stopped: Paper jam)"),
        "{steps:#?}"
    );
    assert!(
        steps[2].starts_with("Re-enable the printer “hall” (refusing documents: Maintenance)"),
        "{steps:#?}"
    );
    assert!(jobs(&cups).contains(&mine), "the plan changed nothing");

    let outcome = ana.run(&ctx()).unwrap();
    assert!(outcome.succeeded, "{}", outcome.output);
    let lines: Vec<&str> = outcome.output.lines().collect();
    assert_eq!(lines[0], format!("cancelled {mine} on desk"));
    assert!(lines[1].starts_with("desk: not allowed"), "{lines:#?}");
    assert!(lines[2].starts_with("hall: not allowed"), "{lines:#?}");
    let left = jobs(&cups);
    assert!(!left.contains(&format!("{mine} ")), "{left}");
    assert!(left.contains(&theirs) && left.contains(&fresh), "{left}");
    let queues = cups.admin("lpstat", &["-p"]).unwrap();
    assert!(queues.contains("printer desk disabled"), "{queues}");

    // Ten minutes later the job on the silent printer is stuck too.
    let later = ActionContext {
        now: Utc::now() + chrono::Duration::minutes(11),
        ..ctx()
    };
    let outcome = ana.run(&later).unwrap();
    assert!(
        outcome
            .output
            .starts_with(&format!("cancelled {fresh} on lobby")),
        "{}",
        outcome.output
    );

    // An admin (root, in CUPS's SystemGroup) may re-enable both queues.
    let admin = action(&cups, "root");
    let outcome = admin.run(&ctx()).unwrap();
    assert!(outcome.succeeded, "{}", outcome.output);
    assert_eq!(outcome.output, "desk: enabled\nhall: accepting jobs");
    let queues = cups.admin("lpstat", &["-p"]).unwrap();
    assert!(!queues.contains("disabled"), "{queues}");
    let accepting = cups.admin("lpstat", &["-a"]).unwrap();
    assert!(!accepting.contains("not accepting"), "{accepting}");
    assert!(admin.plan(&ctx()).unwrap().nothing_to_do);
}

#[test]
fn no_scheduler_makes_the_action_unavailable() {
    let action = PrintQueue {
        client: CupsClient {
            server: Some("/nonexistent/cups.sock".into()),
            user: None,
        },
        user: Some("ana".into()),
        stuck_after: chrono::Duration::minutes(10),
    };
    let err = action.plan(&ctx()).unwrap_err();
    assert!(
        matches!(err, guichet_actions::ActionError::Unavailable(_)),
        "{err}"
    );
}
