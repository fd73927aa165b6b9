//! The inventory model: one typed record per category, every field documented with its unit.
//!
//! The model is Guichet's own, not GLPI's: exporters (`export::glpi`, `export::csv`) map it to
//! other formats. Optional fields are `None` when the source did not say; a collector never
//! invents a value. Sizes are bytes, frequencies MHz, times UTC unless a field says otherwise.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

mod devices;
mod hardware;
mod network;
mod system;

pub use devices::{Battery, Monitor, PciDevice, UsbDevice};
pub use hardware::{Cpu, Machine, Memory, MemoryModule, StorageDevice, Volume};
pub use network::{IpAddress, NetworkInterface};
pub use system::{
    LocalGroup, LocalUser, OperatingSystem, SecurityKind, SecurityProduct, Software, Virtualization,
};

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
    /// The machine's last "Check my computer" run, when there was one: Guichet's own document
    /// carries it (so the site register lists machines with problems); the GLPI export leaves
    /// it out, GLPI's schema has no place for it. Absent from older documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<guichet_records::Diagnosis>,
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
