//! The network state for the checks on Linux: `ip -j addr show` (flags, state, addresses),
//! `/sys/class/net/<if>` (is it a device, is it Wi-Fi; state and carrier when `ip` is
//! missing), `/proc/net/route` and `/proc/net/ipv6_route` (default routes), `/etc/resolv.conf`.

use crate::network_state::{LinkReading, NetworkState};
use crate::parse::ip_json::{self, IpLink};
use crate::parse::net_files;
use crate::probe::Probe;

/// Reads the state through `probe` (its deadline bounds the `ip` command).
pub fn network_state(probe: &Probe) -> NetworkState {
    let from_ip = probe
        .has_program("ip")
        .then(|| probe.run("ip", &["-j", "addr", "show"]).ok())
        .flatten()
        .and_then(|out| ip_json::parse(&out).ok());
    let ipv4_known = from_ip.is_some();
    let links = from_ip.unwrap_or_else(|| from_sysfs(probe));
    let links = links
        .into_iter()
        .map(|link| {
            let base = format!("/sys/class/net/{}", link.name);
            LinkReading {
                physical: probe.exists(format!("{base}/device")),
                wireless: probe.exists(format!("{base}/wireless"))
                    || probe.exists(format!("{base}/phy80211")),
                link,
            }
        })
        .collect();
    let read = |path: &str| probe.read(path).unwrap_or_default();
    NetworkState {
        links,
        ipv4_known,
        ipv4_routes: net_files::ipv4_default_routes(&read("/proc/net/route")),
        ipv6_routes: net_files::ipv6_default_routes(&read("/proc/net/ipv6_route")),
        nameservers: net_files::nameservers(&read("/etc/resolv.conf")),
    }
}

/// Interfaces without `ip`: flags from sysfs (`flags` bit 0 is `IFF_UP`, `carrier` is 1 with a
/// carrier), IPv6 addresses from `/proc/net/if_inet6`; IPv4 addresses stay unknown.
fn from_sysfs(probe: &Probe) -> Vec<IpLink> {
    let v6 = probe
        .read("/proc/net/if_inet6")
        .map(|t| net_files::if_inet6(&t))
        .unwrap_or_default();
    probe
        .list("/sys/class/net")
        .into_iter()
        .map(|name| {
            let attr = |a: &str| probe.attr(format!("/sys/class/net/{name}/{a}"));
            let flags = attr("flags")
                .and_then(|f| u32::from_str_radix(f.trim_start_matches("0x"), 16).ok())
                .unwrap_or(0);
            let mut names = Vec::new();
            if flags & 0x1 != 0 {
                names.push("UP".to_string());
            }
            if flags & 0x8 != 0 {
                names.push("LOOPBACK".to_string());
            }
            if attr("carrier").as_deref() == Some("1") {
                names.push("LOWER_UP".to_string());
            }
            IpLink {
                ipv6: v6
                    .iter()
                    .filter(|(n, _)| *n == name)
                    .map(|(_, a)| a.clone())
                    .collect(),
                operstate: attr("operstate").map(|s| s.to_ascii_uppercase()),
                flags: names,
                name,
                ..Default::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::fake_root::{t0, write};

    #[test]
    fn without_ip_the_state_comes_from_sysfs_and_ipv4_is_unknown() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = dir.path();
        write(r, "sys/class/net/eth0/flags", "0x1003\n");
        write(r, "sys/class/net/eth0/carrier", "1\n");
        write(r, "sys/class/net/eth0/operstate", "up\n");
        write(r, "sys/class/net/eth0/device/vendor", "0x1af4\n");
        write(r, "sys/class/net/wlan0/flags", "0x1002\n");
        write(r, "sys/class/net/wlan0/operstate", "down\n");
        write(r, "sys/class/net/wlan0/device/vendor", "0x8086\n");
        write(r, "sys/class/net/wlan0/wireless/x", "");
        write(
            r,
            "proc/net/if_inet6",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/proc_net/if_inet6-debian12-vm"
            )),
        );
        write(
            r,
            "proc/net/route",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/proc_net/route-debian12-vm"
            )),
        );
        write(r, "etc/resolv.conf", "nameserver 10.255.255.53\n");
        let s = network_state(&Probe::fixture(r, t0()));
        assert!(!s.ipv4_known);
        let names: Vec<(&str, bool, bool, bool)> = s
            .links
            .iter()
            .map(|l| {
                (
                    l.link.name.as_str(),
                    l.link.has_carrier(),
                    l.physical,
                    l.wireless,
                )
            })
            .collect();
        assert_eq!(
            names,
            [("eth0", true, true, false), ("wlan0", false, true, true)]
        );
        assert_eq!(s.links[0].link.ipv6[0].address, "fd00::2");
        assert_eq!(s.links[0].link.operstate.as_deref(), Some("UP"));
        assert_eq!(s.ipv4_routes[0].gateway, "192.0.2.1");
        assert!(s.ipv6_routes.is_empty());
        assert_eq!(s.nameservers, ["10.255.255.53"]);
    }

    /// On the real host: what `ip` says about carriers matches sysfs's `carrier` files.
    #[test]
    fn host_carriers_match_sysfs() {
        let probe = Probe::system(t0(), std::time::Duration::from_secs(5));
        if !probe.has_program("ip") {
            return;
        }
        let s = network_state(&probe);
        assert!(s.ipv4_known);
        for l in &s.links {
            let carrier = probe.attr(format!("/sys/class/net/{}/carrier", l.link.name));
            if carrier.as_deref() == Some("1") {
                assert!(l.link.flags.iter().any(|f| f == "LOWER_UP"), "{l:?}");
            }
        }
    }
}
