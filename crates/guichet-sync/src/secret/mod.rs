//! Connector secrets (password or API token), never in SQLite, config files or logs.
//!
//! Where a secret goes depends on the store it belongs to ([`SecretStore::of_data_dir`]):
//!
//! * A person's store: the OS keyring. On Linux the Secret Service (GNOME Keyring, KWallet) is
//!   tried first, where a session bus exists; it keeps secrets on disk across reboots.
//!   Otherwise the kernel keyutils store (the user's keyring, linked to the user's persistent
//!   keyring), which a reboot empties. Other systems use their native store. Entries are under
//!   the service `guichet` with the account `<connector>:<url>:<user>`.
//! * The system agent's store (a `credentials/` directory beside the database, made by
//!   `guichet agent install --system` and `guichet --system-agent …`): systemd encrypted
//!   credentials, which survive reboots ([`SystemCredentials`]).
//!
//! [`Backend::survives_reboot`] says which is which, so that `connect` can tell the person.

use keyring::{Entry, Error as KeyringError};

use std::path::{Path, PathBuf};

use crate::SyncError;

pub use system_credentials::{
    credential_id, SystemCredentials, CREDENTIALS_DIR, CREDENTIAL_PREFIX,
};

mod system_credentials;

/// Keyring service name.
pub const SERVICE: &str = "guichet";

/// The keyring account of a connector's credentials.
pub fn account(connector: &str, url: &str, user: &str) -> String {
    format!("{connector}:{}:{user}", url.trim_end_matches('/'))
}

/// Which store holds a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The desktop Secret Service (D-Bus).
    SecretService,
    /// The Linux kernel key store (the user's keyring, linked to the persistent keyring).
    Keyutils,
    /// The platform's native store (macOS Keychain, Windows Credential Manager).
    Native,
    /// A systemd encrypted credential of the system agent (host key, and TPM2 where present).
    SystemCredential,
}

impl Backend {
    /// Whether a secret kept there is still there after the machine restarts. The kernel key
    /// store is memory only (and its persistent keyring expires after days without use).
    pub fn survives_reboot(self) -> bool {
        !matches!(self, Backend::Keyutils)
    }

    /// Stable name for `--json`: `secret_service`, `keyutils`, `native`, `system_credential`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::SecretService => "secret_service",
            Backend::Keyutils => "keyutils",
            Backend::Native => "native",
            Backend::SystemCredential => "system_credential",
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::SecretService => "Secret Service",
            Backend::Keyutils => "kernel keyutils",
            Backend::Native => "system keychain",
            Backend::SystemCredential => "systemd encrypted credential",
        })
    }
}

#[cfg(target_os = "linux")]
fn entries(account: &str) -> Vec<(Backend, Result<Entry, KeyringError>)> {
    use keyring::secret_service::SsCredential;
    // The Secret Service is only worth trying when there is a session bus to reach it.
    let has_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some();
    let mut v = Vec::new();
    if has_bus {
        v.push((
            Backend::SecretService,
            SsCredential::new_with_target(None, SERVICE, account)
                .map(|c| Entry::new_with_credential(Box::new(c))),
        ));
    }
    v.push((
        Backend::Keyutils,
        Ok(Entry::new_with_credential(Box::new(
            user_keyring::UserKeyCredential::new(account),
        ))),
    ));
    v
}

#[cfg(target_os = "linux")]
mod user_keyring;

#[cfg(not(target_os = "linux"))]
fn entries(account: &str) -> Vec<(Backend, Result<Entry, KeyringError>)> {
    vec![(Backend::Native, Entry::new(SERVICE, account))]
}

/// Stores a secret in the user's keyring; returns where it went. Fails with a clear message when no keyring works.
pub fn store(account: &str, secret: &str) -> Result<Backend, SyncError> {
    let mut tried = Vec::new();
    for (backend, entry) in entries(account) {
        match entry.and_then(|e| e.set_password(secret)) {
            Ok(()) => return Ok(backend),
            Err(e) => tried.push(format!("{backend}: {e}")),
        }
    }
    Err(SyncError::Secret(format!(
        "no usable keyring to keep the secret ({}); on a desktop start the Secret Service \
         (gnome-keyring); without a desktop, the kernel key store (keyutils) must be available",
        tried.join("; ")
    )))
}

/// Reads a secret back from the user's keyring.
pub fn load(account: &str) -> Result<String, SyncError> {
    let mut tried = Vec::new();
    for (backend, entry) in entries(account) {
        match entry.and_then(|e| e.get_password()) {
            Ok(s) => return Ok(s),
            Err(KeyringError::NoEntry) => tried.push(format!("{backend}: not found")),
            Err(e) => tried.push(format!("{backend}: {e}")),
        }
    }
    Err(SyncError::Secret(format!(
        "no secret for {account} in the keyring ({}); run `guichet connect` again (as the same \
         user; a secret kept in a desktop's Secret Service is not visible outside that desktop \
         session)",
        tried.join("; ")
    )))
}

/// Removes a secret from every keyring that has it.
pub fn delete(account: &str) {
    for (_, entry) in entries(account) {
        if let Ok(e) = entry {
            let _ = e.delete_credential();
        }
    }
}

/// Where the secrets of one store are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretStore {
    /// The user's OS keyring (see the module documentation).
    Keyring,
    /// The system agent's encrypted credentials.
    System(SystemCredentials),
}

impl SecretStore {
    /// The secrets of the store in `data_dir`: the system agent's encrypted credentials when the
    /// store has a `credentials/` directory, the user's keyring otherwise. Under systemd, the
    /// credentials the unit loaded are read from `$CREDENTIALS_DIRECTORY`.
    pub fn of_data_dir(data_dir: &Path) -> SecretStore {
        if data_dir.join(CREDENTIALS_DIR).is_dir() {
            let loaded = std::env::var_os("CREDENTIALS_DIRECTORY")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute());
            SecretStore::System(SystemCredentials::new(data_dir, loaded))
        } else {
            SecretStore::Keyring
        }
    }

    /// Stores a secret; returns where it went.
    pub fn store(&self, account: &str, secret: &str) -> Result<Backend, SyncError> {
        match self {
            SecretStore::Keyring => store(account, secret),
            SecretStore::System(c) => c.store(account, secret).map(|()| Backend::SystemCredential),
        }
    }

    /// Reads a secret back.
    pub fn load(&self, account: &str) -> Result<String, SyncError> {
        match self {
            SecretStore::Keyring => load(account),
            SecretStore::System(c) => c.load(account),
        }
    }

    /// Removes a secret, wherever this store keeps it.
    pub fn delete(&self, account: &str) {
        match self {
            SecretStore::Keyring => delete(account),
            SecretStore::System(c) => c.delete(account),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_round_trips_through_the_keyring() {
        let account = format!("test:{}:user", std::process::id());
        let backend = store(&account, "s3cret").unwrap();
        eprintln!("stored in {backend}");
        assert_eq!(load(&account).unwrap(), "s3cret");
        delete(&account);
        assert!(load(&account).is_err());
    }

    /// Regression: `guichet connect` stored the secret, the next `guichet sync` (another process,
    /// no session keyring of its own) could not find it.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_secret_saved_by_one_process_is_read_by_the_next() {
        const PROBE: &str = "GUICHET_SECRET_PROBE";
        let entry = |account: &str| {
            Entry::new_with_credential(Box::new(user_keyring::UserKeyCredential::new(account)))
        };
        if let Ok(account) = std::env::var(PROBE) {
            // The child: read what the parent stored.
            println!("secret=<{}>", entry(&account).get_password().unwrap());
            return;
        }
        let account = format!("test:child:{}", std::process::id());
        entry(&account).set_password("from-the-parent").unwrap();
        let exe = std::env::current_exe().unwrap();
        let args = [
            "--exact",
            "secret::tests::a_secret_saved_by_one_process_is_read_by_the_next",
            "--nocapture",
        ];
        let mut children = vec![("plain", std::process::Command::new(&exe))];
        children[0].1.args(args);
        // A child in a fresh session keyring of its own, as a systemd unit or `keyctl session`.
        if std::process::Command::new("keyctl")
            .arg("--version")
            .output()
            .is_ok()
        {
            let mut c = std::process::Command::new("keyctl");
            c.args(["session", "-"]).arg(&exe).args(args);
            children.push(("own session keyring", c));
        }
        let outs: Vec<_> = children
            .into_iter()
            .map(|(what, mut c)| (what, c.env(PROBE, &account).output().unwrap()))
            .collect();
        let _ = entry(&account).delete_credential();
        for (what, out) in outs {
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success() && stdout.contains("secret=<from-the-parent>"),
                "{what}: child could not read the secret: {stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
