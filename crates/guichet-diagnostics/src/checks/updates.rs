//! `system.updates`: updates waiting to be installed, counted from the package manager's own
//! files (Debian/Ubuntu: the dpkg database against apt's lists; no root, no network), and
//! those among them that fix security flaws.
//!
//! Ok when no security update waits (other updates are counted but not urged: they bring no
//! known risk). Warning when security updates wait. Problem when they wait and no package has
//! been installed or upgraded for more than [`STALE_DAYS`] days (the dpkg database unchanged):
//! Debian and Ubuntu publish security fixes several times a week and unattended-upgrades
//! applies them daily, so a fortnight without any package change while fixes wait means the
//! machine is not being updated at all. Unknown without apt (other distributions, Windows,
//! macOS) or before the first `apt update`.

use std::path::Path;

use chrono::{DateTime, Utc};
use guichet_inventory::parse::apt_lists::PendingUpdates;
use guichet_inventory::{apt_pending_updates_kept, modified, Probe};
use guichet_records::{CheckStatus, Finding};

use super::outcome::finding;
use crate::quantity::{worded, Days};
use crate::{Check, Context};

const ID: &str = "system.updates";
/// Days without any package change past which waiting security updates are a problem.
pub const STALE_DAYS: i64 = 14;

/// The count, and when the package database last changed.
#[derive(Debug, Clone)]
pub struct Readings {
    /// Pending updates, `None` when they cannot be counted here.
    pub pending: Option<PendingUpdates>,
    /// When a package was last installed, upgraded or removed (the dpkg status file's time).
    pub last_change: Option<DateTime<Utc>>,
}

/// Reads apt's files through the inventory; the count is kept in `cache_dir` between runs
/// (counting reads ~50 MB of lists: only the first run after an `apt update` or an install
/// pays, see `guichet_inventory::apt_pending_updates_kept`).
pub fn read(probe: &Probe, cache_dir: Option<&Path>) -> Readings {
    Readings {
        pending: apt_pending_updates_kept(probe, cache_dir),
        last_change: modified(probe, "/var/lib/dpkg/status"),
    }
}

/// The finding for these readings at `now`.
pub fn evaluate(r: &Readings, now: DateTime<Utc>) -> Vec<Finding> {
    let threshold = worded!(
        "correctifs de sécurité en attente : avertissement ; sans changement de paquet depuis {} : problème",
        "security updates waiting: warning; with no package change for {}: problem",
        Days(STALE_DAYS)
    );
    let Some(p) = &r.pending else {
        return vec![finding(
            ID,
            CheckStatus::Unknown,
            None,
            None,
            "Les mises à jour en attente ne peuvent pas être comptées sur ce système.",
            "Pending updates cannot be counted on this system.",
        )];
    };
    let idle_days = r.last_change.map(|t| (now - t).num_days().max(0));
    let mut measured = worded!(
        "{} en attente, dont {} de sécurité",
        "{} pending, {} security",
        p.total(),
        p.security()
    );
    if let Some(d) = idle_days {
        measured = worded!(
            "{}, dernier changement de paquet il y a {}",
            "{}, last package change {} ago",
            measured,
            Days(d)
        );
    }
    let (status, fr, en) = if p.security() == 0 {
        if p.total() == 0 {
            (
                CheckStatus::Ok,
                "Le système est à jour.",
                "The system is up to date.",
            )
        } else {
            (
                CheckStatus::Ok,
                "Des mises à jour sont disponibles, sans correctif de sécurité ; elles peuvent attendre.",
                "Updates are available, none of them a security fix; they can wait.",
            )
        }
    } else if idle_days.is_some_and(|d| d > STALE_DAYS) {
        (
            CheckStatus::Problem,
            "Des correctifs de sécurité attendent et rien n'a été mis à jour depuis plus de deux semaines : cet ordinateur ne se met plus à jour.",
            "Security fixes are waiting and nothing has been updated for more than two weeks: this computer is no longer updating itself.",
        )
    } else {
        (
            CheckStatus::Warning,
            "Des correctifs de sécurité attendent d'être installés : lancez les mises à jour.",
            "Security fixes are waiting to be installed: run the updates.",
        )
    };
    vec![finding(ID, status, Some(measured), Some(threshold), fr, en)]
}

/// The check.
#[derive(Debug)]
pub struct Updates;

impl Check for Updates {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        let probe = Probe::system(ctx.now, ctx.timeout);
        evaluate(&read(&probe, ctx.cache_dir.as_deref()), ctx.now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use guichet_inventory::parse::apt_lists::{pending_updates, AptList};

    const FX: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../guichet-inventory/tests/fixtures/apt_lists"
    );
    const SECURITY: &str =
        "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages";
    const MAIN: &str = "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages";

    fn read_fx(name: &str) -> String {
        std::fs::read_to_string(format!("{FX}/{name}")).unwrap()
    }

    fn recorded(with_security: bool) -> PendingUpdates {
        let status = read_fx("status");
        let (main, sec) = (read_fx(MAIN), read_fx(SECURITY));
        let mut lists = vec![AptList {
            file: MAIN,
            text: &main,
        }];
        if with_security {
            lists.push(AptList {
                file: SECURITY,
                text: &sec,
            });
        }
        pending_updates(&status, &lists)
    }

    #[test]
    fn recorded_security_updates_warn_then_are_a_problem_on_an_idle_machine() {
        let now = DateTime::parse_from_rfc3339("2026-12-06T18:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut r = Readings {
            pending: Some(recorded(true)),
            last_change: Some(now - Duration::days(3)),
        };
        let f = &evaluate(&r, now)[0];
        assert_eq!(f.status, CheckStatus::Warning);
        assert_eq!(
            f.measured,
            Some(guichet_records::Sentence::new(
                "8 en attente, dont 5 de sécurité, dernier changement de paquet il y a 3 jours",
                "8 pending, 5 security, last package change 3 days ago"
            ))
        );
        assert!(f
            .threshold
            .as_ref()
            .unwrap()
            .fr
            .contains("depuis 14 jours : problème"));
        r.last_change = Some(now - Duration::days(STALE_DAYS + 1));
        assert_eq!(evaluate(&r, now)[0].status, CheckStatus::Problem);
    }

    #[test]
    fn only_point_release_updates_are_ok_and_no_apt_is_unknown() {
        let now = Utc::now();
        let r = Readings {
            pending: Some(recorded(false)),
            last_change: Some(now - Duration::days(60)),
        };
        let f = &evaluate(&r, now)[0];
        assert_eq!(f.status, CheckStatus::Ok);
        let m = f.measured.as_ref().unwrap();
        assert!(m.en.contains(", 0 security"), "{m:?}");
        assert!(m.fr.contains(", dont 0 de sécurité"), "{m:?}");
        let none = Readings {
            pending: None,
            last_change: None,
        };
        assert_eq!(evaluate(&none, now)[0].status, CheckStatus::Unknown);
    }
}
