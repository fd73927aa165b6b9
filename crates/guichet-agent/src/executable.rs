//! Whether root may run an executable: the system agent runs as root, so a program that
//! another user can replace (the file, or a directory on its path) would give that user root.

use std::path::Path;

use crate::AgentError;

/// Refuses `exe` (absolute, symbolic links resolved) when someone other than root could
/// change what it runs: the file or a directory above it is not owned by root, or is writable
/// by its group or by others. A root-owned directory with the sticky bit (`/tmp`) is accepted:
/// there only a file's owner may replace it.
#[cfg(unix)]
pub fn check_root_may_run(exe: &Path) -> Result<(), AgentError> {
    use std::os::unix::fs::MetadataExt as _;
    let refuse = |path: &Path, why: &str| {
        Err(AgentError::UnsafeExecutable(format!(
            "root would run {}, but {} {why}, so that user could replace the program and \
             run anything as root; install guichet in a root-owned directory such as \
             /usr/local/bin (owner root, mode 0755) and run `agent install --system` from there",
            exe.display(),
            path.display()
        )))
    };
    let meta = |p: &Path| {
        std::fs::metadata(p).map_err(|source| AgentError::Io {
            path: p.to_path_buf(),
            source,
        })
    };
    let file = meta(exe)?;
    if file.uid() != 0 {
        return refuse(exe, &format!("is owned by user id {}", file.uid()));
    }
    if file.mode() & 0o022 != 0 {
        return refuse(exe, "is writable by its group or by other users");
    }
    for dir in exe.ancestors().skip(1) {
        let m = meta(dir)?;
        if m.uid() != 0 {
            return refuse(dir, &format!("is owned by user id {}", m.uid()));
        }
        let sticky = m.mode() & 0o1000 != 0;
        if m.mode() & 0o022 != 0 && !sticky {
            return refuse(dir, "is writable by its group or by other users");
        }
    }
    Ok(())
}

/// Other systems have no system agent.
#[cfg(not(unix))]
pub fn check_root_may_run(_exe: &Path) -> Result<(), AgentError> {
    Ok(())
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
}
