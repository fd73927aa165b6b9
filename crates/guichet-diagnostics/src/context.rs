//! What a check may know beyond the machine itself: the time, the configured service desk, the
//! user's home, and how long it may take. Passed in, so the evaluations are deterministic.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// The service desk this machine syncs with, as the network checks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskTarget {
    /// Its base URL as configured (`https://glpi.example.org/`).
    pub url: String,
    /// The proxy the connection is configured with, if any (no credentials).
    pub proxy: Option<String>,
}

/// Everything a run of the checks is given.
#[derive(Debug, Clone)]
pub struct Context {
    /// When the run started.
    pub now: DateTime<Utc>,
    /// The configured service desk, `None` when none is set up (its checks answer `unknown`).
    pub desk: Option<DeskTarget>,
    /// The user's home folder (trash and caches), if known.
    pub home: Option<PathBuf>,
    /// How long each check may take before it is reported as too slow.
    pub timeout: Duration,
    /// Extra CA certificates (PEM) the connection to the desk trusts besides the system's
    /// (the connector's `ca_file`), so the desk checks judge its certificate as the sync does.
    pub desk_ca_file: Option<PathBuf>,
    /// The network is to be taken as down whatever the machine says (`GUICHET_OFFLINE=1`:
    /// tests, demos), so the checks and the app's header tell the same state.
    pub network_forced_down: bool,
}

impl Context {
    /// A context at `now` with the default 1 s per check and nothing configured.
    pub fn new(now: DateTime<Utc>) -> Self {
        Context {
            now,
            desk: None,
            home: None,
            timeout: Duration::from_secs(1),
            desk_ca_file: None,
            network_forced_down: false,
        }
    }
}
