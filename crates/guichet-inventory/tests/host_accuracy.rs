//! Accuracy on the real host, through the public `collect` API: what we report must equal what
//! the system's own tools say. Each check is skipped (with a message) only when the tool it
//! compares with is absent; on a Debian machine they all run.
#![cfg(target_os = "linux")]

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use chrono::Utc;
use guichet_inventory::{collect, Category, Inventory, Options};

fn inventory(categories: &[Category]) -> Inventory {
    collect(&Options {
        categories: categories.to_vec(),
        timeout: Duration::from_secs(60),
        now: Utc::now(),
    })
}

fn tool(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn software_count_equals_dpkg_query_installed_packages() {
    let Some(out) = tool(
        "dpkg-query",
        &[
            "-W",
            "-f",
            "${db:Status-Status}\t${Package}:${Architecture}\t${Version}\n",
        ],
    ) else {
        eprintln!("SKIP: no dpkg-query on this host");
        return;
    };
    let theirs: BTreeSet<(String, String)> = out
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            let status = f.next()?;
            (status == "installed").then(|| {
                (
                    f.next().unwrap_or("").to_string(),
                    f.next().unwrap_or("").to_string(),
                )
            })
        })
        .collect();
    let inv = inventory(&[Category::Software]);
    let ours: BTreeSet<(String, String)> = inv
        .software
        .iter()
        .filter(|s| s.source == "dpkg")
        .map(|s| {
            (
                format!("{}:{}", s.name, s.arch.clone().unwrap_or_default()),
                s.version.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(ours.len(), theirs.len(), "dpkg package count");
    assert_eq!(ours, theirs, "dpkg name:arch and versions");
}

#[test]
fn software_count_equals_rpm_where_rpm_has_a_database() {
    let has_db = [
        "/var/lib/rpm/rpmdb.sqlite",
        "/var/lib/rpm/Packages",
        "/usr/lib/sysimage/rpm/rpmdb.sqlite",
    ]
    .iter()
    .any(|p| std::path::Path::new(p).exists());
    let Some(out) = has_db.then(|| tool("rpm", &["-qa"])).flatten() else {
        eprintln!("SKIP: no rpm database on this host");
        return;
    };
    let theirs = out.lines().filter(|l| !l.starts_with("gpg-pubkey")).count();
    let inv = inventory(&[Category::Software]);
    assert_eq!(
        inv.software.iter().filter(|s| s.source == "rpm").count(),
        theirs
    );
}

#[test]
fn total_memory_equals_proc_meminfo() {
    let meminfo = std::fs::read_to_string("/proc/meminfo").expect("/proc/meminfo");
    let kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("MemTotal");
    let swap_kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("SwapTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("SwapTotal");
    let inv = inventory(&[Category::Memory]);
    let mem = inv.memory.expect("memory collected");
    assert_eq!(mem.total_bytes, kib * 1024);
    assert_eq!(mem.swap_total_bytes, swap_kib * 1024);
}

#[test]
fn nic_macs_equal_ip_link() {
    let Some(out) = tool("ip", &["-j", "link", "show"]) else {
        eprintln!("SKIP: no `ip` on this host");
        return;
    };
    let links: serde_json::Value = serde_json::from_str(&out).expect("ip -j link is JSON");
    let theirs: BTreeSet<(String, String)> = links
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|l| {
            let name = l["ifname"].as_str()?.to_string();
            let mac = l["address"].as_str()?.to_ascii_lowercase();
            // Loopback and tunnels carry all-zero or non-Ethernet addresses: not MACs.
            (mac.len() == 17 && mac != "00:00:00:00:00:00").then_some((name, mac))
        })
        .collect();
    let inv = inventory(&[Category::Network]);
    let ours: BTreeSet<(String, String)> = inv
        .network
        .iter()
        .filter_map(|n| Some((n.name.clone(), n.mac.clone()?)))
        .collect();
    assert!(!theirs.is_empty(), "ip link shows no MAC at all");
    assert_eq!(ours, theirs);
}

#[test]
fn disks_equal_lsblk() {
    let Some(out) = tool("lsblk", &["-d", "-b", "-n", "-o", "NAME,SIZE,TYPE"]) else {
        eprintln!("SKIP: no lsblk on this host");
        return;
    };
    let theirs: BTreeSet<(String, u64)> = out
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (name, size, kind) = (f.first()?, f.get(1)?.parse::<u64>().ok()?, f.get(2)?);
            // Loop and zram devices are not storage hardware; empty card readers have size 0.
            (*kind == "disk" && !name.starts_with("zram") && size > 0)
                .then(|| (name.to_string(), size))
        })
        .collect();
    let inv = inventory(&[Category::Storage]);
    let ours: BTreeSet<(String, u64)> = inv
        .storage
        .iter()
        .filter(|d| d.kind == "disk")
        .map(|d| (d.name.clone(), d.size_bytes))
        .collect();
    assert_eq!(ours, theirs);
}

#[test]
fn a_full_inventory_reports_every_category_or_an_error_for_it() {
    let inv = inventory(&[]);
    assert_eq!(inv.categories.len(), Category::ALL.len());
    assert!(inv.os.is_some(), "errors: {:?}", inv.errors);
    assert!(!inv.cpus.is_empty());
    assert!(!inv.network.is_empty());
    // Every failure names its category: nothing vanishes silently.
    for e in &inv.errors {
        assert!(!e.message.is_empty());
    }
}
