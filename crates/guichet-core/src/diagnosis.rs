//! The last diagnosis as the rest of Guichet carries it: kept in the store, summarised in a
//! report's text (exactly what is sent: [`diagnosis_section`]), and in a few words per machine
//! for the site register ([`problem_labels`]).

use guichet_records::{CheckStatus, Diagnosis};

/// The ids of the built-in checks (the starter articles cover each).
pub const BUILT_IN_CHECKS: &[&str] = &[
    "storage.free",
    "storage.inodes",
    "memory.pressure",
    "memory.swap",
    "cpu.load",
    "network.link",
    "network.gateway",
    "network.dns",
    "desk.https",
    "network.proxy",
    "clock.offset",
    "printing.queues",
    "printing.jobs",
    "system.failed_units",
    "system.reboot",
    "system.updates",
    "security.firewall",
    "security.antivirus",
    "security.encryption",
    "battery.wear",
];

/// What a failing check means in a few words, for a technician's list ("disk nearly full").
pub fn problem_label(check: &str) -> &str {
    match check {
        "storage.free" => "disk nearly full",
        "storage.inodes" => "disk out of file entries",
        "memory.pressure" => "memory short",
        "memory.swap" => "heavy swapping",
        "cpu.load" => "processor overloaded",
        "network.link" => "no network link",
        "network.gateway" => "no gateway",
        "network.dns" => "names not resolved",
        "desk.https" => "service desk unreachable",
        "network.proxy" => "proxy failing",
        "clock.offset" => "clock off",
        "printing.queues" => "printer queue stopped",
        "printing.jobs" => "print jobs stuck",
        "system.failed_units" => "failed services",
        "system.reboot" => "reboot pending",
        "system.updates" => "updates pending",
        "security.firewall" => "firewall off",
        "security.antivirus" => "antivirus out of date",
        "security.encryption" => "disk not encrypted",
        "battery.wear" => "battery worn",
        other => other,
    }
}

/// The labels of the checks that found a warning or a problem, worst first, each once.
pub fn problem_labels(diagnosis: &Diagnosis) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in diagnosis.attention() {
        let label = problem_label(&f.check).to_string();
        if !out.contains(&label) {
            out.push(label);
        }
    }
    out
}

/// The section a report's text carries about the last diagnosis: when it ran, the worst
/// status, then each warning and problem (check, subject, measured value, and the sentence
/// the user saw, all in English: the ticket's other technical lines are). Exactly the text that
/// [`crate::file_report`] appends to the description.
pub fn diagnosis_section(diagnosis: &Diagnosis) -> String {
    let mut s = format!(
        "Check my computer ({}): {}\n",
        diagnosis.taken_at.format("%Y-%m-%d %H:%M UTC"),
        diagnosis.worst().as_str()
    );
    let attention = diagnosis.attention();
    if attention.is_empty() {
        s.push_str(&format!(
            "- all {} checks ok or not measurable here\n",
            diagnosis.findings.len()
        ));
    }
    for f in attention {
        let subject = f
            .subject
            .as_deref()
            .map(|x| format!(" {x}"))
            .unwrap_or_default();
        let measured = f
            .measured
            .as_ref()
            .map(|m| format!(": {}", m.en.trim()))
            .unwrap_or_default();
        s.push_str(&format!(
            "- {} {}{subject}{measured} ({})\n",
            f.status.as_str(),
            f.check,
            f.sentence.en.trim()
        ));
    }
    let unknown = diagnosis.count(CheckStatus::Unknown);
    if unknown > 0 {
        s.push_str(&format!("- {unknown} not measurable here\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_records::{Finding, Sentence};

    fn finding(check: &str, subject: Option<&str>, status: CheckStatus, measured: &str) -> Finding {
        Finding {
            check: check.into(),
            subject: subject.map(str::to_string),
            status,
            measured: Some(Sentence::new(format!("{measured} (fr)"), measured)),
            threshold: None,
            sentence: Sentence::new("Phrase.", format!("About {check}.")),
            fixes: vec![],
        }
    }

    fn diagnosis() -> Diagnosis {
        Diagnosis {
            taken_at: "2026-12-06T10:30:00Z".parse().unwrap(),
            elapsed_ms: 420,
            findings: vec![
                finding("cpu.load", None, CheckStatus::Ok, "0.3"),
                finding("system.reboot", None, CheckStatus::Warning, "since 3 days"),
                finding(
                    "storage.free",
                    Some("/home"),
                    CheckStatus::Problem,
                    "1 GiB free (2 %)",
                ),
                finding("battery.wear", None, CheckStatus::Unknown, "no battery"),
            ],
        }
    }

    #[test]
    fn the_report_section_lists_warnings_and_problems_worst_first() {
        assert_eq!(
            diagnosis_section(&diagnosis()),
            "Check my computer (2026-12-06 10:30 UTC): problem\n\
             - problem storage.free /home: 1 GiB free (2 %) (About storage.free.)\n\
             - warning system.reboot: since 3 days (About system.reboot.)\n\
             - 1 not measurable here\n"
        );
    }

    #[test]
    fn problem_labels_read_like_a_technician_s_list() {
        assert_eq!(
            problem_labels(&diagnosis()),
            ["disk nearly full", "reboot pending"]
        );
        assert_eq!(problem_label("custom.check"), "custom.check");
    }
}
