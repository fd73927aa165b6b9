//! Block storage devices on Linux, from `/sys/block` and the udev database.
//!
//! sysfs gives the size, the rotational and removable flags and, for NVMe, SCSI and virtio,
//! model, serial and firmware. SATA disks behind libata expose no serial in sysfs: udev's
//! database (`/run/udev/data/b<major>:<minor>`, world-readable) has it, with the WWN and the full
//! ATA firmware revision. Partitions, loop, RAM, zram and device-mapper devices are not storage
//! devices of their own and are skipped (volumes lists what is mounted on them); md arrays are
//! listed with kind `raid`.

use crate::collect::{Section, SourceError};
use crate::model::{CollectErrorKind, StorageDevice};
use crate::parse::udev::{self, UdevEntry};
use crate::probe::Probe;

/// Collects the machine's block devices.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    if !probe.exists("/sys/block") {
        return Err(SourceError::new(
            CollectErrorKind::Unavailable,
            "/sys/block is not available (sysfs not mounted?)",
        ));
    }
    let mut section = Section::default();
    for name in probe.list("/sys/block") {
        if let Some(d) = device(probe, &name) {
            section.found.storage.push(d);
        }
    }
    Ok(section)
}

/// Kernel names of devices that are not storage hardware of their own.
fn skipped(name: &str) -> bool {
    ["loop", "ram", "zram", "dm-", "nbd", "fd"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// The device kind from its kernel name and SCSI peripheral type (5 optical, 1 tape).
fn kind(name: &str, scsi_type: Option<&str>) -> &'static str {
    if name.starts_with("md") {
        "raid"
    } else if scsi_type == Some("5") || name.starts_with("sr") {
        "cdrom"
    } else if scsi_type == Some("1") || name.starts_with("st") {
        "tape"
    } else {
        "disk"
    }
}

fn device(probe: &Probe, name: &str) -> Option<StorageDevice> {
    if skipped(name) {
        return None;
    }
    let base = format!("/sys/block/{name}");
    // NVMe multipath: the per-path `nvme0c0n1` nodes are hidden behind `nvme0n1`.
    if probe.attr(format!("{base}/hidden")).as_deref() == Some("1") {
        return None;
    }
    let sectors: u64 = probe.attr(format!("{base}/size"))?.parse().ok()?;
    let removable = probe.attr(format!("{base}/removable")).as_deref() == Some("1");
    let kind = kind(name, probe.attr(format!("{base}/device/type")).as_deref());
    // Empty bays of virtual disk controllers and nbd-like devices: nothing to inventory.
    if sectors == 0 && kind == "disk" && !removable {
        return None;
    }
    let udev = probe
        .attr(format!("{base}/dev"))
        .and_then(|dev| probe.read(format!("/run/udev/data/b{dev}")).ok())
        .map(|t| udev::parse(&t))
        .unwrap_or_default();
    let sys_path = probe
        .link(&base)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let attr = |rel: &str| probe.attr(format!("{base}/{rel}"));

    let model = attr("device/model")
        .and_then(clean)
        .or_else(|| udev.get_decoded("ID_MODEL").and_then(clean));
    let vendor = attr("device/vendor")
        .and_then(clean)
        .filter(|v| !v.eq_ignore_ascii_case("ATA") && !v.starts_with("0x"))
        .or_else(|| udev.get_decoded("ID_VENDOR").and_then(clean))
        .filter(|v| !v.eq_ignore_ascii_case("ATA") && !v.starts_with("0x"))
        .or_else(|| model.as_deref().and_then(vendor_from_model));
    let serial = attr("device/serial")
        .and_then(clean)
        .or_else(|| attr("serial").and_then(clean))
        .or_else(|| {
            udev.get("ID_SERIAL_SHORT")
                .map(str::to_string)
                .and_then(clean)
        })
        .or_else(|| {
            udev.get("ID_SCSI_SERIAL")
                .map(str::to_string)
                .and_then(clean)
        });
    let firmware = attr("device/firmware_rev")
        .and_then(clean)
        .or_else(|| udev.get("ID_REVISION").map(str::to_string).and_then(clean))
        .or_else(|| attr("device/rev").and_then(clean));
    let wwn = udev
        .get("ID_WWN_WITH_EXTENSION")
        .or_else(|| udev.get("ID_WWN"))
        .map(str::to_string)
        .or_else(|| attr("device/wwid"))
        .or_else(|| attr("wwid"))
        .and_then(clean);
    let interface = interface_from_path(&sys_path)
        .or_else(|| interface_from_udev(&udev))
        .or_else(|| name.starts_with("nvme").then(|| "NVMe".to_string()));
    Some(StorageDevice {
        name: name.to_string(),
        model,
        vendor,
        serial,
        firmware,
        size_bytes: sectors.saturating_mul(512),
        rotational: attr("queue/rotational").and_then(|r| match r.as_str() {
            "0" => Some(false),
            "1" => Some(true),
            _ => None,
        }),
        removable,
        interface,
        kind: kind.to_string(),
        wwn,
    })
}

/// Trims and drops placeholder strings that vendors leave in identity fields.
fn clean(s: String) -> Option<String> {
    let t = s.trim();
    let placeholder = t.is_empty()
        || t.chars().all(|c| c == '0' || c == ' ')
        || [
            "none",
            "n/a",
            "not specified",
            "to be filled by o.e.m.",
            "default string",
            "unknown",
        ]
        .contains(&t.to_ascii_lowercase().as_str());
    (!placeholder).then(|| t.to_string())
}

/// Bus of a block device from its sysfs device path. Order matters: a USB-attached SATA disk
/// has both `usb` and `host` in its path, a virtio-scsi disk both `virtio` and `host`.
fn interface_from_path(path: &str) -> Option<String> {
    let has = |p: &str| path.contains(p);
    let r = if has("/usb") {
        "USB"
    } else if has("/nvme/") || has("/nvme-subsystem/") {
        "NVMe"
    } else if has("/ata") {
        "SATA"
    } else if has("/mmc") {
        "MMC"
    } else if path.split('/').any(|c| {
        c.strip_prefix("host")
            .is_some_and(|n| !n.is_empty() && n.chars().all(|d| d.is_ascii_digit()))
    }) {
        "SCSI"
    } else if has("/virtio") {
        "virtio"
    } else if has("/vbd-") || has("/xen/") {
        "Xen"
    } else {
        return None;
    };
    Some(r.to_string())
}

fn interface_from_udev(u: &UdevEntry) -> Option<String> {
    Some(
        match u.get("ID_BUS")? {
            "ata" => "SATA",
            "usb" => "USB",
            "scsi" => "SCSI",
            "nvme" => "NVMe",
            "virtio" => "virtio",
            "ieee1394" => "FireWire",
            "mmc" => "MMC",
            other => return Some(other.to_string()),
        }
        .to_string(),
    )
}

/// Manufacturer named by a disk model's first word, for disks (ATA, NVMe) that report no
/// vendor field. Only unambiguous prefixes.
fn vendor_from_model(model: &str) -> Option<String> {
    let m = model.to_ascii_uppercase();
    let known: &[(&str, &str)] = &[
        ("SAMSUNG", "Samsung"),
        ("WDC ", "Western Digital"),
        ("WD ", "Western Digital"),
        ("WESTERN DIGITAL", "Western Digital"),
        ("ST", "Seagate"),
        ("SEAGATE", "Seagate"),
        ("TOSHIBA", "Toshiba"),
        ("KIOXIA", "Kioxia"),
        ("HGST", "HGST"),
        ("HITACHI", "Hitachi"),
        ("INTEL", "Intel"),
        ("CRUCIAL", "Crucial"),
        ("CT", "Crucial"),
        ("MICRON", "Micron"),
        ("KINGSTON", "Kingston"),
        ("SANDISK", "SanDisk"),
        ("SK HYNIX", "SK hynix"),
        ("HFS", "SK hynix"),
        ("LITEON", "Lite-On"),
        ("LITE-ON", "Lite-On"),
        ("PLEXTOR", "Plextor"),
        ("MAXTOR", "Maxtor"),
        ("FUJITSU", "Fujitsu"),
        ("APPLE", "Apple"),
        ("ADATA", "ADATA"),
        ("CORSAIR", "Corsair"),
        ("SABRENT", "Sabrent"),
        ("PHISON", "Phison"),
        ("VBOX", "VirtualBox"),
        ("QEMU", "QEMU"),
        ("VMWARE", "VMware"),
    ];
    known.iter().find_map(|(p, v)| {
        // `ST1000DM010`, `CT500MX500SSD1`: the short prefixes must be followed by a digit.
        let ok = if p.len() == 2 {
            m.strip_prefix(p)
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        } else {
            m.starts_with(p)
        };
        ok.then(|| v.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::fake_root::{t0, write};
    use std::fs;
    use std::path::Path;

    /// Builds `/sys/devices/<devpath>/block/<name>` with attributes and links
    /// `/sys/block/<name>` to it, as the kernel does.
    fn disk(root: &Path, devpath: &str, name: &str, attrs: &[(&str, &str)]) {
        let real = format!("sys/devices/{devpath}/block/{name}");
        for (k, v) in attrs {
            write(root, &format!("{real}/{k}"), v);
        }
        fs::create_dir_all(root.join("sys/block")).expect("mkdir");
        let depth = "../";
        std::os::unix::fs::symlink(
            format!("{depth}devices/{devpath}/block/{name}"),
            root.join(format!("sys/block/{name}")),
        )
        .expect("symlink");
    }

    #[test]
    #[allow(clippy::too_many_lines)] // one fixture tree, checked device by device
    fn sata_nvme_usb_cdrom_and_skipped_devices() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = dir.path();
        disk(
            r,
            "pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0",
            "sda",
            &[
                ("size", "976773168\n"),
                ("dev", "8:0\n"),
                ("removable", "0\n"),
                ("queue/rotational", "0\n"),
                ("device/type", "0\n"),
                ("device/vendor", "ATA     \n"),
                ("device/model", "Samsung SSD 860 \n"),
                ("device/rev", "2B6Q\n"),
            ],
        );
        write(
            r,
            "run/udev/data/b8:0",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/udev/b8:0-sata-ssd"
            )),
        );
        disk(
            r,
            "pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0",
            "nvme0n1",
            &[
                ("size", "1000215216\n"),
                ("dev", "259:0\n"),
                ("removable", "0\n"),
                ("queue/rotational", "0\n"),
                ("device/model", "KXG60ZNV512G KIOXIA                     \n"),
                ("device/serial", "   Y9LS10ABCDEF   \n"),
                ("device/firmware_rev", "AGGA4105\n"),
                ("wwid", "eui.8ce38e0400abcdef\n"),
            ],
        );
        disk(
            r,
            "pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host1/target1:0:0/1:0:0:0",
            "sdb",
            &[
                ("size", "60063744\n"),
                ("removable", "1\n"),
                ("queue/rotational", "1\n"),
                ("device/type", "0\n"),
                ("device/vendor", "SanDisk \n"),
                ("device/model", "Ultra           \n"),
            ],
        );
        disk(
            r,
            "pci0000:00/0000:00:17.0/ata2/host2/target2:0:0/2:0:0:0",
            "sr0",
            &[
                ("size", "0\n"),
                ("removable", "1\n"),
                ("device/type", "5\n"),
                ("device/vendor", "HL-DT-ST\n"),
                ("device/model", "DVD+-RW GU90N\n"),
            ],
        );
        for n in ["loop0", "zram0", "dm-0"] {
            disk(r, "virtual", n, &[("size", "2048\n")]);
        }
        disk(
            r,
            "virtual",
            "nvme0c0n1",
            &[("size", "2048\n"), ("hidden", "1\n")],
        );
        let s = collect(&Probe::fixture(r, t0())).expect("collected");
        let names: Vec<&str> = s.found.storage.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["nvme0n1", "sda", "sdb", "sr0"]);

        let nvme = &s.found.storage[0];
        assert_eq!(nvme.size_bytes, 512_110_190_592);
        assert_eq!(nvme.model.as_deref(), Some("KXG60ZNV512G KIOXIA"));
        assert_eq!(nvme.serial.as_deref(), Some("Y9LS10ABCDEF"));
        assert_eq!(nvme.firmware.as_deref(), Some("AGGA4105"));
        assert_eq!(nvme.interface.as_deref(), Some("NVMe"));
        assert_eq!(nvme.wwn.as_deref(), Some("eui.8ce38e0400abcdef"));
        assert_eq!(nvme.rotational, Some(false));

        let sda = &s.found.storage[1];
        assert_eq!(sda.size_bytes, 500_107_862_016);
        assert_eq!(sda.model.as_deref(), Some("Samsung SSD 860"));
        assert_eq!(
            sda.vendor.as_deref(),
            Some("Samsung"),
            "ATA is not a vendor"
        );
        assert_eq!(sda.serial.as_deref(), Some("S3Z9NB0K419406W"));
        assert_eq!(
            sda.firmware.as_deref(),
            Some("RVT02B6Q"),
            "udev has the full revision"
        );
        assert_eq!(sda.wwn.as_deref(), Some("0x5002538e40a1b2c3"));
        assert_eq!(sda.interface.as_deref(), Some("SATA"));
        assert_eq!(sda.kind, "disk");

        let usb = &s.found.storage[2];
        assert_eq!(usb.interface.as_deref(), Some("USB"));
        assert_eq!(usb.vendor.as_deref(), Some("SanDisk"));
        assert!(usb.removable);
        assert_eq!(usb.serial, None);

        let cd = &s.found.storage[3];
        assert_eq!(cd.kind, "cdrom");
        assert_eq!(cd.size_bytes, 0);
        assert_eq!(cd.interface.as_deref(), Some("SATA"));
    }

    #[test]
    fn virtio_disk_serial_comes_from_the_block_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        disk(
            dir.path(),
            "pci0000:00/0000:00:02.0/virtio1",
            "vda",
            &[
                ("size", "536870912\n"),
                ("serial", "vol-0abc123\n"),
                ("device/vendor", "0x1af4\n"),
            ],
        );
        let s = collect(&Probe::fixture(dir.path(), t0())).expect("collected");
        let d = &s.found.storage[0];
        assert_eq!(d.size_bytes, 274_877_906_944);
        assert_eq!(d.serial.as_deref(), Some("vol-0abc123"));
        assert_eq!(d.vendor, None, "a numeric id is not a vendor name");
        assert_eq!(d.interface.as_deref(), Some("virtio"));
        assert_eq!(d.rotational, None);
    }

    #[test]
    fn virtio_scsi_is_scsi_and_usb_sata_bridge_is_usb() {
        assert_eq!(
            interface_from_path(
                "../devices/pci0000:00/0000:00:04.0/virtio3/host0/target0:0:0/0:0:0:0/block/sda"
            )
            .as_deref(),
            Some("SCSI")
        );
        assert_eq!(
            interface_from_path("../devices/pci0000:00/0000:00:14.0/usb4/4-1/4-1:1.0/host5/target5:0:0/5:0:0:0/block/sdc").as_deref(),
            Some("USB")
        );
        assert_eq!(
            vendor_from_model("ST1000DM010-2EP102").as_deref(),
            Some("Seagate")
        );
        assert_eq!(vendor_from_model("STORAGE DEVICE"), None);
        assert_eq!(
            vendor_from_model("CT500MX500SSD1").as_deref(),
            Some("Crucial")
        );
    }

    #[test]
    fn missing_sysfs_is_an_unavailable_category() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = collect(&Probe::fixture(dir.path(), t0())).expect_err("no sysfs");
        assert_eq!(e.kind, CollectErrorKind::Unavailable);
    }

    /// On the real host: every disk `lsblk` lists (but loop, zram and empty ones) is found with
    /// the same size.
    #[test]
    fn host_disks_match_lsblk() {
        let probe = Probe::system(t0(), std::time::Duration::from_secs(10));
        if !probe.has_program("lsblk") || !Path::new("/sys/block").exists() {
            return;
        }
        let Ok(out) = probe.run("lsblk", &["-d", "-b", "-n", "-o", "NAME,SIZE,TYPE"]) else {
            return;
        };
        let ours = collect(&probe).expect("collected").found.storage;
        for line in out.lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() != 3 || f[2] != "disk" || skipped(f[0]) || f[1] == "0" {
                continue;
            }
            let d = ours
                .iter()
                .find(|d| d.name == f[0])
                .unwrap_or_else(|| panic!("{} missing from {ours:?}", f[0]));
            assert_eq!(d.size_bytes.to_string(), f[1], "size of {}", f[0]);
        }
    }
}
