//! What one pass did, for the caller to show: entries sent and deferred, what was pulled,
//! and why the pass stopped early, if it did.

use chrono::{DateTime, Utc};
use guichet_records::OutboxKind;
use serde::Serialize;
use uuid::Uuid;

/// Why a pass stopped before the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
pub enum Stop {
    /// The server cannot be reached: a normal state, the queue is untouched.
    Offline(String),
    /// The credentials were refused: the queue is untouched.
    Auth(String),
    /// Another process kept the store's sync lock for longer than the engine waits: nothing
    /// was sent by this pass, the other one is sending.
    Busy(String),
    /// The server's answer went past one of Guichet's limits (an endless body, a decompression
    /// bomb, endless pages): the pass stopped there, the queue is untouched.
    OverLimit(String),
}

/// An outbox entry the pass sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pushed {
    /// What it was.
    pub kind: OutboxKind,
    /// Its client UUID.
    pub uuid: Uuid,
    /// The server's id.
    pub remote_id: String,
}

/// An outbox entry that failed this pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deferred {
    /// What it was.
    pub kind: OutboxKind,
    /// Its client UUID.
    pub uuid: Uuid,
    /// Why.
    pub error: String,
    /// When it will be retried; `None` if it was parked.
    pub retry_at: Option<DateTime<Utc>>,
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PassReport {
    /// Entries sent.
    pub pushed: Vec<Pushed>,
    /// Entries that failed and will be retried, or were parked.
    pub deferred: Vec<Deferred>,
    /// Tickets whose status or title changed on the server.
    pub tickets_updated: usize,
    /// Replies received from the server.
    pub replies_pulled: usize,
    /// Files of those replies stored (downloaded, or named only when too big).
    pub files_pulled: usize,
    /// Articles added or changed.
    pub articles_updated: usize,
    /// Articles removed.
    pub articles_deleted: usize,
    /// Pull failures (the pass carried on with what it could).
    pub errors: Vec<String>,
    /// What was skipped because the server is not set up for it (e.g. no knowledge-base
    /// class), with the fix; not failures: the pass is complete without them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// Set when the pass stopped early.
    pub stopped: Option<Stop>,
}

impl PassReport {
    /// Whether the pass reached the end without error (deferred entries are not errors).
    pub fn is_complete(&self) -> bool {
        self.stopped.is_none() && self.errors.is_empty()
    }

    /// What went wrong in this pass, one line each: the pull failures, then each entry the
    /// server did not take, with its reason and what happens next.
    pub fn problems(&self) -> Vec<String> {
        let mut out = self.errors.clone();
        for d in &self.deferred {
            let next = match d.retry_at {
                Some(t) => format!("retried after {}", t.format("%Y-%m-%d %H:%M:%S UTC")),
                None => "refused, parked until `sync --retry`".to_owned(),
            };
            out.push(format!(
                "{} {} not sent ({next}): {}",
                d.kind.as_str(),
                d.uuid,
                d.error
            ));
        }
        out
    }

    /// Items pulled.
    pub fn pulled(&self) -> usize {
        self.tickets_updated + self.replies_pulled + self.articles_updated + self.articles_deleted
    }
}
