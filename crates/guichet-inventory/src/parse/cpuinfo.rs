//! Parser of Linux `/proc/cpuinfo`: one block per logical CPU, grouped into one [`Cpu`] per
//! physical package (`physical id`). Handles the x86 layout (`vendor_id`, `model name`,
//! `cpu cores`, `siblings`…) and the ARM ones (`CPU implementer`/`CPU part` per core on
//! arm64, a single `Processor` line on old 32-bit ARM), where the name is derived from the
//! implementer and part numbers.

use std::collections::BTreeMap;

use crate::model::Cpu;
use crate::parse::dmidecode::{cpu_vendor, speed_from_model_name};

/// One logical CPU block, as `key → value`.
type Block = Vec<(String, String)>;

fn get<'a>(b: &'a Block, key: &str) -> Option<&'a str> {
    b.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn num(b: &Block, key: &str) -> Option<u32> {
    get(b, key).and_then(|v| v.parse().ok())
}

/// Splits cpuinfo into blocks (blank-line separated); lines before the first `processor`
/// and after the last one (ARM `Hardware`, `Revision`, `Model`) form their own blocks.
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut cur: Block = Vec::new();
    for line in text.lines() {
        let Some((k, v)) = line.split_once(':') else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        };
        cur.push((k.trim().to_string(), v.trim().to_string()));
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Collapses runs of spaces (`Intel(R) Xeon(R) CPU           E5504  @ 2.00GHz`).
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Name of an ARM implementer code (`CPU implementer`).
pub fn arm_implementer(code: u32) -> Option<&'static str> {
    Some(match code {
        0x41 => "ARM",
        0x42 => "Broadcom",
        0x43 => "Cavium",
        0x46 => "Fujitsu",
        0x48 => "HiSilicon",
        0x4e => "NVIDIA",
        0x50 => "APM",
        0x51 => "Qualcomm",
        0x53 => "Samsung",
        0x56 => "Marvell",
        0x61 => "Apple",
        0x69 => "Intel",
        0xc0 => "Ampere",
        _ => return None,
    })
}

/// Name of an ARM Ltd core from its `CPU part` number.
pub fn arm_part(part: u32) -> Option<&'static str> {
    Some(match part {
        0xb76 => "ARM1176",
        0xc05 => "Cortex-A5",
        0xc07 => "Cortex-A7",
        0xc08 => "Cortex-A8",
        0xc09 => "Cortex-A9",
        0xc0d => "Cortex-A12",
        0xc0e => "Cortex-A17",
        0xc0f => "Cortex-A15",
        0xd03 => "Cortex-A53",
        0xd04 => "Cortex-A35",
        0xd05 => "Cortex-A55",
        0xd07 => "Cortex-A57",
        0xd08 => "Cortex-A72",
        0xd09 => "Cortex-A73",
        0xd0a => "Cortex-A75",
        0xd0b => "Cortex-A76",
        0xd0c => "Neoverse-N1",
        0xd0d => "Cortex-A77",
        0xd40 => "Neoverse-V1",
        0xd41 => "Cortex-A78",
        0xd44 => "Cortex-X1",
        0xd46 => "Cortex-A510",
        0xd47 => "Cortex-A710",
        0xd49 => "Neoverse-N2",
        0xd4f => "Neoverse-V2",
        _ => return None,
    })
}

fn hex(v: &str) -> Option<u32> {
    let t = v.trim();
    match t.strip_prefix("0x") {
        Some(h) => u32::from_str_radix(h, 16).ok(),
        None => t.parse().ok(),
    }
}

/// Parses `/proc/cpuinfo` into one [`Cpu`] per physical package, sorted by package id.
/// `arch` is left `None` (cpuinfo does not state it; the collector knows it).
pub fn parse(text: &str) -> Vec<Cpu> {
    let all = blocks(text);
    // Machine-wide lines (ARM `Hardware`, old ARM `Processor` before any `processor`).
    let logical: Vec<&Block> = all
        .iter()
        .filter(|b| get(b, "processor").is_some_and(|p| p.parse::<u32>().is_ok()))
        .collect();
    let global: Vec<&Block> = all
        .iter()
        .filter(|b| !logical.iter().any(|l| std::ptr::eq(*l, *b)))
        .collect();

    if logical.is_empty() {
        // Old 32-bit ARM: "Processor : XScale-80219 rev 0 (v5l)" and no per-CPU blocks.
        let name = global.iter().find_map(|b| get(b, "Processor"));
        let Some(name) = name else {
            return Vec::new();
        };
        let implementer = global
            .iter()
            .find_map(|b| get(b, "CPU implementer"))
            .and_then(hex);
        return vec![Cpu {
            name: squeeze(name),
            vendor: implementer.and_then(arm_implementer).map(str::to_string),
            cores: Some(1),
            threads: Some(1),
            ..Default::default()
        }];
    }

    let mut packages: BTreeMap<u32, Vec<&Block>> = BTreeMap::new();
    for b in &logical {
        packages
            .entry(num(b, "physical id").unwrap_or(0))
            .or_default()
            .push(b);
    }
    packages
        .into_values()
        .map(|blocks| package(&blocks, &global))
        .collect()
}

fn package(blocks: &[&Block], global: &[&Block]) -> Cpu {
    let first = blocks[0];
    let threads = blocks.len() as u32;
    let is_arm = get(first, "CPU implementer").is_some();
    let name = get(first, "model name")
        .or_else(|| get(first, "cpu model"))
        .or_else(|| get(first, "cpu"))
        .map(squeeze)
        .or_else(|| arm_name(blocks))
        .or_else(|| global.iter().find_map(|b| get(b, "Processor")).map(squeeze))
        .unwrap_or_default();
    let vendor = get(first, "vendor_id")
        .and_then(cpu_vendor)
        .or_else(|| {
            get(first, "CPU implementer")
                .and_then(hex)
                .and_then(arm_implementer)
                .map(str::to_string)
        })
        .or_else(|| get(first, "vendor").and_then(cpu_vendor));
    let cores = num(first, "cpu cores").or_else(|| {
        let mut ids: Vec<u32> = blocks.iter().filter_map(|b| num(b, "core id")).collect();
        ids.sort_unstable();
        ids.dedup();
        if !ids.is_empty() && ids.len() == blocks.len() {
            Some(ids.len() as u32)
        } else if is_arm {
            // ARM cores listed in cpuinfo have no SMT siblings.
            Some(threads)
        } else if !ids.is_empty() {
            Some(ids.len() as u32)
        } else {
            None
        }
    });
    let threads = num(first, "siblings").unwrap_or(threads);
    let speed = speed_from_model_name(&name).or_else(|| {
        get(first, "cpu MHz")
            .and_then(|v| v.parse::<f64>().ok())
            .map(|v| v.round() as u32)
            .filter(|v| *v > 0)
    });
    let cache_kib = get(first, "cache size").and_then(|v| {
        let mut it = v.split_whitespace();
        let n: u32 = it.next()?.parse().ok()?;
        match it.next().map(|u| u.to_ascii_uppercase()) {
            Some(u) if u == "MB" => Some(n * 1024),
            _ => Some(n),
        }
    });
    Cpu {
        name,
        vendor,
        arch: None,
        family: num(first, "cpu family"),
        model: num(first, "model"),
        stepping: num(first, "stepping"),
        cores,
        threads: Some(threads),
        speed_mhz: speed,
        external_clock_mhz: None,
        cache_kib,
        id: None,
    }
}

/// `ARM Cortex-A53` from the implementer and part numbers; distinct cores of a big.LITTLE
/// package are joined (`ARM Cortex-A55 + Cortex-A76`).
fn arm_name(blocks: &[&Block]) -> Option<String> {
    let implementer = get(blocks[0], "CPU implementer").and_then(hex)?;
    let mut parts: Vec<String> = Vec::new();
    for b in blocks {
        let Some(p) = get(b, "CPU part").and_then(hex) else {
            continue;
        };
        let n = match (implementer, arm_part(p)) {
            (0x41, Some(n)) => n.to_string(),
            _ => format!("part 0x{p:03x}"),
        };
        if !parts.contains(&n) {
            parts.push(n);
        }
    }
    let vendor = arm_implementer(implementer)
        .map(str::to_string)
        .unwrap_or_else(|| format!("implementer 0x{implementer:02x}"));
    (!parts.is_empty()).then(|| format!("{vendor} {}", parts.join(" + ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../third-party/glpi-agent-fixtures/resources/linux/proc/cpuinfo/"
    );

    fn fixture(name: &str) -> Vec<Cpu> {
        parse(&std::fs::read_to_string(format!("{DIR}{name}")).expect("fixture"))
    }

    #[test]
    fn two_socket_xeon_oda() {
        let cpus = fixture("oracle-server-6.7-oda");
        assert_eq!(cpus.len(), 2);
        for c in &cpus {
            assert_eq!(c.name, "Intel(R) Xeon(R) CPU E5-2699 v3 @ 2.30GHz");
            assert_eq!(c.vendor.as_deref(), Some("Intel"));
            assert_eq!(c.cores, Some(4));
            assert_eq!(c.threads, Some(8));
            assert_eq!(c.speed_mhz, Some(2300));
            assert_eq!(c.family, Some(6));
            assert_eq!(c.model, Some(63));
        }
        assert_eq!(cpus[0].cache_kib, Some(46080));
    }

    #[test]
    fn model_name_spaces_are_squeezed_hp_dl180() {
        let cpus = fixture("linux-hp-dl180");
        assert_eq!(cpus.len(), 1);
        assert_eq!(cpus[0].name, "Intel(R) Xeon(R) CPU E5504 @ 2.00GHz");
        assert_eq!(cpus[0].cores, Some(4));
        assert_eq!(cpus[0].threads, Some(4));
        assert_eq!(cpus[0].speed_mhz, Some(2000));
        assert_eq!(cpus[0].cache_kib, Some(4096));
        assert_eq!(cpus[0].stepping, Some(5));
    }

    #[test]
    fn hyperthreaded_laptop_toshiba() {
        let cpus = fixture("toshiba-r630-2-core");
        assert_eq!(cpus.len(), 1);
        assert_eq!(cpus[0].name, "Intel(R) Core(TM) i3 CPU M 350 @ 2.27GHz");
        assert_eq!(cpus[0].cores, Some(2));
        assert_eq!(cpus[0].threads, Some(4));
        assert_eq!(cpus[0].speed_mhz, Some(2270));
    }

    #[test]
    fn vmware_two_vcpus_without_topology_lines() {
        // No "physical id", "cpu cores" nor "core id": the package count and cores are
        // unknown, so one record holds both logical CPUs and cores stays None.
        let cpus = fixture("rhel-6.2-vmware-2vcpus");
        assert_eq!(cpus.len(), 1, "{cpus:#?}");
        assert_eq!(cpus[0].name, "Intel(R) Xeon(R) CPU E7520 @ 1.87GHz");
        assert_eq!(cpus[0].threads, Some(2));
        assert_eq!(cpus[0].cores, None);
        assert_eq!(cpus[0].speed_mhz, Some(1870));
    }

    #[test]
    fn atom_netbook_samsung_nc10() {
        let cpus = fixture("linux-686-samsung-nc10-1");
        assert_eq!(cpus.len(), 1);
        assert_eq!(cpus[0].name, "Intel(R) Atom(TM) CPU N270 @ 1.60GHz");
        assert_eq!(cpus[0].cores, Some(1));
        assert_eq!(cpus[0].threads, Some(2));
        assert_eq!(cpus[0].speed_mhz, Some(1600));
    }

    #[test]
    fn raspberry_pi_3_arm64() {
        let cpus = fixture("linux-raspberry-pi-3-model-b-on-bookworm");
        assert_eq!(cpus.len(), 1);
        assert_eq!(cpus[0].name, "ARM Cortex-A53");
        assert_eq!(cpus[0].vendor.as_deref(), Some("ARM"));
        assert_eq!(cpus[0].cores, Some(4));
        assert_eq!(cpus[0].threads, Some(4));
        assert_eq!(cpus[0].speed_mhz, None);
    }

    #[test]
    fn old_arm_single_processor_line() {
        let cpus = fixture("linux-armel-1");
        assert_eq!(cpus.len(), 1);
        assert_eq!(cpus[0].name, "XScale-80219 rev 0 (v5l)");
        assert_eq!(cpus[0].vendor.as_deref(), Some("Intel"));
    }

    #[test]
    fn empty_input_gives_no_cpu() {
        assert!(parse("").is_empty());
    }
}
