//! Sneakernet against a real Request Tracker 5: a ticket written on an offline site travels
//! by bundle to a connected store, reaches RT exactly once however often it is imported, and
//! the technician's reply travels back to the site in the return bundle.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

mod common;

use std::time::Duration;

use chrono::Utc;
use common::{connector, rt, Local};
use guichet_bundle::{read_bundle, BundleSigner, PeerKey};
use guichet_rt::RtConnector;
use guichet_store::bundle::{ImportOptions, PeerRole};
use guichet_store::{ReplySide, Store, TicketState};
use guichet_sync::{Engine, PassReport, RetryPolicy};
use guichet_testkit::{FaultProxy, RtServer, Technician};
use rand::SeedableRng;
use uuid::Uuid;

const SITE: &str = "bundle-site-2026-11-01-08-00-00";
const HUB: &str = "bundle-hub-2026-11-01-08-00-00";

/// A pass that stores pulled articles in the store itself (the return bundle carries them).
async fn pass(store: &Store, c: &RtConnector) -> PassReport {
    let policy = RetryPolicy {
        base: Duration::from_secs(1),
        max: Duration::from_secs(10),
        malformed_limit: 3,
        settle: Duration::ZERO,
    };
    let engine = Engine::new(store, c, Some(store), policy);
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    engine.pass(Utc::now(), &mut rng).await.unwrap()
}

fn opts(deviceid: &str) -> ImportOptions {
    ImportOptions {
        own_deviceid: deviceid.into(),
        trust_new_key: false,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bundled_ticket_reaches_rt_once_and_the_technicians_reply_returns_to_the_site() {
    let Some(server) = rt() else { return };
    let proxy = FaultProxy::start(server.url()).unwrap();
    let site = Local::new().await;
    let hub = Local::new().await;
    let site_key = BundleSigner::load_or_create(site.dir.path(), || [11; 32]).unwrap();
    let hub_key = BundleSigner::load_or_create(hub.dir.path(), || [12; 32]).unwrap();
    // Each enrols the other (`guichet bundle enrol add`).
    let peer = |deviceid: &str, k: &BundleSigner| PeerKey {
        deviceid: deviceid.into(),
        public_key: k.public_key_hex(),
    };
    hub.store
        .enrol_peer(&peer(SITE, &site_key), PeerRole::Site, Utc::now())
        .await
        .unwrap();
    site.store
        .enrol_peer(&peer(HUB, &hub_key), PeerRole::Hub, Utc::now())
        .await
        .unwrap();
    let title = format!("Bundle {}: label printer jammed", Uuid::new_v4());
    let id = site.ticket(&title).await;

    // Two exports of the same queue (the admin exported again before the answer came back).
    let first = site.dir.path().join("out-1.guichet");
    let second = site.dir.path().join("out-2.guichet");
    site.store
        .export_bundle(&first, &site_key, Uuid::new_v4(), SITE, Utc::now())
        .await
        .unwrap();
    site.store
        .export_bundle(&second, &site_key, Uuid::new_v4(), SITE, Utc::now())
        .await
        .unwrap();
    let b1 = read_bundle(&first).unwrap();
    let r = hub
        .store
        .import_bundle(&b1, &opts(HUB), Utc::now())
        .await
        .unwrap();
    assert_eq!(r.entries_queued, 1);
    let again = hub
        .store
        .import_bundle(&b1, &opts(HUB), Utc::now())
        .await
        .unwrap();
    assert!(again.already_applied);
    let b2 = read_bundle(&second).unwrap();
    let r2 = hub
        .store
        .import_bundle(&b2, &opts(HUB), Utc::now())
        .await
        .unwrap();
    assert_eq!((r2.entries_queued, r2.entries_already_received), (0, 1));

    let c = connector(&proxy.url(), RtServer::USER_PASSWORD);
    let report = pass(&hub.store, &c).await;
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.pushed.len(), 1);
    let tech = Technician::new(server);
    let found = tech.tickets_by_client_uuid(&id.to_string()).await.unwrap();
    assert_eq!(found.len(), 1, "exactly one RT ticket");
    let remote = found[0];
    assert_eq!(
        tech.ticket(remote).await.unwrap()["Subject"],
        title.as_str()
    );

    tech.reply(remote, "Open the back cover and pull the label out gently.")
        .await
        .unwrap();
    let report = pass(&hub.store, &c).await;
    assert!(report.is_complete(), "{report:?}");
    assert!(report.pushed.is_empty(), "nothing sent twice");

    let back = hub.dir.path().join("return.guichet");
    hub.store
        .export_return_bundle(
            &back,
            &hub_key,
            Uuid::new_v4(),
            HUB,
            SITE,
            Some("rt"),
            Utc::now(),
        )
        .await
        .unwrap();
    let rb = read_bundle(&back).unwrap();
    let r = site
        .store
        .import_bundle(&rb, &opts(SITE), Utc::now())
        .await
        .unwrap();
    assert_eq!(r.entries_confirmed, 1);
    assert!(site.store.outbox().await.unwrap().is_empty());
    let t = site.store.ticket(id).await.unwrap();
    assert_eq!(t.local_state, TicketState::Sent);
    assert_eq!(t.remote_id, Some(remote.to_string()));
    let tech_replies: Vec<_> = t
        .replies
        .iter()
        .filter(|r| r.side == ReplySide::Remote)
        .map(|r| r.body.as_str())
        .collect();
    assert_eq!(
        tech_replies,
        vec!["Open the back cover and pull the label out gently."]
    );

    // Importing the old bundles again on the hub sends nothing more to RT.
    hub.store
        .import_bundle(&b2, &opts(HUB), Utc::now())
        .await
        .unwrap();
    let report = pass(&hub.store, &c).await;
    assert!(report.pushed.is_empty());
    assert_eq!(proxy.count_exact("POST", "/REST/2.0/ticket"), 1);
    assert_eq!(
        tech.tickets_by_client_uuid(&id.to_string()).await.unwrap(),
        vec![remote]
    );
}

/// A reply to a ticket the site created while online travels by bundle; the bundle names no
/// server id, so the hub finds the ticket in RT by its client UUID and posts the reply there,
/// creating nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_relayed_reply_finds_the_sites_online_ticket_by_its_client_uuid() {
    let Some(server) = rt() else { return };
    let site = Local::new().await;
    let hub = Local::new().await;
    let site_key = BundleSigner::load_or_create(site.dir.path(), || [21; 32]).unwrap();
    hub.store
        .enrol_peer(
            &PeerKey {
                deviceid: SITE.into(),
                public_key: site_key.public_key_hex(),
            },
            PeerRole::Site,
            Utc::now(),
        )
        .await
        .unwrap();
    let c = connector(server.url(), RtServer::USER_PASSWORD);
    let title = format!("Online {}: badge reader", Uuid::new_v4());
    let id = site.ticket(&title).await;
    assert!(pass(&site.store, &c).await.is_complete());
    let remote = site.remote_id(id).await.expect("sent online");
    // Offline from now on: the reply goes by bundle.
    let reply = Uuid::new_v4();
    site.store
        .add_reply(
            id,
            reply,
            "alice",
            "Still dead after the reboot.",
            Utc::now(),
        )
        .await
        .unwrap();
    let out = site.dir.path().join("out.guichet");
    site.store
        .export_bundle(&out, &site_key, Uuid::new_v4(), SITE, Utc::now())
        .await
        .unwrap();
    hub.store
        .import_bundle(&read_bundle(&out).unwrap(), &opts(HUB), Utc::now())
        .await
        .unwrap();
    let report = pass(&hub.store, &c).await;
    assert!(report.is_complete(), "{report:?}");
    let t = hub.store.ticket(id).await.unwrap();
    assert_eq!(t.remote_id.as_deref(), Some(remote.to_string().as_str()));
    let tech = Technician::new(server);
    let found = tech.tickets_by_client_uuid(&id.to_string()).await.unwrap();
    assert_eq!(found, vec![remote], "found, not created again");
    let posted = tech
        .transactions_by_client_uuid(&reply.to_string())
        .await
        .unwrap();
    assert_eq!(posted.len(), 1, "the reply reached the site's ticket once");
}
