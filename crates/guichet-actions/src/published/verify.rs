//! Verification of an action file against the keys the machine trusts, done again at every
//! list, show and run: the policy may have changed since the file arrived, and it may have
//! expired.

use chrono::{DateTime, Utc};
use guichet_bundle::{key_fingerprint, verify_signature};

use super::format::{signed_message, ActionFile, ActionManifest};
use super::refusal::Refusal;

/// An admin key the machine trusts (from the policy's `action_signers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedSigner {
    /// Who holds it, shown as the publisher.
    pub name: String,
    /// The Ed25519 public key, hex.
    pub public_key: String,
}

/// An action whose signature, signer and date were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAction {
    /// The manifest.
    pub manifest: ActionManifest,
    /// The script.
    pub script: String,
    /// The trusted signer's name.
    pub publisher: String,
}

/// Verifies an action file: its shape, that it is signed, by a key in `trusted`, that the
/// signature covers this manifest and script, and that it has not expired at `now`. The checks
/// go in that order, so the reason given is the first that fails.
pub fn verify_action(
    bytes: &[u8],
    trusted: &[TrustedSigner],
    now: DateTime<Utc>,
) -> Result<VerifiedAction, Refusal> {
    let file = ActionFile::parse(bytes)?;
    let signature = match file.signature.as_deref().map(str::trim) {
        None | Some("") => return Err(Refusal::Unsigned),
        Some(s) => s.to_string(),
    };
    let signer = file.manifest.signer.to_ascii_lowercase();
    let Some(trusted) = trusted
        .iter()
        .find(|t| t.public_key.trim().to_ascii_lowercase() == signer)
    else {
        return Err(Refusal::Untrusted {
            fingerprint: key_fingerprint(&signer),
        });
    };
    verify_signature(
        &signer,
        &signed_message(&file.manifest, &file.script),
        &signature,
    )
    .map_err(|_| Refusal::Tampered)?;
    if file.manifest.expires_at <= now {
        return Err(Refusal::Expired {
            expires_at: file.manifest.expires_at,
        });
    }
    Ok(VerifiedAction {
        manifest: file.manifest,
        script: file.script,
        publisher: trusted.name.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_bundle::BundleSigner;
    use guichet_records::Sentence;

    fn manifest(expires: &str) -> ActionManifest {
        ActionManifest {
            name: "clear-cache".into(),
            title: Sentence::new("Vider le cache", "Clear the cache"),
            description: Sentence::new("Vide le cache.", "Clears the cache."),
            needs_network: false,
            timeout_secs: 10,
            expires_at: expires.parse().unwrap(),
            signer: String::new(),
        }
    }

    fn key(dir: &std::path::Path, seed: u8) -> BundleSigner {
        BundleSigner::create_at(&dir.join(format!("k{seed}")), [seed; 32]).unwrap()
    }

    fn trust(k: &BundleSigner) -> Vec<TrustedSigner> {
        vec![TrustedSigner {
            name: "IT".into(),
            public_key: k.public_key_hex(),
        }]
    }

    fn now() -> DateTime<Utc> {
        "2027-01-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_signed_action_verifies_and_each_refusal_has_its_reason() {
        let dir = tempfile::tempdir().unwrap();
        let (admin, other) = (key(dir.path(), 1), key(dir.path(), 2));
        let good =
            ActionFile::sign(manifest("2027-06-30T00:00:00Z"), "echo hi\n".into(), &admin).unwrap();
        let v = verify_action(&good, &trust(&admin), now()).unwrap();
        assert_eq!(
            (v.publisher.as_str(), v.script.as_str()),
            ("IT", "echo hi\n")
        );

        let text = String::from_utf8(good.clone()).unwrap();
        let script_changed = text.replace("echo hi", "echo HI");
        let manifest_changed = text.replace("\"timeout_secs\": 10", "\"timeout_secs\": 11");
        for tampered in [script_changed, manifest_changed] {
            assert_ne!(tampered, text);
            let r = verify_action(tampered.as_bytes(), &trust(&admin), now());
            assert_eq!(r.unwrap_err(), Refusal::Tampered);
        }
        let mut unsigned: ActionFile = serde_json::from_slice(&good).unwrap();
        unsigned.signature = None;
        let unsigned = serde_json::to_vec(&unsigned).unwrap();
        assert_eq!(
            verify_action(&unsigned, &trust(&admin), now()).unwrap_err(),
            Refusal::Unsigned
        );
        assert_eq!(
            verify_action(&good, &trust(&other), now())
                .unwrap_err()
                .code(),
            "action_untrusted"
        );
        let later = "2027-07-01T00:00:00Z".parse().unwrap();
        assert_eq!(
            verify_action(&good, &trust(&admin), later)
                .unwrap_err()
                .code(),
            "action_expired"
        );
        let big = vec![b' '; 300 * 1024];
        assert_eq!(
            verify_action(&big, &trust(&admin), now())
                .unwrap_err()
                .code(),
            "action_too_large"
        );
        assert_eq!(
            verify_action(b"{\"format\":1}", &trust(&admin), now())
                .unwrap_err()
                .code(),
            "action_malformed"
        );
    }

    #[test]
    fn a_bad_name_or_timeout_cannot_be_signed() {
        let dir = tempfile::tempdir().unwrap();
        let admin = key(dir.path(), 3);
        let mut m = manifest("2027-06-30T00:00:00Z");
        m.name = "../etc".into();
        assert!(ActionFile::sign(m, "true".into(), &admin).is_err());
        let mut m = manifest("2027-06-30T00:00:00Z");
        m.timeout_secs = 0;
        assert!(ActionFile::sign(m, "true".into(), &admin).is_err());
    }
}
