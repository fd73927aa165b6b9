//! The built-in checks, one file each. To add one: write its file (readings through
//! `guichet-inventory`, a pure `evaluate` tested on recorded outputs, a `Check` impl), then
//! list it in [`all_checks`] where it should appear on the page.

use std::sync::Arc;

mod printing_jobs;
mod printing_queues;

pub use printing_jobs::PrintingJobs;
pub use printing_queues::PrintingQueues;

use crate::Check;

mod cpu_load;
mod memory_pressure;
mod memory_swap;
mod quantity;
#[cfg(test)]
mod recorded;
mod storage_free;
mod storage_inodes;
mod volume_choice;

/// Every built-in check, in the order the page shows them.
pub fn all_checks() -> Vec<Arc<dyn Check>> {
    vec![
        Arc::new(storage_free::StorageFree),
        Arc::new(storage_inodes::StorageInodes),
        Arc::new(memory_pressure::MemoryPressure),
        Arc::new(memory_swap::MemorySwap),
        Arc::new(cpu_load::CpuLoadCheck),
        Arc::new(PrintingQueues::default()),
        Arc::new(PrintingJobs::default()),
    ]
}
