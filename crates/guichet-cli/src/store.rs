//! `guichet store check|repair`: a local store that no longer opens or reads.
//!
//! * `check` runs SQLite's integrity and foreign-key checks and lists the problems; exit
//!   status 7 (`store_damaged`) when there are any.
//! * `repair` copies the damaged files to `backups/store-<time>/` in the data directory, then
//!   replaces the store by a fresh one holding every readable row, and says per table what was
//!   saved and lost. A file of which nothing is readable is left in place (exit status 7) unless
//!   `--start-empty` is given.

use std::fmt::Write as _;

use anyhow::Context as _;
use chrono::Utc;
use clap::{Args, Subcommand};
use guichet_core::StoreRepair;
use guichet_store::{RepairOptions, StoreCheck};
use serde::Serialize;

use crate::error::{CliError, EXIT_STORE_DAMAGED};
use crate::{output, Context};

/// `guichet store …`
#[derive(Debug, Args)]
pub struct StoreArgs {
    #[command(subcommand)]
    what: StoreSub,
}

#[derive(Debug, Subcommand)]
enum StoreSub {
    /// Check the local store (SQLite's integrity and foreign-key checks); changes nothing.
    Check,
    /// Back the store up, then replace it by a fresh one holding everything still readable.
    Repair {
        /// When nothing at all can be read, replace the file by an empty store anyway.
        #[arg(long)]
        start_empty: bool,
    },
}

/// Runs `guichet store`.
pub async fn run(ctx: &Context, args: StoreArgs) -> Result<(), CliError> {
    let dir = ctx.dir()?;
    match args.what {
        StoreSub::Check => {
            let check = guichet_core::check_store(&dir).await?;
            emit(ctx, &check, check_text(&check))?;
            if check.ok {
                return Ok(());
            }
            Err(damaged(format!(
                "the local store {} is damaged ({} problem(s)); run `guichet store repair` (it backs the files up first)",
                check.path.display(),
                check.problems.len()
            )))
        }
        StoreSub::Repair { start_empty } => {
            let options = RepairOptions { start_empty };
            let repair = guichet_core::repair_store(&dir, Utc::now(), options).await?;
            emit(ctx, &repair, repair_text(&repair))?;
            let r = &repair.report;
            if r.replaced {
                return Ok(());
            }
            Err(damaged(format!(
                "nothing could be salvaged from {} ({}); it is left as it was, a copy is in {}; `guichet store repair --start-empty` replaces it by an empty store",
                r.path.display(),
                r.unreadable_reason.as_deref().unwrap_or("unreadable"),
                r.backup.display()
            )))
        }
    }
}

fn damaged(message: String) -> CliError {
    CliError::new(
        "store_damaged",
        EXIT_STORE_DAMAGED,
        anyhow::anyhow!(message),
    )
}

fn emit<T: Serialize>(ctx: &Context, value: &T, text: String) -> Result<(), CliError> {
    let bytes = if ctx.json {
        let mut b = serde_json::to_vec_pretty(value).context("encoding JSON")?;
        b.push(b'\n');
        b
    } else {
        text.into_bytes()
    };
    output::write(None, &bytes)?;
    Ok(())
}

fn check_text(check: &StoreCheck) -> String {
    let path = check.path.display();
    if !check.exists {
        return format!("{path}: no store yet (it is created on first use)\n");
    }
    if check.ok {
        return format!("{path}: ok\n");
    }
    let mut s = format!("{path}: damaged\n");
    for p in &check.problems {
        let _ = writeln!(s, "  {p}");
    }
    s
}

fn repair_text(repair: &StoreRepair) -> String {
    let r = &repair.report;
    let mut s = String::new();
    let _ = writeln!(s, "backup: {}", r.backup.display());
    if !r.readable {
        let reason = r.unreadable_reason.as_deref().unwrap_or("unreadable");
        let _ = writeln!(s, "nothing could be salvaged ({reason})");
        if r.replaced {
            let _ = writeln!(
                s,
                "{}: replaced by an empty store (a new device id is made on next use)",
                r.path.display()
            );
        }
        return s;
    }
    let _ = writeln!(s, "{:<24} {:>8} {:>8}", "table", "saved", "lost");
    for t in &r.tables {
        let mut orphans = if t.orphans > 0 {
            format!(" ({} whose parent row was lost)", t.orphans)
        } else {
            String::new()
        };
        if t.tail_unreadable {
            orphans.push_str(" (its end is unreadable: more rows may be lost)");
        }
        let _ = writeln!(s, "{:<24} {:>8} {:>8}{orphans}", t.table, t.saved, t.lost);
    }
    let _ = writeln!(s, "saved {} rows, lost {}", r.saved(), r.lost());
    for stream in &r.cursors_reset {
        let _ = writeln!(
            s,
            "{stream}: sync cursor reset, the next sync fetches them again from the server"
        );
    }
    if !r.missing_blobs.is_empty() {
        let _ = writeln!(
            s,
            "{} file(s) the rows refer to are missing under blobs/",
            r.missing_blobs.len()
        );
    }
    if let Some(key) = &repair.signing_key {
        let _ = writeln!(s, "signing key {} kept as it was", key.display());
    }
    let _ = writeln!(s, "{}: repaired", r.path.display());
    s
}
