//! The GLPI client against the GLPI emulator: inventory exchange, tickets, follow-ups, KB,
//! sessions and tokens, API detection, and the error paths (bad tokens, 5xx, 429, timeouts,
//! malformed JSON, dropped answers).

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

use guichet_glpi::*;
use guichet_glpi_emulator::{seed, status, Emulator, EmulatorConfig, FaultKind};
use serde_json::{json, Value};
use std::time::Duration;
use uuid::Uuid;

const EXAMPLE: &str =
    include_str!("../../../third-party/glpi-inventory-format/examples/computer_1.json");

fn http(timeout_ms: u64) -> reqwest::Client {
    http_client(Timeouts {
        request: Duration::from_millis(timeout_ms),
        connect: Duration::from_secs(2),
    })
    .unwrap()
}

async fn emulator(f: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    let mut config = EmulatorConfig::default();
    f(&mut config);
    Emulator::start(config).await.unwrap()
}

fn v1(emu: &Emulator) -> RestClient {
    RestClient::v1(
        http(1500),
        V1Config {
            base_url: emu.base_url(),
            app_token: Some(Secret::new("app-token-0123456789")),
            auth: V1Auth::UserToken(Secret::new(seed::USER_TOKEN)),
        },
    )
}

fn v2(emu: &Emulator) -> RestClient {
    RestClient::v2(
        http(1500),
        V2Config {
            base_url: emu.base_url(),
            client_id: seed::API_CLIENT_ID.into(),
            client_secret: Secret::new(seed::API_CLIENT_SECRET),
            username: seed::USER.into(),
            password: Secret::new(seed::PASSWORD),
        },
    )
}

fn inventory_client(emu: &Emulator, compression: Compression, oauth: bool) -> InventoryClient {
    InventoryClient::new(
        http(3000),
        InventoryConfig {
            url: format!("{}/front/inventory.php", emu.base_url()),
            agent_id: Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0),
            agent_name: "Guichet".into(),
            agent_version: "0.1.0".into(),
            compression,
            oauth: oauth.then(|| InventoryOAuth {
                base_url: emu.base_url(),
                client_id: seed::INVENTORY_CLIENT_ID.into(),
                client_secret: Secret::new(seed::INVENTORY_CLIENT_SECRET),
            }),
        },
    )
}

fn example() -> Value {
    serde_json::from_str(EXAMPLE).unwrap()
}

fn draft(n: u128, title: &str) -> TicketDraft {
    TicketDraft {
        uuid: Uuid::from_u128(n),
        title: title.into(),
        content: format!("{title}: details"),
        kind: TicketType::Incident,
        urgency: 3,
        itilcategories_id: None,
    }
}

#[tokio::test]
async fn inventory_contact_full_then_partial_with_zlib() {
    let emu = emulator(|_| {}).await;
    let client = inventory_client(&emu, Compression::Zlib, false);
    let doc = example();
    let deviceid = doc["deviceid"].as_str().unwrap().to_owned();

    let contact = client
        .contact(&deviceid, &["inventory"], &request_id(1))
        .await
        .unwrap();
    assert_eq!(contact.status, "ok");
    assert_eq!(contact.expiration_hours, Some(24));
    assert!(contact.tasks.as_ref().unwrap().get("inventory").is_some());
    assert_eq!(contact.request_id.as_deref(), Some("00000001"));
    let now = chrono::DateTime::parse_from_rfc3339("2026-01-05T08:00:00Z")
        .unwrap()
        .to_utc();
    assert_eq!(contact.next_contact(now), now + chrono::Duration::hours(24));
    assert_eq!(emu.state().agents[&deviceid].contacts, 1);

    let first = client
        .submit(None, &doc, false, &request_id(2))
        .await
        .unwrap()
        .unwrap();
    assert!(!first.partial);
    {
        let st = emu.state();
        let c = &st.computers[&deviceid];
        assert_eq!((c.full_count, c.partial_count), (1, 0));
        assert_eq!(
            c.agent_id.as_deref(),
            Some("12345678-9abc-def0-1234-56789abcdef0")
        );
    }

    // Only software changed: a partial inventory with softwares and the identity categories.
    let mut changed = doc.clone();
    changed["content"]["softwares"][0]["version"] = json!("99.1");
    let second = client
        .submit(
            Some(&first.accepted_content),
            &changed,
            false,
            &request_id(3),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(second.partial);
    {
        let st = emu.state();
        let c = &st.computers[&deviceid];
        assert_eq!((c.full_count, c.partial_count), (1, 1));
        let mut cats = c.last_partial_categories.clone();
        cats.sort();
        assert_eq!(
            cats,
            [
                "bios",
                "hardware",
                "operatingsystem",
                "softwares",
                "versionclient"
            ]
        );
        assert_eq!(c.content["softwares"][0]["version"], json!("99.1"));
        // Categories not sent are kept by the server.
        assert_eq!(c.content["cpus"], doc["content"]["cpus"]);
    }

    // Nothing changed: nothing is sent.
    let before = emu.requests("POST", "/front/inventory.php");
    let none = client
        .submit(
            Some(&second.accepted_content),
            &changed,
            false,
            &request_id(4),
        )
        .await
        .unwrap();
    assert!(none.is_none());
    assert_eq!(emu.requests("POST", "/front/inventory.php"), before);

    // A forced full inventory is full.
    let forced = client
        .submit(
            Some(&second.accepted_content),
            &changed,
            true,
            &request_id(5),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(!forced.partial);
    assert_eq!(emu.state().computers[&deviceid].full_count, 2);
}

#[tokio::test]
async fn inventory_plain_json_and_removed_category_sends_full() {
    let emu = emulator(|_| {}).await;
    let client = inventory_client(&emu, Compression::None, false);
    let doc = example();
    let first = client
        .submit(None, &doc, false, &request_id(1))
        .await
        .unwrap()
        .unwrap();
    let mut shrunk = doc.clone();
    shrunk["content"]
        .as_object_mut()
        .unwrap()
        .remove("printers");
    let second = client
        .submit(
            Some(&first.accepted_content),
            &shrunk,
            false,
            &request_id(2),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(
        !second.partial,
        "a vanished category cannot be expressed as partial"
    );
    let deviceid = doc["deviceid"].as_str().unwrap();
    assert_eq!(emu.state().computers[deviceid].full_count, 2);
    assert!(emu.state().computers[deviceid]
        .content
        .get("printers")
        .is_none());
}

#[tokio::test]
async fn inventory_oauth_token_fetched_on_401_and_reused() {
    let emu = emulator(|c| c.inventory_requires_oauth = true).await;
    let client = inventory_client(&emu, Compression::Zlib, true);
    let doc = example();
    let deviceid = doc["deviceid"].as_str().unwrap().to_owned();
    client
        .contact(&deviceid, &["inventory"], &request_id(1))
        .await
        .unwrap();
    client
        .submit(None, &doc, false, &request_id(2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        emu.requests("POST", "/api.php/token"),
        1,
        "one token, reused"
    );
    assert_eq!(
        emu.requests("POST", "/front/inventory.php"),
        3,
        "401, then contact, then inventory"
    );

    // Without OAuth credentials the refusal is an authentication error.
    let bare = inventory_client(&emu, Compression::Zlib, false);
    let err = bare
        .contact(&deviceid, &["inventory"], &request_id(3))
        .await
        .unwrap_err();
    assert!(err.is_auth(), "{err:?}");
}

#[tokio::test]
async fn inventory_invalid_document_is_refused() {
    let emu = emulator(|_| {}).await;
    let client = inventory_client(&emu, Compression::Zlib, false);
    let mut doc = example();
    doc["content"]["cpus"] = json!("not an array");
    let err = client
        .submit(None, &doc, false, &request_id(1))
        .await
        .unwrap_err();
    match &err {
        GlpiError::InventoryRefused { status, detail } => {
            assert_eq!(*status, 400);
            assert!(detail.contains("JSON does not validate"), "{detail}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(!err.is_transient());
    assert!(emu.state().computers.is_empty());
    assert_eq!(err.code(), GlpiErrorCode::InventoryRefused);
}

#[tokio::test]
async fn inventory_partial_refused_falls_back_to_full() {
    let emu = emulator(|_| {}).await;
    let client = inventory_client(&emu, Compression::Zlib, false);
    let doc = example();
    let deviceid = doc["deviceid"].as_str().unwrap().to_owned();
    let first = client
        .submit(None, &doc, false, &request_id(1))
        .await
        .unwrap()
        .unwrap();
    emu.forget_computer(&deviceid);
    let mut changed = doc.clone();
    changed["content"]["softwares"][0]["version"] = json!("2.0");
    let sub = client
        .submit(
            Some(&first.accepted_content),
            &changed,
            false,
            &request_id(2),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(sub.fell_back_to_full);
    assert!(!sub.partial);
    assert_eq!(emu.state().computers[&deviceid].full_count, 1);
}

#[tokio::test]
async fn inventory_server_errors_are_transient() {
    let emu = emulator(|_| {}).await;
    let client = inventory_client(&emu, Compression::Zlib, false);
    let doc = example();
    emu.inject("/front/inventory.php", None, FaultKind::Status(503), 1);
    let err = client
        .submit(None, &doc, false, &request_id(1))
        .await
        .unwrap_err();
    assert!(matches!(err, GlpiError::Server { status: 503 }), "{err:?}");
    emu.inject(
        "/front/inventory.php",
        None,
        FaultKind::TooManyRequests {
            retry_after_secs: 7,
        },
        1,
    );
    let err = client
        .submit(None, &doc, false, &request_id(2))
        .await
        .unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert!(emu.state().computers.is_empty());
    client
        .submit(None, &doc, false, &request_id(3))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(emu.state().computers.len(), 1);
}

#[tokio::test]
async fn ticket_created_once_when_the_answer_is_dropped() {
    for api in ["v1", "v2"] {
        let emu = emulator(|_| {}).await;
        let client = if api == "v1" { v1(&emu) } else { v2(&emu) };
        let path = if api == "v1" {
            "/apirest.php/Ticket"
        } else {
            "/Assistance/Ticket"
        };
        emu.inject(path, Some("POST"), FaultKind::DropAfterAct, 1);
        let d = draft(1, "Printer jammed");
        let err = client.ensure_ticket(&d).await.unwrap_err();
        assert!(err.is_transient(), "{api}: {err:?}");
        assert_eq!(
            emu.state().tickets.len(),
            1,
            "{api}: the server did create it"
        );

        let again = client.ensure_ticket(&d).await.unwrap();
        assert!(!again.created, "{api}");
        assert_eq!(emu.state().tickets.len(), 1, "{api}: not created twice");
        let t = client.ticket(again.id).await.unwrap();
        assert_eq!(t.title, "Printer jammed");
        assert_eq!(t.status, TicketStatus::New);
        // The client UUID travels as a hidden marker in the content (GLPI 10 has no
        // `externalid` column), on both APIs.
        assert!(
            emu.state().tickets[&again.id]
                .content
                .contains(&format!("<!-- guichet:{} -->", d.uuid)),
            "{api}"
        );

        let other = client
            .ensure_ticket(&draft(2, "Screen flickers"))
            .await
            .unwrap();
        assert!(other.created);
        assert_ne!(other.id, again.id);
    }
}

#[tokio::test]
async fn tickets_carry_glpi_type_urgency_and_itil_category() {
    for api in ["v1", "v2"] {
        let emu = emulator(|_| {}).await;
        let client = if api == "v1" { v1(&emu) } else { v2(&emu) };
        let printer = emu.itil_category("Printer").unwrap();
        let access = emu.itil_category("Access request").unwrap();
        if api == "v1" {
            // Looked up by name or by path, once per name for the client's life.
            assert_eq!(
                client.itil_category_id("printer").await.unwrap(),
                Some(printer)
            );
            assert_eq!(
                client.itil_category_id("printer").await.unwrap(),
                Some(printer)
            );
            assert_eq!(emu.requests("GET", "/apirest.php/ITILCategory"), 1);
            assert_eq!(
                client.itil_category_id("Hardware > Printer").await.unwrap(),
                Some(printer)
            );
            assert_eq!(client.itil_category_id("Plumbing").await.unwrap(), None);
            assert_eq!(client.login().await.unwrap(), seed::USER);
        } else {
            assert_eq!(client.itil_category_id("Printer").await.unwrap(), None);
            assert_eq!(client.login().await.unwrap(), seed::USER);
        }
        let mut d = draft(1, "Printer jammed");
        d.urgency = 4;
        d.itilcategories_id = (api == "v1").then_some(printer);
        let id = client.ensure_ticket(&d).await.unwrap().id;
        let mut r = draft(2, "Access to the share");
        r.kind = TicketType::Request;
        r.urgency = 1;
        r.itilcategories_id = (api == "v1").then_some(access);
        let rid = client.ensure_ticket(&r).await.unwrap().id;
        let st = emu.state();
        let (t, q) = (&st.tickets[&id], &st.tickets[&rid]);
        assert_eq!((t.ticket_type, t.urgency), (1, 4), "{api}");
        assert_eq!((q.ticket_type, q.urgency), (2, 1), "{api}");
        if api == "v1" {
            assert_eq!(
                (t.itilcategories_id, q.itilcategories_id),
                (printer, access)
            );
        }
    }
}

#[tokio::test]
async fn out_of_range_ticket_fields_are_refused_like_glpi() {
    let emu = emulator(|_| {}).await;
    let client = v1(&emu);
    let mut d = draft(1, "Bad urgency");
    d.urgency = 6;
    let err = client.ensure_ticket(&d).await.unwrap_err();
    assert!(
        matches!(&err, GlpiError::Api { code, .. } if code == "ERROR_GLPI_ADD"),
        "{err:?}"
    );
    let mut d = draft(2, "Unknown category");
    d.itilcategories_id = Some(9999);
    assert!(client.ensure_ticket(&d).await.is_err());
    assert!(emu.state().tickets.is_empty());
    // A request-only category on an incident is dropped, as GLPI does.
    let mut d = draft(3, "Wrong kind");
    d.itilcategories_id = emu.itil_category("Access request");
    let id = client.ensure_ticket(&d).await.unwrap().id;
    assert_eq!(emu.state().tickets[&id].itilcategories_id, 0);
}

#[tokio::test]
async fn only_public_followups_come_back_and_replies_are_sent_once() {
    for api in ["v1", "v2"] {
        let emu = emulator(|_| {}).await;
        let client = if api == "v1" { v1(&emu) } else { v2(&emu) };
        let t = client.ensure_ticket(&draft(1, "VPN down")).await.unwrap();
        emu.tech_followup(t.id, "Please reboot and tell me", false);
        emu.tech_followup(t.id, "internal: user is VIP", true);
        let fups = client.public_followups(t.id).await.unwrap();
        assert_eq!(fups.len(), 1, "{api}");
        assert_eq!(fups[0].content, "Please reboot and tell me");

        let reply = FollowupDraft {
            uuid: Uuid::from_u128(77),
            content: "Rebooted, still down".into(),
        };
        let id1 = client.add_followup(t.id, &reply).await.unwrap();
        let id2 = client.add_followup(t.id, &reply).await.unwrap();
        assert_eq!(id1, id2, "{api}: sent once");
        {
            let st = emu.state();
            let mine: Vec<_> = st
                .followups
                .values()
                .filter(|f| f.content.contains("Rebooted"))
                .collect();
            assert_eq!(mine.len(), 1);
            assert!(!mine[0].is_private);
        }
        let fups = client.public_followups(t.id).await.unwrap();
        let mine = fups.iter().find(|f| f.content == "Rebooted, still down");
        assert_eq!(
            mine.map(|f| f.client_uuid),
            Some(Some(Uuid::from_u128(77))),
            "{api}"
        );
        assert_eq!(fups[0].client_uuid, None, "{api}: technician's follow-up");
        assert!(
            fups.iter().any(|f| f.content == "Rebooted, still down"),
            "{api}: marker stripped"
        );
    }
}

#[tokio::test]
async fn changes_since_cursor_report_status_and_solution() {
    for api in ["v1", "v2"] {
        let emu = emulator(|_| {}).await;
        let client = if api == "v1" { v1(&emu) } else { v2(&emu) };
        let a = client.ensure_ticket(&draft(1, "A")).await.unwrap();
        let b = client.ensure_ticket(&draft(2, "B")).await.unwrap();
        let all = client.tickets_changed_since(None).await.unwrap();
        assert_eq!(
            all.iter().map(|t| t.id).collect::<Vec<_>>(),
            [a.id, b.id],
            "{api}"
        );
        let cursor = all.iter().map(|t| t.date_mod).max();
        assert!(
            client
                .tickets_changed_since(cursor)
                .await
                .unwrap()
                .is_empty(),
            "{api}"
        );

        emu.tech_solve(a.id, "Replaced the toner");
        let changed = client.tickets_changed_since(cursor).await.unwrap();
        assert_eq!(changed.len(), 1, "{api}");
        assert_eq!(changed[0].id, a.id);
        assert_eq!(changed[0].status, TicketStatus::Solved);
        let sols = client.solutions(a.id).await.unwrap();
        assert_eq!(sols.len(), 1);
        assert_eq!(sols[0].content, "Replaced the toner");

        emu.tech_set_status(b.id, status::WAITING);
        let changed = client
            .tickets_changed_since(Some(changed[0].date_mod))
            .await
            .unwrap();
        assert_eq!(
            changed.iter().map(|t| (t.id, t.status)).collect::<Vec<_>>(),
            [(b.id, TicketStatus::Waiting)]
        );
    }
}

#[tokio::test]
async fn kb_create_edit_delete_and_visibility() {
    for api in ["v1", "v2"] {
        let emu = emulator(|c| c.max_range = 2).await;
        let client = if api == "v1" { v1(&emu) } else { v2(&emu) };
        let net = emu.kb_add_category("Network", 0);
        let wifi = emu.kb_add_category("Wi-Fi", net);
        let a = emu.kb_add("Connect to Wi-Fi", "<p>Pick <b>corp</b></p>", &[wifi], true);
        let b = emu.kb_add("Reset password", "<p>Use the portal</p>", &[], true);
        let c = emu.kb_add("Printers", "<p>Ask</p>", &[net], true);
        let hidden = emu.kb_add("Admin only", "secret", &[], false);

        let snap = client.kb_snapshot().await.unwrap();
        assert_eq!(
            snap.articles.keys().copied().collect::<Vec<_>>(),
            [a, b, c],
            "{api}: paged and visible only"
        );
        assert_eq!(snap.articles[&a].categories, [wifi]);
        if api == "v1" {
            assert_eq!(snap.categories[&wifi].path, "Network > Wi-Fi");
        }
        assert!(!snap.articles.contains_key(&hidden));
        let known = snap
            .articles
            .values()
            .map(|x| (x.id, snap.version_of(x)))
            .collect();
        assert_eq!(snap.changes_since(&known), KbChanges::default());

        emu.kb_edit(a, "Connect to Wi-Fi (new SSID)", "<p>Pick <b>corp2</b></p>");
        emu.kb_delete(b);
        emu.kb_set_visible(hidden, true);
        let d = emu.kb_add("VPN", "<p>Install the client</p>", &[net], true);
        let snap2 = client.kb_snapshot().await.unwrap();
        let changes = snap2.changes_since(&known);
        let mut up: Vec<i64> = changes.upserted.iter().map(|x| x.id).collect();
        up.sort();
        assert_eq!(up, [a, hidden, d], "{api}");
        assert_eq!(changes.deleted, [b]);
        assert_eq!(snap2.articles[&a].title, "Connect to Wi-Fi (new SSID)");
    }
}

#[tokio::test]
async fn expired_session_is_renewed_once() {
    let emu = emulator(|_| {}).await;
    let client = v1(&emu);
    let t = client.ensure_ticket(&draft(1, "A")).await.unwrap();
    assert_eq!(emu.requests("GET", "/apirest.php/initSession"), 1);
    emu.expire_sessions();
    client.ticket(t.id).await.unwrap();
    assert_eq!(emu.requests("GET", "/apirest.php/initSession"), 2);
    client.ticket(t.id).await.unwrap();
    assert_eq!(
        emu.requests("GET", "/apirest.php/initSession"),
        2,
        "session reused"
    );
    if let RestClient::V1(c) = &client {
        c.kill_session().await.unwrap();
        assert!(!c.has_session().await);
    }
    assert!(emu.state().sessions.is_empty());
}

#[tokio::test]
async fn expired_token_is_renewed_once() {
    let emu = emulator(|_| {}).await;
    let client = v2(&emu);
    let t = client.ensure_ticket(&draft(1, "A")).await.unwrap();
    emu.expire_tokens();
    client.ticket(t.id).await.unwrap();
    assert_eq!(emu.requests("POST", "/api.php/token"), 2);
    // Past `expires_in` (3600 s) the token is refused and renewed.
    emu.advance(3601);
    client.ticket(t.id).await.unwrap();
    assert_eq!(emu.requests("POST", "/api.php/token"), 3);
}

#[tokio::test]
async fn idle_session_times_out_and_is_renewed() {
    let emu = emulator(|c| c.session_ttl_secs = 600).await;
    let client = v1(&emu);
    let t = client.ensure_ticket(&draft(1, "A")).await.unwrap();
    emu.advance(599);
    client.ticket(t.id).await.unwrap();
    assert_eq!(
        emu.requests("GET", "/apirest.php/initSession"),
        1,
        "still alive"
    );
    emu.advance(601);
    client.ticket(t.id).await.unwrap();
    assert_eq!(emu.requests("GET", "/apirest.php/initSession"), 2);
}

#[tokio::test]
async fn bad_credentials_give_clear_errors() {
    let emu = emulator(|_| {}).await;
    let bad_user = RestClient::v1(
        http(1500),
        V1Config {
            base_url: emu.base_url(),
            app_token: Some(Secret::new("app-token-0123456789")),
            auth: V1Auth::UserToken(Secret::new("wrong")),
        },
    );
    let err = bad_user.authenticate().await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(err.code(), GlpiErrorCode::UserTokenRefused);
    assert_eq!(err.code().as_str(), "glpi_user_token_refused");
    assert!(
        matches!(&err, GlpiError::Api { status: 401, code, .. } if code == "ERROR_GLPI_LOGIN_USER_TOKEN")
    );

    let bad_app = RestClient::v1(
        http(1500),
        V1Config {
            base_url: emu.base_url(),
            app_token: Some(Secret::new("nope")),
            auth: V1Auth::Basic {
                login: seed::USER.into(),
                password: Secret::new(seed::PASSWORD),
            },
        },
    );
    let err = bad_app.authenticate().await.unwrap_err();
    assert!(
        matches!(&err, GlpiError::Api { code, .. } if code == "ERROR_WRONG_APP_TOKEN_PARAMETER")
    );
    assert_eq!(err.code(), GlpiErrorCode::AppTokenRefused);

    let basic = RestClient::v1(
        http(1500),
        V1Config {
            base_url: emu.base_url(),
            app_token: Some(Secret::new("app-token-0123456789")),
            auth: V1Auth::Basic {
                login: seed::USER.into(),
                password: Secret::new(seed::PASSWORD),
            },
        },
    );
    basic.authenticate().await.unwrap();

    let bad_v2 = RestClient::v2(
        http(1500),
        V2Config {
            base_url: emu.base_url(),
            client_id: seed::API_CLIENT_ID.into(),
            client_secret: Secret::new(seed::API_CLIENT_SECRET),
            username: seed::USER.into(),
            password: Secret::new("wrong"),
        },
    );
    let err = bad_v2.authenticate().await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    assert!(format!("{:?}", V1Auth::UserToken(Secret::new("s3cr3t"))).contains("***"));
    assert!(!format!("{:?}", V1Auth::UserToken(Secret::new("s3cr3t"))).contains("s3cr3t"));
}

#[tokio::test]
async fn transient_failures_are_surfaced() {
    let emu = emulator(|_| {}).await;
    let client = v1(&emu);
    let t = client.ensure_ticket(&draft(1, "A")).await.unwrap();
    let path = format!("/apirest.php/Ticket/{}", t.id);

    emu.inject(&path, None, FaultKind::Status(500), 1);
    assert!(matches!(
        client.ticket(t.id).await.unwrap_err(),
        GlpiError::Server { status: 500 }
    ));
    emu.inject(&path, None, FaultKind::Status(503), 1);
    assert!(matches!(
        client.ticket(t.id).await.unwrap_err(),
        GlpiError::Server { status: 503 }
    ));
    emu.inject(
        &path,
        None,
        FaultKind::TooManyRequests {
            retry_after_secs: 30,
        },
        1,
    );
    let err = client.ticket(t.id).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(err.code(), GlpiErrorCode::RateLimited);
    emu.inject(&path, None, FaultKind::Hang(Duration::from_secs(5)), 1);
    let started = std::time::Instant::now();
    assert!(matches!(
        client.ticket(t.id).await.unwrap_err(),
        GlpiError::Timeout
    ));
    assert!(started.elapsed() < Duration::from_secs(4));
    emu.inject(&path, None, FaultKind::MalformedJson, 1);
    let err = client.ticket(t.id).await.unwrap_err();
    assert!(matches!(err, GlpiError::Malformed(_)), "{err:?}");
    assert!(err.is_transient());
    // And then everything works again.
    assert_eq!(client.ticket(t.id).await.unwrap().id, t.id);

    let missing = client.ticket(999_999).await.unwrap_err();
    assert!(
        matches!(&missing, GlpiError::Api { status: 404, code, .. } if code == "ERROR_ITEM_NOT_FOUND")
    );
    assert!(!missing.is_transient());
}

#[tokio::test]
async fn document_upload_links_the_file_to_the_ticket() {
    let emu = emulator(|_| {}).await;
    let client = v1(&emu);
    let t = client
        .ensure_ticket(&draft(1, "Screenshot attached"))
        .await
        .unwrap();
    // Upload after a session expiry: the multipart body is rebuilt for the retry.
    emu.expire_sessions();
    let id = client
        .upload_document(t.id, "screen.png", "image/png", b"\x89PNG fake".to_vec())
        .await
        .unwrap();
    {
        let st = emu.state();
        let doc = &st.documents[&id];
        assert_eq!(doc.filename, "screen.png");
        assert_eq!(doc.mime, "image/png");
        assert_eq!(doc.bytes, b"\x89PNG fake");
        assert_eq!(doc.links, [("Ticket".to_owned(), t.id)]);
    }
    assert_eq!(client.document_names(t.id).await.unwrap(), ["screen.png"]);
    let err = v2(&emu)
        .upload_document(t.id, "a.txt", "text/plain", vec![1])
        .await
        .unwrap_err();
    assert!(matches!(err, GlpiError::Unsupported(_)));
}

#[tokio::test]
async fn followup_documents_are_linked_listed_and_downloaded_within_the_limit() {
    let emu = emulator(|_| {}).await;
    let client = v1(&emu);
    let t = client
        .ensure_ticket(&draft(1, "Log attached to a reply"))
        .await
        .unwrap();
    let f = client
        .add_followup(
            t.id,
            &FollowupDraft {
                uuid: Uuid::from_u128(9),
                content: "Here is the log".into(),
            },
        )
        .await
        .unwrap();
    let before = client.ticket(t.id).await.unwrap().date_mod;
    emu.advance(5);
    let doc = client
        .upload_followup_document(f, "app.log", "text/plain", b"ERROR 42\n".to_vec())
        .await
        .unwrap();
    assert_eq!(
        emu.state().documents[&doc].links,
        [("ITILFollowup".to_owned(), f)],
        "linked to the follow-up, not to the ticket"
    );
    assert!(
        client.ticket(t.id).await.unwrap().date_mod > before,
        "the ticket changed"
    );
    // GLPI lists a ticket's documents with its follow-ups' (`with_documents`).
    assert_eq!(client.document_names(t.id).await.unwrap(), ["app.log"]);
    let docs = client.followup_documents(f).await.unwrap();
    assert_eq!(
        docs,
        [RemoteDocument {
            id: doc,
            filename: "app.log".into(),
            mime: "text/plain".into(),
        }]
    );
    // Session expired: the download renews it once.
    emu.expire_sessions();
    assert_eq!(
        client.download_document(doc, 100).await.unwrap(),
        DocumentFile::Bytes(b"ERROR 42\n".to_vec())
    );
    assert_eq!(
        client.download_document(doc, 4).await.unwrap(),
        DocumentFile::TooLarge(9),
        "over the limit: the announced length, the file left unread"
    );
    assert!(matches!(
        client.download_document(doc + 1000, 100).await,
        Err(GlpiError::Api { status: 404, .. })
    ));
}

#[tokio::test]
async fn api_detection_glpi10_and_glpi11() {
    let emu = emulator(|_| {}).await;
    let h = http(1500);
    let d = detect(&h, &emu.base_url(), true).await.unwrap();
    assert_eq!(
        d,
        ApiDetection {
            v2_offered: true,
            used: ApiVersion::V2
        }
    );
    assert_eq!(d.to_string(), "GLPI API v2 (api.php, OAuth2) (v2 offered)");
    let d = detect(&h, &emu.base_url(), false).await.unwrap();
    assert_eq!(d.used, ApiVersion::V1);

    emu.configure(|c| c.v2_available = false);
    let d = detect(&h, &emu.base_url(), true).await.unwrap();
    assert_eq!(
        d,
        ApiDetection {
            v2_offered: false,
            used: ApiVersion::V1
        }
    );
    assert_eq!(d.to_string(), "GLPI API v1 (apirest.php) (v2 not offered)");

    emu.inject("/api.php/doc.json", None, FaultKind::Status(502), 1);
    assert!(detect(&h, &emu.base_url(), true)
        .await
        .unwrap_err()
        .is_transient());
}
