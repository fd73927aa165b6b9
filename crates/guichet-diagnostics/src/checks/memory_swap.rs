//! `memory.swap`: how full the swap space is. Swap in use alone is no trouble (pages nobody
//! touches are moved out long before memory runs short), so a nearly full swap (80 %) is a
//! problem only while memory is also short (under 20 % available): the next program to ask
//! for memory then meets the out-of-memory killer. Half full is a warning. No swap at all is
//! fine: there is nothing to fill.

use guichet_inventory::live::{memory_use, MemoryUse};
use guichet_records::{CheckStatus, Finding, Sentence};

use crate::quantity::{percent, worded, Bytes, Share};
use crate::{Check, Context};

const ID: &str = "memory.swap";

/// Where swap use becomes a warning or a problem.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Warning from this share of the swap in use, percent.
    pub warning_percent: f64,
    /// Problem from this share of the swap in use, percent…
    pub problem_percent: f64,
    /// …while less than this share of the memory is available, percent.
    pub short_memory_percent: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            warning_percent: 50.0,
            problem_percent: 80.0,
            short_memory_percent: 20.0,
        }
    }
}

/// The check, reading memory and swap through `guichet-inventory`'s live readings.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemorySwap;

impl Check for MemorySwap {
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
                "L'espace d'échange n'a pas pu être mesuré.",
                "Swap space could not be measured.",
            ),
        );
    };
    if m.swap_total_bytes == 0 {
        return finding(
            CheckStatus::Ok,
            Some(Sentence::new("pas d'espace d'échange", "no swap")),
            None,
            Sentence::new(
                "Aucun espace d'échange n'est configuré : rien à surveiller.",
                "No swap space is set up: nothing to watch.",
            ),
        );
    }
    let used = m.swap_used_bytes.min(m.swap_total_bytes);
    let p = percent(used, m.swap_total_bytes);
    let short = percent(m.available_bytes, m.total_bytes) < t.short_memory_percent;
    let (status, threshold, sentence) = grade(p, short, t);
    finding(
        status,
        Some(worded!(
            "{} utilisés sur {} ({})",
            "{} used of {} ({})",
            Bytes(used),
            Bytes(m.swap_total_bytes),
            Share(p)
        )),
        Some(threshold),
        sentence,
    )
}

/// The status, threshold and sentence of `p` percent of the swap used, memory being `short`.
fn grade(p: f64, short: bool, t: &Thresholds) -> (CheckStatus, Sentence, Sentence) {
    if p >= t.problem_percent && short {
        (
            CheckStatus::Problem,
            worded!(
                ">= {} utilisés avec < {} de la mémoire disponible",
                ">= {} used with < {} memory available",
                Share(t.problem_percent),
                Share(t.short_memory_percent)
            ),
            Sentence::new(
                "L'espace d'échange est presque plein et la mémoire manque : fermez des \
                 programmes ou redémarrez.",
                "Swap space is almost full and memory is short: close programs or restart.",
            ),
        )
    } else if p >= t.warning_percent {
        (
            CheckStatus::Warning,
            worded!(">= {} utilisés", ">= {} used", Share(t.warning_percent)),
            Sentence::new(
                "L'ordinateur a dû placer beaucoup de mémoire sur le disque, ce qui peut le \
                 ralentir.",
                "The computer has moved a lot of memory to disk, which can slow it down.",
            ),
        )
    } else {
        (
            CheckStatus::Ok,
            worded!(">= {} utilisés", ">= {} used", Share(t.warning_percent)),
            Sentence::new(
                "L'espace d'échange est peu utilisé.",
                "Swap space is lightly used.",
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::recorded;

    #[test]
    fn the_recorded_vm_has_no_swap() {
        let m = MemoryUse::from_meminfo(&recorded::meminfo("debian12-vm-busy")).expect("m");
        let f = evaluate(Some(&m), &Thresholds::default());
        assert_eq!(f[0].status, CheckStatus::Ok);
        assert_eq!(f[0].measured.as_ref().unwrap().en, "no swap");
    }

    #[test]
    fn a_full_swap_is_a_problem_only_while_memory_is_short() {
        let m = |swap_used, available| MemoryUse {
            total_bytes: 8 << 30,
            available_bytes: available,
            swap_total_bytes: 2 << 30,
            swap_used_bytes: swap_used,
        };
        let status = |u, a| evaluate(Some(&m(u, a)), &Thresholds::default())[0].status;
        assert_eq!(status(100 << 20, 4 << 30), CheckStatus::Ok);
        assert_eq!(status(1 << 30, 4 << 30), CheckStatus::Warning);
        // 90 % used, but half the memory free: stale pages, a warning only.
        assert_eq!(status(1843 << 20, 4 << 30), CheckStatus::Warning);
        assert_eq!(status(1843 << 20, 600 << 20), CheckStatus::Problem);
        let f = evaluate(Some(&m(1843 << 20, 600 << 20)), &Thresholds::default());
        assert_eq!(
            f[0].measured,
            Some(Sentence::new(
                "1,8 Gio utilisés sur 2,0 Gio (90 %)",
                "1.8 GiB used of 2.0 GiB (90%)"
            ))
        );
        assert_eq!(
            evaluate(None, &Thresholds::default())[0].status,
            CheckStatus::Unknown
        );
    }
}
