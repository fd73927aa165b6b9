//! The published action file (`*.guichet-action`): one JSON object holding the manifest, the
//! script and the admin's Ed25519 signature.
//!
//! ```json
//! {"format": "guichet-action", "version": 1,
//!  "manifest": {"name": "…", "title": {"fr": "…", "en": "…"}, "description": {…},
//!               "needs_network": false, "timeout_secs": 60,
//!               "expires_at": "2027-06-30T00:00:00Z", "signer": "<public key hex>"},
//!  "script": "#!/bin/sh\n…", "signature": "<hex>"}
//! ```
//!
//! What is signed is [`signed_message`]: a fixed prefix, the manifest as this crate serialises
//! it (fields in declaration order, so the bytes do not depend on how the file spelled the
//! JSON) and the script's exact bytes. Changing any manifest field or a byte of the script
//! breaks the signature.

use chrono::{DateTime, Utc};
use guichet_bundle::BundleSigner;
use guichet_records::Sentence;
use serde::{Deserialize, Serialize};

use super::refusal::Refusal;

/// The `format` of an action file.
pub const ACTION_FORMAT: &str = "guichet-action";
/// The version this build reads and writes.
pub const ACTION_VERSION: u32 = 1;
/// The extension action files carry (what the knowledge-base pull keeps).
pub const ACTION_EXTENSION: &str = "guichet-action";
/// Largest action file read (the whole file, script included).
pub const MAX_ACTION_FILE_BYTES: u64 = 256 * 1024;
/// Largest script.
pub const MAX_SCRIPT_BYTES: usize = 128 * 1024;
/// Longest timeout a manifest may ask for.
pub const MAX_TIMEOUT_SECS: u64 = 3600;
/// Longest title, in characters.
const MAX_TITLE_CHARS: usize = 200;
/// Longest description, in characters.
const MAX_DESCRIPTION_CHARS: usize = 4000;

/// What an admin says about a published action; signed with the script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionManifest {
    /// The action's id: lower-case letters, digits and dashes, at most 64.
    pub name: String,
    /// Its title, fr/en.
    pub title: Sentence,
    /// What it does, fr/en, shown before it runs.
    pub description: Sentence,
    /// Whether the sandbox keeps the network (otherwise it has none).
    pub needs_network: bool,
    /// How long it may run before it is killed.
    pub timeout_secs: u64,
    /// After this, machines refuse it.
    pub expires_at: DateTime<Utc>,
    /// The signer's Ed25519 public key, lower-case hex (the key id the policy lists).
    pub signer: String,
}

/// An action file as read, not verified yet.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionFile {
    /// Always [`ACTION_FORMAT`].
    pub format: String,
    /// Always [`ACTION_VERSION`] for this build.
    pub version: u32,
    /// The manifest.
    pub manifest: ActionManifest,
    /// The `sh` script.
    pub script: String,
    /// Hex of the Ed25519 signature of [`signed_message`]; absent in an unsigned file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// The bytes the signature covers.
pub fn signed_message(manifest: &ActionManifest, script: &str) -> Vec<u8> {
    let mut m = format!("{ACTION_FORMAT}/{ACTION_VERSION}\n").into_bytes();
    m.extend(serde_json::to_vec(manifest).expect("a manifest always serialises"));
    m.push(b'\n');
    m.extend_from_slice(script.as_bytes());
    m
}

impl ActionFile {
    /// Reads an action file's bytes (at most [`MAX_ACTION_FILE_BYTES`]) and checks its shape;
    /// nothing about its signature yet.
    pub fn parse(bytes: &[u8]) -> Result<ActionFile, Refusal> {
        if bytes.len() as u64 > MAX_ACTION_FILE_BYTES {
            return Err(Refusal::TooLarge {
                limit: MAX_ACTION_FILE_BYTES,
            });
        }
        let file: ActionFile = serde_json::from_slice(bytes)
            .map_err(|e| Refusal::Malformed(format!("not an action file: {e}")))?;
        if file.format != ACTION_FORMAT || file.version != ACTION_VERSION {
            return Err(Refusal::Malformed(format!(
                "format {} version {}, this build reads {ACTION_FORMAT} version {ACTION_VERSION}",
                file.format, file.version
            )));
        }
        file.manifest.check().map_err(Refusal::Malformed)?;
        if file.script.len() > MAX_SCRIPT_BYTES {
            return Err(Refusal::Malformed(format!(
                "the script is over {MAX_SCRIPT_BYTES} bytes"
            )));
        }
        Ok(file)
    }

    /// Signs `script` with `manifest` (its `signer` is set to `key`'s public key) and returns
    /// the file's bytes.
    pub fn sign(
        mut manifest: ActionManifest,
        script: String,
        key: &BundleSigner,
    ) -> Result<Vec<u8>, Refusal> {
        manifest.signer = key.public_key_hex();
        manifest.check().map_err(Refusal::Malformed)?;
        if script.len() > MAX_SCRIPT_BYTES {
            return Err(Refusal::Malformed(format!(
                "the script is over {MAX_SCRIPT_BYTES} bytes"
            )));
        }
        let signature = key.sign_hex(&signed_message(&manifest, &script));
        let file = ActionFile {
            format: ACTION_FORMAT.into(),
            version: ACTION_VERSION,
            manifest,
            script,
            signature: Some(signature),
        };
        let mut bytes = serde_json::to_vec_pretty(&file).expect("an action file serialises");
        bytes.push(b'\n');
        Ok(bytes)
    }
}

/// Whether `name` is a valid action id.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
}

impl ActionManifest {
    /// The manifest's own rules (id, lengths, timeout), as a reason for people.
    fn check(&self) -> Result<(), String> {
        if !valid_name(&self.name) {
            return Err(format!(
                "the name {:?} is not lower-case letters, digits and dashes (at most 64)",
                self.name
            ));
        }
        for (what, s, max) in [
            ("title", &self.title, MAX_TITLE_CHARS),
            ("description", &self.description, MAX_DESCRIPTION_CHARS),
        ] {
            for text in [&s.fr, &s.en] {
                if text.trim().is_empty() || text.chars().count() > max {
                    return Err(format!("the {what} is empty or over {max} characters"));
                }
            }
        }
        if !(1..=MAX_TIMEOUT_SECS).contains(&self.timeout_secs) {
            return Err(format!(
                "the timeout must be 1 to {MAX_TIMEOUT_SECS} seconds"
            ));
        }
        Ok(())
    }
}
