//! Importing inventories written by other agents: GLPI JSON round trips through our own export,
//! a real FusionInventory XML file, native JSON, and refusals of files that are none of these.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

use chrono::{DateTime, TimeZone, Utc};
use guichet_inventory::import::{import_file, ImportFormat};
use guichet_inventory::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A laptop with every key field the site register uses.
fn laptop() -> Inventory {
    let mut inv = Inventory::new(t("2026-03-02T08:30:00Z"), "0.1.0");
    inv.os = Some(OperatingSystem {
        kernel_name: "Linux".into(),
        kernel_version: Some("6.1.0-18-amd64".into()),
        name: "Debian GNU/Linux".into(),
        version: Some("12".into()),
        full_name: "Debian GNU/Linux 12 (bookworm)".into(),
        arch: "x86_64".into(),
        hostname: "pc-accueil".into(),
        fqdn: Some("pc-accueil.site.example".into()),
        dns_domain: Some("site.example".into()),
        boot_time: Some(t("2026-03-02T06:00:00Z")),
        timezone: Some("Europe/Paris".into()),
        timezone_offset: Some("+0100".into()),
        ..Default::default()
    });
    inv.machine = Some(Machine {
        vendor: Some("Dell Inc.".into()),
        model: Some("Latitude 7420".into()),
        serial: Some("7XK2Q53".into()),
        uuid: Some("4c4c4544-0058-4b10-8032-b7c04f513533".into()),
        chassis_type: Some("Notebook".into()),
        bios_vendor: Some("Dell Inc.".into()),
        bios_version: Some("1.30.0".into()),
        bios_date: Some("2023-09-12".into()),
        ..Default::default()
    });
    inv.cpus = vec![Cpu {
        name: "11th Gen Intel(R) Core(TM) i7-1185G7 @ 3.00GHz".into(),
        vendor: Some("Intel".into()),
        arch: Some("x86_64".into()),
        cores: Some(4),
        threads: Some(8),
        speed_mhz: Some(3000),
        ..Default::default()
    }];
    inv.memory = Some(Memory {
        total_bytes: 16 * 1024 * 1024 * 1024,
        swap_total_bytes: 2 * 1024 * 1024 * 1024,
        modules: vec![MemoryModule {
            slot: Some("DIMM A".into()),
            size_bytes: 16 * 1024 * 1024 * 1024,
            kind: Some("DDR4".into()),
            serial: Some("12345678".into()),
            ..Default::default()
        }],
        ..Default::default()
    });
    inv.storage = vec![StorageDevice {
        name: "nvme0n1".into(),
        model: Some("PM9A1".into()),
        serial: Some("S6XXNX0R".into()),
        size_bytes: 512_110_190_592,
        kind: "disk".into(),
        ..Default::default()
    }];
    inv.network = vec![NetworkInterface {
        name: "wlp0s20f3".into(),
        mac: Some("a4:b1:c1:00:11:22".into()),
        ipv4: vec![IpAddress {
            address: "192.168.10.23".into(),
            prefix_len: 24,
            mask: "255.255.255.0".into(),
            subnet: "192.168.10.0".into(),
        }],
        status: "up".into(),
        kind: "wifi".into(),
        ..Default::default()
    }];
    inv.software = vec![
        Software {
            name: "firefox-esr".into(),
            version: Some("115.8.0esr-1~deb12u1".into()),
            arch: Some("amd64".into()),
            source: "dpkg".into(),
            ..Default::default()
        },
        Software {
            name: "libreoffice-writer".into(),
            version: Some("4:7.4.7-1+deb12u1".into()),
            source: "dpkg".into(),
            ..Default::default()
        },
    ];
    inv.virtualization = Some(Virtualization {
        role: "physical".into(),
        ..Default::default()
    });
    inv
}

#[test]
fn glpi_export_then_import_keeps_the_key_fields() {
    let inv = laptop();
    let doc = to_glpi(
        &inv,
        &GlpiOptions {
            deviceid: "pc-accueil-2025-01-06-09-00-00".into(),
        },
    );
    let bytes = serde_json::to_vec(&doc).unwrap();
    let back = import_file(&bytes, t("2026-03-02T08:31:00Z")).unwrap();
    assert_eq!(back.format, ImportFormat::Glpi);
    assert_eq!(
        back.deviceid.as_deref(),
        Some("pc-accueil-2025-01-06-09-00-00")
    );
    let b = back.inventory;
    // GLPI has no collection time: the caller's fallback is used.
    assert_eq!(b.collected_at, t("2026-03-02T08:31:00Z"));
    let (os, bos) = (inv.os.as_ref().unwrap(), b.os.as_ref().unwrap());
    assert_eq!(bos.hostname, os.hostname);
    assert_eq!(bos.name, os.name);
    assert_eq!(bos.version, os.version);
    assert_eq!(bos.full_name, os.full_name);
    assert_eq!(bos.kernel_version, os.kernel_version);
    assert_eq!(bos.arch, os.arch);
    assert_eq!(bos.timezone_offset.as_deref(), Some("+0100"));
    // Local time on the wire, back to the same UTC instant.
    assert_eq!(bos.boot_time, os.boot_time);
    assert_eq!(b.machine, inv.machine);
    assert_eq!(
        b.memory.as_ref().unwrap().total_bytes,
        16 * 1024 * 1024 * 1024
    );
    assert_eq!(
        b.memory.as_ref().unwrap().modules[0].serial.as_deref(),
        Some("12345678")
    );
    assert_eq!(b.cpus, inv.cpus);
    assert_eq!(b.storage[0].serial, inv.storage[0].serial);
    // Decimal MB on the wire: the size comes back to the MB.
    assert_eq!(b.storage[0].size_bytes, 512_110_000_000);
    assert_eq!(b.network[0].mac, inv.network[0].mac);
    assert_eq!(b.network[0].ipv4, inv.network[0].ipv4);
    let names: Vec<(&str, Option<&str>, &str)> = b
        .software
        .iter()
        .map(|s| (s.name.as_str(), s.version.as_deref(), s.source.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("firefox-esr", Some("115.8.0esr-1~deb12u1"), "dpkg"),
            ("libreoffice-writer", Some("4:7.4.7-1+deb12u1"), "dpkg"),
        ]
    );
    assert_eq!(b.virtualization.as_ref().unwrap().role, "physical");
    // And exporting the import again gives the same GLPI document.
    let again = to_glpi(
        &b,
        &GlpiOptions {
            deviceid: "pc-accueil-2025-01-06-09-00-00".into(),
        },
    );
    assert_eq!(again["content"]["bios"], doc["content"]["bios"]);
    assert_eq!(again["content"]["hardware"], doc["content"]["hardware"]);
    assert_eq!(again["content"]["softwares"], doc["content"]["softwares"]);
    assert_eq!(
        again["content"]["operatingsystem"],
        doc["content"]["operatingsystem"]
    );
}

#[test]
fn native_json_is_detected_by_shape() {
    let inv = laptop();
    let bytes = serde_json::to_vec_pretty(&inv).unwrap();
    let back = import_file(&bytes, Utc.timestamp_opt(0, 0).unwrap()).unwrap();
    assert_eq!(back.format, ImportFormat::Native);
    assert_eq!(back.deviceid, None);
    assert_eq!(back.inventory, inv);
}

#[test]
fn a_real_fusioninventory_file_maps_to_the_model() {
    let bytes = std::fs::read(format!("{FIXTURES}/fusioninventory-debian12-vm.xml")).unwrap();
    let back = import_file(&bytes, Utc.timestamp_opt(0, 0).unwrap()).unwrap();
    assert_eq!(back.format, ImportFormat::OcsXml);
    assert_eq!(back.deviceid.as_deref(), Some("vm-2026-11-23-12-32-25"));
    let inv = back.inventory;
    // ACCESSLOG/LOGDATE is the collection time (the zone is +0000 in that file).
    assert_eq!(inv.collected_at, t("2026-11-23T12:32:25Z"));
    assert_eq!(inv.agent_version, "FusionInventory-Inventory_v2.6-3");
    let os = inv.os.as_ref().unwrap();
    assert_eq!(os.hostname, "vm");
    assert_eq!(os.full_name, "Debian GNU/Linux 12 (bookworm)");
    assert_eq!(os.version.as_deref(), Some("12.11"));
    assert_eq!(os.kernel_version.as_deref(), Some("6.18.44-fc-v669"));
    assert_eq!(
        inv.memory.as_ref().unwrap().total_bytes,
        24105 * 1024 * 1024
    );
    assert_eq!(inv.software.len(), 1194);
    let bash = inv.software.iter().find(|s| s.name == "bash").unwrap();
    assert_eq!(bash.version.as_deref(), Some("5.2.15-2+b8"));
    assert_eq!(bash.source, "dpkg");
    assert_eq!(bash.size_bytes, Some(7_335_936));
    let eth0 = inv.network.iter().find(|n| n.name == "eth0").unwrap();
    assert_eq!(eth0.mac.as_deref(), Some("02:fc:00:00:00:01"));
    assert_eq!(eth0.ipv4.len(), 1);
    assert_eq!(eth0.ipv4[0].prefix_len, 24);
    assert_eq!(eth0.ipv6.len(), 2);
    // FusionInventory writes -1 for an unknown speed.
    assert_eq!(eth0.speed_mbps, None);
    assert_eq!(inv.controllers.len(), 6);
    assert_eq!(inv.cpus[0].name, "AMD EPYC");
    assert_eq!(inv.cpus[0].cores, Some(2));
    assert_eq!(inv.volumes[0].mount_point, "/");
    assert_eq!(inv.volumes[0].total_bytes, 258_019 * 1024 * 1024);
    assert_eq!(inv.storage[0].serial.as_deref(), Some("overlayblk"));
    // The empty <SSN/> is no serial.
    assert_eq!(inv.machine.as_ref().and_then(|m| m.serial.clone()), None);
    assert_eq!(
        inv.virtualization.as_ref().unwrap().container.as_deref(),
        Some("docker")
    );
    // The import exports to a schema-valid GLPI document shape (spot check of the fields).
    let glpi = to_glpi(
        &inv,
        &GlpiOptions {
            deviceid: "vm-2026-11-23-12-32-25".into(),
        },
    );
    assert_eq!(glpi["content"]["hardware"]["name"], "vm");
}

#[test]
fn files_that_are_no_inventory_are_refused_with_a_reason() {
    let epoch = Utc.timestamp_opt(0, 0).unwrap();
    let cases: [(&[u8], &str); 5] = [
        (b"hello", "unrecognised"),
        (b"{\"a\": 1}", "neither"),
        (b"{\"content\": ", "malformed JSON"),
        (
            b"<REQUEST><CONTENT><HARDWARE><NAME>x</NAME>",
            "never closed",
        ),
        (
            b"{\"format_version\": 1, \"collected_at\": \"yesterday\"}",
            "native",
        ),
    ];
    for (bytes, needle) in cases {
        let err = import_file(bytes, epoch).unwrap_err().to_string();
        assert!(err.contains(needle), "{needle}: {err}");
    }
}
