//! The store's bundle signing key.
//!
//! The private key is a file in the data directory, readable by its owner only (0600), rather
//! than an entry of the OS keyring. The reason: the scheduled agent (a systemd service, possibly
//! a system one) and an admin's shell export bundles from the same store, and they do not share
//! a keyring session (the kernel keyutils session keyring dies with the login). The key's job is
//! integrity and sender continuity, not secrecy of data: whoever can read this file can already
//! read and rewrite the database beside it, so keeping the key next to the data it signs adds no
//! exposure, and it is never written to the database, a config file or a log.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use crate::hex::{hex, unhex};
use crate::BundleError;

/// File name of the signing key in the data directory.
pub const SIGNING_KEY_FILE: &str = "bundle-signing.key";

/// The key this store signs its bundles with.
pub struct BundleSigner {
    key: SigningKey,
    path: PathBuf,
}

impl std::fmt::Debug for BundleSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the private half.
        f.debug_struct("BundleSigner")
            .field("public_key", &self.public_key_hex())
            .field("path", &self.path)
            .finish()
    }
}

impl BundleSigner {
    /// Loads the key of the store in `dir`, creating it from `seed` (32 random bytes from the
    /// caller) on first use. The file is created with mode 0600 and never replaced.
    pub fn load_or_create(
        dir: &Path,
        seed: impl FnOnce() -> [u8; 32],
    ) -> Result<BundleSigner, BundleError> {
        let path = dir.join(SIGNING_KEY_FILE);
        if let Some(k) = read_key(&path)? {
            return Ok(k);
        }
        let key = SigningKey::from_bytes(&seed());
        write_new_key(&path, &hex(&key.to_bytes())).map_err(|source| BundleError::Io {
            path: path.clone(),
            source,
        })?;
        // Another process may have won the race: what is on disk is the key.
        read_key(&path)?.ok_or_else(|| BundleError::Key {
            path,
            detail: "vanished right after it was written".into(),
        })
    }

    /// The public key, lower-case hex (what manifests carry).
    pub fn public_key_hex(&self) -> String {
        hex(self.key.verifying_key().as_bytes())
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }
}

/// The key in `path`, or `None` if there is no such file.
fn read_key(path: &Path) -> Result<Option<BundleSigner>, BundleError> {
    let bad = |detail: &str| BundleError::Key {
        path: path.to_path_buf(),
        detail: detail.into(),
    };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let bytes = unhex(text.trim()).ok_or_else(|| bad("not hex"))?;
            let seed: [u8; 32] = bytes
                .try_into()
                .map_err(|_| bad("not a 32-byte Ed25519 key"))?;
            Ok(Some(BundleSigner {
                key: SigningKey::from_bytes(&seed),
                path: path.to_path_buf(),
            }))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(BundleError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Creates the key file exclusively (never overwriting an existing key), owner-only.
fn write_new_key(path: &Path, text: &str) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(mut f) => {
            f.write_all(text.as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Verifies `signature` (hex) of `message` by `public_key` (hex).
pub(crate) fn verify(public_key: &str, message: &[u8], signature: &str) -> Result<(), BundleError> {
    let key: [u8; 32] = unhex(public_key)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            BundleError::Corrupt("the manifest's public key is not 32 hex bytes".into())
        })?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| BundleError::Signature)?;
    let sig: [u8; 64] = unhex(signature.trim())
        .and_then(|b| b.try_into().ok())
        .ok_or(BundleError::Signature)?;
    key.verify_strict(message, &Signature::from_bytes(&sig))
        .map_err(|_| BundleError::Signature)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_created_once_owner_only_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let a = BundleSigner::load_or_create(dir.path(), || [7u8; 32]).unwrap();
        let b = BundleSigner::load_or_create(dir.path(), || [9u8; 32]).unwrap();
        assert_eq!(a.public_key_hex(), b.public_key_hex(), "second seed unused");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join(SIGNING_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let sig = hex(&a.sign(b"manifest"));
        verify(&a.public_key_hex(), b"manifest", &sig).unwrap();
        assert!(matches!(
            verify(&a.public_key_hex(), b"manifesT", &sig),
            Err(BundleError::Signature)
        ));
        assert!(
            !format!("{a:?}").contains(&hex(&[7u8; 32])),
            "debug hides the key"
        );
    }
}
