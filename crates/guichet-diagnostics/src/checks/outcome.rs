//! One way to write a finding, so each check's evaluation reads as its decisions only. The
//! measured value and threshold are worded in both languages (see [`crate::quantity`]).

use guichet_records::{CheckStatus, Finding, Sentence};

/// A finding of `check` about the machine as a whole, its sentence already made.
pub(crate) fn sentenced(
    check: &str,
    status: CheckStatus,
    measured: Option<Sentence>,
    threshold: Option<Sentence>,
    sentence: Sentence,
) -> Finding {
    Finding {
        check: check.to_string(),
        subject: None,
        status,
        measured,
        threshold,
        sentence,
        fixes: vec![],
    }
}

/// A finding of `check` about the machine as a whole.
pub(crate) fn finding(
    check: &str,
    status: CheckStatus,
    measured: Option<Sentence>,
    threshold: Option<Sentence>,
    fr: impl Into<String>,
    en: impl Into<String>,
) -> Finding {
    sentenced(check, status, measured, threshold, Sentence::new(fr, en))
}

/// The one finding of `check` about the machine as a whole, as a check's list.
pub(crate) fn machine(
    check: &str,
    status: CheckStatus,
    measured: Option<Sentence>,
    threshold: Option<Sentence>,
    sentence: Sentence,
) -> Vec<Finding> {
    vec![sentenced(check, status, measured, threshold, sentence)]
}

/// The same finding about `subject` (a battery, a mount point, a systemd manager).
pub(crate) fn about(mut f: Finding, subject: impl Into<String>) -> Finding {
    f.subject = Some(subject.into());
    f
}

/// A list of names for a measured value, at most `limit` then "+N" (the same in both
/// languages).
pub(crate) fn names(items: &[String], limit: usize) -> String {
    let mut s = items
        .iter()
        .take(limit)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > limit {
        s.push_str(&format!(" +{}", items.len() - limit));
    }
    s
}
