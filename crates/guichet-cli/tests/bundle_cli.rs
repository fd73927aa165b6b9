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

#[test]
fn a_site_bundle_goes_to_the_hub_once_and_the_return_bundle_comes_back() {
    let (site, hub) = two_stores();
    let s = site.path();
    let h = hub.path();
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
    assert_eq!(inspected["signer"], "first_contact");
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
