//! Linux `os` collector: distribution from os-release, kernel and host names from
//! `/proc/sys/kernel`, boot time from `/proc/stat`, FQDN from `/etc/hosts` (never a DNS
//! query, which could hang), time zone from `/etc/timezone` or the `/etc/localtime` link and
//! its TZif data, machine id from `/etc/machine-id`.
//!
//! Install date, best effort: Linux records none, so the oldest plausible timestamp (birth
//! time where the file system keeps one, else modification time) among files written once at
//! installation is used: `/var/log/installer` (Debian/Ubuntu installer logs),
//! `/root/anaconda-ks.cfg` (RHEL family), `/etc/machine-id` (first boot), `/lost+found`
//! (mkfs of the root file system). Times before 1995 (epoch-stamped images) or after the
//! collection time are ignored.

use chrono::{DateTime, TimeZone, Utc};

use crate::collect::{Section, SourceError};
use crate::model::{Category, CollectErrorKind, OperatingSystem};
use crate::parse::{linux_os, os_release};
use crate::probe::Probe;

/// Files whose creation approximates the OS installation, most telling first.
const INSTALL_MARKERS: &[&str] = &[
    "/var/log/installer",
    "/root/anaconda-ks.cfg",
    "/etc/machine-id",
    "/lost+found",
];

/// Collects the operating system record.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    let mut section = Section::default();
    let mut os = OperatingSystem {
        kernel_name: "Linux".to_string(),
        ..Default::default()
    };

    match probe
        .read("/etc/os-release")
        .or_else(|_| probe.read("/usr/lib/os-release"))
    {
        Ok(text) => {
            let r = os_release::parse(&text);
            os.name = r.name.clone().unwrap_or_else(|| "Linux".to_string());
            os.version = r.best_version();
            os.full_name = r.full_name().unwrap_or_else(|| os.name.clone());
        }
        Err(e) => {
            os.name = "Linux".to_string();
            os.full_name = "Linux".to_string();
            section.error(Category::Os, "os-release", e);
        }
    }

    os.kernel_version = probe.attr("/proc/sys/kernel/osrelease");
    let uname = rustix::system::uname();
    if os.kernel_version.is_none() && probe.path("/") == std::path::Path::new("/") {
        os.kernel_version = Some(uname.release().to_string_lossy().into_owned());
    }
    os.arch = std::env::consts::ARCH.to_string();

    names(probe, &mut os, &mut section);

    match probe.read("/proc/stat") {
        Ok(stat) => os.boot_time = linux_os::boot_time(&stat),
        Err(e) => section.error(Category::Os, "/proc/stat", e),
    }

    os.install_date = install_date(probe);

    os.timezone = probe
        .link("/etc/localtime")
        .and_then(|t| linux_os::timezone_from_link(&t.to_string_lossy()))
        .or_else(|| {
            probe
                .read("/etc/timezone")
                .ok()
                .and_then(|t| linux_os::timezone_file(&t))
        });
    os.timezone_offset = probe
        .read_bytes("/etc/localtime")
        .ok()
        .and_then(|data| linux_os::tzif_offset(&data, probe.now()))
        .map(linux_os::format_offset);

    os.machine_id = probe
        .attr("/etc/machine-id")
        .or_else(|| probe.attr("/var/lib/dbus/machine-id"));

    section.found.os = Some(os);
    Ok(section)
}

/// Host name, FQDN and DNS domain: the kernel's host name (short), its domain from the name
/// itself, `/etc/hosts`, or the NIS domain.
fn names(probe: &Probe, os: &mut OperatingSystem, section: &mut Section) {
    os.hostname = probe
        .attr("/proc/sys/kernel/hostname")
        .or_else(|| probe.attr("/etc/hostname"))
        .unwrap_or_default();
    if os.hostname.is_empty() {
        section.error(
            Category::Os,
            "hostname",
            SourceError::new(CollectErrorKind::Unavailable, "no host name found"),
        );
    }
    // A host name set as an FQDN already carries its domain.
    let (short, fqdn_from_name) = match os.hostname.split_once('.') {
        Some((s, _)) => (s.to_string(), Some(os.hostname.clone())),
        None => (os.hostname.clone(), None),
    };
    os.fqdn = fqdn_from_name.or_else(|| {
        probe
            .read("/etc/hosts")
            .ok()
            .and_then(|h| linux_os::fqdn_from_hosts(&h, &short))
    });
    os.dns_domain = os
        .fqdn
        .as_deref()
        .and_then(linux_os::domain_of)
        .or_else(|| {
            probe
                .read("/proc/sys/kernel/domainname")
                .ok()
                .and_then(|d| linux_os::nis_domain(&d))
        });
    if !short.is_empty() {
        os.hostname = short;
    }
}

/// The oldest plausible creation time among [`INSTALL_MARKERS`].
fn install_date(probe: &Probe) -> Option<DateTime<Utc>> {
    let floor = Utc.with_ymd_and_hms(1995, 1, 1, 0, 0, 0).single()?;
    INSTALL_MARKERS
        .iter()
        .filter_map(|p| probe.metadata(p).ok())
        .filter_map(|m| m.created().or_else(|_| m.modified()).ok())
        .map(DateTime::<Utc>::from)
        .filter(|t| *t >= floor && *t <= probe.now())
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2099, 7, 15, 12, 0, 0)
            .single()
            .unwrap()
    }

    #[test]
    fn fake_tree() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        fs::create_dir_all(r.join("etc")).unwrap();
        fs::create_dir_all(r.join("proc/sys/kernel")).unwrap();
        fs::create_dir_all(r.join("usr/lib")).unwrap();
        // Only the /usr/lib fallback exists.
        fs::write(
            r.join("usr/lib/os-release"),
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../third-party/glpi-agent-fixtures/resources/linux/distro/os-release-debian-11.2"
            )),
        )
        .unwrap();
        fs::write(r.join("proc/sys/kernel/osrelease"), "5.10.0-11-amd64\n").unwrap();
        fs::write(r.join("proc/sys/kernel/hostname"), "pc1\n").unwrap();
        fs::write(r.join("proc/sys/kernel/domainname"), "(none)\n").unwrap();
        fs::write(
            r.join("etc/hosts"),
            "127.0.0.1 localhost\n127.0.1.1 pc1.corp.example pc1\n",
        )
        .unwrap();
        fs::write(r.join("proc/stat"), "cpu 1 2\nbtime 1700000000\n").unwrap();
        fs::write(
            r.join("etc/machine-id"),
            "0123456789abcdef0123456789abcdef\n",
        )
        .unwrap();
        fs::write(r.join("etc/timezone"), "Europe/Paris\n").unwrap();
        let probe = Probe::fixture(r, t0());
        let s = collect(&probe).unwrap();
        let os = s.found.os.unwrap();
        assert_eq!(os.kernel_name, "Linux");
        assert_eq!(os.name, "Debian GNU/Linux");
        assert_eq!(os.version.as_deref(), Some("11"));
        assert_eq!(os.full_name, "Debian GNU/Linux 11 (bullseye)");
        assert_eq!(os.kernel_version.as_deref(), Some("5.10.0-11-amd64"));
        assert_eq!(os.hostname, "pc1");
        assert_eq!(os.fqdn.as_deref(), Some("pc1.corp.example"));
        assert_eq!(os.dns_domain.as_deref(), Some("corp.example"));
        assert_eq!(os.boot_time, Utc.timestamp_opt(1_700_000_000, 0).single());
        assert_eq!(
            os.machine_id.as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        assert_eq!(os.timezone.as_deref(), Some("Europe/Paris"));
        assert_eq!(
            os.timezone_offset, None,
            "no /etc/localtime data in the tree"
        );
        assert!(os.install_date.is_some(), "machine-id written just now");
        assert!(s.errors.is_empty(), "{:?}", s.errors);
    }

    #[test]
    fn empty_tree_still_gives_a_record() {
        let dir = tempfile::tempdir().unwrap();
        let s = collect(&Probe::fixture(dir.path(), t0())).unwrap();
        let os = s.found.os.unwrap();
        assert_eq!(os.name, "Linux");
        assert_eq!(os.boot_time, None);
        assert!(s
            .errors
            .iter()
            .any(|e| e.source.as_deref() == Some("os-release")));
    }

    /// On the running host: the values must match the system's own files.
    #[test]
    fn this_host() {
        let probe = Probe::system(Utc::now(), std::time::Duration::from_secs(5));
        let os = collect(&probe).unwrap().found.os.unwrap();
        let host = fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
        assert_eq!(
            os.hostname,
            host.trim().split('.').next().unwrap_or_default()
        );
        assert!(!os.name.is_empty());
        assert!(os.boot_time.is_some());
        if fs::read("/etc/localtime").is_ok() {
            assert!(os.timezone_offset.is_some());
        }
    }
}
