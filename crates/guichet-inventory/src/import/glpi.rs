//! GLPI inventory JSON (what GLPI Agent and `guichet inventory --format glpi` write) back to our
//! model: the inverse of `export::glpi`.
//!
//! Units are converted back with the conventions of the export (memory and file systems in MiB,
//! disk sizes in decimal MB, date-times in the machine's local time shifted back to UTC with the
//! document's own `timezone.offset`). The mapping is lenient where agents differ: numbers may come
//! as strings (FusionInventory's XML has only text, and `ocs_xml` hands its tree to this module),
//! a few fields have the OCS spelling as an alias (`macaddr`, `installdate`), and blank or
//! unparseable values become `None` rather than an error, because one odd field must not make a
//! whole machine unimportable. Only a document without a `content` object is refused.
//!
//! What GLPI's format cannot carry comes back empty: `Inventory::collected_at` is the document's
//! `accesslog.logdate` when present, else the `fallback_time` the caller passes (the file's
//! modification time, say); memory sizes lose their sub-MiB part.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value};

use super::ImportError;
use crate::model::{
    Battery, Category, Cpu, Inventory, IpAddress, LocalGroup, LocalUser, Machine, Memory,
    MemoryModule, Monitor, NetworkInterface, OperatingSystem, PciDevice, SecurityKind,
    SecurityProduct, Software, StorageDevice, UsbDevice, Virtualization, Volume,
    NATIVE_FORMAT_VERSION,
};

/// An inventory read from a GLPI document, with the document's device id.
#[derive(Debug, Clone, PartialEq)]
pub struct GlpiDocument {
    /// The GLPI agent's device id (`hostname-YYYY-MM-DD-HH-MM-SS`), when the document has one.
    pub deviceid: Option<String>,
    /// The inventory mapped to our model.
    pub inventory: Inventory,
}

/// Maps a GLPI inventory document (`{"deviceid":…, "content":{…}}`) to our model.
pub fn from_glpi(doc: &Value, fallback_time: DateTime<Utc>) -> Result<GlpiDocument, ImportError> {
    let content = doc
        .get("content")
        .and_then(Value::as_object)
        .ok_or_else(|| ImportError::Invalid("a GLPI inventory needs a `content` object".into()))?;
    let deviceid = doc
        .get("deviceid")
        .and_then(text)
        .or_else(|| content.get("deviceid").and_then(text));
    Ok(GlpiDocument {
        deviceid,
        inventory: from_content(content, fallback_time),
    })
}

/// Maps the `content` object of a GLPI document (also used for OCS XML turned into JSON).
pub(crate) fn from_content(
    content: &Map<String, Value>,
    fallback_time: DateTime<Utc>,
) -> Inventory {
    let empty = Map::new();
    let obj = |key: &str| content.get(key).and_then(Value::as_object);
    let list = |key: &str| -> Vec<&Map<String, Value>> {
        match content.get(key) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
            Some(Value::Object(one)) => vec![one],
            _ => Vec::new(),
        }
    };

    let os_obj = obj("operatingsystem");
    let hardware = obj("hardware").unwrap_or(&empty);
    let offset = os_obj
        .and_then(|o| o.get("timezone"))
        .and_then(|tz| tz.get("offset"))
        .and_then(text)
        .and_then(|s| parse_offset(&s));

    let collected_at = obj("accesslog")
        .and_then(|a| s(a, "logdate"))
        .and_then(|d| local_datetime(&d, offset))
        .unwrap_or(fallback_time);

    let mut inv = Inventory {
        format_version: NATIVE_FORMAT_VERSION,
        collected_at,
        agent_version: content
            .get("versionclient")
            .and_then(text)
            .unwrap_or_default(),
        ..Default::default()
    };

    // Operating system: from `operatingsystem`, else from OCS's `hardware.osname` fields.
    let hostname = s(hardware, "name");
    if os_obj.is_some() || hostname.is_some() || s(hardware, "osname").is_some() {
        let o = os_obj.unwrap_or(&empty);
        let full_name = s(o, "full_name").or_else(|| s(hardware, "osname"));
        inv.os = Some(OperatingSystem {
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
        });
        inv.categories.push(Category::Os);
    }

    if let Some(b) = obj("bios") {
        inv.machine = Some(Machine {
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
        inv.categories.push(Category::Machine);
    } else if let Some(uuid) = s(hardware, "uuid") {
        inv.machine = Some(Machine {
            uuid: Some(uuid),
            chassis_type: s(hardware, "chassis_type"),
            ..Default::default()
        });
        inv.categories.push(Category::Machine);
    }

    inv.cpus = list("cpus")
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
        .collect();
    if !inv.cpus.is_empty() {
        inv.categories.push(Category::Cpus);
    }

    let modules: Vec<MemoryModule> = list("memories")
        .into_iter()
        .map(|m| MemoryModule {
            slot: s(m, "caption"),
            size_bytes: n(m, "capacity").unwrap_or(0) * MIB,
            kind: s(m, "type"),
            form_factor: s(m, "formfactor").or_else(|| s(m, "description")),
            speed_mts: n(m, "speed").map(|v| v as u32),
            vendor: s(m, "manufacturer"),
            part_number: s(m, "model"),
            serial: s(m, "serialnumber"),
        })
        .collect();
    if n(hardware, "memory").is_some() || !modules.is_empty() {
        let total = n(hardware, "memory")
            .map(|m| m * MIB)
            .unwrap_or_else(|| modules.iter().map(|m| m.size_bytes).sum());
        inv.memory = Some(Memory {
            total_bytes: total,
            available_bytes: None,
            swap_total_bytes: n(hardware, "swap").unwrap_or(0) * MIB,
            swap_free_bytes: None,
            slots: None,
            modules,
        });
        inv.categories.push(Category::Memory);
    }

    inv.storage = list("storages")
        .into_iter()
        .map(|d| StorageDevice {
            name: s(d, "name").unwrap_or_default(),
            model: s(d, "model"),
            vendor: s(d, "manufacturer"),
            serial: s(d, "serial").or_else(|| s(d, "serialnumber")),
            firmware: s(d, "firmware"),
            size_bytes: n(d, "disksize").unwrap_or(0) * 1_000_000,
            rotational: None,
            removable: false,
            interface: s(d, "interface"),
            kind: s(d, "type").unwrap_or_else(|| "disk".into()),
            wwn: s(d, "wwn"),
        })
        .collect();
    if !inv.storage.is_empty() {
        inv.categories.push(Category::Storage);
    }

    inv.volumes = list("drives")
        .into_iter()
        .map(|v| Volume {
            mount_point: s(v, "letter").or_else(|| s(v, "type")).unwrap_or_default(),
            device: s(v, "volumn"),
            fs_type: s(v, "filesystem").unwrap_or_default(),
            total_bytes: n(v, "total").unwrap_or(0) * MIB,
            free_bytes: n(v, "free").unwrap_or(0) * MIB,
            label: s(v, "label"),
            uuid: s(v, "serial"),
            encryption: s(v, "encrypt_name"),
        })
        .collect();
    if !inv.volumes.is_empty() {
        inv.categories.push(Category::Volumes);
    }

    inv.network = networks(&list("networks"));
    if !inv.network.is_empty() {
        inv.categories.push(Category::Network);
    }
    if let Some(dns) = s(hardware, "dns") {
        inv.dns_servers = dns
            .split('/')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(String::from)
            .collect();
    }
    if let Some(gw) = s(hardware, "defaultgateway") {
        inv.gateways.push(gw);
    }

    let gpu_slots: Vec<String> = list("videos")
        .into_iter()
        .filter_map(|v| s(v, "pcislot"))
        .collect();
    inv.controllers = list("controllers")
        .into_iter()
        .map(|d| {
            let slot = s(d, "pcislot").unwrap_or_default();
            let class_id = s(d, "pciclass");
            PciDevice {
                is_gpu: gpu_slots.contains(&slot)
                    || class_id.as_deref().is_some_and(|c| c.starts_with("03")),
                slot,
                class_name: s(d, "type"),
                class_id,
                vendor: s(d, "manufacturer"),
                name: s(d, "name").or_else(|| s(d, "caption")),
                vendor_id: s(d, "vendorid"),
                device_id: s(d, "productid"),
                subsystem_id: s(d, "pcisubsystemid"),
                revision: s(d, "rev"),
                driver: s(d, "driver"),
            }
        })
        .collect();
    if !inv.controllers.is_empty() {
        inv.categories.push(Category::Controllers);
    }

    inv.usb = list("usbdevices")
        .into_iter()
        .map(|d| UsbDevice {
            vendor_id: s(d, "vendorid").unwrap_or_default(),
            product_id: s(d, "productid").unwrap_or_default(),
            manufacturer: s(d, "manufacturer"),
            name: s(d, "name").or_else(|| s(d, "caption")),
            serial: s(d, "serial"),
            class: s(d, "class"),
            subclass: s(d, "subclass"),
            bus_path: None,
        })
        .collect();
    if !inv.usb.is_empty() {
        inv.categories.push(Category::Usb);
    }

    inv.monitors = list("monitors")
        .into_iter()
        .map(|m| {
            // The export writes the manufacture date as `week/year` in `description`.
            let (week, year) = s(m, "description")
                .and_then(|d| {
                    let (w, y) = d.split_once('/')?;
                    Some((w.trim().parse().ok()?, y.trim().parse().ok()?))
                })
                .map_or((None, None), |(w, y)| (Some(w), Some(y)));
            Monitor {
                name: s(m, "name").or_else(|| s(m, "caption")),
                manufacturer: s(m, "manufacturer"),
                serial: s(m, "serial"),
                port: s(m, "port"),
                year,
                week,
                edid_base64: s(m, "base64"),
            }
        })
        .collect();
    if !inv.monitors.is_empty() {
        inv.categories.push(Category::Monitors);
    }

    inv.batteries = list("batteries")
        .into_iter()
        .map(|b| Battery {
            name: s(b, "name").unwrap_or_default(),
            manufacturer: s(b, "manufacturer"),
            serial: s(b, "serial"),
            chemistry: s(b, "chemistry"),
            design_capacity_mwh: n(b, "capacity"),
            full_capacity_mwh: n(b, "real_capacity"),
            voltage_mv: n(b, "voltage"),
            charge_percent: None,
            status: None,
            manufacture_date: s(b, "date").and_then(|d| parse_date(&d)),
        })
        .collect();
    if !inv.batteries.is_empty() {
        inv.categories.push(Category::Batteries);
    }

    inv.users = list("local_users")
        .into_iter()
        .map(|u| LocalUser {
            login: s(u, "login").unwrap_or_default(),
            id: s(u, "id").unwrap_or_default(),
            full_name: s(u, "name"),
            home: s(u, "home"),
            shell: s(u, "shell"),
            human: false,
        })
        .collect();
    inv.groups = list("local_groups")
        .into_iter()
        .map(|g| LocalGroup {
            name: s(g, "name").unwrap_or_default(),
            id: s(g, "id").unwrap_or_default(),
            members: match g.get("members").or_else(|| g.get("member")) {
                Some(Value::Array(items)) => items.iter().filter_map(text).collect(),
                Some(one) => text(one).into_iter().collect(),
                None => Vec::new(),
            },
        })
        .collect();
    if !inv.users.is_empty() || !inv.groups.is_empty() {
        inv.categories.push(Category::Users);
    }

    inv.software = list("softwares")
        .into_iter()
        .filter_map(|p| {
            Some(Software {
                name: s(p, "name")?,
                version: s(p, "version"),
                arch: s(p, "arch"),
                publisher: s(p, "publisher"),
                install_date: s(p, "install_date")
                    .or_else(|| s(p, "installdate"))
                    .and_then(|d| local_datetime(&d, offset)),
                size_bytes: n(p, "filesize"),
                source: match s(p, "from").as_deref() {
                    Some("deb") => "dpkg".to_string(),
                    Some(other) => other.to_string(),
                    None => "glpi".to_string(),
                },
                summary: s(p, "comments"),
                category: s(p, "system_category"),
                url: s(p, "url_info_about").or_else(|| s(p, "helplink")),
                guid: s(p, "guid"),
                uninstall_string: s(p, "uninstall_string"),
                folder: s(p, "folder"),
            })
        })
        .collect();
    if !inv.software.is_empty() {
        inv.categories.push(Category::Software);
    }

    for a in list("antivirus") {
        inv.security.push(SecurityProduct {
            kind: SecurityKind::Antivirus,
            name: s(a, "name").unwrap_or_default(),
            publisher: s(a, "company"),
            version: s(a, "version"),
            enabled: b(a, "enabled"),
            up_to_date: b(a, "uptodate"),
            signature_version: s(a, "base_version"),
        });
    }
    for f in list("firewalls").into_iter().chain(list("firewall")) {
        inv.security.push(SecurityProduct {
            kind: SecurityKind::Firewall,
            name: s(f, "name").unwrap_or_else(|| "firewall".into()),
            enabled: match s(f, "status").as_deref() {
                Some("on") => Some(true),
                Some("off") => Some(false),
                _ => None,
            },
            ..Default::default()
        });
    }
    if !inv.security.is_empty() {
        inv.categories.push(Category::Security);
    }

    if let Some(vm) = s(hardware, "vmsystem") {
        inv.virtualization = Some(virtualization(&vm));
        inv.categories.push(Category::Virtualization);
    }
    inv.categories.sort();
    inv
}

const MIB: u64 = 1024 * 1024;

/// A JSON scalar as trimmed text; `None` for blanks, objects and arrays.
fn text(v: &Value) -> Option<String> {
    let t = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!t.is_empty()).then_some(t)
}

/// A string field.
fn s(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key).and_then(text)
}

/// A non-negative integer field, given as a number or as digits (FusionInventory writes `-1`
/// for an unknown speed: that is `None`). A decimal is truncated.
fn n(o: &Map<String, Value>, key: &str) -> Option<u64> {
    match o.get(key)? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f as u64)
        }),
        Value::String(s) => {
            let t = s.trim();
            t.parse::<u64>().ok().or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && *f >= 0.0)
                    .map(|f| f as u64)
            })
        }
        _ => None,
    }
}

/// A boolean field: JSON `true`/`false`, or the `1`/`0` XML agents write.
fn b(o: &Map<String, Value>, key: &str) -> Option<bool> {
    match o.get(key)? {
        Value::Bool(b) => Some(*b),
        other => match text(other)?.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Some(true),
            "0" | "false" | "no" | "off" => Some(false),
            _ => None,
        },
    }
}

/// Parses a `+HHMM` / `-HHMM` UTC offset.
fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.trim();
    if s.len() != 5 || !s.is_char_boundary(1) || !s[1..].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs = s[1..3].parse::<i32>().ok()? * 3600 + s[3..5].parse::<i32>().ok()? * 60;
    match &s[..1] {
        "+" => FixedOffset::east_opt(secs),
        "-" => FixedOffset::west_opt(secs),
        _ => None,
    }
}

/// A date in one of the shapes agents write: `YYYY-MM-DD`, OCS's `DD/MM/YYYY`.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

/// A local date-time (`YYYY-MM-DD HH:MM:SS`) or date, shifted to UTC with the machine's offset
/// (taken as UTC when unknown, which is what the export does in that case too).
fn local_datetime(s: &str, offset: Option<FixedOffset>) -> Option<DateTime<Utc>> {
    let t = s.trim();
    let naive = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S")
        .ok()
        .or_else(|| parse_date(t).and_then(|d| d.and_hms_opt(0, 0, 0)))?;
    let offset = offset.unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    offset
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// Entries of one interface share `description` (its name): GLPI sends one per address.
fn networks(entries: &[&Map<String, Value>]) -> Vec<NetworkInterface> {
    let mut out: Vec<NetworkInterface> = Vec::new();
    for e in entries {
        let name = s(e, "description").unwrap_or_default();
        let idx = match out.iter().position(|n| n.name == name) {
            Some(i) => i,
            None => {
                let kind = s(e, "type").unwrap_or_else(|| "other".into());
                out.push(NetworkInterface {
                    name: name.clone(),
                    description: s(e, "model"),
                    mac: s(e, "mac")
                        .or_else(|| s(e, "macaddr"))
                        .map(|m| m.to_ascii_lowercase()),
                    gateway: s(e, "ipgateway"),
                    dhcp: None,
                    dhcp_server: s(e, "ipdhcp"),
                    speed_mbps: n(e, "speed"),
                    mtu: n(e, "mtu").map(|v| v as u32),
                    status: s(e, "status")
                        .map(|v| v.to_ascii_lowercase())
                        .unwrap_or_else(|| "unknown".into()),
                    kind,
                    virtual_device: b(e, "virtualdev").unwrap_or(false),
                    driver: s(e, "driver"),
                    pci_slot: s(e, "pcislot"),
                    ..Default::default()
                });
                out.len() - 1
            }
        };
        let nic = &mut out[idx];
        if let Some(address) = s(e, "ipaddress") {
            let mask = s(e, "ipmask").unwrap_or_default();
            nic.ipv4.push(IpAddress {
                prefix_len: mask
                    .parse::<std::net::Ipv4Addr>()
                    .map(|m| u32::from(m).count_ones() as u8)
                    .unwrap_or(0),
                address,
                mask,
                subnet: s(e, "ipsubnet").unwrap_or_default(),
            });
        }
        if let Some(address) = s(e, "ipaddress6") {
            let mask = s(e, "ipmask6").unwrap_or_default();
            nic.ipv6.push(IpAddress {
                prefix_len: mask
                    .parse::<std::net::Ipv6Addr>()
                    .map(|m| u128::from(m).count_ones() as u8)
                    .unwrap_or(0),
                address,
                mask,
                subnet: s(e, "ipsubnet6").unwrap_or_default(),
            });
        }
        if nic.gateway.is_none() {
            nic.gateway = s(e, "ipgateway");
        }
    }
    out
}

/// GLPI's `vmsystem` back to our role/hypervisor/container.
fn virtualization(vm: &str) -> Virtualization {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_as_strings_and_unknown_speeds() {
        let o = json!({"a": "42", "b": 7, "c": "-1", "d": "2.5", "e": ""});
        let o = o.as_object().unwrap();
        assert_eq!(n(o, "a"), Some(42));
        assert_eq!(n(o, "b"), Some(7));
        assert_eq!(n(o, "c"), None);
        assert_eq!(n(o, "d"), Some(2));
        assert_eq!(n(o, "e"), None);
        assert_eq!(s(o, "e"), None);
    }

    #[test]
    fn local_times_go_back_to_utc_with_the_offset() {
        let t = local_datetime("2026-03-01 10:00:00", parse_offset("+0100")).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-01T09:00:00+00:00");
        let d = local_datetime("01/03/2026", None).unwrap();
        assert_eq!(d.to_rfc3339(), "2026-03-01T00:00:00+00:00");
        assert_eq!(local_datetime("yesterday", None), None);
    }

    #[test]
    fn vmsystem_names_map_back() {
        assert_eq!(virtualization("Physical").role, "physical");
        let d = virtualization("Docker");
        assert_eq!(
            (d.role.as_str(), d.container.as_deref()),
            ("container", Some("docker"))
        );
        let h = virtualization("Hyper-V");
        assert_eq!(
            (h.role.as_str(), h.hypervisor.as_deref()),
            ("vm", Some("hyperv"))
        );
    }

    #[test]
    fn a_document_without_content_is_refused() {
        let err = from_glpi(&json!({"deviceid": "x"}), Utc::now()).unwrap_err();
        assert!(err.to_string().contains("content"), "{err}");
    }
}
