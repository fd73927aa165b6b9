//! Attached devices: PCI, USB, monitors and batteries.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
