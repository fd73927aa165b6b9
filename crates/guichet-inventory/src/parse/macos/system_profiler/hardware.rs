//! The hardware data types of the text form: machine, processors, memory, OS, displays and
//! battery.

use super::{mhz, number, size_bytes, Node};
use crate::model::{Battery, Cpu, Machine, MemoryModule, Monitor, OperatingSystem, PciDevice};

/// The `Hardware Overview` node of a text output.
fn hardware_overview(root: &Node) -> Option<&Node> {
    root.child("Hardware")?.child("Hardware Overview")
}

/// `SPHardwareDataType` (text) to the machine record. Apple is the vendor of every Mac; the
/// model is the model identifier (`iMac7,1`), Apple's SMBIOS product name.
pub fn hardware_machine(root: &Node) -> Option<Machine> {
    let hw = hardware_overview(root)?;
    Some(Machine {
        vendor: Some("Apple Inc.".to_string()),
        model: hw
            .text("Model Identifier")
            .or_else(|| hw.text("Model Name")),
        serial: hw
            .text("Serial Number (system)")
            .or_else(|| hw.text("Serial Number")),
        uuid: hw.text("Hardware UUID"),
        bios_vendor: Some("Apple Inc.".to_string()),
        bios_version: hw
            .text("System Firmware Version")
            .or_else(|| hw.text("Boot ROM Version")),
        ..Default::default()
    })
}

/// `SPHardwareDataType` (text) to CPUs: one record per package (`Number Of Processors`), the
/// cores split evenly among them. Apple Silicon reports a `Chip` instead of a processor name.
pub fn hardware_cpus(root: &Node) -> Vec<Cpu> {
    let Some(hw) = hardware_overview(root) else {
        return Vec::new();
    };
    let get_ci = |k: &str| {
        hw.children
            .iter()
            .find(|c| c.key.eq_ignore_ascii_case(k))
            .and_then(|c| c.value.as_deref())
    };
    let Some(name) = hw
        .get("Processor Name")
        .or_else(|| hw.get("Chip"))
        .or_else(|| hw.get("CPU Type"))
    else {
        return Vec::new();
    };
    let packages = get_ci("Number Of Processors")
        .or_else(|| get_ci("Number Of CPUs"))
        .and_then(number)
        .map(|n| n as u32)
        .filter(|&n| n > 0)
        .unwrap_or(1);
    let cores = get_ci("Total Number Of Cores")
        .and_then(number)
        .map(|n| n as u32 / packages);
    let vendor = if name.contains("Intel") {
        Some("Intel".to_string())
    } else if name.starts_with("Apple") {
        Some("Apple".to_string())
    } else if name.contains("PowerPC") {
        Some("IBM".to_string())
    } else {
        None
    };
    let arch = if name.starts_with("Apple") {
        Some("aarch64".to_string())
    } else if name.contains("PowerPC") {
        Some("powerpc".to_string())
    } else {
        None
    };
    let cache = [
        "L3 Cache",
        "L2 Cache",
        "L2 Cache (per processor)",
        "L2 Cache (per CPU)",
    ]
    .iter()
    .find_map(|k| hw.get(k))
    .and_then(size_bytes)
    .map(|b| (b / 1024) as u32);
    let cpu = Cpu {
        name: name.to_string(),
        vendor,
        arch,
        cores,
        speed_mhz: hw
            .get("Processor Speed")
            .or_else(|| hw.get("CPU Speed"))
            .and_then(mhz),
        external_clock_mhz: hw.get("Bus Speed").and_then(mhz),
        cache_kib: cache,
        ..Default::default()
    };
    vec![cpu; packages as usize]
}

/// `SPHardwareDataType` (text) `Memory` total, bytes.
pub fn hardware_memory_bytes(root: &Node) -> Option<u64> {
    hardware_overview(root)?.get("Memory").and_then(size_bytes)
}

/// `SPSoftwareDataType` (text) to the OS record (hostname from `Computer Name`, which the
/// collector replaces with the real host name when it has it).
pub fn software_os(root: &Node) -> Option<OperatingSystem> {
    let sw = root.child("Software")?.child("System Software Overview")?;
    let full = sw.text("System Version")?;
    // "macOS 11.2.3 (20D91)", "Mac OS X 10.6.4 (10F569)", "Mac OS X Server 10.6 (…)".
    let before_build = full.split(" (").next().unwrap_or(&full).trim();
    let (name, version) = match before_build.rsplit_once(' ') {
        Some((n, v)) if v.starts_with(|c: char| c.is_ascii_digit()) => {
            (n.to_string(), Some(v.to_string()))
        }
        _ => (before_build.to_string(), None),
    };
    let kernel = sw.text("Kernel Version");
    let (kernel_name, kernel_version) = match kernel.as_deref().and_then(|k| k.split_once(' ')) {
        Some((n, v)) => (n.to_string(), Some(v.to_string())),
        None => ("Darwin".to_string(), kernel),
    };
    Some(OperatingSystem {
        kernel_name,
        kernel_version,
        name,
        version,
        full_name: full,
        hostname: sw.text("Computer Name").unwrap_or_default(),
        ..Default::default()
    })
}

/// `SPMemoryDataType` (text) to modules. Empty slots (`Size: Empty`) are skipped. JEDEC
/// manufacturer codes and hex-encoded part numbers as old Macs print them are decoded when
/// they are printable ASCII; all-zero codes map to `None`.
pub fn memory_modules(root: &Node) -> Vec<MemoryModule> {
    let Some(mem) = root.child("Memory") else {
        return Vec::new();
    };
    let mut slots = Vec::new();
    for c in &mem.children {
        if c.key == "Memory Slots" {
            slots.extend(c.children.iter().filter(|s| s.value.is_none()));
        } else if c.value.is_none() && c.child("Size").is_some() {
            slots.push(c);
        }
    }
    slots
        .into_iter()
        .filter_map(|s| {
            let size = s.get("Size").and_then(size_bytes)?;
            Some(MemoryModule {
                slot: Some(s.key.clone()),
                size_bytes: size,
                kind: s.text("Type").filter(|t| t != "Empty"),
                form_factor: None,
                speed_mts: s.get("Speed").and_then(mhz),
                vendor: s.get("Manufacturer").and_then(hex_text),
                part_number: s.get("Part Number").and_then(hex_text),
                serial: s.get("Serial Number").and_then(hex_text),
            })
        })
        .collect()
}

/// Decodes `0x…` hex ASCII (part numbers) when printable; keeps other `0x` codes (JEDEC ids,
/// serials) as they are unless all zeros; maps placeholders to `None`.
pub(super) fn hex_text(v: &str) -> Option<String> {
    let v = v.trim();
    if matches!(v, "" | "Empty" | "Unknown" | "-" | "N/A") {
        return None;
    }
    let Some(hex) = v.strip_prefix("0x") else {
        return Some(v.to_string());
    };
    if hex.bytes().all(|b| b == b'0') {
        return None;
    }
    // Hex digits only, so that the two-byte steps below stay on character boundaries.
    if hex.len() >= 8 && hex.len() % 2 == 0 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        let bytes: Option<Vec<u8>> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
            .collect();
        if let Some(b) = bytes {
            let t = b.iter().map(|&c| c as char).collect::<String>();
            let t = t.trim_matches(|c: char| c == '\0' || c.is_whitespace());
            if !t.is_empty() && t.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
                return Some(t.to_string());
            }
        }
    }
    Some(v.to_string())
}

/// `SPDisplaysDataType` (text) to GPUs (`PciDevice` with `is_gpu`) and monitors.
pub fn displays(root: &Node) -> (Vec<PciDevice>, Vec<Monitor>) {
    let mut gpus = Vec::new();
    let mut monitors = Vec::new();
    let Some(section) = root.child("Graphics/Displays") else {
        return (gpus, monitors);
    };
    for card in section.children.iter().filter(|c| c.value.is_none()) {
        let hex_id = |k: &str| {
            card.get(k)
                .and_then(|v| v.strip_prefix("0x"))
                .map(|v| format!("{:0>4}", v.trim().to_ascii_lowercase()))
        };
        // "Vendor: ATI (0x1002)" holds the id in parentheses.
        let (vendor, vendor_id) = match card.get("Vendor") {
            Some(v) => match v.split_once(" (0x") {
                Some((name, id)) => (
                    Some(name.trim().to_string()),
                    Some(format!(
                        "{:0>4}",
                        id.trim_end_matches(')').to_ascii_lowercase()
                    )),
                ),
                None => (Some(v.to_string()), None),
            },
            None => (None, None),
        };
        gpus.push(PciDevice {
            slot: card.text("Slot").unwrap_or_default(),
            class_name: None,
            class_id: None,
            vendor,
            name: card
                .text("Chipset Model")
                .or_else(|| Some(card.key.clone())),
            vendor_id,
            device_id: hex_id("Device ID"),
            subsystem_id: None,
            revision: hex_id("Revision ID"),
            driver: None,
            is_gpu: true,
        });
        if let Some(list) = card.child("Displays") {
            for d in &list.children {
                // "Display Connector: Status: No Display Connected" is an empty port.
                if d.get("Status").is_some_and(|s| s.contains("No Display")) {
                    continue;
                }
                monitors.push(Monitor {
                    name: Some(d.key.clone()),
                    serial: d
                        .text("Display Serial Number")
                        .or_else(|| d.text("Serial Number")),
                    port: d.text("Connection Type"),
                    ..Default::default()
                });
            }
        }
    }
    (gpus, monitors)
}

/// `SPPowerDataType` (text) to the battery, when one is installed.
///
/// Capacities are given in mAh; they are converted to mWh with the battery's current
/// `Voltage (mV)` (the only voltage reported), and left `None` without it.
pub fn power_battery(root: &Node) -> Option<Battery> {
    let info = root
        .children
        .iter()
        .filter(|c| c.key == "Power")
        .find_map(|p| p.child("Battery Information"))?;
    let model = info.child("Model Information");
    let charge = info.child("Charge Information");
    let m = |k: &str| model.and_then(|n| n.text(k));
    let c = |k: &str| charge.and_then(|n| n.get(k));
    let voltage = info.get("Voltage (mV)").and_then(|v| v.parse::<u64>().ok());
    let mwh = |mah: Option<u64>| Some(mah? * voltage? / 1000);
    let full: Option<u64> = c("Full Charge Capacity (mAh)").and_then(|v| v.parse().ok());
    let remaining: Option<u64> = c("Charge Remaining (mAh)").and_then(|v| v.parse().ok());
    let percent = c("State of Charge (%)")
        .and_then(|v| v.parse::<u8>().ok())
        .or_else(|| match (remaining, full) {
            (Some(r), Some(f)) if f > 0 => Some(((r * 100 + f / 2) / f).min(100) as u8),
            _ => None,
        });
    let status = if c("Charging") == Some("Yes") {
        Some("Charging".to_string())
    } else if c("Fully Charged") == Some("Yes") {
        Some("Full".to_string())
    } else if c("Charging") == Some("No") {
        Some("Discharging".to_string())
    } else {
        None
    };
    Some(Battery {
        name: m("Device Name").unwrap_or_else(|| "Battery".to_string()),
        manufacturer: m("Manufacturer"),
        serial: m("Serial Number"),
        chemistry: None,
        design_capacity_mwh: None,
        full_capacity_mwh: mwh(full),
        voltage_mv: voltage,
        charge_percent: percent,
        status,
        manufacture_date: None,
    })
}
