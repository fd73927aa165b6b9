//! The antivirus on Windows, from one PowerShell script printing one JSON object a line:
//! first each product Windows Security Center knows (`root/SecurityCenter2`
//! `AntiVirusProduct`, third-party ones included; absent on Windows Server), then Microsoft
//! Defender's own status (`Get-MpComputerStatus`: `AntivirusEnabled`,
//! `AntivirusSignatureVersion`, `AntivirusSignatureLastUpdated` written as ISO 8601 UTC).
//!
//! `Get-MpComputerStatus` is the slow part (often half a second, sometimes more on a busy
//! machine), so it comes last: when the deadline kills PowerShell, the lines printed by then
//! are still read, and the check falls back on Security Center's word ("up to date" or not,
//! without an age). `productState` is a bit field Microsoft documents only in part: `0xF000`
//! the product's state (`0x1000` on), `0x00F0` its signatures (`0x00` up to date, `0x10` out of
//! date), `0x0F00` Microsoft's own product (`0x100`).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::checks::antivirus::{CenterReport, Readings, Signatures};

/// Defender's name as Windows 10 and 11 show it.
const DEFENDER: &str = "Microsoft Defender Antivirus";

/// The script (Windows PowerShell 5.1): one compressed JSON object a line.
pub(crate) const ANTIVIRUS_SCRIPT: &str = "$ErrorActionPreference='SilentlyContinue';\
[Console]::OutputEncoding=[Text.Encoding]::UTF8;\
foreach($p in Get-CimInstance -Namespace root/SecurityCenter2 -ClassName AntiVirusProduct){\
@{product=[string]$p.displayName; state=[int64]$p.productState} | ConvertTo-Json -Compress};\
$m=Get-MpComputerStatus;\
if($m){$u=$m.AntivirusSignatureLastUpdated; if($u){$u=$u.ToUniversalTime().ToString('o')};\
@{defender=[bool]$m.AntivirusEnabled; version=[string]$m.AntivirusSignatureVersion; updated=$u}\
 | ConvertTo-Json -Compress}";

#[derive(Deserialize)]
#[serde(untagged)]
enum Line {
    Product {
        product: String,
        state: u64,
    },
    Defender {
        defender: bool,
        version: Option<String>,
        updated: Option<String>,
    },
}

/// The readings from the script's output (what arrived of it: a killed run keeps its first
/// lines). Defender's signatures count when Defender is the antivirus at work; otherwise
/// Security Center's reports decide.
pub(crate) fn antivirus_readings(output: &str) -> Readings {
    let mut r = Readings::default();
    let mut defender: Option<(bool, Option<String>, Option<DateTime<Utc>>)> = None;
    for line in output
        .lines()
        .map(super::json_text)
        .filter(|l| l.starts_with('{'))
    {
        match serde_json::from_str::<Line>(line) {
            Ok(Line::Product { product, state }) => {
                r.products.push(product.clone());
                r.center.push(CenterReport {
                    product,
                    enabled: state & 0xF000 == 0x1000,
                    up_to_date: state & 0x00F0 == 0,
                });
            }
            Ok(Line::Defender {
                defender: on,
                version,
                updated,
            }) => {
                let updated = updated
                    .and_then(|u| DateTime::parse_from_rfc3339(&u).ok())
                    .map(|u| u.with_timezone(&Utc));
                defender = Some((on, version, updated));
            }
            Err(_) => {}
        }
    }
    match defender {
        Some((true, version, Some(built))) => {
            let label = match version.filter(|v| !v.is_empty()) {
                Some(v) => format!("{DEFENDER} {v}"),
                None => DEFENDER.to_string(),
            };
            r.signatures = Some(Signatures::daily(label, built));
        }
        // Defender off with no product registered (Windows Server has no Security Center).
        Some((false, _, _)) if r.center.is_empty() => {
            r.products.push(DEFENDER.to_string());
            r.center.push(CenterReport {
                product: DEFENDER.to_string(),
                enabled: false,
                up_to_date: true,
            });
        }
        _ => {}
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::antivirus::evaluate;
    use chrono::Duration;
    use guichet_records::CheckStatus;

    fn fixture(name: &str) -> String {
        crate::checks::recorded::fixture(&format!("windows/{name}"))
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn defender_at_work_is_judged_by_its_signatures_age() {
        // As PowerShell 5.1 may print it: a byte-order mark first.
        let r = antivirus_readings(&format!("\u{feff}{}", fixture("antivirus-defender.jsonl")));
        assert_eq!(r.products, ["Windows Defender"]);
        let built = at("2024-11-14T09:26:04Z");
        assert_eq!(r.signatures.as_ref().map(|s| s.built), Some(built));
        let f = &evaluate(&r, built + Duration::days(1))[0];
        assert_eq!(f.status, CheckStatus::Ok);
        assert_eq!(
            f.measured.as_ref().unwrap().en,
            "Microsoft Defender Antivirus 1.421.123.0: 1 day old"
        );
        let f = &evaluate(&r, built + Duration::days(5))[0];
        assert_eq!(f.status, CheckStatus::Warning);
        let f = &evaluate(&r, built + Duration::days(9))[0];
        assert_eq!(f.status, CheckStatus::Problem);
    }

    #[test]
    fn a_third_party_antivirus_is_judged_by_security_center_when_defender_is_passive() {
        let r = antivirus_readings(&fixture("antivirus-third-party.jsonl"));
        assert!(r.signatures.is_none());
        let now = at("2024-11-15T00:00:00Z");
        let f = &evaluate(&r, now)[0];
        assert_eq!(f.status, CheckStatus::Warning, "{f:?}");
        assert_eq!(
            f.measured,
            Some(guichet_records::Sentence::new(
                "ESET Security : activé, pas à jour ; Windows Defender : désactivé (Centre de sécurité Windows)",
                "ESET Security: on, out of date; Windows Defender: off (Windows Security Center)"
            ))
        );
        // The same product reporting fresh signatures: ok.
        let fresh = fixture("antivirus-third-party.jsonl").replace("266256", "266240");
        assert_eq!(
            evaluate(&antivirus_readings(&fresh), now)[0].status,
            CheckStatus::Ok
        );
    }

    #[test]
    fn a_run_killed_before_defender_answered_keeps_security_center_and_nothing_is_unknown() {
        let full = fixture("antivirus-defender.jsonl");
        let first = full.lines().next().unwrap();
        let r = antivirus_readings(first);
        assert!(r.signatures.is_none());
        let now = Utc::now();
        assert_eq!(evaluate(&r, now)[0].status, CheckStatus::Ok);
        let off = antivirus_readings(&first.replace("397568", "393472"));
        assert_eq!(evaluate(&off, now)[0].status, CheckStatus::Warning);
        let none = antivirus_readings("");
        assert_eq!(evaluate(&none, now)[0].status, CheckStatus::Unknown);
        // Windows Server: no Security Center, Defender turned off.
        let server = antivirus_readings(r#"{"defender":false,"version":"1.1.1.0","updated":null}"#);
        assert_eq!(evaluate(&server, now)[0].status, CheckStatus::Warning);
    }
}
