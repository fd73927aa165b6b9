//! `guichet sync` killed (SIGKILL) between GLPI's creation of a ticket and the local commit
//! that records it: the next sync finds the ticket GLPI made and creates no second one, on GLPI
//! 10 (API v1) and GLPI 11 (API v2 with OAuth).
//!
//! The process is stopped at that exact point with the fault proxy: the request the client sends
//! right after the creation (the read-back, or GLPI 11's requester) hangs, the test sees the
//! ticket in GLPI's database, then kills the process. A sync started at once leaves the entry
//! alone (the server may still be finishing the killed process's request: the request timeout
//! is given to it), the one after that finds the ticket. Its own GLPI servers (one per
//! version, one after the other): the next ticket id must not be taken by another test
//! meanwhile.

mod glpi_live;

use std::process::Stdio;
use std::time::{Duration, Instant};

use glpi_live::*;
use guichet_testkit::{Fault, GlpiServer, GlpiVersion};

/// The connection's request timeout, in seconds (`connect --timeout`).
const SETTLE_SECS: &str = "6";

#[test]
fn a_sync_killed_after_glpi_created_the_ticket_creates_no_second_one() {
    if std::env::var("GUICHET_SKIP_GLPI").as_deref() == Ok("1") {
        eprintln!("SKIP: GUICHET_SKIP_GLPI=1, live GLPI tests not run");
        return;
    }
    for (version, account) in [
        (GlpiVersion::V10, Account::SelfServiceToken),
        (GlpiVersion::V11, Account::SelfServiceOAuth),
    ] {
        let server = GlpiServer::start(version)
            .unwrap_or_else(|e| panic!("GLPI {} is required: {e}", version.release()));
        killed_after_creation(&server, account);
    }
}

fn killed_after_creation(server: &GlpiServer, account: Account) {
    let proxy = proxy(server);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The request timeout is also how long an interrupted send is left to the server.
    let _secrets = connect_with_timeout(server, d, &proxy.url(), account, SETTLE_SECS);
    let id = ok(
        server,
        guichet(
            d,
            &[
                "ticket",
                "new",
                "--title",
                &unique("killed-"),
                "--body",
                "x",
            ],
            "",
        ),
    )
    .trim()
    .to_owned();
    let next: i64 = sql(server, "SELECT COALESCE(MAX(id), 0) + 1 FROM glpi_tickets")[0][0]
        .parse()
        .unwrap();
    let after_creation = match account {
        Account::SelfServiceOAuth | Account::AdminOAuth => {
            ("POST", format!("/Assistance/Ticket/{next}/TeamMember"))
        }
        _ => ("GET", format!("/apirest.php/Ticket/{next}")),
    };
    proxy.push_fault(
        after_creation.0,
        &after_creation.1,
        Fault::Hang(Duration::from_secs(60)),
    );
    let mut child = keyring::command(d, &["sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while tickets_carrying(server, &id).is_empty() || proxy.pending_faults() > 0 {
        assert!(Instant::now() < deadline, "GLPI never created the ticket");
        std::thread::sleep(Duration::from_millis(100));
    }
    // GLPI has the ticket and the client waits on the next request: kill it there.
    child.kill().unwrap();
    child.wait().unwrap();
    let shown = json(server, guichet(d, &["ticket", "show", &id, "--json"], ""));
    assert_eq!(
        shown["local_state"], "queued",
        "not recorded as sent: {shown}"
    );
    proxy.clear_faults();
    let killed_at = Instant::now();
    let out = guichet(d, &["sync", "--retry"], "");
    let said = describe(server, &out);
    if killed_at.elapsed() < Duration::from_secs(5) {
        assert!(said.contains("interrupted"), "{said}");
        let shown = json(server, guichet(d, &["ticket", "show", &id, "--json"], ""));
        assert_eq!(
            shown["local_state"], "queued",
            "left to the server: {shown}"
        );
    }
    std::thread::sleep(
        Duration::from_secs(SETTLE_SECS.parse().unwrap()).saturating_sub(killed_at.elapsed()),
    );
    ok(server, guichet(d, &["sync", "--retry"], ""));
    assert_eq!(
        tickets_carrying(server, &id),
        vec![next],
        "the first ticket, and only it"
    );
    let shown = json(server, guichet(d, &["ticket", "show", &id, "--json"], ""));
    assert_eq!(shown["local_state"], "sent", "{shown}");
    assert_eq!(shown["remote_id"], next.to_string(), "{shown}");
}
