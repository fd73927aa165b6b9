//! The result of checking this machine ("Check my computer"): one [`Finding`] per thing looked
//! at, gathered in a [`Diagnosis`]. Defined here, with serde only, because the ticket, the
//! inventory document, the bundle and the site register carry it, while the checks themselves
//! live in `guichet-diagnostics`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    /// The measured value with its unit, in neither language (`3.2 GiB free of 50 GiB (6 %)`,
    /// `12 days`), or `None` when nothing could be measured.
    pub measured: Option<String>,
    /// The threshold the value was compared with, in the same form (`< 5 GiB or < 10 %`).
    pub threshold: Option<String>,
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
}
