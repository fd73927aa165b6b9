//! Linux `machine` collector. Reads the DMI attributes the kernel exports in
//! `/sys/class/dmi/id` (most are world-readable; serials and the UUID are root-only and read
//! when readable), then, when privileged and `dmidecode` is installed, overlays the
//! dmidecode output, which is more complete. Secure Boot comes from the `SecureBoot` EFI
//! variable (its 5th byte; the first 4 are attributes).
//!
//! A machine without DMI (some VMs, ARM boards) yields what is known plus a recorded
//! `Unavailable` error; ARM boards often name themselves in the device tree instead
//! (`/proc/device-tree/model`), which is used as the model then.

use crate::collect::{Section, SourceError};
use crate::model::{Category, CollectErrorKind, Machine};
use crate::parse::dmidecode;
use crate::probe::Probe;

const DMI: &str = "/sys/class/dmi/id";
const SECURE_BOOT: &str =
    "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c";

/// Collects the machine record.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    let mut section = Section::default();
    let mut m = if probe.exists(DMI) {
        from_sysfs(probe)
    } else {
        section.error(
            Category::Machine,
            "dmi",
            SourceError::new(
                CollectErrorKind::Unavailable,
                "/sys/class/dmi/id is absent (no SMBIOS tables)",
            ),
        );
        Machine::default()
    };

    if m.model.is_none() {
        m.model = probe
            .attr("/proc/device-tree/model")
            .map(|s| s.trim_end_matches('\0').to_string())
            .filter(|s| !s.is_empty());
    }

    if super::dmidecode_usable(probe) {
        match probe.run("dmidecode", &["-t", "0", "-t", "1", "-t", "2", "-t", "3"]) {
            Ok(text) => overlay(&mut m, dmidecode::parse(&text).machine()),
            Err(e) => section.error(Category::Machine, "dmidecode", e),
        }
    }

    m.secure_boot = probe
        .read_bytes(SECURE_BOOT)
        .ok()
        .and_then(|b| secure_boot(&b));
    section.found.machine = Some(m);
    Ok(section)
}

/// Secure Boot state from the raw efivarfs content: 4 attribute bytes, then the value.
fn secure_boot(bytes: &[u8]) -> Option<bool> {
    bytes.get(4).map(|b| *b == 1)
}

fn from_sysfs(probe: &Probe) -> Machine {
    let a = |name: &str| probe.attr(format!("{DMI}/{name}"));
    let text = |name: &str| a(name).and_then(|v| dmidecode::clean(&v));
    let serial = |name: &str| a(name).and_then(|v| dmidecode::clean_serial(&v));
    Machine {
        vendor: text("sys_vendor"),
        model: text("product_name"),
        serial: serial("product_serial"),
        uuid: a("product_uuid").and_then(|v| dmidecode::clean_uuid(&v)),
        sku: text("product_sku"),
        chassis_type: a("chassis_type")
            .and_then(|v| v.parse::<u8>().ok())
            .and_then(dmidecode::chassis_type_name)
            .filter(|t| *t != "Unknown")
            .map(str::to_string),
        chassis_serial: serial("chassis_serial"),
        asset_tag: serial("chassis_asset_tag").or_else(|| serial("board_asset_tag")),
        board_vendor: text("board_vendor"),
        board_model: text("board_name"),
        board_serial: serial("board_serial"),
        bios_vendor: text("bios_vendor"),
        bios_version: text("bios_version"),
        bios_date: text("bios_date"),
        secure_boot: None,
    }
}

/// Fills `m` with every field dmidecode knows (dmidecode wins: it reads the raw tables).
fn overlay(m: &mut Machine, d: Machine) {
    fn set(dst: &mut Option<String>, src: Option<String>) {
        if src.is_some() {
            *dst = src;
        }
    }
    set(&mut m.vendor, d.vendor);
    set(&mut m.model, d.model);
    set(&mut m.serial, d.serial);
    set(&mut m.uuid, d.uuid);
    set(&mut m.sku, d.sku);
    set(&mut m.chassis_type, d.chassis_type);
    set(&mut m.chassis_serial, d.chassis_serial);
    set(&mut m.asset_tag, d.asset_tag);
    set(&mut m.board_vendor, d.board_vendor);
    set(&mut m.board_model, d.board_model);
    set(&mut m.board_serial, d.board_serial);
    set(&mut m.bios_vendor, d.bios_vendor);
    set(&mut m.bios_version, d.bios_version);
    set(&mut m.bios_date, d.bios_date);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use std::fs;

    fn write(root: &std::path::Path, rel: &str, content: &[u8]) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
    }

    #[test]
    fn sysfs_dmi_of_a_laptop_without_root() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        for (k, v) in [
            ("sys_vendor", "LENOVO\n"),
            ("product_name", "20L5CTO1WW\n"),
            ("product_sku", "LENOVO_MT_20L5_BU_Think_FM_ThinkPad T480\n"),
            ("chassis_type", "10\n"),
            ("chassis_asset_tag", "No Asset Information\n"),
            ("board_vendor", "LENOVO\n"),
            ("board_name", "20L5CTO1WW\n"),
            ("bios_vendor", "LENOVO\n"),
            ("bios_version", "N24ET56W (1.31 )\n"),
            ("bios_date", "02/19/2020\n"),
            ("product_version", "ThinkPad T480\n"),
        ] {
            write(r, &format!("sys/class/dmi/id/{k}"), v.as_bytes());
        }
        // efivarfs: attributes 0x06 0x00 0x00 0x00, then 1 = enabled.
        write(r, &SECURE_BOOT[1..], &[6, 0, 0, 0, 1]);
        let s = collect(&Probe::fixture(r, Utc::now())).unwrap();
        let m = s.found.machine.unwrap();
        assert_eq!(m.vendor.as_deref(), Some("LENOVO"));
        assert_eq!(m.model.as_deref(), Some("20L5CTO1WW"));
        assert_eq!(m.chassis_type.as_deref(), Some("Notebook"));
        assert_eq!(m.asset_tag, None);
        assert_eq!(m.serial, None, "root-only file absent");
        assert_eq!(m.bios_version.as_deref(), Some("N24ET56W (1.31 )"));
        assert_eq!(m.bios_date.as_deref(), Some("02/19/2020"));
        assert_eq!(m.secure_boot, Some(true));
        assert!(s.errors.is_empty());
    }

    #[test]
    fn no_dmi_is_recorded_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "proc/device-tree/model",
            b"Raspberry Pi 4 Model B Rev 1.4\0",
        );
        write(dir.path(), &SECURE_BOOT[1..], &[6, 0, 0, 0, 0]);
        let s = collect(&Probe::fixture(dir.path(), Utc::now())).unwrap();
        let m = s.found.machine.unwrap();
        assert_eq!(m.model.as_deref(), Some("Raspberry Pi 4 Model B Rev 1.4"));
        assert_eq!(m.secure_boot, Some(false));
        assert_eq!(s.errors.len(), 1);
        assert_eq!(s.errors[0].kind, CollectErrorKind::Unavailable);
    }

    #[test]
    fn dmidecode_overlays_sysfs() {
        let mut m = Machine {
            vendor: Some("Dell Inc.".into()),
            serial: None,
            ..Default::default()
        };
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../third-party/glpi-agent-fixtures/resources/generic/dmidecode/dell-r640"
        ))
        .unwrap();
        overlay(&mut m, dmidecode::parse(&text).machine());
        assert_eq!(m.serial.as_deref(), Some("2RJF153"));
        assert_eq!(m.model.as_deref(), Some("PowerEdge R640"));
    }

    /// On the running host, sysfs values (when present) must be what the kernel exports.
    #[test]
    fn this_host() {
        let probe = Probe::system(Utc::now(), std::time::Duration::from_secs(10));
        let s = collect(&probe).unwrap();
        let m = s.found.machine.unwrap();
        if let Ok(v) = fs::read_to_string("/sys/class/dmi/id/sys_vendor") {
            if let Some(v) = dmidecode::clean(&v) {
                // dmidecode may only differ in trailing spaces, which clean() removes too.
                assert_eq!(m.vendor.as_deref(), Some(v.as_str()));
            }
        } else {
            assert!(s.errors.iter().any(|e| e.source.as_deref() == Some("dmi")));
        }
    }
}
