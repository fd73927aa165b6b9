//! `memory.pressure`: how much memory programs can still get without the system swapping or
//! killing one (Linux `MemAvailable`, the same figure on Windows and macOS through `sysinfo`).
//! A warning under 10 % of the memory, a problem under 5 %.

use guichet_inventory::live::{memory_use, MemoryUse};
use guichet_records::{CheckStatus, Finding, Sentence};

use crate::quantity::{percent, worded, Bytes, Share};
use crate::{Check, Context};

const ID: &str = "memory.pressure";

/// Where available memory becomes a warning or a problem.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Problem under this share of the memory available, percent.
    pub problem_percent: f64,
    /// Warning under this share, percent.
    pub warning_percent: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            problem_percent: 5.0,
            warning_percent: 10.0,
        }
    }
}

/// The check, reading memory through `guichet-inventory`'s live readings.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemoryPressure;

impl Check for MemoryPressure {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, _ctx: &Context) -> Vec<Finding> {
        evaluate(memory_use().as_ref(), &Thresholds::default())
    }
}

/// One finding for the machine.
pub fn evaluate(memory: Option<&MemoryUse>, t: &Thresholds) -> Vec<Finding> {
    let finding = |status, measured, threshold, sentence| {
        super::outcome::machine(ID, status, measured, threshold, sentence)
    };
    let Some(m) = memory.filter(|m| m.total_bytes > 0) else {
        return finding(
            CheckStatus::Unknown,
            None,
            None,
            Sentence::new(
                "La mémoire disponible n'a pas pu être mesurée.",
                "Available memory could not be measured.",
            ),
        );
    };
    let available = m.available_bytes.min(m.total_bytes);
    let p = percent(available, m.total_bytes);
    let (status, limit, sentence) = if p < t.problem_percent {
        (
            CheckStatus::Problem,
            t.problem_percent,
            Sentence::new(
                "La mémoire de l'ordinateur est saturée, ce qui le ralentit fortement : fermez \
                 des programmes ou redémarrez.",
                "The computer's memory is full, which slows it down badly: close programs or \
                 restart.",
            ),
        )
    } else if p < t.warning_percent {
        (
            CheckStatus::Warning,
            t.warning_percent,
            Sentence::new(
                "La mémoire de l'ordinateur est presque entièrement utilisée : fermez les \
                 programmes dont vous n'avez pas besoin.",
                "The computer's memory is nearly all in use: close the programs you do not need.",
            ),
        )
    } else {
        (
            CheckStatus::Ok,
            t.warning_percent,
            Sentence::new(
                "La mémoire de l'ordinateur suffit pour les programmes ouverts.",
                "The computer has enough memory for the open programs.",
            ),
        )
    };
    finding(
        status,
        Some(worded!(
            "{} disponibles sur {} ({})",
            "{} available of {} ({})",
            Bytes(available),
            Bytes(m.total_bytes),
            Share(p)
        )),
        Some(worded!("< {} disponibles", "< {} available", Share(limit))),
        sentence,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::recorded;

    #[test]
    fn the_recorded_busy_vm_has_memory_left() {
        let m = MemoryUse::from_meminfo(&recorded::meminfo("debian12-vm-busy")).expect("m");
        let f = evaluate(Some(&m), &Thresholds::default());
        assert_eq!(f[0].status, CheckStatus::Ok, "{f:?}");
        assert_eq!(
            f[0].measured,
            Some(Sentence::new(
                "20,8 Gio disponibles sur 23,5 Gio (88 %)",
                "20.8 GiB available of 23.5 GiB (88%)"
            ))
        );
    }

    #[test]
    fn little_memory_left_is_a_warning_then_a_problem() {
        let m = |available| MemoryUse {
            total_bytes: 16 << 30,
            available_bytes: available,
            swap_total_bytes: 0,
            swap_used_bytes: 0,
        };
        let status = |a| evaluate(Some(&m(a)), &Thresholds::default())[0].status;
        assert_eq!(status(4 << 30), CheckStatus::Ok);
        assert_eq!(status(1 << 30), CheckStatus::Warning);
        assert_eq!(status(500 << 20), CheckStatus::Problem);
        assert_eq!(
            evaluate(None, &Thresholds::default())[0].status,
            CheckStatus::Unknown
        );
    }
}
