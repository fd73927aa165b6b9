//! The GLPI export validated against GLPI's own JSON schema (vendored, draft-07), plus checks of
//! the mapped values and their units.
//!
//! Two validators: the upstream schema as is, and a strict copy where every object refuses
//! properties the schema does not declare, so a misspelt field name fails too.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use guichet_inventory::*;
use serde_json::{json, Value};

const FORMAT_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../third-party/glpi-inventory-format"
);

fn schema() -> Value {
    let text = std::fs::read_to_string(format!("{FORMAT_DIR}/inventory.schema.json"))
        .expect("vendored GLPI schema");
    serde_json::from_str(&text).expect("schema is JSON")
}

/// Adds `additionalProperties: false` to every object schema that lists its properties.
fn make_strict(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for v in map.values_mut() {
                make_strict(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(make_strict),
        _ => {}
    }
}

fn errors(schema: &Value, doc: &Value) -> Vec<String> {
    let validator = jsonschema::draft7::new(schema).expect("schema compiles");
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

/// Valid against both the upstream schema and its strict copy.
fn assert_valid(doc: &Value) {
    let upstream = schema();
    let errs = errors(&upstream, doc);
    assert!(errs.is_empty(), "schema errors: {errs:#?}\n{doc:#}");
    let mut strict = upstream;
    make_strict(&mut strict);
    let errs = errors(&strict, doc);
    assert!(errs.is_empty(), "undeclared fields: {errs:#?}\n{doc:#}");
}

/// No null anywhere and no empty string anywhere.
fn assert_no_null_or_empty(v: &Value, path: &str) {
    match v {
        Value::Null => panic!("null at {path}"),
        Value::String(s) => assert!(!s.is_empty(), "empty string at {path}"),
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                assert_no_null_or_empty(x, &format!("{path}/{i}"));
            }
        }
        Value::Object(map) => {
            for (k, x) in map {
                assert_no_null_or_empty(x, &format!("{path}/{k}"));
            }
        }
        _ => {}
    }
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("test date")
        .with_timezone(&Utc)
}

fn opts() -> GlpiOptions {
    GlpiOptions {
        deviceid: "host-2024-05-01-10-00-00".into(),
    }
}

fn ip(address: &str, prefix_len: u8, mask: &str, subnet: &str) -> IpAddress {
    IpAddress {
        address: address.into(),
        prefix_len,
        mask: mask.into(),
        subnet: subnet.into(),
    }
}

/// Every field of every record filled, with awkward values.
fn maximal() -> Inventory {
    let mut inv = Inventory::new(t("2024-05-01T10:00:00Z"), "0.1.0");
    inv.categories = Category::ALL.to_vec();
    inv.duration_ms = 42;
    inv.os = Some(OperatingSystem {
        kernel_name: "Linux".into(),
        kernel_version: Some("6.1.0-18-amd64".into()),
        name: "Debian GNU/Linux".into(),
        version: Some("12".into()),
        full_name: "Debian GNU/Linux 12 (bookworm)".into(),
        arch: "x86_64".into(),
        hostname: "poste-été".into(),
        fqdn: Some("poste-été.exemple.fr".into()),
        dns_domain: Some("exemple.fr".into()),
        boot_time: Some(t("2024-04-30T23:30:00Z")),
        install_date: Some(t("2023-06-10T12:00:00Z")),
        timezone: Some("Europe/Paris".into()),
        timezone_offset: Some("+0200".into()),
        service_pack: Some("SP1".into()),
        machine_id: Some("0123456789abcdef0123456789abcdef".into()),
    });
    inv.machine = Some(Machine {
        vendor: Some("Dell Inc.".into()),
        model: Some("Latitude 7420".into()),
        serial: Some("640HP72".into()),
        uuid: Some("4c4c4544-0034-3010-8048-b6c04f503732".into()),
        sku: Some("0A6E".into()),
        chassis_type: Some("Notebook".into()),
        chassis_serial: Some("CHS-1".into()),
        asset_tag: Some("ASSET-42".into()),
        board_vendor: Some("Dell Inc.".into()),
        board_model: Some("07TYC2".into()),
        board_serial: Some("/640HP72/CN1295/".into()),
        bios_vendor: Some("Dell Inc.".into()),
        bios_version: Some("1.4.3".into()),
        bios_date: Some("02/06/2016".into()),
        secure_boot: Some(true),
    });
    inv.cpus = vec![Cpu {
        name: "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz".into(),
        vendor: Some("Intel".into()),
        arch: Some("x86_64".into()),
        family: Some(6),
        model: Some(142),
        stepping: Some(10),
        cores: Some(4),
        threads: Some(8),
        speed_mhz: Some(4200),
        external_clock_mhz: Some(100),
        cache_kib: Some(8192),
        id: Some("EA 06 08 00 FF FB EB BF".into()),
    }];
    inv.memory = Some(Memory {
        total_bytes: 16 * 1024 * 1024 * 1024 - 300 * 1024 * 1024,
        available_bytes: Some(8 << 30),
        swap_total_bytes: 976 * 1024 * 1024 + 1023,
        swap_free_bytes: Some(1 << 20),
        slots: Some(2),
        modules: vec![
            MemoryModule {
                slot: Some("DIMM A".into()),
                size_bytes: 8 << 30,
                kind: Some("DDR4".into()),
                form_factor: Some("SODIMM".into()),
                speed_mts: Some(2400),
                vendor: Some("Samsung".into()),
                part_number: Some("M471A1K43CB1-CRC".into()),
                serial: Some("12161217".into()),
            },
            MemoryModule {
                slot: Some("DIMM B".into()),
                size_bytes: 8 << 30,
                ..Default::default()
            },
        ],
    });
    inv.storage = vec![
        StorageDevice {
            name: "nvme0n1".into(),
            model: Some("PM951 NVMe SAMSUNG 256GB".into()),
            vendor: Some("Samsung".into()),
            serial: Some("S29NNXAH146409".into()),
            firmware: Some("BXV77D0Q".into()),
            size_bytes: 256_060_514_304,
            rotational: Some(false),
            removable: false,
            interface: Some("NVMe".into()),
            kind: "disk".into(),
            wwn: Some("eui.0025388b71b2c1a3".into()),
        },
        StorageDevice {
            name: "sdz".into(),
            // 20 PB: bigger than any u32.
            size_bytes: 20_000_000_000_000_000,
            kind: "disk".into(),
            ..Default::default()
        },
    ];
    inv.volumes = vec![Volume {
        mount_point: "/home/données, \"partagées\"".into(),
        device: Some("/dev/mapper/vg-home".into()),
        fs_type: "ext4".into(),
        total_bytes: 500 << 30,
        free_bytes: (100 << 30) + 12345,
        label: Some("maison".into()),
        uuid: Some("e2d02a40-829a-44ce-b863-cf765ac2c9eb".into()),
        encryption: Some("LUKS".into()),
    }];
    inv.network = vec![
        NetworkInterface {
            name: "lo".into(),
            kind: "loopback".into(),
            status: "unknown".into(),
            virtual_device: true,
            ipv4: vec![ip("127.0.0.1", 8, "255.0.0.0", "127.0.0.0")],
            ..Default::default()
        },
        NetworkInterface {
            name: "enp0s31f6".into(),
            description: Some("Intel Corporation Ethernet Connection (4) I219-LM".into()),
            mac: Some("b8:6b:23:e0:5c:81".into()),
            ipv4: vec![
                ip("192.168.1.142", 24, "255.255.255.0", "192.168.1.0"),
                ip("10.0.0.5", 8, "255.0.0.0", "10.0.0.0"),
            ],
            ipv6: vec![ip(
                "2001:db8:85a3::8a2e:370:7334",
                64,
                "ffff:ffff:ffff:ffff::",
                "2001:db8:85a3::",
            )],
            gateway: Some("192.168.1.1".into()),
            dhcp: Some(true),
            dhcp_server: Some("192.168.1.1".into()),
            speed_mbps: Some(1000),
            mtu: Some(1500),
            status: "up".into(),
            kind: "ethernet".into(),
            virtual_device: false,
            driver: Some("e1000e".into()),
            pci_slot: Some("0000:00:1f.6".into()),
        },
        NetworkInterface {
            name: "wg0".into(),
            status: "down".into(),
            kind: "tunnel".into(),
            virtual_device: true,
            ..Default::default()
        },
    ];
    inv.gateways = vec!["fe80::1".into(), "192.168.1.1".into()];
    inv.dns_servers = vec!["192.168.1.1".into(), "2001:4860:4860::8888".into()];
    inv.controllers = vec![
        PciDevice {
            slot: "0000:00:1f.6".into(),
            class_name: Some("Ethernet controller".into()),
            class_id: Some("0200".into()),
            vendor: Some("Intel Corporation".into()),
            name: Some("Ethernet Connection (4) I219-LM".into()),
            vendor_id: Some("8086".into()),
            device_id: Some("15d7".into()),
            subsystem_id: Some("1028:0817".into()),
            revision: Some("21".into()),
            driver: Some("e1000e".into()),
            is_gpu: false,
        },
        PciDevice {
            slot: "0000:00:02.0".into(),
            class_name: Some("VGA compatible controller".into()),
            class_id: Some("0300".into()),
            vendor: Some("Intel Corporation".into()),
            name: Some("UHD Graphics 620".into()),
            vendor_id: Some("8086".into()),
            device_id: Some("5917".into()),
            subsystem_id: None,
            revision: Some("07".into()),
            driver: Some("i915".into()),
            is_gpu: true,
        },
    ];
    inv.usb = vec![UsbDevice {
        vendor_id: "046d".into(),
        product_id: "c52b".into(),
        manufacturer: Some("Logitech".into()),
        name: Some("USB Receiver 🖱".into()),
        serial: Some("ABC123".into()),
        class: Some("00".into()),
        subclass: Some("00".into()),
        bus_path: Some("1-2.3".into()),
    }];
    inv.monitors = vec![Monitor {
        name: Some("DELL U2415".into()),
        manufacturer: Some("Dell Inc.".into()),
        serial: Some("7MT0167B2YNL".into()),
        port: Some("card0-DP-1".into()),
        year: Some(2015),
        week: Some(32),
        edid_base64: Some("AP///////wAQrA==".into()),
    }];
    inv.batteries = vec![Battery {
        name: "DELL RWT1R43".into(),
        manufacturer: Some("SMP".into()),
        serial: Some("34605".into()),
        chemistry: Some("Li-ion".into()),
        design_capacity_mwh: Some(57_570),
        full_capacity_mwh: Some(50_570),
        voltage_mv: Some(8_465),
        charge_percent: Some(87),
        status: Some("Discharging".into()),
        manufacture_date: NaiveDate::from_ymd_opt(2019, 7, 6),
    }];
    inv.users = vec![LocalUser {
        login: "jürgen".into(),
        id: "1000".into(),
        full_name: Some("Jürgen Müller,,,".into()),
        home: Some("/home/jürgen".into()),
        shell: Some("/bin/bash".into()),
        human: true,
    }];
    inv.groups = vec![
        LocalGroup {
            name: "sudo".into(),
            id: "27".into(),
            members: vec!["jürgen".into(), "admin".into()],
        },
        LocalGroup {
            name: "nogroup".into(),
            id: "65534".into(),
            members: vec![],
        },
    ];
    inv.software = vec![
        Software {
            name: "firefox-esr".into(),
            version: Some("115.7.0esr-1~deb12u1".into()),
            arch: Some("amd64".into()),
            publisher: Some("Mozilla, \"Debian\" <pkg@d.o>".into()),
            install_date: Some(t("2024-01-31T23:15:00Z")),
            size_bytes: Some(u64::MAX),
            source: "dpkg".into(),
            summary: Some("Mozilla Firefox web browser\nExtended Support Release".into()),
            category: Some("web".into()),
            url: Some("https://www.mozilla.org/".into()),
            guid: Some("{641105E6-77ED-3F35-A304-765193BCB75F}".into()),
            uninstall_string: Some("\"C:\\Program Files\\x\\uninst.exe\" /S".into()),
            folder: Some("/usr/lib/firefox-esr".into()),
        },
        Software {
            name: "   ".into(),
            source: "dpkg".into(),
            ..Default::default()
        },
    ];
    inv.security = vec![
        SecurityProduct {
            kind: SecurityKind::Antivirus,
            name: "ClamAV".into(),
            publisher: Some("Cisco".into()),
            version: Some("1.0.5".into()),
            enabled: Some(true),
            up_to_date: Some(false),
            signature_version: Some("27230".into()),
        },
        SecurityProduct {
            kind: SecurityKind::Firewall,
            name: "ufw".into(),
            enabled: Some(false),
            ..Default::default()
        },
        SecurityProduct {
            kind: SecurityKind::Firewall,
            name: "nftables".into(),
            ..Default::default()
        },
    ];
    inv.virtualization = Some(Virtualization {
        role: "vm".into(),
        hypervisor: Some("kvm".into()),
        container: None,
    });
    inv.errors = vec![CollectError {
        category: Category::Batteries,
        source: None,
        kind: CollectErrorKind::Unavailable,
        message: "none".into(),
    }];
    inv
}

/// A Windows machine as the Windows collectors describe it.
fn windows_like() -> Inventory {
    let mut inv = Inventory::new(t("2024-05-01T10:00:00Z"), "0.1.0");
    inv.os = Some(OperatingSystem {
        kernel_name: "Windows".into(),
        kernel_version: Some("10.0.19045".into()),
        name: "Microsoft Windows 10 Pro".into(),
        version: Some("22H2".into()),
        full_name: "Microsoft Windows 10 Pro".into(),
        arch: "AMD64".into(),
        hostname: "PC-COMPTA".into(),
        fqdn: Some("PC-COMPTA.corp.local".into()),
        dns_domain: Some("corp.local".into()),
        timezone: Some("Romance Standard Time".into()),
        timezone_offset: Some("-0300".into()),
        service_pack: None,
        ..Default::default()
    });
    inv.machine = Some(Machine {
        vendor: Some("LENOVO".into()),
        bios_date: Some("20230412000000.000000+000".into()),
        secure_boot: Some(false),
        ..Default::default()
    });
    inv.cpus = vec![Cpu {
        name: "AMD Ryzen 5 PRO 4650U with Radeon Graphics".into(),
        arch: Some("AMD64".into()),
        ..Default::default()
    }];
    inv.volumes = vec![Volume {
        mount_point: "C:".into(),
        device: Some("\\\\?\\Volume{0a1b}\\".into()),
        fs_type: "NTFS".into(),
        total_bytes: 255 << 30,
        free_bytes: 10 << 30,
        label: None,
        uuid: Some("5A3C-1E2F".into()),
        encryption: Some("BitLocker".into()),
    }];
    inv.network = vec![NetworkInterface {
        name: "Ethernet".into(),
        description: Some("Intel(R) Ethernet Connection (13) I219-V".into()),
        mac: Some("00:e0:4c:68:01:db".into()),
        ipv4: vec![ip("172.28.220.96", 24, "255.255.255.0", "172.28.220.0")],
        status: "Up".into(),
        kind: "ethernet".into(),
        ..Default::default()
    }];
    inv.software = vec![Software {
        name: "7-Zip 23.01 (x64)".into(),
        version: Some("23.01".into()),
        publisher: Some("Igor Pavlov".into()),
        install_date: Some(t("2024-02-01T02:00:00Z")),
        source: "registry".into(),
        guid: Some("7-Zip".into()),
        uninstall_string: Some("\"C:\\Program Files\\7-Zip\\Uninstall.exe\"".into()),
        folder: Some("C:\\Program Files\\7-Zip\\".into()),
        ..Default::default()
    }];
    inv.security = vec![SecurityProduct {
        kind: SecurityKind::Antivirus,
        name: "Windows Defender".into(),
        publisher: Some("Microsoft Corporation".into()),
        enabled: Some(true),
        up_to_date: Some(true),
        ..Default::default()
    }];
    inv.virtualization = Some(Virtualization {
        role: "physical".into(),
        hypervisor: None,
        container: None,
    });
    inv
}

#[test]
fn upstream_examples_are_valid_validator_sanity_check() {
    let schema = schema();
    let dir = format!("{FORMAT_DIR}/examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("examples dir") {
        let path = entry.expect("entry").path();
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        let errs = errors(&schema, &doc);
        assert!(errs.is_empty(), "{}: {errs:#?}", path.display());
        seen += 1;
    }
    assert_eq!(seen, 4);
}

#[test]
fn invalid_documents_are_rejected() {
    let schema = schema();
    // Missing required deviceid.
    assert!(!errors(&schema, &json!({"content": {"versionclient": "x"}})).is_empty());
    // Memory must be an integer, network status lower case, IPv4 an IPv4, dates dated.
    for bad in [
        json!({"hardware": {"memory": "16 GB"}}),
        json!({"networks": [{"description": "eth0", "status": "Up"}]}),
        json!({"networks": [{"description": "eth0", "ipaddress": "2001:db8::1"}]}),
        json!({"bios": {"bdate": "02/06/2016"}}),
        json!({"softwares": [{"name": "x", "install_date": "31/01/2024"}]}),
        json!({"firewalls": [{"profile": "Public"}]}),
    ] {
        let mut content = bad.as_object().cloned().expect("object");
        content.insert("versionclient".into(), "x".into());
        let doc = json!({"deviceid": "d", "content": content});
        assert!(!errors(&schema, &doc).is_empty(), "accepted: {doc}");
    }
    // The strict copy rejects an undeclared field the upstream schema lets through.
    let typo =
        json!({"deviceid": "d", "content": {"versionclient": "x", "hardware": {"memroy": 1}}});
    assert!(errors(&schema, &typo).is_empty());
    let mut strict = schema;
    make_strict(&mut strict);
    assert!(!errors(&strict, &typo).is_empty());
}

#[test]
fn the_last_diagnosis_stays_in_guichet_s_own_document_not_in_glpi_s() {
    let mut inv = maximal();
    let without = to_glpi(&inv, &opts());
    inv.diagnosis = Some(guichet_records::Diagnosis {
        taken_at: t("2024-05-01T09:00:00Z"),
        elapsed_ms: 400,
        findings: vec![guichet_records::Finding {
            check: "security.firewall".into(),
            subject: None,
            status: guichet_records::CheckStatus::Problem,
            measured: Some(guichet_records::Sentence::new("ufw : inactif", "ufw: off")),
            threshold: None,
            sentence: guichet_records::Sentence::new("Pare-feu coupé.", "Firewall off."),
            fixes: vec![],
        }],
    });
    let doc = to_glpi(&inv, &opts());
    assert_valid(&doc);
    assert_eq!(doc, without, "GLPI's document keeps to its schema's fields");
    let native = serde_json::to_value(&inv).unwrap();
    assert_eq!(
        native["diagnosis"]["findings"][0]["check"],
        "security.firewall"
    );
    let back: Inventory = serde_json::from_value(native).unwrap();
    assert_eq!(back, inv);
    // Documents whose findings carry `measured` as one plain text (before it was worded in
    // both languages) still read, the text the same in both.
    let mut plain = serde_json::to_value(&inv).unwrap();
    plain["diagnosis"]["findings"][0]["measured"] = json!("ufw: off");
    let read = serde_json::from_value::<Inventory>(plain).unwrap();
    assert_eq!(
        read.diagnosis.unwrap().findings[0].measured,
        Some(guichet_records::Sentence::same("ufw: off"))
    );
    // Documents written before the field existed still read.
    let mut old = serde_json::to_value(maximal()).unwrap();
    assert!(old.get("diagnosis").is_none(), "absent when there is none");
    old.as_object_mut().unwrap().remove("diagnosis");
    assert_eq!(
        serde_json::from_value::<Inventory>(old).unwrap().diagnosis,
        None
    );
}

#[test]
fn empty_inventory_is_valid() {
    let inv = Inventory::new(t("2024-05-01T10:00:00Z"), "");
    let doc = to_glpi(&inv, &opts());
    assert_valid(&doc);
    assert_no_null_or_empty(&doc, "");
    assert_eq!(
        doc,
        json!({
            "action": "inventory",
            "deviceid": "host-2024-05-01-10-00-00",
            "itemtype": "Computer",
            "partial": false,
            "content": {"versionclient": "Guichet"}
        })
    );
}

#[test]
fn maximal_inventory_is_valid_and_mapped_with_glpi_units() {
    let inv = maximal();
    let doc = to_glpi(
        &inv,
        &GlpiOptions {
            deviceid: GlpiOptions::deviceid_for(&inv),
        },
    );
    assert_valid(&doc);
    assert_no_null_or_empty(&doc, "");
    assert_eq!(doc["deviceid"], "poste-été-2024-05-01-10-00-00");
    assert_eq!(
        doc["partial"], false,
        "a full document; the GLPI client makes partial ones"
    );
    let c = &doc["content"];
    assert_eq!(c["versionclient"], "Guichet-0.1.0");

    // Local times at +0200: boot at 23:30 UTC is 01:30 the next day.
    let os = &c["operatingsystem"];
    assert_eq!(os["boot_time"], "2024-05-01 01:30:00");
    assert_eq!(os["install_date"], "2023-06-10 14:00:00");
    assert_eq!(
        os["timezone"],
        json!({"name": "Europe/Paris", "offset": "+0200"})
    );
    assert_eq!(os["kernel_version"], "6.1.0-18-amd64");
    assert_eq!(os["service_pack"], "SP1");

    let hw = &c["hardware"];
    assert_eq!(hw["name"], "poste-été");
    assert_eq!(hw["memory"], 16 * 1024 - 300, "MiB");
    assert_eq!(hw["swap"], 976, "MiB, rounded down");
    assert_eq!(hw["dns"], "192.168.1.1/2001:4860:4860::8888");
    assert_eq!(
        hw["defaultgateway"], "192.168.1.1",
        "IPv4 gateway preferred"
    );
    assert_eq!(hw["vmsystem"], "KVM");
    assert_eq!(hw["workgroup"], "exemple.fr");
    assert_eq!(hw["uuid"], "4c4c4544-0034-3010-8048-b6c04f503732");
    assert_eq!(hw["chassis_type"], "Notebook");

    let bios = &c["bios"];
    assert_eq!(bios["bdate"], "2016-02-06");
    assert_eq!(bios["secure_boot"], "enabled");
    assert_eq!(bios["ssn"], "640HP72");
    assert_eq!(bios["msn"], "/640HP72/CN1295/");
    assert_eq!(bios["enclosureserial"], "CHS-1");
    assert_eq!(bios["skunumber"], "0A6E");
    assert_eq!(bios["assettag"], "ASSET-42");

    let cpu = &c["cpus"][0];
    assert_eq!(cpu["speed"], 4200);
    assert_eq!(cpu["core"], 4);
    assert_eq!(cpu["thread"], 8);
    assert_eq!(cpu["familynumber"], "6");
    assert_eq!(cpu["model"], "142");
    assert_eq!(cpu["stepping"], 10);
    assert_eq!(cpu["cache"], "8192");
    assert_eq!(cpu["external_clock"], 100);

    let mems = c["memories"].as_array().expect("memories");
    assert_eq!(mems.len(), 2);
    assert_eq!(mems[0]["capacity"], 8192, "MiB");
    assert_eq!(mems[0]["speed"], "2400");
    assert_eq!(mems[0]["caption"], "DIMM A");
    assert_eq!(mems[0]["numslots"], 1);
    assert_eq!(mems[1]["numslots"], 2);
    assert_eq!(mems[1].get("serialnumber"), None);

    let disks = c["storages"].as_array().expect("storages");
    assert_eq!(disks[0]["disksize"], 256_060, "decimal MB like GLPI Agent");
    assert_eq!(disks[0]["interface"], "NVMe");
    assert_eq!(disks[0]["firmware"], "BXV77D0Q");
    assert_eq!(disks[1]["disksize"], 20_000_000_000u64);

    let drive = &c["drives"][0];
    assert_eq!(drive["type"], "/home/données, \"partagées\"");
    assert_eq!(drive["volumn"], "/dev/mapper/vg-home");
    assert_eq!(drive["total"], 500 * 1024);
    assert_eq!(drive["free"], 100 * 1024);
    assert_eq!(drive["encrypt_name"], "LUKS");
    assert_eq!(drive["encrypt_status"], "Yes");
    assert_eq!(drive.get("letter"), None);

    // lo skipped; enp0s31f6: 2 IPv4 + 1 IPv6 entries; wg0: one entry without address or type.
    let nets = c["networks"].as_array().expect("networks");
    assert_eq!(nets.len(), 4, "{nets:#?}");
    assert!(nets.iter().all(|n| n["description"] != "lo"));
    assert_eq!(nets[0]["ipaddress"], "192.168.1.142");
    assert_eq!(nets[0]["ipmask"], "255.255.255.0");
    assert_eq!(nets[0]["ipsubnet"], "192.168.1.0");
    assert_eq!(nets[0]["ipgateway"], "192.168.1.1");
    assert_eq!(nets[0]["ipdhcp"], "192.168.1.1");
    assert_eq!(nets[0]["speed"], "1000");
    assert_eq!(nets[0]["status"], "up");
    assert_eq!(nets[0]["pciid"], "8086:15d7:1028:0817");
    assert_eq!(nets[0]["virtualdev"], false);
    assert_eq!(nets[1]["ipaddress"], "10.0.0.5");
    assert_eq!(nets[2]["ipaddress6"], "2001:db8:85a3::8a2e:370:7334");
    assert_eq!(nets[2]["ipmask6"], "ffff:ffff:ffff:ffff::");
    assert_eq!(nets[2].get("ipaddress"), None);
    assert_eq!(nets[3]["description"], "wg0");
    assert_eq!(nets[3]["status"], "down");
    assert_eq!(nets[3].get("type"), None, "tunnel is not a GLPI type");

    assert_eq!(c["controllers"].as_array().map(Vec::len), Some(2));
    assert_eq!(c["controllers"][0]["pciclass"], "0200");
    assert_eq!(
        c["videos"],
        json!([{"name": "UHD Graphics 620", "pcislot": "0000:00:02.0"}])
    );
    assert_eq!(c["usbdevices"][0]["name"], "USB Receiver 🖱");
    assert_eq!(c["monitors"][0]["description"], "32/2015");
    assert_eq!(c["monitors"][0]["base64"], "AP///////wAQrA==");
    let bat = &c["batteries"][0];
    assert_eq!(bat["capacity"], 57_570);
    assert_eq!(bat["real_capacity"], 50_570);
    assert_eq!(bat["voltage"], 8_465);
    assert_eq!(bat["date"], "2019-07-06");
    assert_eq!(c["local_users"][0]["name"], "Jürgen Müller,,,");
    assert_eq!(
        c["local_groups"][1],
        json!({"id": "65534", "name": "nogroup"})
    );

    let softs = c["softwares"].as_array().expect("softwares");
    assert_eq!(softs.len(), 1, "the blank-named package is dropped");
    let s = &softs[0];
    assert_eq!(s["from"], "deb");
    assert_eq!(s["install_date"], "2024-02-01", "local day at +0200");
    assert_eq!(s["filesize"], u64::MAX);
    assert_eq!(
        s["comments"],
        "Mozilla Firefox web browser\nExtended Support Release"
    );
    assert_eq!(s["system_category"], "web");
    assert_eq!(s["url_info_about"], "https://www.mozilla.org/");

    assert_eq!(
        c["antivirus"],
        json!([{"name": "ClamAV", "company": "Cisco", "version": "1.0.5", "enabled": true,
                "uptodate": false, "base_version": "27230"}])
    );
    assert_eq!(
        c["firewalls"],
        json!([{"status": "off"}, {"status": "unknown"}])
    );
}

#[test]
fn windows_like_inventory_is_valid() {
    let inv = windows_like();
    let doc = to_glpi(&inv, &opts());
    assert_valid(&doc);
    assert_no_null_or_empty(&doc, "");
    let c = &doc["content"];
    let drive = &c["drives"][0];
    assert_eq!(drive["letter"], "C:");
    assert_eq!(drive.get("type"), None);
    assert_eq!(drive["encrypt_name"], "BitLocker");
    assert_eq!(drive["total"], 255 * 1024);
    assert_eq!(c["bios"]["bdate"], "2023-04-12");
    assert_eq!(c["bios"]["secure_boot"], "disabled");
    assert_eq!(c["cpus"][0]["arch"], "x86_64");
    assert_eq!(c["hardware"]["vmsystem"], "Physical");
    assert_eq!(
        c["networks"][0]["status"], "up",
        "lower-cased for the schema"
    );
    assert_eq!(
        c["networks"][0]["model"],
        "Intel(R) Ethernet Connection (13) I219-V"
    );
    // 02:00 UTC at -0300 is still the previous day locally.
    assert_eq!(c["softwares"][0]["install_date"], "2024-01-31");
    assert_eq!(c["softwares"][0]["from"], "registry");
    assert_eq!(
        c["operatingsystem"]["timezone"],
        json!({"name": "Romance Standard Time", "offset": "-0300"})
    );
}

#[test]
fn values_that_would_break_the_schema_are_left_out() {
    let mut inv = Inventory::new(Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(), "1");
    inv.machine = Some(Machine {
        bios_date: Some("Not a date".into()),
        serial: Some("   ".into()),
        ..Default::default()
    });
    inv.cpus = vec![Cpu {
        name: "RISC-V".into(),
        arch: Some("riscv64".into()),
        ..Default::default()
    }];
    inv.os = Some(OperatingSystem {
        timezone: Some("UTC".into()),
        timezone_offset: Some("UTC".into()),
        ..Default::default()
    });
    inv.network = vec![NetworkInterface {
        name: "eth0".into(),
        ipv4: vec![ip("not-an-ip", 24, "", "")],
        status: "weird".into(),
        kind: "other".into(),
        ..Default::default()
    }];
    let doc = to_glpi(&inv, &opts());
    assert_valid(&doc);
    assert_no_null_or_empty(&doc, "");
    let c = &doc["content"];
    assert_eq!(c.get("bios"), None);
    assert_eq!(c["cpus"][0].get("arch"), None);
    assert_eq!(c["operatingsystem"].get("timezone"), None);
    assert_eq!(
        c["networks"],
        json!([{"description": "eth0", "virtualdev": false}])
    );
}
