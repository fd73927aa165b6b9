//! Parsers for `system_profiler` output: the text form (an indented `Key: Value` tree, one
//! top-level section per data type) and the `-xml` form (a plist array of data-type dicts with
//! `_dataType` and `_items`), and mappers to model records.
//!
//! Text keys are the English labels (`LC_ALL=C`); numbers may still carry the user's locale
//! (`2,4 GHz`, `463 117 873 152 bytes`), so numeric helpers accept both separators. The XML form
//! has stable keys and typed values; collectors prefer it where the mapping exists
//! (applications, USB, Serial-ATA) and use text for the other data types.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use plist::Value;

use crate::model::{
    Battery, Cpu, IpAddress, Machine, MemoryModule, Monitor, NetworkInterface, OperatingSystem,
    PciDevice, Software, StorageDevice, UsbDevice,
};

/// One node of the text tree: `Key: Value` leaves and `Key:` sections with children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    /// The label before the colon.
    pub key: String,
    /// The text after `: `, `None` for a section header.
    pub value: Option<String>,
    /// Nested nodes (more indented lines that follow).
    pub children: Vec<Node>,
}

impl Node {
    /// The first child with this key.
    pub fn child(&self, key: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.key == key)
    }

    /// The value of the first child with this key, trimmed, `None` when empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        let v = self.child(key)?.value.as_deref()?.trim();
        (!v.is_empty()).then_some(v)
    }

    /// A value as an owned string.
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_string)
    }

    /// Every descendant (depth first) whose key is `key`.
    pub fn find_all<'a>(&'a self, key: &str, out: &mut Vec<&'a Node>) {
        for c in &self.children {
            if c.key == key {
                out.push(c);
            }
            c.find_all(key, out);
        }
    }
}

/// Parses the text output into a root node whose children are the data-type sections
/// (`Hardware`, `Software`, `Memory`…).
pub fn parse_text(text: &str) -> Node {
    let mut root = Node::default();
    // Stack of (indent, path of child indexes from the root).
    let mut stack: Vec<(usize, Vec<usize>)> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let content = line.trim();
        if content.is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let (key, value) = if let Some(k) = content.strip_suffix(':') {
            (k.to_string(), None)
        } else if let Some((k, v)) = content.split_once(": ") {
            (k.to_string(), Some(v.trim().to_string()))
        } else {
            // A line without a label continues nothing we use; skip it.
            continue;
        };
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        let parent_path = stack.last().map(|(_, p)| p.clone()).unwrap_or_default();
        let mut parent = &mut root;
        for &i in &parent_path {
            parent = &mut parent.children[i];
        }
        parent.children.push(Node {
            key,
            value,
            children: Vec::new(),
        });
        // Only sections take children: in `ECC: Disabled` followed by more indented
        // `BANK 0/DIMM0:` the bank belongs to the enclosing `Memory Slots` section.
        if parent.children.last().is_some_and(|n| n.value.is_none()) {
            let mut path = parent_path;
            path.push(parent.children.len() - 1);
            stack.push((indent, path));
        }
    }
    root
}

/// A number with either decimal separator, first number in the text (`2,4 GHz` → 2.4).
fn number(s: &str) -> Option<f64> {
    let t: String = s
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .collect();
    t.replace(',', ".").parse().ok()
}

/// A size such as `16 GB`, `256 MB`, `4 MB`, or `320,07 GB (320 072 933 376 bytes)` (exact
/// byte count in parentheses preferred) to bytes. Binary units, as Apple uses them for
/// memory; disks always carry the exact count.
pub fn size_bytes(s: &str) -> Option<u64> {
    if let Some(open) = s.find('(') {
        let inner = &s[open + 1..];
        if let Some(end) = inner.find("bytes") {
            let digits: String = inner[..end].chars().filter(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse() {
                return Some(n);
            }
        }
    }
    let n = number(s)?;
    let unit = s
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '.');
    let mult: u64 = match unit.split_whitespace().next()? {
        "KB" => 1 << 10,
        "MB" => 1 << 20,
        "GB" => 1 << 30,
        "TB" => 1 << 40,
        _ => return None,
    };
    Some((n * mult as f64).round() as u64)
}

/// A frequency (`2,4 GHz`, `800 MHz`) in MHz.
fn mhz(s: &str) -> Option<u32> {
    let n = number(s)?;
    if s.contains("GHz") {
        Some((n * 1000.0).round() as u32)
    } else if s.contains("MHz") {
        Some(n.round() as u32)
    } else {
        None
    }
}

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
fn hex_text(v: &str) -> Option<String> {
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
    if hex.len() >= 8 && hex.len() % 2 == 0 {
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

/// `SPNetworkDataType` (text) to interfaces: services with a BSD device name.
pub fn network(root: &Node) -> Vec<NetworkInterface> {
    let Some(net) = root.child("Network") else {
        return Vec::new();
    };
    net.children
        .iter()
        .filter_map(|svc| {
            let name = svc.text("BSD Device Name")?;
            let v4 = svc.child("IPv4");
            let addrs: Vec<String> = v4
                .and_then(|n| n.get("Addresses"))
                .map(|a| a.split(',').map(|s| s.trim().to_string()).collect())
                .unwrap_or_default();
            let masks: Vec<String> = v4
                .and_then(|n| n.get("Subnet Masks"))
                .map(|a| a.split(',').map(|s| s.trim().to_string()).collect())
                .unwrap_or_default();
            let ipv4 = addrs
                .iter()
                .enumerate()
                .filter_map(|(i, a)| {
                    let ip: std::net::Ipv4Addr = a.parse().ok()?;
                    let m: std::net::Ipv4Addr = masks
                        .get(i)
                        .and_then(|m| m.parse().ok())
                        .unwrap_or(std::net::Ipv4Addr::BROADCAST);
                    Some(IpAddress {
                        address: a.clone(),
                        prefix_len: u32::from(m).count_ones() as u8,
                        mask: m.to_string(),
                        subnet: std::net::Ipv4Addr::from(u32::from(ip) & u32::from(m)).to_string(),
                    })
                })
                .collect();
            let hw = svc.get("Hardware").unwrap_or("").to_ascii_lowercase();
            let kind = match hw.as_str() {
                "ethernet" => "ethernet",
                "airport" | "wi-fi" => "wifi",
                _ => "other",
            };
            let method = v4.and_then(|n| n.get("Configuration Method"));
            Some(NetworkInterface {
                name,
                description: Some(svc.key.clone()),
                mac: svc
                    .child("Ethernet")
                    .and_then(|e| e.get("MAC Address"))
                    .map(str::to_ascii_lowercase),
                ipv4,
                ipv6: Vec::new(),
                gateway: v4.and_then(|n| n.text("Router")),
                dhcp: method.map(|m| m == "DHCP"),
                dhcp_server: svc
                    .child("DHCP Server Responses")
                    .and_then(|d| d.text("Server Identifier")),
                speed_mbps: None,
                mtu: None,
                status: if svc.get("Has IP Assigned") == Some("Yes") {
                    "up".to_string()
                } else {
                    "unknown".to_string()
                },
                kind: kind.to_string(),
                virtual_device: false,
                driver: None,
                pci_slot: None,
            })
        })
        .collect()
}

/// `SPSerialATADataType` (text) disks: the children of controllers that have a `BSD Name`.
pub fn serial_ata_text(root: &Node) -> Vec<StorageDevice> {
    let Some(sata) = root.child("Serial-ATA") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for ctrl in &sata.children {
        for d in ctrl
            .children
            .iter()
            .filter(|d| d.child("BSD Name").is_some())
        {
            let model = d.text("Model").or_else(|| Some(d.key.clone()));
            out.push(StorageDevice {
                name: d.text("BSD Name").unwrap_or_default(),
                vendor: model.as_deref().and_then(disk_vendor),
                model,
                serial: d.text("Serial Number"),
                firmware: d.text("Revision"),
                size_bytes: d.get("Capacity").and_then(size_bytes).unwrap_or(0),
                rotational: d.get("Medium Type").map(|m| m == "Rotational"),
                removable: d.get("Removable Media") == Some("Yes"),
                interface: Some("SATA".to_string()),
                kind: "disk".to_string(),
                wwn: None,
            });
        }
    }
    out
}

/// Vendor from a disk model's well-known prefix (`WDC …`, `ST…`, `APPLE SSD …`).
fn disk_vendor(model: &str) -> Option<String> {
    let m = model.trim().to_ascii_uppercase();
    let v = if m.starts_with("WDC") {
        "Western Digital"
    } else if m.starts_with("ST") && m.as_bytes().get(2).is_some_and(u8::is_ascii_digit) {
        "Seagate"
    } else if m.starts_with("APPLE") {
        "Apple"
    } else if m.starts_with("SAMSUNG") {
        "Samsung"
    } else if m.starts_with("HITACHI") || m.starts_with("HTS") {
        "Hitachi"
    } else if m.starts_with("TOSHIBA") {
        "Toshiba"
    } else {
        return None;
    };
    Some(v.to_string())
}

/// `SPApplicationsDataType` (text) to software. Dates are `Last Modified: 04/09/11 22:43`,
/// day-first or month-first depending on the user's locale: the text alone cannot always tell,
/// so `day_first` says which (the XML form has ISO dates and needs no guess).
pub fn applications_text(root: &Node, day_first: bool) -> Vec<Software> {
    let Some(apps) = root.child("Applications") else {
        return Vec::new();
    };
    apps.children
        .iter()
        .filter(|a| a.value.is_none())
        .map(|a| Software {
            name: a.key.clone(),
            version: a.text("Version"),
            publisher: a.get("Get Info String").and_then(publisher_from_info),
            install_date: a
                .get("Last Modified")
                .and_then(|d| short_date(d, day_first)),
            source: "system_profiler".to_string(),
            category: a.get("Location").and_then(system_category),
            folder: a.text("Location"),
            arch: a.text("Kind"),
            ..Default::default()
        })
        .collect()
}

/// `dd/mm/yy hh:mm` or `mm/dd/yy hh:mm` to UTC (the text form prints local time; UTC is the
/// closest we can say without the zone).
fn short_date(s: &str, day_first: bool) -> Option<DateTime<Utc>> {
    let date = s.split_whitespace().next()?;
    let mut it = date.split('/');
    let (a, b, y): (u32, u32, i32) = (
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    );
    let y = if y < 100 { 2000 + y } else { y };
    let (d, m) = if day_first { (a, b) } else { (b, a) };
    let time = s.split_whitespace().nth(1).unwrap_or("00:00");
    let dt =
        NaiveDateTime::parse_from_str(&format!("{y:04}-{m:02}-{d:02} {time}"), "%Y-%m-%d %H:%M")
            .ok()
            .or_else(|| NaiveDate::from_ymd_opt(y, m, d)?.and_hms_opt(0, 0, 0))?;
    Some(dt.and_utc())
}

/// The publisher in a `Get Info String` / `info` (`2.1.2, © 1995-2010 Apple Inc. All Rights
/// Reserved.` → `Apple`), as GLPI Agent extracts it: the name after the copyright years.
pub fn publisher_from_info(info: &str) -> Option<String> {
    let lower = info.to_lowercase();
    let at = lower
        .find('©')
        .map(|i| i + '©'.len_utf8())
        .or_else(|| lower.find("copyright").map(|i| i + "copyright".len()))?;
    let rest = info.get(at..)?;
    let rest = rest
        .trim_start_matches(|c: char| {
            c.is_ascii_digit() || c.is_whitespace() || matches!(c, '-' | ',' | '©' | '–')
        })
        .trim_start_matches("(c)")
        .trim_start_matches("(C)")
        .trim_start();
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == ' ');
    let name: String = rest
        .split([',', '.'])
        .next()?
        .trim()
        .trim_end_matches(" Inc")
        .trim_end_matches(" All Rights Reserved")
        .trim()
        .to_string();
    let name = name
        .strip_suffix(" All rights reserved")
        .unwrap_or(&name)
        .to_string();
    (!name.is_empty()).then_some(name)
}

/// GLPI's `SYSTEM_CATEGORY`: the first two folders of the application's path
/// (`System/Library`, `Library/Application Support`, `Applications/Utilities`), as category.
fn system_category(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let dir = parts
        .iter()
        .position(|s| s.ends_with(".app"))
        .unwrap_or(parts.len() - 1);
    let cat = parts[..dir.min(2)].join("/");
    (!cat.is_empty()).then_some(cat)
}

/// The data-type dicts of a `system_profiler -xml` output, by `_dataType`.
pub fn parse_xml(bytes: &[u8]) -> Result<Vec<(String, Vec<Value>)>, plist::Error> {
    let v = Value::from_reader(std::io::Cursor::new(bytes))?;
    Ok(v.as_array()
        .map(|arr| {
            arr.iter()
                .filter_map(|d| {
                    let d = d.as_dictionary()?;
                    let name = d.get("_dataType")?.as_string()?.to_string();
                    let items = d
                        .get("_items")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    Some((name, items))
                })
                .collect()
        })
        .unwrap_or_default())
}

fn s(v: &Value, k: &str) -> Option<String> {
    let t = v.as_dictionary()?.get(k)?.as_string()?.trim().to_string();
    (!t.is_empty()).then_some(t)
}

fn u(v: &Value, k: &str) -> Option<u64> {
    let x = v.as_dictionary()?.get(k)?;
    x.as_unsigned_integer()
        .or_else(|| x.as_signed_integer().map(|i| i.max(0) as u64))
}

/// `SPApplicationsDataType` items (XML) to software: `_name`, `version`, `obtained_from`
/// (`apple` → publisher Apple) or the publisher in `info`, `lastModified` as install date,
/// `path` as folder.
pub fn applications_xml(items: &[Value]) -> Vec<Software> {
    items
        .iter()
        .filter_map(|a| {
            let name = s(a, "_name")?;
            let path = s(a, "path");
            let publisher = s(a, "info")
                .as_deref()
                .and_then(publisher_from_info)
                .or_else(|| {
                    (s(a, "obtained_from").as_deref() == Some("apple")).then(|| "Apple".to_string())
                });
            let date = a
                .as_dictionary()
                .and_then(|d| d.get("lastModified"))
                .and_then(Value::as_date)
                .map(|d| DateTime::<Utc>::from(std::time::SystemTime::from(d)));
            Some(Software {
                name,
                version: s(a, "version"),
                arch: s(a, "arch_kind"),
                publisher,
                install_date: date,
                source: "system_profiler".to_string(),
                category: path.as_deref().and_then(system_category),
                folder: path,
                ..Default::default()
            })
        })
        .collect()
}

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

/// Disks in `SPSerialATADataType` items (XML): controllers' children with a `bsd_name`.
pub fn serial_ata_xml(items: &[Value]) -> Vec<StorageDevice> {
    let mut out = Vec::new();
    for ctrl in items {
        let Some(disks) = ctrl
            .as_dictionary()
            .and_then(|d| d.get("_items"))
            .and_then(Value::as_array)
        else {
            continue;
        };
        for d in disks {
            let Some(name) = s(d, "bsd_name") else {
                continue;
            };
            let model = s(d, "device_model").or_else(|| s(d, "_name"));
            out.push(StorageDevice {
                name,
                vendor: model.as_deref().and_then(disk_vendor),
                model,
                serial: s(d, "device_serial"),
                firmware: s(d, "device_revision"),
                size_bytes: u(d, "size_in_bytes").unwrap_or(0),
                rotational: s(d, "spsata_medium_type").map(|m| m == "Rotational"),
                removable: s(d, "removable_media").as_deref() == Some("yes"),
                interface: Some("SATA".to_string()),
                kind: "disk".to_string(),
                wwn: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_speeds_in_any_locale() {
        assert_eq!(size_bytes("16 GB"), Some(16 << 30));
        assert_eq!(
            size_bytes("463,12 GB (463 117 873 152 bytes)"),
            Some(463_117_873_152)
        );
        assert_eq!(
            size_bytes("320.07 GB (320,072,933,376 bytes)"),
            Some(320_072_933_376)
        );
        assert_eq!(mhz("2,4 GHz"), Some(2400));
        assert_eq!(mhz("800 MHz"), Some(800));
    }

    #[test]
    fn hex_part_numbers() {
        assert_eq!(
            hex_text("0x3848544631323836344844592D3636374531").as_deref(),
            Some("8HTF12864HDY-667E1")
        );
        assert_eq!(hex_text("0x0000000000000000"), None);
        assert_eq!(hex_text("0xD5289015").as_deref(), Some("0xD5289015"));
    }

    #[test]
    fn publishers_from_info_strings() {
        assert_eq!(
            publisher_from_info("2.1.2, © 1995-2010 Apple Inc. All Rights Reserved.").as_deref(),
            Some("Apple")
        );
        assert_eq!(publisher_from_info("4.0.6"), None);
    }
}
