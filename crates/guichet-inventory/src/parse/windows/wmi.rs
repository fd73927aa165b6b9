//! Parser for WMI instance dumps in the `wmic path <Class> get /format:list` layout, and the
//! mappers from WMI classes to model records.
//!
//! The layout: UTF-16LE text, one `Property=Value` line per property, instances separated by
//! blank lines, arrays written `{"a","b"}` or `{3,4}`, `&` `<` `>` escaped as XML entities (the
//! XSL behind `/format:list` does that), dates in CIM form `yyyymmddHHMMSS.ffffff±UUU` with the
//! offset in minutes. `wmic` is gone from recent Windows 11, so the Windows collectors print the
//! same layout from PowerShell's `Get-CimInstance` (see `src/windows/mod.rs`); lines starting
//! with `#` are comments, and `#class <Name>` lines split one output holding several classes.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::model::{
    Cpu, IpAddress, LocalUser, Machine, Memory, MemoryModule, NetworkInterface, OperatingSystem,
    PciDevice, StorageDevice, Volume,
};
use crate::parse::windows::text::decode;

/// One WMI instance: its properties in output order, values as written (entities decoded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WmiRecord {
    /// `(property, value)` pairs; empty values are kept as `""`.
    pub props: Vec<(String, String)>,
}

impl WmiRecord {
    /// A property's value, trimmed; `None` when absent or empty (WMI's NULL prints empty).
    pub fn get(&self, name: &str) -> Option<&str> {
        let v = self
            .props
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))?
            .1
            .trim();
        (!v.is_empty()).then_some(v)
    }

    /// A property as an owned string, with vendor placeholders mapped to `None`.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .filter(|v| !is_placeholder(v))
            .map(str::to_string)
    }

    /// A numeric property.
    pub fn u64(&self, name: &str) -> Option<u64> {
        self.get(name)?.parse().ok()
    }

    /// A `TRUE`/`FALSE` property.
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name)? {
            v if v.eq_ignore_ascii_case("true") => Some(true),
            v if v.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// An array property (`{"a","b"}`, `{3,4}`), empty when absent.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.get(name).map(parse_array).unwrap_or_default()
    }
}

/// Placeholder strings firmware and drivers put where they have nothing to say.
fn is_placeholder(v: &str) -> bool {
    let l = v.trim().to_ascii_lowercase();
    matches!(
        l.as_str(),
        "" | "to be filled by o.e.m."
            | "not specified"
            | "system serial number"
            | "default string"
            | "none"
            | "undefined"
            | "unknown"
            | "n/a"
            | "not available"
            | "0"
    ) || (l.len() >= 4 && l.bytes().all(|b| b == b'0'))
}

/// Parses a dump given as raw bytes (UTF-16LE as `wmic` writes, or UTF-8).
pub fn parse_list(bytes: &[u8]) -> Vec<WmiRecord> {
    parse_list_text(&decode(bytes))
}

/// Parses a dump already decoded to text: every instance, in order.
pub fn parse_list_text(text: &str) -> Vec<WmiRecord> {
    parse_classes_text(text)
        .into_iter()
        .flat_map(|(_, r)| r)
        .collect()
}

/// Parses an output holding several classes, each introduced by a `#class <Name>` line;
/// instances before any such line are filed under `""`.
pub fn parse_classes(bytes: &[u8]) -> Vec<(String, Vec<WmiRecord>)> {
    parse_classes_text(&decode(bytes))
}

fn parse_classes_text(text: &str) -> Vec<(String, Vec<WmiRecord>)> {
    let mut out: Vec<(String, Vec<WmiRecord>)> = vec![(String::new(), Vec::new())];
    let mut cur = WmiRecord::default();
    let flush = |cur: &mut WmiRecord, out: &mut Vec<(String, Vec<WmiRecord>)>| {
        if !cur.props.is_empty() {
            if let Some(last) = out.last_mut() {
                last.1.push(std::mem::take(cur));
            }
        }
    };
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            flush(&mut cur, &mut out);
            continue;
        }
        if let Some(comment) = line.trim_start().strip_prefix('#') {
            flush(&mut cur, &mut out);
            if let Some(class) = comment.trim().strip_prefix("class ") {
                out.push((class.trim().to_string(), Vec::new()));
            }
            continue;
        }
        match line.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() && !k.contains(' ') => {
                cur.props.push((k.trim().to_string(), unescape(v)));
            }
            // A line without `=` continues the previous value (a value with a newline).
            _ => {
                if let Some((_, v)) = cur.props.last_mut() {
                    v.push('\n');
                    v.push_str(&unescape(line));
                }
            }
        }
    }
    flush(&mut cur, &mut out);
    out.retain(|(name, recs)| !name.is_empty() || !recs.is_empty());
    out
}

/// Decodes the XML entities the `/format:list` XSL writes.
fn unescape(v: &str) -> String {
    if !v.contains('&') {
        return v.to_string();
    }
    v.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Splits a WMI array value: `{"a","b"}` → `["a", "b"]`, `{3,4}` → `["3", "4"]`.
pub fn parse_array(v: &str) -> Vec<String> {
    let v = v.trim();
    let Some(inner) = v.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
        return if v.is_empty() {
            Vec::new()
        } else {
            vec![v.to_string()]
        };
    };
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    for c in inner.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if !cur.is_empty() || !out.is_empty() {
        out.push(cur);
    }
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// CIM datetime (`20130813153755.000000+120`, offset in minutes east of UTC) to UTC.
pub fn wmi_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.len() < 14 || !s.as_bytes()[..14].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |a: usize, b: usize| s[a..b].parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(n(0, 4)? as i32, n(4, 6)?, n(6, 8)?)?;
    let local = date.and_hms_opt(n(8, 10)?, n(10, 12)?, n(12, 14)?)?;
    let offset_min: i64 = match s.get(21..22) {
        Some(sign @ ("+" | "-")) => {
            let m: i64 = s.get(22..)?.trim().parse().ok()?;
            if sign == "-" {
                -m
            } else {
                m
            }
        }
        _ => 0,
    };
    Some((local - Duration::minutes(offset_min)).and_utc())
}

/// `Win32_OperatingSystem` (plus `Win32_ComputerSystem` for the DNS domain) to the OS record.
///
/// `version` stays `None`: WMI has no marketing version (`22H2`); the fetch side reads it from
/// the registry (`DisplayVersion`) when it can.
pub fn operating_system(os: &WmiRecord, cs: Option<&WmiRecord>) -> OperatingSystem {
    let hostname = os
        .text("CSName")
        .or_else(|| cs.and_then(|c| c.text("DNSHostName").or_else(|| c.text("Name"))))
        .unwrap_or_default();
    let domain = cs
        .filter(|c| c.bool("PartOfDomain") == Some(true))
        .and_then(|c| c.text("Domain"));
    let fqdn = domain
        .as_ref()
        .filter(|_| !hostname.is_empty())
        .map(|d| format!("{}.{}", hostname.to_ascii_lowercase(), d));
    let caption = os.text("Caption").unwrap_or_default();
    OperatingSystem {
        kernel_name: "Windows".to_string(),
        kernel_version: os.text("Version"),
        name: if caption.is_empty() {
            "Windows".to_string()
        } else {
            caption.clone()
        },
        version: None,
        full_name: caption,
        arch: os
            .get("OSArchitecture")
            .map(os_arch)
            .unwrap_or_default()
            .to_string(),
        hostname,
        fqdn,
        dns_domain: domain,
        boot_time: os.get("LastBootUpTime").and_then(wmi_datetime),
        install_date: os.get("InstallDate").and_then(wmi_datetime),
        timezone: None,
        timezone_offset: os
            .get("CurrentTimeZone")
            .and_then(|m| m.parse::<i32>().ok())
            .map(|m| {
                format!(
                    "{}{:02}{:02}",
                    if m < 0 { '-' } else { '+' },
                    m.abs() / 60,
                    m.abs() % 60
                )
            }),
        service_pack: os.text("CSDVersion"),
        machine_id: None,
    }
}

/// `OSArchitecture` (`64-bit`, `32 bits` in French, `ARM 64-bit Processor`) to our arch names.
fn os_arch(a: &str) -> &'static str {
    let l = a.to_ascii_lowercase();
    if l.contains("arm") {
        if l.contains("64") {
            "aarch64"
        } else {
            "arm"
        }
    } else if l.contains("64") {
        "x86_64"
    } else if l.contains("32") {
        "x86"
    } else {
        ""
    }
}

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

/// `Win32_DiskDrive` instances to storage devices.
pub fn storage(records: &[WmiRecord]) -> Vec<StorageDevice> {
    records
        .iter()
        .filter_map(|r| {
            let name = r.text("DeviceID")?;
            let media = r.get("MediaType").unwrap_or("").to_ascii_lowercase();
            let interface = r.text("InterfaceType");
            Some(StorageDevice {
                name,
                model: r.text("Model").or_else(|| r.text("Caption")),
                // "(Standard disk drives)" is the class driver's name, not a vendor.
                vendor: r.text("Manufacturer").filter(|m| !m.starts_with('(')),
                // Some drivers pad serials with spaces and end them with a dot.
                serial: r
                    .get("SerialNumber")
                    .map(|s| s.trim().trim_end_matches('.').trim().to_string())
                    .filter(|s| !is_placeholder(s)),
                firmware: r.text("FirmwareRevision"),
                size_bytes: r.u64("Size").unwrap_or(0),
                rotational: None,
                removable: media.contains("removable") || media.contains("external"),
                interface,
                kind: "disk".to_string(),
                wwn: None,
            })
        })
        .collect()
}

/// `Win32_LogicalDisk` instances to volumes: drives with a file system and a size (empty
/// floppy and optical drives have neither and are left out).
pub fn volumes(records: &[WmiRecord]) -> Vec<Volume> {
    records
        .iter()
        .filter_map(|r| {
            let total = r.u64("Size")?;
            Some(Volume {
                mount_point: r.text("DeviceID")?,
                device: r.text("ProviderName"),
                fs_type: r.text("FileSystem").unwrap_or_default(),
                total_bytes: total,
                free_bytes: r.u64("FreeSpace").unwrap_or(0),
                label: r.text("VolumeName"),
                uuid: r.text("VolumeSerialNumber"),
                encryption: None,
            })
        })
        .collect()
}

/// `Win32_NetworkAdapterConfiguration` joined on `Index` with `Win32_NetworkAdapter`.
///
/// Kept: adapters with IP enabled, and physical adapters (`PhysicalAdapter=TRUE`, or, on XP
/// which lacks that property, any adapter with a MAC address that is not a WAN miniport).
/// Skipped: the WAN miniports and tunnels Windows lists by the dozen without addresses.
pub fn network(configs: &[WmiRecord], adapters: &[WmiRecord]) -> Vec<NetworkInterface> {
    let mut out = Vec::new();
    for cfg in configs {
        let index = cfg.get("Index");
        let adapter = adapters.iter().find(|a| a.get("Index") == index);
        let ip_enabled = cfg.bool("IPEnabled") == Some(true);
        let mac = cfg
            .get("MACAddress")
            .or_else(|| adapter.and_then(|a| a.get("MACAddress")))
            .map(|m| m.to_ascii_lowercase());
        let description = cfg
            .text("Description")
            .or_else(|| adapter.and_then(|a| a.text("Description")));
        let physical = adapter.and_then(|a| a.bool("PhysicalAdapter"));
        let miniport = description
            .as_deref()
            .is_some_and(|d| d.contains("Miniport"));
        let keep = ip_enabled
            || physical == Some(true)
            || (physical.is_none() && mac.is_some() && !miniport);
        if !keep {
            continue;
        }
        let addrs = cfg.list("IPAddress");
        let masks = cfg.list("IPSubnet");
        let mut ipv4 = Vec::new();
        let mut ipv6 = Vec::new();
        for (i, a) in addrs.iter().enumerate() {
            let mask = masks.get(i).map(String::as_str).unwrap_or("");
            if let Ok(v4) = a.parse::<std::net::Ipv4Addr>() {
                let m: std::net::Ipv4Addr = mask.parse().unwrap_or(std::net::Ipv4Addr::BROADCAST);
                let prefix = u32::from(m).count_ones() as u8;
                ipv4.push(IpAddress {
                    address: a.clone(),
                    prefix_len: prefix,
                    mask: m.to_string(),
                    subnet: std::net::Ipv4Addr::from(u32::from(v4) & u32::from(m)).to_string(),
                });
            } else if let Ok(v6) = a.parse::<std::net::Ipv6Addr>() {
                let prefix: u8 = mask.parse().unwrap_or(128).min(128);
                let bits = if prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(prefix))
                };
                ipv6.push(IpAddress {
                    address: a.clone(),
                    prefix_len: prefix,
                    mask: std::net::Ipv6Addr::from(bits).to_string(),
                    subnet: std::net::Ipv6Addr::from(u128::from(v6) & bits).to_string(),
                });
            }
        }
        let name = adapter
            .and_then(|a| a.text("NetConnectionID"))
            .or_else(|| description.clone())
            .unwrap_or_default();
        let text = format!(
            "{} {}",
            description.as_deref().unwrap_or(""),
            adapter.and_then(|a| a.get("AdapterType")).unwrap_or("")
        )
        .to_ascii_lowercase();
        let kind = if text.contains("wi-fi")
            || text.contains("wireless")
            || text.contains("802.11")
            || text.contains("wlan")
        {
            "wifi"
        } else if text.contains("loopback") {
            "loopback"
        } else if text.contains("ethernet") || physical == Some(true) {
            "ethernet"
        } else {
            "other"
        };
        let status = match adapter.and_then(|a| a.u64("NetConnectionStatus")) {
            Some(2) => "up",
            Some(0) | Some(7) => "down",
            _ if ip_enabled => "up",
            _ => "unknown",
        };
        out.push(NetworkInterface {
            name,
            description,
            mac,
            ipv4,
            ipv6,
            gateway: cfg
                .list("DefaultIPGateway")
                .into_iter()
                .find(|g| g.parse::<std::net::Ipv4Addr>().is_ok()),
            dhcp: cfg.bool("DHCPEnabled"),
            dhcp_server: cfg.text("DHCPServer"),
            speed_mbps: adapter
                .and_then(|a| a.u64("Speed"))
                // 2^63-1 is what disconnected adapters report.
                .filter(|&s| s > 0 && s < i64::MAX as u64)
                .map(|s| s / 1_000_000),
            mtu: cfg.u64("MTU").map(|m| m as u32),
            status: status.to_string(),
            kind: kind.to_string(),
            virtual_device: physical == Some(false),
            driver: cfg
                .text("ServiceName")
                .or_else(|| adapter.and_then(|a| a.text("ServiceName"))),
            pci_slot: None,
        });
    }
    out
}

/// DNS servers and gateways of all IP-enabled adapters, deduplicated in order.
pub fn dns_and_gateways(configs: &[WmiRecord]) -> (Vec<String>, Vec<String>) {
    let mut dns = Vec::new();
    let mut gws = Vec::new();
    for c in configs.iter().filter(|c| c.bool("IPEnabled") == Some(true)) {
        for d in c.list("DNSServerSearchOrder") {
            if !dns.contains(&d) {
                dns.push(d);
            }
        }
        for g in c.list("DefaultIPGateway") {
            if !gws.contains(&g) {
                gws.push(g);
            }
        }
    }
    (dns, gws)
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

/// `Win32_UserAccount` instances to local users.
///
/// Human: an enabled normal account (`SIDType=1`) with RID 500 (the built-in Administrator) or
/// ≥ 1000 (accounts people created); Guest (501) and service accounts (503, 504) are not.
pub fn users(records: &[WmiRecord]) -> Vec<LocalUser> {
    records
        .iter()
        .filter_map(|r| {
            let login = r.text("Name")?;
            let sid = r.text("SID").unwrap_or_default();
            let rid: u64 = sid
                .rsplit('-')
                .next()
                .and_then(|x| x.parse().ok())
                .unwrap_or(0);
            let human = r.u64("SIDType") == Some(1)
                && r.bool("Disabled") != Some(true)
                && (rid == 500 || rid >= 1000);
            Some(LocalUser {
                login,
                id: sid,
                full_name: r.text("FullName"),
                home: None,
                shell: None,
                human,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_and_entities() {
        assert_eq!(parse_array("{\"a,b\",\"c\"}"), vec!["a,b", "c"]);
        assert_eq!(parse_array("{3,4}"), vec!["3", "4"]);
        assert!(parse_array("{}").is_empty());
        let r = parse_list_text("\r\nA=x&amp;y\r\nB=\r\n\r\nA=2\r\n");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].get("a"), Some("x&y"));
        assert_eq!(r[0].get("B"), None);
    }

    #[test]
    fn cim_datetime_offsets() {
        assert_eq!(
            wmi_datetime("20190801093512.000000+120")
                .map(|d| d.to_rfc3339())
                .as_deref(),
            Some("2019-08-01T07:35:12+00:00")
        );
        assert_eq!(
            wmi_datetime("20060621000000.000000-000")
                .map(|d| d.to_rfc3339())
                .as_deref(),
            Some("2006-06-21T00:00:00+00:00")
        );
        assert_eq!(
            wmi_datetime("20200101000000.000000-300")
                .map(|d| d.to_rfc3339())
                .as_deref(),
            Some("2020-01-01T05:00:00+00:00")
        );
        assert!(wmi_datetime("").is_none());
    }
}
