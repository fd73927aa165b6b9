//! macOS `system_profiler`: its text output (a tree of `Key: Value` lines) and its `-xml`
//! output (a property list). The first byte picks the parser, the rest is its input.
#![no_main]

use guichet_inventory::parse::macos::system_profiler as sp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 3 {
        0 => text(&String::from_utf8_lossy(rest)),
        1 => {
            if let Ok(types) = sp::parse_xml(rest) {
                // Every data type's items through every XML reader.
                for (_, items) in types {
                    let _ = sp::serial_ata_xml(&items);
                    let _ = sp::usb_xml(&items);
                    let _ = sp::applications_xml(&items);
                }
            }
        }
        _ => {
            let t = String::from_utf8_lossy(rest);
            let _ = sp::publisher_from_info(&t);
            for line in t.lines() {
                let _ = sp::size_bytes(line);
            }
        }
    }
});

fn text(t: &str) {
    let root = sp::parse_text(t);
    let _ = sp::hardware_machine(&root);
    let _ = sp::hardware_cpus(&root);
    let _ = sp::hardware_memory_bytes(&root);
    let _ = sp::software_os(&root);
    let _ = sp::memory_modules(&root);
    let _ = sp::displays(&root);
    let _ = sp::power_battery(&root);
    let _ = sp::network(&root);
    let _ = sp::serial_ata_text(&root);
    let _ = sp::applications_text(&root, true);
    let _ = sp::applications_text(&root, false);
}
