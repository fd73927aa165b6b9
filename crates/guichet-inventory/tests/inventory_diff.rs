//! The inventory diff: software upgrades and downgrades, hardware and OS changes, stable order,
//! and categories that failed or were not collected never read as removals.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

use chrono::{DateTime, Utc};
use guichet_inventory::*;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn pkg(name: &str, version: &str, arch: Option<&str>, source: &str) -> Software {
    Software {
        name: name.into(),
        version: Some(version.into()),
        arch: arch.map(Into::into),
        source: source.into(),
        ..Default::default()
    }
}

fn change(
    category: Category,
    kind: ChangeKind,
    item: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Change {
    Change {
        category,
        kind,
        item: item.into(),
        before: before.map(Into::into),
        after: after.map(Into::into),
    }
}

fn base() -> Inventory {
    let mut inv = Inventory::new(t("2024-05-01T10:00:00Z"), "0.1.0");
    inv.categories = Category::ALL.to_vec();
    inv.os = Some(OperatingSystem {
        kernel_name: "Linux".into(),
        kernel_version: Some("6.1.0-18-amd64".into()),
        name: "Debian GNU/Linux".into(),
        version: Some("12".into()),
        hostname: "h".into(),
        ..Default::default()
    });
    inv.machine = Some(Machine {
        serial: Some("SN1".into()),
        bios_version: Some("1.4.3".into()),
        ..Default::default()
    });
    inv.cpus = vec![Cpu {
        name: "Intel(R) Core(TM) i5-6200U".into(),
        cores: Some(2),
        threads: Some(4),
        ..Default::default()
    }];
    inv.memory = Some(Memory {
        total_bytes: 8 << 30,
        modules: vec![MemoryModule {
            slot: Some("DIMM A".into()),
            size_bytes: 8 << 30,
            kind: Some("DDR4".into()),
            ..Default::default()
        }],
        ..Default::default()
    });
    inv.storage = vec![
        StorageDevice {
            name: "sda".into(),
            serial: Some("S29NNXAH146409".into()),
            size_bytes: 256_060_514_304,
            firmware: Some("BXV77D0Q".into()),
            kind: "disk".into(),
            ..Default::default()
        },
        StorageDevice {
            name: "sr0".into(),
            kind: "cdrom".into(),
            ..Default::default()
        },
    ];
    inv.volumes = vec![Volume {
        mount_point: "/".into(),
        fs_type: "ext4".into(),
        total_bytes: 100 << 30,
        free_bytes: 50 << 30,
        ..Default::default()
    }];
    inv.network = vec![NetworkInterface {
        name: "eth0".into(),
        mac: Some("00:11:22:33:44:55".into()),
        ipv4: vec![IpAddress {
            address: "192.168.1.10".into(),
            prefix_len: 24,
            mask: "255.255.255.0".into(),
            subnet: "192.168.1.0".into(),
        }],
        status: "up".into(),
        kind: "ethernet".into(),
        ..Default::default()
    }];
    inv.software = vec![
        pkg("firefox-esr", "115.6.0esr-1~deb12u1", Some("amd64"), "dpkg"),
        pkg("libc6", "2.36-9+deb12u4", Some("amd64"), "dpkg"),
        pkg("libc6", "2.36-9+deb12u4", Some("i386"), "dpkg"),
        pkg("vim", "2:9.0.1378-2", Some("amd64"), "dpkg"),
        pkg("org.gimp.GIMP", "2.10.36", None, "flatpak"),
        pkg("kernel-core", "6.5.1", Some("x86_64"), "rpm"),
        pkg("kernel-core", "6.6.2", Some("x86_64"), "rpm"),
    ];
    inv
}

#[test]
fn identical_inventories_have_no_change() {
    let d = diff(&base(), &base());
    assert!(d.is_empty());
    assert!(d.summary().is_empty());
}

#[test]
fn software_added_removed_upgraded_downgraded() {
    let old = base();
    let mut new = base();
    new.collected_at = t("2024-06-01T10:00:00Z");
    new.software = vec![
        // Upgraded, with the Debian `~` rule (esr-1~deb12u1 < esr-1).
        pkg("firefox-esr", "115.6.0esr-1", Some("amd64"), "dpkg"),
        pkg("libc6", "2.36-9+deb12u4", Some("amd64"), "dpkg"),
        // libc6:i386 removed.
        // Downgraded despite a smaller upstream: the epoch went down.
        pkg("vim", "1:9.1.0-1", Some("amd64"), "dpkg"),
        pkg("org.gimp.GIMP", "2.10.36", None, "flatpak"),
        pkg("htop", "3.2.2-2", Some("amd64"), "dpkg"),
        // Kernel 6.5.1 gone, 6.7.0 installed beside 6.6.2.
        pkg("kernel-core", "6.6.2", Some("x86_64"), "rpm"),
        pkg("kernel-core", "6.7.0", Some("x86_64"), "rpm"),
    ];
    let d = diff(&old, &new);
    assert_eq!(d.old_taken_at, t("2024-05-01T10:00:00Z"));
    assert_eq!(d.new_taken_at, t("2024-06-01T10:00:00Z"));
    use Category::Software as S;
    assert_eq!(
        d.changes,
        vec![
            change(
                S,
                ChangeKind::Upgraded,
                "firefox-esr (amd64, dpkg)",
                Some("115.6.0esr-1~deb12u1"),
                Some("115.6.0esr-1")
            ),
            change(
                S,
                ChangeKind::Added,
                "htop (amd64, dpkg)",
                None,
                Some("3.2.2-2")
            ),
            change(
                S,
                ChangeKind::Added,
                "kernel-core (x86_64, rpm)",
                None,
                Some("6.7.0")
            ),
            change(
                S,
                ChangeKind::Removed,
                "kernel-core (x86_64, rpm)",
                Some("6.5.1"),
                None
            ),
            change(
                S,
                ChangeKind::Removed,
                "libc6 (i386, dpkg)",
                Some("2.36-9+deb12u4"),
                None
            ),
            change(
                S,
                ChangeKind::Downgraded,
                "vim (amd64, dpkg)",
                Some("2:9.0.1378-2"),
                Some("1:9.1.0-1")
            ),
        ]
    );
    let summary = d.summary();
    assert_eq!(summary[&ChangeKind::Added], 2);
    assert_eq!(summary[&ChangeKind::Removed], 2);
    assert_eq!(summary[&ChangeKind::Upgraded], 1);
    assert_eq!(summary[&ChangeKind::Downgraded], 1);
    assert_eq!(summary.get(&ChangeKind::Changed), None);
    assert_eq!(d.count(ChangeKind::Added), 2);
}

#[test]
fn hardware_and_os_changes() {
    let old = base();
    let mut new = base();
    {
        let os = new.os.as_mut().unwrap();
        os.kernel_version = Some("6.1.0-21-amd64".into());
        os.version = Some("13".into());
        let m = new.machine.as_mut().unwrap();
        m.serial = Some("SN2".into());
        m.bios_version = Some("1.2.0".into());
        new.cpus[0].name = "Intel(R) Core(TM) i7-8650U".into();
        let mem = new.memory.as_mut().unwrap();
        mem.total_bytes = 16 << 30;
        mem.modules.push(MemoryModule {
            slot: Some("DIMM B".into()),
            size_bytes: 8 << 30,
            kind: Some("DDR4".into()),
            ..Default::default()
        });
        new.storage[0].size_bytes = 512_110_190_592;
        new.storage[0].firmware = Some("BXV78D0Q".into());
        new.storage.push(StorageDevice {
            name: "sdb".into(),
            serial: Some("WD-123".into()),
            kind: "disk".into(),
            ..Default::default()
        });
        new.network[0].mac = Some("00:11:22:33:44:66".into());
        new.network[0].ipv4[0].address = "192.168.1.11".into();
        new.network.push(NetworkInterface {
            name: "wlan0".into(),
            ..Default::default()
        });
        new.volumes.clear();
    }
    let d = diff(&old, &new);
    use ChangeKind::*;
    let expected = vec![
        change(Category::Os, Upgraded, "OS version", Some("12"), Some("13")),
        change(
            Category::Os,
            Upgraded,
            "kernel",
            Some("6.1.0-18-amd64"),
            Some("6.1.0-21-amd64"),
        ),
        change(
            Category::Machine,
            Downgraded,
            "BIOS version",
            Some("1.4.3"),
            Some("1.2.0"),
        ),
        change(
            Category::Machine,
            Changed,
            "machine serial",
            Some("SN1"),
            Some("SN2"),
        ),
        change(
            Category::Cpus,
            Changed,
            "processors",
            Some("Intel(R) Core(TM) i5-6200U (2 cores, 4 threads)"),
            Some("Intel(R) Core(TM) i7-8650U (2 cores, 4 threads)"),
        ),
        change(
            Category::Memory,
            Added,
            "memory module DIMM B",
            None,
            Some("8192 MiB DDR4"),
        ),
        change(
            Category::Memory,
            Changed,
            "memory total",
            Some("8192 MiB"),
            Some("16384 MiB"),
        ),
        change(
            Category::Storage,
            Upgraded,
            "disk S29NNXAH146409 firmware",
            Some("BXV77D0Q"),
            Some("BXV78D0Q"),
        ),
        change(
            Category::Storage,
            Changed,
            "disk S29NNXAH146409 size",
            Some("256060514304 bytes"),
            Some("512110190592 bytes"),
        ),
        change(Category::Storage, Added, "disk WD-123", None, None),
        change(Category::Volumes, Removed, "volume /", None, None),
        change(
            Category::Network,
            Changed,
            "interface eth0 MAC",
            Some("00:11:22:33:44:55"),
            Some("00:11:22:33:44:66"),
        ),
        change(
            Category::Network,
            Changed,
            "interface eth0 addresses",
            Some("192.168.1.10/24"),
            Some("192.168.1.11/24"),
        ),
        change(Category::Network, Added, "interface wlan0", None, None),
    ];
    assert_eq!(d.changes, expected);
    assert_eq!(d.count(Changed), 6);
    assert_eq!(d.count(Upgraded), 3);
    assert_eq!(d.count(Downgraded), 1);
}

#[test]
fn small_memory_total_drift_between_kernels_is_not_a_change() {
    let old = base();
    let mut new = base();
    new.memory.as_mut().unwrap().total_bytes -= 5 << 20;
    assert!(diff(&old, &new).is_empty());
}

#[test]
fn failed_or_uncollected_category_is_not_a_removal() {
    let old = base();
    let mut new = base();
    new.software.clear();
    new.errors.push(CollectError {
        category: Category::Software,
        source: None,
        kind: CollectErrorKind::TimedOut,
        message: "deadline".into(),
    });
    assert!(diff(&old, &new).is_empty());

    // Only the failed source is skipped.
    let mut new = base();
    new.software.retain(|s| s.source != "flatpak");
    new.software.retain(|s| s.name != "vim");
    new.errors.push(CollectError {
        category: Category::Software,
        source: Some("flatpak".into()),
        kind: CollectErrorKind::Failed,
        message: "exit 1".into(),
    });
    let d = diff(&old, &new);
    assert_eq!(d.changes.len(), 1);
    assert_eq!(d.changes[0].item, "vim (amd64, dpkg)");

    // Not collected this time (partial run).
    let mut new = base();
    new.categories = vec![Category::Os];
    new.storage.clear();
    assert!(diff(&old, &new).is_empty());
}

#[test]
fn order_does_not_depend_on_collector_order_and_serde_round_trips() {
    let old = base();
    let mut new = base();
    new.software.reverse();
    new.software.push(pkg("a", "1", None, "snap"));
    new.software.push(pkg("b", "1", None, "snap"));
    let mut new2 = new.clone();
    new2.software.reverse();
    let d = diff(&old, &new);
    assert_eq!(d, diff(&old, &new2));
    let json = serde_json::to_string(&d).unwrap();
    assert!(json.contains("\"kind\":\"added\""), "{json}");
    assert!(json.contains("\"category\":\"software\""), "{json}");
    let back: InventoryDiff = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d);
}
