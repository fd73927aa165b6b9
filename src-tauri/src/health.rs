//! Machine health at a glance for the home page: disk space, memory, uptime, network, pending
//! updates where the OS says so. Built from a quick partial inventory (a few fast categories).

use std::time::Duration;

use chrono::{DateTime, Utc};
use guichet_inventory::{Category, Inventory};
use serde::Serialize;

/// One mounted file system's space.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct DiskSpace {
    /// Mount point.
    pub mount_point: String,
    /// Total size, bytes.
    pub total_bytes: u64,
    /// Free space, bytes.
    pub free_bytes: u64,
}

/// Machine health summary.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct MachineHealth {
    /// Host name.
    pub hostname: String,
    /// OS name.
    pub os_name: String,
    /// Seconds since boot, when known.
    pub uptime_seconds: Option<u64>,
    /// Physical memory, bytes.
    pub memory_total_bytes: Option<u64>,
    /// Memory available now, bytes.
    pub memory_available_bytes: Option<u64>,
    /// Real file systems (no pseudo or tiny ones), fullest first.
    pub disks: Vec<DiskSpace>,
    /// Whether the machine has a default route and an interface up.
    pub online: bool,
    /// Addresses of the interfaces that are up (loopback excluded).
    pub addresses: Vec<String>,
    /// Pending OS updates, when the OS publishes the count.
    pub pending_updates: Option<u32>,
}

/// Collects the categories the health summary needs, fast.
pub fn collect(now: DateTime<Utc>) -> Inventory {
    guichet_inventory::collect(&guichet_inventory::Options {
        categories: vec![
            Category::Os,
            Category::Memory,
            Category::Volumes,
            Category::Network,
        ],
        timeout: Duration::from_secs(5),
        now,
    })
}

/// Summarises an inventory.
pub fn summarise(
    inv: &Inventory,
    now: DateTime<Utc>,
    pending_updates: Option<u32>,
) -> MachineHealth {
    let os = inv.os.as_ref();
    let mut disks: Vec<DiskSpace> = inv
        .volumes
        .iter()
        .filter(|v| {
            v.total_bytes >= 256 << 20
                && !matches!(
                    v.fs_type.as_str(),
                    "tmpfs" | "devtmpfs" | "overlay" | "squashfs"
                )
        })
        .map(|v| DiskSpace {
            mount_point: v.mount_point.clone(),
            total_bytes: v.total_bytes,
            free_bytes: v.free_bytes,
        })
        .collect();
    disks.sort_by(|a, b| {
        let fa = a.free_bytes as f64 / a.total_bytes.max(1) as f64;
        let fb = b.free_bytes as f64 / b.total_bytes.max(1) as f64;
        fa.total_cmp(&fb)
    });
    let up: Vec<_> = inv
        .network
        .iter()
        .filter(|n| n.status == "up" && n.kind != "loopback")
        .collect();
    let addresses = up
        .iter()
        .flat_map(|n| n.ipv4.iter().chain(n.ipv6.iter()))
        .map(|a| a.address.clone())
        .filter(|a| !a.starts_with("fe80"))
        .collect();
    MachineHealth {
        hostname: os.map(|o| o.hostname.clone()).unwrap_or_default(),
        os_name: os.map(|o| o.full_name.clone()).unwrap_or_default(),
        uptime_seconds: os
            .and_then(|o| o.boot_time)
            .map(|b| (now - b).num_seconds().max(0) as u64),
        memory_total_bytes: inv.memory.as_ref().map(|m| m.total_bytes),
        memory_available_bytes: inv.memory.as_ref().and_then(|m| m.available_bytes),
        disks,
        online: !up.is_empty() && !inv.gateways.is_empty(),
        addresses,
        pending_updates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_inventory::{IpAddress, Memory, NetworkInterface, OperatingSystem, Volume};

    #[test]
    fn summary_keeps_real_disks_fullest_first_and_needs_a_route_to_be_online() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut inv = Inventory::new(now, "t");
        inv.os = Some(OperatingSystem {
            hostname: "pc".into(),
            boot_time: Some(now - chrono::Duration::hours(2)),
            ..Default::default()
        });
        inv.memory = Some(Memory {
            total_bytes: 8 << 30,
            available_bytes: Some(2 << 30),
            ..Default::default()
        });
        for (m, fs, total, free) in [
            ("/", "ext4", 100u64 << 30, 50u64 << 30),
            ("/home", "ext4", 400 << 30, 20 << 30),
            ("/run", "tmpfs", 1 << 30, 1 << 30),
        ] {
            inv.volumes.push(Volume {
                mount_point: m.into(),
                fs_type: fs.into(),
                total_bytes: total,
                free_bytes: free,
                ..Default::default()
            });
        }
        inv.network.push(NetworkInterface {
            name: "eth0".into(),
            status: "up".into(),
            kind: "ethernet".into(),
            ipv4: vec![IpAddress {
                address: "192.0.2.10".into(),
                prefix_len: 24,
                mask: "255.255.255.0".into(),
                subnet: "192.0.2.0".into(),
            }],
            ..Default::default()
        });
        let h = summarise(&inv, now, Some(3));
        assert_eq!(h.uptime_seconds, Some(7200));
        let mounts: Vec<&str> = h.disks.iter().map(|d| d.mount_point.as_str()).collect();
        assert_eq!(mounts, vec!["/home", "/"]);
        assert_eq!(h.addresses, vec!["192.0.2.10".to_string()]);
        assert!(!h.online, "no default gateway: offline");
        inv.gateways.push("192.0.2.1".into());
        assert!(summarise(&inv, now, None).online);
        assert_eq!(h.pending_updates, Some(3));
    }
}
