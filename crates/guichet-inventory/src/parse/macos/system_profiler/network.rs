//! `SPNetworkDataType` (text): the network services that name a BSD device.

use super::Node;
use crate::model::{IpAddress, NetworkInterface};

/// `SPNetworkDataType` (text) to interfaces: services with a BSD device name.
pub fn network(root: &Node) -> Vec<NetworkInterface> {
    let Some(net) = root.child("Network") else {
        return Vec::new();
    };
    net.children
        .iter()
        .filter_map(|svc| {
            let name = svc.text("BSD Device Name")?;
            let v4 = svc.child("IPv4");
            let addrs: Vec<String> = v4
                .and_then(|n| n.get("Addresses"))
                .map(|a| a.split(',').map(|s| s.trim().to_string()).collect())
                .unwrap_or_default();
            let masks: Vec<String> = v4
                .and_then(|n| n.get("Subnet Masks"))
                .map(|a| a.split(',').map(|s| s.trim().to_string()).collect())
                .unwrap_or_default();
            let ipv4 = addrs
                .iter()
                .enumerate()
                .filter_map(|(i, a)| {
                    let ip: std::net::Ipv4Addr = a.parse().ok()?;
                    let m: std::net::Ipv4Addr = masks
                        .get(i)
                        .and_then(|m| m.parse().ok())
                        .unwrap_or(std::net::Ipv4Addr::BROADCAST);
                    Some(IpAddress {
                        address: a.clone(),
                        prefix_len: u32::from(m).count_ones() as u8,
                        mask: m.to_string(),
                        subnet: std::net::Ipv4Addr::from(u32::from(ip) & u32::from(m)).to_string(),
                    })
                })
                .collect();
            let hw = svc.get("Hardware").unwrap_or("").to_ascii_lowercase();
            let kind = match hw.as_str() {
                "ethernet" => "ethernet",
                "airport" | "wi-fi" => "wifi",
                _ => "other",
            };
            let method = v4.and_then(|n| n.get("Configuration Method"));
            Some(NetworkInterface {
                name,
                description: Some(svc.key.clone()),
                mac: svc
                    .child("Ethernet")
                    .and_then(|e| e.get("MAC Address"))
                    .map(str::to_ascii_lowercase),
                ipv4,
                ipv6: Vec::new(),
                gateway: v4.and_then(|n| n.text("Router")),
                dhcp: method.map(|m| m == "DHCP"),
                dhcp_server: svc
                    .child("DHCP Server Responses")
                    .and_then(|d| d.text("Server Identifier")),
                speed_mbps: None,
                mtu: None,
                status: if svc.get("Has IP Assigned") == Some("Yes") {
                    "up".to_string()
                } else {
                    "unknown".to_string()
                },
                kind: kind.to_string(),
                virtual_device: false,
                driver: None,
                pci_slot: None,
            })
        })
        .collect()
}
