//! Store behaviour: WAL, device id, snapshots, migrations from an older schema, concurrency.

use std::borrow::Cow;

use chrono::{DateTime, TimeZone, Utc};
use guichet_inventory::{Inventory, Memory, OperatingSystem, Software};
use guichet_store::{SnapshotRef, Store, StoreError, MIGRATOR};
use sqlx::migrate::Migrator;
use uuid::Uuid;

fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap()
}

fn inventory(h: u32, packages: usize) -> Inventory {
    let mut inv = Inventory::new(at(h), "0.1.0");
    inv.os = Some(OperatingSystem {
        hostname: "pc-zoé".into(),
        full_name: "Debian GNU/Linux 12 (bookworm)".into(),
        kernel_name: "Linux".into(),
        name: "Debian GNU/Linux".into(),
        arch: "x86_64".into(),
        ..Default::default()
    });
    inv.memory = Some(Memory {
        total_bytes: 8 << 30,
        ..Default::default()
    });
    inv.software = (0..packages)
        .map(|i| Software {
            name: format!("pkg{i}"),
            version: Some("1.0".into()),
            source: "dpkg".into(),
            ..Default::default()
        })
        .collect();
    inv
}

fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(0x1234_0000_0000_4000_8000_0000_0000_0000 + n)
}

#[tokio::test]
async fn a_new_store_uses_wal_and_applies_every_migration() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let versions = store.schema_versions().await.unwrap();
    let all: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    assert_eq!(versions, all);
    assert!(dir.path().join("guichet.db").exists());
}

#[tokio::test]
async fn device_id_is_created_once_and_then_stable() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let first = store.device_id("pc-01", at(9), 0xab).await.unwrap();
    assert_eq!(first, "pc-01-2026-11-23-09-00-00-000000ab");
    let again = store.device_id("renamed", at(15), 1).await.unwrap();
    assert_eq!(again, first);
    drop(store);
    let reopened = Store::open(dir.path()).await.unwrap();
    assert_eq!(reopened.device_id("x", at(1), 2).await.unwrap(), first);
}

#[tokio::test]
async fn snapshots_round_trip_and_resolve_references() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let a = inventory(8, 1200);
    let b = inventory(9, 1201);
    let ma = store.save_snapshot(&a, "dev-1", uuid(1)).await.unwrap();
    let mb = store.save_snapshot(&b, "dev-1", uuid(2)).await.unwrap();
    assert_eq!((ma.id, mb.id), (1, 2));

    let list = store.snapshots().await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].software_count, 1200);
    assert_eq!(list[1].memory_bytes, Some(8 << 30));
    assert_eq!(list[1].hostname, "pc-zoé");

    let (meta, loaded) = store.snapshot(&SnapshotRef::Id(1)).await.unwrap();
    assert_eq!(meta.uuid, uuid(1));
    assert_eq!(loaded, a);
    let (_, latest) = store.snapshot(&"latest".parse().unwrap()).await.unwrap();
    assert_eq!(latest, b);
    let (_, prev) = store.snapshot(&"latest~1".parse().unwrap()).await.unwrap();
    assert_eq!(prev, a);
    let prefix = uuid(2).to_string();
    let (m, _) = store.snapshot(&prefix.parse().unwrap()).await.unwrap();
    assert_eq!(m.id, 2);

    // The shared prefix of both UUIDs is ambiguous; an unknown id is not found.
    // (A prefix of digits only would read as a local id, so take one with a dash.)
    let shared = uuid(1).to_string()[..13].to_string();
    assert!(matches!(
        store.snapshot(&shared.parse().unwrap()).await,
        Err(StoreError::Ambiguous(_, 2))
    ));
    assert!(matches!(
        store.snapshot(&SnapshotRef::Id(99)).await,
        Err(StoreError::NotFound(_))
    ));
    // The stored document is compressed: 1200 packages of JSON take far less than their text.
    let (len,): (i64,) = sqlx::query_as("SELECT length(document) FROM snapshots WHERE id = 1")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let json_len = serde_json::to_vec(&a).unwrap().len() as i64;
    assert!(len * 4 < json_len, "{len} vs {json_len}");
}

#[tokio::test]
async fn saving_the_same_snapshot_uuid_twice_is_refused_not_duplicated() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    store
        .save_snapshot(&inventory(8, 3), "d", uuid(7))
        .await
        .unwrap();
    assert!(store
        .save_snapshot(&inventory(9, 3), "d", uuid(7))
        .await
        .is_err());
    assert_eq!(store.snapshots().await.unwrap().len(), 1);
}

#[test]
fn bad_snapshot_references_are_explained() {
    let err = "yesterday".parse::<SnapshotRef>().unwrap_err();
    assert!(err.contains("inventory history"), "{err}");
    assert!("latest~x".parse::<SnapshotRef>().is_err());
}

/// The migration set as an older Guichet shipped it: only the first migration.
fn first_migration_only() -> Migrator {
    let mut m = Migrator {
        migrations: Cow::Owned(MIGRATOR.migrations[..1].to_vec()),
        ..Migrator::DEFAULT
    };
    m.set_ignore_missing(false);
    m
}

#[tokio::test]
async fn a_store_created_by_an_older_version_is_upgraded_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let old = first_migration_only();
    let store = Store::open_with(dir.path(), &old).await.unwrap();
    assert_eq!(store.schema_versions().await.unwrap().len(), 1);
    // A snapshot written by the old version, with the old columns only.
    let inv = inventory(7, 2);
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, &serde_json::to_vec(&inv).unwrap()).unwrap();
    sqlx::query(
        "INSERT INTO snapshots (uuid, deviceid, hostname, taken_at, agent_version, software_count, encoding, document)
         VALUES (?, 'dev-old', 'pc-zoé', ?, '0.0.9', 2, 'json+deflate', ?)",
    )
    .bind(uuid(1).to_string())
    .bind(at(7).to_rfc3339())
    .bind(enc.finish().unwrap())
    .execute(store.pool())
    .await
    .unwrap();
    store
        .set_setting("inventory.deviceid", "dev-old", at(7))
        .await
        .unwrap();
    store.close().await;

    let upgraded = Store::open(dir.path()).await.unwrap();
    assert_eq!(
        upgraded.schema_versions().await.unwrap().len(),
        MIGRATOR.iter().count()
    );
    let list = upgraded.snapshots().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].error_count, 0);
    assert_eq!(list[0].content_sha256, None);
    let (_, loaded) = upgraded.snapshot(&SnapshotRef::Id(1)).await.unwrap();
    assert_eq!(loaded, inv);
    assert_eq!(
        upgraded.device_id("new", at(10), 3).await.unwrap(),
        "dev-old"
    );
    // New columns work on the upgraded database.
    let m = upgraded
        .save_snapshot(&inventory(11, 5), "dev-old", uuid(2))
        .await
        .unwrap();
    assert!(m.content_sha256.is_some());
}

#[tokio::test]
async fn a_store_from_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
         VALUES (29991231000000, 'from the future', CURRENT_TIMESTAMP, 1, x'00', 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;
    let err = Store::open(dir.path()).await.unwrap_err();
    assert!(matches!(err, StoreError::TooNew(_)), "{err}");
    assert!(err.to_string().contains("newer version"));
}

#[test]
fn two_writers_opening_one_fresh_store_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let writers: Vec<_> = (0..2u128)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let store = Store::open(&path).await.unwrap();
                    // One machine each: the retention rule thins out one machine's snapshots.
                    for i in 0..25u128 {
                        store
                            .save_snapshot(
                                &inventory(8, 10),
                                &format!("d{w}-{i}"),
                                uuid(w * 1000 + i),
                            )
                            .await
                            .unwrap();
                    }
                    store.close().await;
                });
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::open(&path).await.unwrap();
        assert_eq!(store.snapshots().await.unwrap().len(), 50);
        let (ok,): (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(ok, "ok");
    });
}

/// The scheduled agent saves a snapshot at every run: kept forever, they grew the store (and
/// the memory of every run) without bound.
#[tokio::test]
async fn hourly_snapshots_are_thinned_out_but_the_ones_a_ticket_needs_stay() {
    use guichet_store::{DescriptionFormat, NewTicket, TicketFields, DEFAULT_ATTACHMENT_LIMIT};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 15, 0).unwrap();
    let ticket = NewTicket {
        id: uuid(9000),
        fields: TicketFields {
            title: "Slow since Monday".into(),
            description: "with the system information of that day".into(),
            description_format: DescriptionFormat::Text,
            category: None,
            urgency: 3,
            requester: "alice".into(),
        },
        snapshot_uuid: Some(uuid(5)),
        attachments: vec![],
        draft: false,
    };
    store
        .create_ticket(&ticket, DEFAULT_ATTACHMENT_LIMIT, start)
        .await
        .unwrap();
    // Five days of hourly runs, and another machine's snapshot (a hub's, from a bundle).
    for n in 0..120u32 {
        let mut inv = inventory(0, 20);
        inv.collected_at = start + chrono::Duration::hours(i64::from(n));
        store
            .save_snapshot(&inv, "dev-1", uuid(u128::from(n)))
            .await
            .unwrap();
    }
    store
        .save_snapshot(&inventory(1, 5), "dev-2", uuid(500))
        .await
        .unwrap();

    let kept = store.snapshots().await.unwrap();
    let of_dev1: Vec<_> = kept.iter().filter(|m| m.deviceid == "dev-1").collect();
    // The 10 newest (all on the fifth day), the newest of each of the 4 days before, and the
    // one the ticket refers to.
    assert_eq!(of_dev1.len(), 10 + 4 + 1, "{of_dev1:#?}");
    assert!(
        of_dev1.iter().any(|m| m.uuid == uuid(5)),
        "the ticket's snapshot"
    );
    assert!(of_dev1.iter().any(|m| m.uuid == uuid(119)), "the newest");
    assert!(
        of_dev1.iter().any(|m| m.uuid == uuid(23)),
        "the last of the first day"
    );
    assert!(
        kept.iter().any(|m| m.uuid == uuid(500)),
        "another machine's is its own"
    );
    let (_, inv) = store
        .snapshot(&SnapshotRef::UuidPrefix(uuid(5).to_string()))
        .await
        .unwrap();
    assert_eq!(inv.software.len(), 20);
}
