//! Pending updates on Debian and Ubuntu, counted from apt's own data without root or network:
//! the installed versions in the dpkg database (`/var/lib/dpkg/status`) against the versions
//! the last `apt update` downloaded (`/var/lib/apt/lists/*_Packages`).
//!
//! Running `apt-get -s upgrade` or `apt list --upgradable` gives the same answer but takes
//! 1 to 5 s (they rebuild apt's whole dependency cache), past the checks' 1 s budget; this
//! reads the same files and compares versions with dpkg's rules ([`compare_versions`]).
//!
//! What counts: an installed package (same name and architecture) for which some list offers a
//! newer version. Lists of `*-backports` suites are skipped: apt marks them `NotAutomatic`, so
//! their versions are never installed by an upgrade. A package on `hold` is skipped too (an
//! upgrade keeps it back on purpose). An update is a security update when a list of a security
//! suite (`*-security`, Debian's `debian-security` archive) offers a version newer than the
//! installed one: the installed version then lacks a published security fix. Pin priorities
//! other than these defaults are not read (`apt list --upgradable` remains the reference).

use std::cmp::Ordering;
use std::collections::HashMap;

use super::version::compare_versions;

/// One downloaded package list and what its file name says about its suite.
#[derive(Debug, Clone, Copy)]
pub struct AptList<'a> {
    /// The file name in `/var/lib/apt/lists` (`deb.debian.org_debian-security_dists_…_Packages`).
    pub file: &'a str,
    /// Its text, uncompressed.
    pub text: &'a str,
}

/// Whether a list's file name is that of a security suite.
pub fn is_security_list(file: &str) -> bool {
    file.contains("-security_") || file.contains("_debian-security_")
}

/// Whether a list's file name is that of a backports suite (never upgraded to by default).
pub fn is_backports_list(file: &str) -> bool {
    file.contains("-backports_")
}

/// Whether a file of `/var/lib/apt/lists` is a package list, and how it is compressed
/// (`None` for plain text, else the extension: `lz4`, `gz`, `xz`, `zst`, `bz2`).
pub fn package_list_compression(file: &str) -> Option<Option<&str>> {
    if file.ends_with("_Packages") {
        return Some(None);
    }
    let (stem, ext) = file.rsplit_once('.')?;
    (stem.ends_with("_Packages") && matches!(ext, "lz4" | "gz" | "xz" | "zst" | "bz2"))
        .then_some(Some(ext))
}

/// One package with a newer version available.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PendingPackage {
    /// Package name.
    pub name: String,
    /// Its architecture (`amd64`, `all`).
    pub arch: String,
    /// The installed version.
    pub installed: String,
    /// The newest version offered.
    pub candidate: String,
    /// Whether a security suite offers a newer version.
    pub security: bool,
}

/// The count of pending updates, with the packages concerned (sorted by name).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PendingUpdates {
    /// Every upgradable package.
    pub packages: Vec<PendingPackage>,
}

impl PendingUpdates {
    /// How many packages can be upgraded.
    pub fn total(&self) -> u32 {
        u32::try_from(self.packages.len()).unwrap_or(u32::MAX)
    }

    /// How many of them bring a security fix.
    pub fn security(&self) -> u32 {
        let n = self.packages.iter().filter(|p| p.security).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// Installed package versions from the dpkg status file: name → (architecture, version)
/// (a name has several entries for a multi-arch package installed for several
/// architectures). Packages on hold and packages not installed are left out.
fn installed(status: &str) -> HashMap<&str, Vec<(&str, &str)>> {
    let mut out: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for para in status.split("\n\n") {
        let (mut name, mut arch, mut version, mut state) = (None, None, None, None);
        for line in para.lines() {
            if let Some(v) = line.strip_prefix("Package: ") {
                name = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("Architecture: ") {
                arch = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("Version: ") {
                version = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("Status: ") {
                state = Some(v.trim());
            }
        }
        let (Some(n), Some(a), Some(v), Some(s)) = (name, arch, version, state) else {
            continue;
        };
        if super::dpkg::status_is_installed(s) && !s.starts_with("hold ") {
            out.entry(n).or_default().push((a, v));
        }
    }
    out
}

/// The paragraphs of a list. A list of a whole release is about 50 MB: the blank lines are
/// found with `memchr`'s vectorised search, which keeps the scan well under the 1 s budget.
fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let ends = memchr::memmem::find_iter(text.as_bytes(), b"\n\n").chain([text.len()]);
    ends.filter_map(move |end| {
        // Both ends sit next to an ASCII newline (or at the end), so they are char boundaries.
        let para = text.get(start..end)?;
        start = end + 2;
        Some(para)
    })
}

/// Where the last complete paragraph of `bytes` ends (just after its blank line), if any:
/// the point up to which a list read piece by piece can be counted.
pub fn complete_paragraphs_end(bytes: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(bytes, b"\n\n").map(|i| i + 2)
}

/// Counts pending updates from the dpkg status and lists fed in pieces, so that a list is
/// never held whole (see [`complete_paragraphs_end`]).
#[derive(Debug)]
pub struct Counter<'s> {
    installed: HashMap<&'s str, Vec<(&'s str, &'s str)>>,
    /// (name, arch) → (newest version offered, offered newer by a security suite).
    best: HashMap<(&'s str, &'s str), (String, bool)>,
}

impl<'s> Counter<'s> {
    /// A counter against the dpkg status file's text.
    pub fn new(status: &'s str) -> Self {
        Counter {
            installed: installed(status),
            best: HashMap::new(),
        }
    }

    /// Counts whole paragraphs of the list `file` (`text` ends at a paragraph's end).
    pub fn feed(&mut self, file: &str, text: &str) {
        if is_backports_list(file) {
            return;
        }
        let security = is_security_list(file);
        for para in paragraphs(text) {
            let Some((key, current, version)) = self.entry(para) else {
                continue;
            };
            if compare_versions(version, current) != Ordering::Greater {
                continue;
            }
            let slot = self
                .best
                .entry(key)
                .or_insert_with(|| (version.to_string(), false));
            if compare_versions(version, &slot.0) == Ordering::Greater {
                slot.0 = version.to_string();
            }
            slot.1 |= security;
        }
    }

    /// The installed package a list paragraph is about, and the version it offers. `Package`
    /// comes first in apt's lists, so paragraphs of packages not installed are dropped after
    /// one line.
    #[allow(clippy::type_complexity)]
    fn entry<'p>(&self, para: &'p str) -> Option<((&'s str, &'s str), &'s str, &'p str)> {
        let para = para.trim_start_matches('\n');
        let name = para.lines().next()?.strip_prefix("Package: ")?.trim();
        let (name, archs) = self.installed.get_key_value(name)?;
        let (mut arch, mut version) = (None, None);
        for line in para.lines() {
            if let Some(v) = line.strip_prefix("Architecture: ") {
                arch = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("Version: ") {
                version = Some(v.trim());
            }
        }
        let arch = arch?;
        let (arch, current) = archs.iter().find(|(a, _)| *a == arch)?;
        Some(((*name, *arch), *current, version?))
    }

    /// The packages with a newer version, sorted by name.
    pub fn finish(self) -> PendingUpdates {
        let mut packages: Vec<PendingPackage> = self
            .best
            .into_iter()
            .map(|((name, arch), (candidate, security))| PendingPackage {
                name: name.to_string(),
                arch: arch.to_string(),
                installed: self.installed[name]
                    .iter()
                    .find(|(a, _)| *a == arch)
                    .map_or_else(String::new, |(_, v)| v.to_string()),
                candidate,
                security,
            })
            .collect();
        packages.sort_by(|a, b| (&a.name, &a.arch).cmp(&(&b.name, &b.arch)));
        PendingUpdates { packages }
    }
}

/// Counts the pending updates: `status` is the dpkg status file, `lists` the package lists.
pub fn pending_updates(status: &str, lists: &[AptList<'_>]) -> PendingUpdates {
    let mut counter = Counter::new(status);
    for list in lists {
        counter.feed(list.file, list.text);
    }
    counter.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/apt_lists");
    const FILES: [&str; 3] = [
        "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages",
        "deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages",
        "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages",
    ];

    fn read(name: &str) -> String {
        std::fs::read_to_string(format!("{DIR}/{name}")).unwrap()
    }

    /// `apt list --upgradable` lines: `name/suite version arch [upgradable from: old]`.
    fn apt_says() -> Vec<(String, String, String, bool)> {
        read("apt-list-upgradable.txt")
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                let (name, suite) = f[0].split_once('/').unwrap();
                let old = f[5].trim_end_matches(']');
                (
                    name.into(),
                    f[1].into(),
                    old.into(),
                    suite.ends_with("-security"),
                )
            })
            .collect()
    }

    #[test]
    fn recorded_bookworm_lists_agree_with_apt_list_upgradable() {
        let status = read("status");
        let texts: Vec<String> = FILES.iter().map(|f| read(f)).collect();
        let lists: Vec<AptList<'_>> = FILES
            .iter()
            .zip(&texts)
            .map(|(file, text)| AptList { file, text })
            .collect();
        let p = pending_updates(&status, &lists);
        let got: Vec<(String, String, String, bool)> = p
            .packages
            .iter()
            .map(|p| {
                let c = (p.name.clone(), p.candidate.clone(), p.installed.clone());
                (c.0, c.1, c.2, p.security)
            })
            .collect();
        assert_eq!(got, apt_says());
        assert_eq!((p.total(), p.security()), (8, 5));
        // Without the security list, the security updates are still pending from the point
        // release or not at all, and none is counted as security.
        let p = pending_updates(&status, &lists[..2]);
        assert_eq!(p.security(), 0);
        assert!(p.total() < 8 && p.total() > 0, "{p:?}");
    }

    #[test]
    fn held_backported_and_other_architecture_packages_are_not_pending() {
        let status = "Package: a\nStatus: hold ok installed\nArchitecture: amd64\nVersion: 1.0\n\n\
                      Package: b\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n\n\
                      Package: c\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1.0\n";
        let newer = "Package: a\nVersion: 2.0\nArchitecture: amd64\n\n\
                     Package: b\nVersion: 2.0\nArchitecture: i386\n\n\
                     Package: c\nVersion: 2.0\nArchitecture: amd64\n";
        let back = "Package: b\nVersion: 3.0\nArchitecture: amd64\n";
        let lists = [
            AptList {
                file: "x_dists_bookworm_main_binary-amd64_Packages",
                text: newer,
            },
            AptList {
                file: "x_dists_bookworm-backports_main_binary-amd64_Packages",
                text: back,
            },
        ];
        assert_eq!(pending_updates(status, &lists).total(), 0);
        // The same b for amd64 in the main suite is pending.
        let lists = [AptList {
            file: "x_dists_bookworm_main_binary-amd64_Packages",
            text: "Package: b\nVersion: 1.0+deb12u1\nArchitecture: amd64\n",
        }];
        let p = pending_updates(status, &lists);
        assert_eq!(p.total(), 1);
        assert_eq!(p.packages[0].candidate, "1.0+deb12u1");
    }

    #[test]
    fn a_list_fed_in_pieces_counts_as_a_whole() {
        let status = read("status");
        let file = FILES[2];
        let text = read(file);
        let whole = pending_updates(&status, &[AptList { file, text: &text }]);
        let mut counter = Counter::new(&status);
        let mut pending: Vec<u8> = Vec::new();
        for piece in text.as_bytes().chunks(100) {
            pending.extend_from_slice(piece);
            if let Some(end) = complete_paragraphs_end(&pending) {
                counter.feed(file, std::str::from_utf8(&pending[..end]).unwrap());
                pending.drain(..end);
            }
        }
        counter.feed(file, std::str::from_utf8(&pending).unwrap());
        let pieces = counter.finish();
        assert_eq!(pieces, whole);
        assert_eq!(pieces.security(), 5);
    }

    #[test]
    fn list_file_names() {
        assert!(is_security_list(FILES[2]));
        assert!(is_security_list(
            "security.ubuntu.com_ubuntu_dists_noble-security_main_binary-amd64_Packages"
        ));
        assert!(!is_security_list(FILES[0]));
        assert_eq!(package_list_compression(FILES[0]), Some(None));
        assert_eq!(
            package_list_compression(&format!("{}.lz4", FILES[0])),
            Some(Some("lz4"))
        );
        assert_eq!(package_list_compression("x_InRelease"), None);
        assert_eq!(package_list_compression("x_Components-amd64.yml.gz"), None);
    }
}
