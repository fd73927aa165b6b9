//! USB devices on Linux, from `/sys/bus/usb/devices/*`: one entry per device (not per
//! interface, `1-1:1.0`), root hubs (Linux Foundation, `1d6b`) left out as GLPI Agent does.
//! Manufacturer and product names missing from the device's own string descriptors are taken
//! from `usb.ids`.

use crate::collect::{Section, SourceError};
use crate::model::{CollectErrorKind, UsbDevice};
use crate::parse::usb_ids;
use crate::probe::Probe;

/// Where distributions install `usb.ids`.
const USB_IDS: &[&str] = &[
    "/usr/share/misc/usb.ids",
    "/usr/share/hwdata/usb.ids",
    "/var/lib/usbutils/usb.ids",
];

/// Collects USB devices.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    if !probe.exists("/sys/bus/usb/devices") {
        return Err(SourceError::new(
            CollectErrorKind::Unavailable,
            "no USB bus in sysfs (/sys/bus/usb/devices)",
        ));
    }
    let mut section = Section::default();
    let mut devices = Vec::new();
    for name in probe.list("/sys/bus/usb/devices") {
        if name.contains(':') {
            continue; // an interface of a device
        }
        let base = format!("/sys/bus/usb/devices/{name}");
        let attr = |a: &str| probe.attr(format!("{base}/{a}"));
        let Some(vendor_id) = attr("idVendor").map(|v| v.to_ascii_lowercase()) else {
            continue;
        };
        if vendor_id == "1d6b" {
            continue;
        }
        devices.push(UsbDevice {
            vendor_id,
            product_id: attr("idProduct")
                .map(|v| v.to_ascii_lowercase())
                .unwrap_or_default(),
            manufacturer: attr("manufacturer"),
            name: attr("product"),
            serial: attr("serial").filter(|s| !s.chars().all(|c| c == '0')),
            class: attr("bDeviceClass").map(|v| v.to_ascii_lowercase()),
            subclass: attr("bDeviceSubClass").map(|v| v.to_ascii_lowercase()),
            bus_path: (!name.starts_with("usb")).then(|| name.clone()),
        });
    }
    let wanted: Vec<(u16, u16)> = devices
        .iter()
        .filter(|d| d.manufacturer.is_none() || d.name.is_none())
        .filter_map(|d| {
            Some((
                u16::from_str_radix(&d.vendor_id, 16).ok()?,
                u16::from_str_radix(&d.product_id, 16).ok()?,
            ))
        })
        .collect();
    if !wanted.is_empty() {
        if let Some(db) = USB_IDS.iter().find_map(|p| probe.read(p).ok()) {
            let names = usb_ids::names(&db, &wanted);
            for d in devices.iter_mut() {
                let (Ok(v), Ok(p)) = (
                    u16::from_str_radix(&d.vendor_id, 16),
                    u16::from_str_radix(&d.product_id, 16),
                ) else {
                    continue;
                };
                if d.manufacturer.is_none() {
                    d.manufacturer = names.vendors.get(&v).cloned();
                }
                if d.name.is_none() {
                    d.name = names.devices.get(&(v, p)).cloned();
                }
            }
        }
    }
    section.found.usb = devices;
    Ok(section)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::fake_root::{t0, write};

    #[test]
    fn devices_without_hubs_interfaces_and_with_usb_ids_names() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = dir.path();
        let dev = |name: &str, attrs: &[(&str, &str)]| {
            for (k, v) in attrs {
                write(
                    r,
                    &format!("sys/bus/usb/devices/{name}/{k}"),
                    &format!("{v}\n"),
                );
            }
        };
        dev(
            "usb1",
            &[
                ("idVendor", "1d6b"),
                ("idProduct", "0002"),
                ("bDeviceClass", "09"),
            ],
        );
        dev(
            "1-2",
            &[
                ("idVendor", "046d"),
                ("idProduct", "c52b"),
                ("bDeviceClass", "00"),
                ("bDeviceSubClass", "00"),
            ],
        );
        dev("1-2:1.0", &[("bInterfaceClass", "03")]);
        dev(
            "1-3.1",
            &[
                ("idVendor", "0781"),
                ("idProduct", "5581"),
                ("manufacturer", " SanDisk"),
                ("product", "Ultra"),
                ("serial", "4C530001230823117033"),
                ("bDeviceClass", "00"),
                ("bDeviceSubClass", "00"),
            ],
        );
        write(
            r,
            "usr/share/misc/usb.ids",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/usb_ids/usb.ids-excerpt"
            )),
        );
        let s = collect(&Probe::fixture(r, t0())).expect("collected");
        let d = &s.found.usb;
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].bus_path.as_deref(), Some("1-2"));
        assert_eq!(d[0].manufacturer.as_deref(), Some("Logitech, Inc."));
        assert_eq!(d[0].name.as_deref(), Some("Unifying Receiver"));
        assert_eq!(d[0].serial, None);
        assert_eq!(d[0].class.as_deref(), Some("00"));
        assert_eq!(d[1].vendor_id, "0781");
        assert_eq!(d[1].manufacturer.as_deref(), Some("SanDisk"));
        assert_eq!(d[1].name.as_deref(), Some("Ultra"));
        assert_eq!(d[1].serial.as_deref(), Some("4C530001230823117033"));
        assert_eq!(d[1].bus_path.as_deref(), Some("1-3.1"));
    }

    #[test]
    fn no_usb_bus_is_unavailable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = collect(&Probe::fixture(dir.path(), t0())).expect_err("no bus");
        assert_eq!(e.kind, CollectErrorKind::Unavailable);
    }
}
