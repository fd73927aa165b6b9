//! `network.link`: is this computer plugged into a network, and did the network give it an
//! address? A connection with only a 169.254.x.x (or only an fe80:: IPv6) address is one where
//! no DHCP server answered.

use guichet_inventory::{LinkReading, NetworkState};
use guichet_records::{CheckStatus, Finding, Sentence};

use super::connectivity::{is_routable, read_state};
use super::outcome::sentenced;
use crate::quantity::{comma, joined, worded};
use crate::{Check, Context};

const ID: &str = "network.link";

/// The check (readings: [`guichet_inventory::network_state`]).
#[derive(Debug)]
pub struct NetworkLink;

impl Check for NetworkLink {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        match read_state(ctx) {
            Some(s) => evaluate(&s),
            None => vec![sentenced(
                ID,
                CheckStatus::Unknown,
                None,
                None,
                Sentence::new(
                    "L'état du réseau ne peut pas être lu sur ce système.",
                    "The network state cannot be read on this system.",
                ),
            )],
        }
    }
}

/// The interfaces that matter: not loopback, not a bridge's or bond's port (its master holds
/// the address), and either a device of this machine, one a default route goes through, or
/// the master of a device (a bridge over the network card).
fn connections(state: &NetworkState) -> Vec<&LinkReading> {
    let routed = |name: &str| {
        state
            .ipv4_routes
            .iter()
            .chain(state.ipv6_routes.iter())
            .any(|r| r.interface == name)
    };
    let masters_a_device = |name: &str| {
        state
            .links
            .iter()
            .any(|l| l.physical && l.link.master.as_deref() == Some(name))
    };
    state
        .links
        .iter()
        .filter(|l| !l.link.is_loopback() && l.link.master.is_none())
        .filter(|l| l.physical || routed(&l.link.name) || masters_a_device(&l.link.name))
        .collect()
}

/// The routable addresses of a connection, `address/prefix`.
fn routable(l: &LinkReading) -> Vec<String> {
    l.link
        .ipv4
        .iter()
        .chain(l.link.ipv6.iter())
        .filter(|a| is_routable(&a.address))
        .map(|a| format!("{}/{}", a.address, a.prefix_len))
        .collect()
}

/// One finding per connection with a carrier; one problem when there is none.
pub fn evaluate(state: &NetworkState) -> Vec<Finding> {
    let all = connections(state);
    let connected: Vec<&LinkReading> = all
        .iter()
        .copied()
        .filter(|l| l.link.has_carrier())
        .collect();
    if connected.is_empty() {
        let measured = if all.is_empty() {
            Sentence::new("aucune carte réseau", "no network adapter")
        } else {
            let each: Vec<Sentence> = all
                .iter()
                .map(|l| worded!("{} : pas de liaison", "{}: no carrier", l.link.name))
                .collect();
            joined(&each, &comma())
        };
        return vec![sentenced(
            ID,
            CheckStatus::Problem,
            Some(measured),
            None,
            Sentence::new(
                "Cet ordinateur n'est connecté à aucun réseau : vérifiez le câble réseau ou le Wi-Fi.",
                "This computer is not connected to any network: check the network cable or the Wi-Fi.",
            ),
        )];
    }
    let someone_has_an_address = connected.iter().any(|l| !routable(l).is_empty());
    connected
        .iter()
        .map(|l| connection(l, state.ipv4_known, someone_has_an_address))
        .collect()
}

fn connection(l: &LinkReading, ipv4_known: bool, another_works: bool) -> Finding {
    let addresses = routable(l);
    let link_local: Vec<String> = l
        .link
        .ipv4
        .iter()
        .chain(l.link.ipv6.iter())
        .map(|a| a.address.clone())
        .collect();
    let mut f = if !addresses.is_empty() {
        sentenced(
            ID,
            CheckStatus::Ok,
            Some(Sentence::same(addresses.join(", "))),
            None,
            Sentence::new(
                "Connecté au réseau, avec une adresse.",
                "Connected to the network, with an address.",
            ),
        )
    } else if !ipv4_known {
        sentenced(
            ID,
            CheckStatus::Unknown,
            Some(Sentence::new(
                "adresses IPv4 illisibles",
                "IPv4 addresses not readable",
            )),
            None,
            Sentence::new(
                "Connecté, mais les adresses de cet ordinateur ne peuvent pas être lues ici.",
                "Connected, but this computer's addresses cannot be read here.",
            ),
        )
    } else {
        let measured = if link_local.is_empty() {
            Sentence::new("aucune adresse", "no address")
        } else {
            worded!(
                "{} (adresses locales au lien seulement : pas de réponse DHCP)",
                "{} (link-local only: no DHCP answer)",
                link_local.join(", ")
            )
        };
        let mut f = sentenced(
            ID,
            if another_works {
                CheckStatus::Warning
            } else {
                CheckStatus::Problem
            },
            Some(measured),
            Some(Sentence::new(
                "une adresse hors de 169.254.0.0/16 et fe80::/10",
                "an address outside 169.254.0.0/16 and fe80::/10",
            )),
            Sentence::new(
                "Cette connexion est branchée, mais le réseau ne lui a pas donné d'adresse (pas de réponse DHCP) : renouvelez la connexion, ou débranchez et rebranchez.",
                "This connection is plugged in, but the network gave it no address (no DHCP answer): renew the connection, or unplug it and plug it back in.",
            ),
        );
        f.fixes = vec!["network-renew".into()];
        f
    };
    f.subject = Some(l.link.name.clone());
    f
}

#[cfg(test)]
mod tests {
    use super::super::connectivity::tests::{recorded_vm, unplugged};
    use super::*;
    use guichet_inventory::parse::ip_json;

    fn summary(fs: &[Finding]) -> Vec<(Option<&str>, CheckStatus, Option<&str>)> {
        fs.iter()
            .map(|f| {
                let en = f.measured.as_ref().map(|m| m.en.as_str());
                (f.subject.as_deref(), f.status, en)
            })
            .collect()
    }

    #[test]
    fn the_recorded_vm_is_connected_with_its_addresses() {
        let fs = evaluate(&recorded_vm());
        assert_eq!(
            summary(&fs),
            [(
                Some("eth0"),
                CheckStatus::Ok,
                Some("192.0.2.2/24, fd00::2/64")
            )]
        );
    }

    #[test]
    fn unplugged_is_a_problem_naming_the_adapter() {
        let fs = evaluate(&unplugged());
        assert_eq!(
            summary(&fs),
            [(None, CheckStatus::Problem, Some("eth0: no carrier"))]
        );
        assert_eq!(fs[0].measured.as_ref().unwrap().fr, "eth0 : pas de liaison");
    }

    /// Recorded `unshare -n -- ip -j addr show` (guichet-inventory's `ip_json` fixtures).
    #[test]
    fn a_machine_without_any_adapter_is_not_connected() {
        let json = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../guichet-inventory/tests/fixtures/ip_json/netns-empty-addr.json"
        ));
        let s = NetworkState {
            links: ip_json::parse(json)
                .unwrap()
                .into_iter()
                .map(|link| LinkReading {
                    link,
                    ..Default::default()
                })
                .collect(),
            ipv4_known: true,
            ..Default::default()
        };
        assert_eq!(
            summary(&evaluate(&s)),
            [(None, CheckStatus::Problem, Some("no network adapter"))]
        );
        assert!(super::super::connectivity::is_offline(&s));
    }

    #[test]
    fn a_169_254_address_means_no_dhcp_answer() {
        let mut s = unplugged();
        let eth = s.links.iter_mut().find(|l| l.link.name == "eth0").unwrap();
        eth.link.flags.push("LOWER_UP".into());
        eth.link.ipv4 = vec![ip_json::ip_address("169.254.23.7", 16).unwrap()];
        let fs = evaluate(&s);
        assert_eq!(fs[0].status, CheckStatus::Problem);
        assert_eq!(fs[0].fixes, ["network-renew"]);
        let m = fs[0].measured.as_ref().unwrap();
        assert!(
            m.en.starts_with("169.254.23.7, fe80::fc:ff:fe00:1"),
            "{m:?}"
        );
        assert!(m
            .fr
            .ends_with("(adresses locales au lien seulement : pas de réponse DHCP)"));
        // Another connection that works makes it a warning only.
        let mut wifi = s
            .links
            .iter()
            .find(|l| l.link.name == "eth0")
            .unwrap()
            .clone();
        wifi.link.name = "wlan0".into();
        wifi.link.ipv4 = vec![ip_json::ip_address("10.1.2.3", 24).unwrap()];
        s.links.push(wifi);
        let fs = evaluate(&s);
        assert_eq!(
            fs.iter().map(|f| f.status).collect::<Vec<_>>(),
            [CheckStatus::Warning, CheckStatus::Ok]
        );
    }

    #[test]
    fn bridge_ports_and_container_pairs_are_not_connections() {
        let json = r#"[
 {"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"operstate":"UNKNOWN","link_type":"loopback","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},
 {"ifindex":2,"ifname":"enp3s0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"master":"br0","operstate":"UP","link_type":"ether","addr_info":[]},
 {"ifindex":3,"ifname":"br0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"operstate":"UP","link_type":"ether","addr_info":[{"family":"inet","local":"192.168.1.20","prefixlen":24,"dynamic":true}]},
 {"ifindex":4,"ifname":"veth1a2b","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"operstate":"UP","link_type":"ether","addr_info":[{"family":"inet6","local":"fe80::1","prefixlen":64}]}]"#;
        let links = ip_json::parse(json).unwrap();
        let s = NetworkState {
            links: links
                .into_iter()
                .map(|link| LinkReading {
                    physical: link.name == "enp3s0",
                    wireless: false,
                    link,
                })
                .collect(),
            ipv4_known: true,
            ..Default::default()
        };
        assert_eq!(
            summary(&evaluate(&s)),
            [(Some("br0"), CheckStatus::Ok, Some("192.168.1.20/24"))]
        );
    }
}
