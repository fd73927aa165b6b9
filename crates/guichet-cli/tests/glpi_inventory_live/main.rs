//! This machine's inventory as a real GLPI shows it (10.0.10 and 11.0.6), compared with what
//! the machine's own tools say: one computer however many times it is sent and after the data
//! directory is re-created, its operating system, processor, memory, disks, volumes, network
//! ports and every dpkg package; and partial inventories that add and remove a package lose
//! nothing. One test per GLPI version, each with its own server (see `glpi_live`).

// A scenario reads in order, step after step: the house limit on function length is for the
// code under test.
#![allow(clippy::too_many_lines)]

mod glpi;
#[path = "../glpi_live/mod.rs"]
mod glpi_live;
mod machine;

use std::collections::BTreeSet;
use std::path::Path;

use glpi_live::{connect, glpi as server_of, guichet, json, ok, Account};
use guichet_testkit::{GlpiServer, GlpiVersion};
use serde_json::Value;

#[test]
fn glpi10_holds_this_machine_as_its_own_tools_describe_it() {
    let Some(server) = server_of(GlpiVersion::V10) else {
        return;
    };
    inventory_as_glpi_shows_it(server);
}

#[test]
fn glpi11_holds_this_machine_as_its_own_tools_describe_it() {
    let Some(server) = server_of(GlpiVersion::V11) else {
        return;
    };
    inventory_as_glpi_shows_it(server);
}

/// `connect` as `account`, then a longer request timeout than the shared helper's 10 s: GLPI
/// imports an inventory of some 1,200 packages before it answers, which takes longer than that
/// on a loaded machine.
fn connect_for_inventories(server: &GlpiServer, d: &Path, url: &str) -> glpi_live::Secrets {
    let secrets = connect(server, d, url, Account::AdminToken);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = guichet_store::Store::open(d).await.unwrap();
        let mut cfg = guichet_sync::config::ConnectorConfig::load(&store)
            .await
            .unwrap()
            .expect("connected");
        cfg.timeout_secs = 120;
        cfg.save(&store, chrono::Utc::now()).await.unwrap();
    });
    secrets
}

/// The inventories this data directory sent, newest first (`sync --status --json`).
fn inventories(server: &GlpiServer, d: &Path) -> Vec<Value> {
    let st = json(server, guichet(d, &["sync", "--status", "--json"], ""));
    st["glpi"]["inventories"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The GLPI device id of this data directory's last inventory.
fn deviceid(server: &GlpiServer, d: &Path) -> String {
    let inv = inventories(server, d);
    inv[0]["deviceid"]
        .as_str()
        .unwrap_or_else(|| panic!("no device id in {inv:?}"))
        .to_owned()
}

fn inventory_as_glpi_shows_it(server: &'static GlpiServer) {
    let url = server.url().to_owned();
    let first = tempfile::tempdir().unwrap();
    let d = first.path();
    let _secrets = connect_for_inventories(server, d, &url);

    // Three runs: the scheduled agent's first (a full inventory), a person's, a full again.
    let run = ok(server, guichet(d, &["agent", "run"], ""));
    let sent = inventories(server, d);
    assert_eq!(
        sent.first().map(|s| &s["mode"]),
        Some(&Value::from("full")),
        "the first inventory is a full one: {sent:?}\nagent run: {run}\n{}",
        server.log_tail(10)
    );
    ok(server, guichet(d, &["sync", "--with-inventory"], ""));
    ok(server, guichet(d, &["sync", "--full-inventory"], ""));
    let computers = glpi::computers(server);
    assert_eq!(
        computers.len(),
        1,
        "one computer after three runs: {computers:?}"
    );
    let (id, name, serial, uuid) = computers[0].clone();
    let device = deviceid(server, d);
    assert_eq!(glpi::computer_of_agent(server, &device), Some(id));
    eprintln!(
        "GLPI {}: computer {id} ({name}), agent {device}",
        server.version().release()
    );

    // Identity: what GLPI's import rules match on.
    assert_eq!(name, machine::hostname());
    let (dmi_serial, dmi_uuid) = machine::dmi();
    assert_eq!(serial, dmi_serial.unwrap_or_default(), "serial");
    assert_eq!(
        uuid.to_lowercase(),
        dmi_uuid.unwrap_or_default().to_lowercase(),
        "uuid"
    );

    compare_hardware(server, id);
    compare_network(server, id);
    compare_software(server, id, &machine::packages());

    partial_inventories_lose_nothing(server, d, id);

    // A new data directory (a reinstalled Guichet): a new device id, the same computer.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = tempfile::tempdir().unwrap();
    let d2 = second.path();
    let _secrets2 = connect_for_inventories(server, d2, &url);
    ok(server, guichet(d2, &["sync", "--with-inventory"], ""));
    let device2 = deviceid(server, d2);
    assert_ne!(device2, device, "a new data directory has a new device id");
    let computers = glpi::computers(server);
    assert_eq!(computers.len(), 1, "still one computer: {computers:?}");
    assert_eq!(computers[0].0, id, "the same computer");
    assert_eq!(glpi::computer_of_agent(server, &device2), Some(id));
    eprintln!(
        "GLPI {}: new data directory, agent {device2}, still computer {id}",
        server.version().release()
    );
    compare_software(server, id, &machine::packages());
}

fn compare_hardware(server: &GlpiServer, id: i64) {
    let (os, version, kernel, arch) = glpi::operating_system(server, id);
    let (pretty, version_id) = machine::os_release();
    let (uname_r, uname_m) = machine::kernel_and_arch();
    assert_eq!(
        (os.as_str(), version.as_str()),
        (pretty.as_str(), version_id.as_str())
    );
    assert_eq!(
        (kernel.as_str(), arch.as_str()),
        (uname_r.as_str(), uname_m.as_str())
    );

    let cpu = machine::cpu();
    let processors = glpi::processors(server, id);
    assert_eq!(
        processors.len() as u32,
        cpu.sockets,
        "one processor per socket: {processors:?}"
    );
    for (designation, mhz, cores, threads) in &processors {
        assert_eq!(designation, &cpu.model);
        assert_eq!(*cores, cpu.cores / cpu.sockets, "cores: {cpu:?}");
        assert_eq!(*threads, cpu.threads / cpu.sockets, "threads: {cpu:?}");
        assert!(
            (f64::from(*mhz) - cpu.mhz).abs() <= 1.0,
            "{mhz} MHz, {cpu:?}"
        );
    }

    // Memory modules come from DMI only, as GLPI Agent sends them: a machine without SMBIOS
    // tables has none, and GLPI stores none (it keeps no total from `hardware.memory`).
    let modules = glpi::memory_mib(server, id);
    if machine::dmi() == (None, None) {
        assert_eq!(modules, 0, "no memory module without DMI");
    }

    let drives = glpi::hard_drives(server, id);
    let disks = machine::disks();
    assert_eq!(
        drives.keys().collect::<Vec<_>>(),
        disks.keys().collect::<Vec<_>>(),
        "hard drives"
    );
    for (name, bytes) in &disks {
        assert_eq!(drives[name], bytes / 1_000_000, "{name}: capacity in MB");
    }

    let glpi_volumes = glpi::volumes(server, id);
    let volumes = machine::volumes();
    assert_eq!(
        glpi_volumes.keys().collect::<Vec<_>>(),
        volumes.keys().collect::<Vec<_>>(),
        "volumes"
    );
    for (mount, v) in &volumes {
        let (device, fs, total, free) = &glpi_volumes[mount];
        assert_eq!((device, fs), (&v.device, &v.fstype), "{mount}");
        assert_eq!(*total, v.total_mib, "{mount}: total MiB");
        // Free space moves while the machine works: within 2 % of the size.
        let slack = v.total_mib / 50;
        assert!(
            free.abs_diff(v.free_mib) <= slack,
            "{mount}: free {free} vs {v:?}"
        );
    }
    eprintln!(
        "GLPI {}: {os} {version}, kernel {kernel} {arch}; processors {processors:?}; \
         memory modules {modules} MiB; hard drives {drives:?}; volumes {glpi_volumes:?}",
        server.version().release()
    );
}

fn compare_network(server: &GlpiServer, id: i64) {
    let ports = glpi::network_ports(server, id);
    let interfaces = machine::interfaces();
    assert_eq!(
        ports.keys().collect::<Vec<_>>(),
        interfaces.keys().collect::<Vec<_>>(),
        "network ports"
    );
    for (name, i) in &interfaces {
        let (mac, addresses) = &ports[name];
        assert_eq!(mac, &i.mac, "{name}: MAC");
        assert_eq!(addresses, &i.addresses, "{name}: addresses");
    }
    eprintln!(
        "GLPI {}: network ports {ports:?}",
        server.version().release()
    );
}

/// GLPI lists the operating system among the software, as GLPI Agent's inventories show it.
fn compare_software(server: &GlpiServer, id: i64, packages: &BTreeSet<(String, String, String)>) {
    let (os, version, _, arch) = glpi::operating_system(server, id);
    let mut software = glpi::software(server, id);
    assert!(
        software.remove(&(os, version, arch)),
        "the OS among the software"
    );
    let missing: Vec<_> = packages.difference(&software).collect();
    let extra: Vec<_> = software.difference(packages).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "GLPI lacks {missing:?}, has more: {extra:?}"
    );
    assert_eq!(software.len(), packages.len());
    eprintln!(
        "GLPI {}: {} software on computer {id} (dpkg's {} and the OS), as expected",
        server.version().release(),
        software.len() + 1,
        packages.len()
    );
}

/// A package removed and another added (a snapshot written through the store, as a changed
/// machine would give): the partial inventory carries it, GLPI's list follows; a real
/// inventory again, then a full one, and GLPI's list is dpkg's, nothing lost.
fn partial_inventories_lose_nothing(server: &GlpiServer, d: &Path, id: i64) {
    let real = machine::packages();
    assert_eq!(real.len(), machine::package_count(), "dpkg-query -W");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (removed, added) = runtime.block_on(async {
        let store = guichet_store::Store::open(d).await.unwrap();
        let (meta, mut inv) = store
            .snapshot(&guichet_store::SnapshotRef::Latest(0))
            .await
            .unwrap();
        let gone = inv.software.pop().expect("software in the inventory");
        let extra = guichet_inventory::Software {
            name: "guichet-live-test-package".into(),
            version: Some("1.0-1".into()),
            arch: Some("all".into()),
            source: "dpkg".into(),
            ..Default::default()
        };
        inv.software.push(extra.clone());
        let now = chrono::Utc::now();
        let snap = store
            .save_snapshot(&inv, &meta.deviceid, uuid::Uuid::new_v4())
            .await
            .unwrap();
        store
            .queue_inventory_push(uuid::Uuid::new_v4(), snap.uuid, now)
            .await
            .unwrap();
        (gone, extra)
    });
    ok(server, guichet(d, &["sync"], ""));
    assert_eq!(inventories(server, d)[0]["mode"], "partial");
    let as_row = |s: &guichet_inventory::Software| {
        (
            s.name.clone(),
            s.version.clone().unwrap_or_default(),
            s.arch.clone().unwrap_or_default(),
        )
    };
    let mut changed = real.clone();
    assert!(
        changed.remove(&as_row(&removed)),
        "{removed:?} is a dpkg package"
    );
    changed.insert(as_row(&added));
    compare_software(server, id, &changed);

    ok(server, guichet(d, &["sync", "--with-inventory"], ""));
    assert_eq!(inventories(server, d)[0]["mode"], "partial");
    compare_software(server, id, &real);
    ok(server, guichet(d, &["sync", "--full-inventory"], ""));
    assert_eq!(inventories(server, d)[0]["mode"], "full");
    compare_software(server, id, &real);
}
