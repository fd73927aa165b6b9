//! Parser tests on the GLPI agent's recorded dmidecode outputs.

use super::*;
use chrono::NaiveDate;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../third-party/glpi-agent-fixtures/resources/generic/dmidecode/"
);

fn fixture(name: &str) -> Dmidecode {
    parse(&std::fs::read_to_string(format!("{DIR}{name}")).expect("fixture"))
}

#[test]
fn dell_r640_server() {
    let d = fixture("dell-r640");
    assert_eq!(d.smbios_version.as_deref(), Some("3.2"));
    let m = d.machine();
    assert_eq!(m.vendor.as_deref(), Some("Dell Inc."));
    assert_eq!(m.model.as_deref(), Some("PowerEdge R640"));
    assert_eq!(m.serial.as_deref(), Some("2RJF153"));
    assert_eq!(
        m.uuid.as_deref(),
        Some("4C4C4544-0052-4A10-8046-B2C04F313533")
    );
    assert_eq!(
        m.sku.as_deref(),
        Some("SKU=NotProvided;ModelName=PowerEdge R640")
    );
    assert_eq!(m.board_model.as_deref(), Some("06NR82"));
    assert_eq!(m.board_serial.as_deref(), Some(".2RJF153.CNIVC0005G0184."));
    assert_eq!(m.chassis_type.as_deref(), Some("Rack Mount Chassis"));
    assert_eq!(m.chassis_serial.as_deref(), Some("2RJF153"));
    assert_eq!(m.asset_tag, None);
    assert_eq!(m.bios_vendor.as_deref(), Some("Dell Inc."));
    assert_eq!(m.bios_version.as_deref(), Some("2.6.4"));
    assert_eq!(m.bios_date.as_deref(), Some("04/09/2020"));
    let bios = d.first(0).expect("bios");
    assert_eq!(bios.title, "BIOS Information");
    assert!(bios
        .list("Characteristics")
        .contains(&"UEFI is supported".to_string()));

    let cpus = d.processors();
    assert_eq!(cpus.len(), 2);
    let c = &cpus[0];
    assert_eq!(c.name, "Intel(R) Xeon(R) Gold 6244 CPU @ 3.60GHz");
    assert_eq!(c.vendor.as_deref(), Some("Intel"));
    assert_eq!(c.cores, Some(8));
    assert_eq!(c.threads, Some(16));
    assert_eq!(c.speed_mhz, Some(3600));
    assert_eq!(c.external_clock_mhz, Some(10400));
    assert_eq!(c.cache_kib, Some(25344));
    assert_eq!(
        (c.family, c.model, c.stepping),
        (Some(6), Some(85), Some(7))
    );
    assert_eq!(c.id.as_deref(), Some("57 06 05 00 FF FB EB BF"));
    assert_eq!(d.memory_slots(), Some(24));
}

#[test]
fn hp_dl360_gen8_padded_strings_and_two_arrays() {
    let d = fixture("hp-dl360-gen8");
    let m = d.machine();
    assert_eq!(m.vendor.as_deref(), Some("HP"));
    assert_eq!(m.model.as_deref(), Some("ProLiant DL360p Gen8"));
    assert_eq!(m.serial.as_deref(), Some("USE2236835"));
    assert_eq!(m.sku.as_deref(), Some("654081-B21"));
    assert_eq!(
        m.uuid.as_deref(),
        Some("30343536-3138-5355-4532-323336383335")
    );
    assert_eq!(m.asset_tag, None, "blank asset tag");
    assert_eq!(m.bios_version.as_deref(), Some("P71"));
    assert_eq!(m.bios_date.as_deref(), Some("07/01/2015"));
    // Two arrays of 12 slots.
    assert_eq!(d.memory_slots(), Some(24));
    let mods = d.memory_modules();
    assert_eq!(mods.len(), 8);
    assert!(mods.iter().all(|m| m.size_bytes == 8192 << 20));
    assert_eq!(
        mods[0].slot.as_deref(),
        Some("PROC  1 DIMM  1"),
        "kept verbatim"
    );
    assert_eq!(mods[0].kind.as_deref(), Some("DDR3"));
    assert_eq!(mods[0].speed_mts, Some(1333));
    assert_eq!(mods[0].vendor.as_deref(), Some("HP"));
    assert_eq!(mods[0].part_number.as_deref(), Some("647650-071"));
    assert_eq!(mods[0].serial, None);
    let cpus = d.processors();
    assert_eq!(cpus.len(), 2, "an Idle socket is still populated");
    assert_eq!(cpus[0].name, "Intel(R) Xeon(R) CPU E5-2640 0 @ 2.50GHz");
    assert_eq!((cpus[0].cores, cpus[0].threads), (Some(6), Some(12)));
    assert_eq!(cpus[0].cache_kib, Some(15360));
}

#[test]
fn lenovo_thinkpad_laptop() {
    let d = fixture("lenovo-thinkpad");
    let m = d.machine();
    assert_eq!(m.vendor.as_deref(), Some("LENOVO"));
    assert_eq!(m.model.as_deref(), Some("1298A8G"));
    assert_eq!(m.serial.as_deref(), Some("LR9NKZ7"));
    assert_eq!(m.board_serial.as_deref(), Some("1ZJJC21G0N6"));
    assert_eq!(m.chassis_type.as_deref(), Some("Notebook"));
    assert_eq!(m.asset_tag, None, "No Asset Information");
    assert_eq!(m.bios_version.as_deref(), Some("8NET32WW (1.16 )"));
    let cpus = d.processors();
    assert_eq!(cpus.len(), 1);
    assert_eq!(cpus[0].name, "Intel(R) Core(TM) i5-2450M CPU @ 2.50GHz");
    assert_eq!(cpus[0].vendor.as_deref(), Some("Intel"));
    assert_eq!((cpus[0].cores, cpus[0].threads), (Some(2), Some(4)));
    assert_eq!(cpus[0].external_clock_mhz, Some(100));
    assert_eq!(cpus[0].cache_kib, Some(3072));
    assert_eq!(d.memory_slots(), Some(4));
    let mods = d.memory_modules();
    assert_eq!(mods.len(), 2);
    assert_eq!(mods[0].slot.as_deref(), Some("ChannelA-DIMM0"));
    assert_eq!(mods[0].size_bytes, 4096 << 20);
    assert_eq!(mods[0].form_factor.as_deref(), Some("SODIMM"));
    assert_eq!(mods[0].vendor.as_deref(), Some("Samsung"));
    assert_eq!(mods[0].serial.as_deref(), Some("B52A5D9F"));
    assert_eq!(mods[0].part_number.as_deref(), Some("M471B5273CH0-CH9"));
    // A battery structure with only placeholders keeps its name, no invented capacity.
    let bats = d.batteries();
    assert_eq!(bats.len(), 1);
    assert_eq!(bats[0].name, "Smart Battery");
    assert_eq!(bats[0].design_capacity_mwh, None);
}

#[test]
fn vmware_guest_with_2_0_header_dots() {
    let d = fixture("vmware");
    let m = d.machine();
    assert_eq!(m.vendor.as_deref(), Some("VMware, Inc."));
    assert_eq!(m.model.as_deref(), Some("VMware Virtual Platform"));
    assert_eq!(
        m.serial.as_deref(),
        Some("VMware-50 0c 23 94 04 63 a1 3c-0d d4 f5 37 a6 bb f0 a6")
    );
    assert_eq!(
        m.uuid.as_deref(),
        Some("500C2394-0127-D13C-0CC4-F537A6AAF1A6")
    );
    assert_eq!(
        m.board_model.as_deref(),
        Some("440BX Desktop Reference Platform")
    );
    assert_eq!(m.board_serial, None, "None");
    assert_eq!(m.chassis_type.as_deref(), Some("Other"));
    assert_eq!(m.chassis_serial, None);
    assert_eq!(m.asset_tag, None, "No Asset Tag");
    assert_eq!(m.bios_vendor.as_deref(), Some("Phoenix Technologies LTD"));
    let cpus = d.processors();
    assert!(cpus.len() >= 2);
    assert_eq!(cpus[0].vendor.as_deref(), Some("AMD"));
    assert_eq!(cpus[1].vendor.as_deref(), Some("Intel"));
    assert_eq!(cpus[0].speed_mhz, Some(2133));
    assert_eq!(cpus[0].external_clock_mhz, None);
}

#[test]
fn windows_7_crlf_and_asus_placeholders() {
    let d = fixture("windows-7");
    let m = d.machine();
    assert_eq!(m.vendor, None, "System manufacturer");
    assert_eq!(m.model, None, "System Product Name");
    assert_eq!(m.serial, None, "System Serial Number");
    assert_eq!(m.sku, None, "To be filled by O.E.M.");
    assert_eq!(
        m.uuid.as_deref(),
        Some("1E00E6E0-008C-4400-9AAD-F46D04972D3E")
    );
    assert_eq!(m.board_vendor.as_deref(), Some("ASUSTeK Computer INC."));
    assert_eq!(m.board_model.as_deref(), Some("P8P67"));
    assert_eq!(m.board_serial.as_deref(), Some("MT7013K30709271"));
    assert_eq!(m.chassis_type.as_deref(), Some("Desktop"));
    assert_eq!(m.chassis_serial, None, "Chassis Serial Number");
    assert_eq!(m.asset_tag, None, "Asset-1234567890");
    assert_eq!(m.bios_vendor.as_deref(), Some("American Megatrends Inc."));
    assert_eq!(m.bios_version.as_deref(), Some("1503"));
    assert_eq!(d.memory_slots(), Some(4));
    let mods = d.memory_modules();
    assert_eq!(mods.len(), 2);
    assert!(mods.iter().all(|m| m.size_bytes == 2048 << 20));
}

#[test]
fn surface_go_2_space_indented_without_blank_lines() {
    let d = fixture("surface-go-2");
    let m = d.machine();
    assert_eq!(m.vendor.as_deref(), Some("Microsoft Corporation"));
    assert_eq!(m.model.as_deref(), Some("Surface Go 2"));
    assert_eq!(m.serial.as_deref(), Some("48368130c2f8"));
    assert_eq!(
        m.uuid.as_deref(),
        Some("0E985DE7-DA00-4662-A18C-A957308C3AD7")
    );
    assert_eq!(m.sku.as_deref(), Some("Surface_Go_2_1926"));
    assert_eq!(m.board_serial.as_deref(), Some("002460202151"));
    assert_eq!(m.chassis_type.as_deref(), Some("Laptop"));
    assert_eq!(m.chassis_serial.as_deref(), Some("bb4b0be3-56a6"));
    assert_eq!(m.asset_tag, None, "<BAD INDEX>");
    assert_eq!(m.bios_version.as_deref(), Some("1.0.05"));
    assert_eq!(m.bios_date.as_deref(), Some("02/07/2020"));
    assert_eq!(d.first(0).map(|s| s.handle.as_str()), Some("0x0000"));
}

#[test]
fn intel_s3000_board_with_empty_system_fields() {
    let d = fixture("S3000AHLX");
    let m = d.machine();
    assert_eq!(m.vendor, None);
    assert_eq!(m.serial, None);
    assert_eq!(
        m.uuid.as_deref(),
        Some("D7AFF990-4871-11DB-A6C6-0007E994F7C3")
    );
    assert_eq!(m.board_vendor.as_deref(), Some("Intel Corporation"));
    assert_eq!(m.board_model.as_deref(), Some("S3000AHLX"));
    assert_eq!(m.board_serial.as_deref(), Some("AZAX63801455"));
    let cpus = d.processors();
    assert_eq!(cpus[0].name, "Intel(R) Core(TM)2 CPU 6600 @ 2.40GHz");
    assert_eq!(cpus[0].speed_mhz, Some(2400));
    assert_eq!(cpus[0].external_clock_mhz, Some(266));
    let sizes: Vec<u64> = d
        .memory_modules()
        .iter()
        .map(|m| m.size_bytes >> 20)
        .collect();
    assert_eq!(sizes.iter().sum::<u64>(), 4096);
    assert_eq!(sizes.len(), 3);
}

#[test]
fn two_different_cpus_windows_2008() {
    let d = fixture("windows-2008-with-2-different-cpus");
    let cpus = d.processors();
    assert_eq!(cpus.len(), 2);
    assert_eq!(cpus[0].name, "Intel(R) Xeon(R) CPU E5504 @ 2.00GHz");
    assert_eq!(cpus[1].name, "Intel(R) Xeon(R) CPU E5506 @ 2.13GHz");
    assert_eq!(cpus[0].speed_mhz, Some(2000));
    assert_eq!(cpus[1].speed_mhz, Some(2130));
    assert_eq!(cpus[1].external_clock_mhz, Some(532));
    assert_eq!((cpus[1].cores, cpus[1].threads), (Some(4), Some(4)));
}

#[test]
fn rhel_2_1_old_layout() {
    let d = fixture("rhel-2.1");
    let bios = d.first(0).expect("type 0 on its own line");
    assert_eq!(bios.title, "BIOS Information Block");
    let m = d.machine();
    assert_eq!(m.vendor.as_deref(), Some("IBM"));
    assert_eq!(m.model.as_deref(), Some("-[84803AX]-"));
    assert_eq!(m.serial.as_deref(), Some("KBKGW40"));
    assert_eq!(m.bios_version.as_deref(), Some("-[JPE130AUS-1.30]-"));
    assert_eq!(m.bios_date.as_deref(), Some("12/11/2002"));
}

#[test]
fn memory_jedec_codes_and_space_indent() {
    let d = fixture("memory/hynix-kingmax");
    let mods = d.memory_modules();
    assert_eq!(mods.len(), 2);
    assert_eq!(mods[0].vendor.as_deref(), Some("SK Hynix"));
    assert_eq!(mods[0].part_number.as_deref(), Some("HMAA1GS6CJR6N-XN"));
    assert_eq!(mods[0].serial.as_deref(), Some("25477B84"));
    assert_eq!(mods[0].speed_mts, Some(3200));
    assert_eq!(mods[0].size_bytes, 8 << 30);
    assert_eq!(mods[0].kind.as_deref(), Some("DDR4"));
    assert_eq!(mods[1].vendor.as_deref(), Some("Kingmax"));
    assert_eq!(mods[1].slot.as_deref(), Some("DIMM B"));
}

#[test]
fn memory_empty_slot_is_skipped_positivo() {
    let d = fixture("memory/positivo-informatica");
    let mods = d.memory_modules();
    assert_eq!(mods.len(), 1);
    assert_eq!(mods[0].slot.as_deref(), Some("ChannelB-DIMM0"));
    assert_eq!(mods[0].size_bytes, 8 << 30);
    assert_eq!(
        mods[0].vendor.as_deref(),
        Some("0416"),
        "unknown code kept as is"
    );
    assert_eq!(mods[0].part_number.as_deref(), Some("P48808GSHCRN-VK"));
    assert_eq!(mods[0].serial.as_deref(), Some("0000065D"));
}

#[test]
fn batteries_dell_xps_and_sbds_fields() {
    let b = fixture("batteries/win10-dell-xps").batteries();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].name, "DELL JHXPY53");
    assert_eq!(b[0].manufacturer.as_deref(), Some("SMP"));
    assert_eq!(b[0].serial.as_deref(), Some("0A75"));
    assert_eq!(b[0].chemistry.as_deref(), Some("Lithium Polymer"));
    assert_eq!(b[0].design_capacity_mwh, Some(57530));
    assert_eq!(b[0].voltage_mv, Some(7600));
    assert_eq!(b[0].manufacture_date, NaiveDate::from_ymd_opt(2017, 9, 15));

    let b = fixture("batteries/windows-10-notebook").batteries();
    assert_eq!(b.len(), 2);
    assert_eq!(b[1].name, "01AV406");
    assert_eq!(b[1].serial.as_deref(), Some("0CF7"));
    assert_eq!(b[1].design_capacity_mwh, Some(26060));
    assert_eq!(b[1].voltage_mv, Some(11460));
    assert_eq!(b[1].manufacture_date, NaiveDate::from_ymd_opt(2018, 6, 2));
}

#[test]
fn placeholders_and_codes() {
    assert_eq!(clean("  To Be Filled By O.E.M. "), None);
    assert_eq!(clean("Default string"), None);
    assert_eq!(clean("Dell Inc. "), Some("Dell Inc.".into()));
    assert_eq!(clean_serial("0"), None);
    assert_eq!(clean_serial("00000000"), None);
    assert_eq!(clean_serial("System Serial Number"), None);
    assert_eq!(clean_serial("0A75"), Some("0A75".into()));
    assert_eq!(clean_uuid("03000200-0400-0500-0006-000700080009"), None);
    assert_eq!(clean_uuid("00000000-0000-0000-0000-000000000000"), None);
    assert_eq!(chassis_type_name(10), Some("Notebook"));
    assert_eq!(chassis_type_name(0x83), Some("Desktop"), "lock bit masked");
    assert_eq!(chassis_type_name(0x23), Some("Mini PC"));
    assert_eq!(jedec_manufacturer("80CE000080CE"), Some("Samsung"));
    assert_eq!(jedec_manufacturer("802C"), Some("Micron"));
    assert_eq!(jedec_manufacturer("CE00000000000000"), Some("Samsung"));
    assert_eq!(jedec_manufacturer("7F7F7F0B00000000"), Some("Nanya"));
    assert_eq!(jedec_manufacturer("Samsung"), None);
    assert!(parse("").structures.is_empty());
}
