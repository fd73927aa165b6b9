//! GLPI native inventory JSON export.
//!
//! Maps our [`Inventory`] to the document GLPI's native inventory endpoint accepts, as described
//! by the `inventory.schema.json` of glpi-project/inventory_format (vendored in
//! `third-party/glpi-inventory-format/`, which the tests validate against).
//!
//! Conventions follow what GLPI Agent sends, since GLPI's server code is written against it:
//! * memory and file-system sizes in MiB (`bytes / 2^20`), disk sizes in decimal MB
//!   (`bytes / 10^6`), battery capacity in mWh and voltage in mV;
//! * dates as `YYYY-MM-DD`, date-times as `YYYY-MM-DD HH:MM:SS` in the machine's local time
//!   (GLPI Agent sends local times without a zone; we convert our UTC times with the OS's UTC
//!   offset when it is known);
//! * one `networks` entry per address (an entry holds one IPv4 or one IPv6 address; GLPI merges
//!   entries of the same interface back into one port), loopback left out;
//! * a field is omitted rather than `null` or empty, and a value is omitted rather than sent when
//!   it would break the schema's pattern (e.g. an unparseable BIOS date).

use crate::model::{
    Battery, Cpu, Inventory, Machine, Memory, Monitor, NetworkInterface, OperatingSystem,
    PciDevice, SecurityKind, SecurityProduct, Software, StorageDevice, UsbDevice, Volume,
};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde_json::{Map, Value};
use std::net::Ipv4Addr;

/// Options of the GLPI export that do not come from the inventory itself.
#[derive(Debug, Clone)]
pub struct GlpiOptions {
    /// Stable GLPI device id (`hostname-YYYY-MM-DD-HH-MM-SS`, see [`GlpiOptions::deviceid_for`]).
    pub deviceid: String,
    /// Whether this is a partial inventory (only some categories), so GLPI leaves the others alone.
    pub partial: bool,
}

impl GlpiOptions {
    /// A device id in GLPI Agent's format, `hostname-YYYY-MM-DD-HH-MM-SS`, from the inventory's
    /// host name (`unknown` without one) and collection time. GLPI keys agents on this id, so the
    /// caller should compute it once and then keep reusing the stored value.
    pub fn deviceid_for(inv: &Inventory) -> String {
        let host = inv
            .hostname()
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .unwrap_or("unknown");
        format!("{host}-{}", inv.collected_at.format("%Y-%m-%d-%H-%M-%S"))
    }
}

/// Converts an inventory to a GLPI native inventory document (`action: inventory`,
/// `itemtype: Computer`). Categories with nothing to say are left out of `content`.
pub fn to_glpi(inv: &Inventory, opts: &GlpiOptions) -> Value {
    let offset = inv
        .os
        .as_ref()
        .and_then(|os| os.timezone_offset.as_deref())
        .and_then(parse_offset);

    let mut content = Map::new();
    let version = inv.agent_version.trim();
    let client = if version.is_empty() {
        "Guichet".to_string()
    } else {
        format!("Guichet-{version}")
    };
    content.insert("versionclient".into(), client.into());

    if let Some(os) = &inv.os {
        insert_object(&mut content, "operatingsystem", operatingsystem(os, offset));
    }
    insert_object(&mut content, "hardware", hardware(inv));
    if let Some(machine) = &inv.machine {
        insert_object(&mut content, "bios", bios(machine));
    }
    insert_array(&mut content, "cpus", inv.cpus.iter().map(cpu).collect());
    if let Some(memory) = &inv.memory {
        insert_array(&mut content, "memories", memories(memory));
    }
    insert_array(
        &mut content,
        "storages",
        inv.storage.iter().map(storage).collect(),
    );
    insert_array(
        &mut content,
        "drives",
        inv.volumes.iter().map(drive).collect(),
    );
    insert_array(&mut content, "networks", networks(inv));
    insert_array(
        &mut content,
        "controllers",
        inv.controllers.iter().map(controller).collect(),
    );
    insert_array(
        &mut content,
        "videos",
        inv.controllers
            .iter()
            .filter(|d| d.is_gpu)
            .map(video)
            .collect(),
    );
    insert_array(
        &mut content,
        "usbdevices",
        inv.usb.iter().map(usb).collect(),
    );
    insert_array(
        &mut content,
        "monitors",
        inv.monitors.iter().map(monitor).collect(),
    );
    insert_array(
        &mut content,
        "batteries",
        inv.batteries.iter().map(battery).collect(),
    );
    insert_array(&mut content, "local_users", local_users(inv));
    insert_array(&mut content, "local_groups", local_groups(inv));
    insert_array(
        &mut content,
        "softwares",
        inv.software
            .iter()
            .filter(|s| !s.name.trim().is_empty())
            .map(|s| software(s, offset))
            .collect(),
    );
    insert_array(
        &mut content,
        "antivirus",
        security(inv, SecurityKind::Antivirus, antivirus),
    );
    insert_array(
        &mut content,
        "firewalls",
        security(inv, SecurityKind::Firewall, firewall),
    );

    let mut doc = Map::new();
    doc.insert("action".into(), "inventory".into());
    doc.insert("deviceid".into(), opts.deviceid.clone().into());
    doc.insert("itemtype".into(), "Computer".into());
    doc.insert("partial".into(), opts.partial.into());
    doc.insert("content".into(), Value::Object(content));
    Value::Object(doc)
}

/// A JSON object under construction that silently drops absent and blank values, so that no
/// `null` and no empty string ever reaches GLPI.
#[derive(Default)]
struct Obj(Map<String, Value>);

impl Obj {
    /// Sets a string field when the value is present and not blank (trimmed).
    fn s(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            self.0.insert(key.into(), v.into());
        }
        self
    }

    /// Sets an integer field when present.
    fn n(&mut self, key: &str, value: Option<u64>) -> &mut Self {
        if let Some(v) = value {
            self.0.insert(key.into(), v.into());
        }
        self
    }

    /// Sets a boolean field when present.
    fn b(&mut self, key: &str, value: Option<bool>) -> &mut Self {
        if let Some(v) = value {
            self.0.insert(key.into(), v.into());
        }
        self
    }

    fn done(&mut self) -> Map<String, Value> {
        std::mem::take(&mut self.0)
    }
}

fn insert_object(content: &mut Map<String, Value>, key: &str, obj: Map<String, Value>) {
    if !obj.is_empty() {
        content.insert(key.into(), Value::Object(obj));
    }
}

fn insert_array(content: &mut Map<String, Value>, key: &str, items: Vec<Map<String, Value>>) {
    if !items.is_empty() {
        content.insert(
            key.into(),
            Value::Array(items.into_iter().map(Value::Object).collect()),
        );
    }
}

/// Bytes to MiB, GLPI's unit for memory and file systems (what GLPI Agent calls MB).
fn mib(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

/// Bytes to decimal MB, GLPI Agent's unit for disk sizes (a "256 GB" disk reads 256060).
fn mb(bytes: u64) -> u64 {
    bytes / 1_000_000
}

/// Parses a `+HHMM` / `-HHMM` UTC offset.
fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.trim();
    if s.len() != 5 || !s.is_char_boundary(1) || !s[1..].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = s[1..3].parse().ok()?;
    let minutes: i32 = s[3..5].parse().ok()?;
    let secs = hours * 3600 + minutes * 60;
    match &s[..1] {
        "+" => FixedOffset::east_opt(secs),
        "-" => FixedOffset::west_opt(secs),
        _ => None,
    }
}

/// `YYYY-MM-DD HH:MM:SS` in the machine's local time when its offset is known, else in UTC.
fn datetime(t: DateTime<Utc>, offset: Option<FixedOffset>) -> String {
    match offset {
        Some(o) => t.with_timezone(&o).format("%Y-%m-%d %H:%M:%S").to_string(),
        None => t.format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

/// `YYYY-MM-DD` of the machine's local day when its offset is known, else of the UTC day.
fn date(t: DateTime<Utc>, offset: Option<FixedOffset>) -> String {
    match offset {
        Some(o) => t.with_timezone(&o).format("%Y-%m-%d").to_string(),
        None => t.format("%Y-%m-%d").to_string(),
    }
}

/// A firmware date (`MM/DD/YYYY` from SMBIOS, `YYYY-MM-DD`, or WMI's `YYYYMMDD…`) as
/// `YYYY-MM-DD`; `None` when it is none of these, since the schema's pattern would reject it.
fn bios_date(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let parsed = NaiveDate::parse_from_str(raw, "%m/%d/%Y")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%Y-%m-%d"))
        .ok()
        .or_else(|| {
            let digits = raw.get(..8)?;
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            NaiveDate::parse_from_str(digits, "%Y%m%d").ok()
        })?;
    Some(parsed.format("%Y-%m-%d").to_string())
}

fn operatingsystem(os: &OperatingSystem, offset: Option<FixedOffset>) -> Map<String, Value> {
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

fn hardware(inv: &Inventory) -> Map<String, Value> {
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

fn bios(m: &Machine) -> Map<String, Value> {
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
fn cpu_arch(arch: &str) -> Option<&str> {
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

fn cpu(c: &Cpu) -> Map<String, Value> {
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

fn memories(mem: &Memory) -> Vec<Map<String, Value>> {
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

fn storage(d: &StorageDevice) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("name", Some(&d.name))
        .s("model", d.model.as_deref())
        .s("manufacturer", d.vendor.as_deref())
        .s("serial", d.serial.as_deref())
        .s("firmware", d.firmware.as_deref())
        .s("interface", d.interface.as_deref())
        .s("type", Some(&d.kind))
        .s("wwn", d.wwn.as_deref());
    // A size of 0 means unknown (e.g. an empty optical drive), not a zero-byte disk.
    if d.size_bytes > 0 {
        o.n("disksize", Some(mb(d.size_bytes)));
    }
    o.done()
}

/// A Windows drive letter (`C:` or `C:\`) as `C:`.
fn drive_letter(mount_point: &str) -> Option<String> {
    let m = mount_point.trim().trim_end_matches('\\');
    let b = m.as_bytes();
    (b.len() == 2 && b[0].is_ascii_alphabetic() && b[1] == b':').then(|| m.to_ascii_uppercase())
}

fn drive(v: &Volume) -> Map<String, Value> {
    let mut o = Obj::default();
    match drive_letter(&v.mount_point) {
        Some(letter) => o.s("letter", Some(&letter)),
        None => o.s("type", Some(&v.mount_point)),
    };
    o.s("volumn", v.device.as_deref())
        .s("filesystem", Some(&v.fs_type))
        .n("total", Some(mib(v.total_bytes)))
        .n("free", Some(mib(v.free_bytes)))
        .s("label", v.label.as_deref())
        .s("serial", v.uuid.as_deref());
    if v.encryption
        .as_deref()
        .is_some_and(|e| !e.trim().is_empty())
    {
        o.s("encrypt_name", v.encryption.as_deref())
            .s("encrypt_status", Some("Yes"));
    }
    o.done()
}

/// Interface types the schema's pattern accepts.
const NET_TYPES: [&str; 10] = [
    "ethernet",
    "wifi",
    "infiniband",
    "aggregate",
    "alias",
    "dialup",
    "loopback",
    "bridge",
    "fibrechannel",
    "bluetooth",
];

/// Interface states the schema's pattern accepts.
const NET_STATES: [&str; 7] = [
    "up",
    "down",
    "dormant",
    "notpresent",
    "lowerlayerdown",
    "unknown",
    "testing",
];

fn networks(inv: &Inventory) -> Vec<Map<String, Value>> {
    let mut out = Vec::new();
    for nic in &inv.network {
        if nic.kind.eq_ignore_ascii_case("loopback") || nic.name == "lo" {
            continue;
        }
        let base = network_base(nic, &inv.controllers);
        let mut any = false;
        for a in &nic.ipv4 {
            // The schema checks `format: ipv4`; an address that is not one is not sent.
            if a.address.trim().parse::<Ipv4Addr>().is_err() {
                continue;
            }
            let mut o = Obj(base.clone());
            o.s("ipaddress", Some(&a.address))
                .s("ipmask", Some(&a.mask))
                .s("ipsubnet", Some(&a.subnet))
                .s("ipgateway", nic.gateway.as_deref())
                .s("ipdhcp", nic.dhcp_server.as_deref());
            out.push(o.done());
            any = true;
        }
        for a in &nic.ipv6 {
            let mut o = Obj(base.clone());
            o.s("ipaddress6", Some(&a.address))
                .s("ipmask6", Some(&a.mask))
                .s("ipsubnet6", Some(&a.subnet));
            out.push(o.done());
            any = true;
        }
        if !any {
            out.push(base);
        }
    }
    out
}

/// The fields every entry of one interface shares.
fn network_base(nic: &NetworkInterface, pci: &[PciDevice]) -> Map<String, Value> {
    let kind = nic.kind.trim().to_ascii_lowercase();
    let status = nic.status.trim().to_ascii_lowercase();
    // GLPI Agent's `pciid`: vendor:device[:subsystem vendor:subsystem device].
    let pciid = nic.pci_slot.as_deref().and_then(|slot| {
        let dev = pci.iter().find(|d| d.slot == slot)?;
        let mut id = format!(
            "{}:{}",
            dev.vendor_id.as_deref()?,
            dev.device_id.as_deref()?
        );
        if let Some(sub) = dev.subsystem_id.as_deref().filter(|s| !s.is_empty()) {
            id.push(':');
            id.push_str(sub);
        }
        Some(id)
    });
    let mut o = Obj::default();
    o.s("description", Some(&nic.name))
        .s("model", nic.description.as_deref())
        .s("mac", nic.mac.as_deref())
        .s(
            "type",
            NET_TYPES.contains(&kind.as_str()).then_some(kind.as_str()),
        )
        .s(
            "status",
            NET_STATES
                .contains(&status.as_str())
                .then_some(status.as_str()),
        )
        .b("virtualdev", Some(nic.virtual_device))
        .s("speed", nic.speed_mbps.map(|s| s.to_string()).as_deref())
        .n("mtu", nic.mtu.map(u64::from))
        .s("driver", nic.driver.as_deref())
        .s("pcislot", nic.pci_slot.as_deref())
        .s("pciid", pciid.as_deref());
    let mut map = o.done();
    // `description` is required: keep it even for a nameless interface.
    map.entry("description")
        .or_insert_with(|| Value::String(nic.name.clone()));
    map
}

fn controller(d: &PciDevice) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("name", d.name.as_deref())
        .s("manufacturer", d.vendor.as_deref())
        .s("type", d.class_name.as_deref())
        .s("pciclass", d.class_id.as_deref())
        .s("pcislot", Some(&d.slot))
        .s("vendorid", d.vendor_id.as_deref())
        .s("productid", d.device_id.as_deref())
        .s("pcisubsystemid", d.subsystem_id.as_deref())
        .s("rev", d.revision.as_deref())
        .s("driver", d.driver.as_deref());
    o.done()
}

fn video(d: &PciDevice) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("name", d.name.as_deref().or(d.vendor.as_deref()))
        .s("pcislot", Some(&d.slot));
    o.done()
}

fn usb(d: &UsbDevice) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("vendorid", Some(&d.vendor_id))
        .s("productid", Some(&d.product_id))
        .s("manufacturer", d.manufacturer.as_deref())
        .s("name", d.name.as_deref())
        .s("serial", d.serial.as_deref())
        .s("class", d.class.as_deref())
        .s("subclass", d.subclass.as_deref());
    o.done()
}

fn monitor(m: &Monitor) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("caption", m.name.as_deref())
        .s("name", m.name.as_deref())
        .s("manufacturer", m.manufacturer.as_deref())
        .s("serial", m.serial.as_deref())
        .s("port", m.port.as_deref())
        .s("base64", m.edid_base64.as_deref());
    // GLPI Agent's description is the manufacture `week/year`.
    if let (Some(week), Some(year)) = (m.week, m.year) {
        o.s("description", Some(&format!("{week}/{year}")));
    }
    o.done()
}

fn battery(b: &Battery) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("name", Some(&b.name))
        .s("manufacturer", b.manufacturer.as_deref())
        .s("serial", b.serial.as_deref())
        .s("chemistry", b.chemistry.as_deref())
        .n("capacity", b.design_capacity_mwh)
        .n("real_capacity", b.full_capacity_mwh)
        .n("voltage", b.voltage_mv)
        .s(
            "date",
            b.manufacture_date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .as_deref(),
        );
    o.done()
}

fn local_users(inv: &Inventory) -> Vec<Map<String, Value>> {
    inv.users
        .iter()
        .map(|u| {
            let mut o = Obj::default();
            o.s("login", Some(&u.login))
                .s("name", u.full_name.as_deref())
                .s("home", u.home.as_deref())
                .s("shell", u.shell.as_deref());
            let mut map = o.done();
            // Required by the schema.
            map.insert("id".into(), u.id.trim().into());
            map
        })
        .collect()
}

fn local_groups(inv: &Inventory) -> Vec<Map<String, Value>> {
    inv.groups
        .iter()
        .map(|g| {
            let mut map = Map::new();
            map.insert("id".into(), g.id.trim().into());
            map.insert("name".into(), g.name.trim().into());
            if !g.members.is_empty() {
                map.insert(
                    "members".into(),
                    g.members.iter().map(|m| Value::from(m.trim())).collect(),
                );
            }
            map
        })
        .collect()
}

/// GLPI Agent's `from` names: `deb` for dpkg, the source's own name otherwise.
fn software_from(source: &str) -> &str {
    match source.trim() {
        "dpkg" => "deb",
        other => other,
    }
}

fn software(s: &Software, offset: Option<FixedOffset>) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("name", Some(&s.name))
        .s("version", s.version.as_deref())
        .s("arch", s.arch.as_deref())
        .s("publisher", s.publisher.as_deref())
        // A date, as GLPI Agent sends it: GLPI stores the install date in a DATE column.
        .s(
            "install_date",
            s.install_date.map(|t| date(t, offset)).as_deref(),
        )
        .n("filesize", s.size_bytes)
        .s("from", Some(software_from(&s.source)))
        .s("comments", s.summary.as_deref())
        .s("system_category", s.category.as_deref())
        .s("url_info_about", s.url.as_deref())
        .s("guid", s.guid.as_deref())
        .s("uninstall_string", s.uninstall_string.as_deref())
        .s("folder", s.folder.as_deref());
    o.done()
}

fn security(
    inv: &Inventory,
    kind: SecurityKind,
    map: fn(&SecurityProduct) -> Map<String, Value>,
) -> Vec<Map<String, Value>> {
    inv.security
        .iter()
        .filter(|p| p.kind == kind)
        .map(map)
        .collect()
}

fn antivirus(p: &SecurityProduct) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("name", Some(&p.name))
        .s("company", p.publisher.as_deref())
        .s("version", p.version.as_deref())
        .b("enabled", p.enabled)
        .b("uptodate", p.up_to_date)
        .s("base_version", p.signature_version.as_deref());
    o.done()
}

/// GLPI's firewall record has no product name, only a (required) status: `on`/`off` as GLPI Agent
/// sends them, `unknown` when the state could not be read.
fn firewall(p: &SecurityProduct) -> Map<String, Value> {
    let status = match p.enabled {
        Some(true) => "on",
        Some(false) => "off",
        None => "unknown",
    };
    let mut map = Map::new();
    map.insert("status".into(), status.into());
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bios_dates_in_every_known_shape() {
        assert_eq!(bios_date("02/06/2016").as_deref(), Some("2016-02-06"));
        assert_eq!(bios_date("2016-02-06").as_deref(), Some("2016-02-06"));
        assert_eq!(
            bios_date("20160206000000.000000+000").as_deref(),
            Some("2016-02-06")
        );
        assert_eq!(bios_date("13/45/2016"), None);
        assert_eq!(bios_date("garbage"), None);
        assert_eq!(bios_date("été 2016"), None);
    }

    #[test]
    fn offsets_parse_both_signs() {
        assert_eq!(parse_offset("+0100"), FixedOffset::east_opt(3600));
        assert_eq!(
            parse_offset("-0530"),
            FixedOffset::west_opt(5 * 3600 + 1800)
        );
        assert_eq!(parse_offset("0100"), None);
        assert_eq!(parse_offset("+01é0"), None);
    }

    #[test]
    fn cpu_arch_aliases_and_pattern() {
        assert_eq!(cpu_arch("amd64"), Some("x86_64"));
        assert_eq!(cpu_arch("i686"), Some("i686"));
        assert_eq!(cpu_arch("armv7l"), Some("armv7l"));
        assert_eq!(cpu_arch("riscv64"), None);
    }

    #[test]
    fn drive_letters() {
        assert_eq!(drive_letter("c:\\").as_deref(), Some("C:"));
        assert_eq!(drive_letter("D:").as_deref(), Some("D:"));
        assert_eq!(drive_letter("/"), None);
        assert_eq!(drive_letter("/c:"), None);
    }
}
