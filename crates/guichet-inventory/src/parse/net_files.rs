//! Network state kept in files: default routes (`/proc/net/route`, `/proc/net/ipv6_route`),
//! IPv6 addresses (`/proc/net/if_inet6`, when `ip` is missing), DNS servers (`resolv.conf`) and
//! DHCP leases (systemd-networkd, NetworkManager's internal client, dhclient).

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::model::IpAddress;

/// A default route: which interface, through which gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultRoute {
    /// Interface name.
    pub interface: String,
    /// Gateway address.
    pub gateway: String,
}

/// IPv4 default routes from `/proc/net/route`, lowest metric first. Addresses there are
/// the raw network-order word printed as a host-order integer, so its native bytes are the address.
pub fn ipv4_default_routes(text: &str) -> Vec<DefaultRoute> {
    const RTF_UP: u32 = 0x1;
    const RTF_GATEWAY: u32 = 0x2;
    let mut routes: Vec<(u32, DefaultRoute)> = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 8 {
            continue;
        }
        let hex = |s: &str| u32::from_str_radix(s, 16).ok();
        let (Some(dest), Some(gw), Some(flags), Some(mask)) =
            (hex(f[1]), hex(f[2]), hex(f[3]), hex(f[7]))
        else {
            continue;
        };
        let metric = f[6].parse().unwrap_or(u32::MAX);
        if dest == 0 && mask == 0 && flags & RTF_UP != 0 && flags & RTF_GATEWAY != 0 && gw != 0 {
            let gateway = Ipv4Addr::from(gw.to_ne_bytes()).to_string();
            routes.push((
                metric,
                DefaultRoute {
                    interface: f[0].to_string(),
                    gateway,
                },
            ));
        }
    }
    routes.sort_by_key(|r| r.0);
    routes.into_iter().map(|r| r.1).collect()
}

/// Whether `/proc/net/route` lists any route to `0.0.0.0` (a default route), whatever its
/// flags: the quick "is there a way out" test of a connectivity poll.
pub fn any_default_route(route_table: &str) -> bool {
    route_table
        .lines()
        .skip(1)
        .any(|l| l.split_whitespace().nth(1) == Some("00000000"))
}

fn ipv6_from_hex(s: &str) -> Option<Ipv6Addr> {
    (s.len() == 32).then(|| u128::from_str_radix(s, 16).ok().map(Ipv6Addr::from))?
}

/// IPv6 default routes from `/proc/net/ipv6_route` (`::/0` with a next hop), lowest metric first.
pub fn ipv6_default_routes(text: &str) -> Vec<DefaultRoute> {
    let mut routes: Vec<(u32, DefaultRoute)> = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 10 {
            continue;
        }
        let (Some(dest), Some(hop)) = (ipv6_from_hex(f[0]), ipv6_from_hex(f[4])) else {
            continue;
        };
        if dest.is_unspecified() && f[1] == "00" && !hop.is_unspecified() {
            let metric = u32::from_str_radix(f[5], 16).unwrap_or(u32::MAX);
            routes.push((
                metric,
                DefaultRoute {
                    interface: f[9].to_string(),
                    gateway: hop.to_string(),
                },
            ));
        }
    }
    routes.sort_by_key(|r| r.0);
    routes.into_iter().map(|r| r.1).collect()
}

/// IPv6 addresses per interface name from `/proc/net/if_inet6`.
pub fn if_inet6(text: &str) -> Vec<(String, IpAddress)> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 6 {
                return None;
            }
            let addr = ipv6_from_hex(f[0])?;
            let prefix = u8::from_str_radix(f[2], 16).ok()?;
            let ip = super::ip_json::ip_address(&addr.to_string(), prefix)?;
            Some((f[5].to_string(), ip))
        })
        .collect()
}

/// `nameserver` entries of a `resolv.conf`, in order, without duplicates.
pub fn nameservers(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut w = line.split_whitespace();
        if w.next() == Some("nameserver") {
            if let Some(ns) = w.next() {
                if !out.iter().any(|o| o == ns) {
                    out.push(ns.to_string());
                }
            }
        }
    }
    out
}

/// What a DHCP lease says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lease {
    /// Interface the lease is for, when the file names it.
    pub interface: Option<String>,
    /// Leased address.
    pub address: Option<String>,
    /// DHCP server identifier.
    pub server: Option<String>,
}

/// A `KEY=value` lease, as written by systemd-networkd (`/run/systemd/netif/leases/<ifindex>`)
/// and NetworkManager's internal client (`/var/lib/NetworkManager/internal-*-<ifname>.lease`).
pub fn keyvalue_lease(text: &str) -> Lease {
    let mut l = Lease::default();
    for line in text.lines() {
        if let Some((k, v)) = line.split_once('=') {
            let v = v.trim().to_string();
            match k.trim() {
                "ADDRESS" => l.address = Some(v),
                "SERVER_ADDRESS" => l.server = Some(v),
                _ => {}
            }
        }
    }
    l
}

/// The `lease { … }` blocks of a dhclient leases file, oldest first.
pub fn dhclient_leases(text: &str) -> Vec<Lease> {
    let mut out = Vec::new();
    let mut cur: Option<Lease> = None;
    for line in text.lines() {
        let l = line.trim().trim_end_matches(';').trim();
        if l.starts_with("lease") && l.ends_with('{') {
            cur = Some(Lease::default());
        } else if l == "}" {
            if let Some(c) = cur.take() {
                out.push(c);
            }
        } else if let Some(c) = cur.as_mut() {
            if let Some(v) = l.strip_prefix("interface ") {
                c.interface = Some(v.trim_matches('"').to_string());
            } else if let Some(v) = l.strip_prefix("fixed-address ") {
                c.address = Some(v.trim().to_string());
            } else if let Some(v) = l.strip_prefix("option dhcp-server-identifier ") {
                c.server = Some(v.trim().to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! fixture {
        ($f:literal) => {
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/proc_net/",
                $f
            ))
        };
    }

    #[test]
    fn default_route_is_found_in_the_kernel_table() {
        assert!(any_default_route(fixture!("route-debian12-vm")));
        assert!(any_default_route(fixture!("route-debian12-container")));
        let with =
            "Iface\tDestination\tGateway\nеth0\t00000000\t0102A8C0\neth0\t0002A8C0\t00000000\n";
        let without = "Iface\tDestination\tGateway\neth0\t0002A8C0\t00000000\n";
        assert!(any_default_route(with));
        assert!(!any_default_route(without));
        assert!(!any_default_route(""));
    }

    #[test]
    fn vm_default_routes() {
        let v4 = ipv4_default_routes(fixture!("route-debian12-vm"));
        assert_eq!(
            v4,
            [DefaultRoute {
                interface: "eth0".into(),
                gateway: "192.0.2.1".into()
            }]
        );
        let v6 = ipv6_default_routes(fixture!("ipv6_route-debian12-vm"));
        assert_eq!(
            v6,
            [DefaultRoute {
                interface: "eth0".into(),
                gateway: "fd00::1".into()
            }]
        );
    }

    #[test]
    fn vm_ipv6_addresses_from_if_inet6() {
        let a = if_inet6(fixture!("if_inet6-debian12-vm"));
        let got: Vec<(&str, &str, u8)> = a
            .iter()
            .map(|(n, ip)| (n.as_str(), ip.address.as_str(), ip.prefix_len))
            .collect();
        assert_eq!(
            got,
            [
                ("eth0", "fd00::2", 64),
                ("lo", "::1", 128),
                ("eth0", "fe80::fc:ff:fe00:1", 64)
            ]
        );
    }

    #[test]
    fn vm_resolv_conf() {
        assert_eq!(
            nameservers(fixture!("resolv.conf-debian12-vm")),
            ["10.255.255.53"]
        );
        let stub = "# This is /run/systemd/resolve/stub-resolv.conf\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n";
        assert_eq!(nameservers(stub), ["127.0.0.53"]);
    }

    #[test]
    fn networkd_lease_server_and_address() {
        let text = "# This is private data. Do not parse.\nADDRESS=192.168.1.23\nNETMASK=255.255.255.0\nROUTER=192.168.1.1\nSERVER_ADDRESS=192.168.1.1\nLIFETIME=86400\n";
        let l = keyvalue_lease(text);
        assert_eq!(l.address.as_deref(), Some("192.168.1.23"));
        assert_eq!(l.server.as_deref(), Some("192.168.1.1"));
    }

    #[test]
    fn dhclient_leases_in_order() {
        let text = r#"lease {
  interface "eth0";
  fixed-address 10.0.0.5;
  option subnet-mask 255.255.255.0;
  option dhcp-server-identifier 10.0.0.1;
  renew 2 2024/01/02 10:00:00;
}
lease {
  interface "eth0";
  fixed-address 10.0.0.7;
  option dhcp-server-identifier 10.0.0.2;
}
"#;
        let l = dhclient_leases(text);
        assert_eq!(l.len(), 2);
        assert_eq!(l[1].interface.as_deref(), Some("eth0"));
        assert_eq!(l[1].address.as_deref(), Some("10.0.0.7"));
        assert_eq!(l[1].server.as_deref(), Some("10.0.0.2"));
    }
}
