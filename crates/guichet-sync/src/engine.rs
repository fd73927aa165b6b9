//! One sync pass: authenticate, push the outbox, pull ticket changes, pull the knowledge base.
//!
//! Guarantees:
//! * One sender per store: a pass (and a push) holds the store's sync lock, an OS file lock
//!   that every process honours (the app's background sync, the scheduled agent, a person at
//!   the command line) and that the kernel releases when its holder dies. Two processes never
//!   send the same entry at once, so the look-up-before-create below is never raced.
//! * Nothing is lost: an entry leaves the outbox only in the transaction that records the
//!   server's id. Killing the process at any point leaves it queued, and the connector's
//!   check-before-create finds the object a lost answer created.
//! * Nothing is sent twice, even when the sender dies with its request out: the entry is marked
//!   as being sent (`sending_since`) just before the request leaves, and an entry still marked
//!   is left alone for [`RetryPolicy::settle`] (the request timeout), `sync --retry` included,
//!   since the server may still be finishing that request and a look-up before it has
//!   committed finds nothing. A timed-out or broken request waits as long before its retry.
//! * Order per ticket: a ticket's entries go in `seq` order; one that is parked or waiting for
//!   its backoff holds back the later entries *of the same ticket only*.
//! * Backoff: `base · 2^attempts`, capped, with equal jitter (half fixed, half random) so that
//!   many agents coming back online do not hit the server in step. `Retry-After` wins.
//! * Cursors move only in (or after) the local commit of what they cover.
//!
//! Time (`now`) and randomness (`rng`) are passed in, so tests drive them.
//!
//! Submodules: `push` (the outbox in order per ticket, failures classified), `outgoing`
//! (sending one entry and committing the server's id), `pull` (ticket changes and the
//! knowledge base), `retry` (backoff), `report` (what a pass did).

mod outgoing;
mod pull;
mod push;
mod report;
mod retry;

use chrono::{DateTime, Utc};
use std::time::Duration;

use guichet_store::{Store, SyncLock};
use rand::RngCore;

use crate::connector::Connector;
use crate::kb::KbSink;
use crate::{ConnectorError, SyncError};

pub use report::{Deferred, PassReport, Pushed, Stop};
pub use retry::RetryPolicy;

/// The sync engine for one connector.
#[allow(missing_debug_implementations)] // holds trait objects
pub struct Engine<'a> {
    store: &'a Store,
    connector: &'a dyn Connector,
    kb: Option<&'a dyn KbSink>,
    policy: RetryPolicy,
    lock_wait: Duration,
}

/// How long a pass waits for another process's pass on the same store by default: a pass
/// takes seconds, but a slow server with large files can take minutes.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(600);

/// What became of one outbox entry.
enum Outcome {
    /// Sent; the server's id.
    Done(String),
    /// Not sent: why, for the engine to decide on a retry.
    Failed(ConnectorError),
    /// The entry cannot be sent yet (its ticket has no server id); it waits untouched.
    NotReady,
    /// The entry was already sent (an inventory snapshot the server has): removed unsent.
    AlreadySent(String),
}

impl<'a> Engine<'a> {
    /// An engine writing tickets to `store` and articles to `kb`; without `kb` the knowledge
    /// base is not pulled at all (its cursor stays where it is).
    pub fn new(
        store: &'a Store,
        connector: &'a dyn Connector,
        kb: Option<&'a dyn KbSink>,
        policy: RetryPolicy,
    ) -> Self {
        Engine {
            store,
            connector,
            kb,
            policy,
            lock_wait: DEFAULT_LOCK_WAIT,
        }
    }

    /// Waits at most `wait` for another process's pass to finish ([`DEFAULT_LOCK_WAIT`]
    /// otherwise); past it, the pass stops with [`Stop::Busy`].
    pub fn with_lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// Takes the store's sync lock, waiting for another holder up to the engine's limit;
    /// `None`, with the pass stopped as [`Stop::Busy`], when it is still held then.
    async fn lock(
        &self,
        now: DateTime<Utc>,
        report: &mut PassReport,
    ) -> Result<Option<SyncLock>, SyncError> {
        let started = std::time::Instant::now();
        let mut pause = Duration::from_millis(20);
        loop {
            if let Some(lock) = self.store.try_lock_sync(now)? {
                return Ok(Some(lock));
            }
            if started.elapsed() >= self.lock_wait {
                let who = self
                    .store
                    .sync_lock_holder()
                    .map_or_else(|| "another process".to_string(), |h| h.to_string());
                report.stopped = Some(Stop::Busy(format!(
                    "another sync of this store is running ({who}); it sends the queue"
                )));
                return Ok(None);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(250));
        }
    }

    /// Runs one pass and records its outcome in the store's sync status.
    pub async fn pass(
        &self,
        now: DateTime<Utc>,
        rng: &mut (dyn RngCore + Send),
    ) -> Result<PassReport, SyncError> {
        let mut report = PassReport::default();
        // Busy is not recorded as this store's sync status: the holder records its own.
        let Some(_lock) = self.lock(now, &mut report).await? else {
            return Ok(report);
        };
        let result = self.run(now, rng, &mut report).await;
        let name = self.connector.name();
        match (&result, &report.stopped) {
            (Err(e), _) => {
                self.store
                    .record_sync(name, now, Err(&e.to_string()))
                    .await?
            }
            (
                Ok(()),
                Some(Stop::Offline(m) | Stop::Auth(m) | Stop::Busy(m) | Stop::OverLimit(m)),
            ) => self.store.record_sync(name, now, Err(m)).await?,
            (Ok(()), None) if !report.errors.is_empty() || !report.deferred.is_empty() => {
                // An entry the server did not take is not a success, even if the pulls were.
                self.store
                    .record_sync(name, now, Err(&report.problems().join("; ")))
                    .await?
            }
            (Ok(()), None) => {
                self.store
                    .record_sync(
                        name,
                        now,
                        Ok((report.pushed.len() as i64, report.pulled() as i64)),
                    )
                    .await?
            }
        }
        result.map(|()| report)
    }

    /// Authenticates and pushes the due outbox entries, nothing else: no pulls, no status
    /// recorded. For measuring the push path alone (`guichet bench sync`); the guarantees of a
    /// push are those of [`Engine::pass`].
    pub async fn push_only(
        &self,
        now: DateTime<Utc>,
        rng: &mut (dyn RngCore + Send),
    ) -> Result<PassReport, SyncError> {
        let mut report = PassReport::default();
        let Some(_lock) = self.lock(now, &mut report).await? else {
            return Ok(report);
        };
        if let Err(e) = self.connector.authenticate().await {
            report.stopped = Some(Stop::Offline(e.to_string()));
            return Ok(report);
        }
        self.push(now, rng, &mut report).await?;
        Ok(report)
    }

    async fn run(
        &self,
        now: DateTime<Utc>,
        rng: &mut (dyn RngCore + Send),
        report: &mut PassReport,
    ) -> Result<(), SyncError> {
        match self.connector.authenticate().await {
            Ok(()) => {}
            Err(e) => {
                report.stopped = Some(match e {
                    ConnectorError::Auth(_) => Stop::Auth(e.to_string()),
                    ConnectorError::OverLimit(_) => Stop::OverLimit(e.to_string()),
                    ConnectorError::Offline(_) | ConnectorError::Timeout(_) => {
                        Stop::Offline(e.to_string())
                    }
                    // Anything else at this stage is the server being unwell: nothing was
                    // sent, so the queue is untouched either way.
                    other => Stop::Offline(other.to_string()),
                });
                return Ok(());
            }
        }
        self.push(now, rng, report).await?;
        if report.stopped.is_some() {
            return Ok(());
        }
        self.pull_tickets(now, report).await?;
        if report.stopped.is_some() {
            return Ok(());
        }
        self.pull_kb(now, rng, report).await?;
        Ok(())
    }
}
