//! The repair's steps around the salvage: the lock, the backup, the fresh store, the rename.

use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sqlx::{Connection as _, SqliteConnection};

use super::check::connect_raw;
use super::salvage::{self, STREAM_TABLES};
use super::{RepairOptions, RepairReport};
use crate::error::damage_reason;
use crate::{Store, StoreError, DATABASE_FILE, MIGRATOR};

/// Backs the store in `dir` up, salvages what is readable into a fresh store and puts that in
/// its place (see the [module](super) overview). `now` names the backup folder.
///
/// When nothing at all is readable (the file is not a database), the report says so
/// (`readable: false`) and the damaged file stays in place unless `options.start_empty`.
/// Other processes must not use the store meanwhile: the desktop app and the agent are to be
/// stopped first; the lock taken here only keeps a starting one from migrating the file.
pub async fn repair_store(
    dir: &Path,
    now: DateTime<Utc>,
    options: RepairOptions,
) -> Result<RepairReport, StoreError> {
    let path = dir.join(DATABASE_FILE);
    if !path.is_file() {
        return Err(StoreError::NotFound(format!("store {}", path.display())));
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::DataDir { path, source }
    };
    let lock_path = dir.join("guichet.db.lock");
    let lock = crate::private_files::private_file_options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io(&lock_path))?;
    lock.lock().map_err(io(&lock_path))?;
    // A sync under way reads the outbox of the file about to be replaced and would mark sent,
    // in a file that is then thrown away, entries it delivered: the repaired store would send
    // them again. So a repair waits for no one: it refuses while a sync holds the lock, and
    // holds it itself until the fresh store is in place.
    let _sync = crate::sync_lock::try_lock_sync_at(dir, now)?
        .ok_or_else(|| StoreError::SyncRunning(crate::sync_lock::sync_lock_holder_at(dir)))?;
    let backup = back_up(dir, now).map_err(io(dir))?;
    let work = dir.join(format!(".repair-{}", stamp(now)));
    let _ = std::fs::remove_dir_all(&work);
    let mut report = RepairReport {
        path: path.clone(),
        backup,
        readable: false,
        unreadable_reason: None,
        replaced: false,
        tables: Vec::new(),
        cursors_reset: Vec::new(),
        missing_blobs: Vec::new(),
    };
    let built = build(&work, &path, &mut report).await;
    if built.is_err() || !(report.readable || options.start_empty) {
        let _ = std::fs::remove_dir_all(&work);
        built?;
        return Ok(report);
    }
    replace(dir, &work).map_err(io(&path))?;
    report.replaced = true;
    drop(lock);
    Ok(report)
}

/// Makes the fresh store in `work` and fills it from the damaged file.
async fn build(work: &Path, damaged: &Path, report: &mut RepairReport) -> Result<(), StoreError> {
    Store::open(work).await?.close().await;
    let fresh = work.join(DATABASE_FILE);
    let mut conn = connect_raw(&fresh).await?;
    // The fresh file is not in use until the rename; it is synced once, before it.
    sqlx::query("PRAGMA synchronous = OFF")
        .execute(&mut conn)
        .await?;
    // A file shorter than its header says is refused as corrupt before any page is read,
    // unless the schema is writable; nothing here writes the damaged file's schema.
    sqlx::query("PRAGMA writable_schema = ON")
        .execute(&mut conn)
        .await?;
    match attach(&mut conn, damaged).await {
        Err(e) => report.unreadable_reason = Some(damage_reason(&e).unwrap_or(e.to_string())),
        Ok(()) => {
            report.readable = true;
            refuse_newer(&mut conn, damaged).await?;
            for table in salvage::data_tables(&mut conn).await? {
                report
                    .tables
                    .push(salvage::copy_table(&mut conn, &table).await);
            }
            salvage::carry_sequences(&mut conn).await;
        }
    }
    let _ = sqlx::query("DETACH DATABASE old").execute(&mut conn).await;
    if report.readable {
        settle(&mut conn, report).await?;
        report.missing_blobs = missing_blobs(&mut conn, work.parent().unwrap_or(work)).await?;
    }
    // Out of WAL mode so that the file is whole on its own when renamed; the next open turns
    // WAL back on.
    sqlx::query("PRAGMA journal_mode = DELETE")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

/// Attaches the damaged file as `old` and reads its schema (which fails on a file that is not a
/// database, or whose first page is damaged).
async fn attach(conn: &mut SqliteConnection, damaged: &Path) -> Result<(), sqlx::Error> {
    sqlx::query("ATTACH DATABASE ? AS old")
        .bind(damaged.to_string_lossy().into_owned())
        .execute(&mut *conn)
        .await?;
    sqlx::query("SELECT count(*) FROM old.sqlite_master")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A store written by a newer Guichet has tables this one would not copy: refuse.
async fn refuse_newer(conn: &mut SqliteConnection, damaged: &Path) -> Result<(), StoreError> {
    let Ok(applied) =
        sqlx::query_scalar::<_, i64>("SELECT version FROM old._sqlx_migrations WHERE success = 1")
            .fetch_all(&mut *conn)
            .await
    else {
        return Ok(());
    };
    if applied
        .iter()
        .any(|v| !MIGRATOR.iter().any(|m| m.version == *v))
    {
        return Err(StoreError::TooNew(damaged.to_path_buf()));
    }
    Ok(())
}

/// Drops orphans, counts them, and resets the cursors of streams that lost rows.
async fn settle(conn: &mut SqliteConnection, report: &mut RepairReport) -> Result<(), StoreError> {
    let orphans = salvage::drop_orphans(conn).await?;
    for t in &mut report.tables {
        let n = orphans.get(&t.table).copied().unwrap_or(0);
        t.orphans = n;
        t.saved = t.saved.saturating_sub(n);
        t.lost += n;
    }
    for (stream, tables) in STREAM_TABLES {
        let lost = report
            .tables
            .iter()
            .any(|t| t.lost > 0 && tables.contains(&t.table.as_str()));
        if lost {
            sqlx::query("DELETE FROM main.sync_cursors WHERE stream = ?")
                .bind(stream)
                .execute(&mut *conn)
                .await?;
            report.cursors_reset.push(stream.to_string());
        }
    }
    Ok(())
}

/// Blob ids the salvaged rows refer to whose file is not under `dir/blobs/`.
async fn missing_blobs(conn: &mut SqliteConnection, dir: &Path) -> Result<Vec<String>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT blob_id FROM ticket_attachments WHERE blob_id <> ''
         UNION SELECT blob_id FROM article_images ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids
        .into_iter()
        .filter(|id| id.len() < 3 || !dir.join("blobs").join(&id[..2]).join(&id[2..]).is_file())
        .collect())
}

fn stamp(now: DateTime<Utc>) -> String {
    now.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Copies `guichet.db` and its `-wal` and `-shm` into `backups/store-<time>/` (a new folder,
/// numbered when one of that second exists), synced, and returns the folder.
fn back_up(dir: &Path, now: DateTime<Utc>) -> std::io::Result<PathBuf> {
    let base = dir.join("backups").join(format!("store-{}", stamp(now)));
    let mut folder = base.clone();
    let mut n = 1;
    while folder.exists() {
        n += 1;
        folder = PathBuf::from(format!("{}-{n}", base.display()));
    }
    crate::private_files::create_private_dir(&folder)?;
    for suffix in ["", "-wal", "-shm"] {
        let name = format!("{DATABASE_FILE}{suffix}");
        let from = dir.join(&name);
        if from.is_file() {
            let to = folder.join(&name);
            std::fs::copy(&from, &to)?;
            File::open(&to)?.sync_all()?;
        }
    }
    // A damaged store may never have opened, so never had its modes closed: the copies are.
    crate::private_files::make_private(&folder);
    sync_dir(&folder)?;
    Ok(folder)
}

/// Puts the fresh database in place of the damaged one. The damaged one's `-wal` and `-shm` go
/// first: left beside the new file, SQLite would read them as its own.
fn replace(dir: &Path, work: &Path) -> std::io::Result<()> {
    let fresh = work.join(DATABASE_FILE);
    File::open(&fresh)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        match std::fs::remove_file(dir.join(format!("{DATABASE_FILE}{suffix}"))) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    std::fs::rename(&fresh, dir.join(DATABASE_FILE))?;
    sync_dir(dir)?;
    let _ = std::fs::remove_dir_all(work);
    Ok(())
}

/// Makes a rename or a new file in `dir` durable (a directory cannot be opened for syncing on
/// Windows, where the rename is durable by itself).
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    if cfg!(unix) {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}
