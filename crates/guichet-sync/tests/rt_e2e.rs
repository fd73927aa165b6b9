//! End to end against a real Request Tracker 5: offline creation, lost answers, replies both
//! ways, the knowledge base, inventory as an asset, wrong credentials.

mod common;

use chrono::Utc;
use common::{connector, later, rt, Local};
use guichet_inventory::{Cpu, Inventory, Machine, Memory, OperatingSystem};
use guichet_store::{ReplySide, ReplyState, TicketState};
use guichet_sync::Stop;
use guichet_testkit::{Fault, FaultProxy, RtServer, Technician};
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread")]
async fn a_ticket_created_offline_reaches_rt_exactly_once() {
    let Some(server) = rt() else { return };
    let proxy = FaultProxy::start(server.url()).unwrap();
    let local = Local::new().await;
    let c = connector(&proxy.url(), RtServer::USER_PASSWORD);

    proxy.set_down(true);
    let id = local.ticket("Offline printer").await;
    let r = local.pass(&c, Utc::now()).await;
    assert!(matches!(r.stopped, Some(Stop::Offline(_))), "{r:?}");
    let q = local.store.outbox().await.unwrap();
    assert_eq!((q.len(), q[0].attempts), (1, 0), "queue untouched");

    proxy.set_down(false);
    let r = local.pass(&c, Utc::now()).await;
    assert!(r.is_complete(), "{r:?}");
    assert_eq!(r.pushed.len(), 1);
    let remote = local.remote_id(id).await.expect("remote id recorded");
    let tech = Technician::new(server);
    assert_eq!(
        tech.tickets_by_client_uuid(&id.to_string()).await.unwrap(),
        vec![remote]
    );
    let t = tech.ticket(remote).await.unwrap();
    assert_eq!(t["Subject"], "Offline printer");
    assert_eq!(t["Requestor"][0]["id"], RtServer::USER);
    assert_eq!(
        local.store.ticket(id).await.unwrap().local_state,
        TicketState::Sent
    );
    // Another pass sends nothing more.
    let r = local.pass(&c, Utc::now()).await;
    assert!(r.pushed.is_empty());
    assert_eq!(proxy.count_exact("POST", "/REST/2.0/ticket"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_killed_between_the_answer_and_the_commit_creates_no_duplicate() {
    let Some(server) = rt() else { return };
    let proxy = FaultProxy::start(server.url()).unwrap();
    let local = Local::new().await;
    let c = connector(&proxy.url(), RtServer::USER_PASSWORD);
    let id = local.ticket("Lost answer").await;
    // RT creates the ticket, the answer never arrives: exactly what a kill after the server's
    // answer and before the local commit leaves behind.
    proxy.push_fault("POST", "/REST/2.0/ticket", Fault::DropResponse);
    let r = local.pass(&c, Utc::now()).await;
    assert_eq!(r.pushed.len(), 0, "{r:?}");
    assert_eq!(r.deferred.len(), 1);
    assert_eq!(local.remote_id(id).await, None);
    let tech = Technician::new(server);
    assert_eq!(
        tech.tickets_by_client_uuid(&id.to_string())
            .await
            .unwrap()
            .len(),
        1
    );

    let r = local.pass(&c, later(1)).await;
    assert_eq!(r.pushed.len(), 1, "{r:?}");
    let found = tech.tickets_by_client_uuid(&id.to_string()).await.unwrap();
    assert_eq!(found.len(), 1, "exactly one RT ticket");
    assert_eq!(local.remote_id(id).await, Some(found[0]));
    assert_eq!(
        proxy.count_exact("POST", "/REST/2.0/ticket"),
        1,
        "the retry found the ticket instead of creating another"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn replies_travel_both_ways_and_comments_stay_internal() {
    let Some(server) = rt() else { return };
    let local = Local::new().await;
    let c = connector(server.url(), RtServer::USER_PASSWORD);
    let id = local.ticket("VPN drops").await;
    local.pass(&c, Utc::now()).await;
    let remote = local.remote_id(id).await.unwrap();

    let tech = Technician::new(server);
    tech.reply(remote, "Which VPN client version?")
        .await
        .unwrap();
    tech.comment(remote, "internal: user is on the old laptop")
        .await
        .unwrap();
    let reply_id = Uuid::new_v4();
    local
        .store
        .add_reply(
            id,
            reply_id,
            "alice",
            "Version 5.1, offline reply",
            Utc::now(),
        )
        .await
        .unwrap();

    let r = local.pass(&c, Utc::now()).await;
    assert!(r.is_complete(), "{r:?}");
    assert_eq!(r.pushed.len(), 1);
    let t = local.store.ticket(id).await.unwrap();
    let remote_replies: Vec<_> = t
        .replies
        .iter()
        .filter(|r| r.side == ReplySide::Remote)
        .collect();
    assert_eq!(remote_replies.len(), 1, "{:?}", t.replies);
    assert_eq!(remote_replies[0].author, "tech");
    assert_eq!(remote_replies[0].body, "Which VPN client version?");
    assert_eq!(t.remote_status.as_deref(), Some("open"));
    let mine = t.replies.iter().find(|r| r.id == reply_id).unwrap();
    assert_eq!(mine.local_state, ReplyState::Sent);
    assert!(!t.replies.iter().any(|r| r.body.contains("internal")));

    // The user's reply is in RT as correspondence, once.
    let history = tech.ticket_history(remote).await.unwrap();
    let txn: u64 = mine.remote_id.as_deref().unwrap().parse().unwrap();
    let h = history
        .iter()
        .find(|h| h["id"].as_str().and_then(|s| s.parse::<u64>().ok()) == Some(txn))
        .expect("reply transaction in RT history");
    assert_eq!(h["Type"], "Correspond");
    assert_eq!(h["Creator"]["id"], RtServer::USER);

    // The technician resolves it: the server wins on status.
    tech.set_status(remote, "resolved").await.unwrap();
    let r = local.pass(&c, Utc::now()).await;
    assert!(r.is_complete(), "{r:?}");
    let t = local.store.ticket(id).await.unwrap();
    assert_eq!(t.remote_status.as_deref(), Some("resolved"));
    assert_eq!(t.replies.len(), 2, "nothing duplicated: {:?}", t.replies);
}

#[tokio::test(flavor = "multi_thread")]
async fn articles_created_edited_and_disabled_in_rt_follow_locally() {
    let Some(server) = rt() else { return };
    let local = Local::new().await;
    let c = connector(server.url(), RtServer::USER_PASSWORD);
    let tech = Technician::new(server);
    let title = format!("Reset VPN {}", Uuid::new_v4());
    let article = tech
        .create_article(&title, "How to reset", "<p>Quit the client.</p>")
        .await
        .unwrap();
    let find = || {
        local
            .kb
            .articles("rt")
            .into_iter()
            .find(|(_, a)| a.remote_id == article.to_string())
    };
    let r = local.pass(&c, Utc::now()).await;
    assert!(r.is_complete(), "{r:?}");
    let (local_id, a) = find().expect("article pulled");
    assert_eq!(a.title, title);
    assert_eq!(a.summary.as_deref(), Some("How to reset"));
    assert_eq!(a.body_html, "<p>Quit the client.</p>");
    assert_eq!(a.category.as_deref(), Some("Guichet KB"));

    tech.update_article(article, "<p>Quit the client, then restart.</p>")
        .await
        .unwrap();
    local.pass(&c, Utc::now()).await;
    let (same_id, a) = find().expect("still there");
    assert_eq!(same_id, local_id);
    assert_eq!(a.body_html, "<p>Quit the client, then restart.</p>");

    tech.disable_article(article).await.unwrap();
    let r = local.pass(&c, Utc::now()).await;
    assert!(r.articles_deleted >= 1, "{r:?}");
    assert!(find().is_none(), "disabled article removed locally");
}

fn inventory(ram_gib: u64) -> Inventory {
    let mut inv = Inventory::new(Utc::now(), "0.1.0");
    inv.os = Some(OperatingSystem {
        hostname: "pc-e2e".into(),
        full_name: "Debian GNU/Linux 12 (bookworm)".into(),
        ..Default::default()
    });
    inv.machine = Some(Machine {
        vendor: Some("Dell Inc.".into()),
        model: Some("OptiPlex 7010".into()),
        serial: Some("SN-E2E-1".into()),
        ..Default::default()
    });
    inv.cpus = vec![Cpu {
        name: "Intel(R) Core(TM) i5-3470".into(),
        ..Default::default()
    }];
    inv.memory = Some(Memory {
        total_bytes: ram_gib << 30,
        ..Default::default()
    });
    inv
}

#[tokio::test(flavor = "multi_thread")]
async fn inventory_becomes_one_rt_asset_updated_on_the_next_sync() {
    let Some(server) = rt() else { return };
    let local = Local::new().await;
    let c = connector(server.url(), RtServer::USER_PASSWORD);
    let deviceid = format!("pc-e2e-{}", Uuid::new_v4());
    let tech = Technician::new(server);
    let mut asset = None;
    for ram in [8u64, 16] {
        let snap = Uuid::new_v4();
        local
            .store
            .save_snapshot(&inventory(ram), &deviceid, snap)
            .await
            .unwrap();
        local
            .store
            .queue_inventory_push(Uuid::new_v4(), snap, Utc::now())
            .await
            .unwrap();
        let r = local.pass(&c, Utc::now()).await;
        assert_eq!(r.pushed.len(), 1, "{r:?}");
        let found = tech.assets_by_cf("DeviceId", &deviceid).await.unwrap();
        assert_eq!(found.len(), 1, "one asset per machine: {found:?}");
        let id: u64 = found[0]["id"].as_str().unwrap().parse().unwrap();
        assert_eq!(*asset.get_or_insert(id), id, "updated, not duplicated");
        let a = tech.asset(id).await.unwrap();
        let cf = |name: &str| {
            a["CustomFields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == name)
                .map(|f| f["values"][0].clone())
                .unwrap()
        };
        assert_eq!(a["Name"], "pc-e2e");
        assert_eq!(cf("RAM"), format!("{} MiB", ram * 1024).as_str());
        assert_eq!(cf("Serial"), "SN-E2E-1");
        assert_eq!(cf("Model"), "Dell Inc. OptiPlex 7010");
        assert_eq!(cf("OS"), "Debian GNU/Linux 12 (bookworm)");
        assert_eq!(cf("CPU"), "1 × Intel(R) Core(TM) i5-3470");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_is_a_clear_error_and_keeps_the_queue() {
    let Some(server) = rt() else { return };
    let local = Local::new().await;
    let c = connector(server.url(), "not-the-password");
    local.ticket("Cannot log in").await;
    let r = local.pass(&c, Utc::now()).await;
    match &r.stopped {
        Some(Stop::Auth(m)) => assert!(m.contains("401"), "{m}"),
        other => panic!("expected an auth stop, got {other:?}"),
    }
    let q = local.store.outbox().await.unwrap();
    assert_eq!((q.len(), q[0].attempts), (1, 0));
    let status = local.store.sync_status("rt").await.unwrap();
    assert!(status.last_error.unwrap().contains("authentication failed"));
    // With the right password it goes.
    let good = connector(server.url(), RtServer::USER_PASSWORD);
    assert_eq!(local.pass(&good, Utc::now()).await.pushed.len(), 1);
}
