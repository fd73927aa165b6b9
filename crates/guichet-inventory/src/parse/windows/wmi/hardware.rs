//! Hardware: the machine (system and BIOS), processors, memory and video controllers.

use super::{wmi_datetime, WmiRecord};
use crate::model::{Cpu, Machine, Memory, MemoryModule, PciDevice};

/// `Win32_ComputerSystem` and `Win32_BIOS` to the machine record (either may be missing).
///
/// The BIOS serial (`Win32_BIOS.SerialNumber`) is the SMBIOS system serial on real hardware;
/// vendors' placeholders map to `None`. BIOS dates are CIM datetimes, rendered `MM/DD/YYYY`
/// like dmidecode so Linux and Windows inventories compare.
pub fn machine(cs: Option<&WmiRecord>, bios: Option<&WmiRecord>) -> Machine {
    Machine {
        vendor: cs.and_then(|c| c.text("Manufacturer")),
        model: cs.and_then(|c| c.text("Model")),
        serial: bios.and_then(|b| b.text("SerialNumber")),
        sku: cs.and_then(|c| c.text("SystemSKUNumber")),
        bios_vendor: bios.and_then(|b| b.text("Manufacturer")),
        bios_version: bios.and_then(|b| {
            b.text("SMBIOSBIOSVersion")
                .or_else(|| b.list("BIOSVersion").into_iter().next())
                .or_else(|| b.text("Version"))
        }),
        bios_date: bios
            .and_then(|b| b.get("ReleaseDate"))
            .and_then(wmi_datetime)
            .map(|d| d.format("%m/%d/%Y").to_string()),
        ..Default::default()
    }
}

/// `Win32_Processor` instances (one per socket) to CPUs.
///
/// Family/model/stepping come from `Caption` (`x64 Family 6 Model 42 Stepping 7`), the CPUID
/// values; WMI's `Family` property is an SMBIOS code (191 = "Core i5"), not the CPUID family.
pub fn cpus(records: &[WmiRecord]) -> Vec<Cpu> {
    records
        .iter()
        .map(|r| {
            let caption = r.get("Caption").unwrap_or("");
            let after = |word: &str| -> Option<u32> {
                let mut it = caption.split_whitespace();
                it.find(|w| *w == word)?;
                it.next()?.parse().ok()
            };
            Cpu {
                name: r.text("Name").unwrap_or_default(),
                vendor: r.get("Manufacturer").map(|m| match m {
                    "GenuineIntel" => "Intel".to_string(),
                    "AuthenticAMD" => "AMD".to_string(),
                    other => other.to_string(),
                }),
                arch: r.u64("Architecture").and_then(|a| match a {
                    0 => Some("x86".to_string()),
                    5 => Some("arm".to_string()),
                    6 => Some("ia64".to_string()),
                    9 => Some("x86_64".to_string()),
                    12 => Some("aarch64".to_string()),
                    _ => None,
                }),
                family: after("Family"),
                model: after("Model"),
                stepping: after("Stepping"),
                cores: r.u64("NumberOfCores").map(|v| v as u32),
                threads: r.u64("NumberOfLogicalProcessors").map(|v| v as u32),
                speed_mhz: r
                    .u64("MaxClockSpeed")
                    .or_else(|| r.u64("CurrentClockSpeed"))
                    .map(|v| v as u32),
                external_clock_mhz: r.u64("ExtClock").map(|v| v as u32),
                cache_kib: r
                    .u64("L3CacheSize")
                    .filter(|&v| v > 0)
                    .or_else(|| r.u64("L2CacheSize").filter(|&v| v > 0))
                    .map(|v| v as u32),
                id: r.text("ProcessorId"),
            }
        })
        .collect()
}

/// `Win32_PhysicalMemory` instances to memory modules.
///
/// The type comes from `SMBIOSMemoryType` (Windows 10+, SMBIOS codes) and falls back to the
/// older `MemoryType` (its own code list, 0 = unknown, which DDR3+ machines report).
pub fn memory_modules(records: &[WmiRecord]) -> Vec<MemoryModule> {
    records
        .iter()
        .filter_map(|r| {
            let size = r.u64("Capacity")?;
            let kind = r
                .u64("SMBIOSMemoryType")
                .and_then(smbios_memory_type)
                .or_else(|| r.u64("MemoryType").and_then(wmi_memory_type))
                .map(str::to_string);
            Some(MemoryModule {
                slot: r.text("DeviceLocator").or_else(|| r.text("BankLabel")),
                size_bytes: size,
                kind,
                form_factor: r
                    .u64("FormFactor")
                    .and_then(form_factor)
                    .map(str::to_string),
                speed_mts: r
                    .u64("ConfiguredClockSpeed")
                    .or_else(|| r.u64("Speed"))
                    .filter(|&s| s > 0)
                    .map(|s| s as u32),
                vendor: r.text("Manufacturer"),
                part_number: r.text("PartNumber"),
                serial: r.text("SerialNumber"),
            })
        })
        .collect()
}

fn smbios_memory_type(t: u64) -> Option<&'static str> {
    Some(match t {
        0x12 => "DDR",
        0x13 => "DDR2",
        0x18 => "DDR3",
        0x1A => "DDR4",
        0x1B => "LPDDR",
        0x1C => "LPDDR2",
        0x1D => "LPDDR3",
        0x1E => "LPDDR4",
        0x22 => "DDR5",
        0x23 => "LPDDR5",
        0x0F => "SDRAM",
        _ => return None,
    })
}

fn wmi_memory_type(t: u64) -> Option<&'static str> {
    Some(match t {
        17 => "SDRAM",
        20 => "DDR",
        21 => "DDR2",
        24 => "DDR3",
        26 => "DDR4",
        _ => return None,
    })
}

fn form_factor(f: u64) -> Option<&'static str> {
    Some(match f {
        7 => "SIMM",
        8 => "DIMM",
        11 => "RIMM",
        12 => "SODIMM",
        13 => "SRIMM",
        _ => return None,
    })
}

/// Memory totals from `Win32_ComputerSystem.TotalPhysicalMemory` (bytes; falls back to
/// `Win32_OperatingSystem.TotalVisibleMemorySize`, KiB) and the page-file figures of
/// `Win32_OperatingSystem` (KiB), plus the `Win32_PhysicalMemory` modules.
pub fn memory(os: Option<&WmiRecord>, cs: Option<&WmiRecord>, modules: &[WmiRecord]) -> Memory {
    let kib = |name: &str| os.and_then(|o| o.u64(name)).map(|k| k * 1024);
    Memory {
        total_bytes: cs
            .and_then(|c| c.u64("TotalPhysicalMemory"))
            .or_else(|| kib("TotalVisibleMemorySize"))
            .unwrap_or(0),
        available_bytes: kib("FreePhysicalMemory"),
        swap_total_bytes: kib("SizeStoredInPagingFiles").unwrap_or(0),
        swap_free_bytes: kib("FreeSpaceInPagingFiles"),
        slots: None,
        modules: memory_modules(modules),
    }
}

/// `Win32_VideoController` instances to GPU records.
///
/// Windows gives no PCI slot through this class; the PnP device id stands in as the slot
/// (unique per device), and vendor/device/subsystem ids and revision are decoded from it when
/// it is a `PCI\VEN_…&DEV_…` id. Software adapters (Remote Display, Basic Render) have no PCI
/// id and are kept with their names, as they are what the system uses.
pub fn video_controllers(records: &[WmiRecord]) -> Vec<PciDevice> {
    records
        .iter()
        .map(|r| {
            let pnp = r.get("PNPDeviceID").unwrap_or("");
            let field = |tag: &str| -> Option<String> {
                let up = pnp.to_ascii_uppercase();
                if !up.starts_with("PCI\\") {
                    return None;
                }
                let start = up.find(tag)? + tag.len();
                let rest = &up[start..];
                let end = rest.find(['&', '\\']).unwrap_or(rest.len());
                Some(rest[..end].to_ascii_lowercase())
            };
            let subsys = field("SUBSYS_").filter(|s| s.len() == 8).map(|s| {
                // SUBSYS_ is device then vendor; we write vendor:device like lspci.
                format!("{}:{}", &s[4..], &s[..4])
            });
            PciDevice {
                slot: pnp.to_string(),
                class_name: None,
                class_id: None,
                vendor: r.text("AdapterCompatibility"),
                name: r.text("Name").or_else(|| r.text("Caption")),
                vendor_id: field("VEN_"),
                device_id: field("DEV_"),
                subsystem_id: subsys,
                revision: field("REV_"),
                driver: r.text("DriverVersion"),
                is_gpu: true,
            }
        })
        .collect()
}
