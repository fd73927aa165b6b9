//! The site register in the store: duplicate recognition and its precedence, history,
//! unchanged re-imports, filters, the change journal, assets and agent runs.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use guichet_inventory::{Inventory, Machine, Memory, OperatingSystem, Software};
use guichet_store::*;
use uuid::Uuid;

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap()
}

/// A counter of UUIDs, so that ids are deterministic.
fn ids() -> impl FnMut() -> Uuid {
    let mut n = 0u128;
    move || {
        n += 1;
        Uuid::from_u128(n)
    }
}

fn pc(host: &str, serial: Option<&str>, uuid: Option<&str>, day: u32, ram_gib: u64) -> Inventory {
    let mut inv = Inventory::new(at(day), "0.1.0");
    inv.os = Some(OperatingSystem {
        hostname: host.into(),
        full_name: "Debian GNU/Linux 12 (bookworm)".into(),
        name: "Debian GNU/Linux".into(),
        kernel_name: "Linux".into(),
        arch: "x86_64".into(),
        ..Default::default()
    });
    inv.machine = Some(Machine {
        vendor: Some("Dell Inc.".into()),
        model: Some("OptiPlex 7010".into()),
        serial: serial.map(String::from),
        uuid: uuid.map(String::from),
        ..Default::default()
    });
    inv.memory = Some(Memory {
        total_bytes: ram_gib << 30,
        ..Default::default()
    });
    inv.software = vec![Software {
        name: "firefox-esr".into(),
        version: Some("102.15.0esr-1~deb12u1".into()),
        source: "dpkg".into(),
        ..Default::default()
    }];
    inv
}

fn imp(inv: Inventory, deviceid: Option<&str>, name: &str) -> SiteImport {
    SiteImport {
        inventory: inv,
        deviceid: deviceid.map(String::from),
        format: "native".into(),
        source_name: name.into(),
    }
}

async fn store() -> (tempfile::TempDir, Store) {
    let d = tempfile::tempdir().unwrap();
    let s = Store::open(d.path()).await.unwrap();
    (d, s)
}

async fn count(s: &Store, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(s.pool())
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn duplicates_are_recognised_by_deviceid_then_uuid_then_serial() {
    let (_d, s) = store().await;
    let mut next = ids();
    let first = s
        .site_import(
            &[imp(
                pc(
                    "pc-01",
                    Some("SN-A"),
                    Some("4C4C4544-0000-1111-2222-333344445555"),
                    1,
                    8,
                ),
                Some("pc-01-2025"),
                "a.json",
            )],
            Some("Bureau 12"),
            at(20),
            &mut next,
        )
        .await
        .unwrap();
    assert_eq!(first[0].outcome, ImportOutcome::New);
    assert_eq!(first[0].machine.location.as_deref(), Some("Bureau 12"));
    assert_eq!(
        first[0].machine.smbios_uuid.as_deref(),
        Some("4c4c4544-0000-1111-2222-333344445555")
    );

    // Same device id, renamed, new serial (board swapped): still the same machine.
    let r = s
        .site_import(
            &[imp(
                pc("pc-01-new", Some("SN-B"), None, 2, 8),
                Some("pc-01-2025"),
                "b.json",
            )],
            None,
            at(20),
            &mut next,
        )
        .await
        .unwrap();
    assert_eq!(
        (r[0].outcome, r[0].matched_by),
        (ImportOutcome::Merged, Some(MatchKey::DeviceId))
    );
    assert_eq!(r[0].machine.id, first[0].machine.id);
    assert_eq!(r[0].machine.hostname, "pc-01-new");
    assert_eq!(r[0].machine.serial.as_deref(), Some("SN-B"));

    // No device id; the UUID in another case matches.
    let r = s
        .site_import(
            &[imp(
                pc(
                    "x",
                    None,
                    Some("4c4c4544-0000-1111-2222-333344445555"),
                    3,
                    8,
                ),
                None,
                "c.json",
            )],
            None,
            at(20),
            &mut next,
        )
        .await
        .unwrap();
    assert_eq!(r[0].matched_by, Some(MatchKey::SmbiosUuid));
    assert_eq!(r[0].machine.id, first[0].machine.id);

    // The serial alone matches too.
    let r = s
        .site_import(
            &[imp(pc("y", Some("SN-B"), None, 4, 8), None, "d.json")],
            None,
            at(20),
            &mut next,
        )
        .await
        .unwrap();
    assert_eq!(r[0].matched_by, Some(MatchKey::Serial));
    assert_eq!(r[0].machine.snapshot_count, 4);
    assert_eq!(
        s.site_machines(&MachineFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
    // The location set on the first import stays.
    assert_eq!(r[0].machine.location.as_deref(), Some("Bureau 12"));
}

#[tokio::test]
async fn placeholder_serials_never_match() {
    let (_d, s) = store().await;
    let mut next = ids();
    let r = s
        .site_import(
            &[
                imp(
                    pc(
                        "pc-a",
                        Some("To Be Filled By O.E.M."),
                        Some("03000200-0400-0500-0006-000700080009"),
                        1,
                        8,
                    ),
                    None,
                    "a",
                ),
                imp(
                    pc(
                        "pc-b",
                        Some("To Be Filled By O.E.M."),
                        Some("03000200-0400-0500-0006-000700080009"),
                        1,
                        8,
                    ),
                    None,
                    "b",
                ),
            ],
            None,
            at(20),
            &mut next,
        )
        .await
        .unwrap();
    assert_eq!(r[0].outcome, ImportOutcome::New);
    assert_eq!(r[1].outcome, ImportOutcome::New);
    assert_ne!(r[0].machine.id, r[1].machine.id);
    assert_eq!(r[0].machine.serial, None);
    assert_eq!(r[0].machine.smbios_uuid, None);
    // Without any key, the host name is what recognises pc-a again.
    let again = s
        .site_import(
            &[imp(
                pc("PC-A", Some("Default string"), None, 2, 8),
                None,
                "a2",
            )],
            None,
            at(20),
            &mut next,
        )
        .await
        .unwrap();
    assert_eq!(again[0].matched_by, Some(MatchKey::Hostname));
    assert_eq!(again[0].machine.id, r[0].machine.id);
}

#[tokio::test]
async fn the_same_file_twice_is_unchanged_and_writes_nothing() {
    let (_d, s) = store().await;
    let mut next = ids();
    let batch = [imp(pc("pc-01", Some("SN-A"), None, 1, 8), None, "a.json")];
    s.site_import(&batch, None, at(20), &mut next)
        .await
        .unwrap();
    let changes = count(&s, "site_changes").await;
    let r = s
        .site_import(&batch, None, at(21), &mut next)
        .await
        .unwrap();
    assert_eq!(r[0].outcome, ImportOutcome::Unchanged);
    assert_eq!(r[0].snapshot, None);
    assert_eq!(count(&s, "site_snapshots").await, 1);
    assert_eq!(count(&s, "site_changes").await, changes);
}

#[tokio::test]
async fn an_older_file_joins_the_history_without_overwriting_newer_values() {
    let (_d, s) = store().await;
    let mut next = ids();
    s.site_import(
        &[imp(
            pc("pc-new-name", Some("SN-A"), None, 10, 16),
            None,
            "new",
        )],
        None,
        at(20),
        &mut next,
    )
    .await
    .unwrap();
    let r = s
        .site_import(
            &[imp(
                pc("pc-old-name", Some("SN-A"), None, 5, 8),
                None,
                "old",
            )],
            None,
            at(20),
            &mut next,
        )
        .await
        .unwrap();
    let m = &r[0].machine;
    assert_eq!(m.hostname, "pc-new-name");
    assert_eq!(m.ram_bytes, Some(16 << 30));
    assert_eq!(m.first_seen, at(5));
    assert_eq!(m.last_seen, at(10));
    let h = s.site_history(m.id).await.unwrap();
    assert_eq!(
        h.iter().map(|x| x.source_name.as_str()).collect::<Vec<_>>(),
        ["old", "new"]
    );
    let (meta, inv) = s.site_latest_inventory(m.id).await.unwrap();
    assert_eq!(meta.source_name, "new");
    assert_eq!(inv.hostname(), Some("pc-new-name"));
}

#[tokio::test]
async fn filters_by_software_version_os_ram_and_location() {
    let (_d, s) = store().await;
    let mut next = ids();
    let mut newer = pc("pc-02", Some("SN-2"), None, 1, 16);
    newer.software[0].version = Some("115.8.0esr-1~deb12u1".into());
    s.site_import(
        &[
            imp(pc("pc-01", Some("SN-1"), None, 1, 4), None, "1"),
            imp(newer, None, "2"),
        ],
        Some("Accueil"),
        at(20),
        &mut next,
    )
    .await
    .unwrap();
    let list = |f: MachineFilter| {
        let s = s.clone();
        async move {
            s.site_machines(&f)
                .await
                .unwrap()
                .into_iter()
                .map(|m| m.hostname)
                .collect::<Vec<_>>()
        }
    };
    let old_firefox = MachineFilter {
        software: Some("FIREFOX".into()),
        version: Some("<115".parse().unwrap()),
        ..Default::default()
    };
    assert_eq!(list(old_firefox).await, ["pc-01"]);
    let any_firefox = MachineFilter {
        software: Some("firefox".into()),
        ..Default::default()
    };
    assert_eq!(list(any_firefox).await, ["pc-01", "pc-02"]);
    let small = MachineFilter {
        ram_below: Some(8 << 30),
        ..Default::default()
    };
    assert_eq!(list(small).await, ["pc-01"]);
    let elsewhere = MachineFilter {
        location: Some("Atelier".into()),
        ..Default::default()
    };
    assert!(list(elsewhere).await.is_empty());
    let debian = MachineFilter {
        os: Some("debian".into()),
        location: Some("accueil".into()),
        ..Default::default()
    };
    assert_eq!(list(debian).await.len(), 2);
    let summary = s.site_software_summary().await.unwrap();
    assert_eq!(summary[0].name, "firefox-esr");
    assert_eq!(summary[0].machines, 2);
    assert_eq!(
        summary[0].versions,
        ["102.15.0esr-1~deb12u1", "115.8.0esr-1~deb12u1"]
    );
}

#[tokio::test]
async fn a_failing_batch_writes_nothing() {
    let (_d, s) = store().await;
    // Two imports sharing a snapshot UUID: the second insert fails, the first is rolled back.
    let mut same = || Uuid::from_u128(7);
    let err = s
        .site_import(
            &[
                imp(pc("pc-a", Some("SN-A"), None, 1, 8), None, "a"),
                imp(pc("pc-b", Some("SN-B"), None, 1, 8), None, "b"),
            ],
            None,
            at(20),
            &mut same,
        )
        .await;
    assert!(err.is_err());
    assert_eq!(count(&s, "site_machines").await, 0);
    assert_eq!(count(&s, "site_snapshots").await, 0);
    assert_eq!(count(&s, "site_changes").await, 0);
}

#[tokio::test]
async fn machine_references_and_removal_are_journalled() {
    let (_d, s) = store().await;
    let mut next = ids();
    let r = s
        .site_import(
            &[
                imp(pc("pc-01", Some("SN-1"), None, 1, 8), Some("dev-1"), "1"),
                imp(pc("pc-02", Some("SN-2"), None, 1, 8), None, "2"),
            ],
            None,
            at(20),
            &mut next,
        )
        .await
        .unwrap();
    let id = r[0].machine.id;
    assert_eq!(s.site_machine("PC-01").await.unwrap().id, id);
    assert_eq!(s.site_machine("SN-1").await.unwrap().id, id);
    assert_eq!(s.site_machine("dev-1").await.unwrap().id, id);
    assert_eq!(s.site_machine(&id.to_string()).await.unwrap().id, id);
    assert!(matches!(
        s.site_machine("nope").await,
        Err(StoreError::NotFound(_))
    ));
    // Both UUIDs start with 0000: ambiguous.
    assert!(matches!(
        s.site_machine("0000").await,
        Err(StoreError::Ambiguous(_, 2))
    ));
    s.site_remove(id, at(21), Uuid::from_u128(999))
        .await
        .unwrap();
    assert_eq!(
        count(&s, "site_snapshots").await,
        1,
        "history removed with the machine"
    );
    assert_eq!(count(&s, "site_software").await, 1);
    let changes = s.site_changes(0, 100).await.unwrap();
    let ops: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| (c.entity.as_str(), c.op.as_str()))
        .collect();
    assert_eq!(
        ops,
        [
            ("machine", "create"),
            ("machine", "create"),
            ("machine", "delete")
        ]
    );
    assert_eq!(changes[0].payload["serial"], "SN-1");
    assert_eq!(
        changes[0].payload["snapshot"],
        r[0].snapshot.unwrap().to_string()
    );
    assert_eq!(changes[2].uuid, Uuid::from_u128(999));
    assert_eq!(s.site_changes(changes[1].seq, 100).await.unwrap().len(), 1);
}

fn printer() -> NewAsset {
    NewAsset {
        kind: "printer".into(),
        make: Some("HP".into()),
        model: Some("LaserJet M404".into()),
        serial: Some("PHB1234567".into()),
        location: Some("Accueil".into()),
        assigned_user: None,
        status: AssetStatus::InUse,
        purchased_on: NaiveDate::from_ymd_opt(2023, 5, 2),
        warranty_until: NaiveDate::from_ymd_opt(2026, 5, 2),
        notes: None,
    }
}

#[tokio::test]
async fn assets_add_edit_filter_remove_each_journalled() {
    let (_d, s) = store().await;
    let a = s
        .asset_add(&printer(), Uuid::from_u128(1), Uuid::from_u128(2), at(1))
        .await
        .unwrap();
    let mut spare = printer();
    spare.kind = "screen".into();
    spare.serial = Some("CN-0X".into());
    spare.status = AssetStatus::InStock;
    spare.warranty_until = NaiveDate::from_ymd_opt(2028, 1, 1);
    let b = s
        .asset_add(&spare, Uuid::from_u128(3), Uuid::from_u128(4), at(1))
        .await
        .unwrap();
    assert_eq!(s.asset("PHB1234567").await.unwrap().id, a.id);
    assert_eq!(s.asset(&b.id.to_string()).await.unwrap().kind, "screen");

    let ending = AssetFilter {
        warranty_before: NaiveDate::from_ymd_opt(2027, 1, 1),
        ..Default::default()
    };
    assert_eq!(
        s.assets(&ending)
            .await
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect::<Vec<_>>(),
        [a.id]
    );
    let stock = AssetFilter {
        status: Some(AssetStatus::InStock),
        ..Default::default()
    };
    assert_eq!(s.assets(&stock).await.unwrap()[0].id, b.id);

    let patch = AssetPatch {
        status: Some(AssetStatus::Broken),
        assigned_user: Some(Some("zoé".into())),
        notes: Some(Some("bourrage papier".into())),
        warranty_until: Some(None),
        ..Default::default()
    };
    let edited = s
        .asset_edit(a.id, &patch, Uuid::from_u128(5), at(2))
        .await
        .unwrap();
    assert_eq!(edited.status, AssetStatus::Broken);
    assert_eq!(edited.assigned_user.as_deref(), Some("zoé"));
    assert_eq!(edited.warranty_until, None);
    assert_eq!(edited.make.as_deref(), Some("HP"), "untouched field kept");
    assert_eq!(edited.updated_at, at(2));
    assert!(s.assets(&ending).await.unwrap().is_empty());

    s.asset_remove(b.id, Uuid::from_u128(6), at(3))
        .await
        .unwrap();
    assert!(matches!(
        s.asset(&b.id.to_string()).await,
        Err(StoreError::NotFound(_))
    ));
    let changes = s.site_changes(0, 100).await.unwrap();
    let ops: Vec<&str> = changes.iter().map(|c| c.op.as_str()).collect();
    assert_eq!(ops, ["create", "create", "update", "delete"]);
    assert_eq!(changes[2].payload["status"], "broken");
    assert_eq!(changes[2].payload["type"], "printer");
    assert_eq!(changes[3].entity_id, Uuid::from_u128(3));
}

#[tokio::test]
async fn agent_runs_are_recorded_newest_first() {
    let (_d, s) = store().await;
    let first = s.agent_run_start(Uuid::from_u128(1), at(1)).await.unwrap();
    s.agent_run_finish(
        first,
        &RunEnd {
            finished_at: at(1) + chrono::Duration::seconds(4),
            outcome: RunOutcome::Partial,
            snapshot_id: None,
            sync: Some("no connector configured".into()),
            errors: vec!["dmidecode: permission denied".into()],
        },
    )
    .await
    .unwrap();
    s.agent_run_start(Uuid::from_u128(2), at(2)).await.unwrap();
    let runs = s.agent_runs(10).await.unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].outcome, RunOutcome::Running);
    assert_eq!(runs[0].finished_at, None);
    assert_eq!(runs[1].outcome, RunOutcome::Partial);
    assert_eq!(runs[1].errors, ["dmidecode: permission denied"]);
    assert_eq!(runs[1].sync.as_deref(), Some("no connector configured"));
    assert!(matches!(
        s.agent_run_finish(
            42,
            &RunEnd {
                finished_at: at(3),
                outcome: RunOutcome::Ok,
                snapshot_id: None,
                sync: None,
                errors: vec![]
            }
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
}
