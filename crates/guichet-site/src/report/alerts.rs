//! What the report flags: warranties ended or ending soon, machines not inventoried lately.

use chrono::Duration;
use guichet_store::{Asset, AssetStatus};

use super::format::{date, esc};
use super::words::Words;
use super::Site;

/// Warranties ending within this many days are flagged.
const WARRANTY_NOTICE_DAYS: i64 = 90;
/// Machines whose newest inventory is older than this many days are flagged.
const STALE_DAYS: i64 = 30;

/// One alert: whether it is bad (already past) rather than a notice, and its HTML text.
pub(super) type Alert = (bool, String);

/// The alerts of the site: warranties (ended first, then ending soon), then machines not
/// inventoried lately.
pub(super) fn alerts(site: &Site<'_>, w: &Words) -> Vec<Alert> {
    let today = site.now.date_naive();
    let notice = today + Duration::days(WARRANTY_NOTICE_DAYS);
    let mut alerts: Vec<Alert> = Vec::new();
    let mut warranty: Vec<&Asset> = site
        .assets
        .iter()
        .filter(|a| a.status != AssetStatus::Retired)
        .filter(|a| a.warranty_until.is_some_and(|d| d <= notice))
        .collect();
    warranty.sort_by_key(|a| a.warranty_until);
    for a in warranty {
        let d = a.warranty_until.expect("filtered");
        let what = [Some(a.kind.as_str()), a.make.as_deref(), a.model.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let serial = a
            .serial
            .as_deref()
            .map(|s| format!(" ({})", esc(s)))
            .unwrap_or_default();
        let (bad, phrase) = if d < today {
            (true, w.warranty_ended)
        } else {
            (false, w.warranty_ends)
        };
        alerts.push((
            bad,
            format!(
                "<b>#{} {}</b>{serial}: {phrase} {}",
                a.id,
                esc(&what),
                date(w, d)
            ),
        ));
    }
    for m in site.machines {
        let age = (site.now - m.last_seen).num_days();
        if age > STALE_DAYS {
            alerts.push((
                false,
                format!(
                    "<b>{}</b>: {} {age} {}",
                    esc(&m.hostname),
                    w.not_seen,
                    w.days
                ),
            ));
        }
    }
    alerts
}
