//! The built-in checks, one file each, and [`all_checks`], the one list that runs them.
//!
//! Every check is registered the same way: its file declares a type implementing
//! [`Check`](crate::Check), and [`all_checks`] lists it, wrapped in an `Arc`, at the place it
//! should appear on the page. The steps to add one are in the crate's overview.
//!
//! Beside the checks, a few modules hold what several of them share: `connectivity` (the
//! offline rule and the desk for the network checks), `outcome` (how findings are written;
//! amounts are worded by the crate's `quantity`), `volume_choice` (which volumes the storage
//! checks look at), `recorded` (test support reading recorded outputs), and `here`, `macos`,
//! `windows` (the per-OS readings of the security and reboot checks).

use std::sync::Arc;

use crate::Check;

mod connectivity;
mod outcome;
#[cfg(test)]
mod recorded;
mod volume_choice;

// Per-OS readings of the security and reboot checks: the parsers are compiled everywhere and
// tested on Linux, the fetch only where it runs (and in the Linux tests).
mod here;
#[cfg_attr(not(any(target_os = "macos", test)), allow(dead_code, unused_imports))]
mod macos;
#[cfg_attr(
    not(any(target_os = "windows", test)),
    allow(dead_code, unused_imports)
)]
mod windows;

mod antivirus;
mod battery;
mod clock_offset;
mod cpu_load;
mod desk_https;
mod encryption;
mod failed_units;
mod firewall;
mod memory_pressure;
mod memory_swap;
mod network_dns;
mod network_gateway;
mod network_link;
mod network_proxy;
mod printing_jobs;
mod printing_queues;
mod reboot;
mod storage_free;
mod storage_inodes;
mod updates;

pub use connectivity::network_up;
pub use printing_jobs::PrintingJobs;
pub use printing_queues::PrintingQueues;

/// Every built-in check, in the order the page shows them.
pub fn all_checks() -> Vec<Arc<dyn Check>> {
    vec![
        Arc::new(storage_free::StorageFree),
        Arc::new(storage_inodes::StorageInodes),
        Arc::new(memory_pressure::MemoryPressure),
        Arc::new(memory_swap::MemorySwap),
        Arc::new(cpu_load::CpuLoadCheck),
        Arc::new(network_link::NetworkLink),
        Arc::new(network_gateway::NetworkGateway),
        Arc::new(network_dns::NetworkDns),
        Arc::new(network_proxy::NetworkProxy),
        Arc::new(desk_https::DeskHttps),
        Arc::new(clock_offset::ClockOffset),
        Arc::new(PrintingQueues::default()),
        Arc::new(PrintingJobs::default()),
        Arc::new(failed_units::FailedUnits),
        Arc::new(reboot::Reboot),
        Arc::new(updates::Updates),
        Arc::new(firewall::Firewall),
        Arc::new(antivirus::Antivirus),
        Arc::new(encryption::Encryption),
        Arc::new(battery::BatteryWear),
    ]
}
