//! Exports of the site register for people: one CSV of machines and assets (a spreadsheet's
//! worth), and a printable HTML report in French or English.
//!
//! The HTML is one self-contained file: inline CSS, no script, no font, image or stylesheet
//! loaded from anywhere, so it opens the same on a site without network and prints cleanly
//! (A4 landscape, table headers repeated on each page, rows never split).

use chrono::{DateTime, Utc};
use guichet_store::{Asset, SiteMachine, SoftwareSummary};

/// Language of the report, and of every message Guichet words itself (one language type for
/// the whole application, re-exported by its use-case crate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Français.
    Fr,
}

impl Lang {
    /// French for a locale that says so (`fr`, `fr_FR.UTF-8`, `fr-CA`…), English otherwise.
    pub fn of_locale(locale: &str) -> Lang {
        if locale.trim().to_ascii_lowercase().starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }
}

/// Everything the report shows.
#[derive(Debug)]
pub struct Site<'a> {
    /// Machines of the register.
    pub machines: &'a [SiteMachine],
    /// Hand-entered assets.
    pub assets: &'a [Asset],
    /// Software across the site.
    pub software: &'a [SoftwareSummary],
    /// When the report is made (alerts are relative to it).
    pub now: DateTime<Utc>,
    /// Language.
    pub lang: Lang,
}

mod alerts;
mod csv;
mod format;
mod html;
mod words;

pub use self::csv::csv;
pub use format::size;
pub use html::html;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use guichet_store::AssetStatus;

    fn asset(id: i64, warranty: Option<NaiveDate>, status: AssetStatus) -> Asset {
        Asset {
            id,
            uuid: uuid::Uuid::from_u128(id as u128),
            kind: "printer".into(),
            make: Some("HP".into()),
            model: Some("LaserJet <M404>".into()),
            serial: Some(format!("SN{id}")),
            location: None,
            assigned_user: None,
            status,
            purchased_on: None,
            warranty_until: warranty,
            notes: None,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_csv_has_one_row_per_machine_then_per_asset_and_quotes_commas() {
        let mut a = asset(5, NaiveDate::from_ymd_opt(2027, 1, 10), AssetStatus::Broken);
        a.notes = Some("toner, drum".into());
        let bytes = csv(&[], &[a]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("record,id,uuid,name,type,"));
        assert!(lines[1].starts_with("asset,5,00000000-0000-0000-0000-000000000005,,printer,HP,"));
        assert!(lines[1].contains(",broken,,2027-01-10,,\"toner, drum\""));
    }

    #[test]
    fn alerts_escape_and_skip_retired_equipment() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let assets = [
            asset(1, NaiveDate::from_ymd_opt(2026, 1, 1), AssetStatus::InUse),
            asset(
                2,
                NaiveDate::from_ymd_opt(2027, 1, 10),
                AssetStatus::InStock,
            ),
            asset(3, NaiveDate::from_ymd_opt(2026, 1, 1), AssetStatus::Retired),
            asset(4, NaiveDate::from_ymd_opt(2030, 1, 1), AssetStatus::InUse),
        ];
        let html = html(&Site {
            machines: &[],
            assets: &assets,
            software: &[],
            now,
            lang: Lang::Fr,
        });
        assert!(html.contains("<html lang=\"fr\">"));
        assert!(html.contains("garantie terminée le 01/01/2026"));
        assert!(html.contains("garantie jusqu’au 10/01/2027"));
        assert_eq!(
            html.matches("<li").count(),
            2,
            "retired and far warranties left out"
        );
        assert!(html.contains("LaserJet &lt;M404&gt;"));
        assert!(!html.contains("<M404>"));
        // Self-contained: nothing fetched from anywhere.
        for needle in ["http://", "https://", "<script", "<link", "src="] {
            assert!(!html.contains(needle), "{needle}");
        }
    }
}
