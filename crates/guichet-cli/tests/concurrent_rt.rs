//! Exactly once across processes, against a real Request Tracker 5: three `guichet sync` at
//! once on one data directory, run after run (the scenario is in `concurrent/mod.rs`).
//!
//! RT is required: CI installs it. `GUICHET_SKIP_RT=1` skips this test explicitly.

// A scenario test reads in order, step after step.
#![allow(clippy::too_many_lines)]

mod concurrent;
mod keyring;

use guichet_testkit::{RtServer, Technician};

#[test]
fn three_syncs_at_once_send_each_ticket_and_reply_to_rt_exactly_once() {
    if std::env::var("GUICHET_SKIP_RT").as_deref() == Ok("1") {
        eprintln!("SKIP: GUICHET_SKIP_RT=1, Request Tracker tests not run");
        return;
    }
    let server = RtServer::shared().expect("Request Tracker 5 (scripts/install-rt.sh)");
    let dir = tempfile::tempdir().unwrap();
    let url = server.url().to_string();
    let account = guichet_sync::secret::account("rt", &url, RtServer::USER);
    let out = keyring::guichet(
        dir.path(),
        &[
            "connect",
            "rt",
            "--url",
            &url,
            "--user",
            RtServer::USER,
            "--queue",
            RtServer::QUEUE,
            "--timeout",
            "30",
        ],
        &format!("{}\n", RtServer::USER_PASSWORD),
    );
    assert!(out.status.success(), "{}", keyring::describe(&out));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let tech = Technician::new(server);
    concurrent::three_syncs_at_once(dir.path(), "RT", 3, &|t| {
        let uuid = t["id"].as_str().unwrap();
        let ids = runtime.block_on(tech.tickets_by_client_uuid(uuid)).unwrap();
        let replies = match ids.first() {
            Some(&id) => runtime
                .block_on(tech.ticket_history(id))
                .unwrap()
                .iter()
                .filter(|h| h["Type"] == "Correspond")
                .count(),
            None => 0,
        };
        concurrent::OnServer {
            tickets: ids.len(),
            replies,
        }
    });
    guichet_sync::secret::delete(&account);
}
