//! The result of checking this machine ("Check my computer"): one [`Finding`] per thing looked
//! at, gathered in a [`Diagnosis`]. Defined here, with serde only, because the ticket, the
//! inventory document, the bundle and the site register carry it, while the checks themselves
//! live in `guichet-diagnostics`.
//!
//! A finding's measured value and threshold are [`Sentence`]s too, each number and unit
//! spelled the way its language writes it (`3,2 Gio libres sur 50 Gio (6 %)` /
//! `3.2 GiB free of 50 GiB (6%)`). Records written before that carry them as one plain text:
//! they still read, as the same text in both languages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

/// How a check came out, from best to worst (the order is used to find the worst).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// Nothing to do.
    Ok,
    /// Could not be measured here (not installed, not applicable, timed out, offline).
    Unknown,
    /// Worth a look soon.
    Warning,
    /// Likely the cause of trouble now.
    Problem,
}

impl CheckStatus {
    /// The one spelling, as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Ok => "ok",
            CheckStatus::Unknown => "unknown",
            CheckStatus::Warning => "warning",
            CheckStatus::Problem => "problem",
        }
    }
}

/// One sentence for a person who is not a technician, in both languages the app speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// In French.
    pub fr: String,
    /// In English.
    pub en: String,
}

impl Sentence {
    /// A sentence from its French and English wordings.
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Self {
        Sentence {
            fr: fr.into(),
            en: en.into(),
        }
    }

    /// A text that reads the same in both languages: a name, an address, a message from
    /// another program, or a value recorded before findings were worded in both.
    pub fn same(text: impl Into<String>) -> Self {
        let text = text.into();
        Sentence {
            fr: text.clone(),
            en: text,
        }
    }
}

/// A measured value or threshold as stored or sent: both wordings, or (a record from before
/// they were worded per language) one plain text, read as the same in both.
fn worded_or_plain<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Sentence>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Both(Sentence),
        Plain(String),
    }
    Ok(Option::<Stored>::deserialize(d)?.map(|s| match s {
        Stored::Both(s) => s,
        Stored::Plain(text) => Sentence::same(text),
    }))
}

/// What one check found about one subject (a volume, a print queue, the service desk…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The check's stable id, dotted (`storage.free`, `network.dns`); knowledge-base articles
    /// are tagged with it so a failing check can suggest them.
    pub check: String,
    /// What was looked at when the check covers several things (`/home`, `queue office`), or
    /// `None` for the machine as a whole.
    pub subject: Option<String>,
    /// How it came out.
    pub status: CheckStatus,
    /// The measured value with its unit, in both languages (`3,2 Gio libres sur 50 Gio (6 %)`
    /// / `3.2 GiB free of 50 GiB (6%)`, `12 jours` / `12 days`), or `None` when nothing could
    /// be measured.
    #[serde(default, deserialize_with = "worded_or_plain")]
    pub measured: Option<Sentence>,
    /// The threshold the value was compared with, in the same form (`< 5 Gio et < 10 %` /
    /// `< 5 GiB and < 10%`).
    #[serde(default, deserialize_with = "worded_or_plain")]
    pub threshold: Option<Sentence>,
    /// What it means, for the user.
    pub sentence: Sentence,
    /// Ids of built-in fix-it actions that address it (`free-space`, `print-queue`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<String>,
}

/// A whole run of the checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// When the run started.
    pub taken_at: DateTime<Utc>,
    /// How long the whole run took, in milliseconds.
    pub elapsed_ms: u64,
    /// Every finding, in the order of the checks.
    pub findings: Vec<Finding>,
}

impl Diagnosis {
    /// The worst status of all findings (`Ok` when there are none).
    pub fn worst(&self) -> CheckStatus {
        self.findings
            .iter()
            .map(|f| f.status)
            .max()
            .unwrap_or(CheckStatus::Ok)
    }

    /// The findings that need the user's attention (warnings and problems), worst first.
    pub fn attention(&self) -> Vec<&Finding> {
        let mut out: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.status >= CheckStatus::Warning)
            .collect();
        out.sort_by_key(|f| std::cmp::Reverse(f.status));
        out
    }

    /// How many findings have `status`.
    pub fn count(&self, status: CheckStatus) -> usize {
        self.findings.iter().filter(|f| f.status == status).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(check: &str, status: CheckStatus) -> Finding {
        Finding {
            check: check.into(),
            subject: None,
            status,
            measured: None,
            threshold: None,
            sentence: Sentence::new("", ""),
            fixes: vec![],
        }
    }

    #[test]
    fn the_worst_status_and_attention_list_put_problems_first() {
        let d = Diagnosis {
            taken_at: DateTime::UNIX_EPOCH,
            elapsed_ms: 3,
            findings: vec![
                finding("a", CheckStatus::Ok),
                finding("b", CheckStatus::Warning),
                finding("c", CheckStatus::Unknown),
                finding("d", CheckStatus::Problem),
            ],
        };
        assert_eq!(d.worst(), CheckStatus::Problem);
        let checks: Vec<&str> = d.attention().iter().map(|f| f.check.as_str()).collect();
        assert_eq!(checks, ["d", "b"]);
        assert_eq!(d.count(CheckStatus::Unknown), 1);
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains("\"status\":\"problem\""), "{json}");
        let back: Diagnosis = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn measured_and_threshold_travel_in_both_languages() {
        let mut f = finding("storage.free", CheckStatus::Warning);
        f.measured = Some(Sentence::new("3,2 Gio libres", "3.2 GiB free"));
        f.threshold = Some(Sentence::new("< 5 Gio", "< 5 GiB"));
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["measured"]["fr"], "3,2 Gio libres");
        assert_eq!(json["threshold"]["en"], "< 5 GiB");
        assert_eq!(serde_json::from_value::<Finding>(json).unwrap(), f);
    }

    /// Diagnoses stored, bundled or sent before the values were worded per language carry
    /// `measured` and `threshold` as plain strings (the store keeps the last diagnosis; bundles,
    /// the inventory JSON and tickets carry them): they must still read.
    #[test]
    fn a_diagnosis_of_the_old_shape_with_plain_values_still_reads() {
        let old = r#"{
          "taken_at": "2026-12-06T10:30:00Z",
          "elapsed_ms": 420,
          "findings": [
            {"check": "storage.free", "subject": "/home", "status": "problem",
             "measured": "1.0 GiB free of 20.0 GiB (5.0 %)", "threshold": "< 1.0 GiB and < 5.0 %",
             "sentence": {"fr": "Ce disque est presque plein.", "en": "This disk is almost full."},
             "fixes": ["free-space"]},
            {"check": "battery.wear", "subject": null, "status": "unknown",
             "measured": null, "threshold": null,
             "sentence": {"fr": "Pas de batterie.", "en": "No battery."}},
            {"check": "cpu.load", "status": "ok",
             "sentence": {"fr": "Calme.", "en": "Calm."}}
          ]
        }"#;
        let d: Diagnosis = serde_json::from_str(old).unwrap();
        let f = &d.findings[0];
        assert_eq!(
            f.measured,
            Some(Sentence::same("1.0 GiB free of 20.0 GiB (5.0 %)"))
        );
        assert_eq!(f.threshold.as_ref().unwrap().fr, "< 1.0 GiB and < 5.0 %");
        assert_eq!(f.fixes, ["free-space"]);
        assert_eq!(
            (&d.findings[1].measured, &d.findings[1].threshold),
            (&None, &None)
        );
        assert_eq!(d.findings[2].measured, None, "a missing field is none");
        assert_eq!(d.worst(), CheckStatus::Problem);
        let again: Diagnosis = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(again, d);
        let wrong = old.replace(r#""measured": null"#, r#""measured": 3"#);
        assert!(serde_json::from_str::<Diagnosis>(&wrong).is_err());
    }
}
