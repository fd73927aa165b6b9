//! `guichet bundle` through the binary: export on a site, import (twice) on a connected
//! store, the return bundle back, inspect, and a damaged file refused with exit status 2.

use std::path::Path;
use std::process::{Command, Output};

fn guichet(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(args)
        .env("GUICHET_DATA_DIR", dir)
        .env("USER", "alice")
        .env_remove("GUICHET_LOG")
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

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).unwrap()
}

/// Two stores whose device ids differ (both run on this host, so the id is set beforehand).
fn two_stores() -> (tempfile::TempDir, tempfile::TempDir) {
    let site = tempfile::tempdir().unwrap();
    let hub = tempfile::tempdir().unwrap();
    for (d, name) in [(&site, "site-pc"), (&hub, "hub")] {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let s = guichet_store::Store::open(d.path()).await.unwrap();
            s.set_setting(
                "inventory.deviceid",
                &format!("{name}-2026-11-01-08-00-00"),
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        });
    }
    (site, hub)
}

/// `guichet bundle enrol`: `show --out` on one store, `add --site|--hub` on the other; returns
/// the enrolled store's fingerprint as `add` printed it.
fn enrol(on: &Path, from: &Path, role: &str) -> String {
    let key = from.join(format!("enrol-{role}.key"));
    let shown = json(&guichet(
        from,
        &[
            "--json",
            "bundle",
            "enrol",
            "show",
            "--out",
            key.to_str().unwrap(),
        ],
    ));
    let added = json(&guichet(
        on,
        &[
            "--json",
            "bundle",
            "enrol",
            "add",
            &format!("--{role}"),
            key.to_str().unwrap(),
        ],
    ));
    assert_eq!(added["deviceid"], shown["deviceid"]);
    added["fingerprint"].as_str().unwrap().to_string()
}

/// A hub and its site, each enrolled by the other.
fn enrolled(site: &Path, hub: &Path) {
    enrol(hub, site, "site");
    enrol(site, hub, "hub");
}

#[test]
fn a_site_bundle_goes_to_the_hub_once_and_the_return_bundle_comes_back() {
    let (site, hub) = two_stores();
    let s = site.path();
    let h = hub.path();
    enrolled(s, h);
    let id = ok(&guichet(
        s,
        &[
            "ticket",
            "new",
            "--title",
            "Router down",
            "--body",
            "No light",
        ],
    ))
    .trim()
    .to_string();
    ok(&guichet(
        s,
        &[
            "asset", "add", "--type", "switch", "--make", "Cisco", "--serial", "FOC123",
        ],
    ));
    let file = s.join("out.guichet");
    let written = json(&guichet(
        s,
        &["--json", "bundle", "export", file.to_str().unwrap()],
    ));
    assert_eq!(written["manifest"]["kind"], "outgoing");
    assert_eq!(written["manifest"]["counts"]["entries"], 1);

    let inspected = json(&guichet(
        h,
        &["--json", "bundle", "inspect", file.to_str().unwrap()],
    ));
    assert_eq!(inspected["verified"], true);
    assert_eq!(inspected["signer"], "enrolled");
    assert_eq!(
        inspected["manifest"]["source_deviceid"],
        "site-pc-2026-11-01-08-00-00"
    );

    let back = h.join("back.guichet");
    let imported = json(&guichet(
        h,
        &[
            "--json",
            "bundle",
            "import",
            file.to_str().unwrap(),
            "--return",
            back.to_str().unwrap(),
        ],
    ));
    assert_eq!(imported["import"]["entries_queued"], 1);
    assert_eq!(imported["import"]["tickets_added"], 1);
    assert_eq!(imported["sync"]["outcome"], "not_configured");
    assert_eq!(imported["return"]["manifest"]["kind"], "return");
    let twice = json(&guichet(
        h,
        &["--json", "bundle", "import", file.to_str().unwrap()],
    ));
    assert_eq!(twice["import"]["already_applied"], true);
    let queue = json(&guichet(h, &["--json", "sync", "--status"]));
    assert_eq!(queue["queue"].as_array().unwrap().len(), 1, "queued once");
    assert_eq!(queue["queue"][0]["uuid"], id.as_str());

    // Back on the site: the switch's change is confirmed, the ticket still waits for the server.
    let r = json(&guichet(
        s,
        &["--json", "bundle", "import", back.to_str().unwrap()],
    ));
    assert_eq!(r["import"]["site_changes"], 1);
    assert_eq!(r["import"]["entries_confirmed"], 0);
    let again = json(&guichet(
        s,
        &["--json", "bundle", "export", file.to_str().unwrap()],
    ));
    assert_eq!(again["manifest"]["counts"]["site_changes"], 0);
    assert_eq!(again["manifest"]["counts"]["entries"], 1, "still queued");
}

#[test]
fn a_damaged_bundle_is_refused_with_status_2_and_a_bundle_code() {
    let (site, hub) = two_stores();
    let s = site.path();
    enrolled(s, hub.path());
    ok(&guichet(
        s,
        &[
            "ticket",
            "new",
            "--title",
            "Fan noise",
            "--body",
            "Loud fan",
        ],
    ));
    let file = s.join("out.guichet");
    ok(&guichet(s, &["bundle", "export", file.to_str().unwrap()]));
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.windows(9).position(|w| w == b"Loud fan\"").unwrap();
    bytes[at] ^= 0x20;
    let bad = s.join("bad.guichet");
    std::fs::write(&bad, &bytes).unwrap();

    for cmd in ["inspect", "import"] {
        let out = guichet(
            hub.path(),
            &["--json", "bundle", cmd, bad.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err: serde_json::Value =
            serde_json::from_str(String::from_utf8_lossy(&out.stderr).trim()).unwrap();
        assert_eq!(err["error"]["code"], "bundle_checksum", "{cmd}");
        assert!(err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("payload.json"));
    }
    let queue = json(&guichet(hub.path(), &["--json", "sync", "--status"]));
    assert!(
        queue["queue"].as_array().unwrap().is_empty(),
        "nothing applied"
    );

    bytes.truncate(bytes.len() / 2);
    std::fs::write(&bad, &bytes).unwrap();
    let out = guichet(
        hub.path(),
        &["--json", "bundle", "import", bad.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bundle_truncated"));
}

fn refusal(out: &Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stderr).trim()).unwrap();
    err["error"].clone()
}

fn queue_len(dir: &Path) -> usize {
    json(&guichet(dir, &["--json", "sync", "--status"]))["queue"]
        .as_array()
        .unwrap()
        .len()
}

/// The probe: site S queues a ticket and exports; another store E imports it, empties
/// its own outbox, and writes a return bundle. S importing it confirmed its queue ("confirmed
/// as sent: 1") though nothing reached any server. Now S refuses it (E is not its enrolled
/// hub), names E's key fingerprint and the command to enrol it, and keeps its queue.
#[test]
fn bundle_forged_return_is_refused() {
    let (site, hub) = two_stores();
    let (s, h) = (site.path(), hub.path());
    enrolled(s, h);
    let evil = tempfile::tempdir().unwrap();
    let e = evil.path();
    ok(&guichet(
        s,
        &["ticket", "new", "--title", "Printer", "--body", "Jammed"],
    ));
    let out = s.join("out.guichet");
    ok(&guichet(s, &["bundle", "export", out.to_str().unwrap()]));
    // E takes the site's bundle deliberately (it never enrolled it), then empties its outbox.
    ok(&guichet(
        e,
        &[
            "bundle",
            "import",
            "--no-sync",
            "--trust-new-key",
            out.to_str().unwrap(),
        ],
    ));
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let store = guichet_store::Store::open(e).await.unwrap();
            sqlx::query("DELETE FROM outbox")
                .execute(store.pool())
                .await
                .unwrap();
        });
    let forged = e.join("forged.guichet");
    ok(&guichet(
        e,
        &[
            "bundle",
            "import",
            "--no-sync",
            out.to_str().unwrap(),
            "--return",
            forged.to_str().unwrap(),
        ],
    ));
    let e_fingerprint = json(&guichet(e, &["--json", "bundle", "enrol", "show"]))["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();

    let inspected = json(&guichet(
        s,
        &["--json", "bundle", "inspect", forged.to_str().unwrap()],
    ));
    assert_eq!(inspected["signer"], "unknown");
    let err = refusal(&guichet(
        s,
        &["--json", "bundle", "import", forged.to_str().unwrap()],
    ));
    assert_eq!(err["code"], "bundle_unknown_key");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains(&e_fingerprint), "{message}");
    assert!(
        message.contains("guichet bundle enrol add --hub"),
        "{message}"
    );
    assert_eq!(queue_len(s), 1, "the site keeps its queue");
}

/// A bundle from a store nobody enrolled is refused with its fingerprint and the command to
/// enrol it; `--trust-new-key` takes it deliberately and prints the fingerprint.
#[test]
fn bundle_from_unknown_key_is_refused_with_its_fingerprint() {
    let (site, hub) = two_stores();
    let (s, h) = (site.path(), hub.path());
    ok(&guichet(
        s,
        &["ticket", "new", "--title", "Fan", "--body", "Loud"],
    ));
    let out = s.join("out.guichet");
    ok(&guichet(s, &["bundle", "export", out.to_str().unwrap()]));
    let fingerprint = json(&guichet(s, &["--json", "bundle", "enrol", "show"]))["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let err = refusal(&guichet(
        h,
        &["--json", "bundle", "import", out.to_str().unwrap()],
    ));
    assert_eq!(err["code"], "bundle_unknown_key");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains(&fingerprint), "{message}");
    assert!(
        message.contains("guichet bundle enrol add --site"),
        "{message}"
    );
    assert_eq!(queue_len(h), 0, "nothing applied");

    let text = ok(&guichet(
        h,
        &[
            "bundle",
            "import",
            "--no-sync",
            "--trust-new-key",
            out.to_str().unwrap(),
        ],
    ));
    assert!(text.contains(&fingerprint), "{text}");
    assert_eq!(queue_len(h), 1);
    let listed = json(&guichet(h, &["--json", "bundle", "enrol", "list"]));
    assert_eq!(listed[0]["role"], "site");
    assert_eq!(listed[0]["fingerprint"], fingerprint.as_str());
}

/// The signing key file half written by a crash (empty here) no longer blocks every later
/// export: it never signed anything, so it is set aside and replaced.
#[test]
fn signing_key_crash_mid_write_does_not_block_exports() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&guichet(
        d,
        &["ticket", "new", "--title", "Fan", "--body", "Loud"],
    ));
    std::fs::write(d.join("bundle-signing.key"), b"").unwrap();
    let out = d.join("out.guichet");
    let written = json(&guichet(
        d,
        &["--json", "bundle", "export", out.to_str().unwrap()],
    ));
    assert_eq!(written["manifest"]["counts"]["entries"], 1);
    assert!(d.join("bundle-signing.key.broken").exists());
    // And the new key stays: a second export signs with the same one.
    let again = json(&guichet(
        d,
        &["--json", "bundle", "export", out.to_str().unwrap()],
    ));
    assert_eq!(
        again["manifest"]["public_key"],
        written["manifest"]["public_key"]
    );
}
