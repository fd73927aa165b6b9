//! Inventory files brought in by an admin: Guichet native JSON, GLPI inventory JSON and
//! OCS/FusionInventory XML, through `import_file` (which detects the format by shape), and
//! the two readers directly.
#![no_main]

use chrono::{TimeZone, Utc};
use guichet_inventory::import::{self, glpi, ocs_xml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let fallback = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 3 {
        0 => {
            let _ = import::import_file(rest, fallback);
        }
        1 => {
            let _ = ocs_xml::from_ocs_xml(&ocs_xml::decode(rest), fallback);
        }
        _ => {
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(rest) {
                let _ = glpi::from_glpi(&v, fallback);
            }
        }
    }
});
