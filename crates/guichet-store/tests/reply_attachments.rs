//! Files on replies: the user's, queued with the reply in one transaction and refused past the
//! size limit with nothing written; the technicians', stored once per server file (or only
//! named when too big); and both carried by sneakernet bundles.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use guichet_bundle::{read_bundle, BundleSigner, PeerKey};
use guichet_store::bundle::{ImportOptions, PeerRole};
use guichet_store::{
    BlobId, DescriptionFormat, NewAttachment, NewTicket, OutboxKind, RemoteFile, RemoteReply,
    RemoteReplyFiles, RemoteTicketUpdate, ReplySide, Store, StoreError, TicketFields,
    DEFAULT_ATTACHMENT_LIMIT,
};
use uuid::Uuid;

fn at(m: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap() + Duration::minutes(m)
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0xfeed_0000_0000_4000_8000_0000_0000_0000 | n)
}

fn ticket(n: u128) -> NewTicket {
    NewTicket {
        id: id(n),
        fields: TicketFields {
            title: format!("Scanner {n} jams"),
            description: "Paper everywhere.".into(),
            description_format: DescriptionFormat::Text,
            category: None,
            urgency: 3,
            requester: "alice".into(),
        },
        snapshot_uuid: None,
        attachments: vec![],
        draft: false,
    }
}

fn file(name: &str, bytes: &[u8]) -> NewAttachment {
    NewAttachment {
        file_name: name.into(),
        content_type: "text/plain".into(),
        bytes: bytes.to_vec(),
    }
}

async fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    (dir, store)
}

/// Files under `blobs/` (temporary files included).
fn blob_files(dir: &std::path::Path) -> usize {
    let Ok(rd) = std::fs::read_dir(dir.join("blobs")) else {
        return 0;
    };
    rd.flatten()
        .map(|d| std::fs::read_dir(d.path()).map(|r| r.count()).unwrap_or(0))
        .sum()
}

#[tokio::test]
async fn a_reply_its_files_and_its_outbox_entry_are_written_together_and_read_back() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let files = [
        file("log.txt", b"REPLY-LOG line 1"),
        file("photo.jpg", b"\xff\xd8 not really a jpeg"),
    ];
    let r = store
        .add_reply_with_attachments(
            id(1),
            id(2),
            "alice",
            "Here is the log.",
            &files,
            DEFAULT_ATTACHMENT_LIMIT,
            at(1),
        )
        .await
        .unwrap();
    let names: Vec<_> = r.attachments.iter().map(|a| a.file_name.as_str()).collect();
    assert_eq!(names, ["log.txt", "photo.jpg"]);
    assert_eq!(r.attachments[0].size, 16);
    let blob = r.attachments[0].blob_id.clone().unwrap();
    assert_eq!(store.blob(&blob).unwrap(), b"REPLY-LOG line 1");

    // The same files through the ticket, and none of them among the ticket's own.
    let t = store.ticket(id(1)).await.unwrap();
    assert!(t.attachments.is_empty());
    assert_eq!(t.replies.len(), 1);
    assert_eq!(t.replies[0].attachments, r.attachments);
    assert_eq!(
        store.tickets().await.unwrap()[0].replies[0]
            .attachments
            .len(),
        2
    );

    let q = store.outbox().await.unwrap();
    let reply_entries: Vec<_> = q
        .iter()
        .filter(|e| e.kind == OutboxKind::AddReply)
        .map(|e| e.reply_id)
        .collect();
    assert_eq!(reply_entries, [Some(id(2))]);
}

#[tokio::test]
async fn a_reply_file_over_the_limit_refuses_the_reply_and_writes_nothing() {
    let (dir, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let before = store.outbox().await.unwrap().len();
    let err = store
        .add_reply_with_attachments(
            id(1),
            id(2),
            "alice",
            "Two files.",
            &[file("small.txt", b"ok"), file("big.bin", &[7u8; 101])],
            100,
            at(1),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::TooLarge { what, size: 101, limit: 100 } if what == "big.bin"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "big.bin is 101 bytes, over the 100-byte limit"
    );
    assert!(store.ticket(id(1)).await.unwrap().replies.is_empty());
    assert!(matches!(
        store.reply(id(2)).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.outbox().await.unwrap().len(), before);
    assert_eq!(blob_files(dir.path()), 0, "not even the small file's blob");

    // A draft is refused before any blob is written too.
    let mut d = ticket(3);
    d.draft = true;
    store
        .create_ticket(&d, DEFAULT_ATTACHMENT_LIMIT, at(2))
        .await
        .unwrap();
    assert!(matches!(
        store
            .add_reply_with_attachments(
                id(3),
                id(4),
                "alice",
                "x",
                &[file("a.txt", b"draft file")],
                100,
                at(3)
            )
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(blob_files(dir.path()), 0);
}

#[tokio::test]
async fn technician_files_are_stored_once_and_a_too_big_one_is_only_named() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let seq = store.outbox().await.unwrap()[0].seq;
    store
        .complete_ticket_push(seq, "rt", "42", Some("new"), at(1))
        .await
        .unwrap();
    let update = RemoteTicketUpdate {
        remote_id: "42".into(),
        title: None,
        status: Some("open".into()),
        updated_at: Some(at(2)),
        replies: vec![RemoteReply {
            remote_id: "7".into(),
            author: "tech".into(),
            body: "Try this driver.".into(),
            created_at: at(2),
            client_uuid: None,
        }],
    };
    let files = [RemoteReplyFiles {
        ticket_remote_id: "42".into(),
        reply_remote_id: "7".into(),
        files: vec![
            RemoteFile {
                remote_id: "70".into(),
                file_name: "driver.txt".into(),
                content_type: "text/plain".into(),
                size: 11,
                bytes: Some(b"DRIVER v2.1".to_vec()),
            },
            RemoteFile {
                remote_id: "71".into(),
                file_name: "iso.bin".into(),
                content_type: "application/octet-stream".into(),
                size: 700 << 20,
                bytes: None,
            },
        ],
    }];
    let applied = store
        .apply_ticket_changes_with_files(
            "rt",
            std::slice::from_ref(&update),
            &files,
            Some("c1"),
            at(3),
        )
        .await
        .unwrap();
    assert_eq!((applied.replies_added, applied.files_added), (1, 2));
    let again = store
        .apply_ticket_changes_with_files("rt", &[update], &files, Some("c2"), at(4))
        .await
        .unwrap();
    assert_eq!((again.replies_added, again.files_added), (0, 0));

    let t = store.ticket(id(1)).await.unwrap();
    let r = &t.replies[0];
    assert_eq!(r.side, ReplySide::Remote);
    assert_eq!(r.attachments.len(), 2);
    assert_eq!(
        store
            .blob(r.attachments[0].blob_id.as_ref().unwrap())
            .unwrap(),
        b"DRIVER v2.1"
    );
    assert_eq!(
        (
            r.attachments[1].file_name.as_str(),
            r.attachments[1].size,
            r.attachments[1].blob_id.as_ref()
        ),
        ("iso.bin", 700 << 20, None)
    );
    assert_eq!(
        store.sync_cursor("rt", "tickets").await.unwrap().as_deref(),
        Some("c2")
    );
}

#[tokio::test]
async fn files_of_our_own_reply_coming_back_are_not_stored_twice() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let seq = store.outbox().await.unwrap()[0].seq;
    store
        .complete_ticket_push(seq, "glpi", "5", Some("new"), at(1))
        .await
        .unwrap();
    store
        .add_reply_with_attachments(
            id(1),
            id(2),
            "alice",
            "Log attached.",
            &[file("log.txt", b"OWN")],
            DEFAULT_ATTACHMENT_LIMIT,
            at(2),
        )
        .await
        .unwrap();
    let update = RemoteTicketUpdate {
        remote_id: "5".into(),
        title: None,
        status: None,
        updated_at: None,
        replies: vec![RemoteReply {
            remote_id: "followup-9".into(),
            author: "alice".into(),
            body: "Log attached.".into(),
            created_at: at(2),
            client_uuid: Some(id(2)),
        }],
    };
    let files = [RemoteReplyFiles {
        ticket_remote_id: "5".into(),
        reply_remote_id: "followup-9".into(),
        files: vec![RemoteFile {
            remote_id: "90".into(),
            file_name: "log.txt".into(),
            content_type: "text/plain".into(),
            size: 3,
            bytes: Some(b"OWN".to_vec()),
        }],
    }];
    let applied = store
        .apply_ticket_changes_with_files("glpi", &[update], &files, None, at(3))
        .await
        .unwrap();
    assert_eq!((applied.replies_added, applied.files_added), (0, 0));
    assert_eq!(store.reply(id(2)).await.unwrap().attachments.len(), 1);
}

#[tokio::test]
async fn bundles_carry_a_queued_reply_with_its_files_there_and_the_technicians_files_back() {
    let site_dir = tempfile::tempdir().unwrap();
    let site = Store::open(site_dir.path()).await.unwrap();
    let signer = BundleSigner::load_or_create(site_dir.path(), || [3; 32]).unwrap();
    site.create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    site.add_reply_with_attachments(
        id(1),
        id(2),
        "alice",
        "Screenshot attached.",
        &[file("screen.txt", b"BUNDLED-REPLY-FILE")],
        DEFAULT_ATTACHMENT_LIMIT,
        at(1),
    )
    .await
    .unwrap();
    let path = site_dir.path().join("out.guichet");
    site.export_bundle(&path, &signer, id(100), "site-1", at(2))
        .await
        .unwrap();

    let b = read_bundle(&path).unwrap();
    let blob = BlobId::of(b"BUNDLED-REPLY-FILE");
    assert!(
        b.manifest
            .entries
            .iter()
            .any(|e| e.path == format!("blobs/{blob}")),
        "the file travels as a blob member"
    );

    let (hub_dir, hub) = store().await;
    let hub_signer = BundleSigner::load_or_create(hub_dir.path(), || [4; 32]).unwrap();
    // Each enrols the other (`guichet bundle enrol add`).
    let key = |deviceid: &str, s: &BundleSigner| PeerKey {
        deviceid: deviceid.into(),
        public_key: s.public_key_hex(),
    };
    hub.enrol_peer(&key("site-1", &signer), PeerRole::Site, at(2))
        .await
        .unwrap();
    site.enrol_peer(&key("hub-1", &hub_signer), PeerRole::Hub, at(2))
        .await
        .unwrap();
    let opts = ImportOptions {
        own_deviceid: "hub-1".into(),
        trust_new_key: false,
    };
    let r = hub.import_bundle(&b, &opts, at(3)).await.unwrap();
    assert_eq!(r.replies_added, 1);
    let reply = hub.reply(id(2)).await.unwrap();
    assert_eq!(reply.attachments.len(), 1);
    assert_eq!(reply.attachments[0].file_name, "screen.txt");
    assert_eq!(reply.attachments[0].blob_id.as_ref(), Some(&blob));
    assert_eq!(hub.blob(&blob).unwrap(), b"BUNDLED-REPLY-FILE");

    // Importing the same bundle again adds no second copy of the file.
    hub.import_bundle(&b, &opts, at(4)).await.unwrap();
    assert_eq!(hub.reply(id(2)).await.unwrap().attachments.len(), 1);

    // The hub syncs: both entries go out, a technician answers with two files (one too big
    // to download), and the return bundle brings them to the site.
    let q = hub.outbox().await.unwrap();
    hub.complete_ticket_push(q[0].seq, "rt", "42", Some("new"), at(5))
        .await
        .unwrap();
    hub.complete_reply_push(q[1].seq, "501").await.unwrap();
    hub.apply_ticket_changes_with_files(
        "rt",
        &[RemoteTicketUpdate {
            remote_id: "42".into(),
            title: None,
            status: Some("open".into()),
            updated_at: Some(at(6)),
            replies: vec![RemoteReply {
                remote_id: "502".into(),
                author: "tech".into(),
                body: "Use this profile.".into(),
                created_at: at(6),
                client_uuid: None,
            }],
        }],
        &[RemoteReplyFiles {
            ticket_remote_id: "42".into(),
            reply_remote_id: "502".into(),
            files: vec![
                RemoteFile {
                    remote_id: "600".into(),
                    file_name: "scanner.profile".into(),
                    content_type: "text/plain".into(),
                    size: 15,
                    bytes: Some(b"RETURNED-FILE-1".to_vec()),
                },
                RemoteFile {
                    remote_id: "601".into(),
                    file_name: "firmware.bin".into(),
                    content_type: "application/octet-stream".into(),
                    size: 90 << 20,
                    bytes: None,
                },
            ],
        }],
        Some("c"),
        at(6),
    )
    .await
    .unwrap();
    let back = hub_dir.path().join("return.guichet");
    hub.export_return_bundle(&back, &hub_signer, id(200), "hub-1", "site-1", None, at(7))
        .await
        .unwrap();
    let rb = read_bundle(&back).unwrap();
    let site_opts = ImportOptions {
        own_deviceid: "site-1".into(),
        trust_new_key: false,
    };
    site.import_bundle(&rb, &site_opts, at(8)).await.unwrap();
    let t = site.ticket(id(1)).await.unwrap();
    let tech = t
        .replies
        .iter()
        .find(|r| r.side == ReplySide::Remote)
        .unwrap();
    assert_eq!(tech.body, "Use this profile.");
    let names: Vec<_> = tech
        .attachments
        .iter()
        .map(|a| a.file_name.as_str())
        .collect();
    assert_eq!(names, ["scanner.profile", "firmware.bin"]);
    assert_eq!(
        site.blob(tech.attachments[0].blob_id.as_ref().unwrap())
            .unwrap(),
        b"RETURNED-FILE-1"
    );
    assert_eq!(
        (
            tech.attachments[1].size,
            tech.attachments[1].blob_id.as_ref()
        ),
        (90 << 20, None)
    );
    // The site's own reply keeps its one file: nothing came back twice.
    assert_eq!(site.reply(id(2)).await.unwrap().attachments.len(), 1);
}
