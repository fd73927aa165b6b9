//! Windows sources: `reg export` files (UTF-16 or UTF-8) and the WMI/CIM text dumps. The first
//! byte picks the parser, the rest is its input (raw bytes: both decoders are under test).
#![no_main]

use guichet_inventory::parse::windows::{registry, text, wmi};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 3 {
        0 => reg(rest),
        1 => classes(rest),
        _ => {
            let t = text::decode(rest);
            for line in t.lines() {
                let _ = wmi::parse_array(line);
                let _ = wmi::wmi_datetime(line);
                let _ = registry::install_date(line);
            }
        }
    }
});

fn reg(bytes: &[u8]) {
    if let Ok(reg) = registry::parse_reg(bytes) {
        let _ = registry::uninstall_software(&reg, "64-bit");
        let _ = registry::uninstall_software(&reg, "32-bit");
    }
}

/// Every class's instances go through every reader, whatever the class's name: the readers
/// must hold on any record.
fn classes(bytes: &[u8]) {
    for (_, records) in wmi::parse_classes(bytes) {
        let (first, second) = (records.first(), records.get(1));
        let _ = wmi::machine(first, second);
        let _ = wmi::cpus(&records);
        let _ = wmi::memory_modules(&records);
        let _ = wmi::memory(first, second, &records);
        let _ = wmi::video_controllers(&records);
        let _ = wmi::network(&records, &records);
        let _ = wmi::dns_and_gateways(&records);
        if let Some(os) = first {
            let _ = wmi::operating_system(os, second);
        }
        let _ = wmi::users(&records);
        let _ = wmi::storage(&records);
        let _ = wmi::volumes(&records);
        for r in &records {
            for name in [
                "Name",
                "Capacity",
                "InstallDate",
                "IPAddress",
                "DHCPEnabled",
            ] {
                let _ = (r.text(name), r.u64(name), r.bool(name), r.list(name));
            }
        }
    }
}
