//! "This solved my problem": reports closed by an article instead of a ticket, counted here
//! only, and the reports filed over the same period, for the deflection rate.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Store, StoreError};

/// Reports closed by an article and reports filed since a given time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeflectionCounts {
    /// "This solved my problem" answers.
    pub deflections: u64,
    /// Reports filed as tickets (queued, sent or refused; drafts do not count).
    pub reports: u64,
}

impl Store {
    /// Records that the report titled `title` was closed by an article (`article`, when the
    /// user said which) at `at`: nothing is sent anywhere.
    pub async fn record_deflection(
        &self,
        at: DateTime<Utc>,
        title: &str,
        article: Option<Uuid>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO deflections (at, title, article_id) VALUES (?, ?, ?)")
            .bind(at.to_rfc3339())
            .bind(title.trim())
            .bind(article.map(|a| a.to_string()))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deflections and filed reports at or after `since`.
    pub async fn deflection_counts(
        &self,
        since: DateTime<Utc>,
    ) -> Result<DeflectionCounts, StoreError> {
        let since = since.to_rfc3339();
        // Both columns hold RFC 3339 UTC texts written by `to_rfc3339`: they compare as times.
        let (deflections, reports): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM deflections WHERE at >= ?1),
                    (SELECT count(*) FROM tickets WHERE created_at >= ?1 AND local_state <> 'draft')",
        )
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(DeflectionCounts {
            deflections: u64::try_from(deflections).unwrap_or(0),
            reports: u64::try_from(reports).unwrap_or(0),
        })
    }
}
