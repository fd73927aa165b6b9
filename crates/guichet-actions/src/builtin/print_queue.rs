//! `print-queue`: cancels the user's own stuck print jobs (`cancel`) and re-enables the
//! stopped queues (`cupsenable`) and those refusing jobs (`cupsaccept`).
//!
//! A job is stuck when it waits in a stopped queue or has waited for more than 10 minutes
//! (the threshold of the `printing.jobs` check). Only the user's own jobs are touched: CUPS
//! refuses to cancel another user's anyway, and the plan never lists them. Re-enabling a
//! queue is an admin operation in CUPS's default policy (`@SYSTEM`: the `lpadmin` group): when
//! CUPS refuses, that queue is reported "not allowed" and the run still succeeds, since what
//! the user may do was done.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use guichet_inventory::{
    cups_user_name, printing_status, CupsClient, PrintJob, PrintQueue as Queue, PrintingError,
    Probe, QueueState, RunError,
};
use guichet_records::Sentence;

use super::size_text;
use crate::{Action, ActionContext, ActionError, Outcome, Plan};

/// The action's id, the one printing findings name in `fixes`.
pub const ID: &str = "print-queue";

/// Cancels the user's stuck jobs and re-enables blocked queues.
#[derive(Debug, Clone)]
pub struct PrintQueue {
    /// Which scheduler to ask, and as whom (tests name a user; see [`CupsClient`]).
    pub client: CupsClient,
    /// The CUPS login whose jobs are "own"; `None`: nobody's, so no job is cancelled.
    pub user: Option<String>,
    /// How long a job may wait in a running queue before it counts as stuck.
    pub stuck_after: Duration,
}

impl PrintQueue {
    /// For the login CUPS knows the caller by, on CUPS's default scheduler.
    pub fn for_current_user() -> Self {
        PrintQueue {
            client: CupsClient::default(),
            user: cups_user_name(),
            stuck_after: Duration::minutes(10),
        }
    }
}

/// What the action would do now.
struct Work {
    jobs: Vec<PrintJob>,
    queues: Vec<Queue>,
}

impl PrintQueue {
    fn work(&self, probe: &Probe, now: DateTime<Utc>) -> Result<Work, ActionError> {
        let status = printing_status(probe, &self.client).map_err(|e| match e {
            PrintingError::NotInstalled | PrintingError::NotRunning => {
                ActionError::Unavailable(e.to_string())
            }
            PrintingError::Failed(m) => ActionError::Unavailable(format!("lpstat: {m}")),
        })?;
        let stopped: Vec<&str> = status
            .queues
            .iter()
            .filter(|q| q.state == QueueState::Stopped)
            .map(|q| q.name.as_str())
            .collect();
        let jobs = status
            .jobs
            .iter()
            .filter(|j| self.user.as_deref() == Some(j.owner.as_str()))
            .filter(|j| {
                stopped.contains(&j.queue.as_str())
                    || j.submitted.is_some_and(|t| now - t >= self.stuck_after)
            })
            .cloned()
            .collect();
        let queues = status
            .queues
            .into_iter()
            .filter(|q| q.state == QueueState::Stopped || !q.accepting)
            .collect();
        Ok(Work { jobs, queues })
    }
}

impl Action for PrintQueue {
    fn id(&self) -> String {
        ID.into()
    }

    fn plan(&self, ctx: &ActionContext) -> Result<Plan, ActionError> {
        let probe = Probe::system(ctx.now, ctx.timeout);
        let work = self.work(&probe, ctx.now)?;
        let mut steps: Vec<Sentence> = work.jobs.iter().map(|j| job_step(j, ctx.now)).collect();
        steps.extend(work.queues.iter().map(queue_step));
        Ok(Plan {
            action: ID.into(),
            title: Sentence::new("Débloquer l'impression", "Unblock printing"),
            nothing_to_do: steps.is_empty(),
            steps,
            needs_network: false,
            publisher: None,
        })
    }

    fn run(&self, ctx: &ActionContext) -> Result<Outcome, ActionError> {
        let started = Instant::now();
        let probe = Probe::system(ctx.now, ctx.timeout);
        let work = self.work(&probe, ctx.now)?;
        let mut lines = Vec::new();
        let mut failed = false;
        for job in &work.jobs {
            match self.client.run(&probe, "cancel", &[&job.id]) {
                Ok(_) => lines.push(format!("cancelled {} on {}", job.id, job.queue)),
                Err(e) => {
                    failed = true;
                    lines.push(format!("{}: not cancelled: {}", job.id, one_line(&e)));
                }
            }
        }
        for queue in &work.queues {
            let (line, broke) = self.re_enable(&probe, queue);
            failed |= broke;
            lines.push(line);
        }
        if lines.is_empty() {
            lines.push("nothing to do: no stuck job of yours, no blocked queue".into());
        }
        Ok(Outcome {
            action: ID.into(),
            started_at: ctx.now,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            succeeded: !failed,
            output: lines.join("\n"),
        })
    }
}

impl PrintQueue {
    /// Re-enables one queue; the line to show, and whether it failed (a refusal is not).
    fn re_enable(&self, probe: &Probe, queue: &Queue) -> (String, bool) {
        let mut done = Vec::new();
        let mut commands = Vec::new();
        if queue.state == QueueState::Stopped {
            commands.push(("cupsenable", "enabled"));
        }
        if !queue.accepting {
            commands.push(("cupsaccept", "accepting jobs"));
        }
        for (program, what) in commands {
            match self.client.run(probe, program, &[&queue.name]) {
                Ok(_) => done.push(what),
                Err(e) if is_refusal(&e) => {
                    return (
                        format!(
                        "{}: not allowed (CUPS lets only its administrators re-enable a printer)",
                        queue.name
                    ),
                        false,
                    )
                }
                Err(e) => {
                    return (
                        format!("{}: {program} failed: {}", queue.name, one_line(&e)),
                        true,
                    )
                }
            }
        }
        (format!("{}: {}", queue.name, done.join(" and ")), false)
    }
}

/// Whether CUPS refused the operation to this user (as opposed to failing).
fn is_refusal(e: &RunError) -> bool {
    let RunError::Failed { stderr, .. } = e else {
        return false;
    };
    let s = stderr.to_ascii_lowercase();
    [
        "forbidden",
        "unauthorized",
        "not-authorized",
        "not authorized",
        "authentication",
    ]
    .iter()
    .any(|w| s.contains(w))
}

fn one_line(e: &RunError) -> String {
    e.to_string()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn job_step(job: &PrintJob, now: DateTime<Utc>) -> Sentence {
    let minutes = job.submitted.map_or(0, |t| (now - t).num_minutes().max(0));
    let (size_fr, size_en) = size_text(job.size_bytes);
    Sentence::new(
        format!(
            "Annuler votre document {} sur l'imprimante « {} » (en attente depuis {minutes} min, {size_fr})",
            job.id, job.queue
        ),
        format!(
            "Cancel your document {} on the printer “{}” (waiting for {minutes} min, {size_en})",
            job.id, job.queue
        ),
    )
}

fn queue_step(queue: &Queue) -> Sentence {
    let why_fr = if queue.state == QueueState::Stopped {
        "arrêtée"
    } else {
        "refuse les documents"
    };
    let why_en = if queue.state == QueueState::Stopped {
        "stopped"
    } else {
        "refusing documents"
    };
    let reason = queue
        .message
        .as_deref()
        .map(|m| format!(" : {m}"))
        .unwrap_or_default();
    let reason_en = reason.replacen(" : ", ": ", 1);
    Sentence::new(
        format!(
            "Remettre en service l'imprimante « {} » ({why_fr}{reason}), si CUPS vous y autorise",
            queue.name
        ),
        format!(
            "Re-enable the printer “{}” ({why_en}{reason_en}), if CUPS allows you",
            queue.name
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_told_from_failures() {
        let failed = |stderr: &str| RunError::Failed {
            program: "cupsenable".into(),
            status: "exit status: 1".into(),
            stderr: stderr.into(),
        };
        // Both recorded from CUPS 2.4.2: an ordinary user over the socket, and root acting
        // as another user with -U.
        assert!(is_refusal(&failed(
            "cupsenable: Operation failed: client-error-forbidden"
        )));
        assert!(is_refusal(&failed(
            "cupsenable: Operation failed: cups-authentication-canceled"
        )));
        assert!(!is_refusal(&failed(
            "cupsenable: Operation failed: client-error-not-found"
        )));
        assert!(!is_refusal(&RunError::TimedOut("cupsenable".into())));
    }

    #[test]
    fn steps_name_the_job_and_the_queue() {
        let job = PrintJob {
            id: "desk-3".into(),
            queue: "desk".into(),
            owner: "ana".into(),
            size_bytes: 5120,
            submitted: Some(DateTime::UNIX_EPOCH),
        };
        let step = job_step(&job, DateTime::UNIX_EPOCH + Duration::minutes(42));
        assert_eq!(
            step.en,
            "Cancel your document desk-3 on the printer “desk” (waiting for 42 min, 5.0 KiB)"
        );
        assert!(step.fr.contains("42 min, 5,0 Kio"), "{}", step.fr);
        let queue = Queue {
            name: "desk".into(),
            state: QueueState::Stopped,
            accepting: true,
            since: None,
            message: Some("Paper jam".into()),
            is_default: false,
        };
        assert_eq!(
            queue_step(&queue).en,
            "Re-enable the printer “desk” (stopped: Paper jam), if CUPS allows you"
        );
    }
}
