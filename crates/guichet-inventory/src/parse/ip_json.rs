//! `ip -j addr show` (iproute2 JSON): interfaces with their IPv4 and IPv6 addresses. JSON is
//! iproute2's stable interface, unlike its text layout; the kernel offers no file with IPv4
//! addresses per interface, so this is the one command the network collector runs.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Deserialize;

use crate::model::IpAddress;

/// One interface as `ip -j addr` reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpLink {
    /// Kernel interface index.
    pub ifindex: u32,
    /// Interface name.
    pub name: String,
    /// Link-layer address, lower case (`00:00:00:00:00:00` for loopback).
    pub mac: Option<String>,
    /// `link_type`, e.g. `ether`, `loopback`, `none`.
    pub link_type: Option<String>,
    /// IPv4 addresses.
    pub ipv4: Vec<IpAddress>,
    /// IPv6 addresses.
    pub ipv6: Vec<IpAddress>,
    /// Whether an IPv4 address is `dynamic` (has a finite lifetime: set by a DHCP client).
    pub ipv4_dynamic: bool,
    /// The interface flags as `ip` names them (`UP`, `LOWER_UP` = carrier, `NO-CARRIER`,
    /// `LOOPBACK`…).
    pub flags: Vec<String>,
    /// The kernel's operational state (`UP`, `DOWN`, `UNKNOWN` for loopback and tunnels…).
    pub operstate: Option<String>,
    /// The bridge or bond this interface is a port of (which then holds the addresses).
    pub master: Option<String>,
}

impl IpLink {
    /// Whether the interface is switched on (`UP`) and has a carrier (`LOWER_UP`): a cable
    /// plugged in, a Wi-Fi association, a tunnel that is open.
    pub fn has_carrier(&self) -> bool {
        let flag = |f: &str| self.flags.iter().any(|x| x == f);
        flag("UP") && flag("LOWER_UP")
    }

    /// Whether this is the loopback interface (`lo`).
    pub fn is_loopback(&self) -> bool {
        self.link_type.as_deref() == Some("loopback") || self.flags.iter().any(|f| f == "LOOPBACK")
    }
}

#[derive(Deserialize)]
struct RawLink {
    ifindex: Option<u32>,
    ifname: Option<String>,
    address: Option<String>,
    link_type: Option<String>,
    #[serde(default)]
    flags: Vec<String>,
    operstate: Option<String>,
    master: Option<String>,
    #[serde(default)]
    addr_info: Vec<RawAddr>,
}

#[derive(Deserialize)]
struct RawAddr {
    family: Option<String>,
    local: Option<String>,
    prefixlen: Option<u8>,
    #[serde(default)]
    dynamic: bool,
}

/// Parses `ip -j addr show` (also accepts `ip -j link show`, which has no `addr_info`).
pub fn parse(json: &str) -> Result<Vec<IpLink>, serde_json::Error> {
    let raw: Vec<RawLink> = serde_json::from_str(json)?;
    Ok(raw
        .into_iter()
        .filter_map(|r| {
            let name = r.ifname?;
            let mut l = IpLink {
                ifindex: r.ifindex.unwrap_or(0),
                name,
                mac: r.address.map(|a| a.to_ascii_lowercase()),
                link_type: r.link_type,
                flags: r.flags,
                operstate: r.operstate,
                master: r.master,
                ..Default::default()
            };
            for a in r.addr_info {
                let (Some(local), Some(prefix)) = (a.local, a.prefixlen) else {
                    continue;
                };
                let Some(ip) = ip_address(&local, prefix) else {
                    continue;
                };
                match a.family.as_deref() {
                    Some("inet") => {
                        l.ipv4_dynamic |= a.dynamic;
                        l.ipv4.push(ip);
                    }
                    Some("inet6") => l.ipv6.push(ip),
                    _ => {}
                }
            }
            Some(l)
        })
        .collect())
}

/// An address with its prefix length, mask and network computed; `None` for an unparsable
/// address or a prefix longer than the address.
pub fn ip_address(address: &str, prefix_len: u8) -> Option<IpAddress> {
    // Link-local IPv6 addresses may carry a zone (`fe80::1%eth0`).
    let bare = address.split('%').next().unwrap_or(address);
    match bare.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) => {
            if prefix_len > 32 {
                return None;
            }
            let mask = u32::MAX
                .checked_shl(32 - u32::from(prefix_len))
                .unwrap_or(0);
            Some(IpAddress {
                address: a.to_string(),
                prefix_len,
                mask: Ipv4Addr::from(mask).to_string(),
                subnet: Ipv4Addr::from(u32::from(a) & mask).to_string(),
            })
        }
        IpAddr::V6(a) => {
            if prefix_len > 128 {
                return None;
            }
            let mask = u128::MAX
                .checked_shl(128 - u32::from(prefix_len))
                .unwrap_or(0);
            Some(IpAddress {
                address: a.to_string(),
                prefix_len,
                mask: Ipv6Addr::from(mask).to_string(),
                subnet: Ipv6Addr::from(u128::from(a) & mask).to_string(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADDR: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ip_json/debian12-vm-addr.json"
    ));
    const LINK: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ip_json/debian12-vm-link.json"
    ));

    #[test]
    fn vm_addresses_masks_and_subnets() {
        let links = parse(ADDR).expect("valid JSON");
        let names: Vec<&str> = links.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["lo", "ifb0", "ifb1", "eth0"]);
        let eth = &links[3];
        assert_eq!(eth.ifindex, 4);
        assert_eq!(eth.mac.as_deref(), Some("02:fc:00:00:00:01"));
        assert_eq!(eth.ipv4.len(), 1);
        assert_eq!(eth.ipv4[0].address, "192.0.2.2");
        assert_eq!(eth.ipv4[0].prefix_len, 24);
        assert_eq!(eth.ipv4[0].mask, "255.255.255.0");
        assert_eq!(eth.ipv4[0].subnet, "192.0.2.0");
        assert!(!eth.ipv4_dynamic);
        let v6: Vec<(&str, &str)> = eth
            .ipv6
            .iter()
            .map(|a| (a.address.as_str(), a.subnet.as_str()))
            .collect();
        assert_eq!(
            v6,
            [("fd00::2", "fd00::"), ("fe80::fc:ff:fe00:1", "fe80::")]
        );
        assert_eq!(eth.ipv6[0].mask, "ffff:ffff:ffff:ffff::");
        assert_eq!(links[0].ipv4[0].mask, "255.0.0.0");
        assert_eq!(links[0].link_type.as_deref(), Some("loopback"));
        assert!(links[1].ipv4.is_empty());
        assert!(eth.has_carrier() && !eth.is_loopback());
        assert_eq!(eth.operstate.as_deref(), Some("UP"));
        assert!(!links[1].has_carrier(), "ifb0 is down");
        assert!(links[0].is_loopback());
    }

    #[test]
    fn link_output_has_macs_and_no_addresses() {
        let links = parse(LINK).expect("valid JSON");
        assert_eq!(links.len(), 4);
        assert_eq!(links[1].mac.as_deref(), Some("3a:05:b9:25:e6:d5"));
        assert!(links.iter().all(|l| l.ipv4.is_empty()));
    }

    #[test]
    fn dynamic_ipv4_marks_dhcp() {
        let json = r#"[{"ifindex":2,"ifname":"wlp2s0","address":"A4:C3:F0:11:22:33","addr_info":[
            {"family":"inet","local":"192.168.1.23","prefixlen":24,"dynamic":true,"valid_life_time":85000}]}]"#;
        let l = &parse(json).expect("valid")[0];
        assert!(l.ipv4_dynamic);
        assert_eq!(l.mac.as_deref(), Some("a4:c3:f0:11:22:33"));
    }

    #[test]
    fn prefix_edges() {
        let a = ip_address("10.1.2.3", 0).expect("v4");
        assert_eq!((a.mask.as_str(), a.subnet.as_str()), ("0.0.0.0", "0.0.0.0"));
        let a = ip_address("10.1.2.3", 32).expect("v4");
        assert_eq!(a.mask, "255.255.255.255");
        assert_eq!(ip_address("10.1.2.3", 33), None);
        assert_eq!(
            ip_address("fe80::1%eth0", 64).map(|a| a.address),
            Some("fe80::1".into())
        );
        assert_eq!(ip_address("nonsense", 8), None);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse("Object \"addr\" is unknown").is_err());
    }
}
