//! "This solved my problem": a report closed by an article instead of a ticket, counted on
//! this machine only, and the deflection rate admins see beside the other indicators.

use chrono::{DateTime, Duration, Utc};
use guichet_store::Store;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::CoreError;

/// The period the deflection rate covers.
pub const DEFLECTION_DAYS: i64 = 30;

/// How many reports an article closed, over the last [`DEFLECTION_DAYS`] days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DeflectionRate {
    /// Start of the period (now minus [`DEFLECTION_DAYS`] days).
    pub since: DateTime<Utc>,
    /// Reports closed with "this solved my problem".
    pub deflections: u64,
    /// Reports filed as tickets over the same period (drafts excluded).
    pub reports: u64,
    /// deflections / (deflections + reports), from 0 to 1; `None` when both are 0.
    pub rate: Option<f64>,
}

/// Records that the report titled `title` was closed by an article (`article`, when known)
/// instead of a ticket. Nothing is sent to the service desk.
pub async fn record_deflection(
    store: &Store,
    now: DateTime<Utc>,
    title: &str,
    article: Option<Uuid>,
) -> Result<(), CoreError> {
    Ok(store.record_deflection(now, title, article).await?)
}

/// The deflection rate over the [`DEFLECTION_DAYS`] days before `now`: the reports closed by an
/// article, divided by those plus the tickets filed in this store over the same days.
pub async fn deflection_rate(
    store: &Store,
    now: DateTime<Utc>,
) -> Result<DeflectionRate, CoreError> {
    let since = now - Duration::days(DEFLECTION_DAYS);
    let c = store.deflection_counts(since).await?;
    let total = c.deflections + c.reports;
    Ok(DeflectionRate {
        since,
        deflections: c.deflections,
        reports: c.reports,
        rate: (total > 0).then(|| c.deflections as f64 / total as f64),
    })
}
