//! Disks (`Win32_DiskDrive`) and logical drives (`Win32_LogicalDisk`).

use super::{is_placeholder, WmiRecord};
use crate::model::{StorageDevice, Volume};

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
