//! End to end against a real Request Tracker 5: offline creation, lost answers, replies both
//! ways, the knowledge base, inventory as an asset, wrong credentials.

mod common;

use chrono::Utc;
use common::{connector, later, rt, Local};
use guichet_inventory::{Cpu, Inventory, Machine, Memory, OperatingSystem};
use guichet_store::{
    NewAttachment, OutboxState, ReplySide, ReplyState, TicketState, DEFAULT_ATTACHMENT_LIMIT,
};
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

/// Each fault the network or RT can throw at a ticket's creation: the pass defers the entry
/// (nothing lost, nothing parked), the next pass delivers it, and RT holds exactly one ticket.
#[tokio::test(flavor = "multi_thread")]
async fn faults_on_creation_are_retried_and_never_duplicate_or_lose_the_ticket() {
    let Some(server) = rt() else { return };
    let tech = Technician::new(server);
    let faults = [
        (
            "500",
            Fault::Status {
                code: 500,
                retry_after: None,
            },
        ),
        (
            "503",
            Fault::Status {
                code: 503,
                retry_after: None,
            },
        ),
        (
            "429",
            Fault::Status {
                code: 429,
                retry_after: Some(120),
            },
        ),
        // The connector's timeout is 5 s (common::connector).
        ("hang", Fault::Hang(std::time::Duration::from_secs(8))),
        ("close mid response", Fault::CloseMidResponse),
        ("malformed JSON", Fault::MalformedJson),
    ];
    for (what, fault) in faults {
        let proxy = FaultProxy::start(server.url()).unwrap();
        let local = Local::new().await;
        let c = connector(&proxy.url(), RtServer::USER_PASSWORD);
        let id = local.ticket(&format!("Fault {what}")).await;
        proxy.push_fault("POST", "/REST/2.0/ticket", fault.clone());
        let now = Utc::now();
        let r = local.pass(&c, now).await;
        assert!(r.pushed.is_empty(), "{what}: {r:?}");
        let q = local.store.outbox().await.unwrap();
        assert_eq!(q.len(), 1, "{what}: the entry is kept");
        assert_eq!(q[0].attempts, 1, "{what}");
        assert_eq!(
            q[0].state,
            OutboxState::Pending,
            "{what}: retried, not parked"
        );
        assert!(q[0].last_error.is_some(), "{what}: the error is recorded");
        if what == "429" {
            assert!(
                q[0].next_attempt_at >= now + chrono::Duration::seconds(119),
                "Retry-After honoured: {:?}",
                q[0].next_attempt_at
            );
        }
        assert_eq!(local.remote_id(id).await, None, "{what}");

        let r = local.pass(&c, later(1)).await;
        assert_eq!(
            r.pushed.len(),
            1,
            "{what}: delivered on the next pass: {r:?}"
        );
        let found = tech.tickets_by_client_uuid(&id.to_string()).await.unwrap();
        assert_eq!(found.len(), 1, "{what}: exactly one RT ticket");
        assert_eq!(local.remote_id(id).await, Some(found[0]), "{what}");
        assert!(local.store.outbox().await.unwrap().is_empty(), "{what}");
    }
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

/// Tags: the service desk types check ids into the article custom field "Guichet checks"
/// (seeded by scripts/rt/guichet-seed.pl); the pulled article carries them, cleaned up, and an
/// edit of the field alone comes through on the next pass.
#[tokio::test(flavor = "multi_thread")]
async fn check_ids_typed_in_the_guichet_checks_field_become_the_article_s_tags() {
    let Some(server) = rt() else { return };
    let local = Local::new().await;
    let c = connector(server.url(), RtServer::USER_PASSWORD);
    let tech = Technician::new(server);
    let title = format!("Imprimante bloquée {}", Uuid::new_v4());
    let article = tech
        .create_article(&title, "", "<p>Éteignez puis rallumez l'imprimante.</p>")
        .await
        .unwrap();
    tech.set_article_checks(article, "printing.queues, Printing.Jobs  imprimante")
        .await
        .unwrap();
    let find = || {
        local
            .kb
            .articles("rt")
            .into_iter()
            .find(|(_, a)| a.remote_id == article.to_string())
            .map(|(_, a)| a)
    };
    let r = local.pass(&c, Utc::now()).await;
    assert!(r.is_complete(), "{r:?}");
    let a = find().expect("article pulled");
    assert_eq!(
        a.tags,
        ["printing.jobs", "printing.queues"],
        "check ids only, once each"
    );

    tech.set_article_checks(article, "storage.free")
        .await
        .unwrap();
    local.pass(&c, Utc::now()).await;
    assert_eq!(find().expect("still there").tags, ["storage.free"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn images_an_article_embeds_are_downloaded_for_offline_reading() {
    let Some(server) = rt() else { return };
    let local = Local::new().await;
    let c = connector(server.url(), RtServer::USER_PASSWORD);
    let tech = Technician::new(server);
    // RT serves its own static files: a real image on the server, and a missing one.
    let html = "<p>Look for this icon:</p><img src=\"/static/images/favicon.png\" alt=\"icon\">\
                <img src=\"/static/images/no-such-image.png\">";
    let title = format!("Icon {}", Uuid::new_v4());
    let article = tech.create_article(&title, "", html).await.unwrap();
    let r = local.pass(&c, Utc::now()).await;
    assert!(r.is_complete(), "{r:?}");
    let (_, a) = local
        .kb
        .articles("rt")
        .into_iter()
        .find(|(_, a)| a.remote_id == article.to_string())
        .expect("article pulled");
    assert_eq!(
        a.images.len(),
        1,
        "only the image that exists: {:?}",
        a.images.iter().map(|i| &i.url).collect::<Vec<_>>()
    );
    let img = &a.images[0];
    assert_eq!(img.url, "/static/images/favicon.png");
    assert_eq!(img.content_type, "image/png");
    let on_disk = std::fs::read("/usr/share/request-tracker5/static/images/favicon.png").unwrap();
    assert_eq!(img.bytes, on_disk);
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

/// A reply written offline with a file reaches RT as one correspondence carrying the file,
/// even when RT's answer to the correspondence is lost and the push is retried.
#[tokio::test(flavor = "multi_thread")]
async fn a_reply_with_a_file_reaches_rt_once_with_its_file_despite_a_lost_answer() {
    let Some(server) = rt() else { return };
    let proxy = FaultProxy::start(server.url()).unwrap();
    let local = Local::new().await;
    let c = connector(&proxy.url(), RtServer::USER_PASSWORD);
    let id = local.ticket("Printer log").await;
    local.pass(&c, Utc::now()).await;
    let remote = local.remote_id(id).await.unwrap();

    // Offline: the reply and its file wait in the outbox.
    let reply_id = Uuid::new_v4();
    let log: Vec<u8> = (0u8..=255).cycle().take(3000).collect();
    local
        .store
        .add_reply_with_attachments(
            id,
            reply_id,
            "alice",
            "The printer's log is attached.",
            &[NewAttachment {
                file_name: "printer.log".into(),
                content_type: "application/octet-stream".into(),
                bytes: log.clone(),
            }],
            DEFAULT_ATTACHMENT_LIMIT,
            Utc::now(),
        )
        .await
        .unwrap();
    let path = format!("/REST/2.0/ticket/{remote}/correspond");
    proxy.push_fault("POST", &path, Fault::DropResponse);
    let r = local.pass(&c, Utc::now()).await;
    assert_eq!((r.pushed.len(), r.deferred.len()), (0, 1), "{r:?}");
    let r = local.pass(&c, later(1)).await;
    assert_eq!(r.pushed.len(), 1, "{r:?}");
    assert_eq!(
        proxy.count_exact("POST", &path),
        1,
        "the retry found the correspondence instead of adding another"
    );

    let tech = Technician::new(server);
    let history = tech.ticket_history(remote).await.unwrap();
    let ours: Vec<_> = history
        .iter()
        .filter(|h| h["Type"] == "Correspond" && h["Creator"]["id"] == RtServer::USER)
        .collect();
    assert_eq!(ours.len(), 1, "one correspondence: {ours:?}");
    let txn: u64 = ours[0]["id"].as_str().unwrap().parse().unwrap();
    let mine = local.store.reply(reply_id).await.unwrap();
    assert_eq!(mine.remote_id.as_deref(), Some(txn.to_string().as_str()));
    let files = tech.transaction_files(txn).await.unwrap();
    assert_eq!(
        files,
        vec![("printer.log".to_string(), log)],
        "the file, once"
    );
}

/// The technician's correspondence with a file comes back with the file stored locally; a
/// file over the connector's limit is only named.
#[tokio::test(flavor = "multi_thread")]
async fn a_technician_file_comes_back_and_a_too_big_one_is_only_named() {
    let Some(server) = rt() else { return };
    let local = Local::new().await;
    let c = connector(server.url(), RtServer::USER_PASSWORD).with_file_limit(1000);
    let id = local.ticket("Need the driver").await;
    local.pass(&c, Utc::now()).await;
    let remote = local.remote_id(id).await.unwrap();

    let tech = Technician::new(server);
    let driver = b"#!/bin/sh\necho driver installed\n".to_vec();
    tech.reply_with_file(
        remote,
        "Run this script.",
        "install.sh",
        "text/x-sh",
        &driver,
    )
    .await
    .unwrap();
    let big = vec![b'x'; 5000];
    tech.reply_with_file(remote, "And this manual.", "manual.txt", "text/plain", &big)
        .await
        .unwrap();

    let r = local.pass(&c, Utc::now()).await;
    assert!(r.is_complete(), "{r:?}");
    assert_eq!((r.replies_pulled, r.files_pulled), (2, 2), "{r:?}");
    let t = local.store.ticket(id).await.unwrap();
    let script = t
        .replies
        .iter()
        .find(|r| r.body == "Run this script.")
        .unwrap();
    assert_eq!(script.side, ReplySide::Remote);
    assert_eq!(script.attachments.len(), 1, "{:?}", script.attachments);
    assert_eq!(script.attachments[0].file_name, "install.sh");
    let blob = script.attachments[0].blob_id.as_ref().unwrap();
    assert_eq!(local.store.blob(blob).unwrap(), driver);
    let manual = t
        .replies
        .iter()
        .find(|r| r.body == "And this manual.")
        .unwrap();
    assert_eq!(manual.attachments.len(), 1);
    assert_eq!(
        (
            manual.attachments[0].file_name.as_str(),
            manual.attachments[0].size,
            manual.attachments[0].blob_id.as_ref()
        ),
        ("manual.txt", 5000, None),
        "named with its size, not downloaded"
    );

    // The next pull stores nothing twice.
    tech.set_status(remote, "resolved").await.unwrap();
    let r = local.pass(&c, Utc::now()).await;
    assert_eq!((r.replies_pulled, r.files_pulled), (0, 0), "{r:?}");
}

/// A published fix-it action travels as a file of an article's "Guichet actions" custom field
/// (scripts/rt/guichet-actions.pl): pulled with the knowledge base into the store under its
/// name, exactly as signed, and forgotten when the article goes.
#[tokio::test(flavor = "multi_thread")]
async fn an_article_carries_a_published_action_into_the_store() {
    use guichet_actions::published::{ActionFile, ActionManifest};
    let Some(server) = rt() else { return };
    server
        .apply_datafile(
            &RtServer::scripts_dir().join("guichet-actions.pl"),
            &[("GUICHET_GRANTEE", RtServer::USER)],
        )
        .unwrap();
    let local = Local::new().await;
    let c = connector(server.url(), RtServer::USER_PASSWORD);
    let tech = Technician::new(server);
    let keys = tempfile::tempdir().unwrap();
    let key =
        guichet_bundle::BundleSigner::create_at(&keys.path().join("admin.key"), [5; 32]).unwrap();
    let name = format!("restart-{}", &Uuid::new_v4().simple().to_string()[..8]);
    let manifest = ActionManifest {
        name: name.clone(),
        title: guichet_records::Sentence::new("Redémarrer", "Restart"),
        description: guichet_records::Sentence::new("Redémarre.", "Restarts."),
        needs_network: false,
        timeout_secs: 30,
        expires_at: Utc::now() + chrono::Duration::days(30),
        signer: String::new(),
    };
    let file = ActionFile::sign(manifest, "echo restarted\n".into(), &key).unwrap();

    let title = format!("Printer restart {name}");
    let article = tech
        .create_article(&title, "", "<p>Try this.</p>")
        .await
        .unwrap();
    tech.attach_to_article(
        article,
        "Guichet actions",
        &format!("{name}.guichet-action"),
        &file,
    )
    .await
    .unwrap();
    let r = local.pass_into_store(&c, Utc::now()).await;
    assert!(r.is_complete(), "{r:?}");
    let stored = local
        .store
        .published_action(&name)
        .await
        .unwrap()
        .expect("action pulled");
    assert_eq!(stored.file, file, "the bytes as signed");
    assert_eq!(stored.source, format!("rt:{article}"));

    tech.disable_article(article).await.unwrap();
    let r = local.pass_into_store(&c, Utc::now()).await;
    assert!(r.is_complete(), "{r:?}");
    assert!(local.store.published_action(&name).await.unwrap().is_none());
}
