//! XProtect, macOS's built-in malware signatures. Their age is measured without root from
//! two readable places, the newer winning: the install history (`/Library/Receipts/
//! InstallHistory.plist`, what `system_profiler SPInstallHistoryDataType` shows: each
//! `XProtectPlistConfigData` update with its date and version), and the modification time of
//! the XProtect bundle's `Info.plist` with its version (since macOS 15 the signatures can be
//! updated outside the install history, into the bundle). `system_profiler` itself is not
//! run: it takes seconds.
//!
//! Apple publishes XProtect updates every few weeks, not daily: warning past
//! [`WARNING_DAYS`] days (a month), problem past [`PROBLEM_DAYS`] (two months: updates are
//! turned off, or this macOS no longer gets them).

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use plist::Value;

use crate::checks::antivirus::Signatures;

/// XProtect signatures older than this many days: warning.
pub(crate) const WARNING_DAYS: i64 = 30;
/// XProtect signatures older than this many days: problem.
pub(crate) const PROBLEM_DAYS: i64 = 60;
/// The install history's name of XProtect's signature updates.
const CONFIG_DATA: &str = "XProtectPlistConfigData";

fn text<'a>(d: &'a plist::Dictionary, key: &str) -> Option<&'a str> {
    d.get(key).and_then(Value::as_string)
}

/// The latest XProtect signature install of an `InstallHistory.plist`: its version and date.
pub(crate) fn last_install(bytes: &[u8]) -> Option<(String, DateTime<Utc>)> {
    let all = Value::from_reader(std::io::Cursor::new(bytes)).ok()?;
    all.as_array()?
        .iter()
        .filter_map(Value::as_dictionary)
        .filter(|d| {
            text(d, "displayName") == Some(CONFIG_DATA)
                || d.get("packageIdentifiers")
                    .and_then(Value::as_array)
                    .is_some_and(|ids| {
                        ids.iter()
                            .filter_map(Value::as_string)
                            .any(|id| id.contains(CONFIG_DATA))
                    })
        })
        .filter_map(|d| {
            let date: SystemTime = d.get("date")?.as_date()?.into();
            let version = text(d, "displayVersion").unwrap_or_default().to_string();
            Some((version, DateTime::<Utc>::from(date)))
        })
        .max_by_key(|(_, date)| *date)
}

/// The version of an XProtect bundle's `Info.plist` (`CFBundleShortVersionString`, else
/// `CFBundleVersion`).
pub(crate) fn bundle_version(bytes: &[u8]) -> Option<String> {
    let info = Value::from_reader(std::io::Cursor::new(bytes)).ok()?;
    let d = info.as_dictionary()?;
    text(d, "CFBundleShortVersionString")
        .or_else(|| text(d, "CFBundleVersion"))
        .map(str::to_string)
}

/// The signatures from the newer of the two readings (version, date), if any.
pub(crate) fn xprotect_signatures(
    install: Option<(String, DateTime<Utc>)>,
    bundle: Option<(String, DateTime<Utc>)>,
) -> Option<Signatures> {
    let (version, built) = [install, bundle]
        .into_iter()
        .flatten()
        .max_by_key(|(_, date)| *date)?;
    let label = if version.is_empty() {
        "XProtect".to_string()
    } else {
        format!("XProtect {version}")
    };
    Some(Signatures {
        label,
        built,
        warning_days: WARNING_DAYS,
        problem_days: PROBLEM_DAYS,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::antivirus::{evaluate, Readings};
    use chrono::Duration;
    use guichet_records::CheckStatus;

    fn fixture(name: &str) -> Vec<u8> {
        crate::checks::recorded::fixture_bytes(&format!("macos/{name}"))
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_latest_xprotect_install_among_other_updates() {
        let got = last_install(&fixture("InstallHistory.plist"));
        assert_eq!(got, Some(("5287".to_string(), at("2025-02-04T19:12:31Z"))));
        assert_eq!(
            bundle_version(&fixture("XProtect-Info.plist")).as_deref(),
            Some("5284")
        );
        assert_eq!(last_install(b"not a plist"), None);
    }

    #[test]
    fn xprotect_ages_by_apples_pace_not_daily() {
        let install = last_install(&fixture("InstallHistory.plist"));
        let built = at("2025-02-04T19:12:31Z");
        // The bundle's file is older than the last install: the install wins.
        let bundle = Some(("5284".to_string(), built - Duration::days(20)));
        let r = Readings {
            products: vec!["XProtect".into()],
            signatures: xprotect_signatures(install, bundle),
            center: vec![],
        };
        let f = &evaluate(&r, built + Duration::days(10))[0];
        assert_eq!(f.status, CheckStatus::Ok, "ten days is normal for XProtect");
        assert_eq!(
            f.measured,
            Some(guichet_records::Sentence::new(
                "XProtect 5287 : 10 jours d'ancienneté",
                "XProtect 5287: 10 days old"
            ))
        );
        let f = &evaluate(&r, built + Duration::days(WARNING_DAYS + 1))[0];
        assert_eq!(f.status, CheckStatus::Warning);
        let f = &evaluate(&r, built + Duration::days(PROBLEM_DAYS + 1))[0];
        assert_eq!(f.status, CheckStatus::Problem);
        // A newer bundle (updated outside the install history) wins.
        let newer = Some(("5290".to_string(), built + Duration::days(3)));
        let s = xprotect_signatures(None, newer).unwrap();
        assert_eq!(s.label, "XProtect 5290");
        assert_eq!(xprotect_signatures(None, None), None);
    }
}
