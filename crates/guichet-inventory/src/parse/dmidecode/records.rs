//! Typed extractors: the structures of one DMI type mapped to model records.

use super::values::{
    chemistry_name, clean, clean_uuid, cpu_vendor, jedec_manufacturer, leading_u64, memory_kind,
    parse_date, parse_signature, parse_size_bytes, speed_from_model_name,
};
use super::{Dmidecode, Structure};
use crate::model::{Battery, Cpu, Machine, MemoryModule};

impl Dmidecode {
    /// Structures of DMI type `kind`, in output order.
    pub fn of_type(&self, kind: u8) -> impl Iterator<Item = &Structure> {
        self.structures.iter().filter(move |s| s.kind == kind)
    }

    /// First structure of DMI type `kind`.
    pub fn first(&self, kind: u8) -> Option<&Structure> {
        self.of_type(kind).next()
    }

    /// Structure with the given handle.
    pub fn by_handle(&self, handle: &str) -> Option<&Structure> {
        self.structures
            .iter()
            .find(|s| s.handle.eq_ignore_ascii_case(handle))
    }

    /// System, baseboard, chassis and BIOS (types 1, 2, 3, 0) as a [`Machine`]. Secure boot
    /// is not in SMBIOS and stays `None`.
    pub fn machine(&self) -> Machine {
        let mut m = Machine::default();
        if let Some(s) = self.first(1) {
            m.vendor = s.value("Manufacturer").or_else(|| s.value("Vendor"));
            m.model = s.value("Product Name").or_else(|| s.value("Product"));
            m.serial = s.serial("Serial Number");
            m.uuid = s.get("UUID").and_then(clean_uuid);
            m.sku = s.value("SKU Number");
        }
        if let Some(s) = self.first(2) {
            m.board_vendor = s.value("Manufacturer").or_else(|| s.value("Vendor"));
            m.board_model = s.value("Product Name").or_else(|| s.value("Product"));
            m.board_serial = s.serial("Serial Number");
        }
        if let Some(s) = self.first(3) {
            m.chassis_type = s.value("Type");
            m.chassis_serial = s.serial("Serial Number");
            m.asset_tag = s.serial("Asset Tag");
        }
        if m.asset_tag.is_none() {
            m.asset_tag = self.first(2).and_then(|s| s.serial("Asset Tag"));
        }
        if let Some(s) = self.first(0) {
            m.bios_vendor = s.value("Vendor");
            m.bios_version = s.value("Version");
            m.bios_date = s.value("Release Date").or_else(|| s.value("Release"));
        }
        m
    }

    /// Populated processor sockets (type 4). Empty sockets and non-CPU processors are skipped.
    pub fn processors(&self) -> Vec<Cpu> {
        self.of_type(4)
            .filter(|s| {
                let status = s.get("Status").unwrap_or_default();
                !status.contains("Unpopulated")
                    && s.get("Type").is_none_or(|t| t == "Central Processor")
            })
            .map(|s| {
                let version = s
                    .value("Version")
                    .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "));
                let vendor = s.get("Manufacturer").and_then(cpu_vendor);
                let speed = version
                    .as_deref()
                    .and_then(speed_from_model_name)
                    .or_else(|| {
                        s.get("Current Speed")
                            .and_then(leading_u64)
                            .map(|v| v as u32)
                    })
                    .or_else(|| s.get("Max Speed").and_then(leading_u64).map(|v| v as u32))
                    .filter(|v| *v > 0);
                let cache = ["L3 Cache Handle", "L2 Cache Handle", "L1 Cache Handle"]
                    .iter()
                    .filter_map(|k| s.get(k))
                    .filter_map(|h| self.by_handle(h))
                    .filter_map(|c| c.get("Installed Size").and_then(parse_size_bytes))
                    .find(|b| *b > 0)
                    .map(|b| (b / 1024) as u32);
                let (family, model, stepping) = s
                    .get("Signature")
                    .map(parse_signature)
                    .unwrap_or((None, None, None));
                Cpu {
                    name: version
                        .clone()
                        .or_else(|| s.value("Family"))
                        .unwrap_or_default(),
                    vendor,
                    arch: None,
                    family,
                    model,
                    stepping,
                    cores: s.get("Core Count").and_then(leading_u64).map(|v| v as u32),
                    threads: s
                        .get("Thread Count")
                        .and_then(leading_u64)
                        .map(|v| v as u32),
                    speed_mhz: speed,
                    external_clock_mhz: s
                        .get("External Clock")
                        .and_then(leading_u64)
                        .map(|v| v as u32)
                        .filter(|v| *v > 0),
                    cache_kib: cache,
                    id: s.value("ID"),
                }
            })
            .collect()
    }

    /// Installed memory modules (type 17); empty slots ("No Module Installed", size 0) are
    /// skipped.
    pub fn memory_modules(&self) -> Vec<MemoryModule> {
        self.of_type(17)
            .filter_map(|s| {
                let size = s.get("Size").and_then(parse_size_bytes)?;
                if size == 0 {
                    return None;
                }
                let vendor = s
                    .get("Manufacturer")
                    .and_then(clean)
                    .map(|v| jedec_manufacturer(&v).map(str::to_string).unwrap_or(v));
                let slot = match (s.value("Locator"), s.value("Bank Locator")) {
                    (Some(l), _) => Some(l),
                    (None, b) => b,
                };
                Some(MemoryModule {
                    slot,
                    size_bytes: size,
                    kind: s.get("Type").and_then(memory_kind),
                    form_factor: s.get("Form Factor").and_then(memory_kind),
                    speed_mts: s
                        .get("Speed")
                        .and_then(leading_u64)
                        .map(|v| v as u32)
                        .filter(|v| *v > 0),
                    vendor,
                    part_number: s.value("Part Number"),
                    serial: s.serial("Serial Number"),
                })
            })
            .collect()
    }

    /// Number of memory slots: the sum of "Number Of Devices" over the system-memory arrays
    /// (type 16), else the count of memory device structures (type 17).
    pub fn memory_slots(&self) -> Option<u32> {
        let arrays: Vec<&Structure> = self
            .of_type(16)
            .filter(|s| s.get("Use").is_none_or(|u| u == "System Memory"))
            .collect();
        let sum: u32 = arrays
            .iter()
            .filter_map(|s| s.get("Number Of Devices").and_then(leading_u64))
            .map(|v| v as u32)
            .sum();
        if sum > 0 {
            return Some(sum);
        }
        let devices = self.of_type(17).count() as u32;
        (devices > 0).then_some(devices)
    }

    /// Portable batteries (type 22). Capacities are design values; SBDS fields are used when
    /// the plain ones are absent.
    pub fn batteries(&self) -> Vec<Battery> {
        self.of_type(22)
            .map(|s| {
                let name = s
                    .value("Name")
                    .or_else(|| s.value("Location"))
                    .unwrap_or_else(|| "Battery".to_string());
                let date = s
                    .get("Manufacture Date")
                    .or_else(|| s.get("SBDS Manufacture Date"))
                    .and_then(parse_date);
                Battery {
                    name,
                    manufacturer: s.value("Manufacturer"),
                    serial: s
                        .serial("Serial Number")
                        .or_else(|| s.serial("SBDS Serial Number")),
                    chemistry: s
                        .value("Chemistry")
                        .or_else(|| s.value("SBDS Chemistry"))
                        .map(|c| chemistry_name(&c)),
                    design_capacity_mwh: s
                        .get("Design Capacity")
                        .and_then(leading_u64)
                        .filter(|v| *v > 0),
                    full_capacity_mwh: None,
                    voltage_mv: s
                        .get("Design Voltage")
                        .and_then(leading_u64)
                        .filter(|v| *v > 0),
                    charge_percent: None,
                    status: None,
                    manufacture_date: date,
                }
            })
            .collect()
    }
}
