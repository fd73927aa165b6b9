//! Measures, and optionally removes, everything inside one folder, through file descriptors:
//! every directory is opened with `O_NOFOLLOW` relative to its parent, so a symbolic link is
//! removed as a link and never followed, even one that replaces a folder while we walk; an
//! entry on another file system (a mount point inside) is neither entered nor removed.
//! The walk keeps its own stack (no recursion per level), so a deep tree cannot exhaust the
//! thread's stack; a tree deeper than the open-file limit is left partly in place (counted as
//! skipped).

use std::ffi::CString;
use std::io;
use std::os::fd::OwnedFd;
use std::path::Path;

use rustix::fs::{openat, statat, unlinkat, AtFlags, Dir, FileType, Mode, OFlags, CWD};

/// What a sweep found or freed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Bytes the files occupy on disk (blocks), counting a file only when this is its last
    /// link, since removing one of several links frees nothing.
    pub bytes: u64,
    /// Files (and links) found or removed.
    pub files: u64,
    /// Entries left alone: on another file system, unreadable, or that could not be removed.
    pub skipped: u64,
}

impl Tally {
    /// Adds another tally to this one.
    pub fn add(&mut self, other: Tally) {
        self.bytes += other.bytes;
        self.files += other.files;
        self.skipped += other.skipped;
    }
}

struct Frame {
    fd: OwnedFd,
    names: Vec<CString>,
    /// Its name in the frame below (none for the swept folder itself, which is kept).
    name: Option<CString>,
}

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

/// Measures what is inside `base/folder` and, when `remove`, removes it (the folder itself
/// stays). `base` is opened as it is (the user's own `~/.cache`, wherever it points); each
/// component of `folder` is opened without following links, so a folder reached through a
/// symbolic link is left alone (counted as skipped). A missing folder is empty.
pub fn sweep(base: &Path, folder: &Path, remove: bool) -> io::Result<Tally> {
    let fd = match open_below(base, folder)? {
        Below::Folder(fd) => fd,
        Below::Missing => return Ok(Tally::default()),
        Below::LeftAlone => {
            return Ok(Tally {
                skipped: 1,
                ..Tally::default()
            })
        }
    };
    let device = rustix::fs::fstat(&fd)?.st_dev;
    let mut tally = Tally::default();
    let mut stack = vec![Frame {
        names: names(&fd)?,
        fd,
        name: None,
    }];
    while let Some(top) = stack.last_mut() {
        let Some(name) = top.names.pop() else {
            let done = stack.pop().expect("a frame");
            if let (Some(name), Some(parent)) = (done.name, stack.last()) {
                drop(done.fd);
                if remove && unlinkat(&parent.fd, &name, AtFlags::REMOVEDIR).is_err() {
                    tally.skipped += 1;
                }
            }
            continue;
        };
        let Ok(st) = statat(&top.fd, &name, AtFlags::SYMLINK_NOFOLLOW) else {
            tally.skipped += 1;
            continue;
        };
        if st.st_dev != device {
            tally.skipped += 1;
            continue;
        }
        if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
            match openat(&top.fd, &name, DIR_FLAGS, Mode::empty()).and_then(|fd| {
                let names = names(&fd)?;
                Ok(Frame {
                    fd,
                    names,
                    name: Some(name),
                })
            }) {
                Ok(frame) => stack.push(frame),
                Err(_) => tally.skipped += 1,
            }
            continue;
        }
        if remove && unlinkat(&top.fd, &name, AtFlags::empty()).is_err() {
            tally.skipped += 1;
            continue;
        }
        tally.files += 1;
        if st.st_nlink <= 1 {
            tally.bytes += u64::try_from(st.st_blocks).unwrap_or(0) * 512;
        }
    }
    Ok(tally)
}

/// What is at `base/folder`.
enum Below {
    /// The folder, opened.
    Folder(OwnedFd),
    /// Nothing: something on the way is missing.
    Missing,
    /// A symbolic link (or a file) on the way: not entered.
    LeftAlone,
}

/// Opens `base`, then each component of `folder` below it without following links.
fn open_below(base: &Path, folder: &Path) -> io::Result<Below> {
    let dir_flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let mut fd = match openat(CWD, base, dir_flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(rustix::io::Errno::NOENT) => return Ok(Below::Missing),
        Err(e) => return Err(e.into()),
    };
    for part in folder.components() {
        let std::path::Component::Normal(name) = part else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a plain relative path",
            ));
        };
        fd = match openat(&fd, name, DIR_FLAGS, Mode::empty()) {
            Ok(next) => next,
            Err(rustix::io::Errno::NOENT) => return Ok(Below::Missing),
            Err(rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR) => {
                return Ok(Below::LeftAlone)
            }
            Err(e) => return Err(e.into()),
        };
    }
    Ok(Below::Folder(fd))
}

/// The entries of a directory, read before any is removed (so removal does not disturb the
/// reading).
fn names(fd: &OwnedFd) -> rustix::io::Result<Vec<CString>> {
    let mut out = Vec::new();
    for entry in Dir::read_from(fd)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_bytes() != b"." && name.to_bytes() != b".." {
            out.push(name.to_owned());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn removes_inside_keeps_the_folder_and_never_follows_links() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("precious"), vec![1u8; 10_000]).unwrap();
        let cache = tmp.path().join("cache");
        std::fs::create_dir_all(cache.join("a/b/c")).unwrap();
        std::fs::write(cache.join("a/b/c/deep"), vec![2u8; 20_000]).unwrap();
        std::fs::write(cache.join("top"), vec![3u8; 5_000]).unwrap();
        symlink(&outside, cache.join("a/to-outside-dir")).unwrap();
        symlink(outside.join("precious"), cache.join("to-outside-file")).unwrap();

        let seen = sweep(tmp.path(), Path::new("cache"), false).unwrap();
        assert_eq!(seen.files, 4, "{seen:?}");
        assert!(seen.bytes >= 25_000, "{seen:?}");
        assert!(cache.join("a/b/c/deep").exists());

        let freed = sweep(tmp.path(), Path::new("cache"), true).unwrap();
        assert_eq!(freed, seen);
        assert!(cache.is_dir());
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 0);
        assert_eq!(
            std::fs::read(outside.join("precious")).unwrap().len(),
            10_000
        );
    }

    #[test]
    fn a_folder_reached_through_a_link_is_left_alone_and_a_missing_one_is_empty() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("real")).unwrap();
        std::fs::write(tmp.path().join("real/file"), b"x").unwrap();
        symlink(tmp.path().join("real"), tmp.path().join("link")).unwrap();
        let left = Tally {
            skipped: 1,
            ..Tally::default()
        };
        assert_eq!(sweep(tmp.path(), Path::new("link"), true).unwrap(), left);
        std::fs::create_dir_all(tmp.path().join("real/sub")).unwrap();
        std::fs::write(tmp.path().join("real/sub/file"), b"x").unwrap();
        // A link on the way is refused too, not only at the end.
        assert_eq!(
            sweep(tmp.path(), Path::new("link/sub"), true).unwrap(),
            left
        );
        assert!(tmp.path().join("real/file").exists());
        assert!(tmp.path().join("real/sub/file").exists());
        assert_eq!(
            sweep(tmp.path(), Path::new("none/deeper"), true).unwrap(),
            Tally::default()
        );
    }

    #[test]
    fn a_tree_deeper_than_the_stack_would_allow() {
        let tmp = tempfile::tempdir().unwrap();
        let mut p = tmp.path().join("deep");
        for _ in 0..300 {
            p.push("d");
        }
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join("f"), b"x").unwrap();
        let freed = sweep(tmp.path(), Path::new("deep"), true).unwrap();
        assert_eq!(freed.files, 1);
        assert_eq!(freed.skipped, 0);
        assert_eq!(
            std::fs::read_dir(tmp.path().join("deep")).unwrap().count(),
            0
        );
    }
}
