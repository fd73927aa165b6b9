//! The kernel key store, used through the **user** keyring rather than the session keyring.
//!
//! Why not the `keyring` crate's keyutils credential: it keeps keys in the session keyring and
//! asks for the persistent keyring with the session as anchor, which makes the kernel give a
//! process without a session keyring a new, empty one. A secret saved by `guichet connect` was
//! then invisible to the next `guichet sync` on a headless machine (regression test in the parent module).
//! The user keyring is shared by every process of the user (shells, the timer's service, the
//! app); the key grants its owner read and search without "possession", and it is also linked
//! into the user's persistent keyring where the kernel has one, so that it outlives the last
//! process of the user (the kernel expires it after days without use). Neither survives a
//! reboot: that is why the system agent keeps its secrets as encrypted credentials instead
//! (`system_credentials`).

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
                let persistent = KeyRing::get_persistent(KeyRingIdentifier::User).map_err(error)?;
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
