//! End to end: the sync engine with [`GlpiConnector`] against the GLPI emulator. Tickets created
//! offline reach GLPI exactly once, lost answers do not duplicate, technicians' public
//! follow-ups come back (private ones never do), the knowledge base follows creations, edits
//! and deletions, refused credentials stop the pass, transient failures are retried, and
//! inventories go full then partial without sending the same snapshot twice.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

use chrono::{DateTime, TimeZone, Utc};
use guichet_glpi::*;
use guichet_glpi_emulator::{seed, Emulator, EmulatorConfig, FaultKind};
use guichet_inventory::{Inventory, OperatingSystem, Software};
use guichet_store::{
    DescriptionFormat, InventoryMode, NewTicket, ReplySide, Store, TicketFields, TicketState,
    DEFAULT_ATTACHMENT_LIMIT,
};
use guichet_sync::{Engine, MemoryKb, RetryPolicy, Stop};
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

async fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    (dir, store)
}

fn new_ticket(n: u128) -> NewTicket {
    NewTicket {
        id: Uuid::from_u128(n),
        fields: TicketFields {
            title: format!("Problem {n}"),
            description: "details".into(),
            description_format: DescriptionFormat::Text,
            category: Some("Hardware".into()),
            urgency: 3,
            requester: "alice".into(),
        },
        snapshot_uuid: None,
        attachments: vec![],
        draft: false,
    }
}

fn connector_for(base_url: &str, user_token: &str) -> GlpiConnector {
    let http = http_client(Timeouts {
        request: Duration::from_millis(1500),
        connect: Duration::from_secs(1),
    })
    .unwrap();
    let rest = RestClient::v1(
        http.clone(),
        V1Config {
            base_url: base_url.into(),
            app_token: Some(Secret::new("app-token-0123456789")),
            auth: V1Auth::UserToken(Secret::new(user_token)),
        },
    );
    let inventory = InventoryClient::new(
        http,
        InventoryConfig {
            url: format!("{base_url}/front/inventory.php"),
            agent_id: Uuid::from_u128(0xabc),
            agent_name: "Guichet".into(),
            agent_version: "0.1.0".into(),
            compression: Compression::Zlib,
            oauth: None,
        },
    );
    GlpiConnector::new(rest, Some(inventory))
}

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::default()).await.unwrap()
}

/// A port nothing listens on: connection refused, i.e. offline.
fn offline_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn ticket_created_offline_reaches_glpi_exactly_once() {
    let (_d, store) = store().await;
    store
        .create_ticket(&new_ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let kb = MemoryKb::new();

    let offline = connector_for(&offline_url(), seed::USER_TOKEN);
    let r = Engine::new(&store, &offline, Some(&kb), POLICY)
        .pass(at(1), &mut rng())
        .await
        .unwrap();
    assert!(matches!(r.stopped, Some(Stop::Offline(_))), "{r:?}");
    assert_eq!(store.outbox().await.unwrap().len(), 1);

    let emu = emulator().await;
    let glpi = connector_for(&emu.base_url(), seed::USER_TOKEN);
    let engine = Engine::new(&store, &glpi, Some(&kb), POLICY);
    let r = engine.pass(at(2), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1, "{r:?}");
    assert!(store.outbox().await.unwrap().is_empty());
    let t = store.ticket(Uuid::from_u128(1)).await.unwrap();
    let remote: i64 = t.remote_id.as_deref().unwrap().parse().unwrap();
    assert_eq!(t.remote_status.as_deref(), Some("new"));
    let hardware = emu.itil_category("Hardware").unwrap();
    {
        let st = emu.state();
        assert_eq!(st.tickets.len(), 1);
        let gt = &st.tickets[&remote];
        assert!(
            gt.content
                .contains(&format!("<!-- guichet:{} -->", Uuid::from_u128(1))),
            "{}",
            gt.content
        );
        // The category is a GLPI field now; the requester is the connected account, GLPI's
        // own requester, with no line of text (the ticket was filed here, not relayed).

        assert_eq!(gt.itilcategories_id, hardware);
        assert_eq!((gt.ticket_type, gt.urgency), (1, 3));
        assert!(!gt.content.contains("Category:"), "{}", gt.content);
        assert!(!gt.content.contains("Requester:"), "{}", gt.content);
    }
    engine.pass(at(3), &mut rng()).await.unwrap();
    assert_eq!(emu.state().tickets.len(), 1);
    assert_eq!(emu.requests("POST", "/apirest.php/Ticket"), 1);
}

#[tokio::test]
async fn answer_lost_between_server_commit_and_local_commit_does_not_duplicate() {
    let (_d, store) = store().await;
    store
        .create_ticket(&new_ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let emu = emulator().await;
    let glpi = connector_for(&emu.base_url(), seed::USER_TOKEN);
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &glpi, Some(&kb), POLICY);

    emu.inject(
        "/apirest.php/Ticket",
        Some("POST"),
        FaultKind::DropAfterAct,
        1,
    );
    let r = engine.pass(at(1), &mut rng()).await.unwrap();
    assert_eq!(r.deferred.len(), 1, "{r:?}");
    assert_eq!(emu.state().tickets.len(), 1, "GLPI has it, we do not know");
    assert!(store
        .ticket(Uuid::from_u128(1))
        .await
        .unwrap()
        .remote_id
        .is_none());

    let r = engine.pass(at(7200), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1, "{r:?}");
    let id = {
        let st = emu.state();
        assert_eq!(
            st.tickets.len(),
            1,
            "found by externalid, not created again"
        );
        *st.tickets.keys().next().unwrap()
    };
    let t = store.ticket(Uuid::from_u128(1)).await.unwrap();
    assert_eq!(t.remote_id, Some(id.to_string()));

    // Same for a process killed after GLPI created the ticket but before anything was stored:
    // the ticket exists remotely, the outbox still holds the entry.
    store
        .create_ticket(&new_ticket(2), DEFAULT_ATTACHMENT_LIMIT, at(7201))
        .await
        .unwrap();
    glpi.rest()
        .ensure_ticket(&TicketDraft {
            uuid: Uuid::from_u128(2),
            title: "Problem 2".into(),
            content: "details".into(),
            kind: TicketType::Incident,
            urgency: 3,
            itilcategories_id: None,
        })
        .await
        .unwrap();
    let r = engine.pass(at(7202), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1);
    assert_eq!(emu.state().tickets.len(), 2);
}

#[tokio::test]
async fn technician_public_followup_comes_back_private_one_never() {
    let (_d, store) = store().await;
    let id = Uuid::from_u128(1);
    store
        .create_ticket(&new_ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let emu = emulator().await;
    let glpi = connector_for(&emu.base_url(), seed::USER_TOKEN);
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &glpi, Some(&kb), POLICY);
    engine.pass(at(1), &mut rng()).await.unwrap();
    let remote: i64 = store
        .ticket(id)
        .await
        .unwrap()
        .remote_id
        .unwrap()
        .parse()
        .unwrap();

    emu.tech_followup(remote, "Please restart the printer", false);
    emu.tech_followup(remote, "internal: toner stock low", true);
    emu.tech_set_status(remote, guichet_glpi_emulator::status::ASSIGNED);
    let r = engine.pass(at(2), &mut rng()).await.unwrap();
    assert_eq!(r.replies_pulled, 1, "{r:?}");
    let t = store.ticket(id).await.unwrap();
    assert_eq!(t.remote_status.as_deref(), Some("assigned"));
    let remote_replies: Vec<_> = t
        .replies
        .iter()
        .filter(|r| r.side == ReplySide::Remote)
        .collect();
    assert_eq!(remote_replies.len(), 1);
    assert_eq!(remote_replies[0].body, "Please restart the printer");
    assert!(t.replies.iter().all(|r| !r.body.contains("toner")));

    // Our reply goes out once and is recognised when it comes back.
    store
        .add_reply(id, Uuid::from_u128(21), "alice", "Done, works now", at(3))
        .await
        .unwrap();
    engine.pass(at(4), &mut rng()).await.unwrap();
    engine.pass(at(5), &mut rng()).await.unwrap();
    let t = store.ticket(id).await.unwrap();
    assert_eq!(
        t.replies
            .iter()
            .filter(|r| r.body.contains("works now"))
            .count(),
        1,
        "{:?}",
        t.replies
    );
    assert_eq!(
        emu.state()
            .followups
            .values()
            .filter(|f| f.content.contains("works now"))
            .count(),
        1
    );

    // The solution comes back as a reply and a solved status.
    emu.tech_solve(remote, "Replaced the fuser");
    engine.pass(at(6), &mut rng()).await.unwrap();
    let t = store.ticket(id).await.unwrap();
    assert_eq!(t.remote_status.as_deref(), Some("solved"));
    assert!(t.replies.iter().any(|r| r.body == "Replaced the fuser"));
}

#[tokio::test]
async fn knowledge_base_follows_create_edit_delete() {
    let (_d, store) = store().await;
    let emu = emulator().await;
    let glpi = connector_for(&emu.base_url(), seed::USER_TOKEN);
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &glpi, Some(&kb), POLICY);
    let cat = emu.kb_add_category("Network", 0);
    let a = emu.kb_add("Wi-Fi", "<p>corp</p>", &[cat], true);
    let b = emu.kb_add("VPN", "<p>client</p>", &[], true);
    emu.kb_add("Hidden", "<p>admins</p>", &[], false);
    let r = engine.pass(at(1), &mut rng()).await.unwrap();
    assert_eq!(r.articles_updated, 2, "{r:?}");
    let arts = kb.articles("glpi");
    assert_eq!(arts.len(), 2);
    let wifi = arts
        .iter()
        .find(|(_, x)| x.remote_id == a.to_string())
        .unwrap();
    assert_eq!(wifi.1.category.as_deref(), Some("Network"));

    let r = engine.pass(at(2), &mut rng()).await.unwrap();
    assert_eq!(
        (r.articles_updated, r.articles_deleted),
        (0, 0),
        "nothing changed"
    );

    emu.kb_edit(a, "Wi-Fi (new SSID)", "<p>corp2</p>");
    emu.kb_delete(b);
    let r = engine.pass(at(3), &mut rng()).await.unwrap();
    assert_eq!((r.articles_updated, r.articles_deleted), (1, 1), "{r:?}");
    let arts = kb.articles("glpi");
    assert_eq!(arts.len(), 1);
    assert_eq!(arts[0].1.title, "Wi-Fi (new SSID)");
}

#[tokio::test]
async fn bad_token_stops_the_pass_and_keeps_the_queue() {
    let (_d, store) = store().await;
    store
        .create_ticket(&new_ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let emu = emulator().await;
    let glpi = connector_for(&emu.base_url(), "not-the-token");
    let kb = MemoryKb::new();
    let r = Engine::new(&store, &glpi, Some(&kb), POLICY)
        .pass(at(1), &mut rng())
        .await
        .unwrap();
    match &r.stopped {
        Some(Stop::Auth(m)) => assert!(m.contains("glpi_user_token_refused"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.outbox().await.unwrap().len(), 1);
    assert!(emu.state().tickets.is_empty());
}

#[tokio::test]
async fn transient_failures_are_retried_until_sent_once() {
    for fault in [
        FaultKind::Status(500),
        FaultKind::Status(503),
        FaultKind::TooManyRequests {
            retry_after_secs: 120,
        },
        FaultKind::Hang(Duration::from_secs(4)),
        FaultKind::MalformedJson,
    ] {
        let (_d, store) = store().await;
        store
            .create_ticket(&new_ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
            .await
            .unwrap();
        let emu = emulator().await;
        let glpi = connector_for(&emu.base_url(), seed::USER_TOKEN);
        let kb = MemoryKb::new();
        let engine = Engine::new(&store, &glpi, Some(&kb), POLICY);
        emu.inject("/apirest.php/Ticket", Some("POST"), fault.clone(), 1);
        let r = engine.pass(at(1), &mut rng()).await.unwrap();
        assert_eq!(r.deferred.len(), 1, "{fault:?}: {r:?}");
        if let FaultKind::TooManyRequests { .. } = fault {
            assert_eq!(
                r.deferred[0].retry_at,
                Some(at(121)),
                "Retry-After honoured"
            );
        }
        let r = engine.pass(at(7200), &mut rng()).await.unwrap();
        assert_eq!(r.pushed.len(), 1, "{fault:?}: {r:?}");
        let t = store.ticket(Uuid::from_u128(1)).await.unwrap();
        assert_ne!(t.local_state, TicketState::Failed);
        assert_eq!(emu.state().tickets.len(), 1, "{fault:?}");
    }
}

fn inventory(version: &str) -> Inventory {
    let mut inv = Inventory::new(at(0), "0.1.0");
    inv.os = Some(OperatingSystem {
        hostname: "pc-1".into(),
        ..Default::default()
    });
    inv.software = vec![Software {
        name: "firefox".into(),
        version: Some(version.into()),
        source: "dpkg".into(),
        ..Default::default()
    }];
    inv
}

#[tokio::test]
async fn inventory_full_then_partial_and_a_snapshot_is_sent_once() {
    let (_d, store) = store().await;
    let emu = emulator().await;
    let glpi = connector_for(&emu.base_url(), seed::USER_TOKEN);
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &glpi, Some(&kb), POLICY);
    let deviceid = "pc-1-2026-11-23-09-00-00";

    let s1 = Uuid::from_u128(101);
    store
        .save_snapshot(&inventory("120.0"), deviceid, s1)
        .await
        .unwrap();
    store
        .queue_inventory_push(Uuid::from_u128(201), s1, at(1))
        .await
        .unwrap();
    let r = engine.pass(at(1), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1, "{r:?}");
    assert_eq!(r.pushed[0].remote_id, deviceid);
    {
        let st = emu.state();
        let c = &st.computers[deviceid];
        assert_eq!((c.full_count, c.partial_count), (1, 0));
        assert_eq!(st.agents[deviceid].contacts, 1);
    }

    let last = store
        .last_inventory_push("glpi", deviceid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.mode, InventoryMode::Full);
    assert_eq!(last.contacted_at, at(1));
    assert!(last.next_contact_secs.is_some_and(|s| s > 0), "{last:?}");

    // The same snapshot queued again: nothing is sent at all.
    store
        .queue_inventory_push(Uuid::from_u128(202), s1, at(2))
        .await
        .unwrap();
    engine.pass(at(2), &mut rng()).await.unwrap();
    {
        let st = emu.state();
        let c = &st.computers[deviceid];
        assert_eq!((c.full_count, c.partial_count), (1, 0));
        assert_eq!(st.agents[deviceid].contacts, 1);
    }

    // A newer snapshot with only software changed: partial, also from a new process (a fresh
    // connector with nothing in memory).
    let glpi = connector_for(&emu.base_url(), seed::USER_TOKEN);
    let engine = Engine::new(&store, &glpi, Some(&kb), POLICY);
    let s2 = Uuid::from_u128(102);
    store
        .save_snapshot(&inventory("121.0"), deviceid, s2)
        .await
        .unwrap();
    store
        .queue_inventory_push(Uuid::from_u128(203), s2, at(3))
        .await
        .unwrap();
    engine.pass(at(3), &mut rng()).await.unwrap();
    {
        let st = emu.state();
        let c = &st.computers[deviceid];
        assert_eq!((c.full_count, c.partial_count), (1, 1));
        assert!(c.last_partial_categories.contains(&"softwares".to_owned()));
        assert_eq!(c.content["softwares"][0]["version"], "121.0");
    }
    assert_eq!(
        emu.requests("POST", "/front/inventory.php"),
        4,
        "2 contacts + 2 inventories"
    );
    assert_eq!(
        store
            .last_inventory_push("glpi", deviceid)
            .await
            .unwrap()
            .unwrap()
            .mode,
        InventoryMode::Partial
    );
    assert_eq!(
        emu.requests("GET", "/apirest.php/initSession"),
        2,
        "one session per connector, reused across passes"
    );
}

#[tokio::test]
async fn a_knowledge_base_the_account_may_not_read_is_a_notice_and_the_pass_succeeds() {
    let (_d, store) = store().await;
    store
        .create_ticket(&new_ticket(7), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let kb = MemoryKb::new();
    let emu = emulator().await;
    // A profile refused the knowledge base (GLPI answers 403 ERROR_RIGHT_MISSING).
    emu.inject(
        "/apirest.php/KnowbaseItem",
        Some("GET"),
        FaultKind::Status(403),
        1,
    );
    let glpi = connector_for(&emu.base_url(), seed::USER_TOKEN);
    let engine = Engine::new(&store, &glpi, Some(&kb), POLICY);
    let r = engine.pass(at(1), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1, "the ticket still goes: {r:?}");
    assert!(r.errors.is_empty() && r.stopped.is_none(), "{r:?}");
    assert_eq!(r.notices.len(), 1, "{r:?}");
    assert!(r.notices[0].contains("knowledge base"), "{r:?}");
    let status = store.sync_status("glpi").await.unwrap();
    assert!(status.last_error.is_none(), "not a failed pass: {status:?}");
}

/// Published fix-it actions are Documents named `*.guichet-action` linked to an article: those
/// of a new or changed article come with it, each within 256 KiB (a bigger one is left out, not
/// read whole); linking one later, which leaves the article's date as GLPI keeps it, still
/// brings the article back with its files; an unchanged article downloads nothing again.
#[tokio::test]
async fn action_files_linked_to_an_article_come_with_it_within_the_limit() {
    use guichet_sync::Connector as _;
    let emu = emulator().await;
    let glpi = connector_for(&emu.base_url(), seed::USER_TOKEN);
    let a = emu.kb_add("Imprimante", "<p>Relancez.</p>", &[], true);
    let b = emu.kb_add("Wi-Fi", "<p>Oubliez le réseau.</p>", &[], true);
    emu.kb_attach(a, "restart.guichet-action", b"SIGNED");
    emu.kb_attach(a, "notes.txt", b"not an action");
    let huge = emu.kb_attach(a, "huge.guichet-action", &vec![b' '; 300 * 1024]);

    let first = glpi.pull_kb(None).await.unwrap();
    let mut ids: Vec<String> = first.upserts.iter().map(|x| x.remote_id.clone()).collect();
    ids.sort();
    assert_eq!(ids, [a.to_string(), b.to_string()]);
    assert_eq!(
        first.action_files,
        [(a.to_string(), vec![b"SIGNED".to_vec()])].into(),
        "the text file is no action, the huge one is over the limit"
    );
    let huge_path = format!("/apirest.php/Document/{huge}");
    assert_eq!(
        emu.requests("GET", &huge_path),
        1,
        "asked once, not read whole"
    );

    let again = glpi.pull_kb(first.cursor.as_deref()).await.unwrap();
    assert!(again.upserts.is_empty(), "{:?}", again.upserts);
    assert!(again.action_files.is_empty());
    assert_eq!(
        emu.requests("GET", &huge_path),
        1,
        "nothing downloaded again"
    );

    emu.kb_attach(b, "wifi.guichet-action", b"OTHER");
    let third = glpi.pull_kb(again.cursor.as_deref()).await.unwrap();
    let ids: Vec<&str> = third.upserts.iter().map(|x| x.remote_id.as_str()).collect();
    assert_eq!(ids, [b.to_string()]);
    assert_eq!(third.action_files[&b.to_string()], [b"OTHER".to_vec()]);
}
