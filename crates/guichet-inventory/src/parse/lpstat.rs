//! CUPS print queues and jobs from `lpstat` (run with `LC_ALL=C TZ=UTC`, so the words are
//! English and the dates, which `lpstat` prints in local time without a zone, are UTC).
//!
//! * `lpstat -p -d`: one `printer NAME …` line per queue (idle, printing or disabled, with the
//!   date of the last change), its state message on the next, tab-indented line, then the
//!   default destination.
//! * `lpstat -a`: whether each queue accepts jobs; only this tells a queue that rejects them
//!   (`-p` shows such a queue "idle, enabled" with the rejection's reason under it).
//! * `lpstat -W not-completed -o`: one line per job not completed: `QUEUE-ID OWNER SIZE DATE`.
//!   Sizes are whole KiB as bytes (CUPS counts `job-k-octets`, rounded up); an ordinary user
//!   sees the other users' jobs with the owner `unknown`.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a queue is doing (`printer-state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QueueState {
    /// Waiting for jobs.
    Idle,
    /// Sending a job to the printer (or trying to: an unreachable printer stays here).
    Printing,
    /// Stopped (`cupsdisable`, or CUPS stopped it after a backend error): jobs wait.
    Stopped,
}

/// One CUPS queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintQueue {
    /// The queue's name (`office`).
    pub name: String,
    /// What it is doing.
    pub state: QueueState,
    /// Whether it takes new jobs (`cupsaccept` / `cupsreject`); `true` until `lpstat -a` says.
    pub accepting: bool,
    /// When its state last changed, if the date could be read.
    pub since: Option<DateTime<Utc>>,
    /// Its state message (`Paper jam`, `Paused`, a rejection's reason), if any.
    pub message: Option<String>,
    /// Whether it is the system default destination.
    pub is_default: bool,
}

/// One job not yet completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintJob {
    /// Its id as CUPS prints it (`office-12`).
    pub id: String,
    /// The queue it waits in.
    pub queue: String,
    /// Its owner; `unknown` for another user's job when the reader is not an admin.
    pub owner: String,
    /// Its size in bytes (whole KiB).
    pub size_bytes: u64,
    /// When it was submitted, if the date could be read.
    pub submitted: Option<DateTime<Utc>>,
}

/// Why `lpstat` gave no list, from its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LpstatFailure {
    /// No scheduler answers (`Scheduler is not running`, `Unable to connect`).
    NotRunning,
    /// The scheduler answers and has no queue (`No destinations added`).
    NoQueues,
    /// Anything else.
    Other,
}

/// Classifies the standard error of a failed `lpstat`.
pub fn classify_failure(stderr: &str) -> LpstatFailure {
    if stderr.contains("No destinations added") {
        LpstatFailure::NoQueues
    } else if stderr.contains("Scheduler is not running")
        || stderr.contains("Unable to connect")
        || stderr.contains("Connection refused")
    {
        LpstatFailure::NotRunning
    } else {
        LpstatFailure::Other
    }
}

/// `lpstat`'s date (`Sun Dec  6 18:07:02 2026`, C locale, read as UTC).
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    NaiveDateTime::parse_from_str(&joined, "%a %b %d %H:%M:%S %Y")
        .ok()
        .map(|d| d.and_utc())
}

/// Parses `lpstat -p -d`: the queues (not yet knowing whether they accept jobs) with the
/// default marked.
pub fn parse_printers(text: &str) -> Vec<PrintQueue> {
    let mut queues: Vec<PrintQueue> = Vec::new();
    let mut default = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("printer ") {
            if let Some(q) = printer_line(rest) {
                queues.push(q);
            }
        } else if let Some(name) = line.strip_prefix("system default destination: ") {
            default = Some(name.trim().to_string());
        } else if let Some(message) = line.strip_prefix('\t') {
            let message = message.trim();
            if let Some(q) = queues.last_mut() {
                if q.message.is_none() && !message.is_empty() {
                    q.message = Some(message.to_string());
                }
            }
        }
    }
    for q in &mut queues {
        q.is_default = default.as_deref() == Some(q.name.as_str());
    }
    queues
}

fn printer_line(rest: &str) -> Option<PrintQueue> {
    let (name, tail) = rest.split_once(' ')?;
    let (state, date) = if let Some(d) = tail.strip_prefix("disabled since ") {
        (QueueState::Stopped, d.trim_end().trim_end_matches(" -"))
    } else if let Some((_, d)) = tail.split_once("enabled since ") {
        let state = if tail.starts_with("now printing") {
            QueueState::Printing
        } else {
            QueueState::Idle
        };
        (state, d)
    } else {
        return None;
    };
    Some(PrintQueue {
        name: name.to_string(),
        state,
        accepting: true,
        since: parse_date(date),
        message: None,
        is_default: false,
    })
}

/// Applies `lpstat -a` to `queues`: marks those not accepting jobs; a queue's rejection reason
/// becomes its message when it has none.
pub fn apply_accepting(text: &str, queues: &mut [PrintQueue]) {
    let mut last: Option<usize> = None;
    for line in text.lines() {
        if let Some(reason) = line.strip_prefix('\t') {
            if let Some(q) = last.and_then(|i| queues.get_mut(i)) {
                if q.message.is_none() && !reason.trim().is_empty() {
                    q.message = Some(reason.trim().to_string());
                }
            }
            continue;
        }
        last = None;
        let Some((name, tail)) = line.split_once(' ') else {
            continue;
        };
        if let Some(i) = queues.iter().position(|q| q.name == name) {
            if tail.starts_with("not accepting") {
                queues[i].accepting = false;
                last = Some(i);
            }
        }
    }
}

/// Parses `lpstat -o` (any `-W`): one job per line; lines that do not fit are skipped.
pub fn parse_jobs(text: &str) -> Vec<PrintJob> {
    text.lines().filter_map(job_line).collect()
}

fn job_line(line: &str) -> Option<PrintJob> {
    let mut words = line.split_whitespace();
    let id = words.next()?;
    let owner = words.next()?;
    let size_bytes = words.next()?.parse::<u64>().ok()?;
    let date: Vec<&str> = words.collect();
    let (queue, number) = id.rsplit_once('-')?;
    if queue.is_empty() || number.parse::<u64>().is_err() {
        return None;
    }
    Some(PrintJob {
        id: id.to_string(),
        queue: queue.to_string(),
        owner: owner.to_string(),
        size_bytes,
        submitted: parse_date(&date.join(" ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cups/");
        std::fs::read_to_string(format!("{dir}{name}")).unwrap()
    }

    fn at(text: &str) -> Option<DateTime<Utc>> {
        Some(DateTime::parse_from_rfc3339(text).unwrap().to_utc())
    }

    #[test]
    fn queues_of_a_real_cups_with_a_stopped_a_paused_and_a_rejecting_queue() {
        let mut queues = parse_printers(&fixture("lpstat-p-d.txt"));
        apply_accepting(&fixture("lpstat-a.txt"), &mut queues);
        let got: Vec<(&str, QueueState, bool, Option<&str>, bool)> = queues
            .iter()
            .map(|q| {
                let m = q.message.as_deref();
                (q.name.as_str(), q.state, q.accepting, m, q.is_default)
            })
            .collect();
        assert_eq!(
            got,
            [
                ("desk", QueueState::Stopped, true, Some("Paper jam"), false),
                (
                    "hall",
                    QueueState::Idle,
                    false,
                    Some("Maintenance until Monday"),
                    false
                ),
                (
                    "lobby",
                    QueueState::Printing,
                    true,
                    Some("The printer may not exist or is unavailable at this time."),
                    false
                ),
                ("office", QueueState::Idle, true, None, true),
                ("spare", QueueState::Stopped, true, Some("Paused"), false),
            ]
        );
        assert_eq!(queues[0].since, at("2026-12-06T18:07:02Z"));
    }

    #[test]
    fn jobs_with_owners_sizes_and_dates() {
        let jobs = parse_jobs(&fixture("lpstat-o.txt"));
        let got: Vec<(&str, &str, &str, u64)> = jobs
            .iter()
            .map(|j| {
                (
                    j.id.as_str(),
                    j.queue.as_str(),
                    j.owner.as_str(),
                    j.size_bytes,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("desk-1", "desk", "root", 1024),
                ("desk-2", "desk", "other", 1024),
                ("lobby-3", "lobby", "root", 300_032),
                ("spare-4", "spare", "other", 1024),
            ]
        );
        assert!(jobs
            .iter()
            .all(|j| j.submitted == at("2026-12-06T18:07:02Z")));
        let seen_by_other = parse_jobs(&fixture("lpstat-o-as-other.txt"));
        let owners: Vec<&str> = seen_by_other.iter().map(|j| j.owner.as_str()).collect();
        assert_eq!(owners, ["unknown", "other", "unknown", "other"]);
    }

    #[test]
    fn a_queue_name_with_dashes_and_odd_lines() {
        let jobs = parse_jobs("hp-floor-2-17 ana 2048 Mon Jan  5 09:03:04 2026\nnot a job\n\n");
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].queue, "hp-floor-2");
        assert_eq!(jobs[0].submitted, at("2026-01-05T09:03:04Z"));
        assert!(parse_jobs("office-x ana 1 Mon Jan  5 09:03:04 2026").is_empty());
        assert!(parse_printers("printer\nprinter x is weird\n").is_empty());
    }

    #[test]
    fn failures_from_recorded_stderr() {
        assert_eq!(
            classify_failure(&fixture("empty-lpstat-p-d.stderr")),
            LpstatFailure::NoQueues
        );
        assert_eq!(
            classify_failure(&fixture("not-running-lpstat-p-d.stderr")),
            LpstatFailure::NotRunning
        );
        assert_eq!(classify_failure("lpstat: Forbidden"), LpstatFailure::Other);
    }
}
