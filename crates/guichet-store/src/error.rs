//! The store's error type.

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory could not be created or locked.
    #[error("data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// No data directory could be determined (no home directory) and none was given.
    #[error("no data directory: set --data-dir or GUICHET_DATA_DIR")]
    NoDataDir,
    /// SQLite failed.
    #[error("database error: {0}")]
    Sql(#[source] sqlx::Error),
    /// The disk holding the data directory is full: the change was refused whole (nothing of it
    /// was written), earlier data is intact.
    #[error("the disk holding Guichet's data is full{}: nothing was saved; free some space and try again", .0.as_ref().map(|p| format!(" ({})", p.display())).unwrap_or_default())]
    DiskFull(Option<std::path::PathBuf>),
    /// A migration failed (the database is left as it was before that migration).
    #[error("database upgrade failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// The database file is not a database or is damaged (SQLite's `SQLITE_NOTADB`,
    /// `SQLITE_CORRUPT`): `guichet store check` and `guichet store repair` deal with it.
    #[error("the local store{} is damaged ({reason})", path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    Damaged {
        /// The database file, when known where the error was seen.
        path: Option<std::path::PathBuf>,
        /// SQLite's words: `file is not a database`, `database disk image is malformed`.
        reason: String,
    },
    /// The database was written by a newer Guichet whose migrations this one does not know.
    #[error("the database at {0} was created by a newer version of Guichet; upgrade Guichet")]
    TooNew(std::path::PathBuf),
    /// A stored document could not be decoded.
    #[error("stored document {what} is corrupt: {detail}")]
    Corrupt {
        /// Which document.
        what: String,
        /// What is wrong.
        detail: String,
    },
    /// A reference (snapshot id…) matched nothing.
    #[error("{0} not found")]
    NotFound(String),
    /// A reference matched more than one row.
    #[error("{0} is ambiguous: {1} matches")]
    Ambiguous(String, usize),
    /// Input refused (empty title, urgency out of range, reply to a draft…).
    #[error("{0}")]
    Invalid(String),
    /// A file is larger than the configured limit; nothing was written.
    #[error("{what} is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// Which file.
        what: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A sync is sending from this store right now, and what was asked (a repair) must not run
    /// under it.
    #[error("a sync is running on this store ({}); wait for it to end, or stop it, and try again", .0.as_ref().map_or_else(|| "another process".to_string(), ToString::to_string))]
    SyncRunning(Option<crate::SyncLockHolder>),
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        use sqlx::migrate::MigrateError;
        let inner = match &e {
            MigrateError::Execute(s) | MigrateError::ExecuteMigration(s, _) => damage_reason(s),
            _ => None,
        };
        match inner {
            Some(reason) => StoreError::Damaged { path: None, reason },
            None => StoreError::Migrate(e),
        }
    }
}

impl StoreError {
    /// Whether this error says the database file is damaged or not a database.
    pub fn is_damaged(&self) -> bool {
        matches!(self, StoreError::Damaged { .. })
    }

    /// Names the database file in a [`StoreError::Damaged`] that does not name one yet.
    pub fn at(self, db: &std::path::Path) -> StoreError {
        match self {
            StoreError::Damaged { path: None, reason } => StoreError::Damaged {
                path: Some(db.to_path_buf()),
                reason,
            },
            e => e,
        }
    }
}

/// SQLite's primary result codes that mean the file itself is damaged: `SQLITE_CORRUPT` (11)
/// and `SQLITE_NOTADB` (26). Extended codes carry the primary one in their low byte.
const DAMAGE_CODES: [i64; 2] = [11, 26];

/// SQLite's words when `e` says the database file is damaged or not a database.
pub(crate) fn damage_reason(e: &sqlx::Error) -> Option<String> {
    let sqlx::Error::Database(db) = e else {
        return None;
    };
    let code: i64 = db.code()?.parse().ok()?;
    DAMAGE_CODES
        .contains(&(code & 0xff))
        .then(|| db.message().to_string())
}

/// A stored blob id that does not parse: the row holding it is corrupt.
impl From<guichet_bundle::NotABlobId> for StoreError {
    fn from(e: guichet_bundle::NotABlobId) -> Self {
        StoreError::Corrupt {
            what: "blob id".into(),
            detail: e.to_string(),
        }
    }
}

/// SQLite's result codes that mean "no room": `SQLITE_FULL`, and `SQLITE_IOERR_SHMSIZE` (the
/// shared-memory index of the WAL could not grow, which a full file system causes too).
const SQLITE_FULL: &str = "13";
const SQLITE_IOERR_SHMSIZE: &str = "4874";

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if matches!(
                db.code().as_deref(),
                Some(SQLITE_FULL | SQLITE_IOERR_SHMSIZE)
            ) {
                return StoreError::DiskFull(None);
            }
        }
        if let sqlx::Error::Io(io) = &e {
            if is_disk_full(io) {
                return StoreError::DiskFull(None);
            }
        }
        match damage_reason(&e) {
            Some(reason) => StoreError::Damaged { path: None, reason },
            None => StoreError::Sql(e),
        }
    }
}

/// Whether an I/O error means the file system (or the user's quota) is full.
pub(crate) fn is_disk_full(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::StorageFull
        || e.kind() == std::io::ErrorKind::QuotaExceeded
        || e.raw_os_error() == Some(28)
}
