//! `guichet ticket …` end to end through the binary: new, list, show, reply, drafts, limits.

use std::process::{Command, Output};

fn guichet(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(args)
        .env("GUICHET_DATA_DIR", dir)
        .env("USER", "alice")
        .output()
        .expect("running guichet")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn a_ticket_is_created_listed_shown_and_replied_to_offline() {
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("screen.png");
    std::fs::write(&shot, b"\x89PNG not really").unwrap();
    let id = ok(&guichet(
        dir.path(),
        &[
            "ticket",
            "new",
            "--title",
            "VPN down",
            "--body",
            "Cannot connect since 9:00",
            "--category",
            "network",
            "--urgency",
            "4",
            "--attach",
            shot.to_str().unwrap(),
        ],
    ))
    .trim()
    .to_string();
    assert_eq!(id.len(), 36, "prints the new ticket's UUID: {id}");

    let list: serde_json::Value =
        serde_json::from_str(&ok(&guichet(dir.path(), &["ticket", "list", "--json"]))).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["title"], "VPN down");
    assert_eq!(list[0]["local_state"], "queued");
    assert_eq!(list[0]["requester"], "alice");
    assert_eq!(list[0]["attachments"][0]["file_name"], "screen.png");
    assert_eq!(list[0]["attachments"][0]["content_type"], "image/png");

    ok(&guichet(
        dir.path(),
        &["ticket", "reply", &id[..6], "--body", "Still down"],
    ));
    let shown: serde_json::Value = serde_json::from_str(&ok(&guichet(
        dir.path(),
        &["ticket", "show", &id, "--json"],
    )))
    .unwrap();
    assert_eq!(shown["replies"][0]["body"], "Still down");
    assert_eq!(shown["replies"][0]["local_state"], "queued");
    assert_eq!(shown["replies"][0]["side"], "local");

    let text = ok(&guichet(dir.path(), &["ticket", "show", &id[..8]]));
    assert!(
        text.contains("VPN down")
            && text.contains("alice (you)")
            && text.contains("[queued]\nStill down"),
        "{text}"
    );
    let table = ok(&guichet(dir.path(), &["ticket", "list"]));
    assert!(
        table.contains(&id[..8]) && table.contains("queued"),
        "{table}"
    );
}

#[test]
fn errors_are_clear_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![0u8; 4096]).unwrap();
    // Lower the limit through the setting to keep the test small.
    ok(&guichet(dir.path(), &["ticket", "list"]));
    let db = dir.path().join("guichet.db");
    let conn = Command::new("sqlite3").arg(&db).arg(
        "INSERT INTO settings VALUES ('tickets.attachment_limit_bytes', '1024', '2026-01-01T00:00:00Z')",
    ).status();
    if !conn.map(|s| s.success()).unwrap_or(false) {
        // No sqlite3 binary: the store-level test covers the limit.
        return;
    }
    let out = guichet(
        dir.path(),
        &[
            "--json",
            "ticket",
            "new",
            "--title",
            "T",
            "--body",
            "B",
            "--attach",
            big.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["code"], "too_large");
    assert!(err["error"]["message"]
        .as_str()
        .unwrap()
        .contains("4096 bytes, over the 1024-byte limit"));
    assert_eq!(
        ok(&guichet(dir.path(), &["ticket", "list", "--json"])).trim(),
        "[]"
    );

    let out = guichet(dir.path(), &["ticket", "show", "0000"]);
    assert_eq!(out.status.code(), Some(3));
    let out = guichet(
        dir.path(),
        &[
            "ticket",
            "new",
            "--title",
            "T",
            "--body",
            "B",
            "--urgency",
            "9",
        ],
    );
    assert_eq!(out.status.code(), Some(2));

    let draft = ok(&guichet(
        dir.path(),
        &["ticket", "new", "--title", "D", "--body", "B", "--draft"],
    ));
    let out = guichet(
        dir.path(),
        &["ticket", "reply", draft.trim(), "--body", "x"],
    );
    assert_eq!(out.status.code(), Some(2), "replying to a draft is refused");
    ok(&guichet(dir.path(), &["ticket", "submit", draft.trim()]));
    ok(&guichet(
        dir.path(),
        &["ticket", "reply", draft.trim(), "--body", "x"],
    ));
}

#[test]
fn a_reply_carries_its_files_and_show_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("vpn.log");
    std::fs::write(&log, b"TLS handshake failed\n").unwrap();
    let shot = dir.path().join("error.png");
    std::fs::write(&shot, b"\x89PNG error dialog").unwrap();
    let id = ok(&guichet(
        dir.path(),
        &["ticket", "new", "--title", "VPN down", "--body", "B"],
    ))
    .trim()
    .to_string();

    // A file that does not exist refuses the reply and queues nothing.
    let out = guichet(
        dir.path(),
        &[
            "ticket",
            "reply",
            &id,
            "--body",
            "Logs",
            "--attach",
            dir.path().join("missing.log").to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    let shown: serde_json::Value = serde_json::from_str(&ok(&guichet(
        dir.path(),
        &["ticket", "show", &id, "--json"],
    )))
    .unwrap();
    assert_eq!(shown["replies"].as_array().unwrap().len(), 0);

    ok(&guichet(
        dir.path(),
        &[
            "ticket",
            "reply",
            &id,
            "--body",
            "Logs attached",
            "--attach",
            log.to_str().unwrap(),
            "--attach",
            shot.to_str().unwrap(),
        ],
    ));
    let shown: serde_json::Value = serde_json::from_str(&ok(&guichet(
        dir.path(),
        &["ticket", "show", &id, "--json"],
    )))
    .unwrap();
    let files = &shown["replies"][0]["attachments"];
    assert_eq!(files[0]["file_name"], "vpn.log");
    assert_eq!(files[0]["content_type"], "text/plain");
    assert_eq!(files[0]["size"], 21);
    assert_eq!(files[1]["file_name"], "error.png");
    assert_eq!(files[1]["content_type"], "image/png");
    assert!(files[0]["blob_id"].as_str().unwrap().len() == 64);
    assert_eq!(shown["attachments"].as_array().unwrap().len(), 0);

    let text = ok(&guichet(dir.path(), &["ticket", "show", &id]));
    assert!(
        text.contains("Logs attached") && text.contains("vpn.log") && text.contains("error.png"),
        "{text}"
    );
}

#[test]
fn connect_none_forgets_the_server_and_keeps_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A server that is not there: the settings are saved, to be checked at the next sync.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args([
            "connect",
            "glpi",
            "--url",
            "http://127.0.0.1:9",
            "--timeout",
            "2",
        ])
        .env("GUICHET_DATA_DIR", d)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(b"token\n").unwrap();
    child.wait().unwrap();
    ok(&guichet(
        d,
        &["ticket", "new", "--title", "T", "--body", "B"],
    ));
    let before: serde_json::Value =
        serde_json::from_str(&ok(&guichet(d, &["sync", "--status", "--json"]))).unwrap();
    assert_eq!(before["connector"]["kind"], "glpi", "{before}");
    ok(&guichet(d, &["connect", "none"]));
    let after: serde_json::Value =
        serde_json::from_str(&ok(&guichet(d, &["sync", "--status", "--json"]))).unwrap();
    assert!(after["connector"].is_null(), "{after}");
    assert_eq!(after["queue"].as_array().unwrap().len(), 1, "{after}");
}
