//! Self-help use cases on a real store: suggestions for failing checks and for a title as it
//! is typed (starter articles, the service desk's taking their place, the user's language),
//! the deflection rate, and a report carrying the diagnosis.

use chrono::{DateTime, TimeZone, Utc};
use guichet_core::*;
use guichet_records::{CheckStatus, Diagnosis, Finding, Sentence};
use guichet_store::{Article, DescriptionFormat, Store};
use uuid::Uuid;

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, day, 9, 0, 0).unwrap()
}

fn finding(check: &str, status: CheckStatus) -> Finding {
    Finding {
        check: check.into(),
        subject: (check == "storage.free").then(|| "/home".to_string()),
        status,
        measured: Some(Sentence::new("mesuré", "measured")),
        threshold: None,
        sentence: Sentence::new("Phrase.", format!("Sentence about {check}.")),
        fixes: vec![],
    }
}

fn diagnosis() -> Diagnosis {
    Diagnosis {
        taken_at: at(6),
        elapsed_ms: 500,
        findings: vec![
            finding("cpu.load", CheckStatus::Ok),
            finding("system.reboot", CheckStatus::Warning),
            finding("storage.free", CheckStatus::Problem),
        ],
    }
}

async fn store() -> (tempfile::TempDir, Store) {
    let d = tempfile::tempdir().unwrap();
    let s = Store::open(d.path()).await.unwrap();
    (d, s)
}

fn checks(list: &[ArticleSuggestion]) -> Vec<String> {
    list.iter()
        .map(|s| match &s.why {
            SuggestionReason::Check { check, .. } => check.clone(),
            SuggestionReason::Words { words } => words.join(" "),
        })
        .collect()
}

#[tokio::test]
async fn failing_checks_suggest_starter_articles_until_the_desk_publishes_its_own() {
    let (_d, s) = store().await;
    let fr = suggest_articles(&s, &diagnosis(), Lang::Fr, 5)
        .await
        .unwrap();
    assert_eq!(
        checks(&fr),
        ["storage.free", "system.reboot"],
        "worst first, ok checks none"
    );
    assert_eq!(fr[0].title, "Mon disque est presque plein");
    assert_eq!(
        fr[0].why,
        SuggestionReason::Check {
            check: "storage.free".into(),
            subject: Some("/home".into())
        }
    );
    let en = suggest_articles(&s, &diagnosis(), Lang::En, 5)
        .await
        .unwrap();
    assert_eq!(en[0].title, "My disk is nearly full");

    // The service desk publishes its article for storage.free (language unknown, as from RT).
    s.upsert_article(
        Article {
            connector: "rt".into(),
            remote_id: "12".into(),
            title: "Disque plein : la procédure maison".into(),
            summary: None,
            body_html: "<p>Appelez le 1234.</p>".into(),
            category: Some("Postes".into()),
            tags: vec!["storage.free".into()],
            language: None,
            updated_at: at(1),
            remote_version: "1".into(),
            images: Vec::new(),
        },
        Uuid::new_v4(),
    )
    .await
    .unwrap();
    let fr = suggest_articles(&s, &diagnosis(), Lang::Fr, 5)
        .await
        .unwrap();
    let titles: Vec<&str> = fr.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Disque plein : la procédure maison",
            "L'ordinateur attend un redémarrage"
        ]
    );
    assert!(
        s.article("storage.free.fr").await.is_err(),
        "the starter is hidden"
    );
}

#[tokio::test]
async fn typing_a_title_finds_articles_by_prefix_in_the_user_s_language() {
    let (_d, s) = store().await;
    install_starter_articles(&s).await.unwrap();
    let fr = suggest_for_title(&s, "imprimante bloq", Lang::Fr, 5)
        .await
        .unwrap();
    assert!(!fr.is_empty());
    assert_eq!(fr[0].title, "Mes impressions sont bloquées");
    assert!(
        !fr[0].excerpt.contains('\n') && !fr[0].excerpt.contains('['),
        "{}",
        fr[0].excerpt
    );
    let SuggestionReason::Words { words } = &fr[0].why else {
        panic!("{:?}", fr[0].why)
    };
    assert!(words.iter().any(|w| w.starts_with("bloq")), "{words:?}");
    let en = suggest_for_title(&s, "printer st", Lang::En, 5)
        .await
        .unwrap();
    assert!(
        en.iter().all(|a| !a.title.contains("imprim")),
        "no French starter for English"
    );
    assert!(
        en.iter().any(|a| a.title == "The printer is stopped"),
        "{en:?}"
    );
    assert!(suggest_for_title(&s, " ?! ", Lang::En, 5)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn the_deflection_rate_counts_thirty_days_of_solved_and_filed_reports() {
    let (_d, s) = store().await;
    assert_eq!(deflection_rate(&s, at(6)).await.unwrap().rate, None);
    record_deflection(&s, at(1), "imprimante bloquée", None)
        .await
        .unwrap();
    record_deflection(&s, at(2), "disque plein", None)
        .await
        .unwrap();
    record_deflection(
        &s,
        Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap(),
        "old",
        None,
    )
    .await
    .unwrap();
    let report = ProblemReport {
        id: Uuid::new_v4(),
        title: "Écran noir".into(),
        description: "Il ne s'allume plus.".into(),
        description_format: DescriptionFormat::Text,
        category: None,
        urgency: 3,
        requester: Some("marie".into()),
        system_info: SystemInfo::None,
        snapshot_id: Uuid::new_v4(),
        attachments: Vec::new(),
        draft: false,
        diagnosis: Some(diagnosis()),
    };
    let filed = file_report(&s, report, at(3)).await.unwrap();
    let rate = deflection_rate(&s, at(6)).await.unwrap();
    assert_eq!((rate.deflections, rate.reports), (2, 1));
    assert!((rate.rate.unwrap() - 2.0 / 3.0).abs() < 1e-9);

    // The report carries the diagnosis section, exactly as previewed, and keeps the diagnosis.
    assert_eq!(
        filed.ticket.description,
        with_diagnosis("Il ne s'allume plus.", &diagnosis())
    );
    assert!(filed
        .ticket
        .description
        .ends_with(&diagnosis_section(&diagnosis())));
    assert!(
        filed
            .ticket
            .description
            .contains("- problem storage.free /home: measured"),
        "{}",
        filed.ticket.description
    );
    assert_eq!(s.last_diagnosis().await.unwrap(), Some(diagnosis()));
}
