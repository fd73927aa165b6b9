//! The printing checks against a real CUPS scheduler (`scripts/cups/start-cups.sh`): a stopped
//! queue, a queue refusing jobs, and jobs that stay stuck, seen as an ordinary user.

use chrono::{Duration, Utc};
use std::sync::Arc;

use guichet_diagnostics::{run_checks, Check, CheckStatus, Context, PrintingJobs, PrintingQueues};
use guichet_inventory::CupsClient;
use guichet_testkit::CupsServer;

#[test]
fn stopped_queues_and_stuck_jobs_on_a_real_cups() {
    if !CupsServer::is_available() {
        eprintln!("SKIP: CUPS is not installed (cups, cups-client, cups-bsd)");
        return;
    }
    let cups = CupsServer::start().unwrap();
    for q in ["desk", "hall", "office"] {
        cups.add_queue(q).unwrap();
    }
    cups.stop_queue("desk", "Paper jam").unwrap();
    cups.reject_jobs("hall", "Maintenance").unwrap();
    let mine = cups.submit("desk", "ana", 5000).unwrap();
    cups.submit("desk", "other", 100).unwrap();
    // The test runs as root, an admin of this scheduler: `-U ana` makes it an ordinary user.
    let client = CupsClient {
        server: Some(cups.server()),
        user: Some("ana".into()),
    };

    let now = Utc::now();
    let ctx = Context::new(now);
    let queues = PrintingQueues {
        client: client.clone(),
    }
    .run(&ctx);
    let subjects: Vec<(Option<&str>, CheckStatus)> = queues
        .iter()
        .map(|f| (f.subject.as_deref(), f.status))
        .collect();
    assert_eq!(
        subjects,
        [
            (Some("desk"), CheckStatus::Problem),
            (Some("hall"), CheckStatus::Problem)
        ],
        "{queues:#?}"
    );
    assert!(queues[0]
        .measured
        .as_ref()
        .unwrap()
        .en
        .ends_with(": Paper jam"));

    let jobs = PrintingJobs {
        client,
        user: Some("ana".into()),
        stuck_after: Duration::minutes(10),
    };
    let fresh = jobs.run(&ctx);
    assert_eq!(fresh[0].status, CheckStatus::Ok, "{fresh:#?}");
    let later = jobs.run(&Context::new(now + Duration::minutes(11)));
    assert_eq!(later.len(), 1, "{later:#?}");
    assert_eq!(later[0].status, CheckStatus::Problem);
    assert_eq!(later[0].subject.as_deref(), Some("desk"));
    let measured = later[0].measured.as_ref().unwrap();
    assert!(
        measured.en.ends_with(&format!("yours: {mine}")),
        "{measured:?}"
    );
    assert!(measured.en.starts_with("2 jobs waiting"), "{measured:?}");
    assert!(
        measured.fr.starts_with("2 documents en attente"),
        "{measured:?}"
    );

    // Both checks together, as the page runs them: inside the 1 s deadline each (neither is
    // reported "did not answer in time"), and the run's own time is printed.
    let checks: Vec<Arc<dyn Check>> = vec![
        Arc::new(PrintingQueues {
            client: jobs.client.clone(),
        }),
        Arc::new(jobs),
    ];
    let d = run_checks(&ctx, checks);
    eprintln!("printing checks against the test CUPS: {} ms", d.elapsed_ms);
    assert!(
        d.findings.iter().all(|f| f.status != CheckStatus::Unknown),
        "{d:#?}"
    );
    assert!(d.elapsed_ms < 1000, "{} ms", d.elapsed_ms);
}

#[test]
fn no_scheduler_is_unknown_and_says_so() {
    let client = CupsClient {
        server: Some("/nonexistent/cups.sock".into()),
        user: None,
    };
    let ctx = Context::new(Utc::now());
    let started = std::time::Instant::now();
    let findings = PrintingQueues { client }.run(&ctx);
    eprintln!("printing.queues with no scheduler: {:?}", started.elapsed());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].status, CheckStatus::Unknown);
    let says = &findings[0].sentence.en;
    if CupsServer::is_available() {
        assert!(says.contains("not running"), "{says}");
    } else {
        assert!(says.contains("not installed"), "{says}");
    }
}
