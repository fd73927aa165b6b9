//! `printing.queues`: CUPS queues that are stopped (jobs wait) or refuse new jobs, one
//! problem per such queue, read with `lpstat -p -d` and `lpstat -a`.

use chrono::{DateTime, Utc};
use guichet_inventory::{
    printing_status, CupsClient, PrintQueue, PrintingError, PrintingStatus, Probe, QueueState,
};
use guichet_records::{CheckStatus, Finding, Sentence};

use crate::quantity::worded;
use crate::{Check, Context};

/// The check's id.
pub const ID: &str = "printing.queues";
/// The built-in action that re-enables a queue (and cancels the user's stuck jobs).
pub const FIX: &str = "print-queue";

/// Stopped or rejecting print queues.
#[derive(Debug, Clone, Default)]
pub struct PrintingQueues {
    /// Which scheduler to ask (the default one, or a test's).
    pub client: CupsClient,
}

impl Check for PrintingQueues {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        let probe = Probe::system(ctx.now, ctx.timeout);
        evaluate(&printing_status(&probe, &self.client))
    }
}

/// The findings for what `lpstat` said: one problem per stopped or rejecting queue, else one
/// `ok`; `unknown` when CUPS is absent, not running, or has no queue.
pub fn evaluate(status: &Result<PrintingStatus, PrintingError>) -> Vec<Finding> {
    let status = match status {
        Ok(s) if s.queues.is_empty() => return vec![no_queue(ID)],
        Ok(s) => s,
        Err(e) => return vec![unreadable(ID, e)],
    };
    let bad: Vec<Finding> = status.queues.iter().filter_map(queue_problem).collect();
    if !bad.is_empty() {
        return bad;
    }
    let n = status.queues.len();
    vec![Finding {
        check: ID.into(),
        subject: None,
        status: CheckStatus::Ok,
        measured: Some(if n == 1 {
            Sentence::new(
                "1 file d'impression, active et acceptant les documents",
                "1 queue, enabled and accepting jobs",
            )
        } else {
            worded!(
                "{} files d'impression, toutes actives et acceptant les documents",
                "{} queues, all enabled and accepting jobs",
                n
            )
        }),
        threshold: Some(ready()),
        sentence: Sentence::new(
            "Les imprimantes sont prêtes à imprimer.",
            "The printers are ready to print.",
        ),
        fixes: vec![],
    }]
}

fn queue_problem(q: &PrintQueue) -> Option<Finding> {
    let name = clean(&q.name);
    let reason = q.message.as_deref().map(clean);
    let (measured, sentence) = if q.state == QueueState::Stopped {
        (
            worded!(
                "arrêtée{}",
                "stopped{}",
                since_and_reason(q.since, reason.as_deref())
            ),
            Sentence::new(
                format!("L'imprimante « {name} » est arrêtée : les documents envoyés attendent sans être imprimés."),
                format!("The printer “{name}” is stopped: documents sent to it wait without being printed."),
            ),
        )
    } else if !q.accepting {
        (
            worded!(
                "refuse les documents{}",
                "not accepting jobs{}",
                since_and_reason(None, reason.as_deref())
            ),
            Sentence::new(
                format!("L'imprimante « {name} » refuse les nouveaux documents."),
                format!("The printer “{name}” refuses new documents."),
            ),
        )
    } else {
        return None;
    };
    Some(Finding {
        check: ID.into(),
        subject: Some(name),
        status: CheckStatus::Problem,
        measured: Some(measured),
        threshold: Some(ready()),
        sentence,
        fixes: vec![FIX.into()],
    })
}

/// The threshold of every queue: what a queue should be.
fn ready() -> Sentence {
    Sentence::new(
        "active et acceptant les documents",
        "enabled and accepting jobs",
    )
}

fn since_and_reason(since: Option<DateTime<Utc>>, reason: Option<&str>) -> Sentence {
    let since = since.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string());
    let since = since.map_or_else(
        || Sentence::same(""),
        |t| worded!(" depuis le {}", " since {}", t),
    );
    let reason = reason.map_or_else(|| Sentence::same(""), |r| worded!(" : {}", ": {}", r));
    worded!("{}{}", "{}{}", since, reason)
}

/// Text from CUPS (queue names, state messages) without control characters.
pub(super) fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The `unknown` finding when printing cannot be read, saying why.
pub(super) fn unreadable(check: &str, e: &PrintingError) -> Finding {
    let sentence = match e {
        PrintingError::NotInstalled => Sentence::new(
            "L'impression n'est pas installée sur cet ordinateur (pas de CUPS) : rien à vérifier.",
            "Printing is not installed on this computer (no CUPS): nothing to check.",
        ),
        PrintingError::NotRunning => Sentence::new(
            "Le service d'impression (CUPS) ne fonctionne pas : l'état des imprimantes est inconnu.",
            "The print service (CUPS) is not running: the printers' state is unknown.",
        ),
        PrintingError::Failed(_) => Sentence::new(
            "L'état des imprimantes n'a pas pu être lu.",
            "The printers' state could not be read.",
        ),
    };
    Finding {
        check: check.into(),
        subject: None,
        status: CheckStatus::Unknown,
        measured: Some(match e {
            PrintingError::NotInstalled => Sentence::new(
                "CUPS n'est pas installé (pas de lpstat)",
                "CUPS is not installed (no lpstat)",
            ),
            PrintingError::NotRunning => Sentence::new(
                "aucun ordonnanceur CUPS ne fonctionne",
                "no CUPS scheduler is running",
            ),
            PrintingError::Failed(m) => Sentence::same(clean(m)),
        }),
        threshold: None,
        sentence,
        fixes: vec![],
    }
}

/// The `unknown` finding when CUPS runs with no queue at all.
pub(super) fn no_queue(check: &str) -> Finding {
    Finding {
        check: check.into(),
        subject: None,
        status: CheckStatus::Unknown,
        measured: Some(Sentence::new("0 file d'impression", "0 queues")),
        threshold: None,
        sentence: Sentence::new(
            "Aucune imprimante n'est installée sur cet ordinateur.",
            "No printer is set up on this computer.",
        ),
        fixes: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_inventory::parse::lpstat;

    fn recorded() -> PrintingStatus {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../guichet-inventory/tests/fixtures/cups/"
        );
        let read = |f: &str| std::fs::read_to_string(format!("{dir}{f}")).unwrap();
        let mut queues = lpstat::parse_printers(&read("lpstat-p-d.txt"));
        lpstat::apply_accepting(&read("lpstat-a.txt"), &mut queues);
        PrintingStatus {
            queues,
            jobs: lpstat::parse_jobs(&read("lpstat-o.txt")),
        }
    }

    #[test]
    fn stopped_and_rejecting_queues_of_a_real_cups_are_problems() {
        let findings = evaluate(&Ok(recorded()));
        let got: Vec<(Option<&str>, CheckStatus, Option<&str>)> = findings
            .iter()
            .map(|f| {
                let en = f.measured.as_ref().map(|m| m.en.as_str());
                (f.subject.as_deref(), f.status, en)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    Some("desk"),
                    CheckStatus::Problem,
                    Some("stopped since 2026-12-06 18:07 UTC: Paper jam")
                ),
                (
                    Some("hall"),
                    CheckStatus::Problem,
                    Some("not accepting jobs: Maintenance until Monday")
                ),
                (
                    Some("spare"),
                    CheckStatus::Problem,
                    Some("stopped since 2026-12-06 18:07 UTC: Paused")
                ),
            ]
        );
        assert!(findings.iter().all(|f| f.fixes == [FIX]));
        assert!(findings[0].sentence.fr.contains("« desk »"));
        assert_eq!(
            findings[0].measured.as_ref().unwrap().fr,
            "arrêtée depuis le 2026-12-06 18:07 UTC : Paper jam"
        );
    }

    #[test]
    fn healthy_queues_give_one_ok() {
        let mut status = recorded();
        status
            .queues
            .retain(|q| q.name == "office" || q.name == "lobby");
        let findings = evaluate(&Ok(status));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, CheckStatus::Ok);
        assert_eq!(
            findings[0].measured,
            Some(Sentence::new(
                "2 files d'impression, toutes actives et acceptant les documents",
                "2 queues, all enabled and accepting jobs"
            ))
        );
    }

    #[test]
    fn no_cups_no_scheduler_no_queue_are_unknown() {
        for status in [
            Err(PrintingError::NotInstalled),
            Err(PrintingError::NotRunning),
            Err(PrintingError::Failed("lpstat: Forbidden".into())),
            Ok(PrintingStatus::default()),
        ] {
            let findings = evaluate(&status);
            assert_eq!(findings.len(), 1);
            assert_eq!(findings[0].status, CheckStatus::Unknown, "{status:?}");
        }
        let e = evaluate(&Err(PrintingError::NotRunning));
        assert!(e[0].sentence.en.contains("not running"));
    }

    #[test]
    fn control_characters_from_cups_do_not_reach_the_page() {
        let mut status = recorded();
        status.queues[0].message = Some("jam\u{1b}[2J\r\nnow".into());
        let findings = evaluate(&Ok(status));
        let measured = findings[0].measured.as_ref().unwrap();
        assert!(!measured.en.chars().any(char::is_control), "{measured:?}");
        assert!(!measured.fr.chars().any(char::is_control), "{measured:?}");
    }
}
