//! `cpu.load`: whether the processors have been overloaded for minutes, not for a moment.
//! Where the OS keeps load averages (Linux, macOS), the sustained load is the lower of the 1-
//! and 5-minute averages per processor ([`CpuLoad::sustained_per_core`]): a warning from 1
//! (every processor busy all the time: the computer feels slow), a problem from 2 (programs
//! wait as long as they run). Windows has no load average a short-lived process can read: a
//! 200 ms sample stands in, which can tell "very busy right now" (a warning from 90 %) but never
//! a sustained problem.

use guichet_inventory::live::{cpu_load, CpuLoad};
use guichet_records::{CheckStatus, Finding, Sentence};

use crate::quantity::{counted, worded, Decimal, Share};
use crate::{Check, Context};

const ID: &str = "cpu.load";

/// Where the load becomes a warning or a problem.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Warning from this sustained load per processor.
    pub warning_per_core: f64,
    /// Problem from this sustained load per processor.
    pub problem_per_core: f64,
    /// Warning from this busy share of a short sample, percent (Windows).
    pub sample_warning_percent: f32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            warning_per_core: 1.0,
            problem_per_core: 2.0,
            sample_warning_percent: 90.0,
        }
    }
}

/// The check, reading the load through `guichet-inventory`'s live readings.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuLoadCheck;

impl Check for CpuLoadCheck {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, _ctx: &Context) -> Vec<Finding> {
        evaluate(cpu_load().as_ref(), &Thresholds::default())
    }
}

fn busy() -> Sentence {
    Sentence::new(
        "Le processeur est très occupé depuis plusieurs minutes : l'ordinateur peut sembler lent.",
        "The processor has been very busy for several minutes: the computer may feel slow.",
    )
}

/// `2 processeurs` / `2 processors`.
fn processors(cores: u32) -> Sentence {
    counted(
        u64::from(cores),
        ("processeur", "processeurs"),
        ("processor", "processors"),
    )
}

fn calm() -> Sentence {
    Sentence::new(
        "Le processeur n'est pas surchargé.",
        "The processor is not overloaded.",
    )
}

/// Status, measured value, threshold and sentence of one reading.
type Graded = (CheckStatus, Option<Sentence>, Option<Sentence>, Sentence);

/// One finding for the machine.
pub fn evaluate(load: Option<&CpuLoad>, t: &Thresholds) -> Vec<Finding> {
    let (status, measured, threshold, sentence) = match load {
        None => (
            CheckStatus::Unknown,
            None,
            None,
            Sentence::new(
                "La charge du processeur n'a pas pu être mesurée.",
                "Processor load could not be measured.",
            ),
        ),
        Some(
            l @ CpuLoad::Average {
                one,
                five,
                fifteen,
                cores,
            },
        ) => {
            let per_core = l.sustained_per_core().unwrap_or(0.0);
            averages([*one, *five, *fifteen], *cores, per_core, t)
        }
        Some(CpuLoad::Sample {
            busy_percent,
            over_ms,
            cores,
        }) => sample(*busy_percent, *over_ms, *cores, t),
    };
    super::outcome::machine(ID, status, measured, threshold, sentence)
}

/// Load averages over 1, 5 and 15 minutes (Linux, macOS): the sustained load per processor
/// decides.
fn averages(loads: [f64; 3], cores: u32, per_core: f64, t: &Thresholds) -> Graded {
    let [one, five, fifteen] = loads;
    let measured = worded!(
        "charge {} / {} / {} (1/5/15 min) sur {} : {} par processeur en continu",
        "load {} / {} / {} (1/5/15 min) on {}: {} per processor sustained",
        Decimal(one, 2),
        Decimal(five, 2),
        Decimal(fifteen, 2),
        processors(cores),
        Decimal(per_core, 2)
    );
    let (status, limit, sentence) = if per_core >= t.problem_per_core {
        (
            CheckStatus::Problem,
            t.problem_per_core,
            Sentence::new(
                "Le processeur est surchargé depuis plusieurs minutes : des programmes \
             attendent leur tour. Fermez ceux dont vous n'avez pas besoin ou redémarrez.",
                "The processor has been overloaded for several minutes: programs are waiting \
             their turn. Close the ones you do not need or restart.",
            ),
        )
    } else if per_core >= t.warning_per_core {
        (CheckStatus::Warning, t.warning_per_core, busy())
    } else {
        (CheckStatus::Ok, t.warning_per_core, calm())
    };
    let threshold = worded!(
        ">= {} par processeur sur 1 et 5 min",
        ">= {} per processor over 1 and 5 min",
        Decimal(limit, 1)
    );
    (status, Some(measured), Some(threshold), sentence)
}

/// A short sample (Windows): at most a warning.
fn sample(busy_percent: f32, over_ms: u64, cores: u32, t: &Thresholds) -> Graded {
    let measured = worded!(
        "{} d'occupation sur {} ms, {}",
        "{} busy over {} ms on {}",
        Share(f64::from(busy_percent)),
        over_ms,
        processors(cores)
    );
    let threshold = Some(worded!(
        ">= {} d'occupation",
        ">= {} busy",
        Share(f64::from(t.sample_warning_percent))
    ));
    if busy_percent >= t.sample_warning_percent {
        (
            CheckStatus::Warning,
            Some(measured),
            threshold,
            Sentence::new(
                "Le processeur est très occupé en ce moment : l'ordinateur peut sembler lent.",
                "The processor is very busy right now: the computer may feel slow.",
            ),
        )
    } else {
        (CheckStatus::Ok, Some(measured), threshold, calm())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::recorded;

    #[test]
    fn the_recorded_busy_vm_is_a_problem() {
        // 9.47 / 6.89 over 2 processors: 3.4 per processor sustained.
        let l = recorded::loadavg("debian12-vm-2-cores", 2);
        let f = evaluate(Some(&l), &Thresholds::default());
        assert_eq!(f[0].status, CheckStatus::Problem, "{f:?}");
        assert_eq!(
            f[0].measured,
            Some(Sentence::new(
                "charge 9,47 / 6,89 / 4,12 (1/5/15 min) sur 2 processeurs : 3,44 par processeur en continu",
                "load 9.47 / 6.89 / 4.12 (1/5/15 min) on 2 processors: 3.44 per processor sustained"
            ))
        );
        // The same machine with 8 processors would be fine.
        let l = recorded::loadavg("debian12-vm-2-cores", 8);
        assert_eq!(
            evaluate(Some(&l), &Thresholds::default())[0].status,
            CheckStatus::Ok
        );
    }

    #[test]
    fn a_spike_is_not_sustained() {
        let l = CpuLoad::Average {
            one: 12.0,
            five: 1.5,
            fifteen: 0.5,
            cores: 4,
        };
        assert_eq!(
            evaluate(Some(&l), &Thresholds::default())[0].status,
            CheckStatus::Ok
        );
        let l = CpuLoad::Average {
            one: 5.0,
            five: 4.5,
            fifteen: 0.5,
            cores: 4,
        };
        assert_eq!(
            evaluate(Some(&l), &Thresholds::default())[0].status,
            CheckStatus::Warning
        );
    }

    #[test]
    fn a_windows_sample_is_at_most_a_warning() {
        let s = |p| CpuLoad::Sample {
            busy_percent: p,
            over_ms: 200,
            cores: 4,
        };
        let f = &evaluate(Some(&s(100.0)), &Thresholds::default())[0];
        assert_eq!(f.status, CheckStatus::Warning);
        assert_eq!(
            f.measured,
            Some(Sentence::new(
                "100 % d'occupation sur 200 ms, 4 processeurs",
                "100% busy over 200 ms on 4 processors"
            ))
        );
        assert_eq!(
            evaluate(Some(&s(30.0)), &Thresholds::default())[0].status,
            CheckStatus::Ok
        );
        assert_eq!(
            evaluate(None, &Thresholds::default())[0].status,
            CheckStatus::Unknown
        );
    }
}
