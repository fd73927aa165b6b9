//! Errors of the test kit: a failed RT or GLPI script, an HTTP failure or an
//! unexpected REST2 answer.

use std::path::PathBuf;

/// Everything that can go wrong while driving the test server or the proxy.
#[derive(Debug, thiserror::Error)]
pub enum TestkitError {
    /// The Request Tracker 5 packages are not installed on this machine.
    #[error(
        "Request Tracker 5 is not installed (request-tracker5, rt5-db-sqlite, rt5-standalone); \
         run scripts/install-rt.sh as root"
    )]
    NotInstalled,
    /// A `scripts/rt/*.sh` or `scripts/glpi/*.sh` script failed; `stderr` holds its diagnostics.
    #[error("{script} failed ({status}): {stderr}")]
    Script {
        /// The script that was run.
        script: PathBuf,
        /// How it exited.
        status: String,
        /// What it printed on stderr (it shows RT's log tail on failure).
        stderr: String,
    },
    /// A shared server could not be started (the first error is repeated
    /// to every test of the binary).
    #[error("shared server unavailable: {0}")]
    SharedServer(String),
    /// Local I/O (temporary directory, sockets, spawning scripts).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The HTTP request itself failed.
    #[error("HTTP error: {0}")]
    Http(#[from] reqwest::Error),
    /// RT answered with an unexpected status.
    #[error("{method} {path}: HTTP {status}: {body}")]
    Rest {
        /// Request method.
        method: String,
        /// Request path below `/REST/2.0`.
        path: String,
        /// Status RT answered.
        status: u16,
        /// Body RT answered (usually `{"message": ...}`).
        body: String,
    },
    /// RT answered 2xx but the answer lacked something we rely on.
    #[error("unexpected REST2 answer: {0}")]
    BadResponse(String),
}
