//! Linux collectors: one module per category, each fetching through a [`Probe`](crate::Probe)
//! and parsing with [`crate::parse`].

use crate::collect::Collector;
use crate::model::Category;

#[cfg(test)]
mod fake_root;

mod batteries;
mod controllers;
mod cpus;
mod machine;
mod memory;
mod monitors;
mod network;
mod network_state;
mod os;
mod security;
mod software;
mod storage;
mod usb;
mod users;
mod virtualization;
mod volumes;

pub use network_state::network_state;

/// The Linux collector of each category.
pub fn collector(cat: Category) -> Option<Collector> {
    Some(match cat {
        Category::Os => os::collect,
        Category::Machine => machine::collect,
        Category::Cpus => cpus::collect,
        Category::Memory => memory::collect,
        Category::Storage => storage::collect,
        Category::Volumes => volumes::collect,
        Category::Network => network::collect,
        Category::Controllers => controllers::collect,
        Category::Usb => usb::collect,
        Category::Monitors => monitors::collect,
        Category::Batteries => batteries::collect,
        Category::Users => users::collect,
        Category::Software => software::collect,
        Category::Security => security::collect,
        Category::Virtualization => virtualization::collect,
    })
}

/// Whether running `dmidecode` can tell anything: it needs root, the program, and SMBIOS tables
/// (sysfs export or `/dev/mem`). Many VMs have none, and three failing runs cost ~10 ms.
fn dmidecode_usable(probe: &crate::probe::Probe) -> bool {
    probe.privileged()
        && (probe.exists("/sys/firmware/dmi/tables/DMI") || probe.exists("/dev/mem"))
        && probe.has_program("dmidecode")
}
