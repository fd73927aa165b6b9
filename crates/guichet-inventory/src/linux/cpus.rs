//! Linux `cpus` collector: `/proc/cpuinfo` grouped by package, refined with sysfs: the
//! topology under `/sys/devices/system/cpu/cpu*/topology` (exact cores and threads per
//! package even where cpuinfo lacks `cpu cores`), the maximum frequency
//! (`cpufreq/cpuinfo_max_freq`, kHz) and the largest cache of cpu0. As root, the dmidecode
//! processor structures add the CPUID signature and the external clock.

use std::collections::{BTreeMap, BTreeSet};

use crate::collect::{Section, SourceError};
use crate::model::Category;
use crate::parse::{cpuinfo, dmidecode};
use crate::probe::Probe;

const CPU: &str = "/sys/devices/system/cpu";

/// Collects one record per processor package.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    let mut section = Section::default();
    let text = probe.read("/proc/cpuinfo")?;
    let mut cpus = cpuinfo::parse(&text);
    if cpus.is_empty() {
        return Err(SourceError::new(
            crate::model::CollectErrorKind::Parse,
            "/proc/cpuinfo lists no processor",
        ));
    }
    let arch = std::env::consts::ARCH.to_string();

    let topo = topology(probe);
    if topo.len() == cpus.len() {
        for (cpu, (threads, cores)) in cpus.iter_mut().zip(topo.values()) {
            cpu.threads = Some(*threads);
            cpu.cores = Some(*cores);
        }
    }
    let max_mhz = probe
        .attr(format!("{CPU}/cpu0/cpufreq/cpuinfo_max_freq"))
        .and_then(|v| v.parse::<u64>().ok())
        .map(|khz| ((khz + 500) / 1000) as u32)
        .filter(|v| *v > 0);
    let cache = largest_cache_kib(probe);
    for cpu in &mut cpus {
        cpu.arch = Some(arch.clone());
        if max_mhz.is_some() {
            cpu.speed_mhz = max_mhz;
        }
        if cache.is_some() {
            cpu.cache_kib = cache;
        }
    }

    if super::dmidecode_usable(probe) {
        match probe.run("dmidecode", &["-t", "4"]) {
            Ok(out) => {
                let dmi = dmidecode::parse(&out).processors();
                if dmi.len() == cpus.len() {
                    for (cpu, d) in cpus.iter_mut().zip(dmi) {
                        cpu.id = d.id;
                        cpu.external_clock_mhz = d.external_clock_mhz;
                        if cpu.name.is_empty() {
                            cpu.name = d.name;
                        }
                    }
                }
            }
            Err(e) => section.error(Category::Cpus, "dmidecode", e),
        }
    }
    section.found.cpus = cpus;
    Ok(section)
}

/// A core's identity inside its package: (die, cluster, core).
type CoreKey = (i64, i64, i64);

/// `package id → (threads, cores)` from sysfs; empty when sysfs has no topology.
fn topology(probe: &Probe) -> BTreeMap<i64, (u32, u32)> {
    let mut packages: BTreeMap<i64, (u32, BTreeSet<CoreKey>)> = BTreeMap::new();
    for name in probe.list(CPU) {
        let Some(n) = name.strip_prefix("cpu") else {
            continue;
        };
        if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let t = |f: &str| {
            probe
                .attr(format!("{CPU}/{name}/topology/{f}"))
                .and_then(|v| v.parse::<i64>().ok())
        };
        let Some(pkg) = t("physical_package_id") else {
            continue;
        };
        let core = (
            t("die_id").unwrap_or(0),
            t("cluster_id").unwrap_or(0),
            t("core_id").unwrap_or(0),
        );
        let e = packages.entry(pkg).or_default();
        e.0 += 1;
        e.1.insert(core);
    }
    packages
        .into_iter()
        .map(|(k, (threads, cores))| (k, (threads, cores.len() as u32)))
        .collect()
}

/// Largest cache size of cpu0 (`index*/size`: `32K`, `8192K`, `1M`), KiB.
fn largest_cache_kib(probe: &Probe) -> Option<u32> {
    let base = format!("{CPU}/cpu0/cache");
    probe
        .list(&base)
        .iter()
        .filter(|n| n.starts_with("index"))
        .filter_map(|n| probe.attr(format!("{base}/{n}/size")))
        .filter_map(|s| {
            let s = s.trim();
            let (num, mult) = match s.chars().last()? {
                'K' | 'k' => (&s[..s.len() - 1], 1),
                'M' | 'm' => (&s[..s.len() - 1], 1024),
                'G' | 'g' => (&s[..s.len() - 1], 1024 * 1024),
                _ => (s, 1),
            };
            num.parse::<u32>().ok().map(|v| v * mult)
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use std::fs;

    fn write(root: &std::path::Path, rel: &str, content: &str) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
    }

    #[test]
    fn cpuinfo_refined_by_sysfs() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        write(
            r,
            "proc/cpuinfo",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../third-party/glpi-agent-fixtures/resources/linux/proc/cpuinfo/toshiba-r630-2-core"
            )),
        );
        // 2 cores × 2 threads on package 0.
        for (cpu, core) in [(0, 0), (1, 2), (2, 0), (3, 2)] {
            write(
                r,
                &format!("sys/devices/system/cpu/cpu{cpu}/topology/physical_package_id"),
                "0\n",
            );
            write(
                r,
                &format!("sys/devices/system/cpu/cpu{cpu}/topology/core_id"),
                &format!("{core}\n"),
            );
        }
        write(
            r,
            "sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq",
            "2267000\n",
        );
        write(r, "sys/devices/system/cpu/cpu0/cache/index0/size", "32K\n");
        write(r, "sys/devices/system/cpu/cpu0/cache/index2/size", "256K\n");
        write(
            r,
            "sys/devices/system/cpu/cpu0/cache/index3/size",
            "3072K\n",
        );
        let s = collect(&Probe::fixture(r, Utc::now())).unwrap();
        assert_eq!(s.found.cpus.len(), 1);
        let c = &s.found.cpus[0];
        assert_eq!(c.name, "Intel(R) Core(TM) i3 CPU M 350 @ 2.27GHz");
        assert_eq!(c.cores, Some(2));
        assert_eq!(c.threads, Some(4));
        assert_eq!(c.speed_mhz, Some(2267));
        assert_eq!(c.cache_kib, Some(3072));
        assert_eq!(c.arch.as_deref(), Some(std::env::consts::ARCH));
    }

    #[test]
    fn missing_cpuinfo_fails_the_category() {
        let dir = tempfile::tempdir().unwrap();
        assert!(collect(&Probe::fixture(dir.path(), Utc::now())).is_err());
    }

    /// On the running host, the thread total must equal the logical CPUs in cpuinfo.
    #[test]
    fn this_host() {
        let probe = Probe::system(Utc::now(), std::time::Duration::from_secs(10));
        let cpus = collect(&probe).unwrap().found.cpus;
        let logical = fs::read_to_string("/proc/cpuinfo")
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("processor"))
            .count() as u32;
        let threads: u32 = cpus.iter().filter_map(|c| c.threads).sum();
        assert_eq!(threads, logical);
    }
}
