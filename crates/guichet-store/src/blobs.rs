//! Content-addressed files beside the database: ticket attachments, screenshots, images of KB
//! articles. A blob is named by the SHA-256 of its bytes (`blobs/ab/cdef…`), so storing the same
//! screenshot twice costs nothing and a damaged file is detected on read.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{BlobId, Store, StoreError};

/// Numbers the temporary files of this process.
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The blobs written for one change, before its transaction.
#[derive(Debug, Default)]
pub(crate) struct StagedBlobs {
    /// Every blob of the change, in the order given.
    pub ids: Vec<BlobId>,
    /// Those this change created (the others were already stored).
    created: Vec<BlobId>,
}

/// Syncs a directory, so that a rename or a new entry in it survives a power cut.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    // Windows cannot open a directory as a file; NTFS journals the rename itself.
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

impl Store {
    fn blob_path(&self, id: &BlobId) -> PathBuf {
        self.dir()
            .join("blobs")
            .join(&id.as_str()[..2])
            .join(&id.as_str()[2..])
    }

    /// Stores `bytes` (idempotent) and returns their id. The file is written to a temporary
    /// name, synced, renamed, and its directory synced, so a crash never leaves a truncated
    /// blob under a valid name and a power cut never loses a blob a committed row refers to.
    pub fn put_blob(&self, bytes: &[u8]) -> Result<BlobId, StoreError> {
        self.write_blob(bytes).map(|(id, _)| id)
    }

    /// [`Store::put_blob`], also saying whether this call created the file (it was absent).
    fn write_blob(&self, bytes: &[u8]) -> Result<(BlobId, bool), StoreError> {
        let id = BlobId::of(bytes);
        let path = self.blob_path(&id);
        if path.is_file() {
            return Ok((id, false));
        }
        let dir = path.parent().expect("blob paths have a parent");
        // A full disk is said as such: the user can act on it (the change was refused whole).
        let io = |source: std::io::Error| {
            if crate::error::is_disk_full(&source) {
                StoreError::DiskFull(Some(self.dir().to_path_buf()))
            } else {
                StoreError::DataDir {
                    path: path.clone(),
                    source,
                }
            }
        };
        let new_dir = !dir.is_dir();
        crate::private_files::create_private_dir(dir).map_err(io)?;
        // Unique per process and call: two threads may store the same bytes at once.
        let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(
            ".{}.tmp-{}-{n}",
            &id.as_str()[2..],
            std::process::id()
        ));
        let written = (|| {
            // Owner-only from its creation: a file made open and closed later could be opened
            // by another user in between.
            let mut f = crate::private_files::private_file_options()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            sync_dir(dir)?;
            if new_dir {
                sync_dir(dir.parent().expect("blob folders have a parent"))?;
            }
            Ok(())
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(e));
        }
        Ok((id, true))
    }

    /// Stores the blobs of one change (a ticket's or a reply's files) before its transaction.
    /// If one cannot be written (a full disk), those this call created are removed again, so
    /// a refused change leaves no file behind.
    pub(crate) fn stage_blobs<'b>(
        &self,
        all: impl IntoIterator<Item = &'b [u8]>,
    ) -> Result<StagedBlobs, StoreError> {
        let mut staged = StagedBlobs::default();
        for bytes in all {
            match self.write_blob(bytes) {
                Ok((id, created)) => {
                    if created {
                        staged.created.push(id.clone());
                    }
                    staged.ids.push(id);
                }
                Err(e) => {
                    for id in &staged.created {
                        let _ = std::fs::remove_file(self.blob_path(id));
                    }
                    return Err(e);
                }
            }
        }
        Ok(staged)
    }

    /// Undoes [`Store::stage_blobs`] after its change's transaction failed: removes the files
    /// it created that no row refers to (another process may have stored the same bytes for a
    /// change of its own in between). When the check itself fails, the file stays: an unused
    /// file costs some space, a missing one loses a user's attachment.
    pub(crate) async fn unstage_blobs(&self, staged: StagedBlobs) {
        for id in staged.created {
            let used: Result<Option<(i64,)>, _> = sqlx::query_as(
                "SELECT 1 FROM ticket_attachments WHERE blob_id = ?1
                 UNION ALL SELECT 1 FROM article_images WHERE blob_id = ?1 LIMIT 1",
            )
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await;
            if let Ok(None) = used {
                let _ = std::fs::remove_file(self.blob_path(&id));
            }
        }
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
