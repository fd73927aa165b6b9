//! Tickets, replies, attachments, the outbox, cursors and sync status.

use chrono::{DateTime, Duration, TimeZone, Utc};
use guichet_store::{
    DescriptionFormat, NewAttachment, NewTicket, OutboxKind, OutboxState, RemoteReply,
    RemoteTicketUpdate, ReplySide, ReplyState, Store, StoreError, TicketFields, TicketState,
    DEFAULT_ATTACHMENT_LIMIT,
};
use uuid::Uuid;

fn at(m: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap() + Duration::minutes(m)
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0xabcd_0000_0000_4000_8000_0000_0000_0000 | n)
}

fn new_ticket(n: u128) -> NewTicket {
    NewTicket {
        id: id(n),
        fields: TicketFields {
            title: format!("Printer {n} on fire"),
            description: "It smells.".into(),
            description_format: DescriptionFormat::Text,
            category: Some("hardware".into()),
            urgency: 4,
            requester: "alice".into(),
        },
        snapshot_uuid: None,
        attachments: vec![],
        draft: false,
    }
}

async fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    (dir, store)
}

#[tokio::test]
async fn a_new_ticket_and_its_outbox_entry_are_written_together() {
    let (_d, store) = store().await;
    let mut t = new_ticket(1);
    t.attachments.push(NewAttachment {
        file_name: "screen.png".into(),
        content_type: "image/png".into(),
        bytes: b"\x89PNG fake".to_vec(),
    });
    let saved = store
        .create_ticket(&t, DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    assert_eq!(saved.local_state, TicketState::Queued);
    assert_eq!(saved.attachments.len(), 1);
    assert_eq!(saved.attachments[0].size, 9);
    assert_eq!(
        store.blob(&saved.attachments[0].blob_id).unwrap(),
        b"\x89PNG fake"
    );
    let outbox = store.outbox().await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].kind, OutboxKind::CreateTicket);
    assert_eq!(outbox[0].uuid, id(1));
    assert_eq!(outbox[0].ticket_id, Some(id(1)));

    let mut d = new_ticket(2);
    d.draft = true;
    let draft = store
        .create_ticket(&d, DEFAULT_ATTACHMENT_LIMIT, at(1))
        .await
        .unwrap();
    assert_eq!(draft.local_state, TicketState::Draft);
    assert_eq!(
        store.outbox().await.unwrap().len(),
        1,
        "drafts are not queued"
    );
    assert!(matches!(
        store.add_reply(id(2), id(90), "alice", "more", at(2)).await,
        Err(StoreError::Invalid(_))
    ));
    store.submit_draft(id(2), at(3)).await.unwrap();
    assert_eq!(store.outbox().await.unwrap().len(), 2);
    assert_eq!(store.tickets().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_attachment_over_the_limit_writes_nothing() {
    let (dir, store) = store().await;
    let mut t = new_ticket(1);
    t.attachments.push(NewAttachment {
        file_name: "huge.bin".into(),
        content_type: "application/octet-stream".into(),
        bytes: vec![0u8; 1025],
    });
    let err = store.create_ticket(&t, 1024, at(0)).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::TooLarge { what, size: 1025, limit: 1024 } if what == "huge.bin")
    );
    assert!(err.to_string().contains("huge.bin is 1025 bytes"));
    assert!(store.tickets().await.unwrap().is_empty());
    assert!(store.outbox().await.unwrap().is_empty());
    assert!(!dir.path().join("blobs").exists());
}

#[tokio::test]
async fn references_resolve_by_uuid_prefix_and_remote_id() {
    let (_d, store) = store().await;
    for n in 1..=3 {
        store
            .create_ticket(&new_ticket(n), DEFAULT_ATTACHMENT_LIMIT, at(0))
            .await
            .unwrap();
    }
    let other = Uuid::parse_str("beef1234-0000-4000-8000-000000000000").unwrap();
    let mut t = new_ticket(4);
    t.id = other;
    store
        .create_ticket(&t, DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let seq = store.outbox().await.unwrap()[0].seq;
    store
        .complete_ticket_push(seq, "rt", "42", Some("new"), at(1))
        .await
        .unwrap();
    assert_eq!(
        store.resolve_ticket(&id(2).to_string()).await.unwrap(),
        id(2)
    );
    assert_eq!(store.resolve_ticket("42").await.unwrap(), id(1));
    // Tickets 1 to 3 share their first 35 characters.
    assert!(matches!(
        store.resolve_ticket("abcd0000").await,
        Err(StoreError::Ambiguous(_, 3))
    ));
    assert_eq!(store.resolve_ticket("BEEF").await.unwrap(), other);
    assert!(matches!(
        store.resolve_ticket("abc").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.resolve_ticket("ffff").await,
        Err(StoreError::NotFound(_))
    ));
    let t = store.ticket(id(1)).await.unwrap();
    assert_eq!(t.local_state, TicketState::Sent);
    assert_eq!(t.remote_id.as_deref(), Some("42"));
    assert_eq!(t.connector.as_deref(), Some("rt"));
}

#[tokio::test]
async fn parking_marks_the_ticket_failed_and_requeue_undoes_it() {
    let (_d, store) = store().await;
    store
        .create_ticket(&new_ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let seq = store.outbox().await.unwrap()[0].seq;
    store
        .reschedule_outbox(seq, at(5), "503 Service Unavailable")
        .await
        .unwrap();
    let e = &store.outbox().await.unwrap()[0];
    assert_eq!((e.attempts, e.next_attempt_at), (1, at(5)));
    store
        .park_outbox(seq, "403: No permission to create tickets", at(6))
        .await
        .unwrap();
    let e = &store.outbox().await.unwrap()[0];
    assert_eq!(e.state, OutboxState::Parked);
    assert_eq!(e.attempts, 2);
    let t = store.ticket(id(1)).await.unwrap();
    assert_eq!(t.local_state, TicketState::Failed);
    assert_eq!(
        t.failure.as_deref(),
        Some("403: No permission to create tickets")
    );
    assert_eq!(store.requeue_parked(at(7)).await.unwrap(), 1);
    let e = &store.outbox().await.unwrap()[0];
    assert_eq!((e.state, e.attempts), (OutboxState::Pending, 0));
    assert_eq!(
        store.ticket(id(1)).await.unwrap().local_state,
        TicketState::Queued
    );
}

#[tokio::test]
async fn pulled_changes_win_on_server_fields_and_keep_unsent_replies() {
    let (_d, store) = store().await;
    store
        .create_ticket(&new_ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let seq = store.outbox().await.unwrap()[0].seq;
    store
        .complete_ticket_push(seq, "rt", "7", Some("new"), at(1))
        .await
        .unwrap();
    // Two local replies: one that reached the server (its answer was lost), one still unsent.
    store
        .add_reply(id(1), id(50), "alice", "sent but unconfirmed", at(2))
        .await
        .unwrap();
    store
        .add_reply(id(1), id(51), "alice", "still offline", at(3))
        .await
        .unwrap();
    let update = RemoteTicketUpdate {
        remote_id: "7".into(),
        title: Some("Printer 1 on fire (triaged)".into()),
        status: Some("open".into()),
        updated_at: Some(at(4)),
        replies: vec![
            RemoteReply {
                remote_id: "100".into(),
                author: "tech".into(),
                body: "On my way".into(),
                created_at: at(4),
                client_uuid: None,
            },
            RemoteReply {
                remote_id: "101".into(),
                author: "alice".into(),
                body: "sent but unconfirmed".into(),
                created_at: at(2),
                client_uuid: Some(id(50)),
            },
        ],
    };
    let applied = store
        .apply_ticket_changes("rt", std::slice::from_ref(&update), Some("tx:101"), at(5))
        .await
        .unwrap();
    assert_eq!((applied.tickets_updated, applied.replies_added), (1, 1));
    // The same pull again adds nothing.
    let again = store
        .apply_ticket_changes("rt", &[update], Some("tx:101"), at(6))
        .await
        .unwrap();
    assert_eq!(again.replies_added, 0);
    assert_eq!(
        store.sync_cursor("rt", "tickets").await.unwrap().as_deref(),
        Some("tx:101")
    );
    let t = store.ticket(id(1)).await.unwrap();
    assert_eq!(t.title, "Printer 1 on fire (triaged)");
    assert_eq!(t.remote_status.as_deref(), Some("open"));
    assert_eq!(t.replies.len(), 3);
    let tech = t
        .replies
        .iter()
        .find(|r| r.side == ReplySide::Remote)
        .unwrap();
    assert_eq!(
        (tech.author.as_str(), tech.body.as_str()),
        ("tech", "On my way")
    );
    let ours = t.replies.iter().find(|r| r.id == id(50)).unwrap();
    assert_eq!(ours.remote_id.as_deref(), Some("101"));
    let unsent = t.replies.iter().find(|r| r.id == id(51)).unwrap();
    assert_eq!(unsent.local_state, ReplyState::Queued);
    assert_eq!(store.outbox().await.unwrap().len(), 2);
}

#[tokio::test]
async fn sync_status_keeps_the_last_success_and_the_last_error() {
    let (_d, store) = store().await;
    assert_eq!(store.sync_status("rt").await.unwrap().last_success_at, None);
    store.record_sync("rt", at(0), Ok((3, 4))).await.unwrap();
    store
        .record_sync("rt", at(1), Err("server unreachable"))
        .await
        .unwrap();
    let s = store.sync_status("rt").await.unwrap();
    assert_eq!(s.last_success_at, Some(at(0)));
    assert_eq!(s.last_attempt_at, Some(at(1)));
    assert_eq!(s.last_error.as_deref(), Some("server unreachable"));
    assert_eq!((s.last_pushed, s.last_pulled), (3, 4));
    store.record_sync("rt", at(2), Ok((0, 0))).await.unwrap();
    assert_eq!(store.sync_status("rt").await.unwrap().last_error, None);
}
