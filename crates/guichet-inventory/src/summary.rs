//! The short text summary of a machine that goes with a ticket, so the technician sees the
//! essentials (name, OS, model, CPU, memory, free space, addresses) without opening the
//! attached inventory.

use std::fmt::Write as _;

use crate::model::Inventory;

/// A short text summary of a machine for a technician, from an inventory: one line per known
/// fact, sections the inventory lacks left out.
pub fn system_summary(inv: &Inventory) -> String {
    let mut s = String::from("System summary (attached by Guichet)\n");
    if let Some(os) = &inv.os {
        let _ = writeln!(s, "Hostname: {}", os.hostname);
        let _ = writeln!(s, "OS: {} ({})", os.full_name, os.arch);
    }
    if let Some(m) = &inv.machine {
        let model = [m.vendor.as_deref(), m.model.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if !model.is_empty() {
            let _ = writeln!(s, "Model: {model}");
        }
        if let Some(serial) = &m.serial {
            let _ = writeln!(s, "Serial: {serial}");
        }
    }
    if let Some(c) = inv.cpus.first() {
        let _ = writeln!(s, "CPU: {} × {}", inv.cpus.len(), c.name);
    }
    if let Some(m) = &inv.memory {
        let _ = writeln!(s, "Memory: {} MiB", m.total_bytes >> 20);
    }
    for v in &inv.volumes {
        let _ = writeln!(
            s,
            "Volume {}: {} MiB free of {} MiB",
            v.mount_point,
            v.free_bytes >> 20,
            v.total_bytes >> 20
        );
    }
    for n in &inv.network {
        let ips: Vec<&str> = n.ipv4.iter().map(|a| a.address.as_str()).collect();
        if !ips.is_empty() {
            let _ = writeln!(s, "Network {}: {}", n.name, ips.join(", "));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Cpu, IpAddress, Machine, Memory, NetworkInterface, OperatingSystem, Volume,
    };
    use chrono::{TimeZone, Utc};

    #[test]
    fn an_empty_inventory_gives_the_title_only() {
        let inv = Inventory::new(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap(), "1");
        assert_eq!(
            system_summary(&inv),
            "System summary (attached by Guichet)\n"
        );
    }

    #[test]
    fn every_section_in_order_and_addresses_only_for_interfaces_with_some() {
        let mut inv = Inventory::new(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap(), "1");
        inv.os = Some(OperatingSystem {
            hostname: "pc-accueil".into(),
            full_name: "Debian GNU/Linux 12 (bookworm)".into(),
            arch: "x86_64".into(),
            ..Default::default()
        });
        inv.machine = Some(Machine {
            vendor: Some("LENOVO".into()),
            model: Some("20L8S02D00".into()),
            serial: Some("PF1ABCDE".into()),
            ..Default::default()
        });
        inv.cpus = vec![
            Cpu {
                name: "Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz".into(),
                ..Default::default()
            };
            2
        ];
        inv.memory = Some(Memory {
            total_bytes: 16 << 30,
            ..Default::default()
        });
        inv.volumes.push(Volume {
            mount_point: "/".into(),
            total_bytes: 100 << 30,
            free_bytes: 40 << 30,
            ..Default::default()
        });
        inv.network.push(NetworkInterface {
            name: "lo".into(),
            ..Default::default()
        });
        inv.network.push(NetworkInterface {
            name: "eth0".into(),
            ipv4: vec![IpAddress {
                address: "192.0.2.10".into(),
                prefix_len: 24,
                mask: "255.255.255.0".into(),
                subnet: "192.0.2.0".into(),
            }],
            ..Default::default()
        });
        assert_eq!(
            system_summary(&inv),
            "System summary (attached by Guichet)\n\
             Hostname: pc-accueil\n\
             OS: Debian GNU/Linux 12 (bookworm) (x86_64)\n\
             Model: LENOVO 20L8S02D00\n\
             Serial: PF1ABCDE\n\
             CPU: 2 × Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz\n\
             Memory: 16384 MiB\n\
             Volume /: 40960 MiB free of 102400 MiB\n\
             Network eth0: 192.0.2.10\n"
        );
    }
}
