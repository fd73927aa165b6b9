//! `battery.wear`: how much of its original capacity each battery still holds (full charge
//! capacity against design capacity). A worn battery is why a laptop "does not last the day".
//!
//! Ok from [`WARNING_PERCENT`] % up; warning below it (a common replacement criterion, and
//! the level at which makers' warranties usually cover a battery); problem below
//! [`PROBLEM_PERCENT`] % (half the runtime is gone: replacing it is due). Readings come from
//! the inventory's battery collector (Linux: `/sys/class/power_supply/BAT*/energy_full{,_design}`
//! or `charge_*`, without root; macOS: system_profiler, which gives no design capacity).
//! Unknown when there is no battery (a desktop or a virtual machine) or when the battery does
//! not report both capacities.

use guichet_inventory::{collect_category, Battery, Category, Probe};
use guichet_records::{CheckStatus, Finding, Sentence};

use super::outcome::{about, finding};
use crate::quantity::{worded, Percent, WattHours};
use crate::{Check, Context};

const ID: &str = "battery.wear";
/// Below this share of the design capacity: warning.
pub const WARNING_PERCENT: u64 = 70;
/// Below this share of the design capacity: problem.
pub const PROBLEM_PERCENT: u64 = 50;

/// The system batteries the inventory found.
pub fn read(probe: &Probe) -> Vec<Battery> {
    collect_category(probe, Category::Batteries).batteries
}

/// One finding per battery (its name as subject), or one unknown finding without any.
pub fn evaluate(batteries: &[Battery]) -> Vec<Finding> {
    if batteries.is_empty() {
        return vec![finding(
            ID,
            CheckStatus::Unknown,
            Some(Sentence::new("pas de batterie", "no battery")),
            None,
            "Cet ordinateur n'a pas de batterie.",
            "This computer has no battery.",
        )];
    }
    batteries
        .iter()
        .map(|b| about(one(b), b.name.clone()))
        .collect()
}

fn one(b: &Battery) -> Finding {
    let threshold = worded!(
        "< {} : avertissement, < {} : problème",
        "< {}: warning, < {}: problem",
        Percent(WARNING_PERCENT),
        Percent(PROBLEM_PERCENT)
    );
    let (Some(full), Some(design)) = (
        b.full_capacity_mwh,
        b.design_capacity_mwh.filter(|d| *d > 0),
    ) else {
        return finding(
            ID,
            CheckStatus::Unknown,
            Some(Sentence::new(
                "capacités non indiquées",
                "capacities not reported",
            )),
            Some(threshold),
            "La batterie n'indique pas sa capacité d'origine : son usure ne peut pas être mesurée.",
            "The battery does not report its original capacity: its wear cannot be measured.",
        );
    };
    let percent = full.saturating_mul(100) / design;
    let measured = Some(worded!(
        "{} de la capacité d'origine ({} sur {})",
        "{} of design ({} of {})",
        Percent(percent),
        WattHours(full),
        WattHours(design)
    ));
    let (status, fr, en) = if percent < PROBLEM_PERCENT {
        (
            CheckStatus::Problem,
            "La batterie a perdu plus de la moitié de sa capacité : elle est à remplacer.",
            "The battery has lost more than half of its capacity: it needs replacing.",
        )
    } else if percent < WARNING_PERCENT {
        (
            CheckStatus::Warning,
            "La batterie s'use : elle tient nettement moins longtemps qu'à l'origine.",
            "The battery is wearing out: it lasts noticeably less than when new.",
        )
    } else {
        (
            CheckStatus::Ok,
            "La batterie est en bon état.",
            "The battery is in good condition.",
        )
    };
    finding(ID, status, measured, Some(threshold), fr, en)
}

/// The check.
#[derive(Debug)]
pub struct BatteryWear;

impl Check for BatteryWear {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        evaluate(&read(&Probe::system(ctx.now, ctx.timeout)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use guichet_inventory::parse::macos::system_profiler as sp;

    const FX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/battery");

    fn tree(name: &str) -> Vec<Battery> {
        read(&Probe::fixture(format!("{FX}/{name}"), Utc::now()))
    }

    #[test]
    fn recorded_laptops_batteries_are_in_good_condition() {
        let f = evaluate(&tree("thinkpad-l14m4p23"));
        assert_eq!(f.len(), 1, "the mains adapter is not a battery");
        assert_eq!(f[0].subject.as_deref(), Some("L14M4P23"));
        assert_eq!(f[0].status, CheckStatus::Ok);
        assert_eq!(
            f[0].measured,
            Some(Sentence::new(
                "87 % de la capacité d'origine (52,26 Wh sur 60,00 Wh)",
                "87% of design (52.26 Wh of 60.00 Wh)"
            ))
        );
        assert_eq!(
            f[0].threshold.as_ref().unwrap().fr,
            "< 70 % : avertissement, < 50 % : problème"
        );
        let f = evaluate(&tree("asus-ux32"));
        assert_eq!(
            f[0].measured.as_ref().unwrap().en,
            "97% of design (44.61 Wh of 45.64 Wh)"
        );
    }

    #[test]
    fn worn_batteries_warn_then_are_a_problem() {
        let mut b = tree("thinkpad-l14m4p23").remove(0);
        for (full, want) in [
            (42_000, CheckStatus::Ok),
            (41_999, CheckStatus::Warning),
            (30_000, CheckStatus::Warning),
            (29_999, CheckStatus::Problem),
        ] {
            b.full_capacity_mwh = Some(full);
            assert_eq!(evaluate(std::slice::from_ref(&b))[0].status, want, "{full}");
        }
    }

    #[test]
    fn no_battery_and_macos_without_design_capacity_are_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let f = evaluate(&read(&Probe::fixture(dir.path(), Utc::now())));
        assert_eq!((f.len(), f[0].status), (1, CheckStatus::Unknown));
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../third-party/glpi-agent-fixtures/resources/macos/system_profiler/charging-SPPowerDataType"
        );
        let mac = sp::power_battery(&sp::parse_text(&std::fs::read_to_string(path).unwrap()));
        let f = evaluate(&mac.into_iter().collect::<Vec<_>>());
        assert_eq!(f[0].status, CheckStatus::Unknown);
        assert_eq!(
            f[0].measured.as_ref().unwrap().en,
            "capacities not reported"
        );
    }
}
