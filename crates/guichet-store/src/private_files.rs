//! Owner-only files: the store holds tickets, screenshots, attachments and inventories, which
//! other people on the same computer must not read. On Unix the data directory and every folder
//! in it are `0700` and every file `0600`, whatever the umask says:
//!
//! * new folders and files are created with those modes ([`create_private_dir`],
//!   [`private_file_options`]); SQLite gives the `-wal` and `-shm` files the mode of the
//!   database file, which is therefore created here, `0600`, before SQLite first opens it;
//! * [`make_store_private`] checks the data directory and the store's own entries in it at
//!   every opening, and closes what a umask or an earlier version left open, saying what it
//!   changed so that the front end can warn once. Only the store's entries: a data directory
//!   may be a folder holding other things (`--data-dir ~`), whose modes are not ours to change.
//!   [`make_private`] does the same for a whole folder that is entirely ours (the app's logs).
//!
//! Symbolic links are neither followed nor changed: a link inside the store that points out of
//! it must not make this code change the mode of a file elsewhere. Elsewhere (Windows), the
//! per-user profile folder already keeps other users out and these functions do nothing.

use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};

/// The mode of the store's folders (owner only).
pub const PRIVATE_DIR_MODE: u32 = 0o700;

/// The mode of the store's files (owner only, read and write).
pub const PRIVATE_FILE_MODE: u32 = 0o600;

/// What [`make_private`] found open to other users and closed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModeFixes {
    /// Folders and files whose mode was changed.
    pub fixed: Vec<PathBuf>,
    /// Those open to others whose mode could not be changed (owned by another user, say), with
    /// the reason.
    pub failed: Vec<(PathBuf, String)>,
}

impl ModeFixes {
    /// Nothing was open to others.
    pub fn is_empty(&self) -> bool {
        self.fixed.is_empty() && self.failed.is_empty()
    }
}

/// Options that create a file with the owner-only mode (the mode applies when the file is
/// created; an existing file keeps its own).
pub fn private_file_options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut opts = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(PRIVATE_FILE_MODE);
    }
    opts
}

/// Creates `dir` and its missing parents, each new folder owner-only (existing ones are left
/// as they are: the parents of a data directory are not the store's).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(PRIVATE_DIR_MODE);
    }
    builder.create(dir)
}

/// The store's entries in its data directory, besides the folders whose name starts with
/// `.repair-` (a repair's work in progress).
const STORE_ENTRIES: [&str; 10] = [
    crate::DATABASE_FILE,
    "guichet.db-wal",
    "guichet.db-shm",
    "guichet.db-journal",
    "guichet.db.lock",
    crate::SYNC_LOCK_FILE,
    guichet_bundle::SIGNING_KEY_FILE,
    "blobs",
    "backups",
    "credentials",
];

/// Makes the data directory `dir` and the store's entries in it owner-only, and says what was
/// open to others. Other files in `dir` are left as they are.
pub fn make_store_private(dir: &Path) -> ModeFixes {
    let mut fixes = ModeFixes::default();
    let mut roots = vec![];
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if STORE_ENTRIES.contains(&name.as_ref()) || name.starts_with(".repair-") {
                roots.push(e.path());
            }
        }
    }
    close_tree(dir, false, &mut fixes);
    for root in roots {
        close_tree(&root, true, &mut fixes);
    }
    fixes
}

/// Makes `dir` and everything in it owner-only (folders `0700`, files `0600`), and says what
/// was open to others. Missing `dir` is not an error (nothing to fix).
pub fn make_private(dir: &Path) -> ModeFixes {
    let mut fixes = ModeFixes::default();
    close_tree(dir, true, &mut fixes);
    fixes
}

/// Closes `root` and, when `deep`, what a folder at `root` holds. A folder's contents are
/// checked only when the folder itself was open: inside a closed folder nothing is reachable by
/// other users, and a store of ten thousand blobs would otherwise cost ten thousand `stat`s at
/// every opening (measured: 0.15 s per command, debug build). What an earlier version or a
/// umask left open has open folders above it, so it is found.
fn close_tree(root: &Path, deep: bool, fixes: &mut ModeFixes) {
    #[cfg(unix)]
    {
        let mut pending = vec![root.to_path_buf()];
        while let Some(path) = pending.pop() {
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                let was_open = close(&path, &meta, PRIVATE_DIR_MODE, fixes);
                if deep && was_open {
                    if let Ok(entries) = std::fs::read_dir(&path) {
                        pending.extend(entries.filter_map(Result::ok).map(|e| e.path()));
                    }
                }
            } else if meta.is_file() {
                close(&path, &meta, PRIVATE_FILE_MODE, fixes);
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (root, deep, fixes);
}

/// Sets `mode` on `path` when its current mode gives anything to the group or to others;
/// whether it did.
#[cfg(unix)]
fn close(path: &Path, meta: &std::fs::Metadata, mode: u32, fixes: &mut ModeFixes) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    if meta.permissions().mode() & 0o077 == 0 {
        return false;
    }
    match std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
        Ok(()) => fixes.fixed.push(path.to_path_buf()),
        Err(e) => fixes.failed.push((path.to_path_buf(), e.to_string())),
    }
    true
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn mode(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn open_folders_and_files_are_closed_and_links_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        let outside = tmp.path().join("outside.txt");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/f"), "x").unwrap();
        std::fs::write(&outside, "x").unwrap();
        for (p, m) in [(&dir, 0o755), (&dir.join("sub"), 0o775), (&outside, 0o644)] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
        }
        std::fs::set_permissions(dir.join("sub/f"), std::fs::Permissions::from_mode(0o640))
            .unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("link")).unwrap();
        let fixes = make_private(&dir);
        assert_eq!(fixes.fixed.len(), 3, "{fixes:?}");
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("sub")), 0o700);
        assert_eq!(mode(&dir.join("sub/f")), 0o600);
        assert_eq!(mode(&outside), 0o644, "a link's target is not the store's");
        assert!(make_private(&dir).is_empty(), "said once");
    }

    #[test]
    fn a_data_directory_s_other_files_are_not_the_store_s() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("home");
        std::fs::create_dir_all(dir.join("blobs/ab")).unwrap();
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        for f in ["guichet.db", "blobs/ab/cd", "script.sh", "bin/tool"] {
            std::fs::write(dir.join(f), "x").unwrap();
            std::fs::set_permissions(dir.join(f), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        for d in ["", "blobs", "blobs/ab", "bin"] {
            std::fs::set_permissions(dir.join(d), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let fixes = make_store_private(&dir);
        assert_eq!(fixes.fixed.len(), 5, "{fixes:?}");
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("guichet.db")), 0o600);
        assert_eq!(mode(&dir.join("blobs/ab/cd")), 0o600);
        for other in ["script.sh", "bin", "bin/tool"] {
            assert_eq!(mode(&dir.join(other)), 0o755, "{other}");
        }
    }
}
