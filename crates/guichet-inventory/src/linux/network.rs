//! Network interfaces on Linux.
//!
//! * Interfaces, MAC, MTU, state, speed, kind, driver and PCI slot: `/sys/class/net/<if>`.
//! * Addresses: `ip -j addr show` (the kernel exposes IPv4 addresses in no file); without `ip`,
//!   IPv6 addresses come from `/proc/net/if_inet6` and IPv4 is recorded as unavailable.
//! * Default gateways: `/proc/net/route` and `/proc/net/ipv6_route`.
//! * DNS servers: `/etc/resolv.conf`; when it points to systemd-resolved's stub (`127.0.0.53`),
//!   the real upstream servers from `/run/systemd/resolve/resolv.conf`.
//! * DHCP, first evidence wins, in this order: a systemd-networkd lease
//!   (`/run/systemd/netif/leases/<ifindex>`), a NetworkManager internal-client lease
//!   (`/var/lib/NetworkManager/internal-*-<if>.lease`), a dhclient lease (NetworkManager's
//!   `/var/lib/NetworkManager/dhclient*-<if>.lease`, ifupdown's `/var/lib/dhcp/dhclient*.leases`)
//!   — each only when its address is one the interface holds now, since lease files outlive
//!   the connection — then the `dynamic` flag `ip` shows on an IPv4 address. An interface with
//!   IPv4 addresses and none of these is static (`dhcp = false`).

use crate::collect::{Section, SourceError};
use crate::model::{Category, CollectErrorKind, NetworkInterface};
use crate::parse::ip_json::{self, IpLink};
use crate::parse::net_files::{self, Lease};
use crate::parse::udev;
use crate::probe::Probe;

/// Collects interfaces, gateways and DNS servers.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    let names = probe.list("/sys/class/net");
    if names.is_empty() {
        return Err(SourceError::new(
            CollectErrorKind::Unavailable,
            "/sys/class/net is empty or not readable",
        ));
    }
    let mut section = Section::default();
    let links = addresses(probe, &mut section);

    let v4 = probe
        .read("/proc/net/route")
        .map(|t| net_files::ipv4_default_routes(&t))
        .unwrap_or_default();
    let v6 = probe
        .read("/proc/net/ipv6_route")
        .map(|t| net_files::ipv6_default_routes(&t))
        .unwrap_or_default();
    for g in v4.iter().chain(v6.iter()) {
        if !section.found.gateways.contains(&g.gateway) {
            section.found.gateways.push(g.gateway.clone());
        }
    }
    section.found.dns_servers = dns_servers(probe);

    for name in names {
        let mut n = interface(probe, &name);
        let ifindex = probe.attr(format!("/sys/class/net/{name}/ifindex"));
        if let Some(l) = links.iter().find(|l| l.name == name) {
            n.ipv4 = l.ipv4.clone();
            n.ipv6 = l.ipv6.clone();
            if n.mac.is_none() {
                n.mac = l.mac.clone().filter(|m| is_mac(m));
            }
        }
        n.gateway = v4
            .iter()
            .find(|r| r.interface == name)
            .map(|r| r.gateway.clone());
        if n.kind != "loopback" {
            let dynamic = links.iter().any(|l| l.name == name && l.ipv4_dynamic);
            (n.dhcp, n.dhcp_server) = dhcp(probe, &n, ifindex.as_deref(), dynamic);
        }
        section.found.network.push(n);
    }
    Ok(section)
}

/// Addresses per interface: `ip -j addr`, else IPv6 only from `/proc/net/if_inet6`.
fn addresses(probe: &Probe, section: &mut Section) -> Vec<IpLink> {
    if probe.has_program("ip") {
        match probe.run("ip", &["-j", "addr", "show"]) {
            Ok(out) => match ip_json::parse(&out) {
                Ok(l) => return l,
                Err(e) => section.error(
                    Category::Network,
                    "ip -j addr",
                    SourceError::new(CollectErrorKind::Parse, e.to_string()),
                ),
            },
            Err(e) => section.error(Category::Network, "ip -j addr", e),
        }
    } else {
        section.error(
            Category::Network,
            "ip -j addr",
            SourceError::new(
                CollectErrorKind::Unavailable,
                "`ip` (iproute2) is not installed: IPv4 addresses are not collected",
            ),
        );
    }
    let mut links: Vec<IpLink> = Vec::new();
    if let Ok(t) = probe.read("/proc/net/if_inet6") {
        for (name, ip) in net_files::if_inet6(&t) {
            match links.iter_mut().find(|l| l.name == name) {
                Some(l) => l.ipv6.push(ip),
                None => links.push(IpLink {
                    name,
                    ipv6: vec![ip],
                    ..Default::default()
                }),
            }
        }
    }
    links
}

/// A real MAC: six or more colon-separated octets, not all zero.
fn is_mac(m: &str) -> bool {
    m.split(':').count() >= 6 && m.chars().any(|c| c.is_ascii_hexdigit() && c != '0')
}

/// What sysfs says about one interface.
fn interface(probe: &Probe, name: &str) -> NetworkInterface {
    let base = format!("/sys/class/net/{name}");
    let attr = |a: &str| probe.attr(format!("{base}/{a}"));
    let uevent = attr("uevent").unwrap_or_default();
    let devtype = uevent
        .lines()
        .find_map(|l| l.strip_prefix("DEVTYPE="))
        .unwrap_or("");
    let arphrd: u32 = attr("type").and_then(|t| t.parse().ok()).unwrap_or(0);
    let has_device = probe.exists(format!("{base}/device"));
    let kind = if arphrd == 772 {
        "loopback"
    } else if probe.exists(format!("{base}/wireless"))
        || probe.exists(format!("{base}/phy80211"))
        || devtype == "wlan"
    {
        "wifi"
    } else if probe.exists(format!("{base}/bridge")) || devtype == "bridge" {
        "bridge"
    } else if devtype == "vlan" || probe.exists(format!("/proc/net/vlan/{name}")) {
        "vlan"
    } else if matches!(arphrd, 768 | 769 | 776 | 778 | 823 | 65534) || devtype == "wireguard" {
        // ipip, ip6tnl, sit, gre, ip6gre, and `none` (tun, WireGuard).
        "tunnel"
    } else if arphrd == 1 {
        "ethernet"
    } else {
        "other"
    };
    let driver = probe
        .link(format!("{base}/device/driver"))
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
    let pci_slot = probe
        .link(&base)
        .and_then(|p| pci_slot_of(&p.to_string_lossy()));
    let description = attr("ifindex")
        .and_then(|i| probe.read(format!("/run/udev/data/n{i}")).ok())
        .and_then(|t| {
            udev::parse(&t)
                .get("ID_MODEL_FROM_DATABASE")
                .map(str::to_string)
        })
        .or_else(|| driver.clone());
    NetworkInterface {
        name: name.to_string(),
        description,
        mac: attr("address")
            .map(|a| a.to_ascii_lowercase())
            .filter(|m| is_mac(m)),
        speed_mbps: attr("speed")
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|s| *s > 0)
            .map(|s| s as u64),
        mtu: attr("mtu").and_then(|m| m.parse().ok()),
        status: attr("operstate").unwrap_or_else(|| "unknown".to_string()),
        kind: kind.to_string(),
        virtual_device: !has_device || arphrd == 772,
        driver,
        pci_slot,
        ..Default::default()
    }
}

/// The last `dddd:bb:dd.f` component of a sysfs device path.
fn pci_slot_of(path: &str) -> Option<String> {
    path.split('/')
        .rfind(|c| {
            let b = c.as_bytes();
            b.len() == 12 && b[4] == b':' && b[7] == b':' && b[10] == b'.'
        })
        .map(str::to_string)
}

fn dns_servers(probe: &Probe) -> Vec<String> {
    let Ok(t) = probe.read("/etc/resolv.conf") else {
        return Vec::new();
    };
    let ns = net_files::nameservers(&t);
    if !ns.iter().any(|n| n == "127.0.0.53") {
        return ns;
    }
    let upstream = probe
        .read("/run/systemd/resolve/resolv.conf")
        .map(|t| net_files::nameservers(&t))
        .unwrap_or_default();
    if upstream.is_empty() {
        return ns;
    }
    let mut out: Vec<String> = ns.into_iter().filter(|n| n != "127.0.0.53").collect();
    for u in upstream {
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out
}

/// DHCP state and server of an interface, in the order documented at the top of this file.
fn dhcp(
    probe: &Probe,
    n: &NetworkInterface,
    ifindex: Option<&str>,
    dynamic: bool,
) -> (Option<bool>, Option<String>) {
    let holds = |l: &Lease| {
        l.address
            .as_deref()
            .is_some_and(|a| n.ipv4.iter().any(|ip| ip.address == a))
    };
    if let Some(i) = ifindex {
        if let Ok(t) = probe.read(format!("/run/systemd/netif/leases/{i}")) {
            let l = net_files::keyvalue_lease(&t);
            if holds(&l) {
                return (Some(true), l.server);
            }
        }
    }
    let nm = "/var/lib/NetworkManager";
    for f in probe.list(nm) {
        if !f.ends_with(&format!("-{}.lease", n.name)) {
            continue;
        }
        let Ok(t) = probe.read(format!("{nm}/{f}")) else {
            continue;
        };
        let leases = if f.starts_with("internal-") {
            vec![net_files::keyvalue_lease(&t)]
        } else {
            net_files::dhclient_leases(&t)
        };
        if let Some(l) = leases.iter().rev().find(|l| holds(l)) {
            return (Some(true), l.server.clone());
        }
    }
    let dh = "/var/lib/dhcp";
    for f in probe.list(dh) {
        if !(f.starts_with("dhclient") && f.ends_with(".leases")) {
            continue;
        }
        let Ok(t) = probe.read(format!("{dh}/{f}")) else {
            continue;
        };
        let leases = net_files::dhclient_leases(&t);
        if let Some(l) = leases
            .iter()
            .rev()
            .find(|l| holds(l) && l.interface.as_deref().is_none_or(|i| i == n.name))
        {
            return (Some(true), l.server.clone());
        }
    }
    if dynamic {
        return (Some(true), None);
    }
    if n.ipv4.is_empty() {
        (None, None)
    } else {
        (Some(false), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::fake_root::{link, t0, write};
    use std::fs;

    use std::path::Path;

    /// Creates `/sys/devices/<devpath>/net/<name>` and the `/sys/class/net/<name>` link.
    fn iface(root: &Path, devpath: &str, name: &str, attrs: &[(&str, &str)]) {
        let real = format!("sys/devices/{devpath}/net/{name}");
        for (k, v) in attrs {
            write(root, &format!("{real}/{k}"), v);
        }
        link(
            root,
            &format!("sys/class/net/{name}"),
            &format!("../../devices/{devpath}/net/{name}"),
        );
    }

    #[test]
    #[allow(clippy::too_many_lines)] // one fixture tree, checked interface by interface
    fn laptop_interfaces_without_ip_command() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = dir.path();
        iface(
            r,
            "virtual",
            "lo",
            &[
                ("type", "772\n"),
                ("address", "00:00:00:00:00:00\n"),
                ("mtu", "65536\n"),
                ("operstate", "unknown\n"),
                ("ifindex", "1\n"),
            ],
        );
        let pci = "pci0000:00/0000:00:1f.6";
        iface(
            r,
            pci,
            "enp0s31f6",
            &[
                ("type", "1\n"),
                ("address", "54:E1:AD:12:34:56\n"),
                ("mtu", "1500\n"),
                ("operstate", "up\n"),
                ("speed", "1000\n"),
                ("ifindex", "2\n"),
            ],
        );
        link(
            r,
            &format!("sys/devices/{pci}/net/enp0s31f6/device"),
            "../../../0000:00:1f.6",
        );
        write(r, &format!("sys/devices/{pci}/uevent"), "");
        link(
            r,
            &format!("sys/devices/{pci}/driver"),
            "../../../bus/pci/drivers/e1000e",
        );
        write(
            r,
            "run/udev/data/n2",
            "E:ID_MODEL_FROM_DATABASE=Ethernet Connection (4) I219-LM\nE:ID_BUS=pci\n",
        );
        let wpci = "pci0000:00/0000:00:14.3";
        iface(
            r,
            wpci,
            "wlp0s20f3",
            &[
                ("type", "1\n"),
                ("address", "a4:c3:f0:11:22:33\n"),
                ("mtu", "1500\n"),
                ("operstate", "down\n"),
                ("speed", "-1\n"),
                ("ifindex", "3\n"),
                ("uevent", "DEVTYPE=wlan\nINTERFACE=wlp0s20f3\nIFINDEX=3\n"),
            ],
        );
        link(
            r,
            &format!("sys/devices/{wpci}/net/wlp0s20f3/device"),
            "../../../0000:00:14.3",
        );
        fs::create_dir_all(r.join(format!("sys/devices/{wpci}/net/wlp0s20f3/wireless")))
            .expect("mkdir");
        iface(
            r,
            "virtual",
            "docker0",
            &[
                ("type", "1\n"),
                ("address", "02:42:ac:11:00:01\n"),
                ("operstate", "down\n"),
            ],
        );
        fs::create_dir_all(r.join("sys/devices/virtual/net/docker0/bridge")).expect("mkdir");
        write(
            r,
            "proc/net/if_inet6",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/proc_net/if_inet6-debian12-vm"
            ))
            .replace("eth0", "enp0s31f6")
            .as_str(),
        );
        write(
            r,
            "proc/net/route",
            &include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/proc_net/route-debian12-vm"
            ))
            .replace("eth0", "enp0s31f6"),
        );
        write(
            r,
            "etc/resolv.conf",
            "nameserver 127.0.0.53\noptions edns0 trust-ad\n",
        );
        write(
            r,
            "run/systemd/resolve/resolv.conf",
            "nameserver 192.168.1.1\nnameserver fd00::1\nsearch lan\n",
        );

        let s = collect(&Probe::fixture(r, t0())).expect("collected");
        // No `ip` in a fixture probe: IPv4 is reported missing, not silently empty.
        assert_eq!(s.errors.len(), 1);
        assert_eq!(s.errors[0].kind, CollectErrorKind::Unavailable);
        assert_eq!(s.found.gateways, ["192.0.2.1"]);
        assert_eq!(s.found.dns_servers, ["192.168.1.1", "fd00::1"]);
        let n = &s.found.network;
        let names: Vec<&str> = n.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["docker0", "enp0s31f6", "lo", "wlp0s20f3"]);

        assert_eq!(n[0].kind, "bridge");
        assert!(n[0].virtual_device);

        let e = &n[1];
        assert_eq!(e.kind, "ethernet");
        assert!(!e.virtual_device);
        assert_eq!(e.mac.as_deref(), Some("54:e1:ad:12:34:56"));
        assert_eq!(e.speed_mbps, Some(1000));
        assert_eq!(e.mtu, Some(1500));
        assert_eq!(e.status, "up");
        assert_eq!(e.driver.as_deref(), Some("e1000e"));
        assert_eq!(e.pci_slot.as_deref(), Some("0000:00:1f.6"));
        assert_eq!(
            e.description.as_deref(),
            Some("Ethernet Connection (4) I219-LM")
        );
        assert_eq!(e.gateway.as_deref(), Some("192.0.2.1"));
        let v6: Vec<&str> = e.ipv6.iter().map(|a| a.address.as_str()).collect();
        assert_eq!(v6, ["fd00::2", "fe80::fc:ff:fe00:1"]);
        assert_eq!(e.dhcp, None, "no IPv4 known: DHCP undecidable");

        let lo = &n[2];
        assert_eq!(lo.kind, "loopback");
        assert!(lo.virtual_device);
        assert_eq!(lo.mac, None);
        assert_eq!(lo.ipv6[0].address, "::1");

        let w = &n[3];
        assert_eq!(w.kind, "wifi");
        assert_eq!(w.speed_mbps, None);
        assert_eq!(w.pci_slot.as_deref(), Some("0000:00:14.3"));
    }

    #[test]
    fn dhcp_lease_counts_only_for_the_current_address() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = dir.path();
        write(
            r,
            "run/systemd/netif/leases/2",
            "ADDRESS=10.0.0.9\nSERVER_ADDRESS=10.0.0.1\n",
        );
        write(
            r,
            "var/lib/NetworkManager/internal-0c7b-eth0.lease",
            "ADDRESS=192.168.1.23\nSERVER_ADDRESS=192.168.1.254\n",
        );
        let mut n = NetworkInterface {
            name: "eth0".into(),
            ipv4: vec![ip_json::ip_address("192.168.1.23", 24).expect("ip")],
            ..Default::default()
        };
        let p = Probe::fixture(r, t0());
        assert_eq!(
            dhcp(&p, &n, Some("2"), false),
            (Some(true), Some("192.168.1.254".into()))
        );
        n.ipv4 = vec![ip_json::ip_address("172.16.0.5", 16).expect("ip")];
        assert_eq!(dhcp(&p, &n, Some("2"), false), (Some(false), None));
        assert_eq!(dhcp(&p, &n, Some("2"), true), (Some(true), None));
        write(
            r,
            "var/lib/dhcp/dhclient.eth0.leases",
            "lease {\n  interface \"eth0\";\n  fixed-address 172.16.0.5;\n  option dhcp-server-identifier 172.16.0.1;\n}\n",
        );
        assert_eq!(
            dhcp(&p, &n, Some("2"), false),
            (Some(true), Some("172.16.0.1".into()))
        );
    }

    /// On the real host: every MAC `ip -j link` shows is the one we report.
    #[test]
    fn host_macs_match_ip_link() {
        let probe = Probe::system(t0(), std::time::Duration::from_secs(10));
        if !probe.has_program("ip") || !Path::new("/sys/class/net").exists() {
            return;
        }
        let Ok(out) = probe.run("ip", &["-j", "link", "show"]) else {
            return;
        };
        let theirs = ip_json::parse(&out).expect("ip -j link JSON");
        let ours = collect(&probe).expect("collected").found.network;
        for l in theirs {
            let Some(o) = ours.iter().find(|o| o.name == l.name) else {
                continue; // appeared between the two reads
            };
            match l.mac.filter(|m| is_mac(m)) {
                Some(m) => assert_eq!(o.mac.as_deref(), Some(m.as_str()), "{}", l.name),
                None => assert_eq!(o.mac, None, "{}", l.name),
            }
        }
    }
}
