//! What a check may know beyond the machine itself: the time, the configured service desk, the
//! user's home, and how long it may take. Passed in, so the evaluations are deterministic.
//! It also carries what the checks of one run share: the run's one visit to the service desk.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::desk_probe::visit::{VisitKey, VisitSlot};
use crate::desk_probe::{DeskAddress, DeskVisit, ProxyChoice};

/// The service desk this machine syncs with, as the network checks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskTarget {
    /// Its base URL as configured (`https://glpi.example.org/`).
    pub url: String,
    /// The proxy the connection is configured with, if any (no credentials).
    pub proxy: Option<String>,
}

/// Everything a run of the checks is given. A clone is a new run: it shares no reading with
/// the original (see [`Context::desk_visit`]).
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
    /// The user's cache folder for Guichet, where checks keep what is slow to compute again
    /// (the pending updates' count); `None` keeps nothing on disk.
    pub cache_dir: Option<PathBuf>,
    /// The run's visit to the desk, started by the first check needing it.
    visit: VisitSlot,
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
            cache_dir: None,
            visit: VisitSlot::default(),
        }
    }

    /// The run's one visit to `desk` through `proxy` (with [`Context::desk_ca_file`]): the
    /// first caller starts it, to end by its `deadline`; later callers share it (and wait for
    /// it until their own deadline, see [`DeskVisit::wait`]).
    pub fn desk_visit(
        &self,
        desk: &DeskAddress,
        proxy: Option<&ProxyChoice>,
        deadline: Instant,
    ) -> Arc<DeskVisit> {
        let key = VisitKey {
            desk: desk.clone(),
            proxy: proxy.cloned(),
            ca_file: self.desk_ca_file.clone(),
        };
        self.visit.get_or_start(key, deadline)
    }
}
