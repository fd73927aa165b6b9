//! Runs of the scheduled agent (`guichet agent run`, started by a systemd timer): when each ran,
//! how it ended, which snapshot it saved and what went wrong, for `guichet agent status`.
//!
//! A run is recorded when it starts (outcome `running`) and completed when it ends, so a run that
//! was killed half-way (power cut, timeout) stays visible as `running` with no end time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{time, uuid};
use crate::{Store, StoreError};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// Started and not (yet) finished.
    Running,
    /// Everything worked.
    Ok,
    /// The snapshot was saved but something failed (a category, the sync).
    Partial,
    /// Nothing was saved.
    Failed,
}

impl RunOutcome {
    /// Stable name: `running`, `ok`, `partial`, `failed`.
    pub fn name(self) -> &'static str {
        match self {
            RunOutcome::Running => "running",
            RunOutcome::Ok => "ok",
            RunOutcome::Partial => "partial",
            RunOutcome::Failed => "failed",
        }
    }
}

impl std::str::FromStr for RunOutcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            RunOutcome::Running,
            RunOutcome::Ok,
            RunOutcome::Partial,
            RunOutcome::Failed,
        ]
        .into_iter()
        .find(|o| o.name() == s)
        .ok_or_else(|| format!("unknown run outcome `{s}`"))
    }
}

/// One run of the agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRun {
    /// Local number.
    pub id: i64,
    /// Globally unique id.
    pub uuid: Uuid,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended (`None` while running or if it was killed).
    pub finished_at: Option<DateTime<Utc>>,
    /// How it ended.
    pub outcome: RunOutcome,
    /// Local id of the snapshot it saved.
    pub snapshot_id: Option<i64>,
    /// What the sync attempt said.
    pub sync: Option<String>,
    /// What went wrong.
    pub errors: Vec<String>,
}

/// How a run ended, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunEnd {
    /// When it ended.
    pub finished_at: DateTime<Utc>,
    /// Outcome.
    pub outcome: RunOutcome,
    /// Snapshot saved.
    pub snapshot_id: Option<i64>,
    /// What the sync attempt said.
    pub sync: Option<String>,
    /// What went wrong.
    pub errors: Vec<String>,
}

impl Store {
    /// Records the start of a run; returns its local number.
    pub async fn agent_run_start(
        &self,
        id: Uuid,
        started_at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as(
            "INSERT INTO agent_runs (uuid, started_at, outcome) VALUES (?, ?, 'running') RETURNING id",
        )
        .bind(id.to_string())
        .bind(started_at.to_rfc3339())
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }

    /// Records how run `id` ended.
    pub async fn agent_run_finish(&self, id: i64, end: &RunEnd) -> Result<(), StoreError> {
        let errors = serde_json::to_string(&end.errors).expect("strings always serialise");
        let done = sqlx::query(
            "UPDATE agent_runs SET finished_at = ?, outcome = ?, snapshot_id = ?, sync = ?, errors = ?
             WHERE id = ?",
        )
        .bind(end.finished_at.to_rfc3339())
        .bind(end.outcome.name())
        .bind(end.snapshot_id)
        .bind(&end.sync)
        .bind(errors)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("agent run {id}")));
        }
        Ok(())
    }

    /// The last `limit` runs, newest first.
    pub async fn agent_runs(&self, limit: i64) -> Result<Vec<AgentRun>, StoreError> {
        type Row = (
            i64,
            String,
            String,
            Option<String>,
            String,
            Option<i64>,
            Option<String>,
            String,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, uuid, started_at, finished_at, outcome, snapshot_id, sync, errors
             FROM agent_runs ORDER BY started_at DESC, id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let what = format!("agent run {}", r.0);
                let corrupt = |detail: String| StoreError::Corrupt {
                    what: what.clone(),
                    detail,
                };
                Ok(AgentRun {
                    id: r.0,
                    uuid: uuid(&what, &r.1)?,
                    started_at: time(&what, &r.2)?,
                    finished_at: r.3.as_deref().map(|t| time(&what, t)).transpose()?,
                    outcome: r.4.parse().map_err(corrupt)?,
                    snapshot_id: r.5,
                    sync: r.6,
                    errors: serde_json::from_str(&r.7).map_err(|e| corrupt(e.to_string()))?,
                })
            })
            .collect()
    }
}
