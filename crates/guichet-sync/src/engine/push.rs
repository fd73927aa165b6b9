//! The push: the outbox in order per ticket. An entry that is parked, waiting for its backoff
//! or cannot be sent yet holds back the later entries *of the same ticket only*; a failure is
//! classified into stopping the pass, parking the entry, or rescheduling it.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use guichet_records::{OutboxEntry, OutboxState};
use guichet_store::StoreError;
use rand::RngCore;
use uuid::Uuid;

use super::{Deferred, Engine, Outcome, PassReport, Pushed, Stop};
use crate::{ConnectorError, SyncError};

/// What the push does after an entry failed.
enum AfterFailure {
    /// Go on with the next entries.
    Next,
    /// Go on, but send nothing more this pass (the server asked to slow down).
    SlowDown,
    /// Stop the pass (offline, credentials refused, a server past a limit).
    Stop,
}

impl Engine<'_> {
    /// Pushes every entry that is due, in order per ticket.
    pub(super) async fn push(
        &self,
        now: DateTime<Utc>,
        rng: &mut (dyn RngCore + Send),
        report: &mut PassReport,
    ) -> Result<(), SyncError> {
        let mut blocked: HashSet<Uuid> = HashSet::new();
        let mut rate_limited = false;
        // `now` is when the pass started; a pass with large files runs for minutes, and the
        // mark of a send in progress must say when that send started (monotonic time added).
        let started = std::time::Instant::now();
        for e in self.store.outbox().await? {
            let clock = now + chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
            let ticket = e.ticket_id;
            if ticket.is_some_and(|t| blocked.contains(&t)) {
                continue;
            }
            if rate_limited || e.state == OutboxState::Parked || e.next_attempt_at > now {
                blocked.extend(ticket);
                continue;
            }
            if let Some(until) = self.settling(&e, clock) {
                report.notices.push(format!(
                    "{} {}: an earlier send was interrupted; it is looked up on the server \
                     from {} (the server may still be finishing it)",
                    e.kind.as_str(),
                    e.uuid,
                    until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ));
                blocked.extend(ticket);
                continue;
            }
            let outcome = match self.push_one(&e, now, clock).await {
                Ok(o) => o,
                Err(SyncError::Store(err)) if is_unreadable(&err) => {
                    // A local file (attachment blob, snapshot) is gone or damaged: retrying
                    // cannot help, so the user must see it.
                    let msg = format!("cannot read local data: {err}");
                    self.store.park_outbox(e.seq, &msg, now).await?;
                    report.deferred.push(deferred(&e, msg, None));
                    blocked.extend(ticket);
                    continue;
                }
                Err(other) => return Err(other),
            };
            match outcome {
                Outcome::NotReady => {
                    blocked.extend(ticket);
                }
                Outcome::AlreadySent(remote_id) => {
                    tracing::info!(kind = e.kind.as_str(), uuid = %e.uuid, %remote_id, "already sent, dropped");
                }
                Outcome::Done(remote_id) => {
                    tracing::info!(kind = e.kind.as_str(), uuid = %e.uuid, %remote_id, "pushed");
                    report.pushed.push(Pushed {
                        kind: e.kind,
                        uuid: e.uuid,
                        remote_id,
                    });
                }
                Outcome::Failed(err) => {
                    match self.failed(&e, err, now, rng, report).await? {
                        AfterFailure::Stop => return Ok(()),
                        AfterFailure::SlowDown => rate_limited = true,
                        AfterFailure::Next => {}
                    }
                    blocked.extend(ticket);
                }
            }
        }
        Ok(())
    }

    /// Until when entry `e` is left to the server, if a send of it was interrupted (its
    /// sender died with the request out) less than the policy's `settle` ago.
    fn settling(&self, e: &OutboxEntry, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let until = e.sending_since? + chrono::Duration::from_std(self.policy.settle).ok()?;
        (until > now).then_some(until)
    }

    /// Records the failure of entry `e`: stops the pass, parks the entry or reschedules it.
    async fn failed(
        &self,
        e: &OutboxEntry,
        err: ConnectorError,
        now: DateTime<Utc>,
        rng: &mut (dyn RngCore + Send),
        report: &mut PassReport,
    ) -> Result<AfterFailure, SyncError> {
        tracing::warn!(kind = e.kind.as_str(), uuid = %e.uuid, error = %err, "push failed");
        let msg = err.to_string();
        let wait = match err {
            // No connection, or credentials refused: the request was not taken, so nothing
            // is left for the server to finish.
            ConnectorError::Offline(_) => {
                self.store.clear_outbox_sending(e.seq).await?;
                report.stopped = Some(Stop::Offline(msg));
                return Ok(AfterFailure::Stop);
            }
            ConnectorError::Auth(_) => {
                self.store.clear_outbox_sending(e.seq).await?;
                report.stopped = Some(Stop::Auth(msg));
                return Ok(AfterFailure::Stop);
            }
            ConnectorError::OverLimit(_) => {
                report.stopped = Some(Stop::OverLimit(msg));
                return Ok(AfterFailure::Stop);
            }
            ConnectorError::NotSetUp(_) => {
                // Parked until an admin adds what is missing (`sync --retry` then). Not a
                // failure of this pass: every pass would fail the same way until then.
                self.store.park_outbox(e.seq, &msg, now).await?;
                report.notices.push(format!(
                    "{} {} parked until `guichet sync --retry`: {msg}",
                    e.kind.as_str(),
                    e.uuid
                ));
                return Ok(AfterFailure::Next);
            }
            ConnectorError::Permanent { .. } => None,
            ConnectorError::Malformed(_) if e.attempts + 1 >= self.policy.malformed_limit => None,
            ConnectorError::RateLimited { retry_after } => {
                Some(retry_after.unwrap_or_else(|| self.policy.delay(e.attempts, rng)))
            }
            // The request may have reached the server, which may still be at it: not before
            // it has had the time to finish (see `RetryPolicy::settle`).
            ConnectorError::Timeout(_) | ConnectorError::Transport(_) => {
                Some(self.policy.delay(e.attempts, rng).max(self.policy.settle))
            }
            ConnectorError::Server { .. } | ConnectorError::Malformed(_) => {
                Some(self.policy.delay(e.attempts, rng))
            }
        };
        let Some(wait) = wait else {
            self.store.park_outbox(e.seq, &msg, now).await?;
            report.deferred.push(deferred(e, msg, None));
            return Ok(AfterFailure::Next);
        };
        let at = now + chrono::Duration::from_std(wait).unwrap_or_default();
        self.store.reschedule_outbox(e.seq, at, &msg).await?;
        report.deferred.push(deferred(e, msg, Some(at)));
        // A rate limit is the server asking the whole client to slow down.
        Ok(match err {
            ConnectorError::RateLimited { .. } => AfterFailure::SlowDown,
            _ => AfterFailure::Next,
        })
    }
}

fn deferred(e: &OutboxEntry, error: String, retry_at: Option<DateTime<Utc>>) -> Deferred {
    Deferred {
        kind: e.kind,
        uuid: e.uuid,
        error,
        retry_at,
    }
}

/// Whether a store error means local data is missing or damaged (not a store failure).
fn is_unreadable(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::NotFound(_) | StoreError::Corrupt { .. } | StoreError::DataDir { .. }
    )
}
