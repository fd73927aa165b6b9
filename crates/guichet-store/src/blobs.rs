//! Content-addressed files beside the database: ticket attachments, screenshots, images of KB
//! articles. A blob is named by the SHA-256 of its bytes (`blobs/ab/cdef…`), so storing the same
//! screenshot twice costs nothing and a damaged file is detected on read.

use std::io::Write;
use std::path::PathBuf;

use crate::{BlobId, Store, StoreError};

impl Store {
    fn blob_path(&self, id: &BlobId) -> PathBuf {
        self.dir()
            .join("blobs")
            .join(&id.as_str()[..2])
            .join(&id.as_str()[2..])
    }

    /// Stores `bytes` (idempotent) and returns their id. The file is written to a temporary
    /// name, synced, then renamed, so a crash never leaves a truncated blob under a valid name.
    pub fn put_blob(&self, bytes: &[u8]) -> Result<BlobId, StoreError> {
        let id = BlobId::of(bytes);
        let path = self.blob_path(&id);
        if path.is_file() {
            return Ok(id);
        }
        let dir = path.parent().expect("blob paths have a parent");
        let io = |source| StoreError::DataDir {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let tmp = dir.join(format!(".{}.tmp-{}", &id.as_str()[2..], std::process::id()));
        let written = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(e));
        }
        Ok(id)
    }

    /// Reads a blob back, checking its content still matches its id.
    pub fn blob(&self, id: &BlobId) -> Result<Vec<u8>, StoreError> {
        let path = self.blob_path(id);
        let bytes = std::fs::read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                StoreError::NotFound(format!("blob {id}"))
            } else {
                StoreError::DataDir {
                    path: path.clone(),
                    source: e,
                }
            }
        })?;
        if BlobId::of(&bytes) != *id {
            return Err(StoreError::Corrupt {
                what: format!("blob {id}"),
                detail: "content does not match its checksum".into(),
            });
        }
        Ok(bytes)
    }

    /// Whether a blob is present.
    pub fn has_blob(&self, id: &BlobId) -> bool {
        self.blob_path(id).is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn blobs_are_deduplicated_and_checked_on_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let a = store.put_blob(b"screenshot").unwrap();
        let b = store.put_blob(b"screenshot").unwrap();
        assert_eq!(a, b);
        assert_eq!(store.blob(&a).unwrap(), b"screenshot");
        // Damage the file: the read must say so rather than return wrong bytes.
        std::fs::write(store.blob_path(&a), b"tampered").unwrap();
        assert!(matches!(store.blob(&a), Err(StoreError::Corrupt { .. })));
        assert!(BlobId::parse("../../etc/passwd").is_err());
        assert!(matches!(
            store.blob(&BlobId::of(b"absent")),
            Err(StoreError::NotFound(_))
        ));
    }
}
