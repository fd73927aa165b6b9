//! Virtual machine and container detection from files, the way `systemd-detect-virt` decides
//! but without running it: DMI strings, `/sys/hypervisor/type`, Xen's `/proc/xen`, the
//! clock sources the kernel offers (`kvm-clock`, `xen`, `hyperv_clocksource…` only exist in
//! guests), the `hypervisor` CPU flag, and for containers the marker files runtimes leave
//! (`/.dockerenv`, `/run/.containerenv`, `/run/systemd/container`), PID 1's `container=`
//! variable, its cgroup paths, and WSL's kernel release.
//!
//! A container inside a VM reports both: role `container`, its runtime, and the hypervisor.

use crate::model::Virtualization;

/// What the collector read; every field is optional so that any subset can be judged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VirtEvidence {
    /// `/sys/class/dmi/id/sys_vendor`.
    pub sys_vendor: Option<String>,
    /// `/sys/class/dmi/id/product_name`.
    pub product_name: Option<String>,
    /// `/sys/class/dmi/id/bios_vendor`.
    pub bios_vendor: Option<String>,
    /// `/sys/class/dmi/id/board_vendor`.
    pub board_vendor: Option<String>,
    /// `/sys/hypervisor/type` (`xen` under Xen).
    pub hypervisor_type: Option<String>,
    /// `/proc/xen/capabilities` when `/proc/xen` exists (empty string if unreadable);
    /// `control_d` in it marks dom0, the privileged host domain, which is not a guest.
    pub xen_capabilities: Option<String>,
    /// `/sys/devices/system/clocksource/clocksource0/available_clocksource`.
    pub clocksources: Option<String>,
    /// Whether `/proc/cpuinfo` flags contain `hypervisor` (set by every x86 hypervisor).
    pub cpu_hypervisor_flag: bool,
    /// Content of `/run/systemd/container` or `/run/host/container-manager`.
    pub systemd_container: Option<String>,
    /// Value of `container=` in `/proc/1/environ` (readable by root only).
    pub pid1_container_env: Option<String>,
    /// `/.dockerenv` exists.
    pub dockerenv: bool,
    /// `/run/.containerenv` exists (podman).
    pub containerenv: bool,
    /// `/proc/1/cgroup`.
    pub pid1_cgroup: Option<String>,
    /// `/proc/sys/kernel/osrelease`.
    pub kernel_release: Option<String>,
    /// `/proc/vz` exists and `/proc/bc` does not (inside an OpenVZ container).
    pub openvz: bool,
}

/// Hypervisor from DMI strings, with the names `systemd-detect-virt` uses except where the
/// model documents its own (`hyperv`, `virtualbox`).
pub fn hypervisor_from_dmi(e: &VirtEvidence) -> Option<&'static str> {
    let fields = [
        e.sys_vendor.as_deref(),
        e.product_name.as_deref(),
        e.bios_vendor.as_deref(),
        e.board_vendor.as_deref(),
    ];
    let product = e.product_name.as_deref().unwrap_or("");
    for f in fields.into_iter().flatten() {
        let f = f.trim();
        let hv = match f {
            _ if f.starts_with("KVM") => "kvm",
            _ if f.starts_with("QEMU") => "qemu",
            _ if f.starts_with("VMware") || f.starts_with("VMW") => "vmware",
            _ if f.starts_with("innotek GmbH") || f == "VirtualBox" => "virtualbox",
            _ if f.starts_with("Oracle Corporation") && product.contains("VirtualBox") => {
                "virtualbox"
            }
            _ if f.starts_with("Microsoft Corporation") && product == "Virtual Machine" => "hyperv",
            _ if f.starts_with("Xen") => "xen",
            _ if f.starts_with("Amazon EC2") => "amazon",
            _ if f.starts_with("Google") => "google",
            _ if f.starts_with("Parallels") => "parallels",
            _ if f.starts_with("BHYVE") => "bhyve",
            _ if f.starts_with("Bochs") => "bochs",
            _ if f.starts_with("Apple Virtualization") => "apple",
            _ if f.starts_with("OpenStack") => "kvm",
            _ => continue,
        };
        return Some(hv);
    }
    None
}

/// Judges the evidence.
pub fn detect(e: &VirtEvidence) -> Virtualization {
    let hypervisor = hypervisor(e);
    let container = container(e);
    let role = if container.is_some() {
        "container"
    } else if hypervisor.is_some() || e.cpu_hypervisor_flag {
        "vm"
    } else {
        "physical"
    };
    Virtualization {
        role: role.into(),
        hypervisor: hypervisor.map(str::to_string),
        container,
    }
}

fn hypervisor(e: &VirtEvidence) -> Option<&'static str> {
    // Xen dom0 runs on the hypervisor but owns the hardware: a physical host.
    if let Some(caps) = &e.xen_capabilities {
        if caps.contains("control_d") {
            return None;
        }
    }
    let clock = |name: &str| {
        e.clocksources
            .as_deref()
            .is_some_and(|c| c.split_whitespace().any(|s| s.starts_with(name)))
    };
    // KVM shows under QEMU's DMI strings: the paravirtual clock tells them apart, as CPUID
    // does for systemd.
    if clock("kvm-clock") {
        return Some("kvm");
    }
    if let Some(hv) = hypervisor_from_dmi(e) {
        return Some(hv);
    }
    if e.hypervisor_type.as_deref().map(str::trim) == Some("xen")
        || e.xen_capabilities.is_some()
        || clock("xen")
    {
        return Some("xen");
    }
    if clock("hyperv_clocksource") {
        return Some("hyperv");
    }
    None
}

fn container(e: &VirtEvidence) -> Option<String> {
    let named = |s: &str| {
        let s = s.trim().trim_matches('"');
        (!s.is_empty()).then(|| match s {
            "oci" => "docker".to_string(),
            other => other.to_string(),
        })
    };
    if let Some(c) = e.systemd_container.as_deref().and_then(named) {
        return Some(c);
    }
    if let Some(c) = e.pid1_container_env.as_deref().and_then(named) {
        return Some(c);
    }
    if e.containerenv {
        return Some("podman".into());
    }
    if e.dockerenv {
        return Some("docker".into());
    }
    if let Some(r) = &e.kernel_release {
        if r.contains("Microsoft") || r.contains("microsoft") || r.contains("WSL") {
            return Some("wsl".into());
        }
    }
    if e.openvz {
        return Some("openvz".into());
    }
    if let Some(cg) = &e.pid1_cgroup {
        for line in cg.lines() {
            let path = line.splitn(3, ':').nth(2).unwrap_or("");
            if path.contains("/docker/") || path.contains("/docker-") {
                return Some("docker".into());
            }
            if path.contains("/libpod-") {
                return Some("podman".into());
            }
            if path.contains("/lxc/") || path.contains("/lxc.payload") {
                return Some("lxc".into());
            }
            if path.contains("/kubepods") {
                return Some("kubernetes".into());
            }
        }
    }
    None
}

/// Whether `/proc/cpuinfo` lists the `hypervisor` flag (x86 guests). Only the first
/// processor's `flags` line is looked at: every CPU has the same.
pub fn cpuinfo_has_hypervisor_flag(cpuinfo: &str) -> bool {
    cpuinfo
        .lines()
        .find(|l| l.starts_with("flags"))
        .and_then(|l| l.split_once(':'))
        .is_some_and(|(_, f)| f.split_whitespace().any(|x| x == "hypervisor"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CPUINFO_VM: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/virt/cpuinfo"
    ));

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn docker_inside_kvm_recorded_on_a_firecracker_vm() {
        let e = VirtEvidence {
            clocksources: s(include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/virt/available_clocksource"
            ))),
            cpu_hypervisor_flag: cpuinfo_has_hypervisor_flag(CPUINFO_VM),
            dockerenv: true,
            pid1_cgroup: s(include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/virt/cgroup"
            ))),
            kernel_release: s("6.18.44-fc-v669"),
            ..Default::default()
        };
        assert!(e.cpu_hypervisor_flag);
        let v = detect(&e);
        assert_eq!(v.role, "container");
        assert_eq!(v.container.as_deref(), Some("docker"));
        assert_eq!(v.hypervisor.as_deref(), Some("kvm"));
    }

    #[test]
    fn dmi_vendors() {
        let dmi = |vendor: &str, product: &str| VirtEvidence {
            sys_vendor: s(vendor),
            product_name: s(product),
            ..Default::default()
        };
        let hv = |e: VirtEvidence| detect(&e).hypervisor;
        assert_eq!(
            hv(dmi("VMware, Inc.", "VMware Virtual Platform")).as_deref(),
            Some("vmware")
        );
        assert_eq!(
            hv(dmi("innotek GmbH", "VirtualBox")).as_deref(),
            Some("virtualbox")
        );
        assert_eq!(
            hv(dmi("Microsoft Corporation", "Virtual Machine")).as_deref(),
            Some("hyperv")
        );
        // A Surface laptop is a Microsoft machine, not a Hyper-V guest.
        assert_eq!(hv(dmi("Microsoft Corporation", "Surface Laptop 4")), None);
        assert_eq!(hv(dmi("Amazon EC2", "m5.large")).as_deref(), Some("amazon"));
        assert_eq!(
            hv(dmi("Google", "Google Compute Engine")).as_deref(),
            Some("google")
        );
        assert_eq!(
            hv(dmi("QEMU", "Standard PC (Q35 + ICH9, 2009)")).as_deref(),
            Some("qemu")
        );
        assert_eq!(detect(&dmi("Dell Inc.", "Latitude 7420")).role, "physical");
    }

    #[test]
    fn xen_dom0_is_physical_domu_is_vm() {
        let dom0 = VirtEvidence {
            hypervisor_type: s("xen"),
            xen_capabilities: s("control_d\n"),
            ..Default::default()
        };
        assert_eq!(detect(&dom0).role, "physical");
        let domu = VirtEvidence {
            hypervisor_type: s("xen"),
            xen_capabilities: s(""),
            ..Default::default()
        };
        assert_eq!(detect(&domu).hypervisor.as_deref(), Some("xen"));
        assert_eq!(detect(&domu).role, "vm");
    }

    #[test]
    fn container_markers() {
        let c = |e: VirtEvidence| detect(&e).container;
        assert_eq!(
            c(VirtEvidence {
                systemd_container: s("systemd-nspawn\n"),
                ..Default::default()
            })
            .as_deref(),
            Some("systemd-nspawn")
        );
        assert_eq!(
            c(VirtEvidence {
                containerenv: true,
                dockerenv: true,
                ..Default::default()
            })
            .as_deref(),
            Some("podman")
        );
        assert_eq!(
            c(VirtEvidence {
                kernel_release: s("5.15.167.4-microsoft-standard-WSL2"),
                ..Default::default()
            })
            .as_deref(),
            Some("wsl")
        );
        assert_eq!(
            c(VirtEvidence {
                pid1_cgroup: s("0::/lxc.payload.web01/init.scope\n"),
                ..Default::default()
            })
            .as_deref(),
            Some("lxc")
        );
        assert_eq!(
            c(VirtEvidence {
                pid1_cgroup: s("0::/init.scope\n"),
                ..Default::default()
            }),
            None
        );
    }
}
