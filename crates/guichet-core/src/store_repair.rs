//! A damaged local store: checking it and repairing it, for the CLI's `guichet store` and the
//! app's recovery screen. The SQL is the store's ([`guichet_store::repair_store`]); this adds
//! what lives beside the database.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use guichet_bundle::SIGNING_KEY_FILE;
use guichet_store::{RepairOptions, RepairReport, StoreCheck};
use serde::Serialize;

use crate::CoreError;

/// What a repair did, with what it left alone beside the database.
#[derive(Debug, Clone, Serialize)]
pub struct StoreRepair {
    /// The store's report: backup, tables saved and lost, cursors reset, missing blobs.
    #[serde(flatten)]
    pub report: RepairReport,
    /// The bundle signing key, a file beside the database that a repair does not touch (so
    /// peers keep recognising this store), when there is one.
    pub signing_key: Option<PathBuf>,
}

/// Runs SQLite's integrity and foreign-key checks on the store in `dir`, changing nothing.
pub async fn check_store(dir: &Path) -> Result<StoreCheck, CoreError> {
    Ok(guichet_store::check_store(dir).await?)
}

/// Backs the store in `dir` up and replaces it by a fresh one holding every readable row;
/// when nothing is readable, only `options.start_empty` replaces it (by an empty store).
pub async fn repair_store(
    dir: &Path,
    now: DateTime<Utc>,
    options: RepairOptions,
) -> Result<StoreRepair, CoreError> {
    let report = guichet_store::repair_store(dir, now, options).await?;
    let key = dir.join(SIGNING_KEY_FILE);
    Ok(StoreRepair {
        report,
        signing_key: key.is_file().then_some(key),
    })
}
