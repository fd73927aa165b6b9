//! `SPUSBDataType` (XML): the device tree under each USB bus.

use plist::Value;

use super::s;
use crate::model::UsbDevice;

/// USB devices in `SPUSBDataType` items (XML), walking the bus tree. Buses themselves (no
/// `vendor_id`) are not devices.
pub fn usb_xml(items: &[Value]) -> Vec<UsbDevice> {
    let mut out = Vec::new();
    for i in items {
        walk_usb(i, &mut out);
    }
    out
}

fn walk_usb(v: &Value, out: &mut Vec<UsbDevice>) {
    if let Some(vendor) = s(v, "vendor_id") {
        // "0x05ac  (Apple Inc.)", "apple_vendor_id".
        let vendor_id = if vendor.starts_with("apple_vendor_id") {
            Some("05ac".to_string())
        } else {
            vendor
                .split_whitespace()
                .next()
                .and_then(|x| x.strip_prefix("0x"))
                .map(|x| format!("{:0>4}", x.to_ascii_lowercase()))
        };
        let product_id = s(v, "product_id").and_then(|p| {
            p.strip_prefix("0x")
                .map(|x| format!("{:0>4}", x.trim().to_ascii_lowercase()))
        });
        if let (Some(vendor_id), Some(product_id)) = (vendor_id, product_id) {
            out.push(UsbDevice {
                vendor_id,
                product_id,
                manufacturer: s(v, "manufacturer"),
                name: s(v, "_name"),
                serial: s(v, "serial_num"),
                class: None,
                subclass: None,
                bus_path: s(v, "location_id"),
            });
        }
    }
    if let Some(children) = v
        .as_dictionary()
        .and_then(|d| d.get("_items"))
        .and_then(Value::as_array)
    {
        for c in children {
            walk_usb(c, out);
        }
    }
}
