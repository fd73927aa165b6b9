//! The store-wide sync lock: one sender at a time, whichever process it is.
//!
//! The desktop app's background sync, the scheduled agent and a person typing `guichet sync`
//! can all run a pass on one data directory at the same moment. Each would read the same
//! outbox entries and send them, and the connectors' look-up-before-create cannot close that
//! window: both look, find nothing, and both create. So a pass first takes this lock.
//!
//! Why an OS file lock (`flock`/`LockFileEx`) rather than a lease row in SQLite: the kernel
//! releases it the instant its holder dies, `kill -9` included, so a crashed sync never keeps
//! the queue waiting for a lease to expire, and no clock is involved. The lock file also holds
//! the holder's process id and start time, only to tell a waiting user who holds it.

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::{Store, StoreError};

/// File name of the sync lock inside the data directory.
pub const SYNC_LOCK_FILE: &str = "guichet.sync.lock";

/// The held sync lock; dropping it (or the process dying) releases it.
#[derive(Debug)]
pub struct SyncLock {
    _file: File,
}

/// Who holds the sync lock, as its holder wrote it (for messages only: it may be stale by the
/// time it is read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncLockHolder {
    /// The holder's process id.
    pub pid: u32,
    /// When it took the lock.
    pub since: Option<DateTime<Utc>>,
}

impl std::fmt::Display for SyncLockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "process {}", self.pid)?;
        if let Some(since) = self.since {
            write!(f, " since {}", since.format("%Y-%m-%d %H:%M:%S UTC"))?;
        }
        Ok(())
    }
}

impl Store {
    /// Takes the sync lock if no other sender holds it: `Ok(None)` when one does (see
    /// [`Store::sync_lock_holder`]). Never blocks; callers wait by retrying.
    pub fn try_lock_sync(&self, now: DateTime<Utc>) -> Result<Option<SyncLock>, StoreError> {
        try_lock_sync_at(self.dir(), now)
    }

    /// Who wrote the sync lock last, if anyone did: the holder while it is held.
    pub fn sync_lock_holder(&self) -> Option<SyncLockHolder> {
        sync_lock_holder_at(self.dir())
    }
}

/// [`Store::try_lock_sync`] on the data directory `dir`, for what must not run under a sync
/// without opening the store (a repair of a damaged one).
pub(crate) fn try_lock_sync_at(
    dir: &Path,
    now: DateTime<Utc>,
) -> Result<Option<SyncLock>, StoreError> {
    let path = dir.join(SYNC_LOCK_FILE);
    let io = |source| StoreError::DataDir {
        path: path.clone(),
        source,
    };
    let mut file = crate::private_files::private_file_options()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    // Best effort: the note is for people; the lock itself is what protects.
    let note = format!("{} {}\n", std::process::id(), now.to_rfc3339());
    let _ = file
        .set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| file.write_all(note.as_bytes()));
    Ok(Some(SyncLock { _file: file }))
}

/// [`Store::sync_lock_holder`] on the data directory `dir`.
pub(crate) fn sync_lock_holder_at(dir: &Path) -> Option<SyncLockHolder> {
    let text = std::fs::read_to_string(dir.join(SYNC_LOCK_FILE)).ok()?;
    let mut words = text.split_whitespace();
    let pid = words.next()?.parse().ok()?;
    let since = words
        .next()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc));
    Some(SyncLockHolder { pid, since })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_sender_waits_until_the_first_releases() {
        let dir = tempfile::tempdir().unwrap();
        let a = Store::open(dir.path()).await.unwrap();
        let b = Store::open(dir.path()).await.unwrap();
        let now = Utc::now();
        let held = a.try_lock_sync(now).unwrap().expect("free at first");
        assert!(b.try_lock_sync(now).unwrap().is_none(), "held by a");
        let holder = b.sync_lock_holder().unwrap();
        assert_eq!(holder.pid, std::process::id());
        drop(held);
        assert!(b.try_lock_sync(now).unwrap().is_some(), "released");
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_killed_holder_releases_the_sync_lock_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        // Another process holds the lock (util-linux `flock` takes the same flock(2) lock).
        // `-o`: its `sleep` child does not inherit the lock, so killing `flock` is enough.
        let mut holder = std::process::Command::new("flock")
            .arg("-o")
            .arg(dir.path().join(SYNC_LOCK_FILE))
            .args(["sleep", "60"])
            .spawn()
            .expect("flock (util-linux)");
        let now = Utc::now();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while store.try_lock_sync(now).unwrap().is_some() {
            assert!(
                std::time::Instant::now() < deadline,
                "flock never took the lock"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        holder.kill().unwrap(); // SIGKILL: no chance to clean up
        holder.wait().unwrap();
        assert!(
            store.try_lock_sync(now).unwrap().is_some(),
            "free as soon as its holder is dead, no lease to wait out"
        );
    }
}
