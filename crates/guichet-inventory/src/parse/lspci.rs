//! `lspci` output, the fallback for PCI devices when `/sys/bus/pci` cannot be read. Two layouts
//! are understood, detected from the text:
//!
//! * `lspci -vmmnnk`: machine-readable `Key:\tvalue [id]` records, vendor and device named apart;
//! * `lspci -v -nn` (what GLPI Agent runs, and its recorded outputs): one header line
//!   `00:02.0 VGA compatible controller [0300]: Intel Corporation Mobile 4 … [8086:2a42] (rev 07)`
//!   whose vendor and device names are run together, so [`PciDevice::name`] holds both and
//!   [`PciDevice::vendor`] is left to a `pci.ids` lookup by the caller.

use crate::model::PciDevice;

/// Parses either layout of `lspci` output.
pub fn parse(text: &str) -> Vec<PciDevice> {
    let machine = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.starts_with("Slot:"));
    if machine {
        parse_machine(text)
    } else {
        parse_verbose(text)
    }
}

/// Adds the PCI domain lspci leaves out when there is only one, so slots match sysfs names.
fn full_slot(s: &str) -> String {
    let s = s.trim();
    if s.matches(':').count() == 1 {
        format!("0000:{s}")
    } else {
        s.to_string()
    }
}

/// `"Red Hat, Inc. [1af4]"` → `("Red Hat, Inc.", "1af4")`.
fn name_and_id(v: &str) -> (Option<String>, Option<String>) {
    let v = v.trim();
    if let Some(open) = v.rfind(" [") {
        if v.ends_with(']') {
            let id = &v[open + 2..v.len() - 1];
            if !id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit()) {
                let name = v[..open].trim();
                return (
                    (!name.is_empty()).then(|| name.to_string()),
                    Some(id.to_ascii_lowercase()),
                );
            }
        }
    }
    ((!v.is_empty()).then(|| v.to_string()), None)
}

fn is_gpu(class_id: Option<&str>) -> bool {
    class_id.is_some_and(|c| c.starts_with("03"))
}

fn parse_machine(text: &str) -> Vec<PciDevice> {
    let mut out = Vec::new();
    for block in text.split("\n\n") {
        let mut d = PciDevice::default();
        let mut svendor = None;
        let mut sdevice = None;
        for line in block.lines() {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            let v = v.trim();
            match k {
                "Slot" => d.slot = full_slot(v),
                "Class" => (d.class_name, d.class_id) = name_and_id(v),
                "Vendor" => (d.vendor, d.vendor_id) = name_and_id(v),
                "Device" => {
                    (d.name, d.device_id) = name_and_id(v);
                    // lspci's stand-in when pci.ids has no name: `Device [0d57]`.
                    if d.name.as_deref() == Some("Device") {
                        d.name = None;
                    }
                }
                "SVendor" => svendor = name_and_id(v).1,
                "SDevice" => sdevice = name_and_id(v).1,
                "Rev" => d.revision = Some(v.to_ascii_lowercase()),
                "Driver" => d.driver = Some(v.to_string()),
                _ => {}
            }
        }
        if d.slot.is_empty() {
            continue;
        }
        if let (Some(sv), Some(sd)) = (svendor, sdevice) {
            d.subsystem_id = Some(format!("{sv}:{sd}"));
        }
        d.is_gpu = is_gpu(d.class_id.as_deref());
        out.push(d);
    }
    out
}

/// `"… [8086:2a42]"` at the end of `s` → `("…", "8086", "2a42")`.
fn split_ids(s: &str) -> Option<(&str, String, String)> {
    let s = s.trim_end();
    let open = s.rfind(" [")?;
    let ids = s[open + 2..].strip_suffix(']')?;
    let (v, d) = ids.split_once(':')?;
    let hex = |x: &str| x.len() == 4 && x.chars().all(|c| c.is_ascii_hexdigit());
    (hex(v) && hex(d)).then(|| {
        (
            s[..open].trim(),
            v.to_ascii_lowercase(),
            d.to_ascii_lowercase(),
        )
    })
}

fn parse_header(line: &str) -> Option<PciDevice> {
    let (slot, rest) = line.split_once(' ')?;
    let (class, rest) = rest.split_once(": ")?;
    let mut d = PciDevice {
        slot: full_slot(slot),
        ..Default::default()
    };
    (d.class_name, d.class_id) = name_and_id(class);
    // Strip the trailing `(prog-if …)` and `(rev xx)` groups, keeping the revision.
    let mut rest = rest.trim();
    if let Some(i) = rest.find(" (prog-if ") {
        rest = rest[..i].trim_end();
    }
    if let Some(i) = rest.rfind(" (rev ") {
        d.revision = rest[i + 6..]
            .strip_suffix(')')
            .map(|r| r.trim().to_ascii_lowercase());
        rest = rest[..i].trim_end();
    }
    match split_ids(rest) {
        Some((name, v, dev)) => {
            d.name = (!name.is_empty()).then(|| name.to_string());
            d.vendor_id = Some(v);
            d.device_id = Some(dev);
        }
        None => d.name = Some(rest.to_string()),
    }
    d.is_gpu = is_gpu(d.class_id.as_deref());
    Some(d)
}

fn parse_verbose(text: &str) -> Vec<PciDevice> {
    let mut out: Vec<PciDevice> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(['\t', ' ']) {
            if let Some(d) = parse_header(line) {
                out.push(d);
            }
            continue;
        }
        let Some(d) = out.last_mut() else { continue };
        let l = line.trim();
        if let Some(v) = l.strip_prefix("Subsystem:") {
            if let Some((_, sv, sd)) = split_ids(v) {
                d.subsystem_id = Some(format!("{sv}:{sd}"));
            }
        } else if let Some(v) = l.strip_prefix("Kernel driver in use:") {
            d.driver = Some(v.trim().to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! glpi {
        ($f:literal) => {
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../third-party/glpi-agent-fixtures/resources/generic/lspci/",
                $f
            ))
        };
    }

    #[test]
    fn dell_xt2_verbose_output() {
        let d = parse(glpi!("dell-xt2"));
        assert_eq!(d.len(), 24);
        let gpu = &d[1];
        assert_eq!(gpu.slot, "0000:00:02.0");
        assert_eq!(gpu.class_id.as_deref(), Some("0300"));
        assert_eq!(gpu.class_name.as_deref(), Some("VGA compatible controller"));
        assert_eq!(
            gpu.name.as_deref(),
            Some("Intel Corporation Mobile 4 Series Chipset Integrated Graphics Controller")
        );
        assert_eq!(gpu.vendor_id.as_deref(), Some("8086"));
        assert_eq!(gpu.device_id.as_deref(), Some("2a42"));
        assert_eq!(gpu.subsystem_id.as_deref(), Some("1028:0252"));
        assert_eq!(gpu.revision.as_deref(), Some("07"));
        assert_eq!(gpu.driver.as_deref(), Some("i915"));
        assert!(gpu.is_gpu);
        // 00:02.1 is a "Display controller [0380]": a GPU function too, without a driver.
        assert!(d[2].is_gpu);
        assert_eq!(d[2].driver, None);
        assert_eq!(d.iter().filter(|x| x.is_gpu).count(), 2);
        let eth = d
            .iter()
            .find(|x| x.slot == "0000:00:19.0")
            .expect("ethernet");
        assert_eq!(eth.driver.as_deref(), Some("e1000e"));
    }

    #[test]
    fn asus_laptop_with_domains_and_a_3d_controller() {
        let d = parse(glpi!("linux-asus-portable"));
        let nv = d.iter().find(|x| x.slot == "0000:01:00.0").expect("nvidia");
        assert_eq!(nv.class_id.as_deref(), Some("0302"));
        assert_eq!(
            nv.name.as_deref(),
            Some("NVIDIA Corporation TU117M [GeForce GTX 1650 Mobile / Max-Q]")
        );
        assert_eq!(
            (nv.vendor_id.as_deref(), nv.device_id.as_deref()),
            (Some("10de"), Some("1f9d"))
        );
        assert_eq!(nv.revision.as_deref(), Some("a1"));
        assert!(nv.is_gpu);
    }

    #[test]
    fn every_glpi_sample_parses_each_device() {
        for (text, n) in [
            (glpi!("linux-2"), 19),
            (glpi!("linux-imac"), 27),
            (glpi!("linux-xps"), 20),
            (glpi!("nvidia-1"), 51),
        ] {
            let d = parse(text);
            assert_eq!(d.len(), n);
            assert!(d
                .iter()
                .all(|x| x.vendor_id.is_some() && x.class_id.is_some()));
            assert_eq!(d.iter().filter(|x| x.is_gpu).count(), 1);
        }
    }

    #[test]
    fn imac_radeon_without_revision() {
        let d = parse(glpi!("linux-imac"));
        let gpu = d.iter().find(|x| x.is_gpu).expect("gpu");
        assert_eq!(gpu.device_id.as_deref(), Some("9488"));
        assert_eq!(gpu.revision, None);
        assert_eq!(
            gpu.name.as_deref(),
            Some("Advanced Micro Devices, Inc. [AMD/ATI] RV730/M96-XT [Mobility Radeon HD 4670]")
        );
    }

    #[test]
    fn machine_readable_output_of_a_kvm_guest() {
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/lspci/debian12-vm-vmmnnk.txt"
        ));
        let d = parse(text);
        assert_eq!(d.len(), 6);
        let net = &d[3];
        assert_eq!(net.slot, "0000:00:03.0");
        assert_eq!(net.class_name.as_deref(), Some("Ethernet controller"));
        assert_eq!(net.class_id.as_deref(), Some("0200"));
        assert_eq!(net.vendor.as_deref(), Some("Red Hat, Inc."));
        assert_eq!(net.name.as_deref(), Some("Virtio 1.0 network device"));
        assert_eq!(net.device_id.as_deref(), Some("1041"));
        assert_eq!(net.subsystem_id.as_deref(), Some("1af4:1041"));
        assert_eq!(net.revision.as_deref(), Some("01"));
        assert_eq!(net.driver.as_deref(), Some("virtio-pci"));
        // The host bridge has no subsystem, revision nor driver, and no name in pci.ids.
        assert_eq!(d[0].name, None);
        assert_eq!(d[0].device_id.as_deref(), Some("0d57"));
        assert_eq!(d[0].subsystem_id, None);
        assert_eq!(d[0].driver, None);
        assert!(!d.iter().any(|x| x.is_gpu));
    }
}
