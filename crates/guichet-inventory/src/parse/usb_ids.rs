//! The `usb.ids` database (`/usr/share/misc/usb.ids`, `/usr/share/hwdata/usb.ids`): vendor,
//! product and class names for USB devices whose descriptors carry no strings. Same layout as
//! `pci.ids`, so the one-pass lookup of [`super::pci_ids`] serves; this module only adapts the
//! query to USB ids.

use super::pci_ids::{lookup, IdsNames, IdsQuery};

/// Names of USB vendors and products: `wanted` lists `(vendor, product)` pairs.
pub fn names(db: &str, wanted: &[(u16, u16)]) -> IdsNames {
    let mut q = IdsQuery::default();
    for &(v, p) in wanted {
        q.add_device(v, p, None);
    }
    lookup(db, &q)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXCERPT: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/usb_ids/usb.ids-excerpt"
    ));

    #[test]
    fn logitech_receiver_and_unknown_product() {
        let n = names(
            EXCERPT,
            &[(0x046d, 0xc52b), (0x046d, 0xffff), (0x1d6b, 0x0002)],
        );
        assert_eq!(
            n.vendors.get(&0x046d).map(String::as_str),
            Some("Logitech, Inc.")
        );
        assert_eq!(
            n.devices.get(&(0x046d, 0xc52b)).map(String::as_str),
            Some("Unifying Receiver")
        );
        assert!(!n.devices.contains_key(&(0x046d, 0xffff)));
        assert_eq!(
            n.devices.get(&(0x1d6b, 0x0002)).map(String::as_str),
            Some("2.0 root hub")
        );
    }

    #[test]
    fn sections_after_the_vendors_are_not_read_as_vendors() {
        // `AT 0100  USB Undefined` then `AT 0101  USB Streaming` must not read as vendor 0100.
        let n = names(EXCERPT, &[(0x0100, 0x0101)]);
        assert!(n.vendors.is_empty(), "{n:?}");
    }
}
