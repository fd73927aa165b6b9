//! `clock.offset`: how far this machine's clock is from the service desk's, read from the
//! `Date` header of its answer. Logins with time-limited tokens (Kerberos, OAuth) fail past a
//! few minutes. The desk's certificate is not judged here (`desk.https` does): a clock far
//! off is the usual reason a certificate looks expired or not yet valid, so the date is read
//! whatever the certificate, and nothing but a `HEAD` request is sent: the answer is the run's
//! one visit to the desk ([`crate::desk_probe::DeskVisit`]), shared with `desk.https`.

use chrono::{DateTime, Utc};
use guichet_records::{CheckStatus, Finding, Sentence};

use super::connectivity::{deadline, desk, offline, offline_for, read_state};
use super::outcome::sentenced;
use crate::desk_probe::{proxy_for, DeskAnswer, DeskFailure, ProxyEnv};
use crate::quantity::worded;
use crate::{Check, Context};

const ID: &str = "clock.offset";

/// Past this offset, in seconds, a warning.
pub const WARNING_SECS: i64 = 60;
/// Past this offset, in seconds, a problem (Kerberos's default tolerance).
pub const PROBLEM_SECS: i64 = 300;

/// The check (fetching: the run's [`crate::desk_probe::DeskVisit`]).
#[derive(Debug)]
pub struct ClockOffset;

impl Check for ClockOffset {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        let until = deadline(ctx);
        let d = match desk(ctx, ID) {
            Ok(d) => d,
            Err(f) => return vec![*f],
        };
        let proxy = proxy_for(
            &d,
            ctx.desk.as_ref().and_then(|t| t.proxy.as_deref()),
            &ProxyEnv::from_process(),
        );
        if offline_for(read_state(ctx).as_ref(), proxy.is_none() && d.is_loopback()) {
            return vec![offline(ID)];
        }
        let result = ctx
            .desk_visit(&d, proxy.as_ref(), until)
            .answer(until)
            .read_anyway();
        vec![evaluate(&result)]
    }
}

/// This machine's clock minus the desk's, in seconds, from an answer; `None` without a
/// readable `Date` header.
pub fn offset_secs(date_header: Option<&str>, received_at: DateTime<Utc>) -> Option<i64> {
    let date = DateTime::parse_from_rfc2822(date_header?.trim()).ok()?;
    Some((received_at - date.with_timezone(&Utc)).num_seconds())
}

/// How far apart the clocks are, from the desk's answer.
pub fn evaluate(result: &Result<DeskAnswer, DeskFailure>) -> Finding {
    let threshold = Some(worded!(
        "≤ {} s (avertissement), ≤ {} s (problème)",
        "≤ {} s (warning), ≤ {} s (problem)",
        WARNING_SECS,
        PROBLEM_SECS
    ));
    let answer =
        match result {
            Ok(a) => a,
            Err(_) => return sentenced(
                ID,
                CheckStatus::Unknown,
                Some(Sentence::new(
                    "service d'assistance injoignable",
                    "service desk unreachable",
                )),
                threshold,
                Sentence::new(
                    "L'heure ne peut pas être comparée : le service d'assistance ne répond pas.",
                    "The time cannot be compared: the service desk does not answer.",
                ),
            ),
        };
    let Some(offset) = offset_secs(answer.head.date.as_deref(), answer.received_at) else {
        return sentenced(
            ID,
            CheckStatus::Unknown,
            Some(worded!(
                "pas d'en-tête Date utilisable ({})",
                "no usable Date header ({})",
                format!("{:?}", answer.head.date)
            )),
            threshold,
            Sentence::new(
                "L'heure ne peut pas être comparée : le service d'assistance n'indique pas la sienne.",
                "The time cannot be compared: the service desk does not give its own.",
            ),
        );
    };
    let side = if offset >= 0 {
        Sentence::new("en avance sur", "ahead of")
    } else {
        Sentence::new("en retard sur", "behind")
    };
    let measured = Some(worded!(
        "{} s {} le service d'assistance",
        "{} s {} the service desk",
        offset.abs(),
        side
    ));
    let (status, fr, en) = if offset.abs() > PROBLEM_SECS {
        (
            CheckStatus::Problem,
            "L'horloge de cet ordinateur est décalée de plus de 5 minutes : les connexions sécurisées et les identifications échouent. Mettez l'ordinateur à l'heure automatique.",
            "This computer's clock is more than 5 minutes off: secure connections and logins fail. Set the computer to set its time automatically.",
        )
    } else if offset.abs() > WARNING_SECS {
        (
            CheckStatus::Warning,
            "L'horloge de cet ordinateur est décalée de plus d'une minute : mettez-la à l'heure automatique avant que les identifications échouent.",
            "This computer's clock is more than a minute off: set it to set its time automatically before logins start failing.",
        )
    } else {
        (
            CheckStatus::Ok,
            "L'horloge de cet ordinateur est à l'heure.",
            "This computer's clock is on time.",
        )
    };
    sentenced(ID, status, measured, threshold, Sentence::new(fr, en))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk_probe::Head;
    use std::time::Duration;

    fn answer(date: Option<&str>, received_at: &str) -> Result<DeskAnswer, DeskFailure> {
        Ok(DeskAnswer {
            head: Head {
                status: 200,
                date: date.map(str::to_string),
            },
            received_at: DateTime::parse_from_rfc3339(received_at)
                .unwrap()
                .with_timezone(&Utc),
            cert: None,
            elapsed: Duration::from_millis(3),
        })
    }

    #[test]
    fn offsets_against_the_date_header() {
        let date = Some("Sun, 06 Dec 2026 18:03:10 GMT");
        let cases = [
            (
                "2026-12-06T18:03:11Z",
                CheckStatus::Ok,
                "1 s ahead of the service desk",
            ),
            (
                "2026-12-06T18:01:10Z",
                CheckStatus::Warning,
                "120 s behind the service desk",
            ),
            (
                "2026-12-06T18:09:11Z",
                CheckStatus::Problem,
                "361 s ahead of the service desk",
            ),
            (
                "2026-12-06T18:04:10Z",
                CheckStatus::Ok,
                "60 s ahead of the service desk",
            ),
        ];
        for (at, status, measured) in cases {
            let f = evaluate(&answer(date, at));
            let en = f.measured.as_ref().map(|m| m.en.as_str());
            assert_eq!((f.status, en), (status, Some(measured)), "{at}");
        }
        let f = evaluate(&answer(date, "2026-12-06T18:01:10Z"));
        assert_eq!(
            f.measured.unwrap().fr,
            "120 s en retard sur le service d'assistance"
        );
        assert_eq!(
            f.threshold,
            Some(Sentence::new(
                "≤ 60 s (avertissement), ≤ 300 s (problème)",
                "≤ 60 s (warning), ≤ 300 s (problem)"
            ))
        );
        assert_eq!(
            evaluate(&answer(None, "2026-12-06T18:03:11Z")).status,
            CheckStatus::Unknown
        );
        assert_eq!(
            evaluate(&answer(Some("yesterday"), "2026-12-06T18:03:11Z")).status,
            CheckStatus::Unknown
        );
        assert_eq!(
            evaluate(&Err(DeskFailure::NotHttp)).status,
            CheckStatus::Unknown
        );
    }
}
