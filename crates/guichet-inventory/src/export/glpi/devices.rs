//! Devices: disks, file systems, network ports, controllers, USB devices, monitors, batteries.

use super::{mb, mib, Obj};
use crate::model::{
    Battery, Inventory, Monitor, NetworkInterface, PciDevice, StorageDevice, UsbDevice, Volume,
};
use serde_json::{Map, Value};
use std::net::Ipv4Addr;

pub(super) fn storage(d: &StorageDevice) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("name", Some(&d.name))
        .s("model", d.model.as_deref())
        .s("manufacturer", d.vendor.as_deref())
        .s("serial", d.serial.as_deref())
        .s("firmware", d.firmware.as_deref())
        .s("interface", d.interface.as_deref())
        .s("type", Some(&d.kind))
        .s("wwn", d.wwn.as_deref());
    // A size of 0 means unknown (e.g. an empty optical drive), not a zero-byte disk.
    if d.size_bytes > 0 {
        o.n("disksize", Some(mb(d.size_bytes)));
    }
    o.done()
}

/// A Windows drive letter (`C:` or `C:\`) as `C:`.
pub(super) fn drive_letter(mount_point: &str) -> Option<String> {
    let m = mount_point.trim().trim_end_matches('\\');
    let b = m.as_bytes();
    (b.len() == 2 && b[0].is_ascii_alphabetic() && b[1] == b':').then(|| m.to_ascii_uppercase())
}

pub(super) fn drive(v: &Volume) -> Map<String, Value> {
    let mut o = Obj::default();
    match drive_letter(&v.mount_point) {
        Some(letter) => o.s("letter", Some(&letter)),
        None => o.s("type", Some(&v.mount_point)),
    };
    o.s("volumn", v.device.as_deref())
        .s("filesystem", Some(&v.fs_type))
        .n("total", Some(mib(v.total_bytes)))
        .n("free", Some(mib(v.free_bytes)))
        .s("label", v.label.as_deref())
        .s("serial", v.uuid.as_deref());
    if v.encryption
        .as_deref()
        .is_some_and(|e| !e.trim().is_empty())
    {
        o.s("encrypt_name", v.encryption.as_deref())
            .s("encrypt_status", Some("Yes"));
    }
    o.done()
}

/// Interface types the schema's pattern accepts.
const NET_TYPES: [&str; 10] = [
    "ethernet",
    "wifi",
    "infiniband",
    "aggregate",
    "alias",
    "dialup",
    "loopback",
    "bridge",
    "fibrechannel",
    "bluetooth",
];

/// Interface states the schema's pattern accepts.
const NET_STATES: [&str; 7] = [
    "up",
    "down",
    "dormant",
    "notpresent",
    "lowerlayerdown",
    "unknown",
    "testing",
];

pub(super) fn networks(inv: &Inventory) -> Vec<Map<String, Value>> {
    let mut out = Vec::new();
    for nic in &inv.network {
        if nic.kind.eq_ignore_ascii_case("loopback") || nic.name == "lo" {
            continue;
        }
        let base = network_base(nic, &inv.controllers);
        let mut any = false;
        for a in &nic.ipv4 {
            // The schema checks `format: ipv4`; an address that is not one is not sent.
            if a.address.trim().parse::<Ipv4Addr>().is_err() {
                continue;
            }
            let mut o = Obj(base.clone());
            o.s("ipaddress", Some(&a.address))
                .s("ipmask", Some(&a.mask))
                .s("ipsubnet", Some(&a.subnet))
                .s("ipgateway", nic.gateway.as_deref())
                .s("ipdhcp", nic.dhcp_server.as_deref());
            out.push(o.done());
            any = true;
        }
        for a in &nic.ipv6 {
            let mut o = Obj(base.clone());
            o.s("ipaddress6", Some(&a.address))
                .s("ipmask6", Some(&a.mask))
                .s("ipsubnet6", Some(&a.subnet));
            out.push(o.done());
            any = true;
        }
        if !any {
            out.push(base);
        }
    }
    out
}

/// The fields every entry of one interface shares.
fn network_base(nic: &NetworkInterface, pci: &[PciDevice]) -> Map<String, Value> {
    let kind = nic.kind.trim().to_ascii_lowercase();
    let status = nic.status.trim().to_ascii_lowercase();
    // GLPI Agent's `pciid`: vendor:device[:subsystem vendor:subsystem device].
    let pciid = nic.pci_slot.as_deref().and_then(|slot| {
        let dev = pci.iter().find(|d| d.slot == slot)?;
        let mut id = format!(
            "{}:{}",
            dev.vendor_id.as_deref()?,
            dev.device_id.as_deref()?
        );
        if let Some(sub) = dev.subsystem_id.as_deref().filter(|s| !s.is_empty()) {
            id.push(':');
            id.push_str(sub);
        }
        Some(id)
    });
    let mut o = Obj::default();
    o.s("description", Some(&nic.name))
        .s("model", nic.description.as_deref())
        .s("mac", nic.mac.as_deref())
        .s(
            "type",
            NET_TYPES.contains(&kind.as_str()).then_some(kind.as_str()),
        )
        .s(
            "status",
            NET_STATES
                .contains(&status.as_str())
                .then_some(status.as_str()),
        )
        .b("virtualdev", Some(nic.virtual_device))
        .s("speed", nic.speed_mbps.map(|s| s.to_string()).as_deref())
        .n("mtu", nic.mtu.map(u64::from))
        .s("driver", nic.driver.as_deref())
        .s("pcislot", nic.pci_slot.as_deref())
        .s("pciid", pciid.as_deref());
    let mut map = o.done();
    // `description` is required: keep it even for a nameless interface.
    map.entry("description")
        .or_insert_with(|| Value::String(nic.name.clone()));
    map
}

pub(super) fn controller(d: &PciDevice) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("name", d.name.as_deref())
        .s("manufacturer", d.vendor.as_deref())
        .s("type", d.class_name.as_deref())
        .s("pciclass", d.class_id.as_deref())
        .s("pcislot", Some(&d.slot))
        .s("vendorid", d.vendor_id.as_deref())
        .s("productid", d.device_id.as_deref())
        .s("pcisubsystemid", d.subsystem_id.as_deref())
        .s("rev", d.revision.as_deref())
        .s("driver", d.driver.as_deref());
    o.done()
}

pub(super) fn video(d: &PciDevice) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("name", d.name.as_deref().or(d.vendor.as_deref()))
        .s("pcislot", Some(&d.slot));
    o.done()
}

pub(super) fn usb(d: &UsbDevice) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("vendorid", Some(&d.vendor_id))
        .s("productid", Some(&d.product_id))
        .s("manufacturer", d.manufacturer.as_deref())
        .s("name", d.name.as_deref())
        .s("serial", d.serial.as_deref())
        .s("class", d.class.as_deref())
        .s("subclass", d.subclass.as_deref());
    o.done()
}

pub(super) fn monitor(m: &Monitor) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("caption", m.name.as_deref())
        .s("name", m.name.as_deref())
        .s("manufacturer", m.manufacturer.as_deref())
        .s("serial", m.serial.as_deref())
        .s("port", m.port.as_deref())
        .s("base64", m.edid_base64.as_deref());
    // GLPI Agent's description is the manufacture `week/year`.
    if let (Some(week), Some(year)) = (m.week, m.year) {
        o.s("description", Some(&format!("{week}/{year}")));
    }
    o.done()
}

pub(super) fn battery(b: &Battery) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("name", Some(&b.name))
        .s("manufacturer", b.manufacturer.as_deref())
        .s("serial", b.serial.as_deref())
        .s("chemistry", b.chemistry.as_deref())
        .n("capacity", b.design_capacity_mwh)
        .n("real_capacity", b.full_capacity_mwh)
        .n("voltage", b.voltage_mv)
        .s(
            "date",
            b.manufacture_date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .as_deref(),
        );
    o.done()
}
