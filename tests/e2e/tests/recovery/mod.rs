//! The app over a store that is not a database (`echo junk > guichet.db`, the reliability
//! issue's probe, where the app used to crash at start): the recovery screen opens instead,
//! checks the file, backs it up and starts again on an empty store.

use std::path::Path;

use fantoccini::Client;

use super::{click, shot, wait_text};

/// `data` is the app's data folder, whose `guichet.db` holds junk.
pub async fn damaged_store_opens_the_recovery_screen(c: &Client, data: &Path) {
    wait_text(c, "h1", |t| t == "Guichet cannot open its data").await;
    wait_text(c, "#recovery-path", |t| t.ends_with("guichet.db")).await;
    shot(c, "20-recovery").await;

    click(c, "#recovery-check").await;
    wait_text(c, "main", |t| t.contains("found") && !t.contains("(s)")).await;

    click(c, "#recovery-repair").await;
    wait_text(c, "main", |t| {
        t.contains("Nothing could be read from this file")
    })
    .await;
    click(c, "#recovery-start-empty").await;
    wait_text(c, "main", |t| {
        t.contains("Guichet starts again with an empty database") && !t.contains("left as it is")
    })
    .await;
    shot(c, "21-recovery-started-empty").await;

    // The junk is kept in a backup; the store is a database again.
    let fresh = std::fs::read(data.join("guichet.db")).expect("guichet.db");
    assert!(fresh.starts_with(b"SQLite format 3\0"), "a fresh store");
    // One backup by the repair that found nothing readable, one by the start afresh.
    let backups: Vec<_> = std::fs::read_dir(data.join("backups"))
        .expect("backups folder")
        .flatten()
        .collect();
    assert!(!backups.is_empty(), "a backup");
    for b in backups {
        let kept = std::fs::read(b.path().join("guichet.db")).expect("backed-up file");
        assert_eq!(kept, b"junk\n", "the damaged file, as it was");
    }
}
