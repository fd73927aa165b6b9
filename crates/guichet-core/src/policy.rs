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

/// Who sees the site administration and the scheduled agent on a machine WITHOUT a policy
/// file: the groups whose members may already become root (`sudo` on Debian and Ubuntu, `wheel`
/// on Fedora and Arch, `admin` on macOS and older Ubuntu). They could write the policy file
/// themselves, so showing them the admin pages grants nothing new, while a plain user of an
/// unmanaged machine sees only the self-service pages. A deployed file replaces this list.
pub const ADMIN_GROUPS_WITHOUT_POLICY: [&str; 3] = ["sudo", "wheel", "admin"];

impl Policy {
    /// The policy of a machine where no file was deployed: [`ADMIN_GROUPS_WITHOUT_POLICY`] see
    /// the admin pages, no action key is trusted.
    pub fn without_file() -> Self {
        Policy {
            admin_groups: ADMIN_GROUPS_WITHOUT_POLICY.map(String::from).to_vec(),
            ..Policy::default()
        }
    }

    /// Whether a user in `user_groups` sees the site administration and the scheduled agent.
    pub fn grants_admin(&self, user_groups: &[String]) -> bool {
        self.everyone_admin || user_groups.iter().any(|g| self.admin_groups.contains(g))
    }
}

/// The policy that decides who sees the admin pages: the file at `path`, or
/// [`Policy::without_file`] when there is none.
pub fn read_access_policy(path: &Path) -> Result<Policy, PolicyError> {
    if !path.exists() {
        return Ok(Policy::without_file());
    }
    read_policy(path)
}

/// The names of the groups the current user belongs to (`id -Gn`, POSIX: Linux and macOS);
/// empty where that cannot be read (Windows, no `id`), so nobody gets the admin pages by group.
pub fn current_user_groups() -> Vec<String> {
    std::process::Command::new("id")
        .arg("-Gn")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| parse_group_names(&String::from_utf8_lossy(&o.stdout)))
        .unwrap_or_default()
}

/// Group names from `id -Gn`'s output: separated by white space.
fn parse_group_names(text: &str) -> Vec<String> {
    text.split_whitespace().map(String::from).collect()
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

    fn groups(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn admin_pages_go_to_members_of_an_admin_group_or_everyone_when_the_policy_says_so() {
        let policy = Policy {
            admin_groups: groups(&["it-staff"]),
            ..Policy::default()
        };
        assert!(policy.grants_admin(&groups(&["users", "it-staff"])));
        assert!(!policy.grants_admin(&groups(&["users", "sudo"])));
        assert!(!policy.grants_admin(&[]));
        let everyone = Policy {
            everyone_admin: true,
            ..Policy::default()
        };
        assert!(everyone.grants_admin(&[]));
        assert!(!Policy::default().grants_admin(&groups(&["sudo"])));
    }

    #[test]
    fn without_a_policy_file_the_machine_s_administrators_see_the_admin_pages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.json");
        let absent = read_access_policy(&path).unwrap();
        assert!(absent.grants_admin(&groups(&["users", "sudo"])));
        assert!(absent.grants_admin(&groups(&["wheel"])));
        assert!(!absent.grants_admin(&groups(&["users", "audio"])));
        assert!(absent.action_signers.is_empty());
        // A deployed file, even an empty one, replaces the fallback.
        std::fs::write(&path, "{}").unwrap();
        assert!(!read_access_policy(&path)
            .unwrap()
            .grants_admin(&groups(&["sudo"])));
    }

    #[test]
    fn group_names_are_read_from_id_s_output() {
        assert_eq!(
            parse_group_names("alice adm cdrom sudo\n"),
            ["alice", "adm", "cdrom", "sudo"]
        );
        assert!(parse_group_names("").is_empty());
        // The real command on this machine: the user's primary group at least.
        assert!(!current_user_groups().is_empty());
    }

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
