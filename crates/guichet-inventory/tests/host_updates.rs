//! The pending-updates count read from apt's own files agrees with `apt list --upgradable`
//! on this machine, and is read within the checks' 1 s budget. Runs only where apt is.

use std::process::Command;
use std::time::{Duration, Instant};

use chrono::Utc;
use guichet_inventory::{apt_pending_updates, Probe};

/// `apt list --upgradable`: (upgradable, from a security suite), or `None` without apt.
fn apt_list_upgradable() -> Option<(u32, u32)> {
    let out = Command::new("apt")
        .args(["list", "--upgradable"])
        .env("LC_ALL", "C")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("[upgradable from:"))
        .collect();
    let security = lines
        .iter()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|n| n.contains("-security"))
        })
        .count();
    Some((lines.len() as u32, security as u32))
}

#[test]
fn apt_files_count_agrees_with_apt_list_upgradable_here() {
    let Some((apt_total, apt_security)) = apt_list_upgradable() else {
        eprintln!("apt is not installed here: nothing to compare");
        return;
    };
    let started = Instant::now();
    let probe = Probe::system(Utc::now(), Duration::from_secs(1));
    let got = apt_pending_updates(&probe).expect("dpkg status and apt lists are readable");
    let took = started.elapsed();
    eprintln!(
        "apt files: {} pending, {} security, in {took:?}; apt list: {apt_total}, {apt_security}",
        got.total(),
        got.security()
    );
    assert_eq!(got.total(), apt_total);
    // apt labels a package by its candidate's suite; a package also offered newer by a
    // security suite is a security update here even when its candidate comes from elsewhere.
    assert!(got.security() >= apt_security, "{got:?}");
    assert!(took < Duration::from_secs(1), "took {took:?}");
    // The home page's reading: update-notifier's summary where it exists, else this count
    // (it showed "Inconnu" on Debian before).
    if !std::path::Path::new(guichet_inventory::parse::update_notifier::UPDATES_AVAILABLE).exists()
    {
        assert_eq!(guichet_inventory::pending_updates(), Some(apt_total));
    }
}

#[test]
fn a_fixture_tree_counts_its_own_lists_and_the_count_is_kept_until_a_file_changes() {
    let dir = tempfile::tempdir().unwrap();
    let fx = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/apt_lists");
    let lists = dir.path().join("var/lib/apt/lists");
    std::fs::create_dir_all(&lists).unwrap();
    std::fs::create_dir_all(dir.path().join("var/lib/dpkg")).unwrap();
    std::fs::copy(
        format!("{fx}/status"),
        dir.path().join("var/lib/dpkg/status"),
    )
    .unwrap();
    for f in std::fs::read_dir(fx).unwrap() {
        let f = f.unwrap();
        let name = f.file_name().to_string_lossy().into_owned();
        if name.ends_with("_Packages") {
            std::fs::copy(f.path(), lists.join(&name)).unwrap();
        }
    }
    let probe = Probe::fixture(dir.path(), Utc::now());
    let p = apt_pending_updates(&probe).unwrap();
    assert_eq!((p.total(), p.security()), (8, 5));
    // Removing the security list changes the stamp: counted again, no security update left.
    let sec = "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages";
    std::fs::remove_file(lists.join(sec)).unwrap();
    assert_eq!(apt_pending_updates(&probe).unwrap().security(), 0);
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        apt_pending_updates(&Probe::fixture(empty.path(), Utc::now())),
        None
    );
}
