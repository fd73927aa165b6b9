//! Reading a bundle: every check passes before anything is trusted.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read as _;
use std::path::Path;

use crate::keys::verify;
use crate::manifest::{sha, BLOBS, MANIFEST, PAYLOAD, SIGNATURE};
use crate::{
    BlobId, BundleError, BundleKind, Manifest, OutgoingPayload, ReturnPayload, BUNDLE_FORMAT,
    BUNDLE_VERSION, MAX_BUNDLE_BYTES,
};

/// A bundle whose every check passed; nothing has been applied yet.
#[derive(Debug, Clone)]
pub struct VerifiedBundle {
    /// The signed manifest.
    pub manifest: Manifest,
    /// Size of the file.
    pub file_bytes: u64,
    payload: Payload,
    blobs: HashMap<BlobId, Vec<u8>>,
}

/// The parsed payload, by kind.
#[derive(Debug, Clone)]
pub enum Payload {
    /// An outgoing bundle's.
    Outgoing(Box<OutgoingPayload>),
    /// A return bundle's.
    Return(Box<ReturnPayload>),
}

impl VerifiedBundle {
    /// The payload.
    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// The bytes of a blob the bundle carries (every blob its payload refers to).
    pub fn blob(&self, id: &BlobId) -> Option<&[u8]> {
        self.blobs.get(id).map(Vec::as_slice)
    }

    /// Every blob the bundle carries, in no particular order.
    pub fn blobs(&self) -> impl Iterator<Item = (&BlobId, &[u8])> {
        self.blobs.iter().map(|(id, b)| (id, b.as_slice()))
    }

    /// The outgoing payload, for an outgoing bundle.
    pub fn outgoing(&self) -> Option<&OutgoingPayload> {
        match &self.payload {
            Payload::Outgoing(p) => Some(p),
            Payload::Return(_) => None,
        }
    }

    /// The return payload, for a return bundle.
    pub fn returned(&self) -> Option<&ReturnPayload> {
        match &self.payload {
            Payload::Return(p) => Some(p),
            Payload::Outgoing(_) => None,
        }
    }
}

/// Reads and verifies the bundle at `path`. See [`read_bundle_bytes`].
pub fn read_bundle(path: &Path) -> Result<VerifiedBundle, BundleError> {
    let io = |source| BundleError::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_BUNDLE_BYTES {
        return Err(BundleError::TooLarge(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_BUNDLE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    read_bundle_bytes(&bytes)
}

/// Verifies a bundle held in memory: container, format and version, signature, every
/// member's size and SHA-256, no missing or unexpected member, a payload that parses and only
/// refers to blobs the bundle carries. Nothing is trusted before all of it passed.
pub fn read_bundle_bytes(bytes: &[u8]) -> Result<VerifiedBundle, BundleError> {
    read_checked(bytes, Checks::All)
}

/// Which checks a read runs. Every real read runs them all; only the fuzzing harness (cargo
/// feature `fuzzing`, never enabled by the project's crates) skips the signature and digests,
/// which a fuzzer cannot forge, so that it reaches the container and payload parsers behind
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checks {
    /// Signature, sizes and SHA-256 digests.
    All,
    /// Sizes only: no signature, no digest.
    #[cfg(feature = "fuzzing")]
    Unsigned,
}

impl Checks {
    fn crypto(self) -> bool {
        self == Checks::All
    }
}

/// [`read_bundle_bytes`] without the signature and digest checks, for the fuzzing harness
/// only: a bundle read this way is not verified.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub fn read_bundle_bytes_unverified(bytes: &[u8]) -> Result<VerifiedBundle, BundleError> {
    read_checked(bytes, Checks::Unsigned)
}

fn read_checked(bytes: &[u8], checks: Checks) -> Result<VerifiedBundle, BundleError> {
    check_whole_archive(bytes)?;
    let members = members(bytes)?;
    let Some(manifest_bytes) = members.get(MANIFEST) else {
        return Err(BundleError::Format(
            "no manifest.json in the archive".into(),
        ));
    };
    let manifest = signed_manifest(&members, manifest_bytes, checks)?;
    let listed = check_listed_members(&manifest, &members, checks)?;
    let payload_bytes = members
        .get(PAYLOAD)
        .filter(|_| listed.contains(PAYLOAD))
        .ok_or_else(|| BundleError::Corrupt("no payload.json in the manifest".into()))?;
    let bad_payload = |e: serde_json::Error| BundleError::Corrupt(format!("payload.json: {e}"));
    let payload = match manifest.kind {
        BundleKind::Outgoing => Payload::Outgoing(Box::new(
            serde_json::from_slice(payload_bytes).map_err(bad_payload)?,
        )),
        BundleKind::Return => Payload::Return(Box::new(
            serde_json::from_slice(payload_bytes).map_err(bad_payload)?,
        )),
    };
    let blobs = blob_members(&members, checks)?;
    for needed in referenced_blobs(&payload) {
        if !blobs.contains_key(needed) {
            return Err(BundleError::Corrupt(format!(
                "payload refers to blob {needed}, which the bundle does not carry"
            )));
        }
    }
    Ok(VerifiedBundle {
        manifest,
        file_bytes: bytes.len() as u64,
        payload,
        blobs,
    })
}

/// Refuses a file too large, empty, or not whole: a tar archive is whole 512-byte blocks
/// ending with two zero blocks.
fn check_whole_archive(bytes: &[u8]) -> Result<(), BundleError> {
    if bytes.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(BundleError::TooLarge(bytes.len() as u64));
    }
    if bytes.len() < 512 {
        return Err(if bytes.is_empty() {
            BundleError::Format("the file is empty".into())
        } else {
            BundleError::Truncated(format!("only {} bytes", bytes.len()))
        });
    }
    // A tar archive is whole 512-byte blocks ending with two zero blocks: a file cut anywhere
    // (even between members, which the archive format alone would not notice) fails here.
    if !bytes.len().is_multiple_of(512)
        || !bytes[bytes.len() - 1024.min(bytes.len())..]
            .iter()
            .all(|b| *b == 0)
    {
        // Not even a tar header at the start: another kind of file, not a cut bundle.
        if tar::Archive::new(bytes)
            .entries()
            .ok()
            .and_then(|mut e| e.next())
            .and_then(|e| e.ok())
            .is_none()
        {
            return Err(BundleError::Format("not a tar archive".into()));
        }
        return Err(BundleError::Truncated(format!(
            "the archive's end marker is missing ({} bytes)",
            bytes.len()
        )));
    }
    Ok(())
}

/// The manifest, once its format, version and signature are checked.
fn signed_manifest(
    members: &BTreeMap<String, Vec<u8>>,
    manifest_bytes: &[u8],
    checks: Checks,
) -> Result<Manifest, BundleError> {
    // The format check comes first so that another program's tar gets the clearest message.
    let value: serde_json::Value = serde_json::from_slice(manifest_bytes)
        .map_err(|e| BundleError::Corrupt(format!("manifest.json is not valid JSON: {e}")))?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(BUNDLE_FORMAT) => {}
        other => {
            return Err(BundleError::Format(format!(
                "manifest format is {}, not {BUNDLE_FORMAT}",
                other.map(|s| format!("`{s}`")).unwrap_or("missing".into())
            )))
        }
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(BUNDLE_VERSION) => {}
        Some(v) => {
            return Err(BundleError::Format(format!(
                "bundle format version {v}; this Guichet reads version {BUNDLE_VERSION}"
            )))
        }
        None => return Err(BundleError::Format("the manifest has no version".into())),
    }
    let manifest: Manifest = serde_json::from_value(value)
        .map_err(|e| BundleError::Corrupt(format!("manifest.json: {e}")))?;
    let signature = members
        .get(SIGNATURE)
        .ok_or_else(|| BundleError::Truncated("manifest.sig is missing".into()))?;
    let signature = std::str::from_utf8(signature).map_err(|_| BundleError::Signature)?;
    if checks.crypto() {
        verify(&manifest.public_key, manifest_bytes, signature)?;
    }
    Ok(manifest)
}

/// Checks every member the manifest lists (present once, its size and SHA-256) and that the
/// archive holds nothing else; returns the listed paths.
fn check_listed_members<'a>(
    manifest: &'a Manifest,
    members: &BTreeMap<String, Vec<u8>>,
    checks: Checks,
) -> Result<HashSet<&'a str>, BundleError> {
    let mut listed = HashSet::new();
    for e in &manifest.entries {
        if !listed.insert(e.path.as_str()) {
            return Err(BundleError::Corrupt(format!(
                "the manifest lists {} twice",
                e.path
            )));
        }
        let Some(m) = members.get(&e.path) else {
            return Err(BundleError::Truncated(format!(
                "member {} is missing",
                e.path
            )));
        };
        if m.len() as u64 != e.size {
            return Err(BundleError::Checksum {
                path: e.path.clone(),
                detail: format!("{} bytes instead of {}", m.len(), e.size),
            });
        }
        if !checks.crypto() {
            continue;
        }
        let found = sha(m);
        if found != e.sha256 {
            return Err(BundleError::Checksum {
                path: e.path.clone(),
                detail: format!("sha256 {found} instead of {}", e.sha256),
            });
        }
    }
    for name in members.keys() {
        if name != MANIFEST && name != SIGNATURE && !listed.contains(name.as_str()) {
            return Err(BundleError::Corrupt(format!(
                "member {name} is not in the manifest"
            )));
        }
    }
    Ok(listed)
}

/// The `blobs/<sha256>` members by id, each checked against its name.
fn blob_members(
    members: &BTreeMap<String, Vec<u8>>,
    checks: Checks,
) -> Result<HashMap<BlobId, Vec<u8>>, BundleError> {
    let mut blobs = HashMap::new();
    for (name, bytes) in members {
        if let Some(id) = name.strip_prefix(BLOBS) {
            let id = BlobId::parse(id)
                .map_err(|_| BundleError::Corrupt(format!("member {name} is not a blob name")))?;
            // The manifest's checksum was verified; the name must agree with it too, since
            // receivers store the bytes under this name.
            if checks.crypto() && BlobId::of(bytes) != id {
                return Err(BundleError::Checksum {
                    path: name.clone(),
                    detail: "content does not match its name".into(),
                });
            }
            blobs.insert(id, bytes.clone());
        }
    }
    Ok(blobs)
}

fn referenced_blobs(p: &Payload) -> Vec<&BlobId> {
    match p {
        Payload::Outgoing(o) => o
            .tickets
            .iter()
            .flat_map(|t| t.attachments.iter().map(|a| &a.blob))
            .chain(
                o.replies
                    .iter()
                    .flat_map(|r| r.attachments.iter().map(|a| &a.blob)),
            )
            .collect(),
        Payload::Return(r) => {
            r.kb.iter()
                .flat_map(|kb| kb.articles.iter())
                .flat_map(|a| a.images.iter().map(|i| &i.blob))
                .chain(
                    r.tickets
                        .iter()
                        .flat_map(|t| t.replies.iter())
                        .flat_map(|rr| rr.attachments.iter().filter_map(|f| f.blob.as_ref())),
                )
                .collect()
        }
    }
}

/// The archive's regular files by path. Anything else (links, devices, absolute or `..`
/// paths, duplicates) is refused: a bundle never writes files by itself, but a strange member
/// is a sign of a forged or foreign archive.
fn members(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, BundleError> {
    let mut archive = tar::Archive::new(bytes);
    let entries = archive
        .entries()
        .map_err(|e| BundleError::Format(format!("not a tar archive: {e}")))?;
    let mut out = BTreeMap::new();
    for (i, entry) in entries.enumerate() {
        let mut entry = entry.map_err(|e| container_error(i, e))?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(BundleError::Corrupt(format!(
                "member {i} is not a regular file"
            )));
        }
        let path = entry
            .path()
            .map_err(|e| container_error(i, e))?
            .to_string_lossy()
            .into_owned();
        if path.starts_with('/') || path.split('/').any(|c| c == ".." || c.is_empty()) {
            return Err(BundleError::Corrupt(format!(
                "member path `{path}` is unsafe"
            )));
        }
        let size = entry.header().size().map_err(|e| container_error(i, e))?;
        if size > MAX_BUNDLE_BYTES {
            return Err(BundleError::Corrupt(format!(
                "member {path} claims {size} bytes"
            )));
        }
        // The header's size is the sender's claim: reserve at most 1 MiB on its word (a file of
        // a few KB claiming 1 GiB must not make us reserve 1 GiB); reading grows it if true.
        let mut data = Vec::with_capacity(size.min(1 << 20) as usize);
        entry
            .read_to_end(&mut data)
            .map_err(|e| container_error(i, e))?;
        if (data.len() as u64) < size {
            return Err(BundleError::Truncated(format!(
                "member {path} has {} of its {size} bytes",
                data.len()
            )));
        }
        if out.insert(path.clone(), data).is_some() {
            return Err(BundleError::Corrupt(format!("member {path} appears twice")));
        }
    }
    if out.is_empty() {
        return Err(BundleError::Format("not a tar archive (no members)".into()));
    }
    Ok(out)
}

fn container_error(index: usize, e: std::io::Error) -> BundleError {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        BundleError::Truncated(format!("the archive ends inside member {index}"))
    } else if index == 0 {
        BundleError::Format(format!("not a tar archive: {e}"))
    } else {
        BundleError::Corrupt(format!("archive member {index}: {e}"))
    }
}
