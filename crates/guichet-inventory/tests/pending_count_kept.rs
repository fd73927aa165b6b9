//! The pending-updates count is kept in the user's cache folder, and the next process uses it
//! while apt's files are unchanged (so only the first run after an `apt update` pays the
//! count): this test binary runs itself again to be that next process.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::Utc;
use guichet_inventory::{apt_pending_updates_kept, Probe};

const FX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/apt_lists");
const LISTS: [&str; 2] = [
    "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages",
    "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages",
];
const INNER: &str = "GUICHET_KEPT_COUNT_INNER";
const FILE: &str = "apt-pending-updates.json";

/// A machine's root holding the recorded dpkg status and two plain package lists.
fn machine(root: &Path) {
    let lists = root.join("var/lib/apt/lists");
    std::fs::create_dir_all(&lists).unwrap();
    std::fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
    std::fs::copy(format!("{FX}/status"), root.join("var/lib/dpkg/status")).unwrap();
    for l in LISTS {
        std::fs::copy(format!("{FX}/{l}"), lists.join(l)).unwrap();
    }
}

fn count(root: &Path, cache: &Path) -> (u32, u32) {
    let p = apt_pending_updates_kept(&Probe::fixture(root, Utc::now()), Some(cache)).unwrap();
    (p.total(), p.security())
}

#[test]
fn the_count_is_kept_on_disk_and_used_by_the_next_process() {
    if let Some(dirs) = std::env::var_os(INNER) {
        let dirs = PathBuf::from(dirs);
        let got = count(&dirs.join("root"), &dirs.join("cache"));
        println!("inner count: {} {}", got.0, got.1);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (root, cache) = (dir.path().join("root"), dir.path().join("cache"));
    machine(&root);
    assert_eq!(count(&root, &cache), (8, 5), "counted from the lists");
    let kept = cache.join(FILE);
    // Leave only the security updates in the kept count: the next process can then only
    // have read it from there.
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&kept).unwrap()).unwrap();
    json["counted"]["packages"]
        .as_array_mut()
        .unwrap()
        .retain(|p| p["security"] == true);
    std::fs::write(&kept, json.to_string()).unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "the_count_is_kept_on_disk_and_used_by_the_next_process",
        ])
        .args(["--nocapture"])
        .env(INNER, dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("inner count: 5 5"), "{stdout}");
    // An install changes the dpkg status: counted again, and kept again.
    let status = root.join("var/lib/dpkg/status");
    let mut text = std::fs::read_to_string(&status).unwrap();
    text.push('\n');
    std::fs::write(&status, text).unwrap();
    assert_eq!(count(&root, &cache), (8, 5), "counted again");
    let json = std::fs::read_to_string(&kept).unwrap();
    assert!(json.contains("\"security\":false"), "kept again");
}

/// The caller's deadline (a check's second) does not cut a count short: a count that stopped
/// there would be wrong, and a machine too loaded to count within it would never keep one. On
/// this machine (lists compressed, read through `apt-helper`), a probe whose time is already
/// up still counts.
#[test]
fn a_count_is_not_cut_short_by_the_callers_deadline() {
    let lists = std::fs::read_dir("/var/lib/apt/lists")
        .map(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().contains("_Packages"))
        })
        .unwrap_or(false);
    if !lists || !Path::new("/usr/lib/apt/apt-helper").exists() {
        eprintln!("SKIP: no apt package lists here");
        return;
    }
    let spent = Probe::system(Utc::now(), std::time::Duration::ZERO);
    let dir = tempfile::tempdir().unwrap();
    let counted = apt_pending_updates_kept(&spent, Some(dir.path()));
    assert!(counted.is_some(), "counted whatever the caller's deadline");
    assert!(dir.path().join(FILE).exists(), "and kept");
}
