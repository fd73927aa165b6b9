//! What the network checks share: the offline rule, the time they give themselves, the desk
//! they look at, and how their findings are written.
//!
//! Offline means no default route and no address but loopback and link-local ones: then the
//! network checks answer at once instead of waiting for timeouts, except those whose target
//! (the desk, the proxy) is this machine itself, which needs no network.

use std::time::Instant;

use guichet_inventory::NetworkState;
use guichet_records::{CheckStatus, Finding, Sentence};

use super::outcome::sentenced;
use crate::desk_probe::DeskAddress;
use crate::Context;

/// The machine's network state, read within the check's time; `None` where it cannot be read.
/// A network forced down reads as no interface and no route.
pub fn read_state(ctx: &Context) -> Option<NetworkState> {
    if ctx.network_forced_down {
        return Some(NetworkState {
            ipv4_known: true,
            ..NetworkState::default()
        });
    }
    guichet_inventory::network_state(ctx.timeout / 2)
}

/// Whether the network is up by the checks' own rule (not [`is_offline`]), the one reading the
/// app's header shows too: a default IPv4 route answers at once from a file; without one the
/// interfaces are read (`timeout` for the one command). `None` where nothing can be read.
pub fn network_up(timeout: std::time::Duration) -> Option<bool> {
    if guichet_inventory::has_default_route() == Some(true) {
        return Some(true);
    }
    guichet_inventory::network_state(timeout).map(|s| !is_offline(&s))
}

/// When a check that waits on the network must have answered: four fifths of its time, so
/// that it reports its own timeout rather than the runner's "did not answer".
pub fn deadline(ctx: &Context) -> Instant {
    Instant::now() + ctx.timeout * 4 / 5
}

/// Whether an address reaches past the local link (not loopback, not 169.254/16 nor fe80::/10).
pub fn is_routable(address: &str) -> bool {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(a)) => !a.is_loopback() && !a.is_link_local(),
        Ok(std::net::IpAddr::V6(a)) => !a.is_loopback() && (a.segments()[0] & 0xffc0) != 0xfe80,
        Err(_) => false,
    }
}

/// No default route and no routable address: nothing beyond this machine can be reached.
pub fn is_offline(state: &NetworkState) -> bool {
    state.ipv4_routes.is_empty()
        && state.ipv6_routes.is_empty()
        && !state.links.iter().any(|l| {
            l.link
                .ipv4
                .iter()
                .chain(l.link.ipv6.iter())
                .any(|a| is_routable(&a.address))
        })
}

/// Whether a check aimed at `target` answers "offline": the machine is offline (as far as it
/// can tell) and the target is not this machine.
pub fn offline_for(state: Option<&NetworkState>, target_is_loopback: bool) -> bool {
    !target_is_loopback && state.is_some_and(is_offline)
}

/// The configured desk, parsed; `Err` with a finding when there is none or it is not a URL.
pub fn desk(ctx: &Context, check: &str) -> Result<DeskAddress, Box<Finding>> {
    let Some(target) = &ctx.desk else {
        return Err(Box::new(sentenced(
            check,
            CheckStatus::Unknown,
            None,
            None,
            Sentence::new(
                "Aucun service d'assistance n'est configuré : rien à vérifier.",
                "No service desk is set up: nothing to check.",
            ),
        )));
    };
    DeskAddress::parse(&target.url).ok_or_else(|| {
        Box::new(sentenced(
            check,
            CheckStatus::Unknown,
            Some(Sentence::same(target.url.clone())),
            None,
            Sentence::new(
                "L'adresse du service d'assistance n'est pas une adresse web valide.",
                "The service desk's address is not a valid web address.",
            ),
        ))
    })
}

/// The answer of every network check when the machine is offline.
pub fn offline(check: &str) -> Finding {
    sentenced(
        check,
        CheckStatus::Unknown,
        Some(Sentence::new("hors ligne", "offline")),
        None,
        Sentence::new(
            "Pas de réseau : cet ordinateur n'est relié à aucun réseau, donc ceci ne peut pas être vérifié.",
            "No network: this computer is not connected to any network, so this cannot be checked.",
        ),
    )
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use guichet_inventory::parse::{ip_json, net_files};
    use guichet_inventory::LinkReading;

    /// The development VM's state as recorded in guichet-inventory's fixtures
    /// (`ip -j addr show`, `/proc/net/route`, `/proc/net/ipv6_route`; see their READMEs).
    pub fn recorded_vm() -> NetworkState {
        let fixtures = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../guichet-inventory/tests/fixtures"
        );
        let read = |p: &str| std::fs::read_to_string(format!("{fixtures}/{p}")).unwrap();
        let links = ip_json::parse(&read("ip_json/debian12-vm-addr.json")).unwrap();
        NetworkState {
            links: links
                .into_iter()
                .map(|link| LinkReading {
                    physical: link.name == "eth0",
                    wireless: false,
                    link,
                })
                .collect(),
            ipv4_known: true,
            ipv4_routes: net_files::ipv4_default_routes(&read("proc_net/route-debian12-vm")),
            ipv6_routes: net_files::ipv6_default_routes(&read("proc_net/ipv6_route-debian12-vm")),
            nameservers: net_files::nameservers(&read("proc_net/resolv.conf-debian12-vm")),
        }
    }

    /// The same machine with its cable out: no route, only loopback and link-local addresses.
    pub fn unplugged() -> NetworkState {
        let mut s = recorded_vm();
        s.ipv4_routes.clear();
        s.ipv6_routes.clear();
        for l in &mut s.links {
            if !l.link.is_loopback() {
                l.link.ipv4.clear();
                l.link.ipv6.retain(|a| !is_routable(&a.address));
                l.link.flags.retain(|f| f != "LOWER_UP");
            }
        }
        s
    }

    #[test]
    fn a_network_forced_down_reads_as_offline_like_the_app_s_header() {
        let mut ctx = Context::new(chrono::DateTime::UNIX_EPOCH);
        ctx.network_forced_down = true;
        let state = read_state(&ctx).expect("a reading");
        assert!(is_offline(&state));
        assert!(offline_for(Some(&state), false));
    }

    #[test]
    fn the_recorded_vm_is_online_and_unplugged_is_offline() {
        assert!(!is_offline(&recorded_vm()));
        assert!(is_offline(&unplugged()));
        assert!(offline_for(Some(&unplugged()), false));
        assert!(
            !offline_for(Some(&unplugged()), true),
            "loopback needs no network"
        );
        assert!(!offline_for(None, false), "unknown state: try");
        assert!(is_routable("192.0.2.2") && is_routable("fd00::2"));
        assert!(!is_routable("169.254.3.4") && !is_routable("fe80::1") && !is_routable("::1"));
    }
}
