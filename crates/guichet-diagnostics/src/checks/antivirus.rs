//! `security.antivirus`: how old the antivirus signatures are. An antivirus that has not
//! updated its signatures for days misses the threats of the week.
//!
//! Measured from ClamAV's daily database header (its build time; `daily.cld` or `daily.cvd`,
//! world-readable). Ok up to [`WARNING_DAYS`] days; warning past it (ClamAV publishes a new
//! daily database every day, so three missed days mean the updater is stuck); problem past
//! [`PROBLEM_DAYS`] days (a week: the inventory's own "up to date" limit). Other products found
//! by the inventory (Defender for Endpoint, Sophos, ESET…) keep their signatures in formats
//! not read here, and Defender on Windows has no recording yet: unknown, naming the product.
//! Unknown too when no antivirus is installed (most Linux desktops have none).

use chrono::{DateTime, Utc};
use guichet_inventory::{clamav_signatures, collect_category, Category, Probe, SecurityKind};
use guichet_records::{CheckStatus, Finding};

use super::outcome::finding;
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
    /// ClamAV's daily database: its version and build time.
    pub clamav: Option<(String, DateTime<Utc>)>,
}

/// Reads the products (inventory's security collector) and ClamAV's database header.
pub fn read(probe: &Probe) -> Readings {
    let products = collect_category(probe, Category::Security)
        .security
        .into_iter()
        .filter(|p| p.kind == SecurityKind::Antivirus)
        .map(|p| p.name)
        .collect();
    let clamav = clamav_signatures(probe).and_then(|h| Some((h.version, h.built?)));
    Readings { products, clamav }
}

/// The finding for these readings at `now`.
pub fn evaluate(r: &Readings, now: DateTime<Utc>) -> Vec<Finding> {
    let threshold = format!("> {WARNING_DAYS} days: warning, > {PROBLEM_DAYS} days: problem");
    let Some((version, built)) = &r.clamav else {
        let (measured, fr, en) = if r.products.is_empty() {
            (
                "no antivirus found".to_string(),
                "Aucun antivirus n'a été trouvé sur cet ordinateur.",
                "No antivirus was found on this computer.",
            )
        } else {
            (
                format!("{}: signature age not readable", r.products.join(", ")),
                "L'antivirus est installé, mais l'âge de ses signatures ne peut pas être lu ici.",
                "The antivirus is installed, but the age of its signatures cannot be read here.",
            )
        };
        return vec![finding(
            ID,
            CheckStatus::Unknown,
            Some(measured),
            Some(&threshold),
            fr,
            en,
        )];
    };
    let days = (now - *built).num_days().max(0);
    let measured = Some(format!("ClamAV daily {version}: {days} days old"));
    let (status, fr, en) = if days > PROBLEM_DAYS {
        (
            CheckStatus::Problem,
            "Les signatures de l'antivirus ont plus d'une semaine : il ne reconnaît plus les menaces récentes.",
            "The antivirus signatures are more than a week old: it no longer recognises recent threats.",
        )
    } else if days > WARNING_DAYS {
        (
            CheckStatus::Warning,
            "Les signatures de l'antivirus ne se sont pas mises à jour depuis quelques jours.",
            "The antivirus signatures have not updated for a few days.",
        )
    } else {
        (
            CheckStatus::Ok,
            "Les signatures de l'antivirus sont à jour.",
            "The antivirus signatures are up to date.",
        )
    };
    vec![finding(ID, status, measured, Some(&threshold), fr, en)]
}

/// The check.
#[derive(Debug)]
pub struct Antivirus;

impl Check for Antivirus {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        evaluate(&read(&Probe::system(ctx.now, ctx.timeout)), ctx.now)
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
            f.measured.as_deref(),
            Some("ClamAV daily 27457: 4 days old")
        );
    }

    #[test]
    fn no_antivirus_or_unreadable_signatures_are_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let f = &evaluate(&read(&Probe::fixture(dir.path(), now)), now)[0];
        assert_eq!(f.status, CheckStatus::Unknown);
        assert_eq!(f.measured.as_deref(), Some("no antivirus found"));
        let r = Readings {
            products: vec!["Microsoft Defender for Endpoint".into()],
            clamav: None,
        };
        assert_eq!(evaluate(&r, now)[0].status, CheckStatus::Unknown);
    }
}
