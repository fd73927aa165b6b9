//! `PRAGMA integrity_check` and `foreign_key_check` on a store that may not open.

use std::path::Path;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _, SqliteConnection};

use super::StoreCheck;
use crate::error::damage_reason;
use crate::{StoreError, DATABASE_FILE};

/// Checks the store in `dir` without migrating or otherwise changing it.
///
/// Damage is a result (`ok: false` with the problems), not an error; an error means the check
/// itself could not run (the file could not be opened for a reason other than damage).
pub async fn check_store(dir: &Path) -> Result<StoreCheck, StoreError> {
    let path = dir.join(DATABASE_FILE);
    let mut check = StoreCheck {
        path: path.clone(),
        exists: path.is_file(),
        ok: true,
        problems: Vec::new(),
    };
    if !check.exists {
        return Ok(check);
    }
    match problems(&path).await {
        Ok(found) => check.problems = found,
        Err(e) => match damage_reason(&e) {
            Some(reason) => check.problems = vec![reason],
            None => return Err(StoreError::Sql(e)),
        },
    }
    check.ok = check.problems.is_empty();
    Ok(check)
}

/// A connection to an existing database file, with nothing run on it that could fail on a
/// damaged one (no journal-mode change, no foreign keys).
pub(super) async fn connect_raw(path: &Path) -> Result<SqliteConnection, sqlx::Error> {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .foreign_keys(false)
        .disable_statement_logging()
        .connect()
        .await
}

async fn problems(path: &Path) -> Result<Vec<String>, sqlx::Error> {
    let mut conn = connect_raw(path).await?;
    let mut found: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await?
        .into_iter()
        .filter(|line: &String| line != "ok")
        .collect();
    let orphans: Vec<(String, Option<i64>, String)> =
        sqlx::query_as("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
            .fetch_all(&mut conn)
            .await?;
    found.extend(orphans.into_iter().map(|(table, rowid, parent)| {
        let row = rowid.map(|r| format!(" row {r}")).unwrap_or_default();
        format!("{table}{row} refers to a missing {parent} row")
    }));
    conn.close().await?;
    Ok(found)
}
