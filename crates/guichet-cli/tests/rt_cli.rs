//! The `guichet` binary against a real Request Tracker 5, through the commands a user or an
//! admin types: `connect rt` (password on stdin, kept in the kernel keyring), `ticket new` and
//! `ticket reply` while RT is unreachable, `sync` (exit status 4 offline, the queue untouched),
//! replies both ways, and the knowledge base pulled, searched, shown sanitised and removed.
//!
//! RT comes from `guichet-testkit` (one server per test binary); a `FaultProxy` in front of it
//! plays the network going down and up. Every `guichet` runs under a fresh kernel session
//! keyring (`keyctl session -`), as a login session without a desktop would.
//!
//! RT is required: CI installs it. `GUICHET_SKIP_RT=1` skips these tests explicitly (they print
//! SKIP); without it, a missing RT fails them loudly.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

mod keyring;
use keyring::{describe, guichet};

use std::process::Output;

use guichet_testkit::{FaultProxy, RtServer, Technician};
use serde_json::Value;

/// Exit status of `guichet sync` when the server cannot be reached.
const EXIT_OFFLINE: i32 = 4;
/// Exit status of a reference that matches nothing.
const EXIT_NOT_FOUND: i32 = 3;

fn rt() -> Option<&'static RtServer> {
    if std::env::var("GUICHET_SKIP_RT").as_deref() == Ok("1") {
        eprintln!("SKIP: GUICHET_SKIP_RT=1, Request Tracker tests not run");
        return None;
    }
    match RtServer::shared() {
        Ok(s) => Some(s),
        Err(e) => panic!(
            "Request Tracker 5 is required for these tests ({e}); install it \
             (scripts/install-rt.sh) or set GUICHET_SKIP_RT=1 to skip them"
        ),
    }
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

#[test]
fn tickets_replies_and_articles_travel_through_the_cli() {
    let Some(server) = rt() else { return };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let tech = Technician::new(server);
    let proxy = FaultProxy::start(server.url()).unwrap();
    let url = proxy.url();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _secret = SecretGuard(guichet_sync::secret::account("rt", &url, RtServer::USER));

    // connect: the password on stdin is checked against RT, then kept in the keyring only.
    let out = guichet(
        d,
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
            "10",
        ],
        &format!("{}\n", RtServer::USER_PASSWORD),
    );
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    ok(out);
    assert!(stderr.contains("kernel keyutils"), "{stderr}");
    let db = std::fs::read(d.join(guichet_store::DATABASE_FILE)).unwrap();
    let needle = RtServer::USER_PASSWORD.as_bytes();
    assert!(
        !db.windows(needle.len()).any(|w| w == needle),
        "the password is not in the database"
    );

    // Offline: the ticket is queued, sync says offline (4) and leaves the queue as it was.
    proxy.set_down(true);
    let id = ok(guichet(
        d,
        &[
            "ticket",
            "new",
            "--title",
            "Imprimante bloquée",
            "--body",
            "Bac 2 coincé",
        ],
        "",
    ))
    .trim()
    .to_string();
    let queue_before = json(guichet(d, &["sync", "--status", "--json"], ""))["queue"].clone();
    assert_eq!(queue_before.as_array().unwrap().len(), 1, "{queue_before}");
    let out = guichet(d, &["sync"], "");
    assert_eq!(out.status.code(), Some(EXIT_OFFLINE), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("offline"),
        "{}",
        describe(&out)
    );
    let queue_after = json(guichet(d, &["sync", "--status", "--json"], ""))["queue"].clone();
    assert_eq!(queue_after, queue_before, "the queue is untouched");
    assert_eq!(proxy.count("POST", "/ticket"), 0);

    // Online: exactly one RT ticket, and a second sync sends nothing more.
    proxy.set_down(false);
    ok(guichet(d, &["sync"], ""));
    ok(guichet(d, &["sync"], ""));
    let found = runtime.block_on(tech.tickets_by_client_uuid(&id)).unwrap();
    assert_eq!(found.len(), 1, "exactly one RT ticket: {found:?}");
    let remote = found[0];
    assert_eq!(proxy.count_exact("POST", "/REST/2.0/ticket"), 1);
    let shown = json(guichet(d, &["ticket", "show", &id, "--json"], ""));
    assert_eq!(shown["local_state"], "sent");
    assert_eq!(shown["remote_id"], remote.to_string());
    assert!(
        json(guichet(d, &["sync", "--status", "--json"], ""))["queue"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The technician's reply reaches `ticket show`; the ticket is found by its RT id too.
    runtime
        .block_on(tech.reply(remote, "Quel étage ?"))
        .unwrap();
    ok(guichet(d, &["sync"], ""));
    let shown = json(guichet(
        d,
        &["ticket", "show", &remote.to_string(), "--json"],
        "",
    ));
    let theirs: Vec<&Value> = shown["replies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["side"] == "remote")
        .collect();
    assert_eq!(theirs.len(), 1, "{shown}");
    assert_eq!(theirs[0]["body"], "Quel étage ?");
    assert_eq!(theirs[0]["author"], RtServer::TECH);

    // A reply written offline reaches RT after the next sync that can.
    proxy.set_down(true);
    ok(guichet(
        d,
        &["ticket", "reply", &id[..8], "--body", "Deuxième étage"],
        "",
    ));
    let out = guichet(d, &["sync"], "");
    assert_eq!(out.status.code(), Some(EXIT_OFFLINE), "{}", describe(&out));
    proxy.set_down(false);
    ok(guichet(d, &["sync"], ""));
    let shown = json(guichet(d, &["ticket", "show", &id, "--json"], ""));
    let mine = shown["replies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["body"] == "Deuxième étage")
        .unwrap_or_else(|| panic!("{shown}"))
        .clone();
    assert_eq!(mine["local_state"], "sent", "{mine}");
    let txn = mine["remote_id"].as_str().expect("RT transaction id");
    let history = runtime.block_on(tech.ticket_history(remote)).unwrap();
    let h = history
        .iter()
        .find(|h| h["id"].as_str() == Some(txn))
        .unwrap_or_else(|| panic!("transaction {txn} in {history:?}"));
    assert_eq!(h["Type"], "Correspond");
    assert_eq!(h["Creator"]["id"], RtServer::USER);
    let correspondence = history
        .iter()
        .filter(|h| h["Type"] == "Correspond" && h["Creator"]["id"] == RtServer::USER)
        .count();
    assert_eq!(correspondence, 1, "sent once: {history:?}");

    // An article created in RT is pulled, found, and shown sanitised.
    let word = format!("zq{}", &uuid_hex(&id)[..10]);
    let article = runtime
        .block_on(tech.create_article(
            &format!("Débloquer l'imprimante {word}"),
            "Bac papier",
            r#"<p onclick="steal()">Ouvrez le <b>bac</b> et retirez la feuille.</p><script>alert(1)</script><a href="javascript:alert(2)">aide</a>"#,
        ))
        .unwrap();
    ok(guichet(d, &["sync"], ""));
    let hits = json(guichet(
        d,
        &["kb", "search", "--json", "debloquer", &word],
        "",
    ));
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(
        hits[0]["title"],
        format!("Débloquer l'imprimante {word}").as_str()
    );
    let reference = format!("rt:{article}");
    let html = ok(guichet(d, &["kb", "show", &reference, "--html"], ""));
    assert!(html.contains("<b>bac</b>"), "{html}");
    for bad in ["<script", "alert(1)", "onclick", "javascript:"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    let text = ok(guichet(d, &["kb", "show", &reference, "--text"], ""));
    assert!(
        text.contains("Ouvrez le bac et retirez la feuille."),
        "{text}"
    );

    // Disabled in RT: gone locally after the next sync.
    runtime.block_on(tech.disable_article(article)).unwrap();
    ok(guichet(d, &["sync"], ""));
    let hits = json(guichet(d, &["kb", "search", "--json", &word], ""));
    assert!(hits.as_array().unwrap().is_empty(), "{hits}");
    let out = guichet(d, &["kb", "show", &reference], "");
    assert_eq!(
        out.status.code(),
        Some(EXIT_NOT_FOUND),
        "{}",
        describe(&out)
    );
}

/// The hex digits of a UUID: a word no other test's article contains.
fn uuid_hex(id: &str) -> String {
    id.chars().filter(char::is_ascii_hexdigit).collect()
}
