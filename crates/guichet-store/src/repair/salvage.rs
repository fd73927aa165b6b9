//! Copying what is readable of the damaged database (attached as `old`) into the fresh one
//! (`main`), table by table and rowid range by rowid range.

use std::collections::BTreeMap;

use sqlx::SqliteConnection;

use super::TableSalvage;

/// Queries one table may cost before the rest of its range is given up as lost: a damaged
/// interior page makes every lookup below it fail, and halving a huge range down to single
/// rowids would then take hours.
const QUERY_BUDGET: u32 = 200_000;

/// Highest rowid probed when a table's bounds themselves cannot be read.
const BLIND_MAX_ROWID: i64 = 1 << 16;

/// Without known bounds, how far past the highest row read the halving goes on: rowids past
/// the end of a table fail like rowids on a damaged last page, and halving the whole blind
/// range down to single rowids would take minutes for nothing.
const BLIND_TAIL: i64 = 1024;

/// Pull streams and the tables they fill: losing rows of one resets its cursors.
pub(super) const STREAM_TABLES: [(&str, &[&str]); 2] = [
    ("kb", &["articles", "article_images", "article_tags"]),
    (
        "tickets",
        &["tickets", "ticket_replies", "ticket_attachments"],
    ),
];

/// The tables of the fresh schema that hold data: not SQLite's, not the migrations' (the fresh
/// store has its own), not full-text indexes (their triggers refill them from `articles`).
pub(super) async fn data_tables(conn: &mut SqliteConnection) -> Result<Vec<String>, sqlx::Error> {
    let all: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY rootpage",
    )
    .fetch_all(&mut *conn)
    .await?;
    let virtual_tables: Vec<&str> = all
        .iter()
        .filter(|(_, sql)| sql.starts_with("CREATE VIRTUAL"))
        .map(|(name, _)| name.as_str())
        .collect();
    Ok(all
        .iter()
        .filter(|(name, _)| {
            !virtual_tables
                .iter()
                .any(|v| name == v || name.starts_with(&format!("{v}_")))
        })
        .map(|(name, _)| name.clone())
        .collect())
}

/// Copies one table; never fails (what cannot be read is counted as lost).
pub(super) async fn copy_table(conn: &mut SqliteConnection, table: &str) -> TableSalvage {
    let mut out = TableSalvage {
        table: table.to_string(),
        saved: 0,
        lost: 0,
        orphans: 0,
        tail_unreadable: false,
    };
    let columns = common_columns(conn, table).await;
    if columns.is_empty() {
        return out;
    }
    let cols = columns.join(", ");
    let t = quote(table);
    let count_sql = format!("SELECT count(*) FROM old.{t} WHERE rowid BETWEEN ? AND ?");
    let copy_sql = format!(
        "INSERT OR IGNORE INTO main.{t} ({cols}) SELECT {cols} FROM old.{t} WHERE rowid BETWEEN ? AND ?"
    );
    let Some(Bounds { lo, hi, known }) = bounds(conn, table).await else {
        return out;
    };
    let mut budget = QUERY_BUDGET;
    let mut ranges = vec![(lo, hi)];
    let mut high_water = lo - 1;
    while let Some((lo, hi)) = ranges.pop() {
        if !known && lo > high_water.saturating_add(BLIND_TAIL) {
            out.tail_unreadable = true;
            continue;
        }
        if budget == 0 {
            out.lost += u64::try_from(hi - lo + 1).unwrap_or(u64::MAX);
            continue;
        }
        budget -= 1;
        match copy_range(conn, &count_sql, &copy_sql, lo, hi).await {
            Ok((present, copied)) => {
                if present > 0 {
                    high_water = high_water.max(hi);
                }
                out.saved += copied;
                out.lost += present.saturating_sub(copied);
            }
            Err(_) if lo == hi => out.lost += 1,
            Err(_) => {
                let mid = lo + (hi - lo) / 2;
                // Popped last first: the lower half is copied first, keeping rowid order.
                ranges.push((mid + 1, hi));
                ranges.push((lo, mid));
            }
        }
    }
    out
}

/// Rows present in the range and rows copied; the copy is undone when it fails midway.
async fn copy_range(
    conn: &mut SqliteConnection,
    count_sql: &str,
    copy_sql: &str,
    lo: i64,
    hi: i64,
) -> Result<(u64, u64), sqlx::Error> {
    let present: i64 = sqlx::query_scalar(count_sql)
        .bind(lo)
        .bind(hi)
        .fetch_one(&mut *conn)
        .await?;
    if present == 0 {
        return Ok((0, 0));
    }
    // One statement is atomic: a read error halfway through leaves nothing of it behind.
    let copied = sqlx::query(copy_sql)
        .bind(lo)
        .bind(hi)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok((u64::try_from(present).unwrap_or(0), copied))
}

/// The columns both schemas have (an older damaged store may lack newer ones), quoted.
async fn common_columns(conn: &mut SqliteConnection, table: &str) -> Vec<String> {
    let names = |schema: &'static str| {
        sqlx::query_scalar::<_, String>("SELECT name FROM pragma_table_info(?1, ?2) ORDER BY cid")
            .bind(table.to_string())
            .bind(schema)
    };
    let Ok(fresh) = names("main").fetch_all(&mut *conn).await else {
        return Vec::new();
    };
    let old = names("old").fetch_all(&mut *conn).await.unwrap_or_default();
    fresh
        .into_iter()
        .filter(|c| old.contains(c))
        .map(|c| quote(&c))
        .collect()
}

/// The rowid range to copy: the table's own bounds, else (its first or last page unreadable)
/// the bounds one of its indexes holds (an index entry carries its row's rowid), else up to the
/// highest rowid `sqlite_sequence` remembers or a blind bound.
async fn bounds(conn: &mut SqliteConnection, table: &str) -> Option<Bounds> {
    let t = quote(table);
    let through = |index: Option<&str>| {
        let hint = index
            .map(|i| format!(" INDEXED BY {}", quote(i)))
            .unwrap_or_default();
        format!("SELECT min(rowid), max(rowid) FROM old.{t}{hint}")
    };
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM old.sqlite_master WHERE type = 'index' AND tbl_name = ?",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .unwrap_or_default();
    let tries = std::iter::once(through(None)).chain(indexes.iter().map(|i| through(Some(i))));
    for sql in tries {
        match sqlx::query_as::<_, (Option<i64>, Option<i64>)>(&sql)
            .fetch_one(&mut *conn)
            .await
        {
            Ok((Some(lo), Some(hi))) => {
                return Some(Bounds {
                    lo,
                    hi,
                    known: true,
                })
            }
            Ok(_) => return None,
            Err(_) => continue,
        }
    }
    let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM old.sqlite_sequence WHERE name = ?")
        .bind(table)
        .fetch_optional(&mut *conn)
        .await
        .ok()
        .flatten();
    Some(Bounds {
        lo: 1,
        hi: seq.unwrap_or(0).max(BLIND_MAX_ROWID),
        known: false,
    })
}

/// The rowid range of a table, and whether it was read or guessed.
struct Bounds {
    lo: i64,
    hi: i64,
    known: bool,
}

/// Drops the rows whose parent row was lost (or clears the reference where the schema says
/// `ON DELETE SET NULL`) until none is left, counting them per table.
pub(super) async fn drop_orphans(
    conn: &mut SqliteConnection,
) -> Result<BTreeMap<String, u64>, sqlx::Error> {
    let mut dropped: BTreeMap<String, u64> = BTreeMap::new();
    // Each round removes one level (attachments of a reply of a lost ticket: three rounds).
    for _ in 0..8 {
        let orphans: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT \"table\", rowid, fkid FROM pragma_foreign_key_check WHERE rowid IS NOT NULL",
        )
        .fetch_all(&mut *conn)
        .await?;
        if orphans.is_empty() {
            break;
        }
        for (table, rowid, fkid) in orphans {
            let fk: Option<(String, String)> = sqlx::query_as(
                "SELECT \"from\", on_delete FROM pragma_foreign_key_list(?) WHERE id = ?",
            )
            .bind(&table)
            .bind(fkid)
            .fetch_optional(&mut *conn)
            .await?;
            let t = quote(&table);
            let sql = match fk {
                Some((column, action)) if action == "SET NULL" => {
                    format!(
                        "UPDATE main.{t} SET {} = NULL WHERE rowid = ?",
                        quote(&column)
                    )
                }
                _ => {
                    *dropped.entry(table.clone()).or_default() += 1;
                    format!("DELETE FROM main.{t} WHERE rowid = ?")
                }
            };
            sqlx::query(&sql).bind(rowid).execute(&mut *conn).await?;
        }
    }
    Ok(dropped)
}

/// Keeps the damaged store's `AUTOINCREMENT` counters where they are higher, so that a number
/// already given out (an outbox `seq` since sent and deleted) is not given out again.
pub(super) async fn carry_sequences(conn: &mut SqliteConnection) {
    let Ok(seqs) = sqlx::query_as::<_, (String, i64)>("SELECT name, seq FROM old.sqlite_sequence")
        .fetch_all(&mut *conn)
        .await
    else {
        return;
    };
    for (name, seq) in seqs {
        for sql in [
            "UPDATE main.sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1",
            "INSERT INTO main.sqlite_sequence (name, seq) SELECT ?1, ?2
             WHERE NOT EXISTS (SELECT 1 FROM main.sqlite_sequence WHERE name = ?1)",
        ] {
            let _ = sqlx::query(sql)
                .bind(&name)
                .bind(seq)
                .execute(&mut *conn)
                .await;
        }
    }
}

/// An SQL identifier, double-quoted.
pub(super) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
