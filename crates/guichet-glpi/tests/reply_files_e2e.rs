//! Files on replies, end to end against the GLPI emulator: a reply written offline with a file
//! becomes one public follow-up with the file linked to it exactly once (even when GLPI's
//! answer to the upload is lost), and a technician's follow-up brings its file back, a file
//! over the limit being only named. Through GLPI 11's high-level API, which has no documented
//! upload, a reply with files is refused before anything is created.

use chrono::{DateTime, TimeZone, Utc};
use guichet_glpi::*;
use guichet_glpi_emulator::{seed, Emulator, EmulatorConfig, FaultKind};
use guichet_store::{
    DescriptionFormat, NewAttachment, NewTicket, ReplySide, ReplyState, Store, TicketFields,
    DEFAULT_ATTACHMENT_LIMIT,
};
use guichet_sync::{Engine, RetryPolicy, Stop};
use rand::SeedableRng;
use std::time::Duration;
use uuid::Uuid;

const POLICY: RetryPolicy = RetryPolicy {
    base: Duration::from_secs(30),
    max: Duration::from_secs(3600),
    malformed_limit: 3,
    settle: Duration::from_secs(10),
};

fn at(s: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap() + chrono::Duration::seconds(s)
}

fn rng() -> rand::rngs::StdRng {
    rand::rngs::StdRng::seed_from_u64(7)
}

fn connector_for(base_url: &str) -> GlpiConnector {
    let http = http_client(Timeouts {
        request: Duration::from_millis(1500),
        connect: Duration::from_secs(1),
    })
    .unwrap();
    let rest = RestClient::v1(
        http,
        V1Config {
            base_url: base_url.into(),
            app_token: Some(Secret::new("app-token-0123456789")),
            auth: V1Auth::UserToken(Secret::new(seed::USER_TOKEN)),
        },
    );
    GlpiConnector::new(rest, None)
}

/// A port nothing listens on: connection refused, i.e. offline.
fn offline_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

/// A store holding one ticket already on the emulator's GLPI; returns its GLPI id.
async fn sent_ticket(store: &Store, glpi: &GlpiConnector) -> i64 {
    store
        .create_ticket(
            &NewTicket {
                id: Uuid::from_u128(1),
                fields: TicketFields {
                    title: "Scanner jams".into(),
                    description: "details".into(),
                    description_format: DescriptionFormat::Text,
                    category: None,
                    urgency: 3,
                    requester: "alice".into(),
                },
                snapshot_uuid: None,
                attachments: vec![],
                draft: false,
            },
            DEFAULT_ATTACHMENT_LIMIT,
            at(0),
        )
        .await
        .unwrap();
    let r = Engine::new(store, glpi, None, POLICY)
        .pass(at(1), &mut rng())
        .await
        .unwrap();
    assert_eq!(r.pushed.len(), 1, "{r:?}");
    let t = store.ticket(Uuid::from_u128(1)).await.unwrap();
    t.remote_id.unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_reply_with_a_file_written_offline_reaches_glpi_once_despite_a_lost_upload_answer() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let glpi = connector_for(&emu.base_url());
    let remote = sent_ticket(&store, &glpi).await;

    let reply = Uuid::from_u128(21);
    let pdf = b"%PDF-1.4 scanner error report".to_vec();
    store
        .add_reply_with_attachments(
            Uuid::from_u128(1),
            reply,
            "alice",
            "The error report is attached.",
            &[NewAttachment {
                file_name: "report.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: pdf.clone(),
            }],
            DEFAULT_ATTACHMENT_LIMIT,
            at(2),
        )
        .await
        .unwrap();
    let offline = connector_for(&offline_url());
    let r = Engine::new(&store, &offline, None, POLICY)
        .pass(at(3), &mut rng())
        .await
        .unwrap();
    assert!(matches!(r.stopped, Some(Stop::Offline(_))), "{r:?}");

    // Back online: GLPI stores the file but the answer is lost.
    emu.inject(
        "/apirest.php/Document",
        Some("POST"),
        FaultKind::DropAfterAct,
        1,
    );
    let engine = Engine::new(&store, &glpi, None, POLICY);
    let r = engine.pass(at(4), &mut rng()).await.unwrap();
    assert_eq!((r.pushed.len(), r.deferred.len()), (0, 1), "{r:?}");
    let r = engine.pass(at(7200), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1, "{r:?}");
    assert_eq!(
        store.reply(reply).await.unwrap().local_state,
        ReplyState::Sent
    );

    let followups: Vec<i64> = emu
        .state()
        .followups
        .values()
        .filter(|f| f.items_id == remote && f.content.contains("error report"))
        .map(|f| f.id)
        .collect();
    assert_eq!(followups.len(), 1, "one follow-up");
    assert_eq!(
        emu.followup_files(followups[0]),
        vec![("report.pdf".to_string(), pdf)],
        "the file, once, on that follow-up"
    );
    assert_eq!(
        emu.requests("POST", "/apirest.php/Document"),
        1,
        "the retry found the file on the follow-up and did not upload it again"
    );
}

#[tokio::test]
async fn a_technician_file_comes_back_and_a_too_big_one_is_only_named() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let glpi = connector_for(&emu.base_url()).with_file_limit(1000);
    let remote = sent_ticket(&store, &glpi).await;

    let script = b"@echo off\r\nnet stop spooler\r\n".to_vec();
    emu.tech_followup_with_file(remote, "Run this.", "fix.bat", "application/x-bat", &script);
    emu.tech_followup_with_file(
        remote,
        "And read this.",
        "manual.pdf",
        "application/pdf",
        &[b'x'; 4000],
    );
    let engine = Engine::new(&store, &glpi, None, POLICY);
    let r = engine.pass(at(10), &mut rng()).await.unwrap();
    assert!(r.is_complete(), "{r:?}");
    assert_eq!((r.replies_pulled, r.files_pulled), (2, 2), "{r:?}");

    let t = store.ticket(Uuid::from_u128(1)).await.unwrap();
    let run = t.replies.iter().find(|r| r.body == "Run this.").unwrap();
    assert_eq!(run.side, ReplySide::Remote);
    assert_eq!(run.attachments.len(), 1);
    assert_eq!(
        (
            run.attachments[0].file_name.as_str(),
            run.attachments[0].content_type.as_str()
        ),
        ("fix.bat", "application/x-bat")
    );
    assert_eq!(
        store
            .blob(run.attachments[0].blob_id.as_ref().unwrap())
            .unwrap(),
        script
    );
    let read = t
        .replies
        .iter()
        .find(|r| r.body == "And read this.")
        .unwrap();
    assert_eq!(
        (
            read.attachments[0].file_name.as_str(),
            read.attachments[0].size,
            read.attachments[0].blob_id.as_ref()
        ),
        ("manual.pdf", 4000, None),
        "named with its size, not downloaded"
    );

    // Pulled again (the ticket changed): nothing stored twice.
    emu.tech_set_status(remote, guichet_glpi_emulator::status::ASSIGNED);
    let r = engine.pass(at(20), &mut rng()).await.unwrap();
    assert_eq!((r.replies_pulled, r.files_pulled), (0, 0), "{r:?}");
    let t = store.ticket(Uuid::from_u128(1)).await.unwrap();
    assert_eq!(
        t.replies.iter().map(|r| r.attachments.len()).sum::<usize>(),
        2
    );
}

/// GLPI 11's high-level API has no documented upload: a reply with files is refused for good
/// before its follow-up is created, so GLPI never holds the text without its files.
#[tokio::test]
async fn a_reply_with_files_through_the_high_level_api_is_refused_before_anything_is_created() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let v1 = connector_for(&emu.base_url());
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let remote = sent_ticket(&store, &v1).await;
    let http = http_client(Timeouts {
        request: Duration::from_millis(1500),
        connect: Duration::from_secs(1),
    })
    .unwrap();
    let v2 = GlpiConnector::new(
        RestClient::v2(
            http,
            V2Config {
                base_url: emu.base_url(),
                client_id: seed::API_CLIENT_ID.into(),
                client_secret: Secret::new(seed::API_CLIENT_SECRET),
                username: seed::USER.into(),
                password: Secret::new(seed::PASSWORD),
            },
        ),
        None,
    );
    let before = emu.state().followups.len();
    let err = guichet_sync::Connector::push_reply(
        &v2,
        &guichet_sync::OutgoingReply {
            client_uuid: Uuid::from_u128(30),
            ticket_remote_id: remote.to_string(),
            author: "alice".into(),
            body: "With a file".into(),
            attachments: vec![guichet_sync::OutgoingFile {
                file_name: "a.txt".into(),
                content_type: "text/plain".into(),
                bytes: b"a".to_vec(),
            }],
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, guichet_sync::ConnectorError::Permanent { message, .. } if message.contains("files on a reply")),
        "{err:?}"
    );
    assert_eq!(emu.state().followups.len(), before, "no follow-up created");
}
