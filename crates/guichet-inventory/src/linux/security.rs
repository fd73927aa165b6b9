//! Firewalls and antivirus products on Linux.
//!
//! Everything is decided from files where possible: configuration files, install folders and
//! the running processes (one pass over `/proc/*/comm`). Only as root, and only for tools that
//! are installed, are `ufw status`, `nft list ruleset` and `iptables -S` asked, since their
//! answers need root anyway. A ClamAV signature database is "up to date" when the daily
//! database was built less than 7 days before the collection time.

use std::collections::HashSet;

use chrono::Duration;

use crate::collect::{Section, SourceError};
use crate::model::{Category, SecurityKind, SecurityProduct};
use crate::parse::{clamav, firewall};
use crate::probe::Probe;

/// Signatures older than this are stale.
const SIGNATURE_MAX_AGE_DAYS: i64 = 7;

/// Collects the `security` category.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    let mut section = Section::default();
    let procs = running(probe);
    let mut out = Vec::new();
    firewalls(probe, &procs, &mut out, &mut section);
    antiviruses(probe, &procs, &mut out);
    section.found.security = out;
    Ok(section)
}

/// Names of running processes (`/proc/<pid>/comm`, 15 characters at most).
fn running(probe: &Probe) -> HashSet<String> {
    probe
        .list("/proc")
        .into_iter()
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|pid| probe.attr(format!("/proc/{pid}/comm")))
        .collect()
}

/// Whether a systemd unit is enabled at boot: a link in some `*.wants` folder.
fn unit_enabled(probe: &Probe, unit: &str) -> bool {
    [
        "/etc/systemd/system",
        "/lib/systemd/system",
        "/usr/lib/systemd/system",
    ]
    .iter()
    .any(|base| {
        probe
            .list(base)
            .iter()
            .filter(|d| d.ends_with(".wants"))
            .any(|d| probe.exists(format!("{base}/{d}/{unit}")))
    })
}

fn any_exists(probe: &Probe, paths: &[&str]) -> bool {
    paths.iter().any(|p| probe.exists(p))
}

fn fw(name: &str, enabled: Option<bool>) -> SecurityProduct {
    SecurityProduct {
        kind: SecurityKind::Firewall,
        name: name.into(),
        enabled,
        ..Default::default()
    }
}

fn firewalls(
    probe: &Probe,
    procs: &HashSet<String>,
    out: &mut Vec<SecurityProduct>,
    section: &mut Section,
) {
    let root = probe.privileged();
    let mut front_end_on = false;

    // ufw: the configuration says whether it starts at boot; as root, `ufw status` says now.
    if let Ok(conf) = probe.read("/etc/ufw/ufw.conf") {
        let mut enabled = firewall::parse_ufw_conf(&conf);
        if root && probe.has_program("ufw") {
            match probe.run("ufw", &["status"]) {
                Ok(s) => enabled = firewall::parse_ufw_status(&s).or(enabled),
                Err(e) => section.error(Category::Security, "ufw", e),
            }
        }
        front_end_on |= enabled == Some(true);
        let mut p = fw("ufw", enabled);
        p.publisher = Some("Canonical".into());
        out.push(p);
    }

    // firewalld: running when its daemon is (pid file or process).
    if any_exists(probe, &["/usr/sbin/firewalld", "/etc/firewalld"]) {
        let on = probe.exists("/run/firewalld/firewalld.pid") || procs.contains("firewalld");
        front_end_on |= on;
        out.push(fw("firewalld", Some(on)));
    }

    // nftables: as root the live ruleset; otherwise whether nftables.service loads its
    // configuration at boot. The rules of ufw/firewalld also live in nftables: only report
    // nftables itself when no front end is on.
    if !front_end_on && any_exists(probe, &["/usr/sbin/nft", "/sbin/nft", "/etc/nftables.conf"]) {
        let mut enabled = unit_enabled(probe, "nftables.service").then_some(true);
        if root && probe.has_program("nft") {
            match probe.run("nft", &["list", "ruleset"]) {
                Ok(s) => enabled = Some(firewall::nft_ruleset_has_rules(&s)),
                Err(e) => section.error(Category::Security, "nft", e),
            }
        }
        if enabled.is_some() {
            out.push(fw("nftables", enabled));
        }
    }

    // iptables rules loaded by hand or by iptables-persistent: root only.
    if !front_end_on && root && probe.has_program("iptables") {
        match probe.run("iptables", &["-S"]) {
            Ok(s) if firewall::iptables_rules_active(&s) => out.push(fw("iptables", Some(true))),
            Ok(_) => {}
            Err(e) => section.error(Category::Security, "iptables", e),
        }
    }
}

fn av(name: &str, publisher: &str, enabled: Option<bool>) -> SecurityProduct {
    SecurityProduct {
        kind: SecurityKind::Antivirus,
        name: name.into(),
        publisher: Some(publisher.into()),
        enabled,
        ..Default::default()
    }
}

fn antiviruses(probe: &Probe, procs: &HashSet<String>, out: &mut Vec<SecurityProduct>) {
    let runs = |names: &[&str]| names.iter().any(|n| procs.contains(*n));

    // ClamAV: on-access/daemon scanning when clamd runs; signatures from the daily database.
    let clam_bins = [
        "/usr/sbin/clamd",
        "/usr/bin/clamscan",
        "/usr/bin/freshclam",
        "/usr/local/bin/clamscan",
        "/usr/local/sbin/clamd",
    ];
    if any_exists(probe, &clam_bins) {
        let has_daemon = any_exists(probe, &["/usr/sbin/clamd", "/usr/local/sbin/clamd"]);
        let enabled = if runs(&["clamd"]) {
            Some(true)
        } else if has_daemon {
            Some(false)
        } else {
            // Only the on-demand scanner: nothing to be "on".
            None
        };
        let mut p = av("ClamAV", "Cisco Talos", enabled);
        let header = ["daily.cld", "daily.cvd"]
            .iter()
            .filter_map(|f| probe.read_head(format!("/var/lib/clamav/{f}"), 512).ok())
            .find_map(|b| clamav::parse_cvd_header(&b));
        if let Some(h) = header {
            p.up_to_date = h
                .built
                .map(|b| probe.now() - b < Duration::days(SIGNATURE_MAX_AGE_DAYS));
            p.signature_version = Some(h.version);
        }
        out.push(p);
    }

    let known: [(&str, &str, &[&str], &[&str]); 7] = [
        (
            "Sophos Protection for Linux",
            "Sophos",
            &["/opt/sophos-spl"],
            &["sophos_managem", "sophos_threat_d", "av"],
        ),
        (
            "Sophos Anti-Virus",
            "Sophos",
            &["/opt/sophos-av"],
            &["savd", "savscand"],
        ),
        (
            "ESET Endpoint Antivirus",
            "ESET",
            &["/opt/eset/eea"],
            &["oaeventd", "startd"],
        ),
        (
            "ESET Server Security",
            "ESET",
            &["/opt/eset/efs"],
            &["oaeventd", "startd"],
        ),
        (
            "CrowdStrike Falcon Sensor",
            "CrowdStrike",
            &["/opt/CrowdStrike/falconctl", "/opt/CrowdStrike"],
            &["falcon-sensor"],
        ),
        (
            "Microsoft Defender for Endpoint",
            "Microsoft",
            &["/opt/microsoft/mdatp"],
            &["wdavdaemon"],
        ),
        (
            "Trend Micro Deep Security Agent",
            "Trend Micro",
            &["/opt/ds_agent", "/opt/TrendMicro"],
            &["ds_agent"],
        ),
    ];
    for (name, publisher, paths, daemons) in known {
        if any_exists(probe, paths) {
            out.push(av(name, publisher, Some(runs(daemons))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use std::fs;
    use std::path::Path;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn touch(root: &Path, p: &str, content: &[u8]) {
        let f = root.join(p.trim_start_matches('/'));
        fs::create_dir_all(f.parent().unwrap()).unwrap();
        fs::write(f, content).unwrap();
    }

    const HEAD: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/clamav/daily.cvd.head"
    ));

    #[test]
    fn ufw_clamav_and_mdatp_from_a_fake_tree() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        let conf = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/firewall/ufw.conf"
        ));
        touch(
            r,
            "/etc/ufw/ufw.conf",
            conf.replace("ENABLED=no", "ENABLED=yes").as_bytes(),
        );
        touch(r, "/usr/sbin/nft", b"");
        touch(r, "/usr/sbin/clamd", b"");
        touch(r, "/var/lib/clamav/daily.cvd", HEAD);
        touch(r, "/proc/812/comm", b"clamd\n");
        touch(r, "/opt/microsoft/mdatp/sbin/wdavdaemon", b"");

        // Built 2024-11-14 09:26: fresh three days later, stale ten days later.
        let s = collect(&Probe::fixture(r, at("2024-11-17T09:00:00Z"))).unwrap();
        let sec = &s.found.security;
        assert_eq!(sec.len(), 3, "{sec:?}");
        assert_eq!(sec[0].name, "ufw");
        assert_eq!(sec[0].kind, SecurityKind::Firewall);
        assert_eq!(sec[0].enabled, Some(true));
        // ufw is on: nftables (its backend) is not reported separately.
        let clam = &sec[1];
        assert_eq!(clam.name, "ClamAV");
        assert_eq!(clam.enabled, Some(true));
        assert_eq!(clam.signature_version.as_deref(), Some("27457"));
        assert_eq!(clam.up_to_date, Some(true));
        assert_eq!(sec[2].name, "Microsoft Defender for Endpoint");
        assert_eq!(sec[2].enabled, Some(false), "wdavdaemon not running");

        let s = collect(&Probe::fixture(r, at("2024-11-24T09:00:00Z"))).unwrap();
        assert_eq!(s.found.security[1].up_to_date, Some(false));
    }

    #[test]
    fn nftables_enabled_at_boot_without_root() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        touch(r, "/etc/nftables.conf", b"flush ruleset\n");
        let s = collect(&Probe::fixture(r, at("2024-11-17T09:00:00Z"))).unwrap();
        assert!(
            s.found.security.is_empty(),
            "not enabled, unknown state: not claimed"
        );
        touch(
            r,
            "/etc/systemd/system/sysinit.target.wants/nftables.service",
            b"",
        );
        let s = collect(&Probe::fixture(r, at("2024-11-17T09:00:00Z"))).unwrap();
        assert_eq!(s.found.security[0].name, "nftables");
        assert_eq!(s.found.security[0].enabled, Some(true));
    }

    #[test]
    fn nothing_installed_nothing_reported() {
        let dir = tempfile::tempdir().unwrap();
        let s = collect(&Probe::fixture(dir.path(), at("2024-11-17T09:00:00Z"))).unwrap();
        assert!(s.found.security.is_empty());
        assert!(s.errors.is_empty());
    }
}
