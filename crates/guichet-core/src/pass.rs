//! One sync pass with the configured service desk: push the outbox, pull ticket changes and the
//! knowledge base (the sync engine's guarantees hold whoever calls it).

use chrono::{DateTime, Utc};
use guichet_store::Store;
use guichet_sync::config::ConnectorConfig;
use guichet_sync::http::HttpOptions;
use guichet_sync::{Engine, PassReport, RetryPolicy, Stop, SyncError};
use rand::RngCore;
use serde::Serialize;

use guichet_glpi::Wording;

use crate::{CoreError, ServiceDesk};

/// Runs one engine pass with `desk`, opened with `http`, then ends its server session whatever
/// happened. A send whose outcome is unknown is left to the server for the request timeout
/// before it is looked up there ([`RetryPolicy::settle`]).
pub async fn run_pass(
    store: &Store,
    desk: &ServiceDesk,
    http: &HttpOptions,
    now: DateTime<Utc>,
    rng: &mut (dyn RngCore + Send),
) -> Result<PassReport, CoreError> {
    let policy = RetryPolicy::with_request_timeout(http.timeout);
    let engine = Engine::new(store, desk.connector(), Some(store), policy);
    let report = engine.pass(now, rng).await;
    desk.close().await;
    let report = report?;
    // The pull may have brought the service desk's own article for a check: its starter
    // article goes (or comes back, when the desk's was removed).
    if let Err(e) = crate::install_starter_articles(store).await {
        tracing::warn!(error = %e, "starter articles not brought up to date");
    }
    Ok(report)
}

/// How a sync attempted on the side of another use case ended (a bundle import, a scheduled
/// run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncOutcome {
    /// Everything went through.
    Ok,
    /// The server could not be reached; the queue is kept.
    Offline,
    /// The server refused the credentials; the queue is kept.
    Auth,
    /// The pass ran, but some items failed: a pull, or an entry the server did not take (see
    /// the message).
    Incomplete,
    /// No service desk is configured.
    NotConfigured,
    /// The settings or the keyring entry are unusable, or the server's answers went past
    /// Guichet's limits (a broken or hostile server); the queue is kept.
    Failed,
    /// Another process on this store was syncing for longer than a pass waits; it sends the
    /// queue.
    Busy,
}

impl SyncOutcome {
    /// The outcome's stable name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncOutcome::Ok => "ok",
            SyncOutcome::Offline => "offline",
            SyncOutcome::Auth => "auth",
            SyncOutcome::Incomplete => "incomplete",
            SyncOutcome::NotConfigured => "not_configured",
            SyncOutcome::Failed => "failed",
            SyncOutcome::Busy => "busy",
        }
    }

    /// The outcome a pass's report stands for, with its message.
    pub fn of(report: &PassReport) -> (SyncOutcome, Option<String>) {
        match &report.stopped {
            Some(Stop::Offline(m)) => (SyncOutcome::Offline, Some(m.clone())),
            Some(Stop::Auth(m)) => (SyncOutcome::Auth, Some(m.clone())),
            Some(Stop::Busy(m)) => (SyncOutcome::Busy, Some(m.clone())),
            Some(Stop::OverLimit(m)) => (SyncOutcome::Failed, Some(m.clone())),
            None if !report.errors.is_empty() || !report.deferred.is_empty() => {
                (SyncOutcome::Incomplete, Some(report.problems().join("; ")))
            }
            None => (SyncOutcome::Ok, None),
        }
    }
}

/// The result of [`sync_configured`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncAttempt {
    /// How it ended.
    pub outcome: SyncOutcome,
    /// What went wrong, if anything.
    pub message: Option<String>,
    /// Entries sent.
    pub pushed: usize,
    /// Items pulled.
    pub pulled: usize,
    /// The connector's name, when one is configured.
    pub connector: Option<String>,
}

/// Runs one sync pass with the service desk saved in the store, if there is one; `http` gives
/// the HTTP settings for it, `wording` the front end's words for GLPI's errors. Being offline, refused credentials, unusable settings or a missing
/// keyring entry are outcomes, not errors: the queue is kept.
pub async fn sync_configured(
    store: &Store,
    http: impl FnOnce(&ConnectorConfig) -> Result<HttpOptions, CoreError>,
    wording: Wording,
    now: DateTime<Utc>,
) -> Result<SyncAttempt, CoreError> {
    let attempt = |outcome, message: Option<String>, connector: Option<String>| SyncAttempt {
        outcome,
        message,
        pushed: 0,
        pulled: 0,
        connector,
    };
    let Some(cfg) = ConnectorConfig::load(store).await? else {
        return Ok(attempt(SyncOutcome::NotConfigured, None, None));
    };
    let kind = Some(cfg.kind.clone());
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::from_os_rng();
    let report = match open_and_pass(store, &cfg, http, wording, now, &mut rng).await {
        Ok(r) => r,
        // Unusable settings or a missing keyring entry: the queue waits for a new connection.
        Err(
            e @ (CoreError::Sync(SyncError::Config(_) | SyncError::Secret(_))
            | CoreError::UnknownConnector(_)
            | CoreError::Invalid(_)),
        ) => return Ok(attempt(SyncOutcome::Failed, Some(e.to_string()), kind)),
        Err(e) => return Err(e),
    };
    let (outcome, message) = SyncOutcome::of(&report);
    Ok(SyncAttempt {
        outcome,
        message,
        pushed: report.pushed.len(),
        pulled: report.pulled(),
        connector: kind,
    })
}

async fn open_and_pass(
    store: &Store,
    cfg: &ConnectorConfig,
    http: impl FnOnce(&ConnectorConfig) -> Result<HttpOptions, CoreError>,
    wording: Wording,
    now: DateTime<Utc>,
    rng: &mut (dyn RngCore + Send),
) -> Result<PassReport, CoreError> {
    let http = http(cfg)?;
    let desk = crate::open_desk(store, cfg, &http, wording, now).await?;
    run_pass(store, &desk, &http, now, rng).await
}
