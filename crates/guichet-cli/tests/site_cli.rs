//! `guichet site` and `guichet asset` through the real binary, each in a fresh data directory.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

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

const FUSION: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../guichet-inventory/tests/fixtures/import/fusioninventory-debian12-vm.xml"
);

#[test]
fn import_reports_new_then_unchanged_and_a_bad_file_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("bad.json");
    std::fs::write(&bad, "{\"x\": 1}").unwrap();
    let o = guichet(d.path(), &["site", "import", FUSION, bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("bad.json: not imported, nothing written"),
        "{}",
        stderr(&o)
    );
    let o = guichet(d.path(), &["--json", "site", "list"]);
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 0);

    let o = guichet(
        d.path(),
        &["--json", "site", "import", FUSION, "--location", "Salle 2"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r[0]["outcome"], "new");
    assert_eq!(r[0]["machine"]["hostname"], "vm");
    assert_eq!(r[0]["machine"]["location"], "Salle 2");
    let o = guichet(d.path(), &["--json", "site", "import", FUSION]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r[0]["outcome"], "unchanged");
    assert_eq!(r[0]["matched_by"], "device_id");

    let o = guichet(
        d.path(),
        &[
            "--json",
            "site",
            "list",
            "--software",
            "bash",
            "--version",
            "<6",
        ],
    );
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(list[0]["matched_software"][0]["version"], "5.2.15-2+b8");
    let o = guichet(
        d.path(),
        &[
            "--json",
            "site",
            "list",
            "--software",
            "bash",
            "--version",
            "<5",
        ],
    );
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(list.as_array().unwrap().is_empty());
    let o = guichet(d.path(), &["site", "list", "--ram-below", "8"]);
    assert_eq!(o.status.code(), Some(2), "a size needs a unit");

    let o = guichet(d.path(), &["--json", "site", "history", "vm"]);
    let h: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(h[0]["source_format"], "ocs_xml");
    let o = guichet(d.path(), &["site", "remove", "vm"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = guichet(d.path(), &["site", "show", "vm"]);
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn glpi_export_writes_one_schema_valid_file_per_machine() {
    let d = tempfile::tempdir().unwrap();
    let o = guichet(d.path(), &["site", "import", FUSION]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = d.path().join("glpi");
    let o = guichet(
        d.path(),
        &[
            "site",
            "export",
            "--format",
            "glpi",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let files: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert_eq!(files.len(), 1);
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("vm-1.json")).unwrap()).unwrap();
    let schema_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../third-party/glpi-inventory-format/inventory.schema.json"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(doc["deviceid"], "vm-2026-11-23-12-32-25");
    assert_eq!(doc["content"]["softwares"].as_array().unwrap().len(), 1194);
}

#[test]
fn assets_add_edit_list_label_and_report() {
    let d = tempfile::tempdir().unwrap();
    let o = guichet(
        d.path(),
        &[
            "asset",
            "add",
            "--type",
            "printer",
            "--make",
            "HP",
            "--model",
            "LaserJet M404",
            "--serial",
            "PHB123",
            "--location",
            "Accueil",
            "--purchased",
            "2023-12-01",
            "--warranty-until",
            "2026-12-01",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "1");
    let o = guichet(
        d.path(),
        &[
            "asset",
            "add",
            "--type",
            "screen",
            "--warranty-until",
            "2020-01-01",
            "--purchased",
            "2021-01-01",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "warranty before purchase refused");
    let o = guichet(
        d.path(),
        &["asset", "add", "--type", "screen", "--status", "lost"],
    );
    assert_eq!(o.status.code(), Some(2));

    let o = guichet(
        d.path(),
        &[
            "--json", "asset", "edit", "PHB123", "--status", "broken", "--user", "zoé",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let a: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (a["status"].as_str(), a["assigned_user"].as_str()),
        (Some("broken"), Some("zoé"))
    );
    let o = guichet(
        d.path(),
        &[
            "--json",
            "asset",
            "list",
            "--warranty-before",
            "2027-01-01",
            "--status",
            "broken",
        ],
    );
    let l: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(l.as_array().unwrap().len(), 1);

    let svg = d.path().join("l.svg");
    let o = guichet(
        d.path(),
        &["asset", "label", "1", "-o", svg.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains(">S/N PHB123</text>") && text.contains(">Accueil</text>"));
    let o = guichet(
        d.path(),
        &[
            "asset",
            "label",
            "1",
            "-o",
            d.path().join("l.pdf").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));

    let o = guichet(
        d.path(),
        &["site", "export", "--format", "html", "--lang", "fr"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let html = stdout(&o);
    assert!(
        html.contains("Inventaire du site") && html.contains("En panne") && html.contains("PHB123")
    );
    let o = guichet(d.path(), &["site", "export", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "asset");
    assert_eq!(&rows[0][12], "broken");

    let o = guichet(d.path(), &["asset", "remove", "1"]);
    assert!(o.status.success());
    let o = guichet(d.path(), &["asset", "show", "1"]);
    assert_eq!(o.status.code(), Some(3));
}
