//! The system agent's own store: `/var/lib/guichet`, owned by root and closed to everyone
//! else (0700), never a person's data directory (root would write into a directory that
//! person controls, and the person would see the agent's secrets and answers).

use std::path::{Path, PathBuf};

use crate::AgentError;

/// Where the system agent keeps its store unless `GUICHET_SYSTEM_DATA_DIR` says otherwise.
pub const SYSTEM_DATA_DIR: &str = "/var/lib/guichet";

/// The environment variable that moves the system agent's store (tests, other layouts).
pub const SYSTEM_DATA_DIR_VAR: &str = "GUICHET_SYSTEM_DATA_DIR";

/// The directory of encrypted credentials inside the system agent's store (the one the
/// secret store recognises it by).
pub const CREDENTIALS_DIR: &str = "credentials";

/// The system agent's data directory: `GUICHET_SYSTEM_DATA_DIR` when set (absolute), else
/// `/var/lib/guichet`. `env` reads an environment variable (passed in for tests).
pub fn system_data_dir(env: impl Fn(&str) -> Option<String>) -> Result<PathBuf, AgentError> {
    match env(SYSTEM_DATA_DIR_VAR).filter(|s| !s.is_empty()) {
        Some(d) if Path::new(&d).is_absolute() => Ok(PathBuf::from(d)),
        Some(d) => Err(AgentError::Invalid(format!(
            "{SYSTEM_DATA_DIR_VAR} must be an absolute path, not {d}"
        ))),
        None => Ok(PathBuf::from(SYSTEM_DATA_DIR)),
    }
}

/// Creates the system agent's store directory and its `credentials/` directory, both mode
/// 0700 (also when they existed with a wider mode); refused when another user controls the
/// directory or one above it ([`crate::check_root_may_write`]).
pub fn prepare_system_data_dir(dir: &Path) -> Result<(), AgentError> {
    crate::check_root_may_write(dir)?;
    for d in [dir.to_path_buf(), dir.join(CREDENTIALS_DIR)] {
        let io = |source| AgentError::Io {
            path: d.clone(),
            source,
        };
        std::fs::create_dir_all(&d).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_store_is_var_lib_guichet_unless_moved_and_is_closed_to_others() {
        assert_eq!(
            system_data_dir(|_| None).unwrap(),
            PathBuf::from("/var/lib/guichet")
        );
        let env = |k: &str| (k == SYSTEM_DATA_DIR_VAR).then(|| "/srv/g".to_string());
        assert_eq!(system_data_dir(env).unwrap(), PathBuf::from("/srv/g"));
        let env = |k: &str| (k == SYSTEM_DATA_DIR_VAR).then(|| "rel".to_string());
        assert!(system_data_dir(env).is_err());

        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("guichet");
        std::fs::create_dir(&dir).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
            prepare_system_data_dir(&dir).unwrap();
            for d in [dir.clone(), dir.join("credentials")] {
                let m = std::fs::metadata(&d).unwrap().permissions().mode();
                assert_eq!(m & 0o777, 0o700, "{}", d.display());
            }
        }
    }
}
