//! PCI devices on Linux, from `/sys/bus/pci/devices/*` (ids, revision, driver), named from the
//! `pci.ids` database in one pass over the file. When sysfs has no PCI bus (some containers),
//! `lspci -vmmnnk` is the fallback.

use crate::collect::{Section, SourceError};
use crate::model::{Category, CollectErrorKind, PciDevice};
use crate::parse::{lspci, pci_ids};
use crate::probe::Probe;

/// Where distributions install `pci.ids`.
const PCI_IDS: &[&str] = &[
    "/usr/share/misc/pci.ids",
    "/usr/share/hwdata/pci.ids",
    "/usr/share/pci.ids",
];

/// Collects PCI devices.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    let mut section = Section::default();
    let slots = probe.list("/sys/bus/pci/devices");
    if slots.is_empty() {
        if !probe.has_program("lspci") {
            return Err(SourceError::new(
                CollectErrorKind::Unavailable,
                "no /sys/bus/pci/devices and no lspci",
            ));
        }
        let out = probe.run("lspci", &["-vmmnnk"])?;
        section.found.controllers = lspci::parse(&out);
        return Ok(section);
    }
    let mut devices: Vec<PciDevice> = slots.iter().map(|s| from_sysfs(probe, s)).collect();
    let db = PCI_IDS.iter().find_map(|p| probe.read(p).ok());
    match db {
        Some(db) => name_devices(&db, &mut devices),
        None => section.error(
            Category::Controllers,
            "pci.ids",
            SourceError::new(
                CollectErrorKind::Unavailable,
                "no pci.ids database (package pciutils or hwdata): devices are not named",
            ),
        ),
    }
    section.found.controllers = devices;
    Ok(section)
}

/// `0x8086` → `8086`; `0x030000` → `030000`.
fn hex_attr(probe: &Probe, slot: &str, attr: &str) -> Option<String> {
    let v = probe.attr(format!("/sys/bus/pci/devices/{slot}/{attr}"))?;
    Some(v.trim_start_matches("0x").to_ascii_lowercase())
}

fn from_sysfs(probe: &Probe, slot: &str) -> PciDevice {
    let class = hex_attr(probe, slot, "class");
    let class_id = class
        .as_deref()
        .and_then(|c| c.get(..4))
        .map(str::to_string);
    let sv = hex_attr(probe, slot, "subsystem_vendor");
    let sd = hex_attr(probe, slot, "subsystem_device");
    PciDevice {
        slot: slot.to_string(),
        is_gpu: class_id.as_deref().is_some_and(|c| c.starts_with("03")),
        class_id,
        vendor_id: hex_attr(probe, slot, "vendor"),
        device_id: hex_attr(probe, slot, "device"),
        // `0000:0000` means the device has no subsystem ids.
        subsystem_id: match (sv, sd) {
            (Some(v), Some(d)) if !(v == "0000" && d == "0000") => Some(format!("{v}:{d}")),
            _ => None,
        },
        revision: hex_attr(probe, slot, "revision"),
        driver: probe
            .link(format!("/sys/bus/pci/devices/{slot}/driver"))
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())),
        ..Default::default()
    }
}

fn hex16(s: Option<&str>) -> Option<u16> {
    u16::from_str_radix(s?, 16).ok()
}

fn hex8(s: &str) -> Option<u8> {
    u8::from_str_radix(s, 16).ok()
}

/// Fills vendor, device and class names from the text of `pci.ids`.
pub(crate) fn name_devices(db: &str, devices: &mut [PciDevice]) {
    let mut q = pci_ids::IdsQuery::default();
    let ids = |d: &PciDevice| {
        let (v, dev) = (
            hex16(d.vendor_id.as_deref())?,
            hex16(d.device_id.as_deref())?,
        );
        let sub = d.subsystem_id.as_deref().and_then(|s| {
            let (a, b) = s.split_once(':')?;
            Some((hex16(Some(a))?, hex16(Some(b))?))
        });
        let class = d
            .class_id
            .as_deref()
            .and_then(|c| Some((hex8(c.get(..2)?)?, hex8(c.get(2..4)?)?)));
        Some((v, dev, sub, class))
    };
    for d in devices.iter() {
        if let Some((v, dev, sub, class)) = ids(d) {
            q.add_device(v, dev, sub);
            if let Some((c, s)) = class {
                q.add_class(c, s);
            }
        }
    }
    let names = pci_ids::lookup(db, &q);
    for d in devices.iter_mut() {
        let Some((v, dev, _, class)) = ids(d) else {
            continue;
        };
        if let Some(n) = names.vendors.get(&v) {
            d.vendor = Some(n.clone());
        }
        if let Some(n) = names.devices.get(&(v, dev)) {
            d.name = Some(n.clone());
        }
        if let Some((c, s)) = class {
            if let Some(n) = names.class_name(c, s) {
                d.class_name = Some(n.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::fake_root::{t0, write};

    use std::os::unix::fs::symlink;
    use std::path::Path;

    fn pci(r: &Path, slot: &str, a: [&str; 6], driver: Option<&str>) {
        let names = [
            "class",
            "vendor",
            "device",
            "subsystem_vendor",
            "subsystem_device",
            "revision",
        ];
        for (n, v) in names.iter().zip(a) {
            write(
                r,
                &format!("sys/bus/pci/devices/{slot}/{n}"),
                &format!("{v}\n"),
            );
        }
        if let Some(d) = driver {
            symlink(
                format!("../../../bus/pci/drivers/{d}"),
                r.join(format!("sys/bus/pci/devices/{slot}/driver")),
            )
            .expect("symlink");
        }
    }

    #[test]
    fn kvm_guest_devices_named_from_pci_ids() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = dir.path();
        pci(
            r,
            "0000:00:02.0",
            ["0x030000", "0x8086", "0x2a42", "0x1028", "0x02aa", "0x07"],
            Some("i915"),
        );
        pci(
            r,
            "0000:00:03.0",
            ["0x020000", "0x1af4", "0x1041", "0x1af4", "0x1100", "0x01"],
            Some("virtio-pci"),
        );
        pci(
            r,
            "0000:00:05.0",
            ["0x00ff00", "0x1af4", "0x1044", "0x0000", "0x0000", "0x01"],
            None,
        );
        write(
            r,
            "usr/share/misc/pci.ids",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/pci_ids/pci.ids-excerpt"
            )),
        );
        let s = collect(&Probe::fixture(r, t0())).expect("collected");
        assert!(s.errors.is_empty());
        let d = &s.found.controllers;
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].slot, "0000:00:02.0");
        assert_eq!(d[0].class_id.as_deref(), Some("0300"));
        assert_eq!(
            d[0].class_name.as_deref(),
            Some("VGA compatible controller")
        );
        assert_eq!(d[0].vendor.as_deref(), Some("Intel Corporation"));
        assert_eq!(
            d[0].name.as_deref(),
            Some("Mobile 4 Series Chipset Integrated Graphics Controller")
        );
        assert_eq!(d[0].subsystem_id.as_deref(), Some("1028:02aa"));
        assert_eq!(d[0].revision.as_deref(), Some("07"));
        assert_eq!(d[0].driver.as_deref(), Some("i915"));
        assert!(d[0].is_gpu);
        assert_eq!(d[1].name.as_deref(), Some("Virtio 1.0 network device"));
        assert_eq!(d[1].class_name.as_deref(), Some("Ethernet controller"));
        assert!(!d[1].is_gpu);
        assert_eq!(d[2].subsystem_id, None);
        assert_eq!(d[2].name.as_deref(), Some("Virtio 1.0 RNG"));
        assert_eq!(d[2].driver, None);
    }

    #[test]
    fn without_pci_ids_ids_are_kept_and_the_gap_recorded() {
        let dir = tempfile::tempdir().expect("tempdir");
        pci(
            dir.path(),
            "0000:00:03.0",
            ["0x020000", "0x1af4", "0x1041", "0x1af4", "0x1100", "0x01"],
            None,
        );
        let s = collect(&Probe::fixture(dir.path(), t0())).expect("collected");
        assert_eq!(s.found.controllers[0].vendor_id.as_deref(), Some("1af4"));
        assert_eq!(s.found.controllers[0].name, None);
        assert_eq!(s.errors.len(), 1);
    }

    /// On the real host: every PCI device sysfs lists is reported with its ids.
    #[test]
    fn host_pci_devices_match_sysfs() {
        let probe = Probe::system(t0(), std::time::Duration::from_secs(10));
        let slots = probe.list("/sys/bus/pci/devices");
        if slots.is_empty() {
            return;
        }
        let d = collect(&probe).expect("collected").found.controllers;
        let ours: Vec<&str> = d.iter().map(|d| d.slot.as_str()).collect();
        assert_eq!(ours, slots);
        assert!(d
            .iter()
            .all(|d| d.vendor_id.as_deref().is_some_and(|v| v.len() == 4)));
    }
}
