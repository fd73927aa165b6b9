//! The sync engine against an in-memory server with scripted failures: ordering, backoff,
//! Retry-After, parking, idempotency after lost answers, pulls and cursors.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use guichet_inventory::{Inventory, OperatingSystem};
use guichet_store::{
    DescriptionFormat, InventoryMode, NewAttachment, NewTicket, OutboxKind, OutboxState,
    RemoteFile, RemoteReply, RemoteReplyFiles, RemoteTicketUpdate, ReplySide, ReplyState, Store,
    TicketFields, TicketState, DEFAULT_ATTACHMENT_LIMIT,
};
use guichet_sync::{
    Article, Connector, ConnectorError, Engine, KbChanges, MemoryKb, OutgoingFile,
    OutgoingInventory, OutgoingReply, OutgoingTicket, PushedInventory, PushedTicket, RetryPolicy,
    Stop, TicketChanges,
};
use rand::SeedableRng;
use uuid::Uuid;

/// Largest technician's file the fake server lets the engine download.
const FAKE_FILE_LIMIT: usize = 64;

/// Which connector call a scripted failure applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Auth,
    Ticket,
    Reply,
    PullTickets,
    PullKb,
    Inventory,
}

/// A scripted failure: `Before` fails without touching the server; `AfterCommit` lets the
/// server act, then loses the answer (the dangerous case for duplicates).
#[derive(Debug, Clone)]
enum Fault {
    Before(ConnectorError),
    AfterCommit(ConnectorError),
}

/// A reply on the fake server: server id, author, body, client UUID, files.
type ServerReply = (String, String, String, Option<Uuid>, Vec<OutgoingFile>);

#[derive(Debug, Default, Clone)]
struct ServerTicket {
    client_uuid: Uuid,
    title: String,
    status: String,
    replies: Vec<ServerReply>,
}

#[derive(Debug, Default)]
struct Server {
    tickets: Vec<ServerTicket>,
    next_txn: u64,
    articles: HashMap<String, (String, String, bool)>,
    assets: HashMap<String, (String, String)>,
    /// For each inventory received: its hostname and the hostname of the `previous` one.
    inventories: Vec<(String, Option<String>)>,
    faults: VecDeque<(Op, Fault)>,
    calls: Vec<Op>,
    /// The next ticket creation hangs: its sender is cut off while the server is still at it.
    hang_next_ticket: bool,
    /// The ticket of that hung creation, which the server commits when the test says so.
    hung: Option<(Uuid, String)>,
}

#[derive(Debug, Default)]
struct FakeServer(Mutex<Server>);

impl FakeServer {
    fn fail(&self, op: Op, f: Fault) {
        self.0.lock().unwrap().faults.push_back((op, f));
    }
    fn calls(&self, op: Op) -> usize {
        self.0
            .lock()
            .unwrap()
            .calls
            .iter()
            .filter(|c| **c == op)
            .count()
    }
    /// Runs `act` unless a `Before` fault is scripted for `op`; loses the answer on `AfterCommit`.
    fn call<T>(&self, op: Op, act: impl FnOnce(&mut Server) -> T) -> Result<T, ConnectorError> {
        let mut s = self.0.lock().unwrap();
        s.calls.push(op);
        let fault = match s.faults.front() {
            Some((o, _)) if *o == op => s.faults.pop_front().map(|(_, f)| f),
            _ => None,
        };
        match fault {
            Some(Fault::Before(e)) => Err(e),
            Some(Fault::AfterCommit(e)) => {
                act(&mut s);
                Err(e)
            }
            None => Ok(act(&mut s)),
        }
    }
    /// The server finishes the hung ticket creation (its client is long gone).
    fn finish_hung_ticket(&self) {
        let mut s = self.0.lock().unwrap();
        let (client_uuid, title) = s.hung.take().expect("a hung creation");
        s.tickets.push(ServerTicket {
            client_uuid,
            title,
            status: "new".into(),
            replies: vec![],
        });
    }
    fn technician_reply(&self, remote_id: &str, body: &str) {
        self.technician_reply_with_files(remote_id, body, vec![]);
    }
    fn technician_reply_with_files(&self, remote_id: &str, body: &str, files: Vec<OutgoingFile>) {
        let mut s = self.0.lock().unwrap();
        s.next_txn += 1;
        let txn = s.next_txn.to_string();
        let i: usize = remote_id.parse().unwrap();
        s.tickets[i - 1]
            .replies
            .push((txn, "tech".into(), body.into(), None, files));
        s.tickets[i - 1].status = "open".into();
    }
}

#[async_trait]
impl Connector for FakeServer {
    fn name(&self) -> &str {
        "fake"
    }
    async fn authenticate(&self) -> Result<(), ConnectorError> {
        self.call(Op::Auth, |_| ())
    }
    async fn push_ticket(&self, t: &OutgoingTicket) -> Result<PushedTicket, ConnectorError> {
        let hang = {
            let mut s = self.0.lock().unwrap();
            let hang = std::mem::take(&mut s.hang_next_ticket);
            if hang {
                s.calls.push(Op::Ticket);
                s.hung = Some((t.client_uuid, t.fields.title.clone()));
            }
            hang
        };
        if hang {
            std::future::pending::<()>().await;
        }
        self.call(Op::Ticket, |s| {
            // Check before create, like a real connector.
            let i = match s
                .tickets
                .iter()
                .position(|x| x.client_uuid == t.client_uuid)
            {
                Some(i) => i,
                None => {
                    s.tickets.push(ServerTicket {
                        client_uuid: t.client_uuid,
                        title: t.fields.title.clone(),
                        status: "new".into(),
                        replies: vec![],
                    });
                    s.tickets.len() - 1
                }
            };
            PushedTicket {
                remote_id: (i + 1).to_string(),
                status: Some(s.tickets[i].status.clone()),
            }
        })
    }
    async fn push_reply(&self, r: &OutgoingReply) -> Result<String, ConnectorError> {
        self.call(Op::Reply, |s| {
            let i: usize = r.ticket_remote_id.parse().unwrap();
            if let Some(x) = s.tickets[i - 1]
                .replies
                .iter()
                .find(|x| x.3 == Some(r.client_uuid))
            {
                return x.0.clone();
            }
            s.next_txn += 1;
            let txn = s.next_txn.to_string();
            s.tickets[i - 1].replies.push((
                txn.clone(),
                r.author.clone(),
                r.body.clone(),
                Some(r.client_uuid),
                r.attachments.clone(),
            ));
            txn
        })
    }
    async fn pull_ticket_changes(
        &self,
        _cursor: Option<&str>,
        watched: &[String],
    ) -> Result<TicketChanges, ConnectorError> {
        self.call(Op::PullTickets, |s| TicketChanges {
            updates: watched
                .iter()
                .map(|id| {
                    let t = &s.tickets[id.parse::<usize>().unwrap() - 1];
                    RemoteTicketUpdate {
                        remote_id: id.clone(),
                        title: Some(t.title.clone()),
                        status: Some(t.status.clone()),
                        updated_at: None,
                        replies: t
                            .replies
                            .iter()
                            .map(|r| RemoteReply {
                                remote_id: r.0.clone(),
                                author: r.1.clone(),
                                body: r.2.clone(),
                                created_at: at(0),
                                client_uuid: r.3,
                            })
                            .collect(),
                    }
                })
                .collect(),
            // Like RT: the files of the other side's replies, the big ones named only.
            files: watched
                .iter()
                .flat_map(|id| {
                    let t = &s.tickets[id.parse::<usize>().unwrap() - 1];
                    t.replies
                        .iter()
                        .filter(|r| r.3.is_none() && !r.4.is_empty())
                        .map(|r| RemoteReplyFiles {
                            ticket_remote_id: id.clone(),
                            reply_remote_id: r.0.clone(),
                            files: r
                                .4
                                .iter()
                                .enumerate()
                                .map(|(i, f)| RemoteFile {
                                    remote_id: format!("{}-{i}", r.0),
                                    file_name: f.file_name.clone(),
                                    content_type: f.content_type.clone(),
                                    size: f.bytes.len() as u64,
                                    bytes: (f.bytes.len() <= FAKE_FILE_LIMIT)
                                        .then(|| f.bytes.clone()),
                                })
                                .collect(),
                        })
                        .collect::<Vec<_>>()
                })
                .collect(),
            cursor: Some(format!("txn:{}", s.next_txn)),
        })
    }
    async fn pull_kb(&self, _cursor: Option<&str>) -> Result<KbChanges, ConnectorError> {
        self.call(Op::PullKb, |s| {
            let mut c = KbChanges {
                cursor: Some(format!("kb:{}", s.articles.len())),
                ..KbChanges::default()
            };
            for (id, (title, body, disabled)) in &s.articles {
                if *disabled {
                    c.deletions.push(id.clone());
                } else {
                    c.upserts.push(Article {
                        connector: "fake".into(),
                        remote_id: id.clone(),
                        title: title.clone(),
                        summary: None,
                        body_html: body.clone(),
                        category: None,
                        tags: Vec::new(),
                        language: None,
                        updated_at: at(0),
                        remote_version: format!("{title}/{body}"),
                        images: vec![],
                    });
                }
            }
            c
        })
    }
    async fn push_inventory(
        &self,
        inv: &OutgoingInventory,
    ) -> Result<PushedInventory, ConnectorError> {
        self.call(Op::Inventory, |s| {
            let n = s.assets.len() + 1;
            let host = inv.inventory.hostname().unwrap_or("?").to_string();
            let previous = inv
                .previous
                .as_ref()
                .map(|p| p.hostname().unwrap_or("?").to_string());
            s.inventories.push((host.clone(), previous));
            let e = s
                .assets
                .entry(inv.deviceid.clone())
                .or_insert_with(|| (format!("asset-{n}"), host.clone()));
            e.1 = host;
            PushedInventory {
                remote_id: e.0.clone(),
                mode: InventoryMode::Full,
                next_contact: None,
                message: None,
            }
        })
    }
}

fn at(s: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap() + chrono::Duration::seconds(s)
}

fn ticket(n: u128) -> NewTicket {
    NewTicket {
        id: Uuid::from_u128(n),
        fields: TicketFields {
            title: format!("Problem {n}"),
            description: "details".into(),
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

async fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    (dir, store)
}

fn rng() -> rand::rngs::StdRng {
    rand::rngs::StdRng::seed_from_u64(7)
}

const POLICY: RetryPolicy = RetryPolicy {
    base: Duration::from_secs(30),
    max: Duration::from_secs(3600),
    malformed_limit: 3,
    settle: Duration::from_secs(10),
};

fn server_error() -> ConnectorError {
    ConnectorError::Server {
        status: 503,
        message: "Service Unavailable".into(),
    }
}

#[tokio::test]
async fn offline_is_a_clean_stop_that_leaves_the_queue_untouched() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let server = FakeServer::default();
    server.fail(
        Op::Auth,
        Fault::Before(ConnectorError::Offline("connection refused".into())),
    );
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &server, Some(&kb), POLICY);
    let report = engine.pass(at(0), &mut rng()).await.unwrap();
    assert!(matches!(report.stopped, Some(Stop::Offline(_))));
    let e = &store.outbox().await.unwrap()[0];
    assert_eq!((e.attempts, e.next_attempt_at), (0, at(0)));
    assert_eq!(server.calls(Op::Ticket), 0);
    let status = store.sync_status("fake").await.unwrap();
    assert!(status.last_error.unwrap().contains("connection refused"));
    assert_eq!(status.last_success_at, None);

    // Back online: sent once.
    let report = engine.pass(at(1), &mut rng()).await.unwrap();
    assert!(report.is_complete());
    assert_eq!(report.pushed.len(), 1);
    assert_eq!(server.0.lock().unwrap().tickets.len(), 1);
    assert!(store.outbox().await.unwrap().is_empty());
    let t = store.ticket(Uuid::from_u128(1)).await.unwrap();
    assert_eq!(
        (t.local_state, t.remote_id.as_deref()),
        (TicketState::Sent, Some("1"))
    );
    assert_eq!(
        store.sync_status("fake").await.unwrap().last_success_at,
        Some(at(1))
    );
}

#[tokio::test]
async fn a_pass_waits_for_another_processs_pass_and_never_sends_beside_it() {
    let (d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    // Another process's pass on the same data directory holds the lock.
    let other = Store::open(d.path()).await.unwrap();
    let held = other.try_lock_sync(at(0)).unwrap().unwrap();
    let server = FakeServer::default();
    let engine = Engine::new(&store, &server, None, POLICY).with_lock_wait(Duration::ZERO);
    let report = engine.pass(at(0), &mut rng()).await.unwrap();
    assert!(
        matches!(&report.stopped, Some(Stop::Busy(m)) if m.contains("process")),
        "{report:?}"
    );
    assert_eq!(
        server.calls(Op::Auth) + server.calls(Op::Ticket),
        0,
        "nothing sent"
    );
    assert_eq!(
        store.outbox().await.unwrap().len(),
        1,
        "the queue is untouched"
    );

    // A pass that may wait gets its turn as soon as the other one is done.
    let engine = Engine::new(&store, &server, None, POLICY).with_lock_wait(Duration::from_secs(30));
    let mut r = rng();
    let (report, ()) = tokio::join!(engine.pass(at(1), &mut r), async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop(held);
    });
    assert_eq!(report.unwrap().pushed.len(), 1);
    assert_eq!(server.0.lock().unwrap().tickets.len(), 1);
}

#[tokio::test]
async fn a_lost_answer_is_retried_without_creating_a_duplicate() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let server = FakeServer::default();
    server.fail(
        Op::Ticket,
        Fault::AfterCommit(ConnectorError::Transport("connection reset".into())),
    );
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &server, Some(&kb), POLICY);
    let r = engine.pass(at(0), &mut rng()).await.unwrap();
    assert_eq!(r.deferred.len(), 1);
    assert_eq!(
        server.0.lock().unwrap().tickets.len(),
        1,
        "the server did act"
    );
    assert_eq!(
        store.ticket(Uuid::from_u128(1)).await.unwrap().local_state,
        TicketState::Queued
    );
    // Not due yet: the next pass does not even try.
    engine.pass(at(5), &mut rng()).await.unwrap();
    assert_eq!(server.calls(Op::Ticket), 1);
    let r = engine.pass(at(3600), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1);
    assert_eq!(server.0.lock().unwrap().tickets.len(), 1, "no duplicate");
    assert_eq!(
        store
            .ticket(Uuid::from_u128(1))
            .await
            .unwrap()
            .remote_id
            .as_deref(),
        Some("1")
    );
}

/// Regression (kill -9 soak, seed 10598290915751931716): a `guichet sync` killed while RT was
/// still creating its ticket; the next sync looked the ticket up before RT had committed it,
/// found nothing and created it a second time. The interrupted send now leaves its mark, and
/// the entry is left to the server for the settle time before it is looked up.
#[tokio::test]
async fn a_send_cut_off_while_the_server_is_at_it_is_not_sent_twice() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let server = FakeServer::default();
    server.0.lock().unwrap().hang_next_ticket = true;
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &server, Some(&kb), POLICY);
    let cut = tokio::time::timeout(
        std::time::Duration::from_millis(300),
        engine.pass(at(0), &mut rng()),
    )
    .await;
    assert!(cut.is_err(), "the sender is cut off during the send");
    let queue = store.outbox().await.unwrap();
    assert_eq!(queue.len(), 1, "still queued");
    let since = queue[0].sending_since.expect("the send left its mark");
    assert!(since >= at(0) && since < at(1), "{since}");
    assert_eq!(queue[0].attempts, 0, "not a failure the sender saw");

    // Another process at once, then with `--retry`: the server may still be at it, so
    // nothing is sent, and the report says why.
    let r = engine.pass(at(5), &mut rng()).await.unwrap();
    assert_eq!(server.calls(Op::Ticket), 1);
    assert!(
        r.notices.iter().any(|n| n.contains("interrupted")),
        "{:?}",
        r.notices
    );
    store.retry_waiting_now(at(6)).await.unwrap();
    engine.pass(at(6), &mut rng()).await.unwrap();
    assert_eq!(
        server.calls(Op::Ticket),
        1,
        "--retry does not lift the settle"
    );

    // The server finishes the first request; after the settle the look-up finds its ticket.
    server.finish_hung_ticket();
    let r = engine.pass(at(11), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1);
    assert_eq!(server.calls(Op::Ticket), 2);
    assert_eq!(server.0.lock().unwrap().tickets.len(), 1, "no duplicate");
    assert!(store.outbox().await.unwrap().is_empty());
}

/// A request that timed out may still be running on the server: its retry waits at least the
/// settle time, even when the backoff would be shorter.
#[tokio::test]
async fn a_timed_out_send_is_retried_no_sooner_than_the_settle_time() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let server = FakeServer::default();
    server.fail(
        Op::Ticket,
        Fault::Before(ConnectorError::Timeout("no answer in time".into())),
    );
    let policy = RetryPolicy {
        base: Duration::from_secs(2),
        settle: Duration::from_secs(60),
        ..POLICY
    };
    let engine = Engine::new(&store, &server, None, policy);
    let r = engine.pass(at(0), &mut rng()).await.unwrap();
    assert_eq!(r.deferred[0].retry_at, Some(at(60)));
    let queue = store.outbox().await.unwrap();
    assert_eq!(
        queue[0].sending_since, None,
        "the sender saw the end of its send"
    );
    // A failure with no request out (no connection) leaves no mark either.
    server.fail(
        Op::Ticket,
        Fault::Before(ConnectorError::Offline("connection refused".into())),
    );
    engine.pass(at(60), &mut rng()).await.unwrap();
    assert_eq!(store.outbox().await.unwrap()[0].sending_since, None);
    let r = engine.pass(at(61), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1);
}

#[tokio::test]
async fn backoff_grows_exponentially_with_bounded_jitter() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let server = FakeServer::default();
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &server, Some(&kb), POLICY);
    let mut now = at(0);
    let mut r = rng();
    for attempt in 0..4u32 {
        server.fail(Op::Ticket, Fault::Before(server_error()));
        engine.pass(now, &mut r).await.unwrap();
        let e = &store.outbox().await.unwrap()[0];
        assert_eq!(e.attempts, attempt + 1);
        assert_eq!(
            e.last_error.as_deref(),
            Some("server error 503: Service Unavailable")
        );
        let full = 30i64 << attempt;
        let wait = (e.next_attempt_at - now).num_milliseconds();
        assert!(
            (full * 500..=full * 1000).contains(&wait),
            "attempt {attempt}: waited {wait} ms, expected within [{}, {}] s",
            full / 2,
            full
        );
        now = e.next_attempt_at;
    }
    // The delay is capped.
    let mut r = rng();
    assert!(POLICY.delay(30, &mut r) <= Duration::from_secs(3600));
    assert!(POLICY.delay(30, &mut r) >= Duration::from_secs(1800));
}

#[tokio::test]
async fn retry_after_is_honoured_and_stops_pushing_for_the_pass() {
    let (_d, store) = store().await;
    for n in 1..=2 {
        store
            .create_ticket(&ticket(n), DEFAULT_ATTACHMENT_LIMIT, at(0))
            .await
            .unwrap();
    }
    let server = FakeServer::default();
    server.fail(
        Op::Ticket,
        Fault::Before(ConnectorError::RateLimited {
            retry_after: Some(Duration::from_secs(120)),
        }),
    );
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &server, Some(&kb), POLICY);
    engine.pass(at(0), &mut rng()).await.unwrap();
    assert_eq!(server.calls(Op::Ticket), 1, "the second ticket waits too");
    let q = store.outbox().await.unwrap();
    assert_eq!(q[0].next_attempt_at, at(120));
    assert_eq!(q[1].attempts, 0);
    let r = engine.pass(at(60), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1, "only the other ticket");
    let r = engine.pass(at(120), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1);
    assert_eq!(server.0.lock().unwrap().tickets.len(), 2);
}

#[tokio::test]
async fn a_permanent_refusal_parks_its_ticket_only() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    store
        .add_reply(
            Uuid::from_u128(1),
            Uuid::from_u128(11),
            "alice",
            "more",
            at(1),
        )
        .await
        .unwrap();
    store
        .create_ticket(&ticket(2), DEFAULT_ATTACHMENT_LIMIT, at(2))
        .await
        .unwrap();
    let server = FakeServer::default();
    server.fail(
        Op::Ticket,
        Fault::Before(ConnectorError::Permanent {
            status: 403,
            message: "No permission to create tickets in the queue 'ServiceDesk'".into(),
        }),
    );
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &server, Some(&kb), POLICY);
    let r = engine.pass(at(3), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1);
    assert_eq!(r.pushed[0].uuid, Uuid::from_u128(2));
    assert_eq!(
        server.calls(Op::Reply),
        0,
        "the reply waits behind its ticket"
    );
    let t = store.ticket(Uuid::from_u128(1)).await.unwrap();
    assert_eq!(t.local_state, TicketState::Failed);
    assert!(t.failure.unwrap().contains("No permission"));
    let q = store.outbox().await.unwrap();
    assert_eq!(q.len(), 2);
    assert_eq!(q[0].state, OutboxState::Parked);
    assert_eq!(q[1].kind, OutboxKind::AddReply);
    // Parked stays parked, however late.
    engine.pass(at(100_000), &mut rng()).await.unwrap();
    assert_eq!(server.calls(Op::Ticket), 2);
    // Until the user requeues: then ticket and reply go, in order.
    store.requeue_parked(at(100_001)).await.unwrap();
    let r = engine.pass(at(100_001), &mut rng()).await.unwrap();
    assert_eq!(
        r.pushed.iter().map(|p| p.kind).collect::<Vec<_>>(),
        vec![OutboxKind::CreateTicket, OutboxKind::AddReply]
    );
    assert!(store.outbox().await.unwrap().is_empty());
}

#[tokio::test]
async fn malformed_answers_are_retried_then_parked() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let server = FakeServer::default();
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &server, Some(&kb), POLICY);
    for i in 0..3 {
        server.fail(
            Op::Ticket,
            Fault::Before(ConnectorError::Malformed("expected value at line 1".into())),
        );
        engine.pass(at(10_000 * i), &mut rng()).await.unwrap();
    }
    let q = store.outbox().await.unwrap();
    assert_eq!((q[0].state, q[0].attempts), (OutboxState::Parked, 3));
    assert_eq!(
        store.ticket(Uuid::from_u128(1)).await.unwrap().local_state,
        TicketState::Failed
    );
}

#[tokio::test]
async fn an_auth_failure_stops_the_pass_and_keeps_the_queue() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let server = FakeServer::default();
    server.fail(
        Op::Auth,
        Fault::Before(ConnectorError::Auth("401 Unauthorized".into())),
    );
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &server, Some(&kb), POLICY);
    let r = engine.pass(at(0), &mut rng()).await.unwrap();
    assert!(matches!(r.stopped, Some(Stop::Auth(_))));
    assert!(!r.is_complete());
    let q = store.outbox().await.unwrap();
    assert_eq!((q.len(), q[0].attempts), (1, 0));
    assert_eq!(server.calls(Op::PullTickets), 0);
}

#[tokio::test]
async fn pulls_bring_technician_replies_and_keep_unsent_local_ones() {
    let (_d, store) = store().await;
    let id = Uuid::from_u128(1);
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let server = FakeServer::default();
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &server, Some(&kb), POLICY);
    engine.pass(at(1), &mut rng()).await.unwrap();
    server.technician_reply("1", "Have you tried turning it off and on again?");
    server.0.lock().unwrap().tickets[0].title = "Problem 1 (printer)".into();
    // Offline reply, whose push fails this pass.
    store
        .add_reply(id, Uuid::from_u128(21), "alice", "Yes, twice.", at(2))
        .await
        .unwrap();
    server.fail(Op::Reply, Fault::Before(server_error()));
    let r = engine.pass(at(3), &mut rng()).await.unwrap();
    assert_eq!((r.replies_pulled, r.tickets_updated), (1, 1));
    let t = store.ticket(id).await.unwrap();
    assert_eq!(t.title, "Problem 1 (printer)");
    assert_eq!(t.remote_status.as_deref(), Some("open"));
    assert_eq!(t.replies.len(), 2);
    let tech = t
        .replies
        .iter()
        .find(|r| r.side == ReplySide::Remote)
        .unwrap();
    assert_eq!(tech.author, "tech");
    let mine = t
        .replies
        .iter()
        .find(|r| r.side == ReplySide::Local)
        .unwrap();
    assert_eq!(mine.local_state, ReplyState::Queued);
    assert_eq!(
        store
            .sync_cursor("fake", "tickets")
            .await
            .unwrap()
            .as_deref(),
        Some("txn:1")
    );
    // Later it goes, and coming back from the server it is not duplicated.
    let r = engine.pass(at(3600), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1);
    assert_eq!(r.replies_pulled, 0);
    let t = store.ticket(id).await.unwrap();
    assert_eq!(t.replies.len(), 2);
    assert!(t.replies.iter().all(|r| r.local_state == ReplyState::Sent));
}

#[tokio::test]
async fn a_failed_ticket_pull_keeps_the_cursor_and_reports_the_error() {
    let (_d, store) = store().await;
    let server = FakeServer::default();
    server.fail(
        Op::PullTickets,
        Fault::Before(ConnectorError::Malformed("truncated JSON".into())),
    );
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &server, Some(&kb), POLICY);
    let r = engine.pass(at(0), &mut rng()).await.unwrap();
    assert_eq!(r.errors.len(), 1);
    assert_eq!(store.sync_cursor("fake", "tickets").await.unwrap(), None);
    assert_eq!(server.calls(Op::PullKb), 1, "the KB pull still runs");
    assert!(store
        .sync_status("fake")
        .await
        .unwrap()
        .last_error
        .unwrap()
        .contains("truncated JSON"));
}

#[tokio::test]
async fn what_the_server_is_not_set_up_for_is_a_notice_and_the_pass_succeeds() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let server = FakeServer::default();
    server.fail(
        Op::Ticket,
        Fault::Before(ConnectorError::NotSetUp(
            "transaction custom field ClientTxnUUID missing".into(),
        )),
    );
    server.fail(
        Op::PullKb,
        Fault::Before(ConnectorError::NotSetUp("no article class".into())),
    );
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &server, Some(&kb), POLICY);
    let r = engine.pass(at(1), &mut rng()).await.unwrap();
    assert!(r.is_complete(), "{r:?}");
    assert!(r.deferred.is_empty(), "{r:?}");
    assert_eq!(r.notices.len(), 2, "{r:?}");
    assert!(r.notices[0].contains("parked until `guichet sync --retry`"));
    assert!(r.notices[1].starts_with("pulling the knowledge base skipped"));
    let st = store.sync_status("fake").await.unwrap();
    assert_eq!(st.last_error, None, "not a failed pass");
    // The entry waits, parked, until the admin's fix and `sync --retry`.
    assert_eq!(store.outbox().await.unwrap()[0].state, OutboxState::Parked);
    engine.pass(at(2), &mut rng()).await.unwrap();
    assert_eq!(server.calls(Op::Ticket), 1);
    store.requeue_parked(at(3)).await.unwrap();
    let r = engine.pass(at(3), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1, "{r:?}");
}

#[tokio::test]
async fn kb_articles_are_added_updated_and_removed() {
    let (_d, store) = store().await;
    let server = FakeServer::default();
    server.0.lock().unwrap().articles.insert(
        "1".into(),
        ("Reset VPN".into(), "<p>Quit</p>".into(), false),
    );
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &server, Some(&kb), POLICY);
    let r = engine.pass(at(0), &mut rng()).await.unwrap();
    assert_eq!(r.articles_updated, 1);
    let first_id = kb.articles("fake")[0].0;
    // Unchanged: not rewritten.
    let r = engine.pass(at(1), &mut rng()).await.unwrap();
    assert_eq!(r.articles_updated, 0);
    server.0.lock().unwrap().articles.get_mut("1").unwrap().1 = "<p>Quit, then restart</p>".into();
    let r = engine.pass(at(2), &mut rng()).await.unwrap();
    assert_eq!(r.articles_updated, 1);
    let a = kb.articles("fake");
    assert_eq!(a[0].0, first_id, "an update keeps the local id");
    assert_eq!(a[0].1.body_html, "<p>Quit, then restart</p>");
    server.0.lock().unwrap().articles.get_mut("1").unwrap().2 = true;
    let r = engine.pass(at(3), &mut rng()).await.unwrap();
    assert_eq!(r.articles_deleted, 1);
    assert!(kb.articles("fake").is_empty());
    assert_eq!(
        store.sync_cursor("fake", "kb").await.unwrap().as_deref(),
        Some("kb:1")
    );
}

#[tokio::test]
async fn inventory_is_pushed_as_one_record_per_machine() {
    let (_d, store) = store().await;
    let server = FakeServer::default();
    let kb = MemoryKb::new();
    let engine = Engine::new(&store, &server, Some(&kb), POLICY);
    for (n, host) in [(1u128, "pc-1"), (2, "pc-1-renamed")] {
        let mut inv = Inventory::new(at(0), "0.1.0");
        inv.os = Some(OperatingSystem {
            hostname: host.into(),
            ..Default::default()
        });
        let snap = Uuid::from_u128(100 + n);
        store.save_snapshot(&inv, "pc-1-2026", snap).await.unwrap();
        store
            .queue_inventory_push(Uuid::from_u128(200 + n), snap, at(0))
            .await
            .unwrap();
        let r = engine.pass(at(n as i64), &mut rng()).await.unwrap();
        assert_eq!(r.pushed.len(), 1);
        assert_eq!(r.pushed[0].remote_id, "asset-1");
    }
    {
        let s = server.0.lock().unwrap();
        assert_eq!(s.assets.len(), 1);
        assert_eq!(s.assets["pc-1-2026"].1, "pc-1-renamed");
    }
    assert_eq!(
        store
            .sync_cursor("fake", "inventory")
            .await
            .unwrap()
            .as_deref(),
        Some("asset-1")
    );
}

fn host_inventory(host: &str) -> Inventory {
    let mut inv = Inventory::new(at(0), "0.1.0");
    inv.os = Some(OperatingSystem {
        hostname: host.into(),
        ..Default::default()
    });
    inv
}

#[tokio::test]
async fn inventories_queued_offline_collapse_into_the_newest_and_none_is_sent_twice() {
    let (_d, store) = store().await;
    let server = FakeServer::default();
    let engine = Engine::new(&store, &server, None, POLICY);
    // Offline: three snapshots taken and queued, the first pass fails before reaching anyone.
    server.fail(
        Op::Auth,
        Fault::Before(ConnectorError::Offline("no route".into())),
    );
    for n in 1..=3u128 {
        let snap = Uuid::from_u128(100 + n);
        store
            .save_snapshot(&host_inventory(&format!("pc-v{n}")), "pc-1-2026", snap)
            .await
            .unwrap();
        store
            .queue_inventory_push(Uuid::from_u128(200 + n), snap, at(n as i64))
            .await
            .unwrap();
        let queued = store.outbox().await.unwrap();
        assert_eq!(queued.len(), 1, "one inventory entry at most: {queued:?}");
        assert_eq!(queued[0].snapshot_uuid, Some(snap), "the newest one");
    }
    let r = engine.pass(at(4), &mut rng()).await.unwrap();
    assert!(matches!(r.stopped, Some(Stop::Offline(_))), "{r:?}");
    assert_eq!(store.outbox().await.unwrap().len(), 1);

    // Back online: only the newest is sent, as a first (full) inventory.
    let r = engine.pass(at(5), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1, "{r:?}");
    assert_eq!(
        server.0.lock().unwrap().inventories,
        vec![("pc-v3".to_string(), None)]
    );
    let last = store
        .last_inventory_push("fake", "pc-1-2026")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.snapshot_uuid, Uuid::from_u128(103));
    assert_eq!(last.contacted_at, at(5));

    // The same snapshot queued again is dropped without being sent.
    store
        .queue_inventory_push(Uuid::from_u128(299), Uuid::from_u128(103), at(6))
        .await
        .unwrap();
    let r = engine.pass(at(6), &mut rng()).await.unwrap();
    assert!(r.pushed.is_empty(), "{r:?}");
    assert!(store.outbox().await.unwrap().is_empty());
    assert_eq!(server.calls(Op::Inventory), 1);

    // A newer snapshot goes out with the last accepted one as `previous`.
    let snap = Uuid::from_u128(104);
    store
        .save_snapshot(&host_inventory("pc-v4"), "pc-1-2026", snap)
        .await
        .unwrap();
    store
        .queue_inventory_push(Uuid::from_u128(204), snap, at(7))
        .await
        .unwrap();
    engine.pass(at(7), &mut rng()).await.unwrap();
    assert_eq!(
        server.0.lock().unwrap().inventories[1],
        ("pc-v4".to_string(), Some("pc-v3".to_string()))
    );
}

#[tokio::test]
async fn a_replaced_inventory_entry_keeps_the_backoff_the_server_asked_for() {
    let (_d, store) = store().await;
    let server = FakeServer::default();
    let engine = Engine::new(&store, &server, None, POLICY);
    let s1 = Uuid::from_u128(101);
    store
        .save_snapshot(&host_inventory("pc-v1"), "pc-1-2026", s1)
        .await
        .unwrap();
    store
        .queue_inventory_push(Uuid::from_u128(201), s1, at(0))
        .await
        .unwrap();
    server.fail(
        Op::Inventory,
        Fault::Before(ConnectorError::RateLimited {
            retry_after: Some(Duration::from_secs(600)),
        }),
    );
    engine.pass(at(1), &mut rng()).await.unwrap();
    let s2 = Uuid::from_u128(102);
    store
        .save_snapshot(&host_inventory("pc-v2"), "pc-1-2026", s2)
        .await
        .unwrap();
    store
        .queue_inventory_push(Uuid::from_u128(202), s2, at(2))
        .await
        .unwrap();
    let q = store.outbox().await.unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].snapshot_uuid, Some(s2));
    assert_eq!(q[0].next_attempt_at, at(601), "Retry-After still honoured");
    assert_eq!(q[0].attempts, 1);
}

#[tokio::test]
async fn inventories_of_other_machines_relayed_here_are_not_collapsed_into_ours() {
    let (_d, store) = store().await;
    let server = FakeServer::default();
    let engine = Engine::new(&store, &server, None, POLICY);
    // A site machine's inventory (as a bundle import leaves it), then two of our own.
    let site = Uuid::from_u128(301);
    store
        .save_snapshot(&host_inventory("site-pc"), "site-pc-2026", site)
        .await
        .unwrap();
    store
        .queue_inventory_push(Uuid::from_u128(401), site, at(0))
        .await
        .unwrap();
    for n in 1..=2u128 {
        let snap = Uuid::from_u128(100 + n);
        store
            .save_snapshot(&host_inventory(&format!("pc-v{n}")), "pc-1-2026", snap)
            .await
            .unwrap();
        store
            .queue_inventory_push(Uuid::from_u128(200 + n), snap, at(n as i64))
            .await
            .unwrap();
    }
    let queued: Vec<_> = store
        .outbox()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.snapshot_uuid.unwrap())
        .collect();
    assert_eq!(queued, vec![site, Uuid::from_u128(102)]);
    let r = engine.pass(at(3), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 2, "{r:?}");
    let pushes = store.inventory_pushes("fake").await.unwrap();
    assert_eq!(pushes.len(), 2, "one record per machine");
    assert!(store
        .last_inventory_push("fake", "site-pc-2026")
        .await
        .unwrap()
        .is_some_and(|p| p.snapshot_uuid == site));
}

#[tokio::test]
async fn reply_files_reach_the_server_once_even_when_the_answer_is_lost() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let server = FakeServer::default();
    let engine = Engine::new(&store, &server, None, POLICY);
    engine.pass(at(0), &mut rng()).await.unwrap();
    let id = Uuid::from_u128(1);
    store
        .add_reply_with_attachments(
            id,
            Uuid::from_u128(21),
            "alice",
            "Log attached.",
            &[NewAttachment {
                file_name: "app.log".into(),
                content_type: "text/plain".into(),
                bytes: b"ERROR 42".to_vec(),
            }],
            DEFAULT_ATTACHMENT_LIMIT,
            at(1),
        )
        .await
        .unwrap();
    server.fail(
        Op::Reply,
        Fault::AfterCommit(ConnectorError::Transport("connection reset".into())),
    );
    let r = engine.pass(at(2), &mut rng()).await.unwrap();
    assert_eq!(r.deferred.len(), 1, "the answer was lost");
    let r = engine.pass(at(3600), &mut rng()).await.unwrap();
    assert_eq!(r.pushed.len(), 1);
    assert_eq!(server.calls(Op::Reply), 2);
    let s = server.0.lock().unwrap();
    let replies = &s.tickets[0].replies;
    assert_eq!(replies.len(), 1, "no duplicate reply");
    assert_eq!(
        replies[0].4,
        vec![OutgoingFile {
            file_name: "app.log".into(),
            content_type: "text/plain".into(),
            bytes: b"ERROR 42".to_vec(),
        }],
        "the file went with the reply, once"
    );
}

#[tokio::test]
async fn technician_files_are_pulled_once_and_big_ones_only_named() {
    let (_d, store) = store().await;
    store
        .create_ticket(&ticket(1), DEFAULT_ATTACHMENT_LIMIT, at(0))
        .await
        .unwrap();
    let server = FakeServer::default();
    let engine = Engine::new(&store, &server, None, POLICY);
    engine.pass(at(0), &mut rng()).await.unwrap();
    server.technician_reply_with_files(
        "1",
        "Run this.",
        vec![
            OutgoingFile {
                file_name: "fix.sh".into(),
                content_type: "text/x-sh".into(),
                bytes: b"echo fixed".to_vec(),
            },
            OutgoingFile {
                file_name: "big.iso".into(),
                content_type: "application/octet-stream".into(),
                bytes: vec![0; FAKE_FILE_LIMIT + 1],
            },
        ],
    );
    let r = engine.pass(at(1), &mut rng()).await.unwrap();
    assert_eq!((r.replies_pulled, r.files_pulled), (1, 2));
    let r = engine.pass(at(2), &mut rng()).await.unwrap();
    assert_eq!((r.replies_pulled, r.files_pulled), (0, 0));
    let t = store.ticket(Uuid::from_u128(1)).await.unwrap();
    let files = &t.replies[0].attachments;
    assert_eq!(files.len(), 2);
    assert_eq!(
        store.blob(files[0].blob_id.as_ref().unwrap()).unwrap(),
        b"echo fixed"
    );
    assert_eq!(
        (
            files[1].file_name.as_str(),
            files[1].size,
            &files[1].blob_id
        ),
        ("big.iso", FAKE_FILE_LIMIT as u64 + 1, &None)
    );
}
