//! Network adapters with their addresses, and the DNS servers and gateways.

use super::WmiRecord;
use crate::model::{IpAddress, NetworkInterface};

/// `Win32_NetworkAdapterConfiguration` joined on `Index` with `Win32_NetworkAdapter`.
///
/// Kept: adapters with IP enabled, and physical adapters (`PhysicalAdapter=TRUE`, or, on XP
/// which lacks that property, any adapter with a MAC address that is not a WAN miniport).
/// Skipped: the WAN miniports and tunnels Windows lists by the dozen without addresses.
pub fn network(configs: &[WmiRecord], adapters: &[WmiRecord]) -> Vec<NetworkInterface> {
    configs
        .iter()
        .filter_map(|cfg| {
            let index = cfg.get("Index");
            interface(cfg, adapters.iter().find(|a| a.get("Index") == index))
        })
        .collect()
}

/// One configuration with its adapter (when found) to an interface; `None` when the adapter
/// is neither IP-enabled nor physical (see [`network`]).
fn interface(cfg: &WmiRecord, adapter: Option<&WmiRecord>) -> Option<NetworkInterface> {
    let ip_enabled = cfg.bool("IPEnabled") == Some(true);
    let mac = cfg
        .get("MACAddress")
        .or_else(|| adapter.and_then(|a| a.get("MACAddress")))
        .map(|m| m.to_ascii_lowercase());
    let description = cfg
        .text("Description")
        .or_else(|| adapter.and_then(|a| a.text("Description")));
    let physical = adapter.and_then(|a| a.bool("PhysicalAdapter"));
    let miniport = description
        .as_deref()
        .is_some_and(|d| d.contains("Miniport"));
    let keep =
        ip_enabled || physical == Some(true) || (physical.is_none() && mac.is_some() && !miniport);
    if !keep {
        return None;
    }
    let (ipv4, ipv6) = addresses(cfg);
    let name = adapter
        .and_then(|a| a.text("NetConnectionID"))
        .or_else(|| description.clone())
        .unwrap_or_default();
    let kind = kind(description.as_deref(), adapter, physical);
    let status = match adapter.and_then(|a| a.u64("NetConnectionStatus")) {
        Some(2) => "up",
        Some(0) | Some(7) => "down",
        _ if ip_enabled => "up",
        _ => "unknown",
    };
    Some(NetworkInterface {
        name,
        description,
        mac,
        ipv4,
        ipv6,
        gateway: cfg
            .list("DefaultIPGateway")
            .into_iter()
            .find(|g| g.parse::<std::net::Ipv4Addr>().is_ok()),
        dhcp: cfg.bool("DHCPEnabled"),
        dhcp_server: cfg.text("DHCPServer"),
        speed_mbps: adapter
            .and_then(|a| a.u64("Speed"))
            // 2^63-1 is what disconnected adapters report.
            .filter(|&s| s > 0 && s < i64::MAX as u64)
            .map(|s| s / 1_000_000),
        mtu: cfg.u64("MTU").map(|m| m as u32),
        status: status.to_string(),
        kind: kind.to_string(),
        virtual_device: physical == Some(false),
        driver: cfg
            .text("ServiceName")
            .or_else(|| adapter.and_then(|a| a.text("ServiceName"))),
        pci_slot: None,
    })
}

/// `IPAddress` paired by position with `IPSubnet` (a dotted mask for IPv4, a prefix length
/// for IPv6), as `(ipv4, ipv6)`.
fn addresses(cfg: &WmiRecord) -> (Vec<IpAddress>, Vec<IpAddress>) {
    let addrs = cfg.list("IPAddress");
    let masks = cfg.list("IPSubnet");
    let mut ipv4 = Vec::new();
    let mut ipv6 = Vec::new();
    for (i, a) in addrs.iter().enumerate() {
        let mask = masks.get(i).map(String::as_str).unwrap_or("");
        if let Ok(v4) = a.parse::<std::net::Ipv4Addr>() {
            let m: std::net::Ipv4Addr = mask.parse().unwrap_or(std::net::Ipv4Addr::BROADCAST);
            let prefix = u32::from(m).count_ones() as u8;
            ipv4.push(IpAddress {
                address: a.clone(),
                prefix_len: prefix,
                mask: m.to_string(),
                subnet: std::net::Ipv4Addr::from(u32::from(v4) & u32::from(m)).to_string(),
            });
        } else if let Ok(v6) = a.parse::<std::net::Ipv6Addr>() {
            let prefix: u8 = mask.parse().unwrap_or(128).min(128);
            let bits = if prefix == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(prefix))
            };
            ipv6.push(IpAddress {
                address: a.clone(),
                prefix_len: prefix,
                mask: std::net::Ipv6Addr::from(bits).to_string(),
                subnet: std::net::Ipv6Addr::from(u128::from(v6) & bits).to_string(),
            });
        }
    }
    (ipv4, ipv6)
}

/// The interface kind from the description and adapter type words.
fn kind(
    description: Option<&str>,
    adapter: Option<&WmiRecord>,
    physical: Option<bool>,
) -> &'static str {
    let text = format!(
        "{} {}",
        description.unwrap_or(""),
        adapter.and_then(|a| a.get("AdapterType")).unwrap_or("")
    )
    .to_ascii_lowercase();
    if text.contains("wi-fi")
        || text.contains("wireless")
        || text.contains("802.11")
        || text.contains("wlan")
    {
        "wifi"
    } else if text.contains("loopback") {
        "loopback"
    } else if text.contains("ethernet") || physical == Some(true) {
        "ethernet"
    } else {
        "other"
    }
}

/// DNS servers and gateways of all IP-enabled adapters, deduplicated in order.
pub fn dns_and_gateways(configs: &[WmiRecord]) -> (Vec<String>, Vec<String>) {
    let mut dns = Vec::new();
    let mut gws = Vec::new();
    for c in configs.iter().filter(|c| c.bool("IPEnabled") == Some(true)) {
        for d in c.list("DNSServerSearchOrder") {
            if !dns.contains(&d) {
                dns.push(d);
            }
        }
        for g in c.list("DefaultIPGateway") {
            if !gws.contains(&g) {
                gws.push(g);
            }
        }
    }
    (dns, gws)
}
