//! Sneakernet bundles between two stores: the round trip (site → connected → site), exactly-once
//! application, and the refusal of truncated, altered, re-signed and foreign files with nothing
//! applied.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use guichet_bundle::{
    read_bundle, read_bundle_bytes, write_bundle, BundleError, BundleKind, BundleSigner, Draft,
    PeerKey, ReturnPayload, ReturnedKb, ReturnedTicket,
};
use guichet_inventory::{Inventory, OperatingSystem};
use guichet_store::bundle::{ExchangeError, ImportOptions, PeerRole, PeerTrust};
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

    fn key(&self) -> PeerKey {
        PeerKey {
            deviceid: self.deviceid.into(),
            public_key: self.signer.public_key_hex(),
        }
    }

    /// Enrols `other` here in `role`, as `guichet bundle enrol add` does.
    async fn enrol(&self, other: &Side, role: PeerRole) {
        self.store
            .enrol_peer(&other.key(), role, at(0))
            .await
            .unwrap();
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

/// A hub and its site, each enrolled by the other.
async fn enrolled(site: &Side, hub: &Side) {
    hub.enrol(site, PeerRole::Site).await;
    site.enrol(hub, PeerRole::Hub).await;
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

/// `inv` with a last diagnosis that found the firewall off.
fn with_problem(mut inv: Inventory) -> Inventory {
    inv.diagnosis = Some(guichet_records::Diagnosis {
        taken_at: at(0),
        elapsed_ms: 300,
        findings: vec![guichet_records::Finding {
            check: "security.firewall".into(),
            subject: None,
            status: guichet_records::CheckStatus::Problem,
            measured: Some(guichet_records::Sentence::new("ufw : inactif", "ufw: off")),
            threshold: None,
            sentence: guichet_records::Sentence::new("Pare-feu coupé.", "Firewall off."),
            fixes: vec![],
        }],
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
            inventory: with_problem(inventory("reception-01")),
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
    enrolled(&site, &hub).await;
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
            .bundle_peer(SITE, &b.manifest.public_key, b.manifest.kind)
            .await
            .unwrap(),
        PeerTrust::Enrolled
    );
    let r = hub
        .store
        .import_bundle(&b, &hub.opts(), at(20))
        .await
        .unwrap();
    assert!(!r.key_recorded && !r.already_applied);
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
    let machines = hub
        .store
        .site_machines(&MachineFilter::default())
        .await
        .unwrap();
    assert_eq!(machines[0].hostname, "reception-01");
    assert!(
        machines[0].has_problems(),
        "the site machine's last diagnosis came with the bundle"
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
                tags: Vec::new(),
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
    // Published fix-it actions travel with the articles that carry them; the site's own
    // imports stay, those of articles the server no longer has go.
    hub.store
        .save_published_action("scanner-reset", b"SIGNED-ACTION", "rt:9", at(33))
        .await
        .unwrap();
    hub.store
        .save_published_action("hub-own", b"IMPORTED", "import", at(33))
        .await
        .unwrap();
    site.store
        .save_published_action("gone", b"OLD", "rt:3", at(5))
        .await
        .unwrap();
    site.store
        .save_published_action("by-hand", b"MINE", "import", at(5))
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
    let actions: Vec<_> = site
        .store
        .published_actions()
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.name, a.file, a.source))
        .collect();
    assert_eq!(
        actions,
        [
            ("by-hand".into(), b"MINE".to_vec(), "import".into()),
            (
                "scanner-reset".into(),
                b"SIGNED-ACTION".to_vec(),
                "rt:9".into()
            ),
        ]
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
    let peers: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bundle_enrolled")
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
    enrolled(&site, &hub).await;
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
    enrolled(&site, &hub).await;
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
    enrolled(&site, &hub).await;
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
            .bundle_peer(SITE, &b.manifest.public_key, b.manifest.kind)
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
    enrolled(&site, &hub).await;
    site.store
        .upsert_article(
            Article {
                connector: "rt".into(),
                remote_id: "5".into(),
                title: "Printing from the tablet".into(),
                summary: None,
                body_html: "<p>Use the share menu.</p>".into(),
                category: None,
                tags: Vec::new(),
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

/// What the hub's sync would record for the busy site's three entries: the ticket is 42 on
/// `rt`, the reply 501, the inventory pushed; then the server's status.
async fn hub_syncs(hub: &Side, status: &str, now: DateTime<Utc>) {
    let q = hub.store.outbox().await.unwrap();
    for e in q {
        match e.kind {
            OutboxKind::CreateTicket => hub
                .store
                .complete_ticket_push(e.seq, "rt", "42", Some("new"), now)
                .await
                .unwrap(),
            OutboxKind::AddReply => hub.store.complete_reply_push(e.seq, "501").await.unwrap(),
            OutboxKind::PushInventory => hub
                .store
                .complete_inventory_push(
                    e.seq,
                    "rt",
                    &InventoryPush {
                        deviceid: "site-pc".into(),
                        remote_id: "7".into(),
                        snapshot_uuid: e.snapshot_uuid.unwrap(),
                        contacted_at: now,
                        mode: InventoryMode::Full,
                        next_contact_secs: None,
                        next_contact_at: None,
                        message: None,
                    },
                    now,
                )
                .await
                .unwrap(),
        }
    }
    hub.store
        .apply_ticket_changes(
            "rt",
            &[RemoteTicketUpdate {
                remote_id: "42".into(),
                title: None,
                status: Some(status.into()),
                updated_at: Some(now),
                replies: vec![],
            }],
            Some("cursor"),
            now,
        )
        .await
        .unwrap();
}

fn article(remote_id: &str, title: &str) -> Article {
    Article {
        connector: "rt".into(),
        remote_id: remote_id.into(),
        title: title.into(),
        summary: None,
        body_html: "<p>text</p>".into(),
        category: None,
        tags: Vec::new(),
        language: None,
        updated_at: at(0),
        remote_version: "1".into(),
        images: vec![],
    }
}

/// Trust on first use recorded any unknown sender silently: a bundle from a key nobody
/// enrolled is refused, naming its fingerprint and the command to enrol it, and applies
/// nothing; `--trust-new-key` (a deliberate first contact) enrols it.
#[tokio::test]
async fn bundle_from_unknown_key_is_refused_with_its_fingerprint() {
    let site = busy_site().await;
    let hub = Side::new(HUB, 2).await;
    let bytes = std::fs::read(site.export("out.guichet", 1000, at(10)).await).unwrap();
    let err = refused(&hub, &bytes).await;
    assert_eq!(err.code(), "bundle_unknown_key", "{err}");
    let text = err.to_string();
    assert!(text.contains(&site.signer.fingerprint()), "{text}");
    assert!(text.contains("guichet bundle enrol add --site"), "{text}");
    let b = read_bundle_bytes(&bytes).unwrap();
    assert_eq!(
        hub.store
            .bundle_peer(SITE, &b.manifest.public_key, b.manifest.kind)
            .await
            .unwrap(),
        PeerTrust::Unknown
    );
    // Enrolled as the site's hub, not as a site: its outgoing bundles are still refused.
    hub.enrol(&site, PeerRole::Hub).await;
    assert_eq!(refused(&hub, &bytes).await.code(), "bundle_unknown_key");
    let opts = ImportOptions {
        trust_new_key: true,
        ..hub.opts()
    };
    let r = hub.store.import_bundle(&b, &opts, at(20)).await.unwrap();
    assert!(r.key_recorded);
    assert_eq!(r.fingerprint, site.signer.fingerprint());
    assert_eq!(r.entries_queued, 3);
}

/// The issue's probe at the store level: a return bundle written by any other store (here one
/// that imported the site's bundle and emptied its own outbox) confirmed the site's queue.
#[tokio::test]
async fn bundle_forged_return_is_refused() {
    let site = busy_site().await;
    let hub = Side::new(HUB, 2).await;
    enrolled(&site, &hub).await;
    let stranger = Side::new("elsewhere", 3).await;
    stranger.enrol(&site, PeerRole::Site).await;
    let b = read_bundle(&site.export("out.guichet", 1000, at(10)).await).unwrap();
    stranger
        .store
        .import_bundle(&b, &stranger.opts(), at(20))
        .await
        .unwrap();
    // As if it had sent everything.
    sqlx::query("DELETE FROM outbox")
        .execute(stranger.store.pool())
        .await
        .unwrap();
    let forged = stranger.dir.path().join("forged.guichet");
    stranger
        .store
        .export_return_bundle(
            &forged,
            &stranger.signer,
            id(3000),
            "elsewhere",
            SITE,
            None,
            at(30),
        )
        .await
        .unwrap();
    assert_eq!(
        read_bundle(&forged)
            .unwrap()
            .returned()
            .unwrap()
            .confirmed_entries
            .len(),
        3
    );
    let before = footprint(&site.store).await;
    let err = match site
        .store
        .import_bundle(&read_bundle(&forged).unwrap(), &site.opts(), at(40))
        .await
    {
        Err(ExchangeError::Bundle(e)) => e,
        other => panic!("a forged return must be refused: {other:?}"),
    };
    assert_eq!(err.code(), "bundle_unknown_key", "{err}");
    assert!(err.to_string().contains("--hub"), "{err}");
    assert_eq!(footprint(&site.store).await, before);
    assert_eq!(
        site.store.outbox().await.unwrap().len(),
        3,
        "the queue is kept"
    );
}

/// A ticket the site created while online, with a queued reply: the outgoing bundle named its
/// server id and state, and the hub took them as they were (posting into, and returning the
/// thread of, whatever ticket the bundle named). Now the hub decides: it finds the ticket on
/// the server by its client UUID.
#[tokio::test]
async fn bundle_forged_outgoing_cannot_choose_server_ids() {
    let site = Side::new(SITE, 1).await;
    let hub = Side::new(HUB, 2).await;
    enrolled(&site, &hub).await;
    site.store
        .create_ticket(
            &NewTicket {
                id: id(1),
                fields: TicketFields {
                    title: "Online ticket".into(),
                    description: "Filed while connected.".into(),
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
            at(1),
        )
        .await
        .unwrap();
    let q = site.store.outbox().await.unwrap();
    site.store
        .complete_ticket_push(q[0].seq, "rt", "42", Some("new"), at(2))
        .await
        .unwrap();
    site.store
        .add_reply(id(1), id(2), "alice", "Offline now.", at(3))
        .await
        .unwrap();
    // The site (or whoever holds its key) signs a payload asserting another ticket's id.
    let (payload, blobs) = site.store.outgoing_payload().await.unwrap();
    let mut json = serde_json::to_value(&payload).unwrap();
    json["tickets"][0]["connector"] = "rt".into();
    json["tickets"][0]["remote_id"] = "777".into();
    let path = site.dir.path().join("forged.guichet");
    write_bundle(
        &path,
        &site.signer,
        Draft {
            kind: BundleKind::Outgoing,
            bundle_uuid: id(1000),
            source_deviceid: SITE,
            recipient_deviceid: None,
            sequence: None,
            created_at: at(10),
            counts: payload.counts(blobs.len() as u64),
            payload: serde_json::to_vec(&json).unwrap(),
            blobs,
        },
    )
    .unwrap();
    let b = read_bundle(&path).unwrap();
    hub.store
        .import_bundle(&b, &hub.opts(), at(20))
        .await
        .unwrap();
    let t = hub.store.ticket(id(1)).await.unwrap();
    assert_eq!(
        (
            t.connector.as_deref(),
            t.remote_id.as_deref(),
            t.local_state
        ),
        (None, None, TicketState::Queued),
        "no server id or state taken from the bundle"
    );
    // The hub's own entry resolves the ticket by its client UUID before the reply goes.
    let q = hub.store.outbox().await.unwrap();
    let kinds: Vec<_> = q.iter().map(|e| (e.kind, e.ticket_id)).collect();
    assert_eq!(
        kinds,
        vec![
            (OutboxKind::CreateTicket, Some(id(1))),
            (OutboxKind::AddReply, Some(id(1)))
        ]
    );
    assert_eq!(q[1].uuid, id(2));
}

/// One enrolled site claiming another's ticket, reply or entry UUIDs, or rewriting an asset it
/// did not create, has its whole bundle refused.
#[tokio::test]
async fn bundle_forged_outgoing_cannot_claim_another_sites_records() {
    let site = busy_site().await;
    let hub = Side::new(HUB, 2).await;
    let other = Side::new("other-site", 4).await;
    hub.enrol(&site, PeerRole::Site).await;
    hub.enrol(&other, PeerRole::Site).await;
    let real = site.export("out.guichet", 1000, at(10)).await;
    hub.store
        .import_bundle(&read_bundle(&real).unwrap(), &hub.opts(), at(20))
        .await
        .unwrap();
    let (payload, blobs) = site.store.outgoing_payload().await.unwrap();
    let forge =
        |name: &str, n: u128, json: serde_json::Value, blobs: std::collections::BTreeMap<_, _>| {
            let path = other.dir.path().join(name);
            let files = blobs.len() as u64;
            write_bundle(
                &path,
                &other.signer,
                Draft {
                    kind: BundleKind::Outgoing,
                    bundle_uuid: id(n),
                    source_deviceid: "other-site",
                    recipient_deviceid: None,
                    sequence: None,
                    created_at: at(30),
                    counts: serde_json::from_value::<guichet_bundle::OutgoingPayload>(json.clone())
                        .unwrap()
                        .counts(files),
                    payload: serde_json::to_vec(&json).unwrap(),
                    blobs,
                },
            )
            .unwrap();
            read_bundle(&path).unwrap()
        };
    // The site's whole payload, replayed under the other site's key.
    let mut json = serde_json::to_value(&payload).unwrap();
    json["site_changes"] = serde_json::json!([]);
    let claimed = forge("claim.guichet", 1101, json, blobs);
    let before = footprint(&hub.store).await;
    match hub.store.import_bundle(&claimed, &hub.opts(), at(40)).await {
        Err(ExchangeError::Bundle(e)) => assert_eq!(e.code(), "bundle_foreign_record", "{e}"),
        other => panic!("claiming another site's ticket must be refused: {other:?}"),
    }
    assert_eq!(footprint(&hub.store).await, before);
    // Deleting the site's asset.
    let mut change = serde_json::to_value(&payload.site_changes[1]).unwrap();
    assert_eq!(change["entity"], "asset");
    change["uuid"] = id(555).to_string().into();
    change["op"] = "delete".into();
    let json = serde_json::json!({"tickets": [], "replies": [], "snapshots": [],
        "inventory_pushes": [], "site_changes": [change]});
    let delete = forge("delete.guichet", 1102, json, Default::default());
    match hub.store.import_bundle(&delete, &hub.opts(), at(41)).await {
        Err(ExchangeError::Bundle(e)) => assert_eq!(e.code(), "bundle_foreign_record", "{e}"),
        other => panic!("deleting another site's asset must be refused: {other:?}"),
    }
    assert_eq!(
        hub.store
            .assets(&AssetFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
}

/// Return bundles are numbered: an older one (or one replayed under a new id) cannot roll the
/// site's statuses or knowledge base back.
#[tokio::test]
async fn bundle_older_return_cannot_roll_back() {
    let site = busy_site().await;
    let hub = Side::new(HUB, 2).await;
    enrolled(&site, &hub).await;
    let b = read_bundle(&site.export("out.guichet", 1000, at(10)).await).unwrap();
    hub.store
        .import_bundle(&b, &hub.opts(), at(20))
        .await
        .unwrap();
    hub_syncs(&hub, "open", at(30)).await;
    hub.store
        .upsert_article(article("9", "Old advice"), id(900))
        .await
        .unwrap();
    hub.store
        .set_sync_cursor("rt", "kb", "c1", at(30))
        .await
        .unwrap();
    let first = hub.dir.path().join("r1.guichet");
    hub.store
        .export_return_bundle(&first, &hub.signer, id(2001), HUB, SITE, Some("rt"), at(31))
        .await
        .unwrap();
    hub_syncs(&hub, "resolved", at(40)).await;
    hub.store.delete_article("rt", "9").await.unwrap();
    let second = hub.dir.path().join("r2.guichet");
    hub.store
        .export_return_bundle(
            &second,
            &hub.signer,
            id(2002),
            HUB,
            SITE,
            Some("rt"),
            at(41),
        )
        .await
        .unwrap();
    let (r1, r2) = (read_bundle(&first).unwrap(), read_bundle(&second).unwrap());
    assert_eq!(
        (r1.manifest.sequence, r2.manifest.sequence),
        (Some(1), Some(2))
    );

    site.store
        .import_bundle(&r2, &site.opts(), at(50))
        .await
        .unwrap();
    let status = |t: guichet_store::Ticket| t.remote_status;
    assert_eq!(
        status(site.store.ticket(id(1)).await.unwrap()).as_deref(),
        Some("resolved")
    );
    let before = footprint(&site.store).await;
    match site.store.import_bundle(&r1, &site.opts(), at(51)).await {
        Err(ExchangeError::Bundle(e)) => {
            assert_eq!(e.code(), "bundle_stale", "{e}");
            assert!(e.to_string().contains("number 1"), "{e}");
        }
        other => panic!("an older return must be refused: {other:?}"),
    }
    assert_eq!(footprint(&site.store).await, before);
    assert_eq!(
        status(site.store.ticket(id(1)).await.unwrap()).as_deref(),
        Some("resolved")
    );
    assert!(
        site.store.article("9").await.is_err(),
        "the deleted article stays deleted"
    );
}

/// A return bundle (even from the enrolled hub) confirms only entries the site carried out in
/// a bundle: an entry queued after the export stays queued, its ticket learns no server id.
#[tokio::test]
async fn bundle_return_confirms_only_entries_the_site_sent() {
    let site = busy_site().await;
    let hub = Side::new(HUB, 2).await;
    enrolled(&site, &hub).await;
    site.export("out.guichet", 1000, at(10)).await;
    // Filed after the export: never carried to the hub.
    site.store
        .create_ticket(
            &NewTicket {
                id: id(8),
                fields: TicketFields {
                    title: "After the export".into(),
                    description: "Not carried.".into(),
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
            at(11),
        )
        .await
        .unwrap();
    let ticket = |tid: Uuid, remote: &str| ReturnedTicket {
        id: tid,
        connector: "rt".into(),
        remote_id: remote.into(),
        title: "t".into(),
        status: Some("resolved".into()),
        remote_updated_at: Some(at(20)),
        replies: vec![],
    };
    let payload = ReturnPayload {
        confirmed_entries: vec![id(1), id(2), id(3), id(8)],
        tickets: vec![ticket(id(1), "42"), ticket(id(8), "43")],
        confirmed_site_changes: vec![],
        kb: None::<ReturnedKb>,
    };
    let path = hub.dir.path().join("return.guichet");
    write_bundle(
        &path,
        &hub.signer,
        Draft {
            kind: BundleKind::Return,
            bundle_uuid: id(2000),
            source_deviceid: HUB,
            recipient_deviceid: Some(SITE),
            sequence: Some(1),
            created_at: at(20),
            counts: payload.counts(0),
            payload: serde_json::to_vec(&payload).unwrap(),
            blobs: Default::default(),
        },
    )
    .unwrap();
    let r = site
        .store
        .import_bundle(&read_bundle(&path).unwrap(), &site.opts(), at(30))
        .await
        .unwrap();
    assert_eq!(r.entries_confirmed, 3);
    let left: Vec<_> = site
        .store
        .outbox()
        .await
        .unwrap()
        .iter()
        .map(|e| e.uuid)
        .collect();
    assert_eq!(left, vec![id(8)], "the entry never sent stays queued");
    let t = site.store.ticket(id(8)).await.unwrap();
    assert_eq!((t.remote_id, t.local_state), (None, TicketState::Queued));
    assert_eq!(
        site.store.ticket(id(1)).await.unwrap().remote_id.as_deref(),
        Some("42")
    );
}
