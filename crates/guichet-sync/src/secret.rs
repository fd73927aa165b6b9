//! Connector secrets (password or API token) in the OS keyring, never in SQLite, config files
//! or logs.
//!
//! On Linux the Secret Service (GNOME Keyring, KWallet) is tried first, where a session bus
//! exists; otherwise the kernel keyutils store (the user's keyring, kept in the user's
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
    /// The Linux kernel key store (the user's keyring, linked to the persistent keyring).
    Keyutils,
    /// The platform's native store (macOS Keychain, Windows Credential Manager).
    Native,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::SecretService => "Secret Service",
            Backend::Keyutils => "kernel keyutils",
            Backend::Native => "system keychain",
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

/// The kernel key store, used through the **user** keyring rather than the session keyring.
///
/// Why not the `keyring` crate's keyutils credential: it keeps keys in the session keyring and
/// asks for the persistent keyring with the session as anchor, which makes the kernel give a
/// process without a session keyring a new, empty one. A secret saved by `guichet connect` was
/// then invisible to the next `guichet sync` on a headless machine (regression test below).
/// The user keyring is shared by every process of the user (shells, the timer's service, the
/// app); the key grants its owner read and search without "possession", and it is also linked
/// into the user's persistent keyring where the kernel has one, so that it outlives the last
/// process of the user (the kernel expires it after days without use).
#[cfg(target_os = "linux")]
mod user_keyring {
    use std::any::Any;

    use keyring::credential::CredentialApi;
    use keyring::Error as KeyringError;
    use linux_keyutils::{KeyError, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};

    use super::SERVICE;

    /// One secret in the user keyring.
    #[derive(Debug)]
    pub struct UserKeyCredential {
        description: String,
    }

    impl UserKeyCredential {
        /// The credential of `account` (description `keyring-rs:<account>@guichet`, the form
        /// the `keyring` crate uses, so that `keyctl` users recognise it).
        pub fn new(account: &str) -> Self {
            UserKeyCredential {
                description: format!("keyring-rs:{account}@{SERVICE}"),
            }
        }
    }

    fn error(e: KeyError) -> KeyringError {
        match e {
            KeyError::KeyDoesNotExist | KeyError::KeyringDoesNotExist => KeyringError::NoEntry,
            KeyError::AccessDenied | KeyError::OperationNotSupported => {
                KeyringError::NoStorageAccess(Box::new(e))
            }
            e => KeyringError::PlatformFailure(Box::new(e)),
        }
    }

    fn user_keyring() -> Result<KeyRing, KeyringError> {
        // Keys are only "possessed" (fully usable) through the process's own keyrings. A fresh
        // session keyring (`keyctl session`, a systemd unit's private keyring) does not link the
        // user keyring; link it, as pam_keyinit does for a login. Without a session keyring of
        // its own the process uses the user-session keyring, which already links it (`create:
        // false` so that no empty session is made for us).
        if let Ok(session) = KeyRing::from_special_id(KeyRingIdentifier::Session, false) {
            let _ = session.link_keyring_id(KeyRingIdentifier::User);
        }
        KeyRing::from_special_id(KeyRingIdentifier::User, true).map_err(error)
    }

    impl CredentialApi for UserKeyCredential {
        fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
            if secret.is_empty() {
                return Err(KeyringError::Invalid(
                    "secret".into(),
                    "cannot be empty".into(),
                ));
            }
            let key = user_keyring()?
                .add_key(&self.description, secret)
                .map_err(error)?;
            let owner = Permission::VIEW
                | Permission::READ
                | Permission::WRITE
                | Permission::SEARCH
                | Permission::LINK
                | Permission::SETATTR;
            key.set_perms(
                KeyPermissionsBuilder::builder()
                    .posessor(Permission::ALL)
                    .user(owner)
                    .build(),
            )
            .map_err(error)?;
            // Best effort: not every kernel or container offers persistent keyrings.
            if let Ok(persistent) = KeyRing::get_persistent(KeyRingIdentifier::User) {
                let _ = persistent.link_key(key);
            }
            Ok(())
        }

        fn get_secret(&self) -> keyring::Result<Vec<u8>> {
            let user = user_keyring()?;
            let key = match user.search(&self.description) {
                Ok(key) => key,
                // After the user's last process ended, only the persistent keyring has it.
                Err(KeyError::KeyDoesNotExist) => {
                    let persistent =
                        KeyRing::get_persistent(KeyRingIdentifier::User).map_err(error)?;
                    let key = persistent.search(&self.description).map_err(error)?;
                    let _ = user.link_key(key);
                    key
                }
                Err(e) => return Err(error(e)),
            };
            key.read_to_vec().map_err(error)
        }

        fn delete_credential(&self) -> keyring::Result<()> {
            let key = user_keyring()?.search(&self.description).map_err(error)?;
            key.invalidate().map_err(error)
        }

        fn as_any(&self) -> &dyn Any {
            self
        }
    }
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
         (gnome-keyring); without a desktop, the kernel key store (keyutils) must be available",
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
        "no secret for {account} in the keyring ({}); run `guichet connect` again (as the same \
         user; a secret kept in a desktop's Secret Service is not visible outside that desktop \
         session)",
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
