//! The pending-updates count kept on disk between runs, in the user's cache folder.
//!
//! Counting reads apt's package lists (about 50 MB once decompressed by `apt-helper cat-file`):
//! a quarter of a second on an idle machine, past the checks' 1 s budget on a loaded one. The
//! lists change only at `apt update` and the dpkg database at each install, so the count is
//! kept with what it was made from (each file's path, size and modification time, the
//! [`Stamp`]) and used again by the next process while none of them changed: only the first
//! count after an `apt update` or an install pays.
//!
//! The file is the user's own (folder 0700, file 0600, written whole then renamed into
//! place); read back bounded, and any file that does not parse, or was made from other files,
//! is ignored and counted again. No root is needed.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::parse::apt_lists::PendingUpdates;

/// The file's name in the cache folder.
pub const FILE_NAME: &str = "apt-pending-updates.json";
/// This file's layout; another is ignored.
const FORMAT: u32 = 1;
/// The most bytes read back (a count of every package of a release is far below).
const LIMIT: u64 = 8 << 20;

/// One file a count was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StampEntry {
    /// Its path as read (under the probe's root).
    pub path: String,
    /// Its size in bytes (0 when missing).
    pub len: u64,
    /// Its modification time, seconds and nanoseconds since 1970, when known.
    pub modified: Option<(u64, u32)>,
}

impl StampEntry {
    /// An entry from a path and its metadata, if it could be read.
    pub fn new(path: String, meta: Option<&std::fs::Metadata>) -> Self {
        let modified = meta
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| (d.as_secs(), d.subsec_nanos()));
        StampEntry {
            path,
            len: meta.map_or(0, std::fs::Metadata::len),
            modified,
        }
    }
}

/// What a count was made from: the root read, then the dpkg status and each list.
pub type Stamp = Vec<StampEntry>;

#[derive(Serialize, Deserialize)]
struct Kept {
    format: u32,
    stamp: Stamp,
    counted: PendingUpdates,
}

/// The count kept in `dir` if it was made from exactly `stamp`.
pub fn read(dir: &Path, stamp: &Stamp) -> Option<PendingUpdates> {
    let file = std::fs::File::open(dir.join(FILE_NAME)).ok()?;
    let mut bytes = Vec::new();
    file.take(LIMIT + 1).read_to_end(&mut bytes).ok()?;
    if bytes.len() as u64 > LIMIT {
        return None;
    }
    let kept: Kept = serde_json::from_slice(&bytes).ok()?;
    (kept.format == FORMAT && kept.stamp == *stamp).then_some(kept.counted)
}

/// Keeps `counted`, made from `stamp`, in `dir` (created owner-only if missing).
pub fn write(dir: &Path, stamp: &Stamp, counted: &PendingUpdates) -> std::io::Result<()> {
    private_dir(dir)?;
    let kept = Kept {
        format: FORMAT,
        stamp: stamp.clone(),
        counted: counted.clone(),
    };
    let bytes = serde_json::to_vec(&kept).map_err(std::io::Error::other)?;
    let unique = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let part = dir.join(format!(".{FILE_NAME}.{}.{unique}", std::process::id()));
    let written = private_file(&part).and_then(|mut f| {
        f.write_all(&bytes)?;
        f.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&part, dir.join(FILE_NAME))) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            Err(e)
        }
    }
}

#[cfg(unix)]
fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::apt_lists::PendingPackage;

    fn stamp(len: u64) -> Stamp {
        vec![
            StampEntry::new("/".into(), None),
            StampEntry {
                path: "/var/lib/dpkg/status".into(),
                len,
                modified: Some((1_765_000_000, 12)),
            },
        ]
    }

    fn counted() -> PendingUpdates {
        PendingUpdates {
            packages: vec![PendingPackage {
                name: "openssl".into(),
                arch: "amd64".into(),
                installed: "3.0.15-1~deb12u1".into(),
                candidate: "3.0.17-1~deb12u2".into(),
                security: true,
            }],
        }
    }

    #[test]
    fn a_kept_count_is_used_only_for_the_same_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache").join("guichet");
        assert_eq!(read(&cache, &stamp(10)), None, "nothing kept yet");
        write(&cache, &stamp(10), &counted()).unwrap();
        assert_eq!(read(&cache, &stamp(10)), Some(counted()));
        assert_eq!(read(&cache, &stamp(11)), None, "the status changed");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&cache), 0o700);
            assert_eq!(mode(&cache.join(FILE_NAME)), 0o600);
        }
        let names: Vec<_> = std::fs::read_dir(&cache).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "no part file left behind");
    }

    #[test]
    fn a_damaged_or_oversized_file_is_counted_again() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &stamp(10), &counted()).unwrap();
        let path = dir.path().join(FILE_NAME);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, &text[..text.len() / 2]).unwrap();
        assert_eq!(read(dir.path(), &stamp(10)), None);
        std::fs::write(&path, text.replace("\"format\":1", "\"format\":2")).unwrap();
        assert_eq!(read(dir.path(), &stamp(10)), None);
        let mut big = text.into_bytes();
        big.resize(usize::try_from(LIMIT).unwrap() + 10, b' ');
        std::fs::write(&path, big).unwrap();
        assert_eq!(read(dir.path(), &stamp(10)), None);
    }
}
