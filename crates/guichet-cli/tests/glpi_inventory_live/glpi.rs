//! What GLPI holds for a computer, read from its database (the tables behind the computer's
//! tabs: operating system, components, volumes, network ports, software).

use std::collections::{BTreeMap, BTreeSet};

use guichet_testkit::GlpiServer;

use crate::glpi_live::sql;

/// A SQL value as text; MariaDB's `NULL` as empty.
fn text(v: &str) -> String {
    if v == "NULL" {
        String::new()
    } else {
        v.to_owned()
    }
}

/// The computers GLPI has (not in the bin): (id, name, serial, uuid).
pub fn computers(server: &GlpiServer) -> Vec<(i64, String, String, String)> {
    sql(
        server,
        "SELECT id, name, serial, uuid FROM glpi_computers WHERE is_deleted = 0 ORDER BY id",
    )
    .into_iter()
    .map(|r| (r[0].parse().unwrap(), text(&r[1]), text(&r[2]), text(&r[3])))
    .collect()
}

/// The computer the agent with `deviceid` inventories, if GLPI linked one.
pub fn computer_of_agent(server: &GlpiServer, deviceid: &str) -> Option<i64> {
    sql(
        server,
        &format!(
            "SELECT items_id FROM glpi_agents WHERE deviceid = '{deviceid}' AND itemtype = 'Computer'"
        ),
    )
    .first()
    .map(|r| r[0].parse().unwrap())
}

/// (OS name, version, kernel version, architecture).
pub fn operating_system(server: &GlpiServer, id: i64) -> (String, String, String, String) {
    let rows = sql(
        server,
        &format!(
            "SELECT o.name, v.name, k.name, a.name FROM glpi_items_operatingsystems io \
             JOIN glpi_operatingsystems o ON o.id = io.operatingsystems_id \
             LEFT JOIN glpi_operatingsystemversions v ON v.id = io.operatingsystemversions_id \
             LEFT JOIN glpi_operatingsystemkernelversions k \
               ON k.id = io.operatingsystemkernelversions_id \
             LEFT JOIN glpi_operatingsystemarchitectures a \
               ON a.id = io.operatingsystemarchitectures_id \
             WHERE io.itemtype = 'Computer' AND io.items_id = {id}"
        ),
    );
    assert_eq!(rows.len(), 1, "one operating system: {rows:?}");
    let r = &rows[0];
    (text(&r[0]), text(&r[1]), text(&r[2]), text(&r[3]))
}

/// Processors: (designation, MHz, cores, threads).
pub fn processors(server: &GlpiServer, id: i64) -> Vec<(String, u32, u32, u32)> {
    sql(
        server,
        &format!(
            "SELECT d.designation, i.frequency, i.nbcores, i.nbthreads \
             FROM glpi_items_deviceprocessors i \
             JOIN glpi_deviceprocessors d ON d.id = i.deviceprocessors_id \
             WHERE i.itemtype = 'Computer' AND i.items_id = {id} AND i.is_deleted = 0"
        ),
    )
    .into_iter()
    .map(|r| {
        let n = |v: &str| v.parse().unwrap_or(0);
        (text(&r[0]), n(&r[1]), n(&r[2]), n(&r[3]))
    })
    .collect()
}

/// Memory modules' total size, MiB.
pub fn memory_mib(server: &GlpiServer, id: i64) -> u64 {
    sql(
        server,
        &format!(
            "SELECT COALESCE(SUM(size), 0) FROM glpi_items_devicememories \
             WHERE itemtype = 'Computer' AND items_id = {id} AND is_deleted = 0"
        ),
    )[0][0]
        .parse()
        .unwrap()
}

/// Hard drives: designation → capacity (MB, GLPI Agent's unit: 10⁶ bytes).
pub fn hard_drives(server: &GlpiServer, id: i64) -> BTreeMap<String, u64> {
    sql(
        server,
        &format!(
            "SELECT d.designation, i.capacity FROM glpi_items_deviceharddrives i \
             JOIN glpi_deviceharddrives d ON d.id = i.deviceharddrives_id \
             WHERE i.itemtype = 'Computer' AND i.items_id = {id} AND i.is_deleted = 0"
        ),
    )
    .into_iter()
    .map(|r| (text(&r[0]), r[1].parse().unwrap_or(0)))
    .collect()
}

/// Volumes: mount point → (device, file system, total MiB, free MiB).
pub fn volumes(server: &GlpiServer, id: i64) -> BTreeMap<String, (String, String, u64, u64)> {
    sql(
        server,
        &format!(
            "SELECT d.mountpoint, d.device, f.name, d.totalsize, d.freesize FROM glpi_items_disks d \
             LEFT JOIN glpi_filesystems f ON f.id = d.filesystems_id \
             WHERE d.itemtype = 'Computer' AND d.items_id = {id} AND d.is_deleted = 0"
        ),
    )
    .into_iter()
    .map(|r| {
        let n = |v: &str| v.parse().unwrap_or(0);
        (text(&r[0]), (text(&r[1]), text(&r[2]), n(&r[3]), n(&r[4])))
    })
    .collect()
}

/// Network ports: name → (MAC, IP addresses).
pub fn network_ports(server: &GlpiServer, id: i64) -> BTreeMap<String, (String, BTreeSet<String>)> {
    let mut ports: BTreeMap<String, (String, BTreeSet<String>)> = sql(
        server,
        &format!(
            "SELECT name, mac FROM glpi_networkports \
             WHERE itemtype = 'Computer' AND items_id = {id} AND is_deleted = 0"
        ),
    )
    .into_iter()
    .map(|r| (text(&r[0]), (text(&r[1]), BTreeSet::new())))
    .collect();
    let addresses = sql(
        server,
        &format!(
            "SELECT p.name, ip.name FROM glpi_networkports p \
             JOIN glpi_networknames n ON n.itemtype = 'NetworkPort' AND n.items_id = p.id \
               AND n.is_deleted = 0 \
             JOIN glpi_ipaddresses ip ON ip.itemtype = 'NetworkName' AND ip.items_id = n.id \
               AND ip.is_deleted = 0 \
             WHERE p.itemtype = 'Computer' AND p.items_id = {id} AND p.is_deleted = 0"
        ),
    );
    for r in addresses {
        if let Some(p) = ports.get_mut(&text(&r[0])) {
            p.1.insert(text(&r[1]));
        }
    }
    ports
}

/// Installed software: (name, version, architecture).
pub fn software(server: &GlpiServer, id: i64) -> BTreeSet<(String, String, String)> {
    sql(
        server,
        &format!(
            "SELECT s.name, v.name, v.arch FROM glpi_items_softwareversions i \
             JOIN glpi_softwareversions v ON v.id = i.softwareversions_id \
             JOIN glpi_softwares s ON s.id = v.softwares_id \
             WHERE i.itemtype = 'Computer' AND i.items_id = {id} AND i.is_deleted = 0"
        ),
    )
    .into_iter()
    .map(|r| (text(&r[0]), text(&r[1]), text(&r[2])))
    .collect()
}
