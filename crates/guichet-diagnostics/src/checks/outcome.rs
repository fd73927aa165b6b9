//! One way to write a finding, so each check's evaluation reads as its decisions only.

use guichet_records::{CheckStatus, Finding, Sentence};

/// A finding of `check` about the machine as a whole.
pub(crate) fn finding(
    check: &str,
    status: CheckStatus,
    measured: Option<String>,
    threshold: Option<&str>,
    fr: impl Into<String>,
    en: impl Into<String>,
) -> Finding {
    Finding {
        check: check.to_string(),
        subject: None,
        status,
        measured,
        threshold: threshold.map(str::to_string),
        sentence: Sentence::new(fr, en),
        fixes: vec![],
    }
}

/// The one finding of `check` about the machine as a whole, its sentence already made.
pub(crate) fn machine(
    check: &str,
    status: CheckStatus,
    measured: Option<String>,
    threshold: Option<String>,
    sentence: Sentence,
) -> Vec<Finding> {
    vec![Finding {
        check: check.to_string(),
        subject: None,
        status,
        measured,
        threshold,
        sentence,
        fixes: vec![],
    }]
}

/// The same finding about `subject` (a battery, a mount point, a systemd manager).
pub(crate) fn about(mut f: Finding, subject: impl Into<String>) -> Finding {
    f.subject = Some(subject.into());
    f
}

/// A list of names for `measured`, at most `limit` then "+N".
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
