//! The machine and its parts: system and firmware, processors, memory, disks, file systems.

use serde::{Deserialize, Serialize};

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
