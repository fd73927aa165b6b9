//! What root may run and where it may write: the system agent runs as root, so a program that
//! another user can replace (the file, or a directory on its path) would give that user root,
//! and a data directory another user controls would let that user read or redirect root's
//! files.

use std::path::Path;

use crate::AgentError;

/// Refuses `exe` (absolute, symbolic links resolved) when someone other than root could
/// change what it runs: the file or a directory above it is not owned by root, or is writable
/// by its group or by others. A root-owned directory with the sticky bit (`/tmp`) is accepted:
/// there only a file's owner may replace it.
pub fn check_root_may_run(exe: &Path) -> Result<(), AgentError> {
    match other_controller(exe)? {
        None => Ok(()),
        Some((path, why)) => Err(AgentError::UnsafeExecutable(format!(
            "root would run {}, but {} {why}, so that user could replace the program and \
             run anything as root; install guichet in a root-owned directory such as \
             /usr/local/bin (owner root, mode 0755) and run `agent install --system` from there",
            exe.display(),
            path.display()
        ))),
    }
}

/// Refuses to let a root process write files into `dir` (a data directory; it need not exist
/// yet) when another user controls it or a directory above it: that user could read what root
/// writes there, or put a link where root is about to create `guichet.db`, a blob's temporary
/// file or a credential and have root write elsewhere. A process that is not root writes into
/// its own user's directories, and is let through.
pub fn check_root_may_write(dir: &Path) -> Result<(), AgentError> {
    if !running_as_root() {
        return Ok(());
    }
    // The nearest existing directory: those still to be created will be root's.
    let Some(existing) = dir.ancestors().find(|d| d.exists()) else {
        return Ok(());
    };
    let sticky_ok = existing != dir;
    let found = other_controller(existing)?
        .or_else(|| (!sticky_ok).then(|| sticky_dir(existing)).flatten());
    match found {
        None => Ok(()),
        Some((path, why)) => Err(AgentError::UnsafeDataDir(format!(
            "refusing to write {} as root: {} {why}, so that user could read or redirect \
             what root writes there; run guichet as the user who owns it, or use the system \
             agent's own store (--system-agent)",
            dir.display(),
            path.display()
        ))),
    }
}

/// Whether this process runs as root (effective user id 0).
#[cfg(unix)]
fn running_as_root() -> bool {
    rustix::process::geteuid().is_root()
}

#[cfg(not(unix))]
fn running_as_root() -> bool {
    false
}

/// A data directory itself must not be a sticky shared one (`/tmp`): anyone may create names
/// in it.
#[cfg(unix)]
fn sticky_dir(dir: &Path) -> Option<(std::path::PathBuf, String)> {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::metadata(dir).ok()?;
    (m.mode() & 0o022 != 0).then(|| (dir.to_path_buf(), "is writable by other users".to_string()))
}

#[cfg(not(unix))]
fn sticky_dir(_dir: &Path) -> Option<(std::path::PathBuf, String)> {
    None
}

/// The first of `path` and its ancestors that someone other than root could change, and why:
/// not owned by root, or writable by its group or others (a sticky directory excepted, where
/// only a file's owner may replace it).
#[cfg(unix)]
fn other_controller(path: &Path) -> Result<Option<(std::path::PathBuf, String)>, AgentError> {
    use std::os::unix::fs::MetadataExt as _;
    for p in path.ancestors() {
        let m = std::fs::metadata(p).map_err(|source| AgentError::Io {
            path: p.to_path_buf(),
            source,
        })?;
        let sticky = m.is_dir() && m.mode() & 0o1000 != 0;
        let why = if m.uid() != 0 {
            format!("is owned by user id {}", m.uid())
        } else if m.mode() & 0o022 != 0 && !sticky {
            "is writable by its group or by other users".to_string()
        } else {
            continue;
        };
        return Ok(Some((p.to_path_buf(), why)));
    }
    Ok(None)
}

/// Other systems have no system agent.
#[cfg(not(unix))]
fn other_controller(_path: &Path) -> Result<Option<(std::path::PathBuf, String)>, AgentError> {
    Ok(None)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{chown, PermissionsExt as _};

    fn mode(p: &Path, m: u32) {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    }

    fn is_root() -> bool {
        use std::os::unix::fs::MetadataExt as _;
        // The temporary directory we create is ours: root's only when we are root.
        let d = tempfile::tempdir().unwrap();
        std::fs::metadata(d.path()).unwrap().uid() == 0
    }

    /// Regression (security review): `agent install --system` wrote `ExecStart=` with
    /// whatever executable ran it, e.g. a user's `/tmp/g`, which root then ran at every boot.
    #[test]
    fn a_system_unit_refuses_an_executable_another_user_can_replace() {
        if !is_root() {
            eprintln!("SKIP: needs root (files owned by root, chown to another user)");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        mode(dir.path(), 0o755);
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        mode(&bin, 0o755);
        let exe = bin.join("guichet");
        std::fs::write(&exe, b"#!/bin/sh\n").unwrap();
        mode(&exe, 0o755);
        check_root_may_run(&exe).unwrap();

        mode(&exe, 0o775);
        let e = check_root_may_run(&exe).unwrap_err().to_string();
        assert!(e.contains("writable by its group"), "{e}");
        mode(&exe, 0o757);
        assert!(check_root_may_run(&exe).is_err());
        mode(&exe, 0o755);

        mode(&bin, 0o777);
        let e = check_root_may_run(&exe).unwrap_err().to_string();
        assert!(e.contains(&bin.display().to_string()), "{e}");
        // Sticky, as /tmp: others may add files but not replace root's.
        mode(&bin, 0o1777);
        check_root_may_run(&exe).unwrap();
        mode(&bin, 0o755);

        chown(&exe, Some(1000), None).unwrap();
        let e = check_root_may_run(&exe).unwrap_err().to_string();
        assert!(e.contains("owned by user id 1000"), "{e}");
        chown(&exe, Some(0), None).unwrap();
        chown(&bin, Some(1000), None).unwrap();
        assert!(check_root_may_run(&exe).is_err(), "a user's directory");
    }

    #[test]
    fn root_writes_only_where_no_other_user_can_reach() {
        if !is_root() {
            assert!(
                check_root_may_write(Path::new("/")).is_ok(),
                "not root: let through"
            );
            eprintln!("SKIP: needs root (directories owned by another user)");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        mode(dir.path(), 0o755);
        let store = dir.path().join("store");
        check_root_may_write(&store).unwrap();
        check_root_may_write(&store.join("deeper/still")).unwrap();
        std::fs::create_dir(&store).unwrap();
        check_root_may_write(&store).unwrap();
        mode(&store, 0o1777);
        let e = check_root_may_write(&store).unwrap_err().to_string();
        assert!(
            e.contains("writable by other users"),
            "a shared folder: {e}"
        );
        mode(&store, 0o700);
        chown(&store, Some(1000), None).unwrap();
        let e = check_root_may_write(&store).unwrap_err().to_string();
        assert!(e.contains("owned by user id 1000"), "{e}");
        let e = check_root_may_write(&store.join("guichet"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("owned by user id 1000"),
            "under a user's folder: {e}"
        );
    }
}
