//! Connector secrets (password or API token) in the OS keyring, never in SQLite, config files
//! or logs.
//!
//! On Linux the Secret Service (GNOME Keyring, KWallet) is tried first, where a session bus
//! exists; otherwise the kernel keyutils store (per login session, kept in the user's
//! persistent keyring). Other systems use their native store. Entries are under the service
//! `guichet` with the account `<connector>:<url>:<user>`.

use keyring::{Entry, Error as KeyringError};

use crate::SyncError;

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
    /// The Linux kernel key store (session keyring, linked to the persistent keyring).
    Keyutils,
    /// The Linux kernel key store, session keyring only: where the persistent keyring is not
    /// accessible (containers), the secret lives as long as the login session.
    KeyutilsSession,
    /// The platform's native store (macOS Keychain, Windows Credential Manager).
    Native,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::SecretService => "Secret Service",
            Backend::Keyutils => "kernel keyutils",
            Backend::KeyutilsSession => "kernel keyutils (session keyring only)",
            Backend::Native => "system keychain",
        })
    }
}

#[cfg(target_os = "linux")]
fn entries(account: &str) -> Vec<(Backend, Result<Entry, KeyringError>)> {
    use keyring::{keyutils::KeyutilsCredential, secret_service::SsCredential};
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
        KeyutilsCredential::new_with_target(None, SERVICE, account)
            .map(|c| Entry::new_with_credential(Box::new(c))),
    ));
    v.push((
        Backend::KeyutilsSession,
        KeyutilsCredential::new_with_target(None, SERVICE, account).map(|mut c| {
            c.persistent = None;
            Entry::new_with_credential(Box::new(c))
        }),
    ));
    v
}

#[cfg(not(target_os = "linux"))]
fn entries(account: &str) -> Vec<(Backend, Result<Entry, KeyringError>)> {
    vec![(Backend::Native, Entry::new(SERVICE, account))]
}

/// Stores a secret; returns where it went. Fails with a clear message when no keyring works.
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
         (gnome-keyring); without a desktop, run Guichet in a login session that has a kernel \
         session keyring (PAM's pam_keyinit, or `keyctl session -`)",
        tried.join("; ")
    )))
}

/// Reads a secret back.
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
        "no secret for {account} in the keyring ({}); run `guichet connect` again in this \
         login session (the kernel keyring is per session: `keyctl session -` starts one)",
        tried.join("; ")
    )))
}

/// Removes a secret from every store that has it.
pub fn delete(account: &str) {
    for (_, entry) in entries(account) {
        if let Ok(e) = entry {
            let _ = e.delete_credential();
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
}
