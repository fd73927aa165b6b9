//! Runs the per-category collectors of the current OS in parallel, against one deadline, and
//! assembles an [`Inventory`]. A collector that fails, is not permitted or overruns yields a
//! recorded [`CollectError`] for its category; the rest of the inventory is still returned.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::model::{Category, CollectError, CollectErrorKind, Inventory};
use crate::probe::{Probe, RunError};

/// What one category collector produced: a partial inventory holding only its own fields,
/// plus any narrower errors (one failing package source inside `software`, say).
#[derive(Debug, Default)]
pub struct Section {
    /// Partial inventory: only the fields of the collector's category are read from it.
    pub found: Inventory,
    /// Errors of sources inside the category that did not stop the category.
    pub errors: Vec<CollectError>,
}

impl Section {
    /// Records a narrower error for `source` inside `category`.
    pub fn error(&mut self, category: Category, source: &str, err: impl Into<SourceError>) {
        let e: SourceError = err.into();
        self.errors.push(CollectError {
            category,
            source: Some(source.to_string()),
            kind: e.kind,
            message: e.message,
        });
    }
}

/// A failure of one source, before it is pinned to a category.
#[derive(Debug, Clone)]
pub struct SourceError {
    /// Kind of failure.
    pub kind: CollectErrorKind,
    /// Detail.
    pub message: String,
}

impl SourceError {
    /// A failure of the given kind.
    pub fn new(kind: CollectErrorKind, message: impl Into<String>) -> Self {
        SourceError {
            kind,
            message: message.into(),
        }
    }
}

impl From<RunError> for SourceError {
    fn from(e: RunError) -> Self {
        let kind = match &e {
            RunError::NotFound(_) => CollectErrorKind::Unavailable,
            RunError::TimedOut(_) => CollectErrorKind::TimedOut,
            RunError::Failed { stderr, .. }
                if stderr.contains("Permission denied")
                    || stderr.contains("permission denied")
                    || stderr.contains("must be root")
                    || stderr.contains("Operation not permitted") =>
            {
                CollectErrorKind::PermissionDenied
            }
            RunError::Failed { .. } | RunError::Io(..) => CollectErrorKind::Failed,
        };
        SourceError::new(kind, e.to_string())
    }
}

impl From<std::io::Error> for SourceError {
    fn from(e: std::io::Error) -> Self {
        let kind = match e.kind() {
            std::io::ErrorKind::PermissionDenied => CollectErrorKind::PermissionDenied,
            std::io::ErrorKind::NotFound => CollectErrorKind::Unavailable,
            _ => CollectErrorKind::Failed,
        };
        SourceError::new(kind, e.to_string())
    }
}

/// A category collector: fills its fields of the section, or fails as a whole.
pub type Collector = fn(&Probe) -> Result<Section, SourceError>;

/// Options of one collection run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Categories to collect; empty means all.
    pub categories: Vec<Category>,
    /// Time allowed for the whole collection; sources still running then are killed and
    /// recorded as timed out.
    pub timeout: Duration,
    /// Collection timestamp, passed in so that tests are deterministic.
    pub now: DateTime<Utc>,
}

impl Options {
    /// All categories, with a 30 s budget.
    pub fn all(now: DateTime<Utc>) -> Self {
        Options {
            categories: Vec::new(),
            timeout: Duration::from_secs(30),
            now,
        }
    }
}

/// Collects an inventory of the running system.
pub fn collect(opts: &Options) -> Inventory {
    let probe = Probe::system(opts.now, opts.timeout);
    collect_with(&probe, opts, crate::platform::collector)
}

/// Collects one category of the running system with `probe` (its deadline bounds the
/// commands), e.g. the batteries or the security products alone.
pub fn collect_category(probe: &Probe, cat: Category) -> Inventory {
    let opts = Options {
        categories: vec![cat],
        timeout: probe.remaining(),
        now: probe.now(),
    };
    collect_with(probe, &opts, crate::platform::collector)
}

/// Runs one collector on its own thread, which sends the category's result on `tx`.
///
/// Detached threads rather than scoped ones: a collector stuck in a syscall past the deadline
/// must not hold the whole inventory hostage. Its commands are killed at the deadline by the
/// probe, so such a thread ends soon after anyway.
fn spawn(
    cat: Category,
    collector: Collector,
    probe: Probe,
    tx: mpsc::Sender<(Category, Result<Section, SourceError>)>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name(format!("collect-{cat}"))
        .stack_size(256 * 1024)
        .spawn(move || {
            let r = std::panic::catch_unwind(|| collector(&probe)).unwrap_or_else(|_| {
                Err(SourceError::new(
                    CollectErrorKind::Failed,
                    "collector panicked (bug): please report it",
                ))
            });
            let _ = tx.send((cat, r));
        })
        .map(drop)
}

/// Collects with a given probe and collector table (tests use fixture probes and fake tables).
pub fn collect_with(
    probe: &Probe,
    opts: &Options,
    table: fn(Category) -> Option<Collector>,
) -> Inventory {
    let started = Instant::now();
    let mut inv = Inventory::new(opts.now, env!("CARGO_PKG_VERSION"));
    let mut wanted: Vec<Category> = if opts.categories.is_empty() {
        Category::ALL.to_vec()
    } else {
        opts.categories.clone()
    };
    wanted.sort();
    wanted.dedup();
    inv.categories = wanted.clone();

    let (tx, rx) = mpsc::channel::<(Category, Result<Section, SourceError>)>();
    let mut pending = Vec::new();
    for cat in wanted {
        let Some(collector) = table(cat) else {
            inv.errors.push(CollectError {
                category: cat,
                source: None,
                kind: CollectErrorKind::Unsupported,
                message: format!("{cat} is not collected on {}", std::env::consts::OS),
            });
            continue;
        };
        pending.push(cat);
        if let Err(e) = spawn(cat, collector, probe.clone(), tx.clone()) {
            pending.retain(|c| *c != cat);
            inv.errors.push(CollectError {
                category: cat,
                source: None,
                kind: CollectErrorKind::Failed,
                message: format!("could not start collector thread: {e}"),
            });
        }
    }
    drop(tx);

    while !pending.is_empty() {
        // A little grace after the deadline lets collectors report the commands killed at it.
        let left = probe.remaining() + Duration::from_millis(200);
        match rx.recv_timeout(left) {
            Ok((cat, result)) => {
                pending.retain(|c| *c != cat);
                match result {
                    Ok(section) => {
                        merge(&mut inv, section.found, cat);
                        inv.errors.extend(section.errors);
                    }
                    Err(e) => inv.errors.push(CollectError {
                        category: cat,
                        source: None,
                        kind: e.kind,
                        message: e.message,
                    }),
                }
            }
            Err(_) => break,
        }
    }
    for cat in pending {
        inv.errors.push(CollectError {
            category: cat,
            source: None,
            kind: CollectErrorKind::TimedOut,
            message: format!("{cat} did not finish within {:?}", opts.timeout),
        });
    }
    inv.errors.sort_by(|a, b| {
        (a.category, &a.source, &a.message).cmp(&(b.category, &b.source, &b.message))
    });
    inv.duration_ms = started.elapsed().as_millis() as u64;
    inv
}

/// Moves the fields that belong to `cat` from `part` into `inv`.
pub fn merge(inv: &mut Inventory, part: Inventory, cat: Category) {
    match cat {
        Category::Os => inv.os = part.os,
        Category::Machine => inv.machine = part.machine,
        Category::Cpus => inv.cpus = part.cpus,
        Category::Memory => inv.memory = part.memory,
        Category::Storage => inv.storage = part.storage,
        Category::Volumes => inv.volumes = part.volumes,
        Category::Network => {
            inv.network = part.network;
            inv.gateways = part.gateways;
            inv.dns_servers = part.dns_servers;
        }
        Category::Controllers => inv.controllers = part.controllers,
        Category::Usb => inv.usb = part.usb,
        Category::Monitors => inv.monitors = part.monitors,
        Category::Batteries => inv.batteries = part.batteries,
        Category::Users => {
            inv.users = part.users;
            inv.groups = part.groups;
        }
        Category::Software => inv.software = part.software,
        Category::Security => inv.security = part.security,
        Category::Virtualization => inv.virtualization = part.virtualization,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Cpu;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn ok_cpus(_: &Probe) -> Result<Section, SourceError> {
        let mut s = Section::default();
        s.found.cpus.push(Cpu {
            name: "Test CPU".into(),
            ..Default::default()
        });
        // A field of another category must not leak through the merge.
        s.found.gateways.push("10.0.0.1".into());
        Ok(s)
    }
    fn denied(_: &Probe) -> Result<Section, SourceError> {
        Err(SourceError::new(
            CollectErrorKind::PermissionDenied,
            "dmidecode needs root",
        ))
    }
    fn panics(_: &Probe) -> Result<Section, SourceError> {
        panic!("boom")
    }
    fn slow(_: &Probe) -> Result<Section, SourceError> {
        std::thread::sleep(Duration::from_secs(5));
        Ok(Section::default())
    }
    fn table(c: Category) -> Option<Collector> {
        match c {
            Category::Cpus => Some(ok_cpus),
            Category::Machine => Some(denied),
            Category::Memory => Some(panics),
            Category::Storage => Some(slow),
            _ => None,
        }
    }

    #[test]
    fn failing_collectors_become_errors_and_the_rest_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let probe = Probe::fixture(dir.path(), t0());
        let opts = Options {
            categories: vec![Category::Cpus, Category::Machine, Category::Memory],
            timeout: Duration::from_secs(5),
            now: t0(),
        };
        let inv = collect_with(&probe, &opts, table);
        assert_eq!(inv.cpus.len(), 1);
        assert!(inv.gateways.is_empty(), "merge leaked a foreign field");
        assert_eq!(inv.collected_at, t0());
        let kinds: Vec<_> = inv.errors.iter().map(|e| (e.category, e.kind)).collect();
        assert!(kinds.contains(&(Category::Machine, CollectErrorKind::PermissionDenied)));
        assert!(kinds.contains(&(Category::Memory, CollectErrorKind::Failed)));
    }

    #[test]
    fn a_collector_past_the_deadline_is_recorded_as_timed_out() {
        let dir = tempfile::tempdir().unwrap();
        let mut probe = Probe::fixture(dir.path(), t0());
        probe = probe.with_timeout(Duration::from_millis(100));
        let opts = Options {
            categories: vec![Category::Storage, Category::Cpus],
            timeout: Duration::from_millis(100),
            now: t0(),
        };
        let started = Instant::now();
        let inv = collect_with(&probe, &opts, table);
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(inv.cpus.len(), 1);
        assert!(inv
            .errors
            .iter()
            .any(|e| e.category == Category::Storage && e.kind == CollectErrorKind::TimedOut));
    }

    #[test]
    fn unsupported_categories_are_reported_not_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let probe = Probe::fixture(dir.path(), t0());
        let opts = Options {
            categories: vec![Category::Batteries],
            timeout: Duration::from_secs(1),
            now: t0(),
        };
        let inv = collect_with(&probe, &opts, table);
        assert_eq!(inv.errors.len(), 1);
        assert_eq!(inv.errors[0].kind, CollectErrorKind::Unsupported);
    }
}
