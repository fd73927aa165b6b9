//! Test support shared by the collectors' tests: building fake `/sys`, `/proc` and `/etc` trees
//! in a temporary directory for a fixture [`Probe`](crate::probe::Probe).

use std::fs;
use std::path::Path;

use chrono::{DateTime, Utc};

/// Writes `content` to `root/rel`, creating parent directories.
pub fn write(root: &Path, rel: &str, content: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(p, content).expect("write");
}

/// Creates a symbolic link `root/rel` → `target`, creating parent directories.
pub fn link(root: &Path, rel: &str, target: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::os::unix::fs::symlink(target, p).expect("symlink");
}

/// The collection time the collector tests pass in.
pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
        .expect("time")
        .with_timezone(&Utc)
}
