//! `security.antivirus`: how old the antivirus signatures are. An antivirus that has not
//! updated its signatures for days misses the threats of the week.
//!
//! Measured from ClamAV's daily database header (its build time; `daily.cld` or `daily.cvd`,
//! world-readable). Ok up to [`WARNING_DAYS`] days; warning past it (ClamAV publishes a new
//! daily database every day, so three missed days mean the updater is stuck); problem past
//! [`PROBLEM_DAYS`] days (a week: the inventory's own "up to date" limit). Other products found
//! by the inventory on Linux (Defender for Endpoint, Sophos, ESET…) keep their signatures in
//! formats not read here: unknown, naming the product. Unknown too when no antivirus is
//! installed (most Linux desktops have none).
//!
//! On Windows, Microsoft Defender's signatures are dated like ClamAV's (same pace, same
//! limits); a third-party antivirus is judged by what it reports to Windows Security Center
//! (on or off, signatures up to date or not: no age), and an antivirus turned off is a
//! warning. On macOS, XProtect's signatures are dated by their last install, with limits for
//! Apple's slower pace (see `macos::xprotect`).

use chrono::{DateTime, Utc};
use guichet_inventory::{clamav_signatures, collect_category, Category, Probe, SecurityKind};
use guichet_records::{CheckStatus, Finding, Sentence};

use super::here;
use super::outcome::finding;
use crate::quantity::{joined, worded, Days};
use crate::{Check, Context};

const ID: &str = "security.antivirus";
/// Signatures older than this many days: warning.
pub const WARNING_DAYS: i64 = 3;
/// Signatures older than this many days: problem.
pub const PROBLEM_DAYS: i64 = 7;

/// The antivirus products found and the age of the signatures that could be read.
#[derive(Debug, Clone, Default)]
pub struct Readings {
    /// Names of the antivirus products the inventory found.
    pub products: Vec<String>,
    /// The signatures whose build time could be read (ClamAV's daily database, Microsoft
    /// Defender's, XProtect's).
    pub signatures: Option<Signatures>,
    /// What Windows Security Center reports of each product, used when no age could be read.
    pub center: Vec<CenterReport>,
}

/// One set of signatures, when it was built, and how old it may get for its publisher's pace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signatures {
    /// The product and the version of its signatures (`ClamAV daily 27457`).
    pub label: String,
    /// When they were built (or installed, where that is all the system records).
    pub built: DateTime<Utc>,
    /// Older than this many days: warning.
    pub warning_days: i64,
    /// Older than this many days: problem.
    pub problem_days: i64,
}

impl Signatures {
    /// Signatures published every day (ClamAV, Microsoft Defender): [`WARNING_DAYS`] and
    /// [`PROBLEM_DAYS`].
    pub fn daily(label: String, built: DateTime<Utc>) -> Self {
        Signatures {
            label,
            built,
            warning_days: WARNING_DAYS,
            problem_days: PROBLEM_DAYS,
        }
    }
}

/// One product as Windows Security Center reports it (`productState`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CenterReport {
    /// Its name (`Windows Defender`, `ESET Security`).
    pub product: String,
    /// Whether it is on.
    pub enabled: bool,
    /// Whether its signatures are up to date, as the product itself tells Security Center.
    pub up_to_date: bool,
}

/// Reads the products (inventory's security collector) and ClamAV's database header.
// Linux's readings; Windows and macOS fetch their own (`here`).
#[cfg_attr(any(target_os = "windows", target_os = "macos"), allow(dead_code))]
pub fn read(probe: &Probe) -> Readings {
    let products = collect_category(probe, Category::Security)
        .security
        .into_iter()
        .filter(|p| p.kind == SecurityKind::Antivirus)
        .map(|p| p.name)
        .collect();
    let signatures = clamav_signatures(probe).and_then(|h| {
        Some(Signatures::daily(
            format!("ClamAV daily {}", h.version),
            h.built?,
        ))
    });
    Readings {
        products,
        signatures,
        center: vec![],
    }
}

/// The finding for these readings at `now`.
pub fn evaluate(r: &Readings, now: DateTime<Utc>) -> Vec<Finding> {
    let (warning_days, problem_days) = r
        .signatures
        .as_ref()
        .map_or((WARNING_DAYS, PROBLEM_DAYS), |s| {
            (s.warning_days, s.problem_days)
        });
    let threshold = worded!(
        "> {} : avertissement, > {} : problème",
        "> {}: warning, > {}: problem",
        Days(warning_days),
        Days(problem_days)
    );
    let Some(signatures) = &r.signatures else {
        if !r.center.is_empty() {
            return security_center(&r.center);
        }
        let (measured, fr, en) = if r.products.is_empty() {
            (
                Sentence::new("aucun antivirus trouvé", "no antivirus found"),
                "Aucun antivirus n'a été trouvé sur cet ordinateur.",
                "No antivirus was found on this computer.",
            )
        } else {
            (
                worded!(
                    "{} : âge des signatures illisible",
                    "{}: signature age not readable",
                    r.products.join(", ")
                ),
                "L'antivirus est installé, mais l'âge de ses signatures ne peut pas être lu ici.",
                "The antivirus is installed, but the age of its signatures cannot be read here.",
            )
        };
        return vec![finding(
            ID,
            CheckStatus::Unknown,
            Some(measured),
            Some(threshold),
            fr,
            en,
        )];
    };
    let days = (now - signatures.built).num_days().max(0);
    let measured = Some(worded!(
        "{} : {} d'ancienneté",
        "{}: {} old",
        signatures.label,
        Days(days)
    ));
    let (status, fr, en) = if days > problem_days {
        (
            CheckStatus::Problem,
            "Les signatures de l'antivirus sont trop anciennes : il ne reconnaît plus les menaces récentes.",
            "The antivirus signatures are too old: it no longer recognises recent threats.",
        )
    } else if days > warning_days {
        (
            CheckStatus::Warning,
            "Les signatures de l'antivirus ne se sont pas mises à jour depuis plus longtemps que d'habitude.",
            "The antivirus signatures have not updated for longer than usual.",
        )
    } else {
        (
            CheckStatus::Ok,
            "Les signatures de l'antivirus sont à jour.",
            "The antivirus signatures are up to date.",
        )
    };
    vec![finding(ID, status, measured, Some(threshold), fr, en)]
}

/// The finding from Windows Security Center's reports alone (no age readable): warning when
/// no product is on, or when one that is on says its signatures are out of date.
fn security_center(reports: &[CenterReport]) -> Vec<Finding> {
    let describe = |c: &CenterReport| {
        let state = match (c.enabled, c.up_to_date) {
            (false, _) => Sentence::new("désactivé", "off"),
            (true, true) => Sentence::new("activé, à jour", "on, up to date"),
            (true, false) => Sentence::new("activé, pas à jour", "on, out of date"),
        };
        worded!("{} : {}", "{}: {}", c.product, state)
    };
    let list: Vec<Sentence> = reports.iter().map(describe).collect();
    let measured = Some(worded!(
        "{} (Centre de sécurité Windows)",
        "{} (Windows Security Center)",
        joined(&list, &Sentence::new(" ; ", "; "))
    ));
    let threshold = Some(Sentence::new(
        "un antivirus activé, ses signatures à jour",
        "an antivirus on, its signatures up to date",
    ));
    let (status, fr, en) = if !reports.iter().any(|c| c.enabled) {
        (
            CheckStatus::Warning,
            "L'antivirus est désactivé : cet ordinateur n'est plus protégé contre les logiciels malveillants.",
            "The antivirus is turned off: this computer is no longer protected against malware.",
        )
    } else if reports.iter().any(|c| c.enabled && !c.up_to_date) {
        (
            CheckStatus::Warning,
            "L'antivirus signale que ses signatures ne sont pas à jour.",
            "The antivirus reports that its signatures are out of date.",
        )
    } else {
        (
            CheckStatus::Ok,
            "Les signatures de l'antivirus sont à jour.",
            "The antivirus signatures are up to date.",
        )
    };
    vec![finding(ID, status, measured, threshold, fr, en)]
}

/// The check.
#[derive(Debug)]
pub struct Antivirus;

impl Check for Antivirus {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        evaluate(
            &here::antivirus(&Probe::system(ctx.now, ctx.timeout)),
            ctx.now,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    const HEAD: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../guichet-inventory/tests/fixtures/clamav/daily.cvd.head"
    ));

    fn clamav_tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("var/lib/clamav");
        std::fs::create_dir_all(&db).unwrap();
        std::fs::write(db.join("daily.cvd"), HEAD).unwrap();
        std::fs::create_dir_all(dir.path().join("usr/bin")).unwrap();
        std::fs::write(dir.path().join("usr/bin/freshclam"), "").unwrap();
        dir
    }

    #[test]
    fn clamav_signatures_age_fresh_then_warning_then_problem() {
        let dir = clamav_tree();
        // The header's build time: 2024-11-14 09:26 UTC.
        let built = DateTime::from_timestamp(1731576364, 0).unwrap();
        let r = read(&Probe::fixture(dir.path(), built));
        assert_eq!(r.products, ["ClamAV"]);
        let cases = [
            (1, CheckStatus::Ok),
            (3, CheckStatus::Ok),
            (4, CheckStatus::Warning),
        ];
        for (days, want) in cases.into_iter().chain([(8, CheckStatus::Problem)]) {
            let f = &evaluate(&r, built + Duration::days(days) + Duration::hours(1))[0];
            assert_eq!(f.status, want, "{days} days");
        }
        let f = &evaluate(&r, built + Duration::days(4))[0];
        assert_eq!(
            f.measured,
            Some(Sentence::new(
                "ClamAV daily 27457 : 4 jours d'ancienneté",
                "ClamAV daily 27457: 4 days old"
            ))
        );
    }

    #[test]
    fn no_antivirus_or_unreadable_signatures_are_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let f = &evaluate(&read(&Probe::fixture(dir.path(), now)), now)[0];
        assert_eq!(f.status, CheckStatus::Unknown);
        assert_eq!(f.measured.as_ref().unwrap().en, "no antivirus found");
        let r = Readings {
            products: vec!["Microsoft Defender for Endpoint".into()],
            ..Readings::default()
        };
        assert_eq!(evaluate(&r, now)[0].status, CheckStatus::Unknown);
    }
}
