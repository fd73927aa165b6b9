//! Writing a bundle: signed, then written atomically.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::hex::hex;
use crate::manifest::{sha, BLOBS, MANIFEST, PAYLOAD, SIGNATURE};
use crate::{
    BlobId, BundleCounts, BundleError, BundleKind, BundleSigner, BundleWritten, Manifest,
    ManifestEntry, BUNDLE_FORMAT, BUNDLE_VERSION,
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
    /// When it is written.
    pub created_at: DateTime<Utc>,
    /// What it holds, counted.
    pub counts: BundleCounts,
    /// The serialised payload (`payload.json`).
    pub payload: Vec<u8>,
    /// The files the payload refers to.
    pub blobs: BTreeMap<BlobId, Vec<u8>>,
}

fn append(
    tar: &mut tar::Builder<Vec<u8>>,
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
    let mtime = draft.created_at.timestamp().max(0) as u64;
    let mut tar = tar::Builder::new(Vec::new());
    append(&mut tar, MANIFEST, &manifest_bytes, mtime).map_err(io)?;
    append(&mut tar, SIGNATURE, signature.as_bytes(), mtime).map_err(io)?;
    append(&mut tar, PAYLOAD, &draft.payload, mtime).map_err(io)?;
    for (id, bytes) in &draft.blobs {
        append(&mut tar, &format!("{BLOBS}{id}"), bytes, mtime).map_err(io)?;
    }
    let bytes = tar.into_inner().map_err(io)?;
    write_atomically(path, &bytes).map_err(io)?;
    Ok(BundleWritten {
        path: path.to_path_buf(),
        bytes: bytes.len() as u64,
        manifest,
    })
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, then renames it over `path`:
/// readers see the old file or the whole new one, never half of it.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
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
