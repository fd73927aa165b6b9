//! `system.reboot`: whether the system waits for a restart to finish installing updates
//! (Debian/Ubuntu's `/run/reboot-required` flag, or a kernel newer than the running one;
//! on Windows, the flags Windows Update and the servicing stack leave in the registry, see
//! `windows::pending_reboot`).
//! Until then the old kernel and libraries keep running, without the fixes just installed.
//!
//! Warning as soon as a restart is required; problem once the request is more than
//! [`OVERDUE_DAYS`] old (the flag file's age): a week is the usual patching cycle, past it the
//! machine runs known-vulnerable code for longer than a site's policy normally allows. Unknown
//! where nothing tells (no flag mechanism, a container's kernel, macOS: no flag a user can
//! read there, and `softwareupdate -l` asks Apple's servers for seconds). Windows records no
//! time for its flags: a warning there, never overdue.

use chrono::{DateTime, Utc};
use guichet_inventory::parse::reboot::RebootRequired;
use guichet_inventory::{modified, reboot_required, Probe};
use guichet_records::{CheckStatus, Finding, Sentence};

use super::here;
use super::outcome::{finding, names};
use crate::quantity::{worded, Days};
use crate::{Check, Context};

const ID: &str = "system.reboot";
/// A restart requested longer ago than this is overdue.
pub const OVERDUE_DAYS: i64 = 7;

/// What the system says, and since when.
#[derive(Debug, Clone)]
pub struct Readings {
    /// The answer, `None` when nothing here tells.
    pub reboot: Option<RebootRequired>,
    /// When the request was made (the flag file's modification time), if known.
    pub since: Option<DateTime<Utc>>,
}

/// Reads the flag (or the kernels) through the inventory.
// Linux's readings; Windows and macOS fetch their own (`here`).
#[cfg_attr(any(target_os = "windows", target_os = "macos"), allow(dead_code))]
pub fn read(probe: &Probe) -> Readings {
    let since = ["/run/reboot-required", "/var/run/reboot-required"]
        .iter()
        .find_map(|p| modified(probe, p));
    Readings {
        reboot: reboot_required(probe),
        since,
    }
}

/// The finding for these readings at `now`.
pub fn evaluate(r: &Readings, now: DateTime<Utc>) -> Vec<Finding> {
    let threshold = worded!(
        "demandé depuis plus de {}",
        "required for more than {}",
        Days(OVERDUE_DAYS)
    );
    let Some(reboot) = &r.reboot else {
        return vec![finding(
            ID,
            CheckStatus::Unknown,
            None,
            None,
            "Impossible de savoir ici si un redémarrage est attendu.",
            "Whether a restart is waiting cannot be told here.",
        )];
    };
    if !reboot.required {
        return vec![finding(
            ID,
            CheckStatus::Ok,
            Some(Sentence::new("non demandé", "not required")),
            Some(threshold),
            "Aucun redémarrage n'est attendu.",
            "No restart is waiting.",
        )];
    }
    let days = r.since.map(|s| (now - s).num_days().max(0));
    let mut measured = match days {
        Some(d) => worded!("demandé depuis {}", "required for {}", Days(d)),
        None => Sentence::new("demandé", "required"),
    };
    if !reboot.because.is_empty() {
        let because = names(&reboot.because, 3);
        measured = worded!("{} ({})", "{} ({})", measured, because);
    }
    let overdue = days.is_some_and(|d| d > OVERDUE_DAYS);
    let (status, fr, en) = if overdue {
        (
            CheckStatus::Problem,
            "Des mises à jour attendent un redémarrage depuis plus d'une semaine : redémarrez l'ordinateur dès que possible.",
            "Updates have been waiting for a restart for more than a week: restart the computer as soon as you can.",
        )
    } else {
        (
            CheckStatus::Warning,
            "Des mises à jour attendent un redémarrage : redémarrez l'ordinateur quand vous le pourrez.",
            "Updates are waiting for a restart: restart the computer when you can.",
        )
    };
    vec![finding(ID, status, Some(measured), Some(threshold), fr, en)]
}

/// The check.
#[derive(Debug)]
pub struct Reboot;

impl Check for Reboot {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        evaluate(&here::reboot(&Probe::system(ctx.now, ctx.timeout)), ctx.now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use guichet_inventory::parse::reboot;

    const PKGS: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../guichet-inventory/tests/fixtures/reboot/reboot-required.pkgs"
    ));

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn ubuntu_flag_warns_then_is_overdue_after_a_week() {
        let since = at("2025-01-06T08:00:00Z");
        let r = Readings {
            reboot: Some(reboot::from_flag(PKGS)),
            since: Some(since),
        };
        let f = &evaluate(&r, since + Duration::days(2))[0];
        assert_eq!(f.status, CheckStatus::Warning);
        assert_eq!(
            f.measured,
            Some(Sentence::new(
                "demandé depuis 2 jours (linux-image-6.8.0-51-generic, linux-base)",
                "required for 2 days (linux-image-6.8.0-51-generic, linux-base)"
            ))
        );
        assert_eq!(
            f.threshold.as_ref().unwrap().fr,
            "demandé depuis plus de 7 jours"
        );
        let f = &evaluate(&r, since + Duration::days(OVERDUE_DAYS + 1))[0];
        assert_eq!(f.status, CheckStatus::Problem);
    }

    #[test]
    fn flag_from_a_fixture_tree_and_nothing_to_tell() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let r = read(&Probe::fixture(dir.path(), now));
        assert_eq!(evaluate(&r, now)[0].status, CheckStatus::Unknown);
        std::fs::create_dir_all(dir.path().join("run")).unwrap();
        std::fs::write(dir.path().join("run/reboot-required"), "").unwrap();
        std::fs::write(dir.path().join("run/reboot-required.pkgs"), PKGS).unwrap();
        let r = read(&Probe::fixture(dir.path(), now));
        assert!(r.since.is_some());
        assert_eq!(evaluate(&r, now)[0].status, CheckStatus::Warning);
        let ok = Readings {
            reboot: Some(reboot::not_required()),
            since: None,
        };
        assert_eq!(evaluate(&ok, now)[0].status, CheckStatus::Ok);
    }

    #[test]
    fn a_newer_kernel_installed_beside_the_running_one_without_a_flag() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        std::fs::create_dir_all(r.join("proc/sys/kernel")).unwrap();
        std::fs::write(r.join("proc/sys/kernel/osrelease"), "6.1.0-28-amd64\n").unwrap();
        std::fs::create_dir_all(r.join("lib/modules/6.1.0-28-amd64")).unwrap();
        let now = Utc::now();
        let f = &evaluate(&read(&Probe::fixture(r, now)), now)[0];
        assert_eq!(f.status, CheckStatus::Ok);
        std::fs::create_dir_all(r.join("lib/modules/6.1.0-30-amd64")).unwrap();
        let f = &evaluate(&read(&Probe::fixture(r, now)), now)[0];
        assert_eq!(f.status, CheckStatus::Warning);
        assert_eq!(
            f.measured.as_ref().unwrap().en,
            "required (kernel 6.1.0-30-amd64)"
        );
    }
}
