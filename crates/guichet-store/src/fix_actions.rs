//! Published fix-it actions as they arrived, and the recorded runs of every fix-it action.
//!
//! The store keeps an action file's bytes, not a verdict: whether it may run is decided again
//! at each use against the policy of the moment (`guichet-actions` verifies, not SQL).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Store, StoreError};

fn time(what: &str, s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt {
            what: what.to_string(),
            detail: format!("bad time `{s}`: {e}"),
        })
}

/// A published action file as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAction {
    /// The manifest's name (the action's id).
    pub name: String,
    /// The file's exact bytes.
    pub file: Vec<u8>,
    /// Where it came from: `import`, `rt:<article id>`, `glpi:<id>`.
    pub source: String,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
}

/// A recorded run of a fix-it action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixRun {
    /// Local run number.
    pub id: i64,
    /// The action's id.
    pub action: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
    /// Whether it did what it said.
    pub succeeded: bool,
    /// What it printed (bounded by the action).
    pub output: String,
}

type RunRow = (i64, String, String, i64, bool, String);

fn run_from(row: RunRow) -> Result<FixRun, StoreError> {
    let (id, action, started_at, elapsed_ms, succeeded, output) = row;
    Ok(FixRun {
        id,
        action,
        started_at: time("fix run", &started_at)?,
        elapsed_ms: u64::try_from(elapsed_ms).unwrap_or(0),
        succeeded,
        output,
    })
}

impl Store {
    /// Keeps an action file under `name`, replacing the one of that name.
    pub async fn save_published_action(
        &self,
        name: &str,
        file: &[u8],
        source: &str,
        received_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO published_actions (name, file, source, received_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET file = excluded.file, source = excluded.source,
                 received_at = excluded.received_at",
        )
        .bind(name)
        .bind(file)
        .bind(source)
        .bind(received_at.to_rfc3339())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes the actions that came from `source` but are not in `keep` (an article that no
    /// longer carries them, or was removed); returns how many went.
    pub async fn forget_published_actions(
        &self,
        source: &str,
        keep: &[String],
    ) -> Result<u64, StoreError> {
        let mut gone = 0;
        for a in self.published_actions().await? {
            if a.source == source && !keep.contains(&a.name) {
                gone += sqlx::query("DELETE FROM published_actions WHERE name = ? AND source = ?")
                    .bind(&a.name)
                    .bind(source)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
            }
        }
        Ok(gone)
    }

    /// Every stored action file, by name.
    pub async fn published_actions(&self) -> Result<Vec<StoredAction>, StoreError> {
        let rows: Vec<(String, Vec<u8>, String, String)> = sqlx::query_as(
            "SELECT name, file, source, received_at FROM published_actions ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(name, file, source, at)| {
                Ok(StoredAction {
                    name,
                    file,
                    source,
                    received_at: time("published action", &at)?,
                })
            })
            .collect()
    }

    /// The action file named `name`.
    pub async fn published_action(&self, name: &str) -> Result<Option<StoredAction>, StoreError> {
        Ok(self
            .published_actions()
            .await?
            .into_iter()
            .find(|a| a.name == name))
    }

    /// Records a run; returns its number.
    pub async fn record_fix_run(
        &self,
        action: &str,
        started_at: DateTime<Utc>,
        elapsed_ms: u64,
        succeeded: bool,
        output: &str,
    ) -> Result<i64, StoreError> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO fix_runs (action, started_at, elapsed_ms, succeeded, output)
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(action)
        .bind(started_at.to_rfc3339())
        .bind(i64::try_from(elapsed_ms).unwrap_or(i64::MAX))
        .bind(succeeded)
        .bind(output)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// Run number `id`.
    pub async fn fix_run(&self, id: i64) -> Result<Option<FixRun>, StoreError> {
        let row: Option<RunRow> = sqlx::query_as(
            "SELECT id, action, started_at, elapsed_ms, succeeded, output FROM fix_runs WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(run_from).transpose()
    }

    /// The latest `limit` runs, newest first.
    pub async fn fix_runs(&self, limit: u32) -> Result<Vec<FixRun>, StoreError> {
        let rows: Vec<RunRow> = sqlx::query_as(
            "SELECT id, action, started_at, elapsed_ms, succeeded, output FROM fix_runs
             ORDER BY id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(run_from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn actions_are_kept_by_name_and_runs_are_numbered() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let t: DateTime<Utc> = "2027-01-01T00:00:00Z".parse().unwrap();
        store
            .save_published_action("a", b"one", "rt:1", t)
            .await
            .unwrap();
        store
            .save_published_action("a", b"two", "rt:1", t)
            .await
            .unwrap();
        store
            .save_published_action("b", b"three", "import", t)
            .await
            .unwrap();
        let all = store.published_actions().await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(
            store.published_action("a").await.unwrap().unwrap().file,
            b"two"
        );
        assert_eq!(
            store.forget_published_actions("rt:1", &[]).await.unwrap(),
            1
        );
        assert!(store.published_action("a").await.unwrap().is_none());
        assert!(store.published_action("b").await.unwrap().is_some());

        let one = store
            .record_fix_run("b", t, 12, true, "hello\n")
            .await
            .unwrap();
        let two = store.record_fix_run("b", t, 5, false, "").await.unwrap();
        assert!(two > one);
        let r = store.fix_run(one).await.unwrap().unwrap();
        assert_eq!(
            (
                r.action.as_str(),
                r.elapsed_ms,
                r.succeeded,
                r.output.as_str()
            ),
            ("b", 12, true, "hello\n")
        );
        assert_eq!(store.fix_runs(10).await.unwrap()[0].id, two);
        assert!(store.fix_run(999).await.unwrap().is_none());
    }
}
