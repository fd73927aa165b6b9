//! Virtualization on Linux: whether this system is physical, a virtual machine or a
//! container, and of which kind, judged from files only (see [`crate::parse::virt`]); no
//! command is run, so the answer costs a handful of small reads.

use crate::collect::{Section, SourceError};
use crate::parse::virt::{self, VirtEvidence};
use crate::probe::Probe;

/// Collects the `virtualization` category.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    let mut section = Section::default();
    section.found.virtualization = Some(virt::detect(&evidence(probe)));
    Ok(section)
}

fn evidence(probe: &Probe) -> VirtEvidence {
    let dmi = |f: &str| probe.attr(format!("/sys/class/dmi/id/{f}"));
    let xen_capabilities = probe
        .exists("/proc/xen")
        .then(|| probe.read("/proc/xen/capabilities").unwrap_or_default());
    // PID 1's environment is readable by root only; unreadable simply means "no evidence".
    let pid1_container_env = probe.read_bytes("/proc/1/environ").ok().and_then(|b| {
        b.split(|c| *c == 0)
            .find_map(|kv| kv.strip_prefix(b"container="))
            .map(|v| String::from_utf8_lossy(v).into_owned())
    });
    VirtEvidence {
        sys_vendor: dmi("sys_vendor"),
        product_name: dmi("product_name"),
        bios_vendor: dmi("bios_vendor"),
        board_vendor: dmi("board_vendor"),
        hypervisor_type: probe.attr("/sys/hypervisor/type"),
        xen_capabilities,
        clocksources: probe
            .attr("/sys/devices/system/clocksource/clocksource0/available_clocksource"),
        cpu_hypervisor_flag: probe
            .read("/proc/cpuinfo")
            .is_ok_and(|c| virt::cpuinfo_has_hypervisor_flag(&c)),
        systemd_container: probe
            .attr("/run/systemd/container")
            .or_else(|| probe.attr("/run/host/container-manager")),
        pid1_container_env,
        dockerenv: probe.exists("/.dockerenv"),
        containerenv: probe.exists("/run/.containerenv"),
        pid1_cgroup: probe.read("/proc/1/cgroup").ok(),
        kernel_release: probe.attr("/proc/sys/kernel/osrelease"),
        openvz: probe.exists("/proc/vz") && !probe.exists("/proc/bc"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::fake_root::t0;

    use std::fs;

    #[test]
    fn vmware_guest_from_a_fake_tree() {
        let dir = tempfile::tempdir().unwrap();
        let dmi = dir.path().join("sys/class/dmi/id");
        fs::create_dir_all(&dmi).unwrap();
        fs::write(dmi.join("sys_vendor"), "VMware, Inc.\n").unwrap();
        fs::write(dmi.join("product_name"), "VMware7,1\n").unwrap();
        let s = collect(&Probe::fixture(dir.path(), t0())).unwrap();
        let v = s.found.virtualization.unwrap();
        assert_eq!(v.role, "vm");
        assert_eq!(v.hypervisor.as_deref(), Some("vmware"));
        assert_eq!(v.container, None);
    }

    #[test]
    fn empty_tree_is_physical() {
        let dir = tempfile::tempdir().unwrap();
        let s = collect(&Probe::fixture(dir.path(), t0())).unwrap();
        assert_eq!(s.found.virtualization.unwrap().role, "physical");
    }

    /// Cross-check with systemd-detect-virt where it is installed.
    #[test]
    fn host_agrees_with_systemd_detect_virt() {
        let probe = Probe::system(t0(), std::time::Duration::from_secs(10));
        if !probe.has_program("systemd-detect-virt") {
            return;
        }
        let ours = collect(&probe).unwrap().found.virtualization.unwrap();
        // It exits 1 when it prints "none".
        let answer = |args: &[&str]| match probe.run("systemd-detect-virt", args) {
            Ok(s) => s.trim().to_string(),
            Err(_) => "none".to_string(),
        };
        let map = |s: String| match s.as_str() {
            "microsoft" => "hyperv".to_string(),
            "oracle" => "virtualbox".to_string(),
            _ => s,
        };
        let container = answer(&["--container"]);
        let vm = map(answer(&["--vm"]));
        if container != "none" {
            assert_eq!(ours.role, "container");
            assert_eq!(ours.container.as_deref(), Some(container.as_str()));
        } else if vm != "none" {
            assert_eq!(ours.role, "vm");
        } else {
            assert_eq!(ours.role, "physical");
        }
        // Hypervisor names agree where both know one (systemd reads CPUID, which may name
        // one the files do not, e.g. "kvm" seen by us as "qemu" from DMI alone).
        if vm != "none" && vm != "qemu" {
            if let Some(h) = &ours.hypervisor {
                assert_eq!(h, &vm);
            }
        }
    }
}
