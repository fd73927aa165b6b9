//! Errors of connectors and of the sync engine.
//!
//! A connector says *what kind* of failure happened; the engine decides what to do with it:
//!
//! | error | engine |
//! |---|---|
//! | [`ConnectorError::Offline`] | stop the pass, queue untouched (no attempt counted) |
//! | [`ConnectorError::Timeout`], [`ConnectorError::Transport`], [`ConnectorError::Server`] | retry the entry later (exponential backoff with jitter) |
//! | [`ConnectorError::RateLimited`] | retry the entry after `Retry-After` (or backoff), push nothing more this pass |
//! | [`ConnectorError::Auth`] | stop the pass, queue untouched |
//! | [`ConnectorError::Permanent`] | park the entry with the server's message; other tickets go on |
//! | [`ConnectorError::Malformed`] | retry like a 5xx, park after [`crate::RetryPolicy::malformed_limit`] attempts |
//! | [`ConnectorError::OverLimit`] | stop the pass, queue untouched (a broken or hostile server) |
//! | [`ConnectorError::NotSetUp`] | a notice, the pass goes on and is not failed; a pull is skipped, an entry parked (with the admin's fix) |
//!
//! Why park malformed answers at all: a server that keeps answering something that is not its
//! API (a captive portal, a proxy error page, a wrong URL) needs the user's attention; a
//! one-off truncated answer is retried. Parked entries come back with `guichet sync --retry`.

use std::time::Duration;

/// A connector's failure, classified for the engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectorError {
    /// The server cannot be reached at all (no network, DNS failure, connection refused).
    #[error("server unreachable: {0}")]
    Offline(String),
    /// The server did not answer in time.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The connection broke during the exchange (the request may have been processed).
    #[error("connection lost: {0}")]
    Transport(String),
    /// The server asks us to slow down (HTTP 429).
    #[error("rate limited by the server{}", retry_after.map(|d| format!(" (retry after {} s)", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// The server's `Retry-After`, when given.
        retry_after: Option<Duration>,
    },
    /// A server-side failure worth retrying (5xx, 408).
    #[error("server error {status}: {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// The server's message.
        message: String,
    },
    /// Credentials refused.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// The server refused this request for good (4xx other than 408/429).
    #[error("refused by the server ({status}): {message}")]
    Permanent {
        /// HTTP status.
        status: u16,
        /// The server's message, shown to the user.
        message: String,
    },
    /// The answer could not be understood.
    #[error("unexpected answer from the server: {0}")]
    Malformed(String),
    /// The server lacks something only its administrator can add (a knowledge-base class, an
    /// inventory catalog, a custom field, a right); the message names it and how to add it.
    /// Nothing was sent. Not a failure of the pass: the server was set up without it.
    #[error("not set up on the server: {0}")]
    NotSetUp(String),
    /// The server's answer went past one of Guichet's limits (an endless body, a
    /// decompression bomb, endless pages): reading stopped there. Nothing is retried in this
    /// pass and no entry is charged an attempt: the server, not the entry, is at fault.
    #[error(transparent)]
    OverLimit(#[from] crate::http::OverLimit),
}

/// What stops a sync pass.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The local store failed.
    #[error(transparent)]
    Store(#[from] guichet_store::StoreError),
    /// The connector configuration is missing or invalid.
    #[error("{0}")]
    Config(String),
    /// The secret could not be stored or read.
    #[error("{0}")]
    Secret(String),
}
