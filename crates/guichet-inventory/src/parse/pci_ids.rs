//! The `pci.ids` database (`/usr/share/misc/pci.ids`, `/usr/share/hwdata/pci.ids`): vendor,
//! device, subsystem and class names. `usb.ids` has the same layout, so [`lookup`] serves both.
//!
//! The file is over a megabyte: rather than building a full map, [`lookup`] walks it once and
//! keeps only the names of the ids asked for, skipping the children of every other vendor.

use std::collections::{BTreeMap, BTreeSet};

/// The ids whose names are wanted.
#[derive(Debug, Clone, Default)]
pub struct IdsQuery {
    /// Vendor ids.
    pub vendors: BTreeSet<u16>,
    /// `(vendor, device)` pairs.
    pub devices: BTreeSet<(u16, u16)>,
    /// `(vendor, device, subsystem vendor, subsystem device)`.
    pub subsystems: BTreeSet<(u16, u16, u16, u16)>,
    /// Class codes (`0x03`); their subclasses are looked up with `subclasses`.
    pub classes: BTreeSet<u8>,
    /// `(class, subclass)` pairs, e.g. `(0x03, 0x00)`.
    pub subclasses: BTreeSet<(u8, u8)>,
}

impl IdsQuery {
    /// Asks for a vendor and device (and their subsystem when given).
    pub fn add_device(&mut self, vendor: u16, device: u16, subsystem: Option<(u16, u16)>) {
        self.vendors.insert(vendor);
        self.devices.insert((vendor, device));
        if let Some((sv, sd)) = subsystem {
            self.vendors.insert(sv);
            self.subsystems.insert((vendor, device, sv, sd));
        }
    }

    /// Asks for a class and subclass.
    pub fn add_class(&mut self, class: u8, subclass: u8) {
        self.classes.insert(class);
        self.subclasses.insert((class, subclass));
    }
}

/// Names found for an [`IdsQuery`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdsNames {
    /// Vendor names.
    pub vendors: BTreeMap<u16, String>,
    /// Device names.
    pub devices: BTreeMap<(u16, u16), String>,
    /// Subsystem names.
    pub subsystems: BTreeMap<(u16, u16, u16, u16), String>,
    /// Class names.
    pub classes: BTreeMap<u8, String>,
    /// Subclass names.
    pub subclasses: BTreeMap<(u8, u8), String>,
}

impl IdsNames {
    /// Most precise class name: the subclass's, else the class's.
    pub fn class_name(&self, class: u8, subclass: u8) -> Option<&str> {
        self.subclasses
            .get(&(class, subclass))
            .or_else(|| self.classes.get(&class))
            .map(String::as_str)
    }
}

/// Where the walk is, at the top level of the file.
enum Section {
    /// Inside a wanted vendor.
    Vendor(u16),
    /// Inside a wanted class.
    Class(u8),
    /// Inside something not wanted (another vendor, another section of `usb.ids`).
    Skip,
}

fn hex16(s: &str) -> Option<u16> {
    (s.len() == 4).then(|| u16::from_str_radix(s, 16).ok())?
}

fn hex8(s: &str) -> Option<u8> {
    (s.len() == 2).then(|| u8::from_str_radix(s, 16).ok())?
}

/// `"8086  Intel Corporation"` → `("8086", "Intel Corporation")`.
fn id_and_name(line: &str) -> Option<(&str, &str)> {
    let (id, name) = line.split_once("  ")?;
    Some((id.trim(), name.trim()))
}

/// Looks the queried ids up in the text of a `pci.ids`/`usb.ids` file, in one pass.
pub fn lookup(db: &str, q: &IdsQuery) -> IdsNames {
    let mut out = IdsNames::default();
    let mut section = Section::Skip;
    let mut device: Option<u16> = None;
    for line in db.lines() {
        let first = line.as_bytes().first().copied();
        match first {
            None | Some(b'#') => continue,
            Some(b'\t') => {}
            Some(_) => {
                device = None;
                section = Section::Skip;
                if let Some(rest) = line.strip_prefix("C ") {
                    if let Some((id, name)) = id_and_name(rest) {
                        if let Some(c) = hex8(id).filter(|c| q.classes.contains(c)) {
                            out.classes.insert(c, name.to_string());
                            section = Section::Class(c);
                        }
                    }
                } else if let Some((id, name)) = id_and_name(line) {
                    if let Some(v) = hex16(id).filter(|v| q.vendors.contains(v)) {
                        out.vendors.insert(v, name.to_string());
                        section = Section::Vendor(v);
                    }
                }
                continue;
            }
        }
        let depth2 = line.starts_with("\t\t");
        let body = line.trim_start_matches('\t');
        match section {
            Section::Skip => {}
            Section::Vendor(v) if !depth2 => {
                device = None;
                if let Some((id, name)) = id_and_name(body) {
                    if let Some(d) = hex16(id).filter(|d| q.devices.contains(&(v, *d))) {
                        out.devices.insert((v, d), name.to_string());
                        device = Some(d);
                    }
                }
            }
            Section::Vendor(v) => {
                // `\t\t1028 0252  Latitude XT2` under a wanted device.
                let Some(d) = device else { continue };
                let Some((ids, name)) = id_and_name(body) else {
                    continue;
                };
                let Some((sv, sd)) = ids.split_once(' ') else {
                    continue;
                };
                if let (Some(sv), Some(sd)) = (hex16(sv), hex16(sd)) {
                    if q.subsystems.contains(&(v, d, sv, sd)) {
                        out.subsystems.insert((v, d, sv, sd), name.to_string());
                    }
                }
            }
            Section::Class(c) if !depth2 => {
                if let Some((id, name)) = id_and_name(body) {
                    if let Some(s) = hex8(id).filter(|s| q.subclasses.contains(&(c, *s))) {
                        out.subclasses.insert((c, s), name.to_string());
                    }
                }
            }
            Section::Class(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An excerpt of Debian 12's pci.ids (2023.04.10), lines copied verbatim.
    const EXCERPT: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/pci_ids/pci.ids-excerpt"
    ));

    #[test]
    fn names_of_wanted_ids_only() {
        let mut q = IdsQuery::default();
        q.add_device(0x1af4, 0x1041, Some((0x1af4, 0x1100)));
        q.add_device(0x1af4, 0x1110, Some((0x1af4, 0x1100)));
        q.add_device(0x8086, 0x2a42, None);
        q.add_class(0x03, 0x00);
        q.add_class(0x02, 0x00);
        let n = lookup(EXCERPT, &q);
        assert_eq!(
            n.vendors.get(&0x1af4).map(String::as_str),
            Some("Red Hat, Inc.")
        );
        assert_eq!(
            n.devices.get(&(0x1af4, 0x1041)).map(String::as_str),
            Some("Virtio 1.0 network device")
        );
        assert_eq!(
            n.subsystems
                .get(&(0x1af4, 0x1110, 0x1af4, 0x1100))
                .map(String::as_str),
            Some("QEMU Virtual Machine")
        );
        // The same subsystem under another device has no name of its own.
        assert!(!n.subsystems.contains_key(&(0x1af4, 0x1041, 0x1af4, 0x1100)));
        assert_eq!(
            n.devices.get(&(0x8086, 0x2a42)).map(String::as_str),
            Some("Mobile 4 Series Chipset Integrated Graphics Controller")
        );
        assert_eq!(n.class_name(0x03, 0x00), Some("VGA compatible controller"));
        assert_eq!(n.class_name(0x02, 0x00), Some("Ethernet controller"));
        // Not asked for: not returned, even though the excerpt has them.
        assert!(!n.devices.contains_key(&(0x1af4, 0x1042)));
        assert_eq!(n.devices.len(), 3);
    }

    #[test]
    fn class_without_known_subclass_falls_back_to_the_class() {
        let mut q = IdsQuery::default();
        q.add_class(0x03, 0x77);
        let n = lookup(EXCERPT, &q);
        assert_eq!(n.class_name(0x03, 0x77), Some("Display controller"));
    }
}
