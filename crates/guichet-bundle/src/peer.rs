//! The enrolment file: a store's device id and public key, one line of text, carried to the
//! other side (hub or site) and compared there by fingerprint before it is trusted, as SSH
//! host keys are.

use crate::hex::unhex;
use crate::keys::key_fingerprint;
use crate::BundleError;

/// The first word of an enrolment file.
const TAG: &str = "guichet-bundle-key";

/// A store's bundle key as another store enrols it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PeerKey {
    /// The store's device id (what its bundles name as their sender).
    pub deviceid: String,
    /// Its Ed25519 public key, lower-case hex.
    pub public_key: String,
}

impl PeerKey {
    /// The key's fingerprint, to compare out of band.
    pub fn fingerprint(&self) -> String {
        key_fingerprint(&self.public_key)
    }

    /// The enrolment file's text: `guichet-bundle-key <deviceid> <public key hex>`.
    pub fn to_text(&self) -> String {
        format!("{TAG} {} {}\n", self.deviceid, self.public_key)
    }

    /// Reads an enrolment file's text, checking the key is an Ed25519 public key.
    pub fn parse(text: &str) -> Result<PeerKey, BundleError> {
        let bad = |why: &str| BundleError::Format(format!("not a Guichet key file: {why}"));
        let mut words = text.split_whitespace();
        if words.next() != Some(TAG) {
            return Err(bad(&format!("it does not start with `{TAG}`")));
        }
        let (Some(deviceid), Some(key), None) = (words.next(), words.next(), words.next()) else {
            return Err(bad("expected a device id and a key"));
        };
        if deviceid.chars().any(char::is_control) {
            return Err(bad("the device id holds control characters"));
        }
        let bytes: [u8; 32] = unhex(key)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad("the key is not 32 hex bytes"))?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map_err(|_| bad("the key is not an Ed25519 public key"))?;
        Ok(PeerKey {
            deviceid: deviceid.to_string(),
            public_key: key.to_ascii_lowercase(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BundleSigner;

    #[test]
    fn key_files_round_trip_and_refuse_other_text() {
        let dir = tempfile::tempdir().unwrap();
        let signer = BundleSigner::load_or_create(dir.path(), || [3u8; 32]).unwrap();
        let k = PeerKey {
            deviceid: "site-1".into(),
            public_key: signer.public_key_hex(),
        };
        assert_eq!(PeerKey::parse(&k.to_text()).unwrap(), k);
        assert_eq!(k.fingerprint(), signer.fingerprint());
        assert!(PeerKey::parse("ssh-ed25519 AAAA").is_err());
        assert!(PeerKey::parse(&format!("{TAG} site-1 abcd")).is_err());
        assert!(PeerKey::parse(&format!("{TAG} site-1")).is_err());
    }
}
