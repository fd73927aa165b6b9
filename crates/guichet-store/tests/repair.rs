//! Damaged stores: the error at open, `check_store`, and what `repair_store` salvages from a
//! real store file with junk written over pages in its middle, cut short, or with a junk header.

use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};
use guichet_store::{
    check_store, repair_store, Article, DescriptionFormat, NewAttachment, NewTicket, RepairOptions,
    RepairReport, Store, StoreError, TableSalvage, TicketFields, DATABASE_FILE,
    DEFAULT_ATTACHMENT_LIMIT,
};
use uuid::Uuid;

const TICKETS: u128 = 400;

fn at(m: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap() + Duration::minutes(m)
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0xabcd_0000_0000_4000_8000_0000_0000_0000 | n)
}

fn reply_id(n: u128) -> Uuid {
    Uuid::from_u128(0xbbbb_0000_0000_4000_8000_0000_0000_0000 | n)
}

fn ticket(n: u128) -> NewTicket {
    NewTicket {
        id: id(n),
        fields: TicketFields {
            title: format!("Printer {n} on fire"),
            // About a kilobyte each: the tickets spread over a hundred pages.
            description: format!("It smells. {}", "x".repeat(1000)),
            description_format: DescriptionFormat::Text,
            category: Some("hardware".into()),
            urgency: 3,
            requester: "alice".into(),
        },
        snapshot_uuid: None,
        attachments: if n == 1 {
            vec![NewAttachment {
                file_name: "screen.png".into(),
                content_type: "image/png".into(),
                bytes: b"\x89PNG fake".to_vec(),
            }]
        } else {
            vec![]
        },
        draft: false,
    }
}

fn article(n: u32) -> Article {
    Article {
        connector: "rt".into(),
        remote_id: n.to_string(),
        title: format!("Réseau Wi-Fi {n}"),
        summary: None,
        body_html: "<p>Reconnectez le Wi-Fi.</p>".into(),
        category: Some("Réseau".into()),
        tags: Vec::new(),
        language: Some("fr".into()),
        updated_at: at(1),
        remote_version: "v1".into(),
        images: Vec::new(),
    }
}

/// A store with tickets (one with a file), a reply each, their outbox entries, the device id,
/// a setting, cursors of both pull streams, an enrolled peer and articles; closed, so that
/// everything is in the main file.
async fn filled() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    for n in 1..=TICKETS {
        let m = i64::try_from(n).unwrap();
        store
            .create_ticket(&ticket(n), DEFAULT_ATTACHMENT_LIMIT, at(m))
            .await
            .unwrap();
        store
            .add_reply(id(n), reply_id(n), "alice", "Still smells.", at(m))
            .await
            .unwrap();
    }
    store.device_id("pc-42", at(0), 0).await.unwrap();
    store
        .set_setting("connector.kind", "rt", at(0))
        .await
        .unwrap();
    store
        .set_sync_cursor("rt", "tickets", "t-77", at(0))
        .await
        .unwrap();
    store
        .set_sync_cursor("rt", "kb", "k-12", at(0))
        .await
        .unwrap();
    sqlx::query("INSERT INTO bundle_peers VALUES ('site-a', 'abcd', 'x', 'y')")
        .execute(store.pool())
        .await
        .unwrap();
    let batch = (1..=30)
        .map(|n| (article(n), Uuid::from_u128(u128::from(n))))
        .collect();
    store.upsert_articles(batch).await.unwrap();
    // Everything into the main file, whatever connection of the pool closes last.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    dir
}

fn page_size(file: &[u8]) -> usize {
    match u16::from_be_bytes([file[16], file[17]]) {
        1 => 65536,
        n => usize::from(n),
    }
}

/// Writes junk over the whole page holding `needle`.
fn junk_page_holding(db: &Path, needle: &str) {
    let mut file = std::fs::read(db).unwrap();
    let size = page_size(&file);
    let at = file
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .expect("needle in the file");
    let start = at / size * size;
    for (i, b) in file[start..start + size].iter_mut().enumerate() {
        *b = u8::try_from(i * 7 % 251).unwrap();
    }
    std::fs::write(db, file).unwrap();
}

fn table<'a>(report: &'a RepairReport, name: &str) -> &'a TableSalvage {
    report.tables.iter().find(|t| t.table == name).unwrap()
}

#[tokio::test]
async fn a_junk_file_is_a_damaged_store_at_open_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(DATABASE_FILE), "junk\n").unwrap();
    let err = Store::open(dir.path()).await.unwrap_err();
    let StoreError::Damaged { path, reason } = &err else {
        panic!("not Damaged: {err:?}");
    };
    assert_eq!(
        path.as_deref(),
        Some(dir.path().join(DATABASE_FILE).as_path())
    );
    assert_eq!(reason, "file is not a database");
    let check = check_store(dir.path()).await.unwrap();
    assert!(!check.ok);
    assert_eq!(check.problems, vec!["file is not a database".to_string()]);
}

#[tokio::test]
async fn a_healthy_store_checks_ok_and_repairs_losing_nothing() {
    let dir = filled().await;
    let check = check_store(dir.path()).await.unwrap();
    assert!(check.ok, "{:?}", check.problems);
    let report = repair_store(dir.path(), at(0), RepairOptions::default())
        .await
        .unwrap();
    assert!(report.replaced);
    assert_eq!(report.lost(), 0, "{:?}", report.tables);
    assert_eq!(table(&report, "tickets").saved, 400);
    assert!(report.cursors_reset.is_empty());
    assert!(report.missing_blobs.is_empty());
    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(store.tickets().await.unwrap().len(), 400);
    assert_eq!(store.outbox().await.unwrap().len(), 800);
}

#[tokio::test]
async fn junk_over_a_page_of_tickets_loses_only_the_tickets_on_it() {
    let dir = filled().await;
    let db = dir.path().join(DATABASE_FILE);
    junk_page_holding(&db, "Printer 200 on fire");
    let damaged = std::fs::read(&db).unwrap();
    assert!(matches!(
        async { Store::open(dir.path()).await?.tickets().await }.await,
        Err(StoreError::Damaged { .. })
    ));
    let check = check_store(dir.path()).await.unwrap();
    assert!(!check.ok && !check.problems.is_empty());

    let report = repair_store(dir.path(), at(5), RepairOptions::default())
        .await
        .unwrap();
    assert!(report.readable && report.replaced);
    assert_eq!(
        std::fs::read(report.backup.join(DATABASE_FILE)).unwrap(),
        damaged,
        "the backup is the damaged file as it was"
    );
    let tickets = table(&report, "tickets");
    assert!(tickets.lost >= 1 && tickets.lost < 10, "{tickets:?}");
    assert_eq!(tickets.saved + tickets.lost, 400);
    // The replies of the lost tickets go with them; the rest of the replies stay.
    let replies = table(&report, "ticket_replies");
    assert_eq!(replies.orphans, tickets.lost, "{replies:?}");
    assert_eq!(replies.saved, tickets.saved);
    assert_eq!(report.cursors_reset, vec!["tickets".to_string()]);

    let store = Store::open(dir.path()).await.unwrap();
    assert!(check_store(dir.path()).await.unwrap().ok);
    let kept = store.tickets().await.unwrap();
    assert_eq!(kept.len() as u64, tickets.saved);
    assert!(
        !kept.iter().any(|t| t.id == id(200)),
        "ticket 200 was on the junk page"
    );
    let first = store.ticket(id(1)).await.unwrap();
    assert_eq!(first.replies.len(), 1);
    assert_eq!(
        store.blob(&first.attachments[0].blob_id).unwrap(),
        b"\x89PNG fake"
    );
    assert_eq!(
        store.outbox().await.unwrap().len() as u64,
        2 * tickets.saved
    );
    assert_eq!(
        store.device_id("other", at(9), 0).await.unwrap(),
        "pc-42-2026-11-23-09-00-00-00000000"
    );
    assert_eq!(
        store.setting("connector.kind").await.unwrap().as_deref(),
        Some("rt")
    );
    assert_eq!(store.sync_cursor("rt", "tickets").await.unwrap(), None);
    assert_eq!(
        store.sync_cursor("rt", "kb").await.unwrap().as_deref(),
        Some("k-12")
    );
    let peers: i64 = sqlx::query_scalar("SELECT count(*) FROM bundle_peers")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(peers, 1);
    assert_eq!(store.search_articles("reseau", 50).await.unwrap().len(), 30);
}

#[tokio::test]
async fn a_cut_short_file_gives_what_its_first_part_holds() {
    let dir = filled().await;
    let db = dir.path().join(DATABASE_FILE);
    let file = std::fs::read(&db).unwrap();
    std::fs::write(&db, &file[..file.len() / 2]).unwrap();
    assert!(!check_store(dir.path()).await.unwrap().ok);
    let report = repair_store(dir.path(), at(5), RepairOptions::default())
        .await
        .unwrap();
    assert!(report.readable && report.replaced, "{report:?}");
    assert!(
        report.saved() > 0 && report.lost() > 0,
        "{:?}",
        report.tables
    );
    let store = Store::open(dir.path()).await.unwrap();
    assert!(check_store(dir.path()).await.unwrap().ok);
    let kept = store.tickets().await.unwrap().len() as u64;
    assert_eq!(kept, table(&report, "tickets").saved);
}

#[tokio::test]
async fn a_junk_header_saves_nothing_keeps_the_file_and_starts_empty_only_when_asked() {
    let dir = filled().await;
    let db = dir.path().join(DATABASE_FILE);
    let mut file = std::fs::read(&db).unwrap();
    file[..100].fill(b'!');
    std::fs::write(&db, &file).unwrap();

    let report = repair_store(dir.path(), at(5), RepairOptions::default())
        .await
        .unwrap();
    assert!(!report.readable && !report.replaced, "{report:?}");
    assert_eq!(
        report.unreadable_reason.as_deref(),
        Some("file is not a database")
    );
    assert_eq!(std::fs::read(&db).unwrap(), file, "left in place");
    assert_eq!(
        std::fs::read(report.backup.join(DATABASE_FILE)).unwrap(),
        file
    );

    let report = repair_store(dir.path(), at(6), RepairOptions { start_empty: true })
        .await
        .unwrap();
    assert!(!report.readable && report.replaced);
    assert_eq!(
        std::fs::read_dir(dir.path().join("backups"))
            .unwrap()
            .count(),
        2
    );
    let store = Store::open(dir.path()).await.unwrap();
    assert!(store.tickets().await.unwrap().is_empty());
}
