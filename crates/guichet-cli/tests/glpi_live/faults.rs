//! Faults on the way to a real GLPI (through the fault proxy): a 500 before GLPI acts, a hang,
//! a connection cut after GLPI committed. Each ticket reaches GLPI exactly once, `sync` says
//! which entries it could not send and why (exit status 6), `sync --status` shows the server's
//! reason, and `sync --retry` sends them at once.

use super::*;
use guichet_testkit::Fault;
use std::time::Duration;

/// The request path (substring) that creates a ticket with `account`'s API.
fn ticket_path(account: Account) -> &'static str {
    match account {
        Account::SelfServiceOAuth | Account::AdminOAuth => "/Assistance/Ticket",
        _ => "/apirest.php/Ticket",
    }
}

fn new_ticket(server: &GlpiServer, d: &Path, title: &str) -> String {
    ok(
        server,
        guichet(d, &["ticket", "new", "--title", title, "--body", "x"], ""),
    )
    .trim()
    .to_owned()
}

/// Each fault in turn on the creation of a new ticket: exactly one ticket each, and the status
/// tells the truth in between.
pub fn faults_leave_exactly_one_ticket_and_a_truthful_status(
    server: &GlpiServer,
    account: Account,
) {
    let proxy = proxy(server);
    let url = proxy.url();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _secrets = connect_with_timeout(server, d, &url, account, "5");
    let path = ticket_path(account);

    // 500 before GLPI acts: deferred with the server's answer, exit 6, status shows it.
    let id = new_ticket(server, d, &unique("fault500-"));
    proxy.push_fault(
        "POST",
        path,
        Fault::Status {
            code: 500,
            retry_after: None,
        },
    );
    let out = guichet(d, &["sync"], "");
    assert_eq!(
        out.status.code(),
        Some(EXIT_DEFERRED),
        "{}",
        describe(server, &out)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&id) && stderr.contains("500"), "{stderr}");
    let status = json(server, guichet(d, &["sync", "--status", "--json"], ""));
    let entry = &status["queue"][0];
    assert_eq!(entry["state"], "pending", "{status}");
    assert!(
        entry["last_error"].as_str().unwrap_or("").contains("500"),
        "{status}"
    );
    assert!(
        status["status"]["last_error"]
            .as_str()
            .unwrap_or("")
            .contains(&id),
        "a pass that left an entry unsent is not a success: {status}"
    );
    assert!(tickets_carrying(server, &id).is_empty());
    ok(server, guichet(d, &["sync", "--retry"], ""));
    assert_eq!(tickets_carrying(server, &id).len(), 1);
    let status = json(server, guichet(d, &["sync", "--status", "--json"], ""));
    assert!(status["queue"].as_array().unwrap().is_empty(), "{status}");
    assert!(status["status"]["last_error"].is_null(), "{status}");

    // A hang (nothing forwarded, 8 s): the client times out (5 s), then the retry creates it
    // once. The timeout leaves room for a loaded CI machine, where GLPI takes seconds.
    let id = new_ticket(server, d, &unique("hang-"));
    proxy.push_fault("POST", path, Fault::Hang(Duration::from_secs(8)));
    let out = guichet(d, &["sync"], "");
    assert_eq!(
        out.status.code(),
        Some(EXIT_DEFERRED),
        "{}",
        describe(server, &out)
    );
    ok(server, guichet(d, &["sync", "--retry"], ""));
    assert_eq!(tickets_carrying(server, &id).len(), 1);

    // The connection cut after GLPI committed (half an answer): the retry finds the ticket.
    let id = new_ticket(server, d, &unique("cut-"));
    proxy.push_fault("POST", path, Fault::CloseMidResponse);
    let out = guichet(d, &["sync"], "");
    assert_eq!(
        out.status.code(),
        Some(EXIT_DEFERRED),
        "{}",
        describe(server, &out)
    );
    assert_eq!(tickets_carrying(server, &id).len(), 1, "GLPI committed it");
    ok(server, guichet(d, &["sync", "--retry"], ""));
    ok(server, guichet(d, &["sync"], ""));
    assert_eq!(tickets_carrying(server, &id).len(), 1, "and only once");
    let shown = json(server, guichet(d, &["ticket", "show", &id, "--json"], ""));
    assert_eq!(shown["local_state"], "sent", "{shown}");
}
