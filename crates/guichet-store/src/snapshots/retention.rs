//! How many inventory snapshots the store keeps.
//!
//! The scheduled agent saves a snapshot at every run (about 90 KB compressed on a desktop with
//! 2,000 packages). Kept forever, an hourly agent grows the store by about 800 MB a year, and
//! every process that reads the history, or walks the table, grows with it (the agent's memory
//! grew by a third over 80 runs). So each save thins out the older snapshots of the same
//! machine, as backup tools thin out old backups: the history keeps its shape (the newest runs,
//! then one a day, then one a month) at a bounded size.
//!
//! Never pruned, whatever their age: a snapshot a ticket refers to (its system information), one
//! a queued inventory push or a bundle entry still has to send, and the last one each service
//! desk received (the next partial inventory is computed against it).

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Utc};
use sqlx::{Sqlite, Transaction};

use crate::outbox::INVENTORY_PUSH_STREAM;
use crate::StoreError;

/// The thinning rule; [`SnapshotRetention::default`] is what every save applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotRetention {
    /// The newest snapshots kept whatever their dates.
    pub recent: usize,
    /// For this many days back from the newest snapshot, the newest of each calendar day (UTC).
    pub daily_days: i64,
    /// For this many months back, the newest of each calendar month (UTC).
    pub monthly_months: i64,
}

impl Default for SnapshotRetention {
    /// 10 newest, a day for a month, a month for two years: at most about 65 snapshots a machine.
    fn default() -> Self {
        SnapshotRetention {
            recent: 10,
            daily_days: 31,
            monthly_months: 24,
        }
    }
}

/// One machine's snapshot, as the rule sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dated {
    pub id: i64,
    pub uuid: String,
    pub taken_at: DateTime<Utc>,
}

/// The ids of the snapshots of one machine that `rule` drops, `protected` (by UUID) spared.
/// `snapshots` in any order; "now" is the newest snapshot's date, so that a machine whose
/// clock is wrong, or a store that sat unused for months, keeps its shape.
pub(crate) fn to_prune(
    snapshots: &[Dated],
    protected: &HashSet<String>,
    rule: &SnapshotRetention,
) -> Vec<i64> {
    let mut newest_first: Vec<&Dated> = snapshots.iter().collect();
    newest_first.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(b.id.cmp(&a.id)));
    let Some(newest) = newest_first.first().map(|s| s.taken_at) else {
        return Vec::new();
    };
    let month = |t: DateTime<Utc>| i64::from(t.year()) * 12 + i64::from(t.month0());
    let mut days = HashSet::new();
    let mut months = HashSet::new();
    let mut pruned = Vec::new();
    for (rank, s) in newest_first.into_iter().enumerate() {
        // Each test also claims its day or month, so that only the newest of each is kept.
        let recent = rank < rule.recent;
        let day = s.taken_at.date_naive();
        let first_of_day = (newest - s.taken_at).num_days() < rule.daily_days && days.insert(day);
        let first_of_month = month(newest) - month(s.taken_at) < rule.monthly_months
            && months.insert(month(s.taken_at));
        if !(recent || first_of_day || first_of_month || protected.contains(&s.uuid)) {
            pruned.push(s.id);
        }
    }
    pruned
}

/// Snapshot UUIDs something still needs (see the module documentation); binds the inventory
/// push cursors' stream prefix, the one the outbox names them with.
const PROTECTED: &str = "SELECT snapshot_uuid FROM tickets WHERE snapshot_uuid IS NOT NULL
     UNION SELECT snapshot_uuid FROM outbox WHERE snapshot_uuid IS NOT NULL
     UNION SELECT snapshot_uuid FROM bundle_entries WHERE snapshot_uuid IS NOT NULL
     UNION SELECT json_extract(cursor, '$.snapshot_uuid') FROM sync_cursors
           WHERE substr(stream, 1, ?1) = ?2";

/// Applies `rule` to the snapshots of machine `deviceid` inside the caller's transaction;
/// returns how many were deleted.
pub(crate) async fn prune_machine(
    tx: &mut Transaction<'_, Sqlite>,
    deviceid: &str,
    rule: &SnapshotRetention,
) -> Result<usize, StoreError> {
    // Only columns stored before the document: no overflow page is read.
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, uuid, taken_at FROM snapshots WHERE deviceid = ?")
            .bind(deviceid)
            .fetch_all(&mut **tx)
            .await?;
    if rows.len() <= rule.recent {
        return Ok(0);
    }
    let dated: Vec<Dated> = rows
        .into_iter()
        .filter_map(|(id, uuid, at)| {
            // An unreadable date is never a reason to delete.
            let taken_at = DateTime::parse_from_rfc3339(&at).ok()?.with_timezone(&Utc);
            Some(Dated { id, uuid, taken_at })
        })
        .collect();
    let protected: HashSet<String> = sqlx::query_scalar::<_, Option<String>>(PROTECTED)
        .bind(INVENTORY_PUSH_STREAM.len() as i64)
        .bind(INVENTORY_PUSH_STREAM)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let doomed = to_prune(&dated, &protected, rule);
    for id in &doomed {
        sqlx::query("DELETE FROM snapshots WHERE id = ?")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(doomed.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn hourly(n: i64, start: DateTime<Utc>) -> Vec<Dated> {
        (0..n)
            .map(|h| Dated {
                id: h + 1,
                uuid: format!("u{}", h + 1),
                taken_at: start + Duration::hours(h),
            })
            .collect()
    }

    #[test]
    fn a_year_of_hourly_runs_keeps_the_newest_then_a_day_then_a_month() {
        let start = Utc.with_ymd_and_hms(2025, 12, 1, 0, 30, 0).unwrap();
        let all = hourly(24 * 365, start);
        let pruned: HashSet<i64> = to_prune(&all, &HashSet::new(), &SnapshotRetention::default())
            .into_iter()
            .collect();
        let kept: Vec<&Dated> = all.iter().filter(|s| !pruned.contains(&s.id)).collect();
        // 10 newest (all on the last day), then 30 more days, then 11 or 12 more months.
        assert!((50..=54).contains(&kept.len()), "{}", kept.len());
        let newest = all.last().unwrap();
        assert!(kept.iter().any(|s| s.id == newest.id), "the newest stays");
        let days: HashSet<_> = kept.iter().map(|s| s.taken_at.date_naive()).collect();
        assert_eq!(
            days.len(),
            kept.len() - 9,
            "one per day beyond the 10 newest"
        );
        // The oldest snapshot kept is the newest of its month (its last hour).
        let oldest = kept.iter().min_by_key(|s| s.taken_at).unwrap();
        assert_eq!(
            oldest.taken_at,
            Utc.with_ymd_and_hms(2025, 12, 31, 23, 30, 0).unwrap()
        );
    }

    #[test]
    fn snapshots_a_ticket_or_a_push_needs_are_never_pruned() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let all = hourly(200, start);
        let protected: HashSet<String> = ["u3".to_string(), "u77".to_string()].into();
        let pruned = to_prune(&all, &protected, &SnapshotRetention::default());
        assert!(!pruned.contains(&3) && !pruned.contains(&77));
        assert!(
            pruned.contains(&4),
            "an unprotected one of the same day goes"
        );
    }

    #[test]
    fn a_few_snapshots_are_all_kept() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert!(to_prune(
            &hourly(10, start),
            &HashSet::new(),
            &SnapshotRetention::default()
        )
        .is_empty());
        assert!(to_prune(&[], &HashSet::new(), &SnapshotRetention::default()).is_empty());
    }
}
