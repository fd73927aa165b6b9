//! The latest runs of "Check my computer" on this machine: a short history, newest kept, so
//! that a report, the inventory and the suggestions use the last one without running the
//! checks again.

use guichet_records::Diagnosis;

use crate::{Store, StoreError};

/// Runs kept: enough to compare with the previous ones, small enough never to matter.
pub const DIAGNOSES_KEPT: i64 = 20;

impl Store {
    /// Keeps `diagnosis` as the last one (and drops those past [`DIAGNOSES_KEPT`]).
    pub async fn save_diagnosis(&self, diagnosis: &Diagnosis) -> Result<(), StoreError> {
        let json = serde_json::to_string(diagnosis).map_err(|e| StoreError::Corrupt {
            what: "diagnosis".into(),
            detail: e.to_string(),
        })?;
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO diagnoses (taken_at, worst, diagnosis) VALUES (?, ?, ?)")
            .bind(diagnosis.taken_at.to_rfc3339())
            .bind(diagnosis.worst().as_str())
            .bind(json)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM diagnoses WHERE id NOT IN
             (SELECT id FROM diagnoses ORDER BY taken_at DESC, id DESC LIMIT ?)",
        )
        .bind(DIAGNOSES_KEPT)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The most recent diagnosis (by the time it was taken), if any was saved.
    pub async fn last_diagnosis(&self) -> Result<Option<Diagnosis>, StoreError> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, diagnosis FROM diagnoses ORDER BY taken_at DESC, id DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, json)| {
            serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
                what: format!("diagnosis {id}"),
                detail: e.to_string(),
            })
        })
        .transpose()
    }
}
