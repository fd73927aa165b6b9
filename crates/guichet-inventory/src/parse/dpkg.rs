//! Debian packages: the dpkg database `/var/lib/dpkg/status`, read directly (one read of a
//! ~1 MB file instead of spawning `dpkg-query`), and the tab-separated `dpkg-query --show`
//! layout GLPI Agent uses (kept so recorded GLPI outputs stay parseable).
//!
//! Which packages count as installed: those whose `Status` third word (dpkg's
//! `${db:Status-Status}`) says the files are on disk and configured: `installed`, or
//! `triggers-pending` / `triggers-awaited` (configured, only waiting for a trigger to run).
//! Note that a bare `dpkg-query -W` also lists `config-files` packages (removed, only their
//! configuration left) and half-installed ones: those are not installed software, so they
//! are skipped, as GLPI Agent does with its `/ installed$/` test.

use crate::model::Software;

/// One package paragraph of the dpkg status file, before the collector adds its install date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpkgPackage {
    /// The record to report (`install_date` left `None`: it comes from the `.list` file).
    pub software: Software,
    /// `Multi-Arch: same` packages keep their file list in `info/<name>:<arch>.list`.
    pub multi_arch_same: bool,
}

/// Whether a `Status:` value ("want flag status", e.g. `install ok installed`) means the
/// package is installed. The wanted action (install, hold, deinstall, purge) does not matter:
/// a package on hold or marked for removal is still on disk.
pub fn status_is_installed(status: &str) -> bool {
    matches!(
        status.split_whitespace().nth(2),
        Some("installed" | "triggers-pending" | "triggers-awaited")
    )
}

/// Parses the whole dpkg status file into its installed packages, in file order.
pub fn parse_status(text: &str) -> Vec<DpkgPackage> {
    let mut out = Vec::new();
    // Paragraphs are separated by blank lines; dpkg always writes exactly "\n\n".
    for para in text.split("\n\n") {
        if let Some(p) = parse_paragraph(para) {
            out.push(p);
        }
    }
    out
}

fn parse_paragraph(para: &str) -> Option<DpkgPackage> {
    let mut name = None;
    let mut status = None;
    let mut sw = Software {
        source: "dpkg".into(),
        ..Default::default()
    };
    let mut multi_arch_same = false;
    for line in para.lines() {
        // Continuation lines (long descriptions, conffiles) start with a space or tab.
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key {
            "Package" => name = Some(value),
            "Status" => status = Some(value),
            "Version" => sw.version = non_empty(value),
            "Architecture" => sw.arch = non_empty(value),
            "Maintainer" => sw.publisher = maintainer_name(value),
            "Installed-Size" => sw.size_bytes = kib_to_bytes(value),
            "Section" => sw.category = non_empty(value),
            "Description" => sw.summary = non_empty(value),
            "Homepage" => sw.url = non_empty(value),
            "Multi-Arch" => multi_arch_same = value == "same",
            _ => {}
        }
    }
    if !status_is_installed(status?) {
        return None;
    }
    sw.name = name.filter(|n| !n.is_empty())?.to_string();
    Some(DpkgPackage {
        software: sw,
        multi_arch_same,
    })
}

/// Parses `dpkg-query --show --showformat='${Package}\t${Architecture}\t${Version}\t
/// ${Installed-Size}\t${Section}\t${Status}\n'` (GLPI Agent's layout; the status column is
/// optional, as in older recordings). Lines whose status says not installed are skipped.
pub fn parse_dpkg_query(text: &str) -> Vec<Software> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with(' ') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 {
            continue;
        }
        if let Some(status) = f.get(5).filter(|s| !s.trim().is_empty()) {
            if !status_is_installed(status) {
                continue;
            }
        }
        let Some(name) = non_empty(f[0]) else {
            continue;
        };
        out.push(Software {
            name,
            arch: non_empty(f[1]),
            version: non_empty(f[2]),
            size_bytes: f.get(3).and_then(|s| kib_to_bytes(s)),
            category: f.get(4).and_then(|s| non_empty(s)),
            source: "dpkg".into(),
            ..Default::default()
        });
    }
    out
}

/// `Installed-Size` is in KiB (dpkg's documented unit); a size no disk could hold is unknown.
fn kib_to_bytes(s: &str) -> Option<u64> {
    s.trim().parse::<u64>().ok()?.checked_mul(1024)
}

/// The maintainer's name without the e-mail address: "Debian X Team <x@lists.debian.org>"
/// becomes "Debian X Team", so that software from one team groups under one publisher.
fn maintainer_name(s: &str) -> Option<String> {
    let name = match s.find('<') {
        Some(i) if i > 0 => &s[..i],
        _ => s,
    };
    non_empty(name)
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLPI: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../third-party/glpi-agent-fixtures/resources/linux/packaging/dpkg"
    ));
    const STATUS: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/dpkg/status"
    ));

    /// Found by the fuzzer (inventory_packages): an `Installed-Size` past u64::MAX / 1024
    /// overflowed the multiplication (a panic with overflow checks on).
    #[test]
    fn dpkg_installed_size_past_u64_is_unknown_not_an_overflow() {
        let p = parse_dpkg_query("bash\tamd64\t5.2\t18014398509481985\tshells\n");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].size_bytes, None);
        let p = parse_dpkg_query("bash\tamd64\t5.2\t18014398509481983\tshells\n");
        assert_eq!(p[0].size_bytes, Some(18014398509481983 * 1024));
    }

    #[test]
    fn glpi_dpkg_query_skips_config_files_packages() {
        let p = parse_dpkg_query(GLPI);
        // 17 lines, one of them (vlc-nox) only "deinstall ok config-files".
        assert_eq!(p.len(), 16);
        assert!(p.iter().all(|s| s.name != "vlc-nox"));
        let apache = p.iter().find(|s| s.name == "apache2.2-bin").unwrap();
        assert_eq!(apache.version.as_deref(), Some("2.2.16-6+squeeze6"));
        assert_eq!(apache.arch.as_deref(), Some("amd64"));
        assert_eq!(apache.size_bytes, Some(3856 * 1024));
        assert_eq!(apache.category.as_deref(), Some("httpd"));
        // An empty Installed-Size is unknown, not zero.
        let jc = p.iter().find(|s| s.name == "jcagent").unwrap();
        assert_eq!(jc.size_bytes, None);
        assert_eq!(jc.version.as_deref(), Some("0.24.2"));
    }

    #[test]
    fn status_file_recorded_on_debian_12() {
        let p = parse_status(STATUS);
        let names: Vec<&str> = p.iter().map(|p| p.software.name.as_str()).collect();
        // The fixture holds 6 paragraphs; "rc" (config-files) and "not-installed" ones drop out.
        assert_eq!(names, ["adduser", "base-files", "libc6", "zlib1g"]);
        let adduser = &p[0].software;
        assert_eq!(adduser.version.as_deref(), Some("3.134"));
        assert_eq!(adduser.arch.as_deref(), Some("all"));
        assert_eq!(
            adduser.publisher.as_deref(),
            Some("Debian Adduser Developers")
        );
        assert_eq!(adduser.size_bytes, Some(686 * 1024));
        assert_eq!(adduser.category.as_deref(), Some("admin"));
        assert_eq!(
            adduser.summary.as_deref(),
            Some("add and remove users and groups")
        );
        assert_eq!(adduser.source, "dpkg");
        assert!(!p[0].multi_arch_same);
        let libc = &p[2];
        assert!(libc.multi_arch_same);
        assert_eq!(
            libc.software.url.as_deref(),
            Some("https://www.gnu.org/software/libc/libc.html")
        );
    }

    #[test]
    fn hold_and_triggers_pending_count_as_installed() {
        assert!(status_is_installed("hold ok installed"));
        assert!(status_is_installed("install ok triggers-pending"));
        assert!(!status_is_installed("deinstall ok config-files"));
        assert!(!status_is_installed("install reinstreq half-installed"));
        assert!(!status_is_installed("purge ok not-installed"));
    }
}
