//! The inventory model: one typed record per category, every field documented with its unit.
//!
//! The model is Guichet's own, not GLPI's: exporters (`export::glpi`, `export::csv`) map it to
//! other formats. Optional fields are `None` when the source did not say; a collector never
//! invents a value. Sizes are bytes, frequencies MHz, times UTC unless a field says otherwise.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Version of the native JSON document layout; bumped on incompatible model changes.
pub const NATIVE_FORMAT_VERSION: u32 = 1;

/// One category of the inventory, the unit of collection, selection (`--categories`) and error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Operating system, kernel, host names, boot and install times.
    Os,
    /// The machine itself: DMI system, board, chassis and BIOS.
    Machine,
    /// Processors.
    Cpus,
    /// Physical memory, swap and memory modules.
    Memory,
    /// Block storage devices (disks, SSDs, optical drives).
    Storage,
    /// Mounted file systems.
    Volumes,
    /// Network interfaces and routes.
    Network,
    /// PCI devices, GPUs among them.
    Controllers,
    /// USB devices.
    Usb,
    /// Monitors, from EDID.
    Monitors,
    /// Batteries.
    Batteries,
    /// Local user accounts and groups.
    Users,
    /// Installed software from every package source.
    Software,
    /// Antivirus and firewall products and their state.
    Security,
    /// Whether this machine is a virtual machine or a container, and of what kind.
    Virtualization,
}

impl Category {
    /// Every category, in display order.
    pub const ALL: [Category; 15] = [
        Category::Os,
        Category::Machine,
        Category::Cpus,
        Category::Memory,
        Category::Storage,
        Category::Volumes,
        Category::Network,
        Category::Controllers,
        Category::Usb,
        Category::Monitors,
        Category::Batteries,
        Category::Users,
        Category::Software,
        Category::Security,
        Category::Virtualization,
    ];

    /// The stable name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Category::Os => "os",
            Category::Machine => "machine",
            Category::Cpus => "cpus",
            Category::Memory => "memory",
            Category::Storage => "storage",
            Category::Volumes => "volumes",
            Category::Network => "network",
            Category::Controllers => "controllers",
            Category::Usb => "usb",
            Category::Monitors => "monitors",
            Category::Batteries => "batteries",
            Category::Users => "users",
            Category::Software => "software",
            Category::Security => "security",
            Category::Virtualization => "virtualization",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error for a category name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown inventory category `{0}` (known: os, machine, cpus, memory, storage, volumes, network, controllers, usb, monitors, batteries, users, software, security, virtualization)")]
pub struct UnknownCategory(pub String);

impl FromStr for Category {
    type Err = UnknownCategory;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        // Accept a few obvious aliases so admins' scripts do not break on a plural.
        let wanted = match wanted.as_str() {
            "cpu" | "processors" => "cpus",
            "disks" | "disk" => "storage",
            "filesystems" | "drives" => "volumes",
            "networks" | "nics" => "network",
            "pci" | "gpus" | "gpu" => "controllers",
            "softwares" | "packages" => "software",
            "monitor" => "monitors",
            "battery" => "batteries",
            "bios" | "hardware" => "machine",
            other => other,
        };
        Category::ALL
            .into_iter()
            .find(|c| c.name() == wanted)
            .ok_or_else(|| UnknownCategory(s.trim().to_string()))
    }
}

/// A complete inventory of one machine at one moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    /// Layout version of this document ([`NATIVE_FORMAT_VERSION`]).
    pub format_version: u32,
    /// When collection started (UTC), as passed in by the caller.
    pub collected_at: DateTime<Utc>,
    /// Version of the Guichet agent that collected it.
    pub agent_version: String,
    /// Wall time the whole collection took, in milliseconds.
    pub duration_ms: u64,
    /// Categories that were asked for (empty vectors below mean "none found" only for these).
    pub categories: Vec<Category>,
    /// Operating system.
    pub os: Option<OperatingSystem>,
    /// Machine identity (DMI / SMBIOS).
    pub machine: Option<Machine>,
    /// Processors, one record per physical package (socket).
    pub cpus: Vec<Cpu>,
    /// Memory totals and modules.
    pub memory: Option<Memory>,
    /// Block storage devices.
    pub storage: Vec<StorageDevice>,
    /// Mounted file systems.
    pub volumes: Vec<Volume>,
    /// Network interfaces.
    pub network: Vec<NetworkInterface>,
    /// Default gateways (IPv4 and IPv6) of the machine.
    pub gateways: Vec<String>,
    /// DNS servers from the resolver configuration.
    pub dns_servers: Vec<String>,
    /// PCI devices (GPUs, network and storage controllers…).
    pub controllers: Vec<PciDevice>,
    /// USB devices.
    pub usb: Vec<UsbDevice>,
    /// Monitors.
    pub monitors: Vec<Monitor>,
    /// Batteries.
    pub batteries: Vec<Battery>,
    /// Local user accounts.
    pub users: Vec<LocalUser>,
    /// Local groups.
    pub groups: Vec<LocalGroup>,
    /// Installed software, every package source merged.
    pub software: Vec<Software>,
    /// Antivirus and firewall products.
    pub security: Vec<SecurityProduct>,
    /// Virtualisation or containerisation this machine runs under.
    pub virtualization: Option<Virtualization>,
    /// Categories (or sources inside one) that failed, with why. Never fatal to the rest.
    pub errors: Vec<CollectError>,
}

/// A category, or one source inside it, that could not be collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectError {
    /// The category concerned.
    pub category: Category,
    /// The source inside the category (e.g. `dmidecode`, `rpm`), when the error is that narrow.
    pub source: Option<String>,
    /// What kind of failure this is.
    pub kind: CollectErrorKind,
    /// Human-readable detail.
    pub message: String,
}

/// Why a category or source failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectErrorKind {
    /// The source needs privileges the agent does not have (e.g. dmidecode without root).
    PermissionDenied,
    /// The source did not answer before the deadline.
    TimedOut,
    /// The source is absent on this system.
    Unavailable,
    /// The source answered something that could not be parsed.
    Parse,
    /// Any other failure (I/O, non-zero exit…).
    Failed,
    /// Not supported on this operating system.
    Unsupported,
}

/// Operating system record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatingSystem {
    /// OS family/kernel name: `Linux`, `Windows`, `Darwin`.
    pub kernel_name: String,
    /// Kernel release, e.g. `6.1.0-18-amd64` (Linux) or `10.0.19045` (Windows).
    pub kernel_version: Option<String>,
    /// Distribution or product name, e.g. `Debian GNU/Linux`.
    pub name: String,
    /// Distribution version, e.g. `12` or `22H2`.
    pub version: Option<String>,
    /// Full human name, e.g. `Debian GNU/Linux 12 (bookworm)`.
    pub full_name: String,
    /// Machine architecture, e.g. `x86_64`.
    pub arch: String,
    /// Short host name.
    pub hostname: String,
    /// Fully qualified domain name, when resolvable.
    pub fqdn: Option<String>,
    /// DNS domain (the FQDN minus the host name).
    pub dns_domain: Option<String>,
    /// Last boot time (UTC).
    pub boot_time: Option<DateTime<Utc>>,
    /// When the OS was installed (UTC), best effort.
    pub install_date: Option<DateTime<Utc>>,
    /// IANA time zone name, e.g. `Europe/Paris`.
    pub timezone: Option<String>,
    /// Offset of local time from UTC, e.g. `+0100`.
    pub timezone_offset: Option<String>,
    /// Windows service pack or build revision, where the OS has one.
    pub service_pack: Option<String>,
    /// Machine id (`/etc/machine-id`, Windows MachineGuid…).
    pub machine_id: Option<String>,
}

/// The machine itself, from DMI/SMBIOS or the platform's equivalent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// System manufacturer, e.g. `Dell Inc.`.
    pub vendor: Option<String>,
    /// System product name, e.g. `Latitude 7420`.
    pub model: Option<String>,
    /// System serial number (needs root on Linux).
    pub serial: Option<String>,
    /// SMBIOS system UUID (needs root on Linux).
    pub uuid: Option<String>,
    /// SKU number.
    pub sku: Option<String>,
    /// Chassis type as SMBIOS names it, e.g. `Notebook`, `Desktop`, `Rack Mount Chassis`.
    pub chassis_type: Option<String>,
    /// Chassis serial number.
    pub chassis_serial: Option<String>,
    /// Asset tag.
    pub asset_tag: Option<String>,
    /// Baseboard manufacturer.
    pub board_vendor: Option<String>,
    /// Baseboard product name.
    pub board_model: Option<String>,
    /// Baseboard serial number.
    pub board_serial: Option<String>,
    /// BIOS/UEFI vendor.
    pub bios_vendor: Option<String>,
    /// BIOS/UEFI version.
    pub bios_version: Option<String>,
    /// BIOS/UEFI release date as the firmware states it (usually `MM/DD/YYYY`).
    pub bios_date: Option<String>,
    /// Whether UEFI Secure Boot is on, when detectable.
    pub secure_boot: Option<bool>,
}

/// One processor package.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cpu {
    /// Marketing name, e.g. `Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz`.
    pub name: String,
    /// Vendor, e.g. `Intel`, `AMD`.
    pub vendor: Option<String>,
    /// Architecture, e.g. `x86_64`, `aarch64`.
    pub arch: Option<String>,
    /// Family number.
    pub family: Option<u32>,
    /// Model number.
    pub model: Option<u32>,
    /// Stepping.
    pub stepping: Option<u32>,
    /// Physical cores in this package.
    pub cores: Option<u32>,
    /// Hardware threads (logical CPUs) in this package.
    pub threads: Option<u32>,
    /// Nominal or maximum frequency, MHz.
    pub speed_mhz: Option<u32>,
    /// External (bus) clock, MHz.
    pub external_clock_mhz: Option<u32>,
    /// Largest cache size reported, KiB (usually L3).
    pub cache_kib: Option<u32>,
    /// CPUID signature or serial id as the platform reports it.
    pub id: Option<String>,
}

/// Memory totals and modules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    /// Usable physical memory as the kernel sees it, bytes.
    pub total_bytes: u64,
    /// Currently available memory, bytes.
    pub available_bytes: Option<u64>,
    /// Total swap, bytes.
    pub swap_total_bytes: u64,
    /// Free swap, bytes.
    pub swap_free_bytes: Option<u64>,
    /// Number of memory slots on the board, when known (dmidecode, WMI).
    pub slots: Option<u32>,
    /// Installed modules (dmidecode as root, WMI, system_profiler); empty when not readable.
    pub modules: Vec<MemoryModule>,
}

/// One memory module (DIMM).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryModule {
    /// Slot locator, e.g. `DIMM A1`.
    pub slot: Option<String>,
    /// Capacity, bytes.
    pub size_bytes: u64,
    /// Memory type, e.g. `DDR4`.
    pub kind: Option<String>,
    /// Form factor, e.g. `SODIMM`.
    pub form_factor: Option<String>,
    /// Speed, MT/s (what dmidecode calls MHz).
    pub speed_mts: Option<u32>,
    /// Manufacturer.
    pub vendor: Option<String>,
    /// Part number.
    pub part_number: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
}

/// One block storage device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageDevice {
    /// Kernel name, e.g. `sda`, `nvme0n1`; on Windows the device id.
    pub name: String,
    /// Model string.
    pub model: Option<String>,
    /// Vendor or manufacturer.
    pub vendor: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
    /// Firmware revision.
    pub firmware: Option<String>,
    /// Capacity, bytes.
    pub size_bytes: u64,
    /// `true` for spinning disks, `false` for SSDs, `None` when unknown.
    pub rotational: Option<bool>,
    /// Removable media (USB sticks, card readers).
    pub removable: bool,
    /// Bus/interface, e.g. `SATA`, `NVMe`, `USB`, `SCSI`, `virtio`.
    pub interface: Option<String>,
    /// Kind of device: `disk`, `cdrom`, …
    pub kind: String,
    /// World-wide name.
    pub wwn: Option<String>,
}

/// One mounted file system.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    /// Mount point (Linux, macOS) or drive letter (`C:`) on Windows.
    pub mount_point: String,
    /// Backing device, e.g. `/dev/nvme0n1p2`.
    pub device: Option<String>,
    /// File system type, e.g. `ext4`, `NTFS`.
    pub fs_type: String,
    /// Total size, bytes.
    pub total_bytes: u64,
    /// Space available to unprivileged users, bytes (what `df` calls "Avail").
    pub free_bytes: u64,
    /// Volume label.
    pub label: Option<String>,
    /// File system UUID / volume serial.
    pub uuid: Option<String>,
    /// Encryption when detectable: e.g. `LUKS`, `BitLocker`, `FileVault`; `None` = not encrypted or unknown.
    pub encryption: Option<String>,
}

/// One network interface.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInterface {
    /// Interface name, e.g. `eth0`, `wlp2s0`.
    pub name: String,
    /// Description (driver or product name) when known.
    pub description: Option<String>,
    /// MAC address, lower case, colon-separated.
    pub mac: Option<String>,
    /// IPv4 addresses.
    pub ipv4: Vec<IpAddress>,
    /// IPv6 addresses.
    pub ipv6: Vec<IpAddress>,
    /// IPv4 default gateway through this interface.
    pub gateway: Option<String>,
    /// Whether addresses come from DHCP, when detectable.
    pub dhcp: Option<bool>,
    /// DHCP server address, when known.
    pub dhcp_server: Option<String>,
    /// Link speed, Mbit/s.
    pub speed_mbps: Option<u64>,
    /// MTU, bytes.
    pub mtu: Option<u32>,
    /// Operational state: `up`, `down`, `unknown`.
    pub status: String,
    /// Kind: `ethernet`, `wifi`, `loopback`, `bridge`, `vlan`, `tunnel`, `other`.
    pub kind: String,
    /// Virtual interface (no physical device behind it).
    pub virtual_device: bool,
    /// Kernel driver.
    pub driver: Option<String>,
    /// PCI slot of the device, e.g. `0000:00:1f.6`.
    pub pci_slot: Option<String>,
}

/// One IP address with its prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpAddress {
    /// The address, textual.
    pub address: String,
    /// Prefix length (CIDR), e.g. 24.
    pub prefix_len: u8,
    /// Network mask in dotted form (IPv4) or the prefix as a mask (IPv6).
    pub mask: String,
    /// Network address (address & mask).
    pub subnet: String,
}

/// One PCI device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PciDevice {
    /// Slot, e.g. `0000:00:02.0`.
    pub slot: String,
    /// Class name, e.g. `VGA compatible controller`.
    pub class_name: Option<String>,
    /// Class code, 4 hex digits, e.g. `0300`.
    pub class_id: Option<String>,
    /// Vendor name.
    pub vendor: Option<String>,
    /// Device (product) name.
    pub name: Option<String>,
    /// Vendor id, 4 hex digits.
    pub vendor_id: Option<String>,
    /// Device id, 4 hex digits.
    pub device_id: Option<String>,
    /// Subsystem `vendor:device` ids.
    pub subsystem_id: Option<String>,
    /// Revision.
    pub revision: Option<String>,
    /// Kernel driver in use.
    pub driver: Option<String>,
    /// Whether this is a display controller (GPU).
    pub is_gpu: bool,
}

/// One USB device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsbDevice {
    /// Vendor id, 4 hex digits.
    pub vendor_id: String,
    /// Product id, 4 hex digits.
    pub product_id: String,
    /// Manufacturer string.
    pub manufacturer: Option<String>,
    /// Product string.
    pub name: Option<String>,
    /// Serial number string.
    pub serial: Option<String>,
    /// Device class, 2 hex digits.
    pub class: Option<String>,
    /// Device subclass, 2 hex digits.
    pub subclass: Option<String>,
    /// Bus position, e.g. `1-2.3`.
    pub bus_path: Option<String>,
}

/// One monitor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monitor {
    /// Product name from the EDID descriptor.
    pub name: Option<String>,
    /// Manufacturer (PNP id decoded, e.g. `Dell Inc.`, or the 3-letter id).
    pub manufacturer: Option<String>,
    /// Serial number (descriptor string, else the numeric serial).
    pub serial: Option<String>,
    /// Connector, e.g. `card0-eDP-1`.
    pub port: Option<String>,
    /// Manufacture year.
    pub year: Option<u16>,
    /// Manufacture week.
    pub week: Option<u8>,
    /// Raw EDID, base64.
    pub edid_base64: Option<String>,
}

/// One battery.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Battery {
    /// Name, e.g. `BAT0` or the model.
    pub name: String,
    /// Manufacturer.
    pub manufacturer: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
    /// Chemistry, e.g. `Li-ion`.
    pub chemistry: Option<String>,
    /// Design capacity, mWh.
    pub design_capacity_mwh: Option<u64>,
    /// Full-charge capacity now, mWh.
    pub full_capacity_mwh: Option<u64>,
    /// Design voltage, mV.
    pub voltage_mv: Option<u64>,
    /// Charge level, percent.
    pub charge_percent: Option<u8>,
    /// Status: `Charging`, `Discharging`, `Full`…
    pub status: Option<String>,
    /// Manufacture date.
    pub manufacture_date: Option<NaiveDate>,
}

/// One local user account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalUser {
    /// Login name.
    pub login: String,
    /// Numeric uid (Linux) or SID (Windows).
    pub id: String,
    /// Full name (GECOS).
    pub full_name: Option<String>,
    /// Home directory.
    pub home: Option<String>,
    /// Login shell.
    pub shell: Option<String>,
    /// Human account (uid in the login range with a real shell) rather than a system account.
    pub human: bool,
}

/// One local group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalGroup {
    /// Group name.
    pub name: String,
    /// Numeric gid or SID.
    pub id: String,
    /// Member logins.
    pub members: Vec<String>,
}

/// One installed software package.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Software {
    /// Package or product name.
    pub name: String,
    /// Version string as the source gives it.
    pub version: Option<String>,
    /// Architecture, e.g. `amd64`, `x86_64`, `noarch`.
    pub arch: Option<String>,
    /// Publisher, maintainer, vendor or origin.
    pub publisher: Option<String>,
    /// Install date (UTC), when the source records one.
    pub install_date: Option<DateTime<Utc>>,
    /// Installed size, bytes.
    pub size_bytes: Option<u64>,
    /// Package source: `dpkg`, `rpm`, `pacman`, `flatpak`, `snap`, `nix`, `registry`, `system_profiler`…
    pub source: String,
    /// Short description.
    pub summary: Option<String>,
    /// Section or category (e.g. dpkg section, `system` for OS components).
    pub category: Option<String>,
    /// Home page.
    pub url: Option<String>,
    /// Windows product GUID or package id.
    pub guid: Option<String>,
    /// Windows uninstall command.
    pub uninstall_string: Option<String>,
    /// Install folder.
    pub folder: Option<String>,
}

/// An antivirus or firewall product.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityProduct {
    /// `antivirus` or `firewall`.
    pub kind: SecurityKind,
    /// Product name, e.g. `ufw`, `firewalld`, `ClamAV`, `Windows Defender`.
    pub name: String,
    /// Publisher.
    pub publisher: Option<String>,
    /// Version.
    pub version: Option<String>,
    /// Whether it is active now.
    pub enabled: Option<bool>,
    /// Whether signatures are up to date (antivirus).
    pub up_to_date: Option<bool>,
    /// Signature database version (antivirus).
    pub signature_version: Option<String>,
}

/// Kind of security product.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityKind {
    /// Antivirus / anti-malware.
    #[default]
    Antivirus,
    /// Host firewall.
    Firewall,
}

/// What this machine runs under.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Virtualization {
    /// `physical`, `vm` or `container`.
    pub role: String,
    /// Hypervisor, e.g. `kvm`, `vmware`, `hyperv`, `virtualbox`, `xen`; `None` when physical.
    pub hypervisor: Option<String>,
    /// Container runtime, e.g. `docker`, `podman`, `lxc`, `systemd-nspawn`, `wsl`.
    pub container: Option<String>,
}

impl Inventory {
    /// An empty inventory stamped with the collection time and agent version.
    pub fn new(collected_at: DateTime<Utc>, agent_version: impl Into<String>) -> Self {
        Inventory {
            format_version: NATIVE_FORMAT_VERSION,
            collected_at,
            agent_version: agent_version.into(),
            ..Default::default()
        }
    }

    /// Host name, when the OS category was collected.
    pub fn hostname(&self) -> Option<&str> {
        self.os.as_ref().map(|o| o.hostname.as_str())
    }
}
