//! Writing a bundle: signed, then written atomically.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::hex::hex;
use crate::manifest::{sha, BLOBS, MANIFEST, PAYLOAD, SIGNATURE};
use crate::{
    BlobId, BundleCounts, BundleError, BundleKind, BundleSigner, BundleWritten, Manifest,
    ManifestEntry, BUNDLE_FORMAT, BUNDLE_VERSION, MAX_BUNDLE_BYTES,
};

/// What goes into a new bundle, before signing.
#[derive(Debug)]
pub struct Draft<'a> {
    /// Outgoing or return.
    pub kind: BundleKind,
    /// Unique id of the bundle.
    pub bundle_uuid: Uuid,
    /// Device id of the writing store.
    pub source_deviceid: &'a str,
    /// For a return bundle: the site it answers.
    pub recipient_deviceid: Option<&'a str>,
    /// For a return bundle: its number in the hub's answers to that site.
    pub sequence: Option<u64>,
    /// When it is written.
    pub created_at: DateTime<Utc>,
    /// What it holds, counted.
    pub counts: BundleCounts,
    /// The serialised payload (`payload.json`).
    pub payload: Vec<u8>,
    /// The files the payload refers to.
    pub blobs: BTreeMap<BlobId, Vec<u8>>,
}

fn append<W: std::io::Write>(
    tar: &mut tar::Builder<W>,
    path: &str,
    bytes: &[u8],
    mtime: u64,
) -> std::io::Result<()> {
    let mut h = tar::Header::new_ustar();
    h.set_size(bytes.len() as u64);
    h.set_mode(0o644);
    h.set_mtime(mtime);
    h.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut h, path, bytes)
}

/// Signs and writes a bundle to `path` through a temporary file renamed into place.
pub fn write_bundle(
    path: &Path,
    signer: &BundleSigner,
    draft: Draft<'_>,
) -> Result<BundleWritten, BundleError> {
    let mut entries = vec![ManifestEntry {
        path: PAYLOAD.into(),
        size: draft.payload.len() as u64,
        sha256: sha(&draft.payload),
    }];
    for (id, bytes) in &draft.blobs {
        entries.push(ManifestEntry {
            path: format!("{BLOBS}{id}"),
            size: bytes.len() as u64,
            sha256: sha(bytes),
        });
    }
    let manifest = Manifest {
        format: BUNDLE_FORMAT.into(),
        version: BUNDLE_VERSION,
        kind: draft.kind,
        bundle_uuid: draft.bundle_uuid,
        source_deviceid: draft.source_deviceid.to_string(),
        recipient_deviceid: draft.recipient_deviceid.map(str::to_string),
        sequence: draft.sequence,
        created_at: draft.created_at,
        public_key: signer.public_key_hex(),
        counts: draft.counts,
        entries,
    };
    let manifest_bytes =
        serde_json::to_vec_pretty(&manifest).expect("a manifest always serialises");
    let signature = hex(&signer.sign(&manifest_bytes));
    let io = |source| BundleError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Checked before anything is written: a bundle the other side would refuse as too large
    // must not be carried there first.
    let bytes = archive_size(
        [manifest_bytes.len(), signature.len(), draft.payload.len()]
            .into_iter()
            .chain(draft.blobs.values().map(Vec::len)),
    );
    if bytes > MAX_BUNDLE_BYTES {
        return Err(BundleError::WouldBeTooLarge(bytes));
    }
    let mtime = draft.created_at.timestamp().max(0) as u64;
    write_atomically(path, |out| {
        let mut tar = tar::Builder::new(out);
        append(&mut tar, MANIFEST, &manifest_bytes, mtime)?;
        append(&mut tar, SIGNATURE, signature.as_bytes(), mtime)?;
        append(&mut tar, PAYLOAD, &draft.payload, mtime)?;
        for (id, bytes) in &draft.blobs {
            append(&mut tar, &format!("{BLOBS}{id}"), bytes, mtime)?;
        }
        tar.finish()
    })
    .map_err(io)?;
    Ok(BundleWritten {
        path: path.to_path_buf(),
        bytes,
        manifest,
    })
}

/// The size of a tar archive of members of these sizes: a 512-byte header each, the content
/// padded to 512 bytes, and the two zero blocks at the end.
fn archive_size(members: impl Iterator<Item = usize>) -> u64 {
    members
        .map(|n| 512 + (n as u64).div_ceil(512) * 512)
        .sum::<u64>()
        + 1024
}

/// Writes through `fill` to a temporary file beside `path`, syncs it, then renames it over
/// `path`: readers see the old file or the whole new one, never half of it.
fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        fill(&mut out)?;
        let f = out
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // The rename itself must survive a power cut on the stick.
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
