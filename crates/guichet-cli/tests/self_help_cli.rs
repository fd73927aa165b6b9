//! Self-help through the real binary: `kb suggest` as a title is typed (starter articles, in
//! the locale's language, and an imported article tagged with a check), `kb suggest
//! --diagnosis` before any diagnosis, `kb solved` counted in `sync --status`, `site list
//! --problems` from inventories carrying a diagnosis, and `ticket new --with-diagnosis`.

use std::path::Path;
use std::process::{Command, Output};

fn guichet(data: &Path, lang: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("GUICHET_DATA_DIR")
        // The pending updates' count is kept in the cache folder: this test's, not the user's.
        .env("XDG_CACHE_HOME", data.join("cache"))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .output()
        .expect("run guichet")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

const TAGGED: &str = r#"[{"remote_id": "imp-1", "title": "Imprimante du couloir bloquée",
  "tags": ["printing.jobs", "Printing.Queues"], "language": "fr",
  "updated_at": "2026-11-02T09:00:00Z", "body_html": "<p>Appelez l'accueil.</p>"}]"#;

#[test]
fn suggestions_follow_the_typed_title_and_solved_reports_are_counted() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("data");
    let fr = "fr_FR.UTF-8";
    let list = json(&guichet(
        &data,
        fr,
        &["--json", "kb", "suggest", "imprimante", "bloq"],
    ));
    let titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Mes impressions sont bloquées"),
        "{titles:?}"
    );
    assert_eq!(list[0]["why"]["kind"], "words");

    let file = d.path().join("kb.json");
    std::fs::write(&file, TAGGED).unwrap();
    let o = guichet(&data, fr, &["kb", "import", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shown = json(&guichet(&data, fr, &["--json", "kb", "show", "imp-1"]));
    assert_eq!(
        shown["tags"],
        serde_json::json!(["printing.jobs", "printing.queues"])
    );
    // The desk's article now covers printing: its starter articles are gone.
    let list = json(&guichet(
        &data,
        fr,
        &["--json", "kb", "suggest", "imprimante"],
    ));
    let titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Imprimante du couloir bloquée"),
        "{titles:?}"
    );
    assert!(
        !titles.contains(&"Mes impressions sont bloquées"),
        "{titles:?}"
    );
    let en = json(&guichet(&data, "C", &["--json", "kb", "suggest", "disk"]));
    assert_eq!(en[0]["title"], "My disk is nearly full");

    let o = guichet(&data, fr, &["kb", "suggest", "--diagnosis"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("guichet diagnose"), "{}", stderr(&o));

    let o = guichet(
        &data,
        fr,
        &[
            "kb",
            "solved",
            "imprimante",
            "bloquée",
            "--article",
            "imp-1",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let status = json(&guichet(&data, fr, &["--json", "sync", "--status"]));
    assert_eq!(status["deflection"]["deflections"], 1);
    assert_eq!(status["deflection"]["reports"], 0);
    assert_eq!(status["deflection"]["rate"], 1.0);
    let o = guichet(&data, fr, &["sync", "--status"]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        text.contains("solved without a ticket (30 days): 1 of 1 report(s) (100 %)"),
        "{text}"
    );
}

fn diagnosis(checks: &[(&str, &str)]) -> serde_json::Value {
    let findings: Vec<serde_json::Value> = checks
        .iter()
        .map(|(check, status)| {
            serde_json::json!({"check": check, "subject": null, "status": status,
                "measured": "x", "threshold": null,
                "sentence": {"fr": "Phrase.", "en": "Sentence."}})
        })
        .collect();
    serde_json::json!({"taken_at": "2026-12-06T09:00:00Z", "elapsed_ms": 400, "findings": findings})
}

#[test]
fn the_site_register_lists_machines_with_problems() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("data");
    let o = guichet(
        &data,
        "C",
        &["inventory", "--format", "json", "--categories", "os"],
    );
    let base = json(&o);
    let mut files = Vec::new();
    for (host, diag) in [
        (
            "pc-full",
            Some(diagnosis(&[
                ("storage.free", "problem"),
                ("system.reboot", "warning"),
                ("cpu.load", "ok"),
            ])),
        ),
        (
            "pc-fine",
            Some(diagnosis(&[
                ("storage.free", "ok"),
                ("battery.wear", "unknown"),
            ])),
        ),
        ("pc-never", None),
    ] {
        let mut doc = base.clone();
        doc["os"]["hostname"] = host.into();
        // Three machines, not three snapshots of this one.
        doc["os"]["machine_id"] = format!("{host}-machine-id").into();
        if let Some(d) = diag {
            doc["diagnosis"] = d;
        }
        let p = d.path().join(format!("{host}.json"));
        std::fs::write(&p, doc.to_string()).unwrap();
        files.push(p.to_str().unwrap().to_string());
    }
    let mut args = vec!["site", "import"];
    args.extend(files.iter().map(String::as_str));
    let o = guichet(&data, "C", &args);
    assert!(o.status.success(), "{}", stderr(&o));

    let all = json(&guichet(&data, "C", &["--json", "site", "list"]));
    assert_eq!(all.as_array().unwrap().len(), 3);
    let only = json(&guichet(
        &data,
        "C",
        &["--json", "site", "list", "--problems"],
    ));
    let hosts: Vec<&str> = only
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["hostname"].as_str().unwrap())
        .collect();
    assert_eq!(hosts, ["pc-full"]);
    let o = guichet(&data, "C", &["site", "list", "--problems"]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text.contains("disk nearly full, reboot pending"), "{text}");
}

#[test]
fn a_report_with_the_last_diagnosis_carries_its_summary() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("data");
    let args = [
        "--json",
        "ticket",
        "new",
        "--title",
        "Lent",
        "--body",
        "Tout rame.",
        "--with-diagnosis",
    ];
    let o = guichet(&data, "C", &args);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = guichet_store::Store::open(&data).await.unwrap();
        let d = diagnosis(&[("memory.pressure", "problem"), ("cpu.load", "ok")]);
        store
            .save_diagnosis(&serde_json::from_value(d).unwrap())
            .await
            .unwrap();
        store.close().await;
    });
    let t = json(&guichet(&data, "C", &args));
    let description = t["description"].as_str().unwrap();
    assert!(
        description
            .starts_with("Tout rame.\n\nCheck my computer (2026-12-06 09:00 UTC): problem\n"),
        "{description}"
    );
    assert!(
        description.contains("- problem memory.pressure: x (Sentence.)"),
        "{description}"
    );
}
