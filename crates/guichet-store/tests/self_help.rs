//! Self-help in the store: article tags (written, read, replaced), starter articles hidden while
//! the service desk covers their check, deflections counted over a period, the bounded history
//! of diagnoses, and a site machine's last diagnosis from its imported inventory.

use chrono::{DateTime, Duration, TimeZone, Utc};
use guichet_inventory::{Inventory, OperatingSystem};
use guichet_records::{CheckStatus, Diagnosis, Finding, Sentence};
use guichet_store::*;
use uuid::Uuid;

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap()
}

fn article(connector: &str, remote_id: &str, tags: &[&str], version: &str) -> Article {
    Article {
        connector: connector.into(),
        remote_id: remote_id.into(),
        title: format!("Article {remote_id}"),
        summary: Some(format!("About {remote_id}.")),
        body_html: "<p>Body.</p>".into(),
        category: None,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        language: Some("fr".into()),
        updated_at: at(1),
        remote_version: version.into(),
        images: Vec::new(),
    }
}

async fn store() -> (tempfile::TempDir, Store) {
    let d = tempfile::tempdir().unwrap();
    let s = Store::open(d.path()).await.unwrap();
    (d, s)
}

fn diagnosis(day: u32, status: CheckStatus) -> Diagnosis {
    Diagnosis {
        taken_at: at(day),
        elapsed_ms: 300,
        findings: vec![Finding {
            check: "storage.free".into(),
            subject: Some("/".into()),
            status,
            measured: Some(Sentence::new("1 Gio libre", "1 GiB free")),
            threshold: Some(Sentence::new("< 5 Gio", "< 5 GiB")),
            sentence: Sentence::new("Le disque est presque plein.", "The disk is nearly full."),
            fixes: vec!["free-space".into()],
        }],
    }
}

#[tokio::test]
async fn tags_are_cleaned_stored_and_replaced_with_the_article() {
    let (_d, s) = store().await;
    let a = s
        .upsert_article(
            article(
                "rt",
                "7",
                &["Printing.Queues", "printing.jobs", "Imprimante"],
                "1",
            ),
            Uuid::from_u128(1),
        )
        .await
        .unwrap();
    assert_eq!(a.tags, ["printing.jobs", "printing.queues"]);
    assert_eq!(s.article("7").await.unwrap().tags, a.tags);
    let found = s
        .tagged_articles(&["printing.queues".into()])
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].tag.as_str(), found[0].starter),
        ("printing.queues", false)
    );
    // The desk removes a tag: the next pull rewrites the article with its new tags.
    s.upsert_article(
        article("rt", "7", &["printing.jobs"], "2"),
        Uuid::from_u128(2),
    )
    .await
    .unwrap();
    assert!(s
        .tagged_articles(&["printing.queues".into()])
        .await
        .unwrap()
        .is_empty());
    s.delete_article("rt", "7").await.unwrap();
    assert!(s
        .tagged_articles(&["printing.jobs".into()])
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_starter_article_gives_way_to_the_desk_s_and_comes_back_when_it_goes() {
    let (_d, s) = store().await;
    let starters = || {
        vec![
            (
                article(
                    STARTER_CONNECTOR,
                    "storage.free.fr",
                    &["storage.free"],
                    "s1",
                ),
                Uuid::from_u128(10),
            ),
            (
                article(STARTER_CONNECTOR, "cpu.load.fr", &["cpu.load"], "s1"),
                Uuid::from_u128(11),
            ),
        ]
    };
    let done = s.sync_starter_articles(starters()).await.unwrap();
    assert_eq!(
        done,
        StarterSync {
            installed: 2,
            hidden: 0
        }
    );
    let again = s.sync_starter_articles(starters()).await.unwrap();
    assert_eq!(
        again,
        StarterSync::default(),
        "nothing changed, nothing written"
    );

    s.upsert_article(
        article("glpi", "3", &["storage.free"], "1"),
        Uuid::from_u128(3),
    )
    .await
    .unwrap();
    let done = s.sync_starter_articles(starters()).await.unwrap();
    assert_eq!(
        done,
        StarterSync {
            installed: 0,
            hidden: 1
        }
    );
    let found = s
        .tagged_articles(&["storage.free".into(), "cpu.load".into()])
        .await
        .unwrap();
    let found: Vec<(&str, bool)> = found.iter().map(|a| (a.tag.as_str(), a.starter)).collect();
    assert_eq!(found, [("storage.free", false), ("cpu.load", true)]);

    s.delete_article("glpi", "3").await.unwrap();
    let done = s.sync_starter_articles(starters()).await.unwrap();
    assert_eq!(
        done,
        StarterSync {
            installed: 1,
            hidden: 0
        }
    );
    // A starter no longer shipped is removed.
    let done = s
        .sync_starter_articles(starters()[..1].to_vec())
        .await
        .unwrap();
    assert_eq!(
        done,
        StarterSync {
            installed: 0,
            hidden: 1
        }
    );
}

#[tokio::test]
async fn deflections_and_filed_reports_are_counted_since_a_time() {
    let (_d, s) = store().await;
    s.record_deflection(at(2), "old", None).await.unwrap();
    s.record_deflection(at(10), "imprimante bloquée", Some(Uuid::from_u128(5)))
        .await
        .unwrap();
    for (n, draft) in [(1u128, false), (2, true)] {
        let t = NewTicket {
            id: Uuid::from_u128(100 + n),
            fields: TicketFields {
                title: "Écran noir".into(),
                description: "…".into(),
                description_format: DescriptionFormat::Text,
                category: None,
                urgency: 3,
                requester: "marie".into(),
            },
            snapshot_uuid: None,
            attachments: Vec::new(),
            draft,
        };
        s.create_ticket(&t, DEFAULT_ATTACHMENT_LIMIT, at(11))
            .await
            .unwrap();
    }
    let c = s.deflection_counts(at(5)).await.unwrap();
    assert_eq!(
        c,
        DeflectionCounts {
            deflections: 1,
            reports: 1
        },
        "the draft does not count"
    );
    let all = s.deflection_counts(at(1)).await.unwrap();
    assert_eq!(all.deflections, 2);
}

#[tokio::test]
async fn the_last_diagnosis_is_the_latest_taken_and_the_history_is_bounded() {
    let (_d, s) = store().await;
    assert_eq!(s.last_diagnosis().await.unwrap(), None);
    s.save_diagnosis(&diagnosis(5, CheckStatus::Problem))
        .await
        .unwrap();
    // Saved later but taken earlier: not the last one.
    s.save_diagnosis(&diagnosis(3, CheckStatus::Ok))
        .await
        .unwrap();
    assert_eq!(
        s.last_diagnosis().await.unwrap(),
        Some(diagnosis(5, CheckStatus::Problem))
    );
    for day in 6..(6 + DIAGNOSES_KEPT as u32 + 3) {
        let mut d = diagnosis(1, CheckStatus::Warning);
        d.taken_at = at(5) + Duration::hours(i64::from(day));
        s.save_diagnosis(&d).await.unwrap();
    }
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM diagnoses")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(n, DIAGNOSES_KEPT);
    assert_eq!(
        s.last_diagnosis().await.unwrap().unwrap().worst(),
        CheckStatus::Warning
    );
}

/// A diagnosis saved by an earlier Guichet, with `measured` and `threshold` as plain strings,
/// is still the last diagnosis after the upgrade (its values read the same in both languages).
#[tokio::test]
async fn a_diagnosis_stored_with_plain_measured_values_still_reads() {
    let (_d, s) = store().await;
    let old = r#"{"taken_at":"2026-11-05T09:00:00Z","elapsed_ms":300,"findings":[
        {"check":"storage.free","subject":"/","status":"problem","measured":"1 GiB free",
         "threshold":"< 5 GiB","sentence":{"fr":"Plein.","en":"Full."},"fixes":["free-space"]}]}"#;
    sqlx::query("INSERT INTO diagnoses (taken_at, worst, diagnosis) VALUES (?, 'problem', ?)")
        .bind(at(5).to_rfc3339())
        .bind(old)
        .execute(s.pool())
        .await
        .unwrap();
    let d = s.last_diagnosis().await.unwrap().expect("the old row");
    assert_eq!(d.worst(), CheckStatus::Problem);
    let f = &d.findings[0];
    assert_eq!(f.measured, Some(Sentence::same("1 GiB free")));
    assert_eq!(f.threshold, Some(Sentence::same("< 5 GiB")));
}

fn pc(host: &str, day: u32, d: Option<Diagnosis>) -> SiteImport {
    let mut inv = Inventory::new(at(day), "0.1.0");
    inv.os = Some(OperatingSystem {
        hostname: host.into(),
        ..Default::default()
    });
    inv.diagnosis = d;
    SiteImport {
        inventory: inv,
        deviceid: Some(format!("{host}-dev")),
        format: "native".into(),
        source_name: format!("{host}.json"),
    }
}

#[tokio::test]
async fn a_site_machine_keeps_its_last_diagnosis_from_its_inventory() {
    let (_d, s) = store().await;
    let mut n = 0u128;
    let mut next = move || {
        n += 1;
        Uuid::from_u128(n)
    };
    s.site_import(
        &[
            pc("pc-full", 3, Some(diagnosis(3, CheckStatus::Problem))),
            pc("pc-fine", 3, Some(diagnosis(3, CheckStatus::Ok))),
            pc("pc-never", 3, None),
        ],
        None,
        at(4),
        &mut next,
    )
    .await
    .unwrap();
    // A newer inventory without a diagnosis leaves the last one in place.
    s.site_import(&[pc("pc-full", 6, None)], None, at(7), &mut next)
        .await
        .unwrap();
    let machines = s.site_machines(&MachineFilter::default()).await.unwrap();
    let problems: Vec<&str> = machines
        .iter()
        .filter(|m| m.has_problems())
        .map(|m| m.hostname.as_str())
        .collect();
    assert_eq!(problems, ["pc-full"]);
    let full = machines.iter().find(|m| m.hostname == "pc-full").unwrap();
    assert_eq!(full.diagnosis.as_ref().unwrap().taken_at, at(3));
    assert!(machines
        .iter()
        .any(|m| m.hostname == "pc-fine" && m.diagnosis.is_some()));
}
