//! Installed software on Linux, from every package source present: dpkg, rpm, pacman,
//! flatpak, snap and nix. Each source is independent: one that fails records an error for
//! itself and the others are still reported. Sources read from files (dpkg, pacman, nix
//! manifests) run on the calling thread; those that need a command run on their own threads,
//! so the slowest command bounds the category's time rather than the sum.

use chrono::{DateTime, Utc};

use crate::collect::{Section, SourceError};
use crate::model::{Category, CollectErrorKind, Software};
use crate::parse::{dpkg, flatpak, nix, pacman, rpm, snap};
use crate::probe::Probe;

type SourceResult = Result<Vec<Software>, SourceError>;

/// Collects the `software` category.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    let mut section = Section::default();
    let mut results: Vec<(&'static str, SourceResult)> = Vec::new();
    std::thread::scope(|s| {
        let mut spawned = Vec::new();
        let mut spawn = |name: &'static str, f: fn(&Probe) -> SourceResult| {
            let h = std::thread::Builder::new()
                .name(format!("software-{name}"))
                .stack_size(256 * 1024)
                .spawn_scoped(s, move || f(probe));
            match h {
                Ok(h) => spawned.push((name, h)),
                // No thread to spare: run it here rather than lose the source.
                Err(_) => results.push((name, f(probe))),
            }
        };
        if rpm_present(probe) {
            spawn("rpm", rpm_packages);
        }
        if probe.has_program("flatpak") {
            spawn("flatpak", flatpak_packages);
        }
        if snapd_present(probe) && probe.has_program("snap") {
            spawn("snap", snap_packages);
        }
        if probe.exists("/var/lib/dpkg/status") {
            results.push(("dpkg", dpkg_packages(probe)));
        }
        if probe.exists("/var/lib/pacman/local") {
            results.push(("pacman", pacman_packages(probe)));
        }
        if probe.exists("/nix") {
            results.push(("nix", nix_packages(probe)));
        }
        for (name, h) in spawned {
            let r = h.join().unwrap_or_else(|_| {
                Err(SourceError::new(
                    CollectErrorKind::Failed,
                    "source panicked (bug): please report it",
                ))
            });
            results.push((name, r));
        }
    });
    // A stable order whatever thread finished first: by source, in the order listed above.
    let order = ["dpkg", "rpm", "pacman", "flatpak", "snap", "nix"];
    results.sort_by_key(|(n, _)| order.iter().position(|o| o == n));
    for (name, r) in results {
        match r {
            Ok(mut list) => section.found.software.append(&mut list),
            Err(e) => section.error(Category::Software, name, e),
        }
    }
    Ok(section)
}

/// rpm is only a package source when an rpm database exists: Debian ships the `rpm` tool
/// (for alien, say) without any package in it.
fn rpm_present(probe: &Probe) -> bool {
    let db = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"]
        .iter()
        .any(|d| !probe.list(d).is_empty());
    db && probe.has_program("rpm")
}

/// snapd is installed and running when its socket or its mount root exists.
fn snapd_present(probe: &Probe) -> bool {
    probe.exists("/run/snapd.socket") || probe.exists("/snap")
}

fn mtime(probe: &Probe, path: &str) -> Option<DateTime<Utc>> {
    let m = probe.metadata(path).ok()?.modified().ok()?;
    Some(DateTime::<Utc>::from(m))
}

/// dpkg: the status file, plus one stat per package for the install date: the mtime of
/// `info/<name>.list` (`<name>:<arch>.list` for `Multi-Arch: same`), which dpkg rewrites when
/// it unpacks the package. GLPI Agent uses the same file.
fn dpkg_packages(probe: &Probe) -> SourceResult {
    let text = probe.read("/var/lib/dpkg/status")?;
    let packages = dpkg::parse_status(&text);
    let mut out = Vec::with_capacity(packages.len());
    let mut path = String::with_capacity(128);
    for p in packages {
        let mut sw = p.software;
        let qualified = sw.arch.as_deref().map(|a| format!("{}:{a}", sw.name));
        let plain = sw.name.clone();
        let candidates: [Option<&str>; 2] = if p.multi_arch_same {
            [qualified.as_deref(), Some(&plain)]
        } else {
            [Some(&plain), qualified.as_deref()]
        };
        for c in candidates.into_iter().flatten() {
            path.clear();
            path.push_str("/var/lib/dpkg/info/");
            path.push_str(c);
            path.push_str(".list");
            if let Some(t) = mtime(probe, &path) {
                sw.install_date = Some(t);
                break;
            }
        }
        out.push(sw);
    }
    Ok(out)
}

fn rpm_packages(probe: &Probe) -> SourceResult {
    let out = probe.run("rpm", &["-qa", "--queryformat", rpm::QUERY_FORMAT])?;
    Ok(rpm::parse_rpm_qa(&out))
}

/// pacman: one `desc` file per package directory of the local database.
fn pacman_packages(probe: &Probe) -> SourceResult {
    let mut out = Vec::new();
    for dir in probe.list("/var/lib/pacman/local") {
        if dir == "ALPM_DB_VERSION" {
            continue;
        }
        let Ok(text) = probe.read(format!("/var/lib/pacman/local/{dir}/desc")) else {
            continue;
        };
        if let Some(sw) = pacman::parse_desc(&text) {
            out.push(sw);
        }
    }
    Ok(out)
}

fn flatpak_packages(probe: &Probe) -> SourceResult {
    let cols = flatpak::COLUMNS.join(",");
    let out = probe.run("flatpak", &["list", &format!("--columns={cols}")])?;
    Ok(flatpak::parse_list(&out, &flatpak::COLUMNS))
}

/// snap: `snap list`, plus the install date of each revision: the mtime of its squashfs under
/// `/var/lib/snapd/snaps/<name>_<rev>.snap`, written when that revision was installed.
fn snap_packages(probe: &Probe) -> SourceResult {
    let out = probe.run("snap", &["list", "--unicode=never", "--color=never"])?;
    let mut list = snap::parse_list(&out);
    for s in &mut list {
        if let Some(id) = &s.guid {
            s.install_date = mtime(probe, &format!("/var/lib/snapd/snaps/{id}.snap"));
        }
    }
    Ok(list)
}

/// nix: the JSON manifests of the default profile and of every user's profile (`nix profile`);
/// when there is none (profiles managed by `nix-env`, whose manifest is a Nix expression),
/// `nix-env -q --installed --json` for the profile of the agent's user.
fn nix_packages(probe: &Probe) -> SourceResult {
    let mut manifests = vec!["/nix/var/nix/profiles/default/manifest.json".to_string()];
    for user in probe.list("/nix/var/nix/profiles/per-user") {
        manifests.push(format!(
            "/nix/var/nix/profiles/per-user/{user}/profile/manifest.json"
        ));
    }
    let mut out: Vec<Software> = Vec::new();
    let mut found = false;
    for m in &manifests {
        let Ok(text) = probe.read(m) else { continue };
        found = true;
        let list = nix::parse_profile_manifest(&text)
            .map_err(|e| SourceError::new(CollectErrorKind::Parse, format!("{m}: {e}")))?;
        for sw in list {
            // The same store path in two profiles is one installed package.
            if !out.iter().any(|o| o.folder == sw.folder) {
                out.push(sw);
            }
        }
    }
    if !found && probe.has_program("nix-env") {
        let text = probe.run("nix-env", &["-q", "--installed", "--json"])?;
        out = nix::parse_nix_env_json(&text)
            .map_err(|e| SourceError::new(CollectErrorKind::Parse, e.to_string()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::fake_root::t0;
    use std::fs;
    use std::time::Duration;

    const STATUS: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/dpkg/status"
    ));

    #[test]
    fn dpkg_pacman_and_nix_from_a_fake_tree() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        fs::create_dir_all(r.join("var/lib/dpkg/info")).unwrap();
        fs::write(r.join("var/lib/dpkg/status"), STATUS).unwrap();
        fs::write(r.join("var/lib/dpkg/info/adduser.list"), "/.\n").unwrap();
        // libc6 is Multi-Arch: same: its list carries the architecture.
        fs::write(r.join("var/lib/dpkg/info/libc6:amd64.list"), "/.\n").unwrap();
        let pac = r.join("var/lib/pacman/local/bash-5.2.026-2");
        fs::create_dir_all(&pac).unwrap();
        fs::write(
            pac.join("desc"),
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/pacman/local/bash-5.2.026-2/desc"
            )),
        )
        .unwrap();
        fs::write(r.join("var/lib/pacman/local/ALPM_DB_VERSION"), "9\n").unwrap();
        // A nix profile whose manifest is broken: nix fails alone.
        fs::create_dir_all(r.join("nix/var/nix/profiles/default")).unwrap();
        fs::write(
            r.join("nix/var/nix/profiles/default/manifest.json"),
            "{not json",
        )
        .unwrap();

        let probe = Probe::fixture(r, t0());
        let s = collect(&probe).unwrap();
        let sw = &s.found.software;
        let names: Vec<_> = sw
            .iter()
            .map(|s| (s.source.as_str(), s.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("dpkg", "adduser"),
                ("dpkg", "base-files"),
                ("dpkg", "libc6"),
                ("dpkg", "zlib1g"),
                ("pacman", "bash"),
            ]
        );
        assert!(sw[0].install_date.is_some());
        assert!(sw[1].install_date.is_none(), "no .list file, no date");
        assert!(sw[2].install_date.is_some(), "libc6:amd64.list found");
        assert_eq!(s.errors.len(), 1);
        assert_eq!(s.errors[0].source.as_deref(), Some("nix"));
        assert_eq!(s.errors[0].kind, CollectErrorKind::Parse);
    }

    #[test]
    fn nothing_present_is_an_empty_list() {
        let dir = tempfile::tempdir().unwrap();
        let s = collect(&Probe::fixture(dir.path(), t0())).unwrap();
        assert!(s.found.software.is_empty());
        assert!(s.errors.is_empty());
    }

    /// On a Debian host: our dpkg list is exactly what dpkg-query reports as installed.
    #[test]
    fn host_dpkg_count_and_versions_match_dpkg_query() {
        if !std::path::Path::new("/var/lib/dpkg/status").exists() {
            return;
        }
        let probe = Probe::system(t0(), Duration::from_secs(20));
        let ours = dpkg_packages(&probe).unwrap();
        let Ok(q) = probe.run(
            "dpkg-query",
            &[
                "-W",
                "-f",
                "${binary:Package}\t${Version}\t${db:Status-Status}\n",
            ],
        ) else {
            return;
        };
        let installed: Vec<(&str, &str)> = q
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                let (n, v, st) = (f.next()?, f.next()?, f.next()?);
                matches!(st, "installed" | "triggers-pending" | "triggers-awaited")
                    .then_some((n, v))
            })
            .collect();
        assert_eq!(ours.len(), installed.len());
        for (n, v) in installed.iter().take(50) {
            // dpkg-query qualifies Multi-Arch: same names with ":arch".
            let bare = n.split(':').next().unwrap();
            assert!(
                ours.iter()
                    .any(|s| s.name == bare && s.version.as_deref() == Some(*v)),
                "{n} {v} missing"
            );
        }
        let with_date = ours.iter().filter(|s| s.install_date.is_some()).count();
        assert_eq!(with_date, ours.len(), "every installed package has a .list");
    }

    /// The whole category on this host, timed (~15 ms for 1179 dpkg packages on a loaded
    /// 2-core VM in release; the bound is loose so a busy CI machine does not fail it).
    #[test]
    fn host_software_is_fast() {
        let probe = Probe::system(t0(), Duration::from_secs(20));
        let _ = collect(&probe); // warm the page cache
        let started = std::time::Instant::now();
        let s = collect(&probe).unwrap();
        let took = started.elapsed();
        eprintln!("software: {} packages in {took:?}", s.found.software.len());
        assert!(took < Duration::from_millis(500), "took {took:?}");
    }
}
