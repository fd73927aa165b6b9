//! `network.gateway`: is there a way out of the local network (a default route, IPv4 or IPv6),
//! and through which gateway.

use guichet_inventory::NetworkState;
use guichet_records::{CheckStatus, Finding, Sentence};

use super::connectivity::{is_offline, offline, read_state};
use super::outcome::sentenced;
use crate::quantity::{comma, joined, worded};
use crate::{Check, Context};

const ID: &str = "network.gateway";

/// The check (readings: the default routes of [`guichet_inventory::network_state`]).
#[derive(Debug)]
pub struct NetworkGateway;

impl Check for NetworkGateway {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        vec![evaluate(read_state(ctx).as_ref())]
    }
}

/// The gateways of the default routes, IPv4 first; offline and unreadable say so.
pub fn evaluate(state: Option<&NetworkState>) -> Finding {
    let Some(state) = state else {
        return sentenced(
            ID,
            CheckStatus::Unknown,
            None,
            None,
            Sentence::new(
                "Les routes du réseau ne peuvent pas être lues sur ce système.",
                "The network routes cannot be read on this system.",
            ),
        );
    };
    if is_offline(state) {
        return offline(ID);
    }
    let routes: Vec<Sentence> = state
        .ipv4_routes
        .iter()
        .chain(state.ipv6_routes.iter())
        .map(|r| worded!("{} par {}", "{} via {}", r.gateway, r.interface))
        .collect();
    if routes.is_empty() {
        let mut f = sentenced(
            ID,
            CheckStatus::Problem,
            Some(Sentence::new(
                "aucune route par défaut",
                "no default route",
            )),
            None,
            Sentence::new(
                "Cet ordinateur a une adresse mais aucune passerelle : il ne peut pas sortir du réseau local. Renouvelez la connexion.",
                "This computer has an address but no gateway: it cannot reach beyond the local network. Renew the connection.",
            ),
        );
        f.fixes = vec!["network-renew".into()];
        return f;
    }
    sentenced(
        ID,
        CheckStatus::Ok,
        Some(joined(&routes, &comma())),
        None,
        Sentence::new(
            "La passerelle vers les autres réseaux est configurée.",
            "The gateway to other networks is set up.",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::super::connectivity::tests::{recorded_vm, unplugged};
    use super::*;

    #[test]
    fn the_recorded_vm_goes_out_through_both_gateways() {
        let f = evaluate(Some(&recorded_vm()));
        assert_eq!(f.status, CheckStatus::Ok);
        assert_eq!(
            f.measured,
            Some(Sentence::new(
                "192.0.2.1 par eth0, fd00::1 par eth0",
                "192.0.2.1 via eth0, fd00::1 via eth0"
            ))
        );
    }

    #[test]
    fn an_address_without_a_route_is_a_problem_and_offline_is_unknown() {
        let mut s = recorded_vm();
        s.ipv4_routes.clear();
        s.ipv6_routes.clear();
        let f = evaluate(Some(&s));
        assert_eq!(
            (f.status, f.fixes.as_slice()),
            (CheckStatus::Problem, &["network-renew".to_string()][..])
        );
        let f = evaluate(Some(&unplugged()));
        assert_eq!(
            (f.status, f.measured),
            (
                CheckStatus::Unknown,
                Some(Sentence::new("hors ligne", "offline"))
            )
        );
        assert_eq!(evaluate(None).status, CheckStatus::Unknown);
    }
}
