//! `system.failed_units`: services that systemd tried to start and that failed, the system's
//! and the user's own (`systemctl [--user] --failed`). A failed service is often the reason a
//! feature silently stopped working (printing, a network share, a sync agent).
//!
//! One finding per manager: warning when a unit failed (systemd gave up on it; a technician
//! or a restart is needed), ok when none did, unknown when systemd does not run here (another
//! init, a container, Windows, macOS) or did not answer within the probe's deadline.

use guichet_inventory::parse::systemd::{self, Unit};
use guichet_inventory::{failed_units, Probe, RunError, UnitScope};
use guichet_records::{CheckStatus, Finding, Sentence};

use super::outcome::{about, finding, names};
use crate::quantity::worded;
use crate::{Check, Context};

const ID: &str = "system.failed_units";

/// What each systemd manager answered: its units, or why it could not be asked.
#[derive(Debug, Clone)]
pub struct Readings {
    /// The system manager's failed units.
    pub system: Result<Vec<Unit>, String>,
    /// The user's manager's failed units.
    pub user: Result<Vec<Unit>, String>,
    /// Whether systemd runs here at all (`/run/systemd/system`).
    pub systemd: bool,
}

/// Reads both managers through the inventory's probe (its deadline bounds `systemctl`).
pub fn read(probe: &Probe) -> Readings {
    let ask = |scope| failed_units(probe, scope).map_err(|e: RunError| e.to_string());
    Readings {
        system: ask(UnitScope::System),
        user: ask(UnitScope::User),
        systemd: probe.exists("/run/systemd/system"),
    }
}

/// The findings for these readings.
pub fn evaluate(r: &Readings) -> Vec<Finding> {
    if !r.systemd {
        return vec![finding(
            ID,
            CheckStatus::Unknown,
            None,
            None,
            "Cet ordinateur n'utilise pas systemd : les services ne peuvent pas être vérifiés ici.",
            "This computer does not use systemd: its services cannot be checked here.",
        )];
    }
    vec![
        about(scope(&r.system, false), "system"),
        about(scope(&r.user, true), "user"),
    ]
}

fn scope(answer: &Result<Vec<Unit>, String>, user: bool) -> Finding {
    let units = match answer {
        Ok(units) => units,
        Err(e) => {
            return finding(
                ID,
                CheckStatus::Unknown,
                Some(Sentence::same(e.clone())),
                None,
                "L'état des services n'a pas pu être lu.",
                "The state of the services could not be read.",
            )
        }
    };
    let failed: Vec<String> = systemd::failed(units)
        .iter()
        .map(|u| u.unit.clone())
        .collect();
    let none_failed = || Some(Sentence::new("0 en échec", "0 failed"));
    if failed.is_empty() {
        return finding(
            ID,
            CheckStatus::Ok,
            none_failed(),
            none_failed(),
            "Tous les services ont démarré correctement.",
            "Every service started correctly.",
        );
    }
    let measured = Some(worded!(
        "{} en échec : {}",
        "{} failed: {}",
        failed.len(),
        names(&failed, 5)
    ));
    let (fr, en) = if user {
        (
            "Un service de votre session n'a pas pu démarrer ; une fonction peut ne plus marcher. Fermer la session puis la rouvrir suffit souvent.",
            "A service of your session could not start; a feature may not work. Logging out and back in often fixes it.",
        )
    } else {
        (
            "Un service du système n'a pas pu démarrer ; une fonction peut ne plus marcher. Redémarrez l'ordinateur, et signalez-le si cela continue.",
            "A system service could not start; a feature may not work. Restart the computer, and report it if it goes on.",
        )
    };
    finding(ID, CheckStatus::Warning, measured, none_failed(), fr, en)
}

/// The check.
#[derive(Debug)]
pub struct FailedUnits;

impl Check for FailedUnits {
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

    const FX: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../guichet-inventory/tests/fixtures/systemd"
    );

    fn units(file: &str) -> Result<Vec<Unit>, String> {
        let text = std::fs::read_to_string(format!("{FX}/{file}")).unwrap();
        Ok(systemd::parse_units(&text).unwrap())
    }

    #[test]
    fn failed_system_units_warn_and_a_clean_user_session_is_ok() {
        let r = Readings {
            system: units("failed-system.json"),
            user: units("failed-none.json"),
            systemd: true,
        };
        let f = evaluate(&r);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].subject.as_deref(), Some("system"));
        assert_eq!(f[0].status, CheckStatus::Warning);
        assert_eq!(
            f[0].measured,
            Some(Sentence::new(
                "2 en échec : cups.service, logrotate.service",
                "2 failed: cups.service, logrotate.service"
            ))
        );
        assert_eq!(f[1].status, CheckStatus::Ok);
    }

    #[test]
    fn a_manager_that_did_not_answer_is_unknown() {
        let r = Readings {
            system: units("failed-none.json"),
            user: Err("`systemctl` did not finish before the deadline".into()),
            systemd: true,
        };
        let f = evaluate(&r);
        assert_eq!(f[0].status, CheckStatus::Ok);
        assert_eq!(f[1].status, CheckStatus::Unknown);
    }

    #[test]
    fn without_systemd_one_unknown_finding() {
        let dir = tempfile::tempdir().unwrap();
        let f = evaluate(&read(&Probe::fixture(dir.path(), Utc::now())));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, CheckStatus::Unknown);
    }
}
