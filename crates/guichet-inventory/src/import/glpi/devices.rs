//! Devices: disks, file systems, network ports, controllers, USB devices, monitors, batteries.

use super::{b, bytes, n, parse_date, s, Obj, MIB};
use crate::model::{
    Battery, IpAddress, Monitor, NetworkInterface, PciDevice, StorageDevice, UsbDevice, Volume,
};

/// `storages` entries to disks (sizes in decimal MB).
pub(super) fn storage(entries: Vec<&Obj>) -> Vec<StorageDevice> {
    entries
        .into_iter()
        .map(|d| StorageDevice {
            name: s(d, "name").unwrap_or_default(),
            model: s(d, "model"),
            vendor: s(d, "manufacturer"),
            serial: s(d, "serial").or_else(|| s(d, "serialnumber")),
            firmware: s(d, "firmware"),
            size_bytes: bytes(d, "disksize", 1_000_000).unwrap_or(0),
            rotational: None,
            removable: false,
            interface: s(d, "interface"),
            kind: s(d, "type").unwrap_or_else(|| "disk".into()),
            wwn: s(d, "wwn"),
        })
        .collect()
}

/// `drives` entries to volumes (sizes in MiB).
pub(super) fn volumes(entries: Vec<&Obj>) -> Vec<Volume> {
    entries
        .into_iter()
        .map(|v| Volume {
            mount_point: s(v, "letter").or_else(|| s(v, "type")).unwrap_or_default(),
            device: s(v, "volumn"),
            fs_type: s(v, "filesystem").unwrap_or_default(),
            total_bytes: bytes(v, "total", MIB).unwrap_or(0),
            free_bytes: bytes(v, "free", MIB).unwrap_or(0),
            label: s(v, "label"),
            uuid: s(v, "serial"),
            encryption: s(v, "encrypt_name"),
        })
        .collect()
}

/// Entries of one interface share `description` (its name): GLPI sends one per address.
pub(super) fn networks(entries: &[&Obj]) -> Vec<NetworkInterface> {
    let mut out: Vec<NetworkInterface> = Vec::new();
    for e in entries {
        let name = s(e, "description").unwrap_or_default();
        let idx = match out.iter().position(|n| n.name == name) {
            Some(i) => i,
            None => {
                let kind = s(e, "type").unwrap_or_else(|| "other".into());
                out.push(NetworkInterface {
                    name: name.clone(),
                    description: s(e, "model"),
                    mac: s(e, "mac")
                        .or_else(|| s(e, "macaddr"))
                        .map(|m| m.to_ascii_lowercase()),
                    gateway: s(e, "ipgateway"),
                    dhcp: None,
                    dhcp_server: s(e, "ipdhcp"),
                    speed_mbps: n(e, "speed"),
                    mtu: n(e, "mtu").map(|v| v as u32),
                    status: s(e, "status")
                        .map(|v| v.to_ascii_lowercase())
                        .unwrap_or_else(|| "unknown".into()),
                    kind,
                    virtual_device: b(e, "virtualdev").unwrap_or(false),
                    driver: s(e, "driver"),
                    pci_slot: s(e, "pcislot"),
                    ..Default::default()
                });
                out.len() - 1
            }
        };
        let nic = &mut out[idx];
        if let Some(address) = s(e, "ipaddress") {
            let mask = s(e, "ipmask").unwrap_or_default();
            nic.ipv4.push(IpAddress {
                prefix_len: mask
                    .parse::<std::net::Ipv4Addr>()
                    .map(|m| u32::from(m).count_ones() as u8)
                    .unwrap_or(0),
                address,
                mask,
                subnet: s(e, "ipsubnet").unwrap_or_default(),
            });
        }
        if let Some(address) = s(e, "ipaddress6") {
            let mask = s(e, "ipmask6").unwrap_or_default();
            nic.ipv6.push(IpAddress {
                prefix_len: mask
                    .parse::<std::net::Ipv6Addr>()
                    .map(|m| u128::from(m).count_ones() as u8)
                    .unwrap_or(0),
                address,
                mask,
                subnet: s(e, "ipsubnet6").unwrap_or_default(),
            });
        }
        if nic.gateway.is_none() {
            nic.gateway = s(e, "ipgateway");
        }
    }
    out
}

/// OCS's `hardware.dns`: servers separated by `/`.
pub(super) fn dns_servers(hardware: &Obj) -> Vec<String> {
    let Some(dns) = s(hardware, "dns") else {
        return Vec::new();
    };
    dns.split('/')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(String::from)
        .collect()
}

/// `controllers` entries to PCI devices; a controller is a GPU when `videos` names its slot
/// or its PCI class is a display class (`03xx`).
pub(super) fn controllers(entries: Vec<&Obj>, videos: Vec<&Obj>) -> Vec<PciDevice> {
    let gpu_slots: Vec<String> = videos.into_iter().filter_map(|v| s(v, "pcislot")).collect();
    entries
        .into_iter()
        .map(|d| {
            let slot = s(d, "pcislot").unwrap_or_default();
            let class_id = s(d, "pciclass");
            PciDevice {
                is_gpu: gpu_slots.contains(&slot)
                    || class_id.as_deref().is_some_and(|c| c.starts_with("03")),
                slot,
                class_name: s(d, "type"),
                class_id,
                vendor: s(d, "manufacturer"),
                name: s(d, "name").or_else(|| s(d, "caption")),
                vendor_id: s(d, "vendorid"),
                device_id: s(d, "productid"),
                subsystem_id: s(d, "pcisubsystemid"),
                revision: s(d, "rev"),
                driver: s(d, "driver"),
            }
        })
        .collect()
}

/// `usbdevices` entries to USB devices.
pub(super) fn usb(entries: Vec<&Obj>) -> Vec<UsbDevice> {
    entries
        .into_iter()
        .map(|d| UsbDevice {
            vendor_id: s(d, "vendorid").unwrap_or_default(),
            product_id: s(d, "productid").unwrap_or_default(),
            manufacturer: s(d, "manufacturer"),
            name: s(d, "name").or_else(|| s(d, "caption")),
            serial: s(d, "serial"),
            class: s(d, "class"),
            subclass: s(d, "subclass"),
            bus_path: None,
        })
        .collect()
}

/// `monitors` entries to monitors.
pub(super) fn monitors(entries: Vec<&Obj>) -> Vec<Monitor> {
    entries
        .into_iter()
        .map(|m| {
            // The export writes the manufacture date as `week/year` in `description`.
            let (week, year) = s(m, "description")
                .and_then(|d| {
                    let (w, y) = d.split_once('/')?;
                    Some((w.trim().parse().ok()?, y.trim().parse().ok()?))
                })
                .map_or((None, None), |(w, y)| (Some(w), Some(y)));
            Monitor {
                name: s(m, "name").or_else(|| s(m, "caption")),
                manufacturer: s(m, "manufacturer"),
                serial: s(m, "serial"),
                port: s(m, "port"),
                year,
                week,
                edid_base64: s(m, "base64"),
            }
        })
        .collect()
}

/// `batteries` entries to batteries.
pub(super) fn batteries(entries: Vec<&Obj>) -> Vec<Battery> {
    entries
        .into_iter()
        .map(|b| Battery {
            name: s(b, "name").unwrap_or_default(),
            manufacturer: s(b, "manufacturer"),
            serial: s(b, "serial"),
            chemistry: s(b, "chemistry"),
            design_capacity_mwh: n(b, "capacity"),
            full_capacity_mwh: n(b, "real_capacity"),
            voltage_mv: n(b, "voltage"),
            charge_percent: None,
            status: None,
            manufacture_date: s(b, "date").and_then(|d| parse_date(&d)),
        })
        .collect()
}
