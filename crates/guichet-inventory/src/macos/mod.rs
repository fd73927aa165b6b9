//! macOS collectors (fetch side only; parsing lives in `parse::macos`).
//!
//! Each category runs `system_profiler` once for the data types it needs (collectors run in
//! parallel, and the slow `SPApplicationsDataType` then delays only `software`). The XML form
//! is used where a parser for it exists (applications, USB, Serial-ATA), the text form
//! elsewhere; `-detailLevel mini` is not used since it drops serial numbers.

use crate::collect::{Collector, Section, SourceError};
use crate::model::{Category, CollectErrorKind, Memory};
use crate::parse::macos::system_profiler as sp;
use crate::probe::Probe;

/// The macOS collector of each category.
pub fn collector(cat: Category) -> Option<Collector> {
    Some(match cat {
        Category::Os => os,
        Category::Machine => machine,
        Category::Cpus => cpus,
        Category::Memory => memory,
        Category::Storage => storage,
        Category::Network => network,
        Category::Controllers => controllers,
        Category::Usb => usb,
        Category::Monitors => monitors,
        Category::Batteries => batteries,
        Category::Software => software,
        _ => return None,
    })
}

/// `system_profiler <types>` (text) parsed to its tree.
fn text(probe: &Probe, types: &[&str]) -> Result<sp::Node, SourceError> {
    let mut args = vec!["-nospawn"];
    args.extend_from_slice(types);
    Ok(sp::parse_text(&probe.run("system_profiler", &args)?))
}

/// `system_profiler -xml <type>` items.
fn xml(probe: &Probe, data_type: &str) -> Result<Vec<plist::Value>, SourceError> {
    let out = probe.run_bytes("system_profiler", &["-nospawn", "-xml", data_type])?;
    let all = sp::parse_xml(&out)
        .map_err(|e| SourceError::new(CollectErrorKind::Parse, format!("{data_type}: {e}")))?;
    Ok(all
        .into_iter()
        .find(|(n, _)| n == data_type)
        .map(|(_, items)| items)
        .unwrap_or_default())
}

fn os(probe: &Probe) -> Result<Section, SourceError> {
    let tree = text(probe, &["SPSoftwareDataType"])?;
    let mut os = sp::software_os(&tree)
        .ok_or_else(|| SourceError::new(CollectErrorKind::Parse, "no System Software Overview"))?;
    let mut s = Section::default();
    // `Computer Name` is the Sharing name; the host name is what the network knows.
    match probe.run("hostname", &[]) {
        Ok(h) if !h.trim().is_empty() => {
            let full = h.trim().to_string();
            match full.split_once('.') {
                Some((short, domain)) => {
                    os.hostname = short.to_string();
                    os.dns_domain = Some(domain.to_string());
                    os.fqdn = Some(full.clone());
                }
                None => os.hostname = full,
            }
        }
        Ok(_) => {}
        Err(e) => s.error(Category::Os, "hostname", e),
    }
    match probe.run("uname", &["-m"]) {
        Ok(a) => {
            os.arch = match a.trim() {
                "arm64" => "aarch64".to_string(),
                other => other.to_string(),
            }
        }
        Err(e) => s.error(Category::Os, "uname", e),
    }
    s.found.os = Some(os);
    Ok(s)
}

fn machine(probe: &Probe) -> Result<Section, SourceError> {
    let tree = text(probe, &["SPHardwareDataType"])?;
    let mut s = Section::default();
    s.found.machine = sp::hardware_machine(&tree);
    Ok(s)
}

fn cpus(probe: &Probe) -> Result<Section, SourceError> {
    let tree = text(probe, &["SPHardwareDataType"])?;
    let mut s = Section::default();
    s.found.cpus = sp::hardware_cpus(&tree);
    Ok(s)
}

fn memory(probe: &Probe) -> Result<Section, SourceError> {
    let tree = text(probe, &["SPHardwareDataType", "SPMemoryDataType"])?;
    let mut s = Section::default();
    s.found.memory = Some(Memory {
        total_bytes: sp::hardware_memory_bytes(&tree).unwrap_or(0),
        modules: sp::memory_modules(&tree),
        ..Default::default()
    });
    Ok(s)
}

fn storage(probe: &Probe) -> Result<Section, SourceError> {
    let mut s = Section::default();
    s.found.storage = sp::serial_ata_xml(&xml(probe, "SPSerialATADataType")?);
    Ok(s)
}

fn network(probe: &Probe) -> Result<Section, SourceError> {
    let tree = text(probe, &["SPNetworkDataType"])?;
    let mut s = Section::default();
    s.found.network = sp::network(&tree);
    Ok(s)
}

fn controllers(probe: &Probe) -> Result<Section, SourceError> {
    let tree = text(probe, &["SPDisplaysDataType"])?;
    let mut s = Section::default();
    s.found.controllers = sp::displays(&tree).0;
    Ok(s)
}

fn monitors(probe: &Probe) -> Result<Section, SourceError> {
    let tree = text(probe, &["SPDisplaysDataType"])?;
    let mut s = Section::default();
    s.found.monitors = sp::displays(&tree).1;
    Ok(s)
}

fn usb(probe: &Probe) -> Result<Section, SourceError> {
    let mut s = Section::default();
    s.found.usb = sp::usb_xml(&xml(probe, "SPUSBDataType")?);
    Ok(s)
}

fn batteries(probe: &Probe) -> Result<Section, SourceError> {
    let tree = text(probe, &["SPPowerDataType"])?;
    let mut s = Section::default();
    s.found.batteries = sp::power_battery(&tree).into_iter().collect();
    Ok(s)
}

fn software(probe: &Probe) -> Result<Section, SourceError> {
    let mut s = Section::default();
    s.found.software = sp::applications_xml(&xml(probe, "SPApplicationsDataType")?);
    Ok(s)
}
