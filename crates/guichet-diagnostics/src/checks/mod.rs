//! The built-in checks, one file each. To add one: write its file (readings through
//! `guichet-inventory`, a pure `evaluate` tested on recorded outputs, a `Check` impl), then
//! list it in [`all_checks`] where it should appear on the page.

use std::sync::Arc;

mod printing_jobs;
mod printing_queues;

pub use connectivity::network_up;
pub use printing_jobs::PrintingJobs;
pub use printing_queues::PrintingQueues;

use crate::Check;

mod cpu_load;
mod memory_pressure;
mod memory_swap;
#[cfg(test)]
mod recorded;
mod storage_free;
mod storage_inodes;
mod volume_choice;

mod outcome;

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

pub mod antivirus;
pub mod battery;
mod clock_offset;
mod connectivity;
mod desk_https;
pub mod encryption;
pub mod failed_units;
pub mod firewall;
mod network_dns;
mod network_gateway;
mod network_link;
mod network_proxy;
pub mod reboot;
pub mod updates;

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
        failed_units::check(),
        reboot::check(),
        updates::check(),
        firewall::check(),
        antivirus::check(),
        encryption::check(),
        battery::check(),
    ]
}
