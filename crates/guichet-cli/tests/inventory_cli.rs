//! The `guichet inventory` contract, through the real binary: formats, files, store, errors.

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

const QUICK: &str = "os,cpus,memory,network,software";

#[test]
fn json_goes_to_stdout_and_timing_to_stderr() {
    let d = tempfile::tempdir().unwrap();
    let o = guichet(
        d.path(),
        &["inventory", "--format", "json", "--categories", QUICK],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is pure JSON");
    assert_eq!(v["categories"].as_array().unwrap().len(), 5);
    assert!(v["software"].as_array().unwrap().len() > 10);
    assert!(stderr(&o).contains("categories in"), "{}", stderr(&o));
    // A plain export does not need (nor create) a store.
    assert!(!d.path().join("guichet.db").exists());
}

#[test]
fn the_glpi_export_of_this_host_validates_against_the_glpi_schema() {
    let d = tempfile::tempdir().unwrap();
    let o = guichet(d.path(), &["inventory", "--format", "glpi"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let schema_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../third-party/glpi-inventory-format/inventory.schema.json"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The device id is created once and kept in the store.
    let id = doc["deviceid"].as_str().unwrap().to_string();
    let again = guichet(
        d.path(),
        &["inventory", "--format", "glpi", "--categories", "os"],
    );
    let doc2: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(doc2["deviceid"].as_str().unwrap(), id);
    assert!(doc["content"]["softwares"].as_array().unwrap().len() > 10);
}

#[test]
fn csv_lists_every_package_once() {
    let d = tempfile::tempdir().unwrap();
    let o = guichet(
        d.path(),
        &["inventory", "--format", "csv", "--categories", "software"],
    );
    assert!(o.status.success());
    let j = guichet(
        d.path(),
        &["inventory", "--format", "json", "--categories", "software"],
    );
    let v: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    assert_eq!(r.headers().unwrap().get(0), Some("name"));
    assert_eq!(r.records().count(), v["software"].as_array().unwrap().len());
}

#[test]
fn output_file_is_written_and_stdout_left_empty() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("inv.json");
    let o = guichet(
        d.path(),
        &[
            "inventory",
            "--format",
            "json",
            "--categories",
            "os",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    assert!(o.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(v["os"]["hostname"].is_string());
    // Regression: writing to a device must not try to replace it with a rename.
    let o = guichet(
        d.path(),
        &["inventory", "--categories", "os", "--output", "/dev/null"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(Path::new("/dev/null").exists());
}

#[test]
fn save_history_and_diff_work_together() {
    let d = tempfile::tempdir().unwrap();
    let o = guichet(d.path(), &["inventory", "--diff-never-exists"]);
    assert_eq!(o.status.code(), Some(2), "unknown flags are usage errors");

    let o = guichet(d.path(), &["inventory", "diff"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("--save"));

    for _ in 0..2 {
        let o = guichet(
            d.path(),
            &[
                "inventory",
                "--save",
                "--categories",
                QUICK,
                "--format",
                "json",
                "--output",
                "/dev/null",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains("saved snapshot"));
    }
    let h = guichet(d.path(), &["--json", "inventory", "history"]);
    let list: serde_json::Value = serde_json::from_slice(&h.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[1]["id"], 2);

    let t = guichet(d.path(), &["inventory", "history"]);
    assert!(stdout(&t).contains("Software"));

    let df = guichet(d.path(), &["--json", "inventory", "diff", "1", "2"]);
    assert!(df.status.success(), "{}", stderr(&df));
    let v: serde_json::Value = serde_json::from_slice(&df.stdout).unwrap();
    assert!(v["changes"].is_array());

    // A native JSON file can stand on either side: add a fake package to it and diff.
    let j = guichet(
        d.path(),
        &["inventory", "--format", "json", "--categories", QUICK],
    );
    let mut inv: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
    inv["software"].as_array_mut().unwrap().push(serde_json::json!({
        "name": "zz-guichet-test-package", "version": "1.0", "arch": "amd64", "publisher": null,
        "install_date": null, "size_bytes": null, "source": "dpkg", "summary": null, "category": null,
        "url": null, "guid": null, "uninstall_string": null, "folder": null
    }));
    let file = d.path().join("new.json");
    std::fs::write(&file, serde_json::to_vec(&inv).unwrap()).unwrap();
    let df = guichet(
        d.path(),
        &[
            "--json",
            "inventory",
            "diff",
            "latest",
            file.to_str().unwrap(),
        ],
    );
    assert!(df.status.success(), "{}", stderr(&df));
    let v: serde_json::Value = serde_json::from_slice(&df.stdout).unwrap();
    assert!(
        v["changes"].as_array().unwrap().iter().any(|c| c["item"]
            .as_str()
            .unwrap_or("")
            .contains("zz-guichet-test-package")
            && c["kind"] == "added"),
        "{v}"
    );
    let table = guichet(
        d.path(),
        &["inventory", "diff", "latest", file.to_str().unwrap()],
    );
    assert!(stdout(&table).contains("zz-guichet-test-package"));
}

#[test]
fn errors_are_json_on_stderr_with_a_code_when_asked() {
    let d = tempfile::tempdir().unwrap();
    let o = guichet(d.path(), &["--json", "inventory", "--categories", "bogus"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_str(stderr(&o).trim()).expect("JSON error");
    assert_eq!(v["error"]["code"], "usage");
    assert!(v["error"]["message"].as_str().unwrap().contains("bogus"));

    let o = guichet(d.path(), &["--json", "inventory", "diff", "7", "8"]);
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_str(stderr(&o).trim()).unwrap();
    assert_eq!(v["error"]["code"], "not_found");

    let o = guichet(d.path(), &["inventory", "--timeout", "-1"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_tiny_timeout_still_yields_an_inventory_with_errors_not_a_failure() {
    let d = tempfile::tempdir().unwrap();
    let o = guichet(
        d.path(),
        &["inventory", "--format", "json", "--timeout", "0.000001"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["categories"].as_array().unwrap().len(), 15);
    // Whatever did not finish is recorded, kind timed_out.
    let errors = v["errors"].as_array().unwrap();
    let collected = [
        "os",
        "machine",
        "cpus",
        "memory",
        "storage",
        "volumes",
        "network",
        "controllers",
        "usb",
        "monitors",
        "batteries",
        "users",
        "software",
        "security",
        "virtualization",
    ]
    .iter()
    .filter(|c| !v[**c].is_null() && v[**c] != serde_json::json!([]))
    .count();
    assert!(
        errors.iter().any(|e| e["kind"] == "timed_out") || collected > 0,
        "{errors:?}"
    );
}

#[test]
fn two_agents_saving_at_once_into_one_fresh_store_both_succeed() {
    let d = tempfile::tempdir().unwrap();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_guichet"))
            .arg("--data-dir")
            .arg(d.path())
            .args([
                "inventory",
                "--save",
                "--categories",
                "os,memory",
                "--output",
                "/dev/null",
            ])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children: Vec<_> = (0..4).map(|_| spawn()).collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let h = guichet(d.path(), &["--json", "inventory", "history"]);
    let list: serde_json::Value = serde_json::from_slice(&h.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 4);
    let ids: std::collections::BTreeSet<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["deviceid"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 1, "all runs agree on one device id");
}
