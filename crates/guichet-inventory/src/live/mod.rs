//! Live readings of the running machine: how busy it is now, not what it is made of. CPU load,
//! memory and swap in use, space and inodes left on each volume, uptime, network counters and
//! the number of processes, read through `sysinfo` (maintained and tested on Linux, Windows and
//! macOS) plus `statvfs` for inodes, which `sysinfo` does not give.
//!
//! The records here are plain values (serde), so that checks evaluate them as pure functions
//! and tests build them from recorded outputs ([`MemoryUse::from_meminfo`]). Fetching is in
//! `fetch` (the only part with `cfg(target_os)`), one function per reading so a caller pays only
//! for what it reads; [`records`] maps `sysinfo`'s view to the inventory model for the
//! Windows and macOS collectors.

use serde::{Deserialize, Serialize};

use crate::model::Memory;

mod fetch;
pub mod records;

pub use fetch::{
    cpu_load, interface_counters, live_readings, memory_use, process_count, uptime_secs,
    volume_inodes, volumes_use,
};

/// How busy the processors are.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CpuLoad {
    /// The kernel's load averages (Linux, macOS): processes running or waiting for a processor,
    /// averaged over 1, 5 and 15 minutes, for `cores` logical processors.
    Average {
        /// Over the last minute.
        one: f64,
        /// Over the last 5 minutes.
        five: f64,
        /// Over the last 15 minutes.
        fifteen: f64,
        /// Logical processors.
        cores: u32,
    },
    /// Share of time the processors were busy over a short sample (Windows, which keeps no
    /// load average a short-lived process could read).
    Sample {
        /// Percent busy, all processors together.
        busy_percent: f32,
        /// Length of the sample, milliseconds.
        over_ms: u64,
        /// Logical processors.
        cores: u32,
    },
}

impl CpuLoad {
    /// The sustained load per processor: the lower of the 1- and 5-minute averages, divided by
    /// the processors, so that neither a spike (high over 1 minute only) nor a load that has
    /// just ended (high over 5 minutes only) counts. `None` for a sample, which cannot tell.
    pub fn sustained_per_core(&self) -> Option<f64> {
        match *self {
            CpuLoad::Average {
                one, five, cores, ..
            } if cores > 0 => Some(one.min(five) / f64::from(cores)),
            _ => None,
        }
    }
}

/// Memory and swap in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryUse {
    /// Physical memory, bytes.
    pub total_bytes: u64,
    /// Memory programs can still get without swapping (Linux `MemAvailable`), bytes.
    pub available_bytes: u64,
    /// Swap configured, bytes (0: none).
    pub swap_total_bytes: u64,
    /// Swap in use, bytes.
    pub swap_used_bytes: u64,
}

impl MemoryUse {
    /// Memory in use: what programs could not get back without swapping, bytes.
    pub fn used_bytes(&self) -> u64 {
        self.total_bytes.saturating_sub(self.available_bytes)
    }

    /// From the totals of a parsed `/proc/meminfo` (recorded outputs, in tests); `None` when the
    /// kernel is too old to say what is available.
    pub fn from_meminfo(m: &Memory) -> Option<Self> {
        Some(MemoryUse {
            total_bytes: m.total_bytes,
            available_bytes: m.available_bytes?,
            swap_total_bytes: m.swap_total_bytes,
            swap_used_bytes: m
                .swap_total_bytes
                .saturating_sub(m.swap_free_bytes.unwrap_or(m.swap_total_bytes)),
        })
    }
}

/// Inodes (file entries) of a file system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InodeUse {
    /// Inodes the file system has.
    pub total: u64,
    /// Inodes an unprivileged user may still use.
    pub available: u64,
}

/// Space on one mounted volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeUse {
    /// Where it is mounted (`/home`, `C:\`).
    pub mount_point: String,
    /// What is mounted (`/dev/nvme0n1p2`, a volume name), as the OS names it.
    pub device: String,
    /// File system type (`ext4`, `NTFS`, `apfs`, `tmpfs`).
    pub fs_type: String,
    /// Size, bytes.
    pub total_bytes: u64,
    /// Space an unprivileged user may still write, bytes.
    pub available_bytes: u64,
    /// Mounted read-only.
    pub read_only: bool,
    /// On a removable device (USB).
    pub removable: bool,
    /// Inodes, where the OS counts them (`None` on Windows and on file systems that allocate
    /// them on demand, like btrfs).
    pub inodes: Option<InodeUse>,
}

/// Traffic counters of one network interface since it came up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterfaceCounters {
    /// Interface name (`eth0`, `Ethernet`).
    pub name: String,
    /// Bytes received.
    pub received_bytes: u64,
    /// Bytes sent.
    pub transmitted_bytes: u64,
    /// Packets received.
    pub received_packets: u64,
    /// Packets sent.
    pub transmitted_packets: u64,
    /// Receive errors.
    pub receive_errors: u64,
    /// Send errors.
    pub transmit_errors: u64,
}

/// Every live reading at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveReadings {
    /// Processor load, if the OS gives one.
    pub cpu: Option<CpuLoad>,
    /// Memory and swap.
    pub memory: Option<MemoryUse>,
    /// Mounted volumes (pseudo file systems and network shares left out by `sysinfo`).
    pub volumes: Vec<VolumeUse>,
    /// Seconds since boot.
    pub uptime_secs: Option<u64>,
    /// Network interfaces' counters.
    pub interfaces: Vec<InterfaceCounters>,
    /// Processes running.
    pub processes: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sustained_load_ignores_a_spike_and_a_load_that_ended() {
        let avg = |one, five| CpuLoad::Average {
            one,
            five,
            fifteen: 0.0,
            cores: 2,
        };
        assert_eq!(avg(8.0, 1.0).sustained_per_core(), Some(0.5));
        assert_eq!(avg(1.0, 8.0).sustained_per_core(), Some(0.5));
        assert_eq!(avg(6.0, 5.0).sustained_per_core(), Some(2.5));
        let sample = CpuLoad::Sample {
            busy_percent: 99.0,
            over_ms: 200,
            cores: 2,
        };
        assert_eq!(sample.sustained_per_core(), None);
    }

    #[test]
    fn memory_use_from_a_recorded_meminfo() {
        let m =
            crate::parse::meminfo::parse(include_str!("../../tests/fixtures/meminfo/debian12-vm"))
                .expect("meminfo");
        let u = MemoryUse::from_meminfo(&m).expect("MemAvailable");
        assert_eq!(u.total_bytes, 24_684_084 * 1024);
        assert_eq!(u.available_bytes, 24_152_344 * 1024);
        assert_eq!((u.swap_total_bytes, u.swap_used_bytes), (0, 0));
        assert_eq!(u.used_bytes(), (24_684_084 - 24_152_344) * 1024);
    }
}
