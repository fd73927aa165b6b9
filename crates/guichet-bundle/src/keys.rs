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
    /// caller) on first use. The file is owner-only (0600) and appears whole or not at all: it
    /// is written to a temporary file, synced, then linked to its name, which fails if another
    /// process created the key first (that key is then the one used). A key file that cannot
    /// be read as a key (the crash of an older version between creating and writing it) is
    /// moved aside as `bundle-signing.key.broken` and replaced: such a file never loaded, so
    /// nothing was ever signed with it and no peer can have enrolled it.
    pub fn load_or_create(
        dir: &Path,
        seed: impl FnOnce() -> [u8; 32],
    ) -> Result<BundleSigner, BundleError> {
        let path = dir.join(SIGNING_KEY_FILE);
        let io = |source| BundleError::Io {
            path: path.clone(),
            source,
        };
        match read_key(&path) {
            Ok(Some(k)) => return Ok(k),
            Ok(None) => {}
            Err(BundleError::Key { .. }) => {
                let aside = dir.join(format!("{SIGNING_KEY_FILE}.broken"));
                match std::fs::rename(&path, &aside) {
                    // NotFound: another process moved it first and is creating a key too.
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
                    _ => {}
                }
            }
            Err(e) => return Err(e),
        }
        let key = SigningKey::from_bytes(&seed());
        write_new_key(dir, &path, &hex(&key.to_bytes())).map_err(io)?;
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

    /// The public key's fingerprint, for comparison out of band (see [`key_fingerprint`]).
    pub fn fingerprint(&self) -> String {
        key_fingerprint(&self.public_key_hex())
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }

    /// Signs `message` (lower-case hex of the 64-byte Ed25519 signature): for other signed
    /// files (the published fix-it actions) that reuse this key format.
    pub fn sign_hex(&self, message: &[u8]) -> String {
        hex(&self.sign(message))
    }

    /// Creates a new key file at `path` from `seed` (32 random bytes from the caller):
    /// owner-only (0600), written whole then linked to its name; an existing file is never
    /// replaced (`AlreadyExists`). The file holds the same text as the store's bundle key.
    pub fn create_at(path: &Path, seed: [u8; 32]) -> Result<BundleSigner, BundleError> {
        let io = |source| BundleError::Io {
            path: path.to_path_buf(),
            source,
        };
        if path.exists() {
            return Err(io(std::io::ErrorKind::AlreadyExists.into()));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let key = SigningKey::from_bytes(&seed);
        write_new_key(dir, path, &hex(&key.to_bytes())).map_err(io)?;
        Self::open(path)
    }

    /// Opens the key file at `path` (written by [`BundleSigner::create_at`] or
    /// [`BundleSigner::load_or_create`]).
    pub fn open(path: &Path) -> Result<BundleSigner, BundleError> {
        read_key(path)?.ok_or_else(|| BundleError::Io {
            path: path.to_path_buf(),
            source: std::io::ErrorKind::NotFound.into(),
        })
    }
}

/// The fingerprint of a public key (lower-case hex), as people compare them out of band:
/// `SHA256:` and the unpadded base64 of the SHA-256 of the key's 32 bytes, as SSH shows keys.
pub fn key_fingerprint(public_key_hex: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let bytes = unhex(public_key_hex).unwrap_or_else(|| public_key_hex.as_bytes().to_vec());
    let digest = sha2::Sha256::digest(&bytes);
    format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
    )
}

/// The key in `path`, or `None` if there is no such file.
fn read_key(path: &Path) -> Result<Option<BundleSigner>, BundleError> {
    let bad = |detail: &str| BundleError::Key {
        path: path.to_path_buf(),
        detail: detail.into(),
    };
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = std::str::from_utf8(&bytes).map_err(|_| bad("not hex"))?;
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

/// Writes the key to a temporary file (owner-only), syncs it, then links it to `path`: the
/// name appears with the whole key or not at all, and never replaces an existing key.
fn write_new_key(dir: &Path, path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = dir.join(format!(
        ".{SIGNING_KEY_FILE}.tmp-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let result = (|| {
        let mut f = opts.open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        drop(f);
        match std::fs::hard_link(&tmp, path) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Verifies `signature` (hex) of `message` by `public_key` (hex): `Signature` when it does not
/// verify, `Corrupt` when the key is not 32 hex bytes.
pub fn verify_signature(
    public_key: &str,
    message: &[u8],
    signature: &str,
) -> Result<(), BundleError> {
    verify(public_key, message, signature)
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

    /// The crash of an older version between creating the key file and writing it left an
    /// empty or partial file: it never loaded, so it is replaced (and kept aside), not a
    /// reason to refuse every export from then on.
    #[test]
    fn signing_key_crash_mid_write_does_not_block_exports() {
        for broken in [&b""[..], b"0a1b", b"\0\0\0\0"] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join(SIGNING_KEY_FILE), broken).unwrap();
            let a = BundleSigner::load_or_create(dir.path(), || [7u8; 32]).unwrap();
            let b = BundleSigner::load_or_create(dir.path(), || [9u8; 32]).unwrap();
            assert_eq!(a.public_key_hex(), b.public_key_hex());
            assert!(dir
                .path()
                .join(format!("{SIGNING_KEY_FILE}.broken"))
                .exists());
            let names: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert!(!names.iter().any(|n| n.contains(".tmp-")), "{names:?}");
        }
    }

    #[test]
    fn fingerprints_are_sha256_base64_like_ssh() {
        let a = BundleSigner::load_or_create(tempfile::tempdir().unwrap().path(), || [7u8; 32])
            .unwrap();
        let fp = a.fingerprint();
        assert!(fp.starts_with("SHA256:") && fp.len() == 7 + 43, "{fp}");
        assert_ne!(fp, key_fingerprint(&hex(&[1u8; 32])));
    }
}
