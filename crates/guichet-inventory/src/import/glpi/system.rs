//! The machine: operating system, system and firmware, processors, memory, virtualization.

use chrono::FixedOffset;
use serde_json::Map;

use super::{bytes, local_datetime, n, s, text, Obj, MIB};
use crate::model::{Cpu, Machine, Memory, MemoryModule, OperatingSystem, Virtualization};

/// Operating system: from `operatingsystem`, else from OCS's `hardware.osname` fields; `None`
/// when the document has neither, nor a host name.
pub(super) fn operating_system(
    os: Option<&Obj>,
    hardware: &Obj,
    offset: Option<FixedOffset>,
) -> Option<OperatingSystem> {
    let hostname = s(hardware, "name");
    if os.is_none() && hostname.is_none() && s(hardware, "osname").is_none() {
        return None;
    }
    let empty = Map::new();
    let o = os.unwrap_or(&empty);
    let full_name = s(o, "full_name").or_else(|| s(hardware, "osname"));
    Some(OperatingSystem {
        kernel_name: s(o, "kernel_name").unwrap_or_default(),
        kernel_version: s(o, "kernel_version").or_else(|| s(hardware, "osversion")),
        name: s(o, "name")
            .or_else(|| full_name.clone())
            .unwrap_or_default(),
        version: s(o, "version"),
        full_name: full_name.unwrap_or_default(),
        arch: s(o, "arch").unwrap_or_default(),
        hostname: hostname.unwrap_or_default(),
        fqdn: s(o, "fqdn"),
        dns_domain: s(o, "dns_domain").or_else(|| s(hardware, "workgroup")),
        boot_time: s(o, "boot_time").and_then(|d| local_datetime(&d, offset)),
        install_date: s(o, "install_date").and_then(|d| local_datetime(&d, offset)),
        timezone: o
            .get("timezone")
            .and_then(|tz| tz.get("name"))
            .and_then(text),
        timezone_offset: offset.map(|_| {
            o.get("timezone")
                .and_then(|tz| tz.get("offset"))
                .and_then(text)
                .unwrap_or_default()
        }),
        service_pack: s(o, "service_pack"),
        machine_id: None,
    })
}

/// The machine from `bios` (system, board, firmware) and `hardware` (UUID, chassis type);
/// without `bios`, only the UUID and chassis type when `hardware` has a UUID.
pub(super) fn machine(bios: Option<&Obj>, hardware: &Obj) -> Option<Machine> {
    if let Some(b) = bios {
        return Some(Machine {
            vendor: s(b, "smanufacturer"),
            model: s(b, "smodel"),
            serial: s(b, "ssn"),
            uuid: s(hardware, "uuid"),
            sku: s(b, "skunumber"),
            chassis_type: s(hardware, "chassis_type").or_else(|| s(b, "type")),
            chassis_serial: s(b, "enclosureserial"),
            asset_tag: s(b, "assettag"),
            board_vendor: s(b, "mmanufacturer"),
            board_model: s(b, "mmodel"),
            board_serial: s(b, "msn"),
            bios_vendor: s(b, "bmanufacturer"),
            bios_version: s(b, "bversion"),
            bios_date: s(b, "bdate"),
            secure_boot: s(b, "secure_boot").and_then(|v| match v.as_str() {
                "enabled" => Some(true),
                "disabled" => Some(false),
                _ => None,
            }),
        });
    }
    let uuid = s(hardware, "uuid")?;
    Some(Machine {
        uuid: Some(uuid),
        chassis_type: s(hardware, "chassis_type"),
        ..Default::default()
    })
}

/// `cpus` entries to processors.
pub(super) fn cpus(entries: Vec<&Obj>) -> Vec<Cpu> {
    entries
        .into_iter()
        .map(|c| Cpu {
            name: s(c, "name").unwrap_or_default(),
            vendor: s(c, "manufacturer"),
            arch: s(c, "arch"),
            family: n(c, "familynumber").map(|v| v as u32),
            model: n(c, "model").map(|v| v as u32),
            stepping: n(c, "stepping").map(|v| v as u32),
            cores: n(c, "core").map(|v| v as u32),
            threads: n(c, "thread").map(|v| v as u32),
            speed_mhz: n(c, "speed").map(|v| v as u32),
            external_clock_mhz: n(c, "external_clock").map(|v| v as u32),
            cache_kib: n(c, "cache").map(|v| v as u32),
            id: s(c, "id"),
        })
        .collect()
}

/// `memories` entries and `hardware.memory` (the total, in MiB) to memory; `None` when the
/// document has neither.
pub(super) fn memory(entries: Vec<&Obj>, hardware: &Obj) -> Option<Memory> {
    let modules: Vec<MemoryModule> = entries
        .into_iter()
        .map(|m| MemoryModule {
            slot: s(m, "caption"),
            size_bytes: bytes(m, "capacity", MIB).unwrap_or(0),
            kind: s(m, "type"),
            form_factor: s(m, "formfactor").or_else(|| s(m, "description")),
            speed_mts: n(m, "speed").map(|v| v as u32),
            vendor: s(m, "manufacturer"),
            part_number: s(m, "model"),
            serial: s(m, "serialnumber"),
        })
        .collect();
    if n(hardware, "memory").is_none() && modules.is_empty() {
        return None;
    }
    let total = bytes(hardware, "memory", MIB).unwrap_or_else(|| {
        modules
            .iter()
            .fold(0u64, |sum, m| sum.saturating_add(m.size_bytes))
    });
    Some(Memory {
        total_bytes: total,
        available_bytes: None,
        swap_total_bytes: bytes(hardware, "swap", MIB).unwrap_or(0),
        swap_free_bytes: None,
        slots: None,
        modules,
    })
}

/// GLPI's `vmsystem` back to our role/hypervisor/container.
pub(super) fn virtualization(vm: &str) -> Virtualization {
    let lower = vm.trim().to_ascii_lowercase();
    let container = [
        ("docker", "docker"),
        ("podman", "podman"),
        ("lxc", "lxc"),
        ("virtuozzo", "openvz"),
        ("systemd-nspawn", "systemd-nspawn"),
        ("wsl", "wsl"),
    ];
    if lower == "physical" {
        return Virtualization {
            role: "physical".into(),
            ..Default::default()
        };
    }
    if let Some((_, c)) = container.iter().find(|(k, _)| *k == lower) {
        return Virtualization {
            role: "container".into(),
            hypervisor: None,
            container: Some(c.to_string()),
        };
    }
    let hypervisor = match lower.as_str() {
        "hyper-v" => "hyperv".to_string(),
        "virtual machine" => String::new(),
        other => other.to_string(),
    };
    Virtualization {
        role: "vm".into(),
        hypervisor: (!hypervisor.is_empty()).then_some(hypervisor),
        container: None,
    }
}
