//! Pull cursors and the recorded outcome of sync passes.

use super::*;

impl Store {
    /// A pull cursor (`tickets`, `kb`…) of a connector.
    pub async fn sync_cursor(
        &self,
        connector: &str,
        stream: &str,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT cursor FROM sync_cursors WHERE connector = ? AND stream = ?")
                .bind(connector)
                .bind(stream)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| r.0))
    }

    /// Sets a pull cursor (on its own: callers that store pulled data use the transactional
    /// forms, such as [`Store::apply_ticket_changes`]).
    pub async fn set_sync_cursor(
        &self,
        connector: &str,
        stream: &str,
        cursor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        set_cursor(&mut tx, connector, stream, cursor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records the outcome of a sync pass that started at `started`: `Ok((pushed, pulled))`
    /// or the error message.
    pub async fn record_sync(
        &self,
        connector: &str,
        started: DateTime<Utc>,
        outcome: Result<(i64, i64), &str>,
    ) -> Result<(), StoreError> {
        let at = started.to_rfc3339();
        match outcome {
            Ok((pushed, pulled)) => sqlx::query(
                "INSERT INTO sync_status (connector, last_attempt_at, last_success_at, last_pushed, last_pulled)
                 VALUES (?1, ?2, ?2, ?3, ?4)
                 ON CONFLICT(connector) DO UPDATE SET last_attempt_at = ?2, last_success_at = ?2,
                    last_error = NULL, last_error_at = NULL, last_pushed = ?3, last_pulled = ?4",
            )
            .bind(connector)
            .bind(&at)
            .bind(pushed)
            .bind(pulled),
            Err(msg) => sqlx::query(
                "INSERT INTO sync_status (connector, last_attempt_at, last_error, last_error_at)
                 VALUES (?1, ?2, ?3, ?2)
                 ON CONFLICT(connector) DO UPDATE SET last_attempt_at = ?2, last_error = ?3, last_error_at = ?2",
            )
            .bind(connector)
            .bind(&at)
            .bind(msg),
        }
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The recorded sync status of a connector (all empty if it never synced).
    pub async fn sync_status(&self, connector: &str) -> Result<SyncStatus, StoreError> {
        type Row = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            i64,
            i64,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT last_attempt_at, last_success_at, last_error, last_error_at, last_pushed, last_pulled
             FROM sync_status WHERE connector = ?",
        )
        .bind(connector)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(SyncStatus {
                connector: connector.to_string(),
                ..SyncStatus::default()
            });
        };
        let t = |s: &Option<String>| s.as_deref().map(|s| ts(s, "sync status")).transpose();
        Ok(SyncStatus {
            connector: connector.to_string(),
            last_attempt_at: t(&r.0)?,
            last_success_at: t(&r.1)?,
            last_error: r.2,
            last_error_at: t(&r.3)?,
            last_pushed: r.4,
            last_pulled: r.5,
        })
    }
}
