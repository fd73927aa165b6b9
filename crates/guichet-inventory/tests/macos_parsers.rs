//! macOS `system_profiler` parsers against real recorded outputs (glpi-agent's resources,
//! vendored under `third-party/`), checked against the expected results shipped with them.

use std::collections::BTreeMap;

use guichet_inventory::parse::macos::system_profiler as sp;

const ROOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../third-party/glpi-agent-fixtures/resources/macos/system_profiler"
);

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{name}")).expect("vendored fixture")
}

/// GLPI Agent's expected results (`$results = [ { 'KEY' => 'value', … }, … ]`), one map per
/// entry. Values are Perl literals: quoted strings (with `\x{2019}` escapes) or bare numbers.
fn expected(name: &str) -> Vec<BTreeMap<String, String>> {
    let mut out = Vec::new();
    let mut cur: Option<BTreeMap<String, String>> = None;
    for line in read(name).lines() {
        let t = line.trim();
        if t == "{" {
            cur = Some(BTreeMap::new());
        } else if t.starts_with('}') {
            out.extend(cur.take());
        } else if let (Some(map), Some((k, v))) = (cur.as_mut(), t.split_once(" => ")) {
            let k = k.trim_matches('\'').to_string();
            let v = v.trim_end_matches(',');
            let v = if let Some(q) = v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
                q.replace("\\'", "'")
            } else if let Some(q) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                perl_unescape(q)
            } else {
                v.to_string()
            };
            map.insert(k, v);
        }
    }
    out
}

fn perl_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("\\x{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 3..];
        let end = after.find('}').unwrap();
        out.push(char::from_u32(u32::from_str_radix(&after[..end], 16).unwrap()).unwrap());
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out.replace("\\@", "@")
        .replace("\\$", "$")
        .replace("\\\"", "\"")
}

/// Every application GLPI Agent reports has exactly one parsed application with the same name
/// (GLPI Agent's `_0`/`_1` renames of duplicates included), version, publisher, architecture
/// and category, and nothing else is parsed: every mismatch is listed.
fn check_against_expected(apps: &[guichet_inventory::Software], exp: &[BTreeMap<String, String>]) {
    let parsed: BTreeMap<&str, &guichet_inventory::Software> =
        apps.iter().map(|a| (a.name.as_str(), a)).collect();
    assert_eq!(parsed.len(), apps.len(), "every parsed name is unique");
    assert_eq!(apps.len(), exp.len(), "as many applications as GLPI Agent");
    let mut wrong = Vec::new();
    for e in exp {
        let name = e["NAME"].as_str();
        let Some(a) = parsed.get(name) else {
            wrong.push(format!("{name}: not parsed"));
            continue;
        };
        let field = |k: &str| e.get(k).map(String::as_str).filter(|v| *v != "undef");
        let pairs = [
            ("VERSION", a.version.as_deref()),
            ("PUBLISHER", a.publisher.as_deref()),
            ("ARCH", a.arch.as_deref()),
            ("SYSTEM_CATEGORY", a.category.as_deref()),
        ];
        for (k, got) in pairs {
            if field(k) != got {
                wrong.push(format!("{name}: {k} {:?}, parsed {got:?}", field(k)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} mismatches:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn applications_text_match_glpi_expected_results() {
    let t = sp::parse_text(&read("sample1.SPApplicationsDataType"));
    let apps = sp::applications_text(&t, true);
    assert_eq!(apps.len(), 349);
    check_against_expected(
        &apps,
        &expected("sample1.SPApplicationsDataType.results.txt"),
    );
    let term = apps.iter().find(|a| a.name == "Terminal").unwrap();
    assert_eq!(term.arch.as_deref(), Some("Intel"));
    assert_eq!(term.version.as_deref(), Some("2.1.2"));
    assert_eq!(term.publisher.as_deref(), Some("Apple"));
    assert_eq!(
        term.folder.as_deref(),
        Some("/Applications/Utilities/Terminal.app")
    );
    assert_eq!(term.category.as_deref(), Some("Applications/Utilities"));
    // "Last Modified: 04/09/11 22:43" on a French (day-first) system.
    assert_eq!(
        term.install_date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2011-09-04T22:43:00+00:00")
    );
    assert_eq!(term.source, "system_profiler");
}

/// Samples 2 to 4, recorded on other Macs (older and newer `system_profiler`, with `Obtained
/// from` and `Signed by`), compared the same way.
#[test]
fn applications_of_every_text_sample_match_glpi_expected_results() {
    for (n, count) in [(2, 407), (3, 317), (4, 367)] {
        let t = sp::parse_text(&read(&format!("sample{n}.SPApplicationsDataType")));
        let apps = sp::applications_text(&t, true);
        assert_eq!(apps.len(), count, "sample{n}");
        check_against_expected(
            &apps,
            &expected(&format!("sample{n}.SPApplicationsDataType.results.txt")),
        );
    }
}

#[test]
fn applications_xml_match_glpi_expected_results() {
    let xml = sp::parse_xml(read("sample5.SPApplicationsDataType-xml").as_bytes()).unwrap();
    assert_eq!(xml.len(), 1);
    assert_eq!(xml[0].0, "SPApplicationsDataType");
    let apps = sp::applications_xml(&xml[0].1);
    assert_eq!(apps.len(), 367);
    check_against_expected(
        &apps,
        &expected("sample5.SPApplicationsDataType-xml.results.txt"),
    );
    let safari = apps.iter().find(|a| a.name == "Safari").unwrap();
    assert_eq!(safari.arch.as_deref(), Some("Universal"));
    assert_eq!(safari.version.as_deref(), Some("17.4.1"));
    assert_eq!(safari.publisher.as_deref(), Some("Apple"));
    assert_eq!(safari.folder.as_deref(), Some("/Applications/Safari.app"));
    assert_eq!(
        safari.install_date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-04-10T10:05:37+00:00")
    );
    let chrome = apps.iter().find(|a| a.name == "Google Chrome").unwrap();
    assert_eq!(chrome.publisher.as_deref(), Some("Google LLC"));
}

#[test]
fn hardware_software_intel_imac() {
    let t = sp::parse_text(&read("10.6-intel"));
    let m = sp::hardware_machine(&t).unwrap();
    assert_eq!(m.model.as_deref(), Some("iMac7,1"));
    assert_eq!(m.serial.as_deref(), Some("W8805BRDX89"));
    assert_eq!(
        m.uuid.as_deref(),
        Some("00000000-0000-1000-8000-001EC20C3627")
    );
    assert_eq!(m.bios_version.as_deref(), Some("IM71.007A.B03"));
    let c = sp::hardware_cpus(&t);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].name, "Intel Core 2 Duo");
    assert_eq!(c[0].cores, Some(2));
    assert_eq!(c[0].speed_mhz, Some(2400)); // "2,4 GHz"
    assert_eq!(c[0].external_clock_mhz, Some(800));
    assert_eq!(c[0].cache_kib, Some(4096));
    assert_eq!(sp::hardware_memory_bytes(&t), Some(2 << 30));
    let os = sp::software_os(&t).unwrap();
    assert_eq!(
        (os.name.as_str(), os.version.as_deref()),
        ("Mac OS X", Some("10.6.4"))
    );
    assert_eq!(os.full_name, "Mac OS X 10.6.4 (10F569)");
    assert_eq!(
        (os.kernel_name.as_str(), os.kernel_version.as_deref()),
        ("Darwin", Some("10.4.0"))
    );
    let mem = sp::memory_modules(&t);
    assert_eq!(mem.len(), 2);
    assert_eq!(mem[0].slot.as_deref(), Some("BANK 0/DIMM0"));
    assert_eq!(mem[0].size_bytes, 1 << 30);
    assert_eq!(mem[0].kind.as_deref(), Some("DDR2 SDRAM"));
    assert_eq!(mem[0].speed_mts, Some(667));
    assert_eq!(mem[0].part_number.as_deref(), Some("8HTF12864HDY-667E1"));
    assert_eq!(mem[0].serial.as_deref(), Some("0xD5289015"));
    assert_eq!(mem[1].vendor, None); // 0x0000000000000000
    let (gpus, mons) = sp::displays(&t);
    assert_eq!(gpus.len(), 1);
    assert_eq!(gpus[0].vendor_id.as_deref(), Some("1002"));
    assert_eq!(gpus[0].device_id.as_deref(), Some("9583"));
    assert_eq!(gpus[0].name.as_deref(), Some("ATI,RadeonHD2600"));
    assert_eq!(mons.len(), 1); // the empty "Display Connector" is not a monitor
    assert_eq!(mons[0].name.as_deref(), Some("iMac"));
    let net = sp::network(&t);
    let en0 = net.iter().find(|n| n.name == "en0").unwrap();
    assert_eq!(en0.mac.as_deref(), Some("00:1e:c2:0c:36:27"));
    assert_eq!(en0.ipv4[0].address, "10.0.1.101");
    assert_eq!(en0.ipv4[0].prefix_len, 24);
    assert_eq!(en0.gateway.as_deref(), Some("10.0.1.1"));
    assert_eq!(en0.dhcp, Some(true));
    assert_eq!(net.iter().find(|n| n.name == "en1").unwrap().kind, "wifi");
    assert!(sp::power_battery(&t).is_none());
}

#[test]
fn hardware_apple_silicon() {
    let t = sp::parse_text(&read("11.0-apple-M1"));
    let m = sp::hardware_machine(&t).unwrap();
    assert_eq!(m.model.as_deref(), Some("MacBookAir10,1"));
    assert_eq!(m.serial.as_deref(), Some("E9O1Q6W5FAKE"));
    assert_eq!(m.bios_version.as_deref(), Some("6723.81.1"));
    let c = sp::hardware_cpus(&t);
    assert_eq!(c[0].name, "Apple M1");
    assert_eq!(c[0].arch.as_deref(), Some("aarch64"));
    assert_eq!(c[0].cores, Some(8)); // "8 (4 performance and 4 efficiency)"
    assert_eq!(sp::hardware_memory_bytes(&t), Some(16 << 30));
    let os = sp::software_os(&t).unwrap();
    assert_eq!(
        (os.name.as_str(), os.version.as_deref()),
        ("macOS", Some("11.2.3"))
    );
    assert_eq!(os.kernel_version.as_deref(), Some("20.3.0"));
    let b = sp::power_battery(&t).unwrap();
    assert_eq!(b.name, "bq20z451");
    assert_eq!(b.charge_percent, Some(100));
    assert_eq!(b.status.as_deref(), Some("Full"));
    let (gpus, mons) = sp::displays(&t);
    assert_eq!(gpus[0].vendor_id.as_deref(), Some("106b"));
    assert_eq!(mons[0].name.as_deref(), Some("Color LCD"));
    assert_eq!(mons[0].port.as_deref(), Some("Internal"));
}

#[test]
fn powerpc_two_packages_and_sata() {
    let t = sp::parse_text(&read("10.4-powerpc"));
    let c = sp::hardware_cpus(&t);
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].name, "PowerPC G5 (1.1)");
    assert_eq!(c[0].speed_mhz, Some(2300));
    let mem = sp::memory_modules(&t);
    assert_eq!(mem.len(), 2);
    assert_eq!(mem[1].slot.as_deref(), Some("DIMM1/J6800"));
    let d = sp::serial_ata_text(&t);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].name, "disk0");
    assert_eq!(d[0].model.as_deref(), Some("Maxtor 6B250S0"));
    assert_eq!(d[0].serial.as_deref(), Some("B623KFXH"));
    assert_eq!(d[0].size_bytes, 250_997_888_778);
    let (gpus, _) = sp::displays(&t);
    assert_eq!(gpus[0].slot, "SLOT-1");
    assert_eq!(gpus[0].device_id.as_deref(), Some("0141"));
}

#[test]
fn battery_while_charging() {
    let t = sp::parse_text(&read("charging-SPPowerDataType"));
    let b = sp::power_battery(&t).unwrap();
    assert_eq!(b.serial.as_deref(), Some("HD2J77"));
    assert_eq!(b.manufacturer.as_deref(), Some("SMP"));
    assert_eq!(b.status.as_deref(), Some("Charging"));
    assert_eq!(b.voltage_mv, Some(12997));
    // 4069 mAh × 12.997 V.
    assert_eq!(b.full_capacity_mwh, Some(52_884));
    // 3798 / 4069 mAh.
    assert_eq!(b.charge_percent, Some(93));
}

#[test]
fn usb_and_sata_xml() {
    let x = sp::parse_xml(read("SPUSBDataType.xml").as_bytes()).unwrap();
    let usb = sp::usb_xml(&x[0].1);
    assert_eq!(usb.len(), 8);
    let disk = usb
        .iter()
        .find(|u| u.name.as_deref() == Some("External USB 3.0"))
        .unwrap();
    assert_eq!(
        (disk.vendor_id.as_str(), disk.product_id.as_str()),
        ("0480", "a00c")
    );
    assert_eq!(disk.serial.as_deref(), Some("20150123045944"));
    let bt = usb
        .iter()
        .find(|u| u.name.as_deref() == Some("Bluetooth USB Host Controller"))
        .unwrap();
    assert_eq!(bt.vendor_id, "05ac"); // "apple_vendor_id"
    let x = sp::parse_xml(read("SPSerialATADataType.xml").as_bytes()).unwrap();
    let d = sp::serial_ata_xml(&x[0].1);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].model.as_deref(), Some("WDC WD2500AAJS-40VWA1"));
    assert_eq!(d[0].serial.as_deref(), Some("WD-WCARY1264478"));
    assert_eq!(d[0].size_bytes, 250_059_350_016);
    assert_eq!(d[0].rotational, Some(true));
}

/// A plist nested 300,000 levels deep overflowed the stack when its tree was dropped.
#[test]
fn a_deeply_nested_plist_is_refused_not_a_crash() {
    let nest = |n: usize| {
        format!(
            "<?xml version=\"1.0\"?><plist version=\"1.0\">{}{}</plist>",
            "<array>".repeat(n),
            "</array>".repeat(n)
        )
    };
    let err = sp::parse_xml(nest(300_000).as_bytes()).unwrap_err();
    assert!(err.to_string().contains("levels deep"), "{err}");
    assert!(sp::parse_xml(nest(sp::MAX_PLIST_DEPTH).as_bytes()).is_ok());
}
