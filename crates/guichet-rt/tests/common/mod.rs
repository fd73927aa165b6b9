//! Shared setup of the tests against a real Request Tracker 5 (from `guichet-testkit`).
//!
//! RT is required: CI installs it. `GUICHET_SKIP_RT=1` skips these tests explicitly (they
//! print SKIP); without it, a missing RT fails them loudly.

#![allow(dead_code)] // each test binary uses a different subset

use std::time::Duration;

use chrono::{DateTime, Utc};
use guichet_rt::{RtConfig, RtConnector};
use guichet_store::{DescriptionFormat, NewTicket, Store, TicketFields, DEFAULT_ATTACHMENT_LIMIT};
use guichet_sync::http::HttpOptions;
use guichet_sync::{Engine, MemoryKb, PassReport, RetryPolicy};
use guichet_testkit::RtServer;
use rand::SeedableRng;
use uuid::Uuid;

/// The shared RT server, or `None` when the tests are explicitly skipped.
pub fn rt() -> Option<&'static RtServer> {
    if std::env::var("GUICHET_SKIP_RT").as_deref() == Ok("1") {
        eprintln!("SKIP: GUICHET_SKIP_RT=1, Request Tracker tests not run");
        return None;
    }
    match RtServer::shared() {
        Ok(s) => Some(s),
        Err(e) => panic!(
            "Request Tracker 5 is required for these tests ({e}); install it \
             (scripts/install-rt.sh) or set GUICHET_SKIP_RT=1 to skip them"
        ),
    }
}

/// A connector for guichet-user at `url` (the server or a fault proxy), with short timeouts.
pub fn connector(url: &str, password: &str) -> RtConnector {
    let mut cfg = RtConfig::new(url, RtServer::USER, RtServer::QUEUE);
    cfg.http = HttpOptions {
        ca_file: None,
        connect_timeout: Duration::from_secs(3),
        timeout: Duration::from_secs(5),
        proxy: None,
    };
    RtConnector::new(cfg, password.to_string()).expect("building the connector")
}

/// A fresh local store with its KB.
pub struct Local {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub kb: MemoryKb,
}

impl Local {
    pub async fn new() -> Local {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        Local {
            dir,
            store,
            kb: MemoryKb::new(),
        }
    }

    /// Creates (queues) a ticket; returns its client UUID.
    pub async fn ticket(&self, title: &str) -> Uuid {
        let id = Uuid::new_v4();
        self.store
            .create_ticket(
                &NewTicket {
                    id,
                    fields: TicketFields {
                        title: title.into(),
                        description: format!("{title}: details"),
                        description_format: DescriptionFormat::Text,
                        category: Some("hardware".into()),
                        urgency: 3,
                        requester: "alice".into(),
                    },
                    snapshot_uuid: None,
                    attachments: vec![],
                    draft: false,
                },
                DEFAULT_ATTACHMENT_LIMIT,
                Utc::now(),
            )
            .await
            .unwrap();
        id
    }

    /// One sync pass at `now` with `connector`.
    pub async fn pass(&self, connector: &RtConnector, now: DateTime<Utc>) -> PassReport {
        let policy = RetryPolicy {
            base: Duration::from_secs(1),
            max: Duration::from_secs(10),
            malformed_limit: 3,
            settle: Duration::ZERO,
        };
        let engine = Engine::new(&self.store, connector, Some(&self.kb), policy);
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        engine.pass(now, &mut rng).await.unwrap()
    }

    /// A pass whose knowledge base goes into the store itself (articles, images and the
    /// published actions they carry), as the CLI and the app pull it.
    pub async fn pass_into_store(&self, connector: &RtConnector, now: DateTime<Utc>) -> PassReport {
        let policy = RetryPolicy {
            base: Duration::from_secs(1),
            max: Duration::from_secs(10),
            malformed_limit: 3,
            settle: Duration::ZERO,
        };
        let engine = Engine::new(&self.store, connector, Some(&self.store), policy);
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        engine.pass(now, &mut rng).await.unwrap()
    }

    /// The server id of a local ticket.
    pub async fn remote_id(&self, id: Uuid) -> Option<u64> {
        self.store
            .ticket(id)
            .await
            .unwrap()
            .remote_id
            .map(|r| r.parse().unwrap())
    }
}

/// A time far enough ahead that every backoff has elapsed.
pub fn later(hours: i64) -> DateTime<Utc> {
    Utc::now() + chrono::Duration::hours(hours)
}
