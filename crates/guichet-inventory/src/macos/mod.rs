//! macOS collectors (fetch side only; parsing lives in `parse::macos`).
//!
//! Each category runs `system_profiler` once for the data types it needs (collectors run in
//! parallel, and the slow `SPApplicationsDataType` then delays only `software`). The XML form
//! is used where a parser for it exists (applications, USB, Serial-ATA), the text form
//! elsewhere; `-detailLevel mini` is not used since it drops serial numbers.
//!
//! Every field `sysinfo` covers (host name, OS name and version, kernel, processors, memory
//! totals, volumes, network interfaces and addresses, boot time) comes from it
//! ([`crate::live::records`]); `system_profiler` adds the rest (model, serials, modules…), and
//! when it does not answer, the category still has `sysinfo`'s fields, with the error recorded.

use crate::collect::{Collector, Section, SourceError};
use crate::live::records;
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
        Category::Volumes => volumes,
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

/// `system_profiler <types>`, or `None` with the error recorded in `s` for `cat`.
fn text_or_record(
    probe: &Probe,
    types: &[&str],
    s: &mut Section,
    cat: Category,
) -> Option<sp::Node> {
    match text(probe, types) {
        Ok(tree) => Some(tree),
        Err(e) => {
            s.error(cat, "system_profiler", e);
            None
        }
    }
}

fn os(probe: &Probe) -> Result<Section, SourceError> {
    let mut s = Section::default();
    let base = text_or_record(probe, &["SPSoftwareDataType"], &mut s, Category::Os)
        .and_then(|tree| sp::software_os(&tree));
    let mut os = records::over_os(&records::os(), base);
    // `Computer Name` is the Sharing name; the host name is what the network knows.
    let full = os.hostname.clone();
    if let Some((short, domain)) = full.split_once('.') {
        os.hostname = short.to_string();
        os.dns_domain = Some(domain.to_string());
        os.fqdn = Some(full.clone());
    }
    if os.arch == "arm64" {
        os.arch = "aarch64".to_string();
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
    let mut s = Section::default();
    let base = text_or_record(probe, &["SPHardwareDataType"], &mut s, Category::Cpus)
        .map(|tree| sp::hardware_cpus(&tree))
        .unwrap_or_default();
    s.found.cpus = records::over_cpus(records::cpu().as_ref(), base);
    Ok(s)
}

fn memory(probe: &Probe) -> Result<Section, SourceError> {
    let mut s = Section::default();
    let types = ["SPHardwareDataType", "SPMemoryDataType"];
    let base = text_or_record(probe, &types, &mut s, Category::Memory).map(|tree| Memory {
        total_bytes: sp::hardware_memory_bytes(&tree).unwrap_or(0),
        modules: sp::memory_modules(&tree),
        ..Default::default()
    });
    s.found.memory = Some(records::over_memory(&records::memory(), base));
    Ok(s)
}

fn storage(probe: &Probe) -> Result<Section, SourceError> {
    let mut s = Section::default();
    s.found.storage = sp::serial_ata_xml(&xml(probe, "SPSerialATADataType")?);
    Ok(s)
}

/// Mounted volumes: `sysinfo` alone (it lists the browsable APFS volumes once each).
fn volumes(_probe: &Probe) -> Result<Section, SourceError> {
    let mut s = Section::default();
    s.found.volumes = records::volumes();
    Ok(s)
}

fn network(probe: &Probe) -> Result<Section, SourceError> {
    let mut s = Section::default();
    let base = text_or_record(probe, &["SPNetworkDataType"], &mut s, Category::Network)
        .map(|tree| sp::network(&tree))
        .unwrap_or_default();
    s.found.network = records::over_network(&records::network(), base);
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
