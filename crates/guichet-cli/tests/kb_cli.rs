//! The `guichet kb` contract, through the real binary: import, search, show in every form,
//! listing, and the exit status of a reference that matches nothing.

use std::path::Path;
use std::process::{Command, Output};

fn guichet(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("GUICHET_DATA_DIR")
        .output()
        .expect("run guichet")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const ARTICLES: &str = r#"[
  {"remote_id": "vpn-1", "title": "Configurer le VPN", "category": "Réseau", "language": "fr",
   "summary": "Accès distant au réseau",
   "updated_at": "2026-11-01T09:00:00Z",
   "body_html": "<h2>Étapes</h2><p>Ouvrez le client <strong>VPN</strong> et saisissez votre mot de passe.</p><img src=\"shot.png\" alt=\"Écran\"><script>alert(1)</script><img src=\"https://tracker.test/p.gif\">"
   ,"images": [{"url": "shot.png", "content_type": "image/png", "file": "shot.png"}]},
  {"remote_id": "print-1", "connector": "local", "title": "Imprimante du 2e étage", "category": "Imprimantes",
   "updated_at": "2026-11-02T09:00:00Z", "body_html": "<p>Le bac 2 se bloque : retirez le papier.</p>"}
]"#;

/// A data dir with the two articles above imported.
fn seeded() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("kb.json");
    std::fs::write(&file, ARTICLES).unwrap();
    std::fs::write(d.path().join("shot.png"), b"\x89PNG screenshot").unwrap();
    let o = guichet(
        &d.path().join("data"),
        &["kb", "import", file.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("imported 2 articles (2 new, 0 updated)"),
        "{}",
        stderr(&o)
    );
    d
}

#[test]
fn search_finds_imported_articles_as_table_and_json() {
    let d = seeded();
    let data = d.path().join("data");
    let o = guichet(&data, &["kb", "search", "reseau"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Configurer le VPN"), "{out}");
    assert!(out.contains("Réseau"), "{out}");
    assert!(!out.contains("Imprimante"), "{out}");

    let o = guichet(&data, &["--json", "kb", "search", "MOT", "de", "pass"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("pure JSON");
    let hits = v.as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["title"], "Configurer le VPN");
    assert!(
        hits[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("[mot] [de] [passe]"),
        "{}",
        hits[0]["snippet"]
    );

    let o = guichet(
        &data,
        &["--json", "kb", "search", "NEAR(\"*", "--limit", "5"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "[]");
}

#[test]
fn show_prints_text_html_or_json() {
    let d = seeded();
    let data = d.path().join("data");

    let o = guichet(&data, &["kb", "show", "vpn-1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("Configurer le VPN\n"), "{text}");
    assert!(text.contains("Category: Réseau"), "{text}");
    assert!(text.contains("Updated:  2026-11-01 09:00 UTC"), "{text}");
    assert!(
        text.contains("Étapes\n\nOuvrez le client VPN et saisissez votre mot de passe."),
        "{text}"
    );

    let o = guichet(&data, &["kb", "show", "local:vpn-1", "--text"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Étapes\n\nOuvrez le client VPN et saisissez votre mot de passe.\n"
    );

    let o = guichet(&data, &["kb", "show", "vpn-1", "--html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = stdout(&o);
    assert!(html.contains("<strong>VPN</strong>"), "{html}");
    assert!(html.contains(r#"<img src="guichet-blob:"#), "{html}");
    assert!(!html.contains("script"), "{html}");
    assert!(!html.contains("tracker.test"), "{html}");

    let o = guichet(&data, &["--json", "kb", "show", "vpn-1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("pure JSON");
    assert_eq!(v["connector"], "local");
    assert_eq!(v["remote_id"], "vpn-1");
    assert_eq!(v["summary"], "Accès distant au réseau");
    assert_eq!(v["images"][0]["original_url"], "shot.png");
    let blob = v["images"][0]["blob"].as_str().unwrap();
    let on_disk = data.join("blobs").join(&blob[..2]).join(&blob[2..]);
    assert_eq!(std::fs::read(on_disk).unwrap(), b"\x89PNG screenshot");

    // The local id works too, whole or as a prefix.
    let id = v["id"].as_str().unwrap();
    let o = guichet(&data, &["kb", "show", &id[..8], "--text"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("Étapes"));
}

#[test]
fn unknown_article_is_not_found_with_exit_status_3() {
    let d = seeded();
    let data = d.path().join("data");
    let o = guichet(&data, &["kb", "show", "no-such-article"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let o = guichet(&data, &["--json", "kb", "show", "no-such-article"]);
    assert_eq!(o.status.code(), Some(3));
    let e: serde_json::Value = serde_json::from_str(stderr(&o).trim()).unwrap();
    assert_eq!(e["error"]["code"], "not_found");
}

#[test]
fn list_and_categories() {
    let d = seeded();
    let data = d.path().join("data");
    let o = guichet(&data, &["--json", "kb", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let titles: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["Configurer le VPN", "Imprimante du 2e étage"]);
    let o = guichet(
        &data,
        &["--json", "kb", "list", "--category", "Imprimantes"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    let o = guichet(&data, &["--json", "kb", "categories"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["category"], "Imprimantes");
    assert_eq!(v[1]["articles"], 1);
}

#[test]
fn reimport_updates_and_bad_files_import_nothing() {
    let d = seeded();
    let data = d.path().join("data");
    let file = d.path().join("kb.json");
    let o = guichet(&data, &["--json", "kb", "import", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["created"], 0);
    assert_eq!(v["updated"], 2);

    // A foreign connector in the second article: the first must not be imported either.
    let bad = d.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"[{"remote_id": "new-1", "title": "Nouveau", "updated_at": "2026-11-03T09:00:00Z", "body_html": "<p>x</p>"},
            {"remote_id": "new-2", "connector": "glpi", "title": "Autre", "updated_at": "2026-11-03T09:00:00Z", "body_html": "<p>y</p>"}]"#,
    )
    .unwrap();
    let o = guichet(&data, &["kb", "import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("connector `glpi`"), "{}", stderr(&o));
    let o = guichet(&data, &["kb", "show", "new-1"]);
    assert_eq!(o.status.code(), Some(3));

    std::fs::write(&bad, "{not json").unwrap();
    let o = guichet(&data, &["kb", "import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
