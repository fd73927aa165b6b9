//! `sysinfo`'s view of the machine in the inventory model, for the Windows and macOS
//! collectors: every field it covers (host name, OS name and version, kernel, architecture,
//! boot time, processors, memory, volumes, network interfaces) comes from it there, and the
//! OS-specific sources (CIM, `system_profiler`) add what it does not know (memory modules,
//! BIOS, DNS servers…). The `over_*` merges are pure, so they are tested on Linux.

use chrono::{DateTime, Utc};
use sysinfo::{
    CpuRefreshKind, DiskRefreshKind, Disks, MemoryRefreshKind, Networks, RefreshKind, System,
};

use crate::model::{Cpu, Memory, NetworkInterface, OperatingSystem, Volume};
use crate::parse::ip_json::ip_address;

/// Host name, OS name and version, kernel, architecture and boot time (other fields empty).
pub fn os() -> OperatingSystem {
    let boot = i64::try_from(System::boot_time()).ok().filter(|b| *b > 0);
    let kernel_name = match std::env::consts::OS {
        "linux" => "Linux",
        "windows" => "Windows",
        "macos" => "Darwin",
        other => other,
    };
    OperatingSystem {
        kernel_name: kernel_name.to_string(),
        kernel_version: System::kernel_version(),
        // `sysinfo` names macOS by its kernel.
        name: match System::name() {
            Some(n) if n == "Darwin" => "macOS".to_string(),
            n => n.unwrap_or_default(),
        },
        version: System::os_version(),
        full_name: System::long_os_version().unwrap_or_default(),
        arch: System::cpu_arch(),
        hostname: System::host_name().unwrap_or_default(),
        boot_time: boot.and_then(|b| DateTime::<Utc>::from_timestamp(b, 0)),
        ..Default::default()
    }
}

/// One record for all processors (name, vendor, speed, cores, threads), if any.
pub fn cpu() -> Option<Cpu> {
    let sys = System::new_with_specifics(
        RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing().with_frequency()),
    );
    sys.cpus().first().map(|c| Cpu {
        name: c.brand().trim().to_string(),
        vendor: Some(c.vendor_id().trim().to_string()).filter(|v| !v.is_empty()),
        speed_mhz: u32::try_from(c.frequency()).ok().filter(|f| *f > 0),
        cores: System::physical_core_count().and_then(|n| u32::try_from(n).ok()),
        threads: u32::try_from(sys.cpus().len()).ok(),
        ..Default::default()
    })
}

/// Totals of memory and swap (no modules).
pub fn memory() -> Memory {
    let sys = System::new_with_specifics(
        RefreshKind::nothing().with_memory(MemoryRefreshKind::everything()),
    );
    Memory {
        total_bytes: sys.total_memory(),
        available_bytes: Some(sys.available_memory()),
        swap_total_bytes: sys.total_swap(),
        swap_free_bytes: Some(sys.free_swap()),
        ..Default::default()
    }
}

/// Mounted volumes with their space (no label, UUID or encryption).
pub fn volumes() -> Vec<Volume> {
    let disks = Disks::new_with_refreshed_list_specifics(DiskRefreshKind::nothing().with_storage());
    disks
        .list()
        .iter()
        .map(|d| Volume {
            mount_point: d.mount_point().to_string_lossy().into_owned(),
            device: Some(d.name().to_string_lossy().into_owned()).filter(|n| !n.is_empty()),
            fs_type: d.file_system().to_string_lossy().into_owned(),
            total_bytes: d.total_space(),
            free_bytes: d.available_space(),
            ..Default::default()
        })
        .collect()
}

/// Interfaces with their MAC, addresses and MTU (status and kind unknown).
pub fn network() -> Vec<NetworkInterface> {
    let networks = Networks::new_with_refreshed_list();
    let mut out: Vec<NetworkInterface> = networks
        .list()
        .iter()
        .map(|(name, n)| {
            let mac = n.mac_address();
            let mut i = NetworkInterface {
                name: name.clone(),
                mac: (!mac.is_unspecified()).then(|| mac.to_string().to_ascii_lowercase()),
                mtu: u32::try_from(n.mtu()).ok().filter(|m| *m > 0),
                status: "unknown".into(),
                kind: "other".into(),
                ..Default::default()
            };
            for net in n.ip_networks() {
                let Some(a) = ip_address(&net.addr.to_string(), net.prefix) else {
                    continue;
                };
                match net.addr {
                    std::net::IpAddr::V4(_) => i.ipv4.push(a),
                    std::net::IpAddr::V6(_) => i.ipv6.push(a),
                }
            }
            i
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn non_empty(s: &str) -> bool {
    !s.trim().is_empty()
}

/// `base` (from the OS's own tools, if they answered) with every field `sysinfo` gives
/// taken from `sysinfo`.
pub fn over_os(s: &OperatingSystem, base: Option<OperatingSystem>) -> OperatingSystem {
    let mut os = base.unwrap_or_default();
    for (to, from) in [
        (&mut os.kernel_name, &s.kernel_name),
        (&mut os.name, &s.name),
        (&mut os.full_name, &s.full_name),
        (&mut os.arch, &s.arch),
        (&mut os.hostname, &s.hostname),
    ] {
        if non_empty(from) {
            to.clone_from(from);
        }
    }
    os.kernel_version = s.kernel_version.clone().or(os.kernel_version);
    os.version = s.version.clone().or(os.version);
    os.boot_time = s.boot_time.or(os.boot_time);
    os
}

/// `base`'s modules and slots with `sysinfo`'s totals.
pub fn over_memory(s: &Memory, base: Option<Memory>) -> Memory {
    let mut m = base.unwrap_or_default();
    if s.total_bytes > 0 {
        m.total_bytes = s.total_bytes;
        m.available_bytes = s.available_bytes;
        m.swap_total_bytes = s.swap_total_bytes;
        m.swap_free_bytes = s.swap_free_bytes;
    }
    m
}

/// `base`'s processors (one per socket, with family, cache…) with `sysinfo`'s name, vendor
/// and speed; its cores and threads too when there is one socket. `sysinfo`'s record alone
/// when `base` has none.
pub fn over_cpus(s: Option<&Cpu>, base: Vec<Cpu>) -> Vec<Cpu> {
    let Some(s) = s else {
        return base;
    };
    if base.is_empty() {
        return vec![s.clone()];
    }
    let single = base.len() == 1;
    base.into_iter()
        .map(|mut c| {
            if non_empty(&s.name) {
                c.name.clone_from(&s.name);
            }
            c.vendor = s.vendor.clone().or(c.vendor);
            c.speed_mhz = s.speed_mhz.or(c.speed_mhz);
            if single {
                c.cores = s.cores.or(c.cores);
                c.threads = s.threads.or(c.threads);
            }
            c
        })
        .collect()
}

/// `sysinfo`'s interfaces (name, MAC, addresses, MTU), each completed by the interface of
/// `base` with the same MAC address (description, gateway, DHCP, speed, status, kind).
pub fn over_network(
    sysinfo: &[NetworkInterface],
    base: Vec<NetworkInterface>,
) -> Vec<NetworkInterface> {
    if sysinfo.is_empty() {
        return base;
    }
    sysinfo
        .iter()
        .map(|s| {
            let twin = base
                .iter()
                .find(|b| b.mac.is_some() && b.mac == s.mac)
                .or_else(|| base.iter().find(|b| b.name == s.name));
            let mut i = twin.cloned().unwrap_or_default();
            i.name.clone_from(&s.name);
            i.mac = s.mac.clone().or(i.mac);
            i.mtu = s.mtu.or(i.mtu);
            if !s.ipv4.is_empty() || !s.ipv6.is_empty() {
                i.ipv4.clone_from(&s.ipv4);
                i.ipv6.clone_from(&s.ipv6);
            }
            if twin.is_none() {
                i.status.clone_from(&s.status);
                i.kind.clone_from(&s.kind);
            }
            i
        })
        .collect()
}

/// `sysinfo`'s volumes (mount point, device, file system, space), each completed by the volume
/// of `base` at the same mount point (`C:` and `C:\` are the same): label, UUID, encryption.
pub fn over_volumes(sysinfo: &[Volume], base: Vec<Volume>) -> Vec<Volume> {
    if sysinfo.is_empty() {
        return base;
    }
    let key = |m: &str| m.trim_end_matches(['\\', '/']).to_ascii_lowercase();
    sysinfo
        .iter()
        .map(|s| {
            let mut v = s.clone();
            if let Some(b) = base
                .iter()
                .find(|b| key(&b.mount_point) == key(&s.mount_point))
            {
                v.device = v.device.or_else(|| b.device.clone());
                v.label.clone_from(&b.label);
                v.uuid.clone_from(&b.uuid);
                v.encryption.clone_from(&b.encryption);
            }
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::too_many_lines)] // one merge per category, checked one after the other
    fn sysinfo_fields_win_and_the_rest_is_kept() {
        let sys_os = OperatingSystem {
            name: "Windows".into(),
            hostname: "PC-42".into(),
            version: Some("11 (26100)".into()),
            ..Default::default()
        };
        let os = over_os(
            &sys_os,
            Some(OperatingSystem {
                name: "Microsoft Windows 11 Pro".into(),
                hostname: "old".into(),
                machine_id: Some("guid".into()),
                ..Default::default()
            }),
        );
        assert_eq!(
            (os.name.as_str(), os.hostname.as_str()),
            ("Windows", "PC-42")
        );
        assert_eq!(os.machine_id.as_deref(), Some("guid"));
        let sys_cpu = Cpu {
            name: "Intel(R) Core(TM) i5".into(),
            threads: Some(8),
            cores: Some(4),
            ..Default::default()
        };
        let cpus = over_cpus(
            Some(&sys_cpu),
            vec![Cpu {
                name: "x".into(),
                family: Some(6),
                ..Default::default()
            }],
        );
        assert_eq!(cpus[0].name, "Intel(R) Core(TM) i5");
        assert_eq!((cpus[0].family, cpus[0].threads), (Some(6), Some(8)));
        assert_eq!(over_cpus(Some(&sys_cpu), vec![]), vec![sys_cpu.clone()]);
        let sys_mem = Memory {
            total_bytes: 16 << 30,
            available_bytes: Some(9 << 30),
            ..Default::default()
        };
        let m = over_memory(
            &sys_mem,
            Some(Memory {
                total_bytes: 1,
                slots: Some(2),
                ..Default::default()
            }),
        );
        assert_eq!((m.total_bytes, m.slots), (16 << 30, Some(2)));
        let sys_net = [NetworkInterface {
            name: "Ethernet".into(),
            mac: Some("aa:bb:cc:dd:ee:ff".into()),
            ipv4: vec![ip_address("192.168.1.20", 24).expect("ip")],
            ..Default::default()
        }];
        let net = over_network(
            &sys_net,
            vec![NetworkInterface {
                name: "Intel(R) Ethernet".into(),
                mac: Some("aa:bb:cc:dd:ee:ff".into()),
                gateway: Some("192.168.1.1".into()),
                status: "up".into(),
                ..Default::default()
            }],
        );
        assert_eq!(net.len(), 1);
        assert_eq!(net[0].name, "Ethernet");
        assert_eq!(net[0].gateway.as_deref(), Some("192.168.1.1"));
        assert_eq!(net[0].ipv4[0].address, "192.168.1.20");
        assert_eq!(net[0].status, "up");
        let sys_vol = [Volume {
            mount_point: "C:\\".into(),
            fs_type: "NTFS".into(),
            total_bytes: 100,
            free_bytes: 40,
            ..Default::default()
        }];
        let vols = over_volumes(
            &sys_vol,
            vec![Volume {
                mount_point: "C:".into(),
                free_bytes: 1,
                label: Some("Windows".into()),
                ..Default::default()
            }],
        );
        assert_eq!(vols[0].mount_point, "C:\\");
        assert_eq!(
            (vols[0].free_bytes, vols[0].label.as_deref()),
            (40, Some("Windows"))
        );
    }

    /// The Windows and macOS collectors, run here where their own tools (PowerShell,
    /// `system_profiler`) do not exist: each category still has `sysinfo`'s fields, and the
    /// missing tool is recorded as the category's error.
    #[cfg(target_os = "linux")]
    #[test]
    fn windows_and_macos_collectors_keep_sysinfo_fields_without_their_tools() {
        use crate::model::Category;
        let probe = crate::probe::Probe::system(Utc::now(), std::time::Duration::from_secs(10));
        let meminfo = std::fs::read_to_string("/proc/meminfo").expect("meminfo");
        let total = crate::parse::meminfo::parse(&meminfo)
            .expect("parsed")
            .total_bytes;
        type Table = fn(Category) -> Option<crate::collect::Collector>;
        let collectors: [(&str, Table); 2] = [
            ("windows", crate::windows::collector),
            ("macos", crate::macos::collector),
        ];
        for (name, collector) in collectors {
            let run = |c: Category| {
                let s = collector(c).expect("a collector")(&probe).expect("a section");
                assert!(s.errors.len() <= 1, "{name} {c}: {:?}", s.errors);
                s.found
            };
            let os = run(Category::Os).os.expect("os");
            assert!(
                crate::local_hostname().starts_with(&os.hostname) && !os.hostname.is_empty(),
                "{name}: {os:?}"
            );
            assert!(os.boot_time.is_some(), "{name}: {os:?}");
            assert_eq!(
                run(Category::Memory).memory.map(|m| m.total_bytes),
                Some(total)
            );
            assert!(!run(Category::Cpus).cpus.is_empty(), "{name}");
            assert!(run(Category::Network)
                .network
                .iter()
                .any(|i| i.name == "lo"));
            assert!(run(Category::Volumes)
                .volumes
                .iter()
                .all(|v| v.free_bytes <= v.total_bytes));
        }
    }

    /// On this machine, `sysinfo` agrees with the Linux collector's own sources.
    #[cfg(target_os = "linux")]
    #[test]
    fn this_machine_agrees_with_proc() {
        assert_eq!(os().hostname, crate::local_hostname());
        let meminfo = std::fs::read_to_string("/proc/meminfo").expect("meminfo");
        let m = crate::parse::meminfo::parse(&meminfo).expect("parsed");
        assert_eq!(memory().total_bytes, m.total_bytes);
        assert!(cpu().expect("cpu").threads.unwrap_or(0) >= 1);
        assert!(network().iter().any(|i| i.name == "lo"));
        assert!(volumes().iter().all(|v| v.free_bytes <= v.total_bytes));
    }
}
