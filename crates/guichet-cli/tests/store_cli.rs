//! `guichet store check|repair` through the binary, the one-line error every command gives on a
//! damaged store, and error chains printing each cause once.

use std::path::Path;
use std::process::{Command, Output};

use chrono::Utc;
use guichet_store::{
    DescriptionFormat, NewTicket, Store, TicketFields, DATABASE_FILE, DEFAULT_ATTACHMENT_LIMIT,
};

fn guichet(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(args)
        .env("GUICHET_DATA_DIR", dir)
        .env("USER", "alice")
        .env_remove("GUICHET_LOG")
        .output()
        .expect("running guichet")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// A store of 300 tickets of about a kilobyte each, closed (everything in the main file).
fn filled() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = Store::open(dir.path()).await.unwrap();
        for n in 1..=300u128 {
            let t = NewTicket {
                id: uuid::Uuid::from_u128(0x4000_8000_0000_0000_0000 | n),
                fields: TicketFields {
                    title: format!("Ticket {n} here"),
                    description: "y".repeat(1000),
                    description_format: DescriptionFormat::Text,
                    category: None,
                    urgency: 3,
                    requester: "alice".into(),
                },
                snapshot_uuid: None,
                attachments: vec![],
                draft: false,
            };
            store
                .create_ticket(&t, DEFAULT_ATTACHMENT_LIMIT, Utc::now())
                .await
                .unwrap();
        }
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(store.pool())
            .await
            .unwrap();
        store.close().await;
    });
    dir
}

/// Junk over the page holding `needle`.
fn junk_page_holding(db: &Path, needle: &str) {
    let mut file = std::fs::read(db).unwrap();
    let size = usize::from(u16::from_be_bytes([file[16], file[17]]));
    let at = file
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .unwrap();
    let start = at / size * size;
    file[start..start + size].fill(0xA5);
    std::fs::write(db, file).unwrap();
}

#[test]
fn junk_store_names_check_and_repair() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(DATABASE_FILE);
    std::fs::write(&db, "junk\n").unwrap();
    let out = guichet(dir.path(), &["ticket", "list"]);
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(
        stderr(&out),
        format!(
            "guichet: the local store {} is damaged (file is not a database); run `guichet store check`, then `guichet store repair`\n",
            db.display()
        )
    );
    let out = guichet(dir.path(), &["--json", "kb", "list"]);
    assert_eq!(out.status.code(), Some(7));
    let err: serde_json::Value = serde_json::from_str(&stderr(&out)).unwrap();
    assert_eq!(err["error"]["code"], "store_damaged");

    let out = guichet(dir.path(), &["store", "check"]);
    assert_eq!(out.status.code(), Some(7));
    assert!(
        stdout(&out).contains("file is not a database"),
        "{}",
        stdout(&out)
    );

    // Nothing readable: backed up, left in place, exit 7 saying how to start over.
    let out = guichet(dir.path(), &["store", "repair"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing could be salvaged"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--start-empty"));
    assert_eq!(std::fs::read(&db).unwrap(), b"junk\n");
    let backups = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .count();
    assert_eq!(backups, 1);

    let out = guichet(dir.path(), &["store", "repair", "--start-empty"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("replaced by an empty store"));
    let out = guichet(dir.path(), &["ticket", "list", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_damaged_page_is_found_by_check_and_repair_keeps_the_other_tickets() {
    let dir = filled();
    let db = dir.path().join(DATABASE_FILE);
    junk_page_holding(&db, "Ticket 150 here");

    let out = guichet(dir.path(), &["ticket", "list"]);
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains(&db.display().to_string()));

    let out = guichet(dir.path(), &["store", "check", "--json"]);
    assert_eq!(out.status.code(), Some(7));
    let check: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(check["ok"], false);
    assert!(!check["problems"].as_array().unwrap().is_empty());

    let out = guichet(dir.path(), &["store", "repair", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let backup = Path::new(report["backup"].as_str().unwrap());
    assert!(backup.join(DATABASE_FILE).is_file());
    assert!(backup.starts_with(dir.path().join("backups")));
    let tickets = report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "tickets")
        .unwrap();
    let saved = tickets["saved"].as_u64().unwrap();
    let lost = tickets["lost"].as_u64().unwrap();
    assert!(lost > 0 && saved + lost == 300, "{tickets}");

    let out = guichet(dir.path(), &["store", "check"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).ends_with(": ok\n"));
    let out = guichet(dir.path(), &["ticket", "list", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(list.as_array().unwrap().len() as u64, saved);
    assert!(!stdout(&out).contains("Ticket 150 here"));
}

#[test]
fn store_repair_text_names_the_backup_and_each_table() {
    let dir = filled();
    junk_page_holding(&dir.path().join(DATABASE_FILE), "Ticket 20 here");
    let out = guichet(dir.path(), &["store", "repair"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let backup = text
        .lines()
        .next()
        .unwrap()
        .strip_prefix("backup: ")
        .unwrap();
    assert!(Path::new(backup).join(DATABASE_FILE).is_file(), "{text}");
    assert!(text.lines().any(|l| l.starts_with("tickets ")), "{text}");
    assert!(text.contains("ticket_replies"), "{text}");
    assert!(text.contains("tickets: sync cursor reset"), "{text}");
}

/// A repair replaces the database file: a sync sending from the old one at that moment would
/// mark its entries sent in a file thrown away, and the repaired store would send them again.
#[cfg(target_os = "linux")]
#[test]
fn store_repair_during_a_sync_is_refused_and_changes_nothing() {
    let dir = filled();
    let db = dir.path().join(DATABASE_FILE);
    junk_page_holding(&db, "Ticket 20 here");
    let damaged = std::fs::read(&db).unwrap();
    // A sync in another process holds the store's sync lock (util-linux `flock` takes the same
    // flock(2) lock; `-o` so that killing `flock` releases it).
    let lock = dir.path().join(guichet_store::SYNC_LOCK_FILE);
    std::fs::write(&lock, "4242 2026-12-06T10:00:00+00:00\n").unwrap();
    let mut holder = Command::new("flock")
        .arg("-o")
        .arg(&lock)
        .args(["sleep", "60"])
        .spawn()
        .expect("flock (util-linux)");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::File::open(&lock).unwrap().try_lock().is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "flock never took the lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = guichet(dir.path(), &["store", "repair"]);
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("a sync is running"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("process 4242"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&db).unwrap(),
        damaged,
        "the store is left as it was"
    );
    assert!(
        !dir.path().join("backups").exists()
            || std::fs::read_dir(dir.path().join("backups"))
                .unwrap()
                .next()
                .is_none()
    );

    // Once the sync is over, the same repair goes through.
    let out = guichet(dir.path(), &["store", "repair"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn bundle_import_missing_file_prints_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = guichet(dir.path(), &["bundle", "import", "forged.guichet"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.matches("os error 2").count(), 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
