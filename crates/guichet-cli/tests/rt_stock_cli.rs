//! The `guichet` binary against Request Tracker 5 as an admin installed it: RT's own initial
//! data only (queue and article class `General`, catalog `General assets`, no custom field),
//! plus an unprivileged account allowed to file tickets in `General` (`RtServer::start_stock`).
//!
//! What must hold there: `connect rt` succeeds and names each missing field and right with
//! its fix; tickets are still created exactly once (their "Refers to" link is the key), even
//! when RT's answer is lost; replies, which have no key there, wait with the fix named and go
//! once the admin applies `scripts/rt/guichet-initialdata.pl`; the missing knowledge-base class
//! and catalog are notices, never a failed pass.
//!
//! RT is required: CI installs it. `GUICHET_SKIP_RT=1` skips these tests explicitly (they print
//! SKIP); without it, a missing RT fails them loudly.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

mod keyring;
use keyring::{describe, guichet};

use std::path::Path;
use std::process::Output;
use std::sync::OnceLock;

use guichet_testkit::{Fault, FaultProxy, RtServer, Technician};
use serde_json::Value;

/// Exit status of `guichet sync` when entries of the pass were not sent.
const EXIT_DEFERRED: i32 = 6;

/// One stock server for the tests that do not change its setup.
static STOCK: OnceLock<Result<RtServer, String>> = OnceLock::new();

fn skip() -> bool {
    if std::env::var("GUICHET_SKIP_RT").as_deref() == Ok("1") {
        eprintln!("SKIP: GUICHET_SKIP_RT=1, Request Tracker tests not run");
        return true;
    }
    false
}

fn must<T>(r: Result<T, String>) -> T {
    r.unwrap_or_else(|e| {
        panic!(
            "Request Tracker 5 is required for these tests ({e}); install it \
             (scripts/install-rt.sh) or set GUICHET_SKIP_RT=1 to skip them"
        )
    })
}

fn shared_stock() -> &'static RtServer {
    must(
        STOCK
            .get_or_init(|| RtServer::start_stock().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(Clone::clone),
    )
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", describe(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn json(out: Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

/// The keyring entry `connect` made, removed when the test ends however it ends.
struct SecretGuard(String);

impl Drop for SecretGuard {
    fn drop(&mut self) {
        guichet_sync::secret::delete(&self.0);
    }
}

/// `guichet --json connect rt` to `url` as the stock server's user, queue `General`.
fn connect(d: &Path, url: &str) -> Output {
    guichet(
        d,
        &[
            "--json",
            "connect",
            "rt",
            "--url",
            url,
            "--user",
            RtServer::USER,
            "--queue",
            RtServer::STOCK_QUEUE,
            "--timeout",
            "10",
        ],
        &format!("{}\n", RtServer::USER_PASSWORD),
    )
}

/// A new local ticket titled `title`; its id.
fn new_ticket(d: &Path, title: &str) -> String {
    ok(guichet(
        d,
        &[
            "ticket",
            "new",
            "--title",
            title,
            "--body",
            "Rien ne marche",
        ],
        "",
    ))
    .trim()
    .to_string()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn connect_on_a_stock_rt_names_each_missing_field_and_its_fix_and_succeeds() {
    if skip() {
        return;
    }
    let server = shared_stock();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _secret = SecretGuard(guichet_sync::secret::account(
        "rt",
        server.url(),
        RtServer::USER,
    ));
    let out = connect(d, server.url());
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let report = json(out);
    for needed in [
        "warning: ticket custom field ClientUUID missing on queue `General`",
        "warning: transaction custom field ClientTxnUUID missing on queue `General`",
        "no article class visible to guichet-user (looked for `Guichet KB`, `General`)",
        "no asset catalog visible to guichet-user (looked for `Workstations`, `General assets`)",
        "rt-setup-database --action insert --datafile guichet-initialdata.pl",
        "Applies to \"Ticket Transactions\"",
        "SeeClass and ShowArticle",
        "settings saved",
    ] {
        assert!(stderr.contains(needed), "{needed:?} not in {stderr}");
    }
    assert_eq!(report["checked"], true, "{report}");
    assert_eq!(report["kb_class"], Value::Null, "{report}");
    assert_eq!(report["asset_catalog"], Value::Null, "{report}");
    assert_eq!(report["warnings"].as_array().unwrap().len(), 4, "{report}");

    // A queue the user cannot see fails the connection: nothing is saved.
    let other = tempfile::tempdir().unwrap();
    let out = guichet(
        other.path(),
        &[
            "connect",
            "rt",
            "--url",
            server.url(),
            "--user",
            RtServer::USER,
            "--queue",
            "NoSuchQueue",
        ],
        &format!("{}\n", RtServer::USER_PASSWORD),
    );
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("queue `NoSuchQueue` is not visible to guichet-user"),
        "{}",
        describe(&out)
    );
}

#[test]
fn a_ticket_on_a_stock_rt_is_created_exactly_once_when_the_answer_is_lost() {
    if skip() {
        return;
    }
    let server = shared_stock();
    let rt = runtime();
    let tech = Technician::new(server);
    let proxy = FaultProxy::start(server.url()).unwrap();
    let url = proxy.url();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _secret = SecretGuard(guichet_sync::secret::account("rt", &url, RtServer::USER));
    ok(connect(d, &url));
    let title = format!("Écran noir {}", uuid::Uuid::new_v4().simple());
    let id = new_ticket(d, &title);

    // RT creates the ticket, the answer never arrives: the entry waits for its retry.
    proxy.push_fault("POST", "/REST/2.0/ticket", Fault::DropResponse);
    let out = guichet(d, &["--json", "sync"], "");
    assert_eq!(out.status.code(), Some(EXIT_DEFERRED), "{}", describe(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["pushed"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(report["deferred"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(proxy.count_exact("POST", "/REST/2.0/ticket"), 1);

    // The retry finds the ticket by its link and does not create it again.
    let report = json(guichet(d, &["--json", "sync", "--retry"], ""));
    let pushed = report["pushed"].as_array().unwrap();
    assert_eq!(pushed.len(), 1, "{report}");
    assert_eq!(
        proxy.count_exact("POST", "/REST/2.0/ticket"),
        1,
        "one creation"
    );
    let found = rt.block_on(tech.tickets_by_subject(&title)).unwrap();
    assert_eq!(found.len(), 1, "exactly one RT ticket: {found:?}");
    assert_eq!(pushed[0]["remote_id"], found[0].to_string());
    let ticket = rt.block_on(tech.ticket(found[0])).unwrap();
    let links = ticket["_hyperlinks"].to_string();
    assert!(links.contains(&format!("urn:uuid:{id}")), "{links}");
    let shown = json(guichet(d, &["ticket", "show", &id, "--json"], ""));
    assert_eq!(shown["local_state"], "sent", "{shown}");

    // Later passes send nothing more.
    ok(guichet(d, &["sync"], ""));
    assert_eq!(proxy.count_exact("POST", "/REST/2.0/ticket"), 1);
}

#[test]
fn a_missing_kb_class_or_catalog_is_a_notice_and_the_pass_is_not_failed() {
    if skip() {
        return;
    }
    let server = shared_stock();
    let proxy = FaultProxy::start(server.url()).unwrap();
    let url = proxy.url();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _secret = SecretGuard(guichet_sync::secret::account("rt", &url, RtServer::USER));
    ok(connect(d, &url));

    let out = guichet(d, &["sync", "--with-inventory"], "");
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.contains(
            "notice: pulling the knowledge base skipped: not set up on the server: no article \
             class visible to guichet-user"
        ),
        "{text}"
    );
    // The inventory waits, parked with the fix; no asset was created.
    assert!(
        text.contains("no asset catalog visible to guichet-user"),
        "{text}"
    );
    assert!(text.contains("guichet sync --retry"), "{text}");
    assert_eq!(proxy.count("POST", "/REST/2.0/asset"), 0);

    let report = json(guichet(d, &["--json", "sync"], ""));
    assert!(report["errors"].as_array().unwrap().is_empty(), "{report}");
    assert_eq!(report["notices"].as_array().unwrap().len(), 1, "{report}");
    let status = json(guichet(d, &["sync", "--status", "--json"], ""));
    assert_eq!(status["status"]["last_error"], Value::Null, "{status}");
    assert!(status["status"]["last_success_at"].is_string(), "{status}");
}

#[test]
fn a_reply_on_a_stock_rt_waits_with_the_fix_named_and_goes_once_the_admin_applies_the_initial_data()
{
    if skip() {
        return;
    }
    // Its own server: the admin changes its setup half-way.
    let server = must(RtServer::start_stock().map_err(|e| e.to_string()));
    let rt = runtime();
    let tech = Technician::new(&server);
    let proxy = FaultProxy::start(server.url()).unwrap();
    let url = proxy.url();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _secret = SecretGuard(guichet_sync::secret::account("rt", &url, RtServer::USER));
    ok(connect(d, &url));
    let title = format!("Clavier {}", uuid::Uuid::new_v4().simple());
    let id = new_ticket(d, &title);
    ok(guichet(d, &["sync"], ""));
    ok(guichet(
        d,
        &["ticket", "reply", &id[..8], "--body", "Toujours en panne"],
        "",
    ));

    // No ClientTxnUUID: the reply is not sent, it waits with the admin's fix.
    let out = guichet(d, &["sync"], "");
    let text = ok(out);
    assert!(
        text.contains("transaction custom field ClientTxnUUID missing on queue `General`"),
        "{text}"
    );
    assert!(text.contains("guichet-initialdata.pl"), "{text}");
    assert_eq!(proxy.count("POST", "/correspond"), 0);
    let status = json(guichet(d, &["sync", "--status", "--json"], ""));
    assert_eq!(status["queue"][0]["state"], "parked", "{status}");

    // The admin applies the initial data to the existing queue and adds the account to the
    // group it creates.
    let scripts = RtServer::scripts_dir();
    server
        .apply_datafile(
            &scripts.join("guichet-initialdata.pl"),
            &[("GUICHET_QUEUE", RtServer::STOCK_QUEUE)],
        )
        .unwrap();
    let members = dir.path().join("members.pl");
    std::fs::write(
        &members,
        "@Members = ({ Class => 'RT::User', Name => 'guichet-user', Group => 'Guichet users' });\n1;\n",
    )
    .unwrap();
    server.apply_datafile(&members, &[]).unwrap();

    // connect now sees everything; the parked reply goes exactly once.
    let report = json(connect(d, &url));
    assert_eq!(report["kb_class"], "Guichet KB", "{report}");
    assert_eq!(report["asset_catalog"], "Workstations", "{report}");
    assert_eq!(report["warnings"], serde_json::json!([]), "{report}");
    let report = json(guichet(d, &["--json", "sync", "--retry"], ""));
    assert_eq!(report["pushed"].as_array().unwrap().len(), 1, "{report}");
    ok(guichet(d, &["sync"], ""));
    assert_eq!(proxy.count("POST", "/correspond"), 1);
    let found = rt.block_on(tech.tickets_by_subject(&title)).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let history = rt.block_on(tech.ticket_history(found[0])).unwrap();
    let mine = history
        .iter()
        .filter(|h| h["Type"] == "Correspond" && h["Creator"]["id"] == RtServer::USER)
        .count();
    assert_eq!(mine, 1, "sent once: {history:?}");
}

#[test]
fn an_inventory_is_never_sent_to_a_catalog_without_a_device_id_field() {
    if skip() {
        return;
    }
    // RT's superuser sees RT's own class and catalog, and the catalog has no custom field.
    let server = shared_stock();
    let proxy = FaultProxy::start(server.url()).unwrap();
    let url = proxy.url();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _secret = SecretGuard(guichet_sync::secret::account("rt", &url, RtServer::ROOT));
    let out = guichet(
        d,
        &[
            "--json",
            "connect",
            "rt",
            "--url",
            &url,
            "--user",
            RtServer::ROOT,
            "--queue",
            RtServer::STOCK_QUEUE,
        ],
        &format!("{}\n", RtServer::ROOT_PASSWORD),
    );
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let report = json(out);
    assert_eq!(report["kb_class"], "General", "{report}");
    assert_eq!(report["asset_catalog"], "General assets", "{report}");
    assert!(
        stderr.contains(
            "asset custom field(s) Serial, Model, OS, CPU, RAM, DeviceId missing on catalog \
             `General assets`"
        ),
        "{stderr}"
    );

    let out = guichet(d, &["sync", "--with-inventory"], "");
    let text = ok(out);
    assert!(
        text.contains("without DeviceId the machine's asset cannot be found again"),
        "{text}"
    );
    assert!(
        !text.contains("notice: pulling the knowledge base"),
        "{text}"
    );
    assert_eq!(proxy.count("POST", "/REST/2.0/asset"), 0);
    assert_eq!(proxy.count("PUT", "/REST/2.0/asset"), 0);
}
