//! Opening the database: location, pragmas, migrations under a file lock.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::private_files::{
    create_private_dir, make_store_private, private_file_options, ModeFixes,
};
use crate::StoreError;

/// The migrations embedded from the top-level `migrations/` folder.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// File name of the database inside the data directory.
pub const DATABASE_FILE: &str = "guichet.db";

/// The per-OS default data directory (XDG data dir on Linux: `~/.local/share/guichet`).
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "Guichet", "guichet").map(|d| d.data_dir().to_path_buf())
}

/// The per-OS default cache directory (XDG cache dir on Linux: `~/.cache/guichet`): what is
/// kept there can be computed again (the diagnostics' pending-updates count).
pub fn default_cache_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "Guichet", "guichet").map(|d| d.cache_dir().to_path_buf())
}

/// The local store.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: SqlitePool,
    dir: PathBuf,
    mode_fixes: Arc<ModeFixes>,
}

impl Store {
    /// Opens (creating if needed) the store in `dir` and brings its schema up to date.
    pub async fn open(dir: &Path) -> Result<Store, StoreError> {
        Self::open_with(dir, &MIGRATOR).await
    }

    /// Opens the store applying the given migration set (tests use an older subset).
    ///
    /// A file that is not a database or is damaged gives [`StoreError::Damaged`] naming it.
    pub async fn open_with(dir: &Path, migrator: &Migrator) -> Result<Store, StoreError> {
        Self::open_unnamed(dir, migrator)
            .await
            .map_err(|e| e.at(&dir.join(DATABASE_FILE)))
    }

    async fn open_unnamed(dir: &Path, migrator: &Migrator) -> Result<Store, StoreError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| StoreError::DataDir { path, source }
        };
        create_private_dir(dir).map_err(io(dir))?;
        // Before SQLite opens anything: it gives the -wal and -shm it creates the mode of the
        // database file, so that file must be closed to others first.
        let db_path = dir.join(DATABASE_FILE);
        let mut mode_fixes = make_store_private(dir);
        if !db_path.exists() {
            // A new store in a folder that was open: nothing of it was ever readable, so
            // there is nothing to warn about.
            mode_fixes.fixed.clear();
        }
        let mode_fixes = Arc::new(mode_fixes);
        create_database_file(&db_path).map_err(io(&db_path))?;
        let opts = SqliteConnectOptions::from_str("sqlite:")?
            .filename(&db_path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // A ticket the user was told is "queued" must survive a power cut: under WAL,
            // NORMAL syncs only at checkpoints and can drop the last commits; FULL syncs the
            // WAL at every commit (one fdatasync, measured in the README).
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // Another process (the app, a timer run) may hold the write lock for a moment.
            .busy_timeout(Duration::from_secs(10))
            // Knowledge-base search walks large FTS5 doclists: reading them through a memory
            // map and a 16 MiB page cache (per connection, filled only as used) instead of
            // SQLite's 2 MiB default and a read() per page cut its latency by a fifth to a
            // third in `bench kb`.
            .pragma("mmap_size", "268435456")
            .pragma("cache_size", "-16384");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(0)
            .connect_with(opts)
            .await?;

        // sqlx cannot lock migrations on SQLite, so two processes opening a fresh store at once
        // would both try to apply them. An exclusive lock on a side file serialises that.
        let lock_path = dir.join("guichet.db.lock");
        let lock = private_file_options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        let lock_file = lock_exclusive(lock, lock_path)?;
        let applied = applied_versions(&pool).await?;
        let known: Vec<i64> = migrator.iter().map(|m| m.version).collect();
        if applied.iter().any(|v| !known.contains(v)) {
            return Err(StoreError::TooNew(db_path));
        }
        migrator.run(&pool).await?;
        drop(lock_file);
        Ok(Store {
            pool,
            dir: dir.to_path_buf(),
            mode_fixes,
        })
    }

    /// The data directory of this store.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What opening found readable by other users in the data directory and made private
    /// (empty when nothing was): the front ends say so once (the CLI on stderr, the app in its
    /// log); the next opening finds nothing left to fix.
    pub fn mode_fixes(&self) -> &ModeFixes {
        &self.mode_fixes
    }

    /// Begins a transaction that writes, as a writer from its first statement (`BEGIN
    /// IMMEDIATE`). A deferred `BEGIN` that reads and then writes must upgrade its lock, and
    /// when another process wrote in between SQLite answers `SQLITE_BUSY` at once, without
    /// waiting for the busy timeout: taking the write lock first makes it wait its turn instead.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// The underlying pool, for crates that add their own tables through migrations here.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Versions of the migrations applied to this database, in order.
    pub async fn schema_versions(&self) -> Result<Vec<i64>, StoreError> {
        applied_versions(&self.pool).await
    }

    /// Closes the pool, checkpointing the WAL.
    pub async fn close(self) {
        self.pool.close().await;
    }
}

async fn applied_versions(pool: &SqlitePool) -> Result<Vec<i64>, StoreError> {
    let exists: Option<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(pool)
    .await?;
    if exists.is_none() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = 1 ORDER BY version")
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Creates an empty database file, owner-only, unless one exists (SQLite reads an empty file
/// as an empty database).
fn create_database_file(path: &Path) -> std::io::Result<()> {
    match private_file_options()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

/// Takes an exclusive lock on `file` (std's portable `flock`/`LockFileEx`), waiting for another
/// process to release it. Opening a store is rare and short, so blocking here is acceptable.
fn lock_exclusive(file: File, path: PathBuf) -> Result<File, StoreError> {
    file.lock()
        .map(|_| file)
        .map_err(|source| StoreError::DataDir { path, source })
}
