//! The machine's policy: a file an admin deploys (`/etc/guichet/policy.json`) that says who
//! sees the site administration and the scheduled agent, and which admins' keys sign the
//! fix-it actions this machine runs.
//!
//! Why a file under /etc: only root can write there, so a user cannot grant themselves the admin
//! pages or trust their own action key, and the same file travels with the rest of a machine's
//! configuration (Ansible, GPO-like tooling). `GUICHET_POLICY` points elsewhere (tests, a
//! portable install); it only changes what the user's own process shows and runs as that user.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Where the policy lives unless `GUICHET_POLICY` says otherwise.
pub const POLICY_PATH: &str = "/etc/guichet/policy.json";

/// An admin key whose signed fix-it actions this machine runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionSigner {
    /// Who holds it, shown as the action's publisher.
    pub name: String,
    /// The Ed25519 public key, 64 hex digits.
    pub public_key: String,
}

/// What the policy file says; every field is optional in the file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Members of these groups see the site administration and the scheduled agent.
    pub admin_groups: Vec<String>,
    /// Everyone on this machine sees them (an IT department's own machine).
    pub everyone_admin: bool,
    /// Keys whose signed fix-it actions this machine accepts.
    pub action_signers: Vec<ActionSigner>,
}

/// Why the policy file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file exists but could not be read.
    #[error("cannot read the policy {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid policy JSON.
    #[error("the policy {path} is not valid: {source}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
}

/// The policy file's path: `GUICHET_POLICY` when set, else [`POLICY_PATH`].
pub fn policy_path() -> PathBuf {
    std::env::var_os("GUICHET_POLICY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(POLICY_PATH))
}

/// Reads the policy at `path`; a missing file is the empty policy (nobody is an admin by
/// policy, no action key is trusted).
pub fn read_policy(path: &Path) -> Result<Policy, PolicyError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Policy::default()),
        Err(source) => {
            return Err(PolicyError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    serde_json::from_str(&text).map_err(|source| PolicyError::Invalid {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_policy_trusts_nobody_and_a_typo_is_an_error_not_silence() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.json");
        assert_eq!(read_policy(&path).unwrap(), Policy::default());
        std::fs::write(&path, r#"{"admin_group": ["sudo"]}"#).unwrap();
        assert!(matches!(
            read_policy(&path),
            Err(PolicyError::Invalid { .. })
        ));
        std::fs::write(
            &path,
            r#"{"admin_groups": ["sudo"], "action_signers": [{"name": "IT", "public_key": "ab"}]}"#,
        )
        .unwrap();
        let p = read_policy(&path).unwrap();
        assert_eq!(p.admin_groups, ["sudo"]);
        assert_eq!(p.action_signers[0].name, "IT");
    }
}
