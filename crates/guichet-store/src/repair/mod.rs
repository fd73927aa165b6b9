//! Checking a damaged store and salvaging what is readable into a fresh one.
//!
//! Neither function opens the store through [`crate::Store::open`]: a file that is not a database
//! or has damaged pages fails there (migrations read the schema), and that is exactly when these
//! run.
//!
//! * [`check_store`] runs SQLite's `PRAGMA integrity_check` and `foreign_key_check` on the file
//!   and lists the problems.
//! * [`repair_store`] copies `guichet.db` and its `-wal` and `-shm` to a timestamped folder under
//!   `backups/` first, then builds a fresh store (every migration applied) beside it and copies
//!   each table of the damaged one into it with plain `INSERT … SELECT` over rowid ranges: a
//!   range that fails is halved until the single unreadable rowids are known, so one damaged page
//!   loses only the rows it held. Rows whose parent was lost are dropped (or their reference
//!   cleared, where the schema says `ON DELETE SET NULL`), cursors of the pull streams that lost
//!   rows are reset so that the next sync fetches them again, and the fresh file replaces the
//!   damaged one by a rename. SQLite's own `.recover` (which reads pages one by one) is not
//!   reachable through sqlx; reading by rowid range through the table's B-tree saves every row
//!   whose leaf page is readable, which is what a damaged page in the middle of a file leaves.
//!
//! The blobs (files under `blobs/`) and the bundle signing key (a file beside the database) are
//! not in the database and are left as they are.

mod check;
mod salvage;
mod swap;

use std::path::PathBuf;

use serde::Serialize;

pub use check::check_store;
pub use swap::repair_store;

/// What [`check_store`] found.
#[derive(Debug, Clone, Serialize)]
pub struct StoreCheck {
    /// The database file checked.
    pub path: PathBuf,
    /// Whether the file exists (a missing store is created on first use: nothing to check).
    pub exists: bool,
    /// No problem found.
    pub ok: bool,
    /// What SQLite reported, one line each (`integrity_check`'s lines, the rows whose parent
    /// row is missing, or why the file could not be read at all).
    pub problems: Vec<String>,
}

/// How [`repair_store`] should go.
#[derive(Debug, Clone, Copy, Default)]
pub struct RepairOptions {
    /// When nothing at all can be read, replace the file by an empty store anyway (a new device
    /// id is made on next use). Without it such a file is only backed up and left in place.
    pub start_empty: bool,
}

/// What one table gave.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TableSalvage {
    /// The table.
    pub table: String,
    /// Rows copied into the fresh store (orphans dropped afterwards not included).
    pub saved: u64,
    /// Rows that could not be read or copied: rowids on unreadable pages (a damaged page may
    /// hide gaps, so this is an upper bound), rows that broke a constraint, and orphans.
    pub lost: u64,
    /// Of `lost`, rows dropped because the row they belong to was lost (a reply whose ticket
    /// could not be read).
    pub orphans: u64,
    /// The end of the table could not be read and its extent is unknown: rows past the last
    /// one read may be lost beyond those counted.
    pub tail_unreadable: bool,
}

/// What [`repair_store`] did.
#[derive(Debug, Clone, Serialize)]
pub struct RepairReport {
    /// The database file repaired.
    pub path: PathBuf,
    /// The folder holding the copy of the damaged files, made before anything else.
    pub backup: PathBuf,
    /// Whether anything of the damaged file could be read.
    pub readable: bool,
    /// Why nothing could be read, when so (SQLite's words).
    pub unreadable_reason: Option<String>,
    /// Whether the fresh store replaced the damaged file.
    pub replaced: bool,
    /// Per table, in schema order.
    pub tables: Vec<TableSalvage>,
    /// Pull streams (`kb`, `tickets`) whose cursors were reset because rows they feed were lost:
    /// the next sync fetches them again from the server.
    pub cursors_reset: Vec<String>,
    /// Blob ids that salvaged rows refer to but whose file is missing under `blobs/`.
    pub missing_blobs: Vec<String>,
}

impl RepairReport {
    /// Rows saved in all tables.
    pub fn saved(&self) -> u64 {
        self.tables.iter().map(|t| t.saved).sum()
    }

    /// Rows lost in all tables.
    pub fn lost(&self) -> u64 {
        self.tables.iter().map(|t| t.lost).sum()
    }
}
