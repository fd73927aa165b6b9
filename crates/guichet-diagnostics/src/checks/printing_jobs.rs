//! `printing.jobs`: print jobs waiting for more than N minutes (10 by default), one finding
//! per queue holding such jobs: a problem when some are the user's own (the `print-queue`
//! action cancels those), a warning when they are other users' (the queue is blocked for
//! everyone). Read with `lpstat -W not-completed -o`.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use guichet_inventory::{
    cups_user_name, printing_status, CupsClient, PrintJob, PrintingError, PrintingStatus, Probe,
};
use guichet_records::{CheckStatus, Finding, Sentence};

use super::printing_queues::{clean, no_queue, unreadable, FIX};
use crate::quantity::{counted, worded};
use crate::{Check, Context};

/// The check's id.
pub const ID: &str = "printing.jobs";
/// How long a job may wait before it counts as stuck, by default.
pub const DEFAULT_STUCK_AFTER_MINUTES: i64 = 10;

/// Print jobs stuck for too long.
#[derive(Debug, Clone)]
pub struct PrintingJobs {
    /// Which scheduler to ask (the default one, or a test's).
    pub client: CupsClient,
    /// The user whose jobs are "yours" (the CUPS login); `None` when unknown.
    pub user: Option<String>,
    /// How long a job may wait before it counts as stuck.
    pub stuck_after: Duration,
}

impl Default for PrintingJobs {
    /// The default scheduler, the caller's own login, 10 minutes.
    fn default() -> Self {
        PrintingJobs {
            client: CupsClient::default(),
            user: cups_user_name(),
            stuck_after: Duration::minutes(DEFAULT_STUCK_AFTER_MINUTES),
        }
    }
}

impl Check for PrintingJobs {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        let probe = Probe::system(ctx.now, ctx.timeout);
        let status = printing_status(&probe, &self.client);
        evaluate(&status, self.user.as_deref(), ctx.now, self.stuck_after)
    }
}

/// The findings for the jobs `lpstat` listed at `now`: jobs submitted `stuck_after` ago or
/// earlier are stuck; `user`'s own are marked.
pub fn evaluate(
    status: &Result<PrintingStatus, PrintingError>,
    user: Option<&str>,
    now: DateTime<Utc>,
    stuck_after: Duration,
) -> Vec<Finding> {
    let status = match status {
        Ok(s) if s.queues.is_empty() => return vec![no_queue(ID)],
        Ok(s) => s,
        Err(e) => return vec![unreadable(ID, e)],
    };
    let limit = minutes(stuck_after);
    let mut by_queue: BTreeMap<&str, Vec<&PrintJob>> = BTreeMap::new();
    for job in &status.jobs {
        if job.submitted.is_some_and(|t| now - t >= stuck_after) {
            by_queue.entry(job.queue.as_str()).or_default().push(job);
        }
    }
    if by_queue.is_empty() {
        let n = status.jobs.len();
        return vec![Finding {
            check: ID.into(),
            subject: None,
            status: CheckStatus::Ok,
            measured: Some(worded!(
                "{} en attente, aucun depuis {} min ou plus",
                "{} waiting, none for {} min or more",
                jobs(n),
                limit
            )),
            threshold: Some(worded!("{} min", "{} min", limit)),
            sentence: Sentence::new(
                "Aucun document n'est bloqué dans les files d'impression.",
                "No document is stuck in the print queues.",
            ),
            fixes: vec![],
        }];
    }
    by_queue
        .into_iter()
        .map(|(queue, jobs)| stuck_in_queue(queue, &jobs, user, now, limit))
        .collect()
}

fn stuck_in_queue(
    queue: &str,
    jobs: &[&PrintJob],
    user: Option<&str>,
    now: DateTime<Utc>,
    limit: i64,
) -> Finding {
    let queue = clean(queue);
    let own: Vec<&str> = jobs
        .iter()
        .filter(|j| user.is_some_and(|u| j.owner == u))
        .map(|j| j.id.as_str())
        .collect();
    let oldest = jobs
        .iter()
        .filter_map(|j| j.submitted)
        .min()
        .map_or(0, |t| minutes(now - t));
    let mut measured = worded!(
        "{} en attente depuis {} min ou plus, le plus ancien depuis {} min",
        "{} waiting for {} min or more, the oldest for {} min",
        self::jobs(jobs.len()),
        limit,
        oldest
    );
    if !own.is_empty() {
        let yours = clean(&own.join(", "));
        measured = worded!("{} ; les vôtres : {}", "{}; yours: {}", measured, yours);
    }
    let (status, sentence, fixes) = if own.is_empty() {
        (
            CheckStatus::Warning,
            Sentence::new(
                format!("Des documents d'autres personnes sont bloqués depuis plus de {limit} minutes sur l'imprimante « {queue} » : les vôtres risquent d'attendre aussi."),
                format!("Other people's documents have been stuck for more than {limit} minutes on the printer “{queue}”: yours may wait too."),
            ),
            vec![],
        )
    } else {
        (
            CheckStatus::Problem,
            own_sentence(own.len(), &queue, limit),
            vec![FIX.into()],
        )
    };
    Finding {
        check: ID.into(),
        subject: Some(queue),
        status,
        measured: Some(measured),
        threshold: Some(worded!("{} min", "{} min", limit)),
        sentence,
        fixes,
    }
}

fn own_sentence(n: usize, queue: &str, limit: i64) -> Sentence {
    if n == 1 {
        Sentence::new(
            format!("Un de vos documents attend depuis plus de {limit} minutes sur l'imprimante « {queue} » sans être imprimé."),
            format!("One of your documents has been waiting for more than {limit} minutes on the printer “{queue}” without being printed."),
        )
    } else {
        Sentence::new(
            format!("{n} de vos documents attendent depuis plus de {limit} minutes sur l'imprimante « {queue} » sans être imprimés."),
            format!("{n} of your documents have been waiting for more than {limit} minutes on the printer “{queue}” without being printed."),
        )
    }
}

/// `2 documents` / `2 jobs`.
fn jobs(n: usize) -> Sentence {
    let n = u64::try_from(n).unwrap_or(u64::MAX);
    counted(n, ("document", "documents"), ("job", "jobs"))
}

fn minutes(d: Duration) -> i64 {
    d.num_minutes().max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_inventory::parse::lpstat;

    fn recorded(jobs_file: &str) -> PrintingStatus {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../guichet-inventory/tests/fixtures/cups/"
        );
        let read = |f: &str| std::fs::read_to_string(format!("{dir}{f}")).unwrap();
        PrintingStatus {
            queues: lpstat::parse_printers(&read("lpstat-p-d.txt")),
            jobs: lpstat::parse_jobs(&read(jobs_file)),
        }
    }

    /// The fixtures' jobs were all submitted at 18:07:02 UTC.
    fn at(hm: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("2026-12-06T{hm}:02Z"))
            .unwrap()
            .to_utc()
    }

    #[test]
    fn fresh_jobs_are_not_stuck() {
        let f = evaluate(
            &Ok(recorded("lpstat-o.txt")),
            Some("root"),
            at("18:16"),
            Duration::minutes(10),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, CheckStatus::Ok);
        assert_eq!(
            f[0].measured,
            Some(Sentence::new(
                "4 documents en attente, aucun depuis 10 min ou plus",
                "4 jobs waiting, none for 10 min or more"
            ))
        );
    }

    #[test]
    fn the_users_own_stuck_jobs_are_problems_others_warnings() {
        let f = evaluate(
            &Ok(recorded("lpstat-o.txt")),
            Some("root"),
            at("18:42"),
            Duration::minutes(10),
        );
        let got: Vec<(Option<&str>, CheckStatus, Option<&str>, usize)> = f
            .iter()
            .map(|f| {
                (
                    f.subject.as_deref(),
                    f.status,
                    f.measured.as_ref().map(|m| m.en.as_str()),
                    f.fixes.len(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    Some("desk"),
                    CheckStatus::Problem,
                    Some("2 jobs waiting for 10 min or more, the oldest for 35 min; yours: desk-1"),
                    1
                ),
                (
                    Some("lobby"),
                    CheckStatus::Problem,
                    Some("1 job waiting for 10 min or more, the oldest for 35 min; yours: lobby-3"),
                    1
                ),
                (
                    Some("spare"),
                    CheckStatus::Warning,
                    Some("1 job waiting for 10 min or more, the oldest for 35 min"),
                    0
                ),
            ]
        );
        assert!(
            f[0].sentence.fr.starts_with("Un de vos documents"),
            "{}",
            f[0].sentence.fr
        );
    }

    #[test]
    fn an_ordinary_user_sees_others_as_unknown_and_only_their_own_marked() {
        let f = evaluate(
            &Ok(recorded("lpstat-o-as-other.txt")),
            Some("other"),
            at("19:07"),
            Duration::minutes(30),
        );
        let statuses: Vec<(Option<&str>, CheckStatus)> =
            f.iter().map(|f| (f.subject.as_deref(), f.status)).collect();
        assert_eq!(
            statuses,
            [
                (Some("desk"), CheckStatus::Problem),
                (Some("lobby"), CheckStatus::Warning),
                (Some("spare"), CheckStatus::Problem),
            ]
        );
        assert_eq!(f[0].threshold, Some(Sentence::same("30 min")));
        let m = f[0].measured.as_ref().unwrap();
        assert!(m.en.ends_with("oldest for 60 min; yours: desk-2"), "{m:?}");
        assert!(
            m.fr.ends_with("le plus ancien depuis 60 min ; les vôtres : desk-2"),
            "{m:?}"
        );
        // Nobody named: nothing is "yours", so nothing is offered to cancel.
        let anonymous = evaluate(
            &Ok(recorded("lpstat-o.txt")),
            None,
            at("19:07"),
            Duration::minutes(10),
        );
        assert!(anonymous
            .iter()
            .all(|f| f.status == CheckStatus::Warning && f.fixes.is_empty()));
    }

    #[test]
    fn no_cups_is_unknown() {
        let f = evaluate(
            &Err(PrintingError::NotInstalled),
            Some("ana"),
            at("18:00"),
            Duration::minutes(10),
        );
        assert_eq!(f[0].status, CheckStatus::Unknown);
        assert!(f[0].sentence.fr.contains("pas de CUPS"));
    }
}
