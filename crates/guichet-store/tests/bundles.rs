//! Sneakernet bundles between two stores: the round trip (site → connected → site), exactly-once
//! application, and the refusal of truncated, altered, re-signed and foreign files with nothing
//! applied.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use guichet_bundle::{read_bundle, read_bundle_bytes, BundleError, BundleKind, BundleSigner};
use guichet_inventory::{Inventory, OperatingSystem};
use guichet_store::bundle::{ExchangeError, ImportOptions, PeerTrust};
use guichet_store::{
    Article, ArticleImage, AssetFilter, AssetStatus, DescriptionFormat, InventoryMode,
    InventoryPush, MachineFilter, NewAsset, NewAttachment, NewTicket, OutboxKind, RemoteReply,
    RemoteTicketUpdate, ReplySide, ReplyState, SiteImport, Store, TicketFields, TicketState,
    DEFAULT_ATTACHMENT_LIMIT,
};
use uuid::Uuid;

const SITE: &str = "site-pc-2026-11-01-08-00-00";
const HUB: &str = "hub-2026-11-01-08-00-00";

fn at(m: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap() + Duration::minutes(m)
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x5eed_0000_0000_4000_8000_0000_0000_0000 | n)
}

struct Side {
    dir: tempfile::TempDir,
    store: Store,
    signer: BundleSigner,
    deviceid: &'static str,
}

impl Side {
    async fn new(deviceid: &'static str, seed: u8) -> Side {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let signer = BundleSigner::load_or_create(dir.path(), || [seed; 32]).unwrap();
        Side {
            dir,
            store,
            signer,
            deviceid,
        }
    }

    fn opts(&self) -> ImportOptions {
        ImportOptions {
            own_deviceid: self.deviceid.into(),
            trust_new_key: false,
        }
    }

    async fn export(&self, name: &str, bundle: u128, now: DateTime<Utc>) -> std::path::PathBuf {
        let path = self.dir.path().join(name);
        self.store
            .export_bundle(&path, &self.signer, id(bundle), self.deviceid, now)
            .await
            .unwrap();
        path
    }
}

fn inventory(host: &str) -> Inventory {
    let mut inv = Inventory::new(at(0), "0.1.0");
    inv.os = Some(OperatingSystem {
        hostname: host.into(),
        full_name: "Debian GNU/Linux 12 (bookworm)".into(),
        name: "Debian GNU/Linux".into(),
        kernel_name: "Linux".into(),
        arch: "x86_64".into(),
        ..Default::default()
    });
    inv
}

/// A site with one ticket (attachment and inventory summary), a reply, an inventory push,
/// a site machine and an asset, all waiting.
async fn busy_site() -> Side {
    let site = Side::new(SITE, 1).await;
    let s = &site.store;
    let snap = s
        .save_snapshot(&inventory("site-pc"), SITE, id(100))
        .await
        .unwrap();
    s.create_ticket(
        &NewTicket {
            id: id(1),
            fields: TicketFields {
                title: "Scanner offline at the front desk".into(),
                description: "It blinks orange.".into(),
                description_format: DescriptionFormat::Text,
                category: Some("hardware".into()),
                urgency: 3,
                requester: "alice".into(),
            },
            snapshot_uuid: Some(snap.uuid),
            attachments: vec![NewAttachment {
                file_name: "blink.txt".into(),
                content_type: "text/plain".into(),
                bytes: b"ATTACHMENT-BYTES orange blink".to_vec(),
            }],
            draft: false,
        },
        DEFAULT_ATTACHMENT_LIMIT,
        at(1),
    )
    .await
    .unwrap();
    s.add_reply(id(1), id(2), "alice", "Still blinking.", at(2))
        .await
        .unwrap();
    s.queue_inventory_push(id(3), snap.uuid, at(3))
        .await
        .unwrap();
    let mut n = 10u128;
    s.site_import(
        &[SiteImport {
            inventory: inventory("reception-01"),
            deviceid: Some("reception-01-2026-01-01-00-00-00".into()),
            format: "glpi".into(),
            source_name: "reception-01.json".into(),
        }],
        Some("Front desk"),
        at(4),
        &mut || {
            n += 1;
            id(n)
        },
    )
    .await
    .unwrap();
    s.asset_add(
        &NewAsset {
            kind: "printer".into(),
            make: Some("HP".into()),
            model: Some("LaserJet M404".into()),
            serial: Some("PHB1234567".into()),
            location: Some("Front desk".into()),
            assigned_user: None,
            status: AssetStatus::InUse,
            purchased_on: NaiveDate::from_ymd_opt(2023, 5, 2),
            warranty_until: NaiveDate::from_ymd_opt(2026, 5, 2),
            notes: None,
        },
        id(20),
        id(21),
        at(5),
    )
    .await
    .unwrap();
    site
}

#[tokio::test]
async fn a_bundle_round_trip_carries_the_outbox_there_and_the_answers_back() {
    let site = busy_site().await;
    let hub = Side::new(HUB, 2).await;
    let file = site.export("out.guichet", 1000, at(10)).await;
    assert_eq!(
        site.store.outbox().await.unwrap().len(),
        3,
        "export removes nothing"
    );

    let b = read_bundle(&file).unwrap();
    assert_eq!(b.manifest.kind, BundleKind::Outgoing);
    assert_eq!(b.manifest.source_deviceid, SITE);
    assert_eq!(
        (b.manifest.counts.entries, b.manifest.counts.site_changes),
        (3, 2)
    );
    assert_eq!(
        hub.store
            .bundle_peer(SITE, &b.manifest.public_key)
            .await
            .unwrap(),
        PeerTrust::FirstContact
    );
    let r = hub
        .store
        .import_bundle(&b, &hub.opts(), at(20))
        .await
        .unwrap();
    assert!(r.key_recorded && !r.already_applied);
    assert_eq!(
        (r.tickets_added, r.replies_added, r.entries_queued),
        (1, 1, 3)
    );
    assert_eq!(
        (r.snapshots_added, r.machines_imported, r.assets_changed),
        (1, 1, 1)
    );

    // Queued on the hub under the site's client UUIDs, in the site's order.
    let q = hub.store.outbox().await.unwrap();
    let got: Vec<_> = q.iter().map(|e| (e.kind, e.uuid)).collect();
    assert_eq!(
        got,
        vec![
            (OutboxKind::CreateTicket, id(1)),
            (OutboxKind::AddReply, id(2)),
            (OutboxKind::PushInventory, id(3)),
        ]
    );
    let t = hub.store.ticket(id(1)).await.unwrap();
    assert_eq!(t.local_state, TicketState::Queued);
    assert_eq!(
        hub.store.blob(&t.attachments[0].blob_id).unwrap(),
        b"ATTACHMENT-BYTES orange blink"
    );
    assert_eq!(
        hub.store
            .site_machines(&MachineFilter::default())
            .await
            .unwrap()[0]
            .hostname,
        "reception-01"
    );
    let assets = hub.store.assets(&AssetFilter::default()).await.unwrap();
    assert_eq!(
        (assets[0].uuid, assets[0].serial.as_deref()),
        (id(20), Some("PHB1234567"))
    );

    // The same file again: nothing applied. A second export carrying the same entries:
    // received once, queued once.
    let again = hub
        .store
        .import_bundle(&b, &hub.opts(), at(21))
        .await
        .unwrap();
    assert!(again.already_applied);
    assert_eq!(again.entries_queued, 0);
    let second = read_bundle(&site.export("out2.guichet", 1001, at(11)).await).unwrap();
    let r2 = hub
        .store
        .import_bundle(&second, &hub.opts(), at(22))
        .await
        .unwrap();
    assert_eq!((r2.entries_queued, r2.entries_already_received), (0, 3));
    assert_eq!(
        (r2.tickets_added, r2.replies_added, r2.site_changes),
        (0, 0, 0)
    );
    assert_eq!(hub.store.outbox().await.unwrap().len(), 3);

    // What a sync pass on the hub would record.
    let q = hub.store.outbox().await.unwrap();
    hub.store
        .complete_ticket_push(q[0].seq, "rt", "42", Some("new"), at(30))
        .await
        .unwrap();
    hub.store
        .complete_reply_push(q[1].seq, "501")
        .await
        .unwrap();
    hub.store
        .complete_inventory_push(
            q[2].seq,
            "rt",
            &InventoryPush {
                deviceid: "site-pc".into(),
                remote_id: "7".into(),
                snapshot_uuid: q[2].snapshot_uuid.unwrap(),
                contacted_at: at(30),
                mode: InventoryMode::Full,
                next_contact_secs: None,
                next_contact_at: None,
                message: None,
            },
            at(30),
        )
        .await
        .unwrap();
    hub.store
        .apply_ticket_changes(
            "rt",
            &[RemoteTicketUpdate {
                remote_id: "42".into(),
                title: None,
                status: Some("open".into()),
                updated_at: Some(at(31)),
                replies: vec![RemoteReply {
                    remote_id: "502".into(),
                    author: "tech".into(),
                    body: "Unplug it for ten seconds.".into(),
                    created_at: at(31),
                    client_uuid: None,
                }],
            }],
            Some("cursor"),
            at(31),
        )
        .await
        .unwrap();
    hub.store
        .upsert_article(
            Article {
                connector: "rt".into(),
                remote_id: "9".into(),
                title: "Resetting the scanner".into(),
                summary: None,
                body_html: r#"<p>Hold the button.</p><img src="https://rt/img/1.png">"#.into(),
                category: Some("Scanners".into()),
                language: Some("en".into()),
                updated_at: at(32),
                remote_version: "3".into(),
                images: vec![ArticleImage {
                    url: "https://rt/img/1.png".into(),
                    content_type: "image/png".into(),
                    bytes: b"PNG-IMAGE".to_vec(),
                }],
            },
            id(900),
        )
        .await
        .unwrap();

    hub.store
        .set_sync_cursor("rt", "kb", "pulled-once", at(33))
        .await
        .unwrap();
    let back = hub.dir.path().join("return.guichet");
    let w = hub
        .store
        .export_return_bundle(&back, &hub.signer, id(2000), HUB, SITE, Some("rt"), at(40))
        .await
        .unwrap();
    assert_eq!(w.manifest.recipient_deviceid.as_deref(), Some(SITE));
    let rb = read_bundle(&back).unwrap();
    // Only the site it is for may apply it.
    let stranger = Side::new("elsewhere", 3).await;
    assert!(matches!(
        stranger
            .store
            .import_bundle(&rb, &stranger.opts(), at(41))
            .await,
        Err(ExchangeError::Bundle(BundleError::WrongRecipient { .. }))
    ));

    let r = site
        .store
        .import_bundle(&rb, &site.opts(), at(50))
        .await
        .unwrap();
    assert_eq!(r.entries_confirmed, 3);
    assert_eq!(
        (r.replies_added, r.articles_updated, r.site_changes),
        (1, 1, 2)
    );
    assert!(
        site.store.outbox().await.unwrap().is_empty(),
        "all confirmed"
    );
    let t = site.store.ticket(id(1)).await.unwrap();
    assert_eq!(t.local_state, TicketState::Sent);
    assert_eq!(
        (
            t.connector.as_deref(),
            t.remote_id.as_deref(),
            t.remote_status.as_deref()
        ),
        (Some("rt"), Some("42"), Some("open"))
    );
    let mine = t.replies.iter().find(|r| r.id == id(2)).unwrap();
    assert_eq!(
        (mine.local_state, mine.remote_id.as_deref()),
        (ReplyState::Sent, Some("501"))
    );
    let tech: Vec<_> = t
        .replies
        .iter()
        .filter(|r| r.side == ReplySide::Remote)
        .collect();
    assert_eq!(tech.len(), 1);
    assert_eq!(tech[0].body, "Unplug it for ten seconds.");
    let a = site.store.article("9").await.unwrap();
    assert_eq!(a.title, "Resetting the scanner");
    assert_eq!(site.store.blob(&a.images[0].blob).unwrap(), b"PNG-IMAGE");

    // Nothing is waiting any more: the next bundle is empty.
    let (p, _) = site.store.outgoing_payload().await.unwrap();
    assert!(p.tickets.is_empty() && p.replies.is_empty() && p.site_changes.is_empty());
    // The return applied twice changes nothing.
    let r = site
        .store
        .import_bundle(&rb, &site.opts(), at(51))
        .await
        .unwrap();
    assert!(r.already_applied);
    assert_eq!(
        site.store.ticket(id(1)).await.unwrap().replies.len(),
        2,
        "no duplicate reply"
    );
}

fn files_under(dir: &std::path::Path) -> usize {
    match std::fs::read_dir(dir) {
        Err(_) => 0,
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .map(|e| {
                if e.path().is_dir() {
                    files_under(&e.path())
                } else {
                    1
                }
            })
            .sum(),
    }
}

/// What the hub holds, to prove that a refused bundle applied nothing (rows or files).
async fn footprint(s: &Store) -> (usize, usize, usize, usize, usize) {
    let applied: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bundles_applied")
        .fetch_one(s.pool())
        .await
        .unwrap();
    let peers: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bundle_peers")
        .fetch_one(s.pool())
        .await
        .unwrap();
    (
        s.outbox().await.unwrap().len(),
        s.tickets().await.unwrap().len(),
        applied.0 as usize,
        peers.0 as usize,
        files_under(&s.dir().join("blobs")),
    )
}

fn flip_inside(bytes: &[u8], needle: &[u8]) -> Vec<u8> {
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle in bundle");
    let mut out = bytes.to_vec();
    out[at + needle.len() / 2] ^= 0x01;
    out
}

fn replace_same_len(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .expect("pattern in bundle");
    let mut out = bytes.to_vec();
    out[at..at + to.len()].copy_from_slice(to);
    out
}

async fn refused(hub: &Side, bytes: &[u8]) -> BundleError {
    let before = footprint(&hub.store).await;
    let err = match read_bundle_bytes(bytes) {
        Err(e) => e,
        Ok(b) => match hub
            .store
            .import_bundle(&b, &hub.opts(), at(60))
            .await
            .expect_err("the bundle must be refused")
        {
            ExchangeError::Bundle(e) => e,
            ExchangeError::Store(e) => panic!("the store failed instead of refusing: {e}"),
        },
    };
    assert!(err.is_refusal(), "{err}");
    assert_eq!(
        footprint(&hub.store).await,
        before,
        "nothing applied: {err}"
    );
    err
}

#[tokio::test]
async fn truncated_bundles_are_refused_and_apply_nothing() {
    let site = busy_site().await;
    let hub = Side::new(HUB, 2).await;
    let good = std::fs::read(site.export("out.guichet", 1000, at(10)).await).unwrap();
    for cut in [
        1usize,
        300,
        512,
        1024,
        good.len() / 2,
        good.len() - 1025,
        good.len() - 512,
        good.len() - 1,
    ] {
        let err = refused(&hub, &good[..cut]).await;
        assert!(
            matches!(err, BundleError::Truncated(_)),
            "cut at {cut}: {err}"
        );
        assert_eq!(err.code(), "bundle_truncated");
    }
    // The intact file still imports: the refusals left nothing half-applied behind.
    let b = read_bundle_bytes(&good).unwrap();
    assert_eq!(
        hub.store
            .import_bundle(&b, &hub.opts(), at(61))
            .await
            .unwrap()
            .entries_queued,
        3
    );
}

#[tokio::test]
async fn a_flipped_byte_in_any_member_or_the_manifest_is_refused() {
    let site = busy_site().await;
    let hub = Side::new(HUB, 2).await;
    let good = std::fs::read(site.export("out.guichet", 1000, at(10)).await).unwrap();

    let err = refused(
        &hub,
        &flip_inside(&good, b"Scanner offline at the front desk"),
    )
    .await;
    assert!(
        matches!(&err, BundleError::Checksum { path, .. } if path == "payload.json"),
        "{err}"
    );
    let err = refused(&hub, &flip_inside(&good, b"ATTACHMENT-BYTES")).await;
    assert!(
        matches!(&err, BundleError::Checksum { path, .. } if path.starts_with("blobs/")),
        "{err}"
    );
    assert_eq!(err.code(), "bundle_checksum");
    // In the manifest: still valid JSON (a digit of the source device id), or not.
    let err = refused(&hub, &flip_inside(&good, SITE.as_bytes())).await;
    assert!(matches!(err, BundleError::Signature), "{err}");
    assert_eq!(err.code(), "bundle_signature");
    let err = refused(&hub, &replace_same_len(&good, b"\"kind\":", b"\"kind\"!")).await;
    assert!(matches!(err, BundleError::Corrupt(_)), "{err}");
    // A size in the manifest: the signature catches it before any member is trusted.
    let err = refused(&hub, &replace_same_len(&good, b"\"size\": ", b"\"size\":0")).await;
    assert!(
        matches!(err, BundleError::Corrupt(_) | BundleError::Signature),
        "{err}"
    );
    // The signature itself.
    let sig_at = good.windows(12).position(|w| w == b"manifest.sig").unwrap();
    let mut bad = good.clone();
    bad[sig_at - sig_at % 512 + 512 + 10] ^= 0x02;
    let err = refused(&hub, &bad).await;
    assert!(matches!(err, BundleError::Signature), "{err}");
}

#[tokio::test]
async fn a_bundle_re_signed_with_another_key_is_refused_unless_the_new_key_is_trusted() {
    let site = busy_site().await;
    let hub = Side::new(HUB, 2).await;
    let genuine = read_bundle(&site.export("out.guichet", 1000, at(10)).await).unwrap();
    hub.store
        .import_bundle(&genuine, &hub.opts(), at(20))
        .await
        .unwrap();

    // A new ticket whose attachment the hub has never seen: a refused bundle must not even
    // leave its file behind.
    site.store
        .create_ticket(
            &NewTicket {
                id: id(7),
                fields: TicketFields {
                    title: "Badge reader".into(),
                    description: "Dead.".into(),
                    description_format: DescriptionFormat::Text,
                    category: None,
                    urgency: 2,
                    requester: "bob".into(),
                },
                snapshot_uuid: None,
                attachments: vec![NewAttachment {
                    file_name: "reader.txt".into(),
                    content_type: "text/plain".into(),
                    bytes: b"ONLY-IN-THE-SECOND-BUNDLE".to_vec(),
                }],
                draft: false,
            },
            DEFAULT_ATTACHMENT_LIMIT,
            at(11),
        )
        .await
        .unwrap();
    // Same device id, another key (a forger, or the site reinstalled).
    let forger_dir = tempfile::tempdir().unwrap();
    let forger = BundleSigner::load_or_create(forger_dir.path(), || [66; 32]).unwrap();
    let forged = site.dir.path().join("forged.guichet");
    site.store
        .export_bundle(&forged, &forger, id(1002), SITE, at(12))
        .await
        .unwrap();
    let bytes = std::fs::read(&forged).unwrap();
    let err = refused(&hub, &bytes).await;
    assert!(matches!(err, BundleError::KeyChanged { .. }), "{err}");
    assert_eq!(err.code(), "bundle_key_changed");
    let b = read_bundle_bytes(&bytes).unwrap();
    assert_eq!(
        hub.store
            .bundle_peer(SITE, &b.manifest.public_key)
            .await
            .unwrap(),
        PeerTrust::Changed
    );

    // Re-signing the manifest while keeping the site's public key in it cannot verify.
    let swapped = replace_same_len(
        &bytes,
        forger.public_key_hex().as_bytes(),
        site.signer.public_key_hex().as_bytes(),
    );
    assert!(matches!(
        refused(&hub, &swapped).await,
        BundleError::Signature
    ));

    // The admin accepts the new key explicitly.
    let opts = ImportOptions {
        trust_new_key: true,
        ..hub.opts()
    };
    let r = hub.store.import_bundle(&b, &opts, at(70)).await.unwrap();
    assert!(r.key_recorded);
    assert_eq!(
        (r.entries_queued, r.entries_already_received),
        (1, 3),
        "only the new ticket is queued"
    );
}

#[tokio::test]
async fn foreign_files_and_other_format_versions_are_refused() {
    let site = busy_site().await;
    let hub = Side::new(HUB, 2).await;
    let good = std::fs::read(site.export("out.guichet", 1000, at(10)).await).unwrap();

    for junk in [
        Vec::new(),
        b"PK\x03\x04 this is a zip file, not a bundle".repeat(40),
        vec![0x42; 4096],
    ] {
        let err = refused(&hub, &junk).await;
        assert!(matches!(err, BundleError::Format(_)), "{err}");
        assert_eq!(err.code(), "bundle_format");
    }
    let err = refused(
        &hub,
        &replace_same_len(&good, b"\"version\": 1", b"\"version\": 2"),
    )
    .await;
    assert!(
        matches!(&err, BundleError::Format(m) if m.contains("version 2")),
        "{err}"
    );
    let err = refused(
        &hub,
        &replace_same_len(&good, b"\"guichet-bundle\"", b"\"guichet-bundlX\""),
    )
    .await;
    assert!(matches!(err, BundleError::Format(_)), "{err}");

    // A store never imports its own bundle.
    let own = read_bundle_bytes(&good).unwrap();
    assert!(matches!(
        site.store.import_bundle(&own, &site.opts(), at(80)).await,
        Err(ExchangeError::Bundle(BundleError::OwnBundle(_)))
    ));
}

#[tokio::test]
async fn export_writes_atomically_and_never_leaves_a_temporary_file() {
    let site = busy_site().await;
    let path = site.export("out.guichet", 1000, at(10)).await;
    // Overwriting an existing bundle replaces it whole.
    let again = site.export("out.guichet", 1001, at(11)).await;
    assert_eq!(path, again);
    assert_eq!(read_bundle(&path).unwrap().manifest.bundle_uuid, id(1001));
    let leftovers: Vec<_> = std::fs::read_dir(site.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn a_return_bundle_from_a_hub_that_never_pulled_the_kb_erases_no_article_on_the_site() {
    let site = busy_site().await;
    let hub = Side::new(HUB, 2).await;
    site.store
        .upsert_article(
            Article {
                connector: "rt".into(),
                remote_id: "5".into(),
                title: "Printing from the tablet".into(),
                summary: None,
                body_html: "<p>Use the share menu.</p>".into(),
                category: None,
                language: None,
                updated_at: at(0),
                remote_version: "1".into(),
                images: vec![],
            },
            id(500),
        )
        .await
        .unwrap();
    let b = read_bundle(&site.export("out.guichet", 1000, at(10)).await).unwrap();
    hub.store
        .import_bundle(&b, &hub.opts(), at(20))
        .await
        .unwrap();
    let back = hub.dir.path().join("return.guichet");
    hub.store
        .export_return_bundle(&back, &hub.signer, id(2000), HUB, SITE, Some("rt"), at(40))
        .await
        .unwrap();
    let rb = read_bundle(&back).unwrap();
    assert!(
        rb.returned().unwrap().kb.is_none(),
        "no KB pulled on the hub yet"
    );
    let r = site
        .store
        .import_bundle(&rb, &site.opts(), at(50))
        .await
        .unwrap();
    assert_eq!(r.articles_deleted, 0);
    assert_eq!(
        site.store.article("5").await.unwrap().title,
        "Printing from the tablet"
    );
}
