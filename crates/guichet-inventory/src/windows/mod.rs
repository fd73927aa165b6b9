//! Windows collectors (fetch side only; parsing lives in `parse::windows`).
//!
//! WMI: one PowerShell call per category prints the requested classes in the
//! `wmic … get /format:list` layout [`wmi`] parses (`wmic` itself is removed from recent
//! Windows 11): `#class <Name>` marker, blank line between instances, `Property=Value`,
//! arrays `{"a","b"}`, booleans `TRUE`/`FALSE`, dates as CIM datetimes in UTC, UTF-8.
//! Software: `reg export` of each `Uninstall` key to a temporary file, parsed by [`registry`].
//!
//! Every field `sysinfo` covers (host name, OS name and version, kernel, processors, memory
//! totals, volumes, network interfaces and addresses, boot time) comes from it
//! ([`crate::live::records`]); CIM adds the rest (modules, BIOS, DNS, gateways…), and when
//! PowerShell does not answer, the category still has `sysinfo`'s fields, with the error recorded.

use crate::collect::{Collector, Section, SourceError};
use crate::live::records;
use crate::model::{Category, CollectErrorKind};
use crate::parse::windows::{registry, wmi};
use crate::probe::Probe;

/// The Windows collector of each category.
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
        Category::Users => users,
        Category::Software => software,
        _ => return None,
    })
}

/// PowerShell printing each `(class, filter)` in the list layout.
fn script(classes: &[(&str, &str)]) -> String {
    let mut s = String::from(
        "$ErrorActionPreference='SilentlyContinue';\
         [Console]::OutputEncoding=[Text.Encoding]::UTF8;",
    );
    for (class, filter) in classes {
        let filter = if filter.is_empty() {
            String::new()
        } else {
            format!(" -Filter '{filter}'")
        };
        s.push_str(&format!(
            "'#class {class}';\
             foreach($o in Get-CimInstance -ClassName {class}{filter}){{'';\
             foreach($p in $o.CimInstanceProperties){{$v=$p.Value;\
             if($v -is [DateTime]){{$v=$v.ToUniversalTime().ToString('yyyyMMddHHmmss.ffffff')+'+000'}}\
             elseif($v -is [bool]){{$v=if($v){{'TRUE'}}else{{'FALSE'}}}}\
             elseif($v -is [Array]){{$v='{{'+(($v|ForEach-Object{{'\"'+$_+'\"'}}) -join ',')+'}}'}};\
             $p.Name+'='+(([string]$v) -replace '[\\r\\n]+',' ')}}}};"
        ));
    }
    s
}

/// Runs one PowerShell query for several classes; instances by class name.
fn cim(
    probe: &Probe,
    classes: &[(&str, &str)],
) -> Result<Vec<(String, Vec<wmi::WmiRecord>)>, SourceError> {
    let out = probe.powershell(&script(classes))?;
    Ok(wmi::parse_classes(&out))
}

fn class<'a>(all: &'a [(String, Vec<wmi::WmiRecord>)], name: &str) -> &'a [wmi::WmiRecord] {
    all.iter()
        .find(|(n, _)| n == name)
        .map(|(_, r)| r.as_slice())
        .unwrap_or(&[])
}

/// The CIM classes, or `None` with the error recorded in `s` for `cat`.
fn cim_or_record(
    probe: &Probe,
    classes: &[(&str, &str)],
    s: &mut Section,
    cat: Category,
) -> Option<Vec<(String, Vec<wmi::WmiRecord>)>> {
    match cim(probe, classes) {
        Ok(all) => Some(all),
        Err(e) => {
            s.error(cat, "Get-CimInstance", e);
            None
        }
    }
}

fn os(probe: &Probe) -> Result<Section, SourceError> {
    let mut s = Section::default();
    let classes = [("Win32_OperatingSystem", ""), ("Win32_ComputerSystem", "")];
    let base = cim_or_record(probe, &classes, &mut s, Category::Os).and_then(|all| {
        class(&all, "Win32_OperatingSystem")
            .first()
            .map(|os| wmi::operating_system(os, class(&all, "Win32_ComputerSystem").first()))
    });
    s.found.os = Some(records::over_os(&records::os(), base));
    Ok(s)
}

fn machine(probe: &Probe) -> Result<Section, SourceError> {
    let all = cim(probe, &[("Win32_ComputerSystem", ""), ("Win32_BIOS", "")])?;
    let mut s = Section::default();
    s.found.machine = Some(wmi::machine(
        class(&all, "Win32_ComputerSystem").first(),
        class(&all, "Win32_BIOS").first(),
    ));
    Ok(s)
}

fn cpus(probe: &Probe) -> Result<Section, SourceError> {
    let mut s = Section::default();
    let base = cim_or_record(probe, &[("Win32_Processor", "")], &mut s, Category::Cpus)
        .map(|all| wmi::cpus(class(&all, "Win32_Processor")))
        .unwrap_or_default();
    s.found.cpus = records::over_cpus(records::cpu().as_ref(), base);
    Ok(s)
}

fn memory(probe: &Probe) -> Result<Section, SourceError> {
    let mut s = Section::default();
    let classes = [
        ("Win32_OperatingSystem", ""),
        ("Win32_ComputerSystem", ""),
        ("Win32_PhysicalMemory", ""),
    ];
    let base = cim_or_record(probe, &classes, &mut s, Category::Memory).map(|all| {
        wmi::memory(
            class(&all, "Win32_OperatingSystem").first(),
            class(&all, "Win32_ComputerSystem").first(),
            class(&all, "Win32_PhysicalMemory"),
        )
    });
    s.found.memory = Some(records::over_memory(&records::memory(), base));
    Ok(s)
}

fn storage(probe: &Probe) -> Result<Section, SourceError> {
    let all = cim(probe, &[("Win32_DiskDrive", "")])?;
    let mut s = Section::default();
    s.found.storage = wmi::storage(class(&all, "Win32_DiskDrive"));
    Ok(s)
}

fn volumes(probe: &Probe) -> Result<Section, SourceError> {
    let mut s = Section::default();
    let base = cim_or_record(
        probe,
        &[("Win32_LogicalDisk", "")],
        &mut s,
        Category::Volumes,
    )
    .map(|all| wmi::volumes(class(&all, "Win32_LogicalDisk")))
    .unwrap_or_default();
    s.found.volumes = records::over_volumes(&records::volumes(), base);
    Ok(s)
}

fn network(probe: &Probe) -> Result<Section, SourceError> {
    let mut s = Section::default();
    let classes = [
        ("Win32_NetworkAdapterConfiguration", ""),
        ("Win32_NetworkAdapter", ""),
    ];
    let mut base = Vec::new();
    if let Some(all) = cim_or_record(probe, &classes, &mut s, Category::Network) {
        let configs = class(&all, "Win32_NetworkAdapterConfiguration");
        base = wmi::network(configs, class(&all, "Win32_NetworkAdapter"));
        let (dns, gateways) = wmi::dns_and_gateways(configs);
        s.found.dns_servers = dns;
        s.found.gateways = gateways;
    }
    s.found.network = records::over_network(&records::network(), base);
    Ok(s)
}

fn controllers(probe: &Probe) -> Result<Section, SourceError> {
    let all = cim(probe, &[("Win32_VideoController", "")])?;
    let mut s = Section::default();
    s.found.controllers = wmi::video_controllers(class(&all, "Win32_VideoController"));
    Ok(s)
}

fn users(probe: &Probe) -> Result<Section, SourceError> {
    let all = cim(probe, &[("Win32_UserAccount", "LocalAccount=True")])?;
    let mut s = Section::default();
    s.found.users = wmi::users(class(&all, "Win32_UserAccount"));
    Ok(s)
}

/// Arch of programs under the non-WOW `Uninstall` keys: the OS's native arch. A 32-bit agent
/// on 64-bit Windows sees `x86` in `PROCESSOR_ARCHITECTURE` and the truth in `…W6432`.
fn native_arch() -> &'static str {
    let arch = std::env::var("PROCESSOR_ARCHITEW6432")
        .or_else(|_| std::env::var("PROCESSOR_ARCHITECTURE"))
        .unwrap_or_default();
    match arch.as_str() {
        "AMD64" => "x86_64",
        "ARM64" => "aarch64",
        "x86" => "x86",
        _ => "x86_64",
    }
}

/// Exports `key` with `reg export` to a temporary file and parses it; `Ok(None)` when the key
/// does not exist (no WOW6432Node on 32-bit Windows, a user without per-user software).
fn export(probe: &Probe, key: &str) -> Result<Option<registry::RegFile>, SourceError> {
    let Some(bytes) = probe.reg_export(key)? else {
        return Ok(None);
    };
    let parsed = registry::parse_reg(&bytes)
        .map_err(|e| SourceError::new(CollectErrorKind::Parse, format!("{key}: {e}")))?;
    Ok(Some(parsed))
}

fn software(probe: &Probe) -> Result<Section, SourceError> {
    const UNINSTALL: &str = "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
    const WOW: &str = "SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
    let mut keys = vec![format!("HKLM\\{UNINSTALL}"), format!("HKLM\\{WOW}")];
    // Loaded user hives (`HKU\S-1-5-21-…`, not their `_Classes` twins).
    let mut s = Section::default();
    match probe.run("reg", &["query", "HKU"]) {
        Ok(out) => {
            for line in out.lines().map(str::trim) {
                if let Some(sid) = line.strip_prefix("HKEY_USERS\\") {
                    if sid.starts_with("S-1-5-21-") && !sid.ends_with("_Classes") {
                        keys.push(format!("HKU\\{sid}\\{UNINSTALL}"));
                        keys.push(format!("HKU\\{sid}\\{WOW}"));
                    }
                }
            }
        }
        Err(e) => s.error(Category::Software, "reg query HKU", e),
    }
    let arch = native_arch();
    for (n, key) in keys.iter().enumerate() {
        match export(probe, key) {
            Ok(Some(reg)) => s
                .found
                .software
                .extend(registry::uninstall_software(&reg, arch)),
            Ok(None) => {}
            Err(e) if n == 0 => return Err(e),
            Err(e) => s.error(Category::Software, "reg export", e),
        }
    }
    Ok(s)
}
