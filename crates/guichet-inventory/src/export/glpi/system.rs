//! The machine itself: operating system, hardware summary, BIOS, processors and memory.

use super::{bios_date, datetime, mib, parse_offset, Obj};
use crate::model::{Cpu, Inventory, Machine, Memory, OperatingSystem};
use chrono::FixedOffset;
use serde_json::{Map, Value};
use std::net::Ipv4Addr;

pub(super) fn operatingsystem(
    os: &OperatingSystem,
    offset: Option<FixedOffset>,
) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("kernel_name", Some(&os.kernel_name))
        .s("kernel_version", os.kernel_version.as_deref())
        .s("name", Some(&os.name))
        .s("version", os.version.as_deref())
        .s("full_name", Some(&os.full_name))
        .s("arch", Some(&os.arch))
        .s("fqdn", os.fqdn.as_deref())
        .s("dns_domain", os.dns_domain.as_deref())
        .s("service_pack", os.service_pack.as_deref())
        .s(
            "boot_time",
            os.boot_time.map(|t| datetime(t, offset)).as_deref(),
        )
        .s(
            "install_date",
            os.install_date.map(|t| datetime(t, offset)).as_deref(),
        );
    let mut map = o.done();
    // The schema requires both name and offset; GLPI Agent names the zone by its offset when it
    // has no better name.
    if let Some(raw) = os.timezone_offset.as_deref().map(str::trim) {
        if parse_offset(raw).is_some() {
            let name = os
                .timezone
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or(raw);
            map.insert(
                "timezone".into(),
                serde_json::json!({ "name": name, "offset": raw }),
            );
        }
    }
    map
}

pub(super) fn hardware(inv: &Inventory) -> Map<String, Value> {
    let mut o = Obj::default();
    if let Some(os) = &inv.os {
        o.s("name", Some(&os.hostname))
            .s("workgroup", os.dns_domain.as_deref());
    }
    if let Some(m) = &inv.machine {
        o.s("uuid", m.uuid.as_deref())
            .s("chassis_type", m.chassis_type.as_deref());
    }
    if let Some(mem) = &inv.memory {
        o.n("memory", Some(mib(mem.total_bytes)))
            .n("swap", Some(mib(mem.swap_total_bytes)));
    }
    let dns: Vec<&str> = inv
        .dns_servers
        .iter()
        .map(|d| d.trim())
        .filter(|d| !d.is_empty())
        .collect();
    if !dns.is_empty() {
        o.s("dns", Some(&dns.join("/")));
    }
    // GLPI has one default gateway per computer: prefer the IPv4 one, as GLPI Agent does.
    let gateway = inv
        .gateways
        .iter()
        .find(|g| g.trim().parse::<Ipv4Addr>().is_ok())
        .or_else(|| inv.gateways.first());
    o.s("defaultgateway", gateway.map(String::as_str));
    if let Some(v) = &inv.virtualization {
        o.s(
            "vmsystem",
            vmsystem(&v.role, &v.hypervisor, &v.container).as_deref(),
        );
    }
    o.done()
}

/// GLPI's `vmsystem` names (those GLPI Agent uses): `Physical` or the kind of VM or container
/// the inventoried system itself is. Inside a container on a VM, the container is what runs the
/// agent, so it wins, as in our model's `role`.
fn vmsystem(role: &str, hypervisor: &Option<String>, container: &Option<String>) -> Option<String> {
    let known = |name: &str, table: &[(&str, &str)]| {
        let lower = name.trim().to_ascii_lowercase();
        table
            .iter()
            .find(|(k, _)| *k == lower)
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| name.trim().to_string())
    };
    match role.trim().to_ascii_lowercase().as_str() {
        "physical" => Some("Physical".into()),
        "vm" => Some(
            match hypervisor.as_deref().filter(|h| !h.trim().is_empty()) {
                Some(h) => known(
                    h,
                    &[
                        ("kvm", "KVM"),
                        ("qemu", "QEMU"),
                        ("vmware", "VMware"),
                        ("hyperv", "Hyper-V"),
                        ("microsoft", "Hyper-V"),
                        ("virtualbox", "VirtualBox"),
                        ("oracle", "VirtualBox"),
                        ("xen", "Xen"),
                        ("parallels", "Parallels"),
                        ("bhyve", "Bhyve"),
                    ],
                ),
                None => "Virtual Machine".into(),
            },
        ),
        "container" => container
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(|c| {
                known(
                    c,
                    &[
                        ("docker", "Docker"),
                        ("podman", "Podman"),
                        ("lxc", "LXC"),
                        ("openvz", "Virtuozzo"),
                        ("systemd-nspawn", "Systemd-nspawn"),
                        ("wsl", "WSL"),
                    ],
                )
            }),
        _ => None,
    }
}

pub(super) fn bios(m: &Machine) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("smanufacturer", m.vendor.as_deref())
        .s("smodel", m.model.as_deref())
        .s("ssn", m.serial.as_deref())
        .s("skunumber", m.sku.as_deref())
        .s("assettag", m.asset_tag.as_deref())
        .s("enclosureserial", m.chassis_serial.as_deref())
        .s("mmanufacturer", m.board_vendor.as_deref())
        .s("mmodel", m.board_model.as_deref())
        .s("msn", m.board_serial.as_deref())
        .s("bmanufacturer", m.bios_vendor.as_deref())
        .s("bversion", m.bios_version.as_deref())
        .s(
            "bdate",
            m.bios_date.as_deref().and_then(bios_date).as_deref(),
        )
        .s(
            "secure_boot",
            m.secure_boot
                .map(|on| if on { "enabled" } else { "disabled" }),
        );
    o.done()
}

/// The CPU architecture if the schema's pattern accepts it (after the usual aliases).
pub(super) fn cpu_arch(arch: &str) -> Option<&str> {
    let arch = match arch.trim() {
        "amd64" | "x64" | "AMD64" => "x86_64",
        "arm64" | "ARM64" => "aarch64",
        other => other,
    };
    let ok = matches!(
        arch,
        "mips"
            | "mips64"
            | "alpha"
            | "sparc"
            | "sparc64"
            | "m68k"
            | "x86_64"
            | "powerpc"
            | "powerpc64"
            | "aarch64"
    ) || arch.starts_with("arm")
        || (arch.len() == 4
            && arch.starts_with('i')
            && arch.ends_with("86")
            && arch.as_bytes()[1].is_ascii_digit());
    ok.then_some(arch)
}

pub(super) fn cpu(c: &Cpu) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("name", Some(&c.name))
        .s("manufacturer", c.vendor.as_deref())
        .s("arch", c.arch.as_deref().and_then(cpu_arch))
        .s("familynumber", c.family.map(|f| f.to_string()).as_deref())
        .s("model", c.model.map(|m| m.to_string()).as_deref())
        .n("stepping", c.stepping.map(u64::from))
        .n("core", c.cores.map(u64::from))
        // GLPI Agent (and GLPI's display) use the package's thread count, whatever the schema's
        // title says ("threads per core"): an i5-6200U is sent as core 2, thread 4.
        .n("thread", c.threads.map(u64::from))
        .n("speed", c.speed_mhz.map(u64::from))
        .n("external_clock", c.external_clock_mhz.map(u64::from))
        // KiB, as a bare number (the schema types it as a string without a unit).
        .s("cache", c.cache_kib.map(|k| k.to_string()).as_deref())
        .s("id", c.id.as_deref());
    o.done()
}

pub(super) fn memories(mem: &Memory) -> Vec<Map<String, Value>> {
    mem.modules
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut o = Obj::default();
            o.n("capacity", Some(mib(m.size_bytes)))
                .s("caption", m.slot.as_deref())
                .s("type", m.kind.as_deref())
                .s("description", m.form_factor.as_deref())
                .s("formfactor", m.form_factor.as_deref())
                .s("speed", m.speed_mts.map(|s| s.to_string()).as_deref())
                .s("manufacturer", m.vendor.as_deref())
                .s("model", m.part_number.as_deref())
                .s("serialnumber", m.serial.as_deref())
                // GLPI Agent numbers the modules from 1 in this field.
                .n("numslots", Some(i as u64 + 1));
            o.done()
        })
        .collect()
}
