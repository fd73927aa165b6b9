//! Reading a bundle: every check passes before anything is trusted.
//!
//! The file is read as a stream: the manifest, its signature and the payload are held in
//! memory, the blobs are hashed as they go by and only their place in the file is kept.
//! [`VerifiedBundle::blob`] reads one blob back when the store needs it and checks it again
//! against its name (the file may have changed since), so importing a bundle of hundreds of
//! megabytes holds one file at a time, not the bundle three times over.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::hex::hex;
use crate::keys::verify;

use crate::manifest::{BLOBS, MANIFEST, PAYLOAD, SIGNATURE};
use crate::{
    BlobId, BundleCounts, BundleError, BundleKind, Manifest, OutgoingPayload, ReturnPayload,
    BUNDLE_FORMAT, BUNDLE_VERSION, MAX_BUNDLE_BYTES,
};

/// Largest manifest or signature read (a real one is a few kilobytes per thousand files).
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// A bundle whose every check passed; nothing has been applied yet.
#[derive(Debug, Clone)]
pub struct VerifiedBundle {
    /// The signed manifest.
    pub manifest: Manifest,
    /// Size of the file.
    pub file_bytes: u64,
    payload: Payload,
    blobs: HashMap<BlobId, Span>,
    source: Source,
}

/// Where a blob's bytes are in the bundle.
#[derive(Debug, Clone, Copy)]
struct Span {
    offset: u64,
    len: u64,
}

/// Where the verified bytes are read back from.
#[derive(Debug, Clone)]
enum Source {
    File(PathBuf),
    Memory(std::sync::Arc<Vec<u8>>),
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

    /// The bytes of a blob the bundle carries (every blob its payload refers to), read from the
    /// file and checked against their name again; `Ok(None)` if the bundle does not carry it.
    pub fn blob(&self, id: &BlobId) -> Result<Option<Vec<u8>>, BundleError> {
        let Some(span) = self.blobs.get(id) else {
            return Ok(None);
        };
        let bytes = match &self.source {
            Source::Memory(all) => {
                all[span.offset as usize..(span.offset + span.len) as usize].to_vec()
            }
            Source::File(path) => {
                let io = |source| BundleError::Io {
                    path: path.clone(),
                    source,
                };
                let mut f = std::fs::File::open(path).map_err(io)?;
                f.seek(SeekFrom::Start(span.offset)).map_err(io)?;
                let mut bytes = Vec::with_capacity(span.len as usize);
                f.take(span.len).read_to_end(&mut bytes).map_err(io)?;
                bytes
            }
        };
        if BlobId::of(&bytes) != *id {
            return Err(BundleError::Checksum {
                path: format!("{BLOBS}{id}"),
                detail: "the file changed after it was verified".into(),
            });
        }
        Ok(Some(bytes))
    }

    /// The ids of every blob the bundle carries, in no particular order.
    pub fn blob_ids(&self) -> impl Iterator<Item = &BlobId> {
        self.blobs.keys()
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

/// Reads and verifies the bundle at `path` as a stream (see the module overview and
/// [`read_bundle_bytes`] for the checks).
pub fn read_bundle(path: &Path) -> Result<VerifiedBundle, BundleError> {
    let io = |source| BundleError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::io::BufReader::new(std::fs::File::open(path).map_err(io)?);
    let checked = read_checked(&mut file, Checks::All).map_err(|e| match e {
        Read_::Io(source) => io(source),
        Read_::Bundle(e) => e,
    })?;
    Ok(checked.into_bundle(Source::File(path.to_path_buf())))
}

/// Verifies a bundle held in memory: container, format and version, signature, every
/// member's size and SHA-256, no missing or unexpected member, a payload that parses, only
/// refers to blobs the bundle carries and matches the manifest's counts. Nothing is trusted
/// before all of it passed.
pub fn read_bundle_bytes(bytes: &[u8]) -> Result<VerifiedBundle, BundleError> {
    read_memory(bytes, Checks::All)
}

fn read_memory(bytes: &[u8], checks: Checks) -> Result<VerifiedBundle, BundleError> {
    let checked = read_checked(&mut std::io::Cursor::new(bytes), checks).map_err(|e| match e {
        Read_::Io(source) => BundleError::Corrupt(source.to_string()),
        Read_::Bundle(e) => e,
    })?;
    Ok(checked.into_bundle(Source::Memory(std::sync::Arc::new(bytes.to_vec()))))
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
    read_memory(bytes, Checks::Unsigned)
}

/// A read failed on the file itself, or the bundle was refused.
enum Read_ {
    Io(std::io::Error),
    Bundle(BundleError),
}

impl From<BundleError> for Read_ {
    fn from(e: BundleError) -> Self {
        Read_::Bundle(e)
    }
}

/// What a read verified, before it knows where blobs are read back from.
struct Checked {
    manifest: Manifest,
    file_bytes: u64,
    payload: Payload,
    blobs: HashMap<BlobId, Span>,
}

impl Checked {
    fn into_bundle(self, source: Source) -> VerifiedBundle {
        VerifiedBundle {
            manifest: self.manifest,
            file_bytes: self.file_bytes,
            payload: self.payload,
            blobs: self.blobs,
            source,
        }
    }
}

fn read_checked<R: Read + Seek>(src: &mut R, checks: Checks) -> Result<Checked, Read_> {
    let file_bytes = check_whole_archive(src)?;
    let members = members(src)?;
    let Some(manifest_bytes) = members.get(MANIFEST).and_then(|m| m.data.as_deref()) else {
        return Err(BundleError::Format("no manifest.json in the archive".into()).into());
    };
    let manifest = signed_manifest(&members, manifest_bytes, checks)?;
    let listed = check_listed_members(&manifest, &members, checks)?;
    let payload_bytes = members
        .get(PAYLOAD)
        .filter(|_| listed.contains(PAYLOAD))
        .and_then(|m| m.data.as_deref())
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
            ))
            .into());
        }
    }
    check_counts(&manifest.counts, &payload, blobs.len() as u64)?;
    Ok(Checked {
        manifest,
        file_bytes,
        payload,
        blobs,
    })
}

/// The manifest's counts are what `bundle inspect` and the app show before import: they must
/// be the payload's own, or a bundle could announce one ticket and carry a hundred.
fn check_counts(claimed: &BundleCounts, payload: &Payload, blobs: u64) -> Result<(), BundleError> {
    let found = match payload {
        Payload::Outgoing(p) => p.counts(blobs),
        Payload::Return(p) => p.counts(blobs),
    };
    if *claimed != found {
        return Err(BundleError::Corrupt(format!(
            "the manifest's counts ({}) are not the payload's ({})",
            counts_text(claimed),
            counts_text(&found)
        )));
    }
    Ok(())
}

fn counts_text(c: &BundleCounts) -> String {
    format!(
        "{} ticket(s), {} repl(ies), {} inventor(ies), {} site change(s), {} entr(ies), {} article(s), {} file(s)",
        c.tickets, c.replies, c.inventories, c.site_changes, c.entries, c.articles, c.blobs
    )
}

/// Refuses a file too large, empty, or not whole: a tar archive is whole 512-byte blocks
/// ending with two zero blocks. Returns the file's size.
fn check_whole_archive<R: Read + Seek>(src: &mut R) -> Result<u64, Read_> {
    let len = src.seek(SeekFrom::End(0)).map_err(Read_::Io)?;
    if len > MAX_BUNDLE_BYTES {
        return Err(BundleError::TooLarge(len).into());
    }
    if len < 512 {
        return Err(if len == 0 {
            BundleError::Format("the file is empty".into())
        } else {
            BundleError::Truncated(format!("only {len} bytes"))
        }
        .into());
    }
    let tail_len = 1024.min(len);
    src.seek(SeekFrom::Start(len - tail_len))
        .map_err(Read_::Io)?;
    let mut tail = vec![0u8; tail_len as usize];
    src.read_exact(&mut tail).map_err(Read_::Io)?;
    src.seek(SeekFrom::Start(0)).map_err(Read_::Io)?;
    // A tar archive is whole 512-byte blocks ending with two zero blocks: a file cut anywhere
    // (even between members, which the archive format alone would not notice) fails here.
    if !len.is_multiple_of(512) || !tail.iter().all(|b| *b == 0) {
        // Not even a tar header at the start: another kind of file, not a cut bundle.
        let mut first = [0u8; 512];
        src.read_exact(&mut first).map_err(Read_::Io)?;
        src.seek(SeekFrom::Start(0)).map_err(Read_::Io)?;
        if tar::Archive::new(&first[..])
            .entries()
            .ok()
            .and_then(|mut e| e.next())
            .and_then(|e| e.ok())
            .is_none()
        {
            return Err(BundleError::Format("not a tar archive".into()).into());
        }
        return Err(BundleError::Truncated(format!(
            "the archive's end marker is missing ({len} bytes)"
        ))
        .into());
    }
    Ok(len)
}

/// The manifest, once its format, version and signature are checked.
fn signed_manifest(
    members: &BTreeMap<String, Member>,
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
        .and_then(|m| m.data.as_deref())
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
    members: &BTreeMap<String, Member>,
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
        if m.span.len != e.size {
            return Err(BundleError::Checksum {
                path: e.path.clone(),
                detail: format!("{} bytes instead of {}", m.span.len, e.size),
            });
        }
        if checks.crypto() && m.sha256 != e.sha256 {
            return Err(BundleError::Checksum {
                path: e.path.clone(),
                detail: format!("sha256 {} instead of {}", m.sha256, e.sha256),
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
    members: &BTreeMap<String, Member>,
    checks: Checks,
) -> Result<HashMap<BlobId, Span>, BundleError> {
    let mut blobs = HashMap::new();
    for (name, m) in members {
        if let Some(id) = name.strip_prefix(BLOBS) {
            let id = BlobId::parse(id)
                .map_err(|_| BundleError::Corrupt(format!("member {name} is not a blob name")))?;
            // The manifest's checksum was verified; the name must agree with it too, since
            // receivers store the bytes under this name.
            if checks.crypto() && m.sha256 != id.as_str() {
                return Err(BundleError::Checksum {
                    path: name.clone(),
                    detail: "content does not match its name".into(),
                });
            }
            blobs.insert(id, m.span);
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
                    r.kb.iter()
                        .flat_map(|kb| kb.action_files.iter().map(|f| &f.blob)),
                )
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

/// One member of the archive: where its bytes are, their SHA-256, and, for the manifest, its
/// signature and the payload, the bytes themselves.
struct Member {
    span: Span,
    sha256: String,
    data: Option<Vec<u8>>,
}

/// The archive's regular files by path, read as a stream: blobs are hashed and left in the
/// file. Anything else (links, devices, absolute or `..` paths, duplicates, names no bundle
/// has) is refused: a bundle never writes files by itself, but a strange member is a sign of a
/// forged or foreign archive.
fn members<R: Read>(src: R) -> Result<BTreeMap<String, Member>, Read_> {
    let mut archive = tar::Archive::new(src);
    let entries = archive
        .entries()
        .map_err(|e| BundleError::Format(format!("not a tar archive: {e}")))?;
    let mut out = BTreeMap::new();
    for (i, entry) in entries.enumerate() {
        let mut entry = entry.map_err(|e| container_error(i, e))?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(BundleError::Corrupt(format!("member {i} is not a regular file")).into());
        }
        let path = entry
            .path()
            .map_err(|e| container_error(i, e))?
            .to_string_lossy()
            .into_owned();
        if path.starts_with('/') || path.split('/').any(|c| c == ".." || c.is_empty()) {
            return Err(BundleError::Corrupt(format!("member path `{path}` is unsafe")).into());
        }
        let size = entry.header().size().map_err(|e| container_error(i, e))?;
        let in_memory = [MANIFEST, SIGNATURE, PAYLOAD].contains(&path.as_str());
        let limit = if path == PAYLOAD {
            MAX_BUNDLE_BYTES
        } else if in_memory {
            MAX_MANIFEST_BYTES
        } else if path.starts_with(BLOBS) {
            MAX_BUNDLE_BYTES
        } else {
            return Err(
                BundleError::Corrupt(format!("member {path} is not part of a bundle")).into(),
            );
        };
        if size > limit {
            return Err(BundleError::Corrupt(format!("member {path} claims {size} bytes")).into());
        }
        let offset = entry.raw_file_position();
        let (read, sha256, data) =
            read_member(&mut entry, in_memory, size).map_err(|e| container_error(i, e))?;
        if read < size {
            return Err(BundleError::Truncated(format!(
                "member {path} has {read} of its {size} bytes"
            ))
            .into());
        }
        let member = Member {
            span: Span { offset, len: read },
            sha256,
            data,
        };
        if out.insert(path.clone(), member).is_some() {
            return Err(BundleError::Corrupt(format!("member {path} appears twice")).into());
        }
    }
    if out.is_empty() {
        return Err(BundleError::Format("not a tar archive (no members)".into()).into());
    }
    Ok(out)
}

/// Reads one member through, hashing it; keeps its bytes when `keep`. Returns how many bytes
/// were read, their SHA-256 and the bytes kept.
fn read_member(
    entry: &mut impl Read,
    keep: bool,
    size: u64,
) -> std::io::Result<(u64, String, Option<Vec<u8>>)> {
    let mut hasher = Sha256::new();
    // The header's size is the sender's claim: reserve at most 1 MiB on its word (a file of
    // a few KB claiming 1 GiB must not make us reserve 1 GiB); reading grows it if true.
    let mut kept = keep.then(|| Vec::with_capacity(size.min(1 << 20) as usize));
    let mut buf = vec![0u8; 64 * 1024];
    let mut read = 0u64;
    loop {
        let n = entry.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        if let Some(k) = kept.as_mut() {
            k.extend_from_slice(&buf[..n]);
        }
        read += n as u64;
    }
    Ok((read, hex(&hasher.finalize()), kept))
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
