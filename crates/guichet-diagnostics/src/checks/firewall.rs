//! `security.firewall`: whether a host firewall is on.
//!
//! What a user can read without root: on Linux, ufw's `ENABLED=` in `/etc/ufw/ufw.conf`,
//! firewalld's running daemon, nftables enabled at boot (the inventory's security collector;
//! `nft list ruleset` and `iptables -S` need root and are only asked when running as root);
//! on Windows, the `EnableFirewall` value of each profile (registry, readable by users; a Group
//! Policy value wins over the local one, see `windows::firewall_policy`); on macOS, the
//! application firewall's global state (`socketfilterfw --getglobalstate`).
//!
//! Ok when a firewall is on (for Windows: every profile); warning when the firewalls found are
//! all off (or a Windows profile is off): the machine accepts whatever the network sends it.
//! Not a problem: an office network usually filters too, so nothing is broken now. Unknown when
//! no firewall state can be read as this user (no front end installed and no root).

use guichet_inventory::parse::windows::registry::RegFile;
use guichet_inventory::parse::windows::security::firewall_profiles;
use guichet_inventory::{collect_category, Category, Probe, SecurityKind};
use guichet_records::{CheckStatus, Finding, Sentence};

use super::here;
use super::outcome::finding;
use crate::quantity::{comma, joined, worded};
use crate::{Check, Context};

const ID: &str = "security.firewall";

/// One firewall (or one Windows profile) and whether it is on, `None` when unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirewallState {
    /// `ufw`, `firewalld`, `nftables`, `Windows DomainProfile`…
    pub name: String,
    /// Whether it filters now (or at boot, for nftables without root).
    pub on: Option<bool>,
}

/// The firewalls the inventory's security collector found on this machine.
// Linux's readings; Windows and macOS fetch their own (`here`).
#[cfg_attr(any(target_os = "windows", target_os = "macos"), allow(dead_code))]
pub fn read(probe: &Probe) -> Vec<FirewallState> {
    collect_category(probe, Category::Security)
        .security
        .into_iter()
        .filter(|p| p.kind == SecurityKind::Firewall)
        .map(|p| FirewallState {
            name: p.name,
            on: p.enabled,
        })
        .collect()
}

/// The Windows profiles of a registry export, as firewall states.
// The Windows fetch merges the local store with the policy (`windows::effective_profiles`);
// this plain mapping stays as the reference its tests compare with.
#[allow(dead_code)]
pub fn from_windows_registry(reg: &RegFile) -> Vec<FirewallState> {
    firewall_profiles(reg)
        .into_iter()
        .map(|(profile, on)| FirewallState {
            name: format!("Windows {profile}"),
            on: Some(on),
        })
        .collect()
}

/// The finding for these firewall states.
pub fn evaluate(states: &[FirewallState]) -> Vec<Finding> {
    let describe = |s: &FirewallState| {
        let state = match s.on {
            Some(true) => Sentence::new("actif", "on"),
            Some(false) => Sentence::new("inactif", "off"),
            None => Sentence::new("inconnu", "unknown"),
        };
        worded!("{} : {}", "{}: {}", s.name, state)
    };
    let each: Vec<Sentence> = states.iter().map(describe).collect();
    let measured = (!each.is_empty()).then(|| joined(&each, &comma()));
    let threshold = Some(Sentence::new(
        "un pare-feu actif (chaque profil Windows)",
        "a firewall on (every Windows profile)",
    ));
    let windows = states.iter().any(|s| s.name.starts_with("Windows "));
    let any_on = states.iter().any(|s| s.on == Some(true));
    let any_off = states.iter().any(|s| s.on == Some(false));
    let off = if windows { any_off } else { any_off && !any_on };
    if off {
        return vec![finding(
            ID,
            CheckStatus::Warning,
            measured,
            threshold,
            "Le pare-feu de cet ordinateur est désactivé : il accepte tout ce qui lui arrive du réseau.",
            "This computer's firewall is off: it accepts whatever reaches it from the network.",
        )];
    }
    if any_on {
        return vec![finding(
            ID,
            CheckStatus::Ok,
            measured,
            threshold,
            "Le pare-feu est actif.",
            "The firewall is on.",
        )];
    }
    vec![finding(
        ID,
        CheckStatus::Unknown,
        measured.or(Some(Sentence::new(
            "aucun état de pare-feu lisible sans droits d'administrateur",
            "no firewall state readable without administrator rights",
        ))),
        threshold,
        "L'état du pare-feu ne peut pas être lu sans droits d'administrateur.",
        "The firewall's state cannot be read without administrator rights.",
    )]
}

/// The check.
#[derive(Debug)]
pub struct Firewall;

impl Check for Firewall {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        evaluate(&here::firewall(&Probe::system(ctx.now, ctx.timeout)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use guichet_inventory::parse::windows::registry::parse_reg;

    const WIN: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../third-party/glpi-agent-fixtures/resources/win32/registry"
    );
    const UFW: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../guichet-inventory/tests/fixtures/firewall/ufw.conf"
    );

    fn windows(prefix: &str) -> Vec<FirewallState> {
        ["DomainProfile", "StandardProfile", "PublicProfile"]
            .iter()
            .flat_map(|p| {
                let bytes = std::fs::read(format!("{WIN}/{prefix}-{p}.reg")).unwrap();
                from_windows_registry(&parse_reg(&bytes).unwrap())
            })
            .collect()
    }

    #[test]
    fn recorded_windows_10_is_on_and_windows_7_is_off() {
        let f = &evaluate(&windows("10"))[0];
        assert_eq!(f.status, CheckStatus::Ok);
        assert_eq!(
            f.measured.as_ref().unwrap().en,
            "Windows DomainProfile: on, Windows StandardProfile: on, Windows PublicProfile: on"
        );
        assert_eq!(
            evaluate(&windows("7_firewall"))[0].status,
            CheckStatus::Warning
        );
        // One profile off is enough to warn: the public one is the one that matters on the road.
        let mut mixed = windows("10");
        mixed[2].on = Some(false);
        assert_eq!(evaluate(&mixed)[0].status, CheckStatus::Warning);
    }

    fn tree_with_ufw(enabled: bool) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let conf = std::fs::read_to_string(UFW).unwrap();
        let conf = if enabled {
            conf.replace("ENABLED=no", "ENABLED=yes")
        } else {
            conf
        };
        std::fs::create_dir_all(dir.path().join("etc/ufw")).unwrap();
        std::fs::write(dir.path().join("etc/ufw/ufw.conf"), conf).unwrap();
        dir
    }

    #[test]
    fn debian_ufw_package_default_is_off_and_enabled_is_on() {
        let off = tree_with_ufw(false);
        let f = &evaluate(&read(&Probe::fixture(off.path(), Utc::now())))[0];
        assert_eq!(f.status, CheckStatus::Warning);
        assert_eq!(f.measured, Some(Sentence::new("ufw : inactif", "ufw: off")));
        let on = tree_with_ufw(true);
        let f = &evaluate(&read(&Probe::fixture(on.path(), Utc::now())))[0];
        assert_eq!(f.status, CheckStatus::Ok);
    }

    #[test]
    fn nothing_readable_is_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let f = &evaluate(&read(&Probe::fixture(dir.path(), Utc::now())))[0];
        assert_eq!(f.status, CheckStatus::Unknown);
    }
}
