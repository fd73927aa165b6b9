//! Reads the live values from the OS: `sysinfo` for everything it covers, `statvfs` for
//! inodes. The only part of `live` that depends on the OS; each function reads one thing.

use sysinfo::{
    CpuRefreshKind, DiskRefreshKind, Disks, MemoryRefreshKind, Networks, ProcessRefreshKind,
    ProcessesToUpdate, RefreshKind, System,
};

use super::{CpuLoad, InodeUse, InterfaceCounters, LiveReadings, MemoryUse, VolumeUse};

/// Every reading at once (the CPU sample of Windows waits 200 ms).
pub fn live_readings() -> LiveReadings {
    LiveReadings {
        cpu: cpu_load(),
        memory: memory_use(),
        volumes: volumes_use(),
        uptime_secs: uptime_secs(),
        interfaces: interface_counters(),
        processes: process_count(),
    }
}

fn logical_cores() -> u32 {
    let sys =
        System::new_with_specifics(RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing()));
    u32::try_from(sys.cpus().len()).unwrap_or(u32::MAX)
}

/// The load averages where the OS keeps them (Linux, macOS).
#[cfg(any(target_os = "linux", target_os = "macos"))]
pub fn cpu_load() -> Option<CpuLoad> {
    let cores = logical_cores();
    let avg = System::load_average();
    (cores > 0).then_some(CpuLoad::Average {
        one: avg.one,
        five: avg.five,
        fifteen: avg.fifteen,
        cores,
    })
}

/// A short sample of the processors' busy time (Windows: its emulated load average starts at
/// zero in every new process).
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
pub fn cpu_load() -> Option<CpuLoad> {
    let mut sys = System::new_with_specifics(
        RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing().with_cpu_usage()),
    );
    let cores = u32::try_from(sys.cpus().len()).unwrap_or(u32::MAX);
    if cores == 0 {
        return None;
    }
    std::thread::sleep(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
    sys.refresh_cpu_usage();
    Some(CpuLoad::Sample {
        busy_percent: sys.global_cpu_usage(),
        over_ms: u64::try_from(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL.as_millis()).unwrap_or(0),
        cores,
    })
}

/// Memory and swap in use; `None` when the OS says nothing (a total of 0).
pub fn memory_use() -> Option<MemoryUse> {
    let sys = System::new_with_specifics(
        RefreshKind::nothing().with_memory(MemoryRefreshKind::everything()),
    );
    (sys.total_memory() > 0).then(|| MemoryUse {
        total_bytes: sys.total_memory(),
        available_bytes: sys.available_memory(),
        swap_total_bytes: sys.total_swap(),
        swap_used_bytes: sys.used_swap(),
    })
}

/// The mounted volumes with their space and inodes. `sysinfo` leaves out pseudo file systems
/// and network shares (NFS, CIFS: `statvfs` on a hard mount whose server is gone never returns).
pub fn volumes_use() -> Vec<VolumeUse> {
    let disks = Disks::new_with_refreshed_list_specifics(DiskRefreshKind::nothing().with_storage());
    disks
        .list()
        .iter()
        .map(|d| {
            let mount_point = d.mount_point().to_string_lossy().into_owned();
            VolumeUse {
                inodes: volume_inodes(&mount_point),
                device: d.name().to_string_lossy().into_owned(),
                fs_type: d.file_system().to_string_lossy().into_owned(),
                total_bytes: d.total_space(),
                available_bytes: d.available_space(),
                read_only: d.is_read_only(),
                removable: d.is_removable(),
                mount_point,
            }
        })
        .collect()
}

/// Inodes of the file system at `path` (`statvfs`); `None` where the file system does not
/// count them (a total of 0: btrfs, vfat) or the OS has no `statvfs` (Windows).
#[cfg(unix)]
pub fn volume_inodes(path: &str) -> Option<InodeUse> {
    let st = rustix::fs::statvfs(path).ok()?;
    (st.f_files > 0).then_some(InodeUse {
        total: st.f_files,
        available: st.f_favail.min(st.f_files),
    })
}

/// Inodes of the file system at `path`: unknown on this OS.
#[cfg(not(unix))]
pub fn volume_inodes(path: &str) -> Option<InodeUse> {
    let _ = path;
    None
}

/// Seconds since boot.
pub fn uptime_secs() -> Option<u64> {
    Some(System::uptime()).filter(|s| *s > 0)
}

/// Every network interface's counters, by name.
pub fn interface_counters() -> Vec<InterfaceCounters> {
    let networks = Networks::new_with_refreshed_list();
    let mut out: Vec<InterfaceCounters> = networks
        .list()
        .iter()
        .map(|(name, n)| InterfaceCounters {
            name: name.clone(),
            received_bytes: n.total_received(),
            transmitted_bytes: n.total_transmitted(),
            received_packets: n.total_packets_received(),
            transmitted_packets: n.total_packets_transmitted(),
            receive_errors: n.total_errors_on_received(),
            transmit_errors: n.total_errors_on_transmitted(),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// How many processes run (every user's; their threads not counted).
pub fn process_count() -> Option<usize> {
    let mut sys = System::new();
    // `nothing()` still lists every thread as a process on Linux: `without_tasks` too.
    let kind = ProcessRefreshKind::nothing().without_tasks();
    sys.refresh_processes_specifics(ProcessesToUpdate::All, true, kind);
    Some(sys.processes().len()).filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On this machine: the readings agree with the kernel's own files.
    #[cfg(target_os = "linux")]
    #[test]
    fn readings_agree_with_proc() {
        let r = live_readings();
        let meminfo = std::fs::read_to_string("/proc/meminfo").expect("meminfo");
        let m = crate::parse::meminfo::parse(&meminfo).expect("parsed");
        let mem = r.memory.expect("memory");
        assert_eq!(mem.total_bytes, m.total_bytes);
        assert_eq!(mem.swap_total_bytes, m.swap_total_bytes);
        let Some(CpuLoad::Average { cores, five, .. }) = r.cpu else {
            panic!("no load average: {:?}", r.cpu)
        };
        let online = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert!(cores as usize >= online, "{cores} < {online}");
        assert!(five >= 0.0);
        let root = r.volumes.iter().find(|v| v.mount_point == "/");
        if let Some(root) = root {
            let st = rustix::fs::statvfs("/").expect("statvfs");
            assert_eq!(root.total_bytes, st.f_blocks * st.f_frsize);
            assert_eq!(
                root.inodes.map(|i| i.total),
                Some(st.f_files).filter(|n| *n > 0)
            );
        }
        assert!(r.uptime_secs.is_some());
        assert!(
            r.interfaces.iter().any(|i| i.name == "lo"),
            "{:?}",
            r.interfaces
        );
        // Processes come and go (other builds run here): compared with /proc before and after.
        // Regression: threads were counted as processes (about twice as many).
        let in_proc = || {
            std::fs::read_dir("/proc")
                .expect("/proc")
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
                .count()
        };
        let before = in_proc();
        let n = process_count().expect("processes");
        let after = in_proc();
        assert!(
            n + 20 >= before.min(after) && n <= before.max(after) + 20,
            "{n} vs {before}..{after}"
        );
    }
}
