//! "Queued" means on disk: before `guichet ticket new` tells the user the ticket is queued, the
//! attachment's blob is synced, renamed into place and its folder synced, and SQLite's WAL is
//! synced with the commit (`synchronous=FULL`; under NORMAL a power cut can drop the last
//! commits). Shown with `strace` (installed by scripts/setup.sh), as an admin would check it.

use std::process::Command;

/// Index of the first line at or after `from` that satisfies `pred`.
fn find(lines: &[&str], from: usize, what: &str, pred: impl Fn(&str) -> bool) -> usize {
    lines[from..]
        .iter()
        .position(|l| pred(l))
        .map(|i| i + from)
        .unwrap_or_else(|| panic!("no {what} after line {from} in:\n{}", lines.join("\n")))
}

#[test]
fn queued_is_printed_only_after_the_blob_its_folder_and_the_wal_are_synced() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("journal.txt");
    std::fs::write(&file, "disk error at 10:02\n".repeat(100)).unwrap();
    let trace = dir.path().join("trace");
    let bin = env!("CARGO_BIN_EXE_guichet");
    // A first ticket creates the database and its WAL, and a store held open here (as the
    // app would hold it) keeps that WAL in place: the traced ticket is then a plain commit
    // appended to it, where only `synchronous=FULL` syncs (a fresh WAL is synced anyway).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let held = runtime.block_on(guichet_store::Store::open(&data)).unwrap();
    let first = Command::new(bin)
        .args(["ticket", "new", "--title", "first", "--body", "b"])
        .env("GUICHET_DATA_DIR", &data)
        .output()
        .unwrap();
    assert!(first.status.success(), "{first:?}");
    let out = Command::new("strace")
        .args([
            "-f",
            "-y",
            "-e",
            "trace=fsync,fdatasync,rename,renameat,renameat2,write",
            "-o",
        ])
        .arg(&trace)
        .arg(bin)
        .args([
            "ticket",
            "new",
            "--title",
            "Disque plein",
            "--body",
            "b",
            "--attach",
        ])
        .arg(&file)
        .env("GUICHET_DATA_DIR", &data)
        .output()
        .expect("strace (package strace, installed by scripts/setup.sh)");
    assert!(out.status.success(), "{out:?}");
    drop(held);
    let text = std::fs::read_to_string(&trace).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.contains("eventfd")).collect();

    let blob_sync = find(&lines, 0, "fsync of the blob", |l| {
        l.contains("fsync(") && l.contains("/blobs/") && l.contains(".tmp-")
    });
    let rename = find(&lines, blob_sync, "rename into place", |l| {
        l.contains("rename") && l.contains(".tmp-")
    });
    let dir_sync = find(&lines, rename, "fsync of the blob's folder", |l| {
        l.contains("fsync(") && l.trim_end().ends_with("= 0") && {
            let path = l.split('<').nth(1).unwrap_or("");
            path.contains("/blobs/") && !path.contains(".tmp-") && path.len() < 80
        }
    });
    let wal_sync = find(&lines, dir_sync, "sync of the WAL", |l| {
        (l.contains("fsync(") || l.contains("fdatasync(")) && l.contains("guichet.db-wal>")
    });
    let queued = find(&lines, 0, "the word queued", |l| {
        l.contains("write(2") && l.contains("queued")
    });
    assert!(
        wal_sync < queued,
        "the WAL is synced (line {wal_sync}) before `queued` is printed (line {queued}):\n{}",
        lines.join("\n")
    );
}
