//! Hardware and software inventory for Guichet.
//!
//! * [`model`]: typed records for every category, each field documented with its unit.
//! * Collection: [`collect`] runs one collector per category of the current OS in parallel
//!   against one deadline; each collector fetches through a [`Probe`] (files, commands) and hands
//!   the raw text to a pure parser in [`parse`]. Fetching is the only OS-specific part
//!   (`cfg(target_os)`); Windows and macOS parsers are tested on Linux against recorded outputs.
//! * Export: GLPI inventory JSON ([`to_glpi`]), native JSON (serde), CSV of software
//!   ([`software_csv`]).
//! * Import: [`import::import_file`] reads native JSON, GLPI JSON and OCS/FusionInventory XML
//!   back into the model (for the site register).
//! * Change history: [`diff`] compares two inventories.
//! * Quick host readings: [`local_hostname`], [`has_default_route`], [`pending_updates`]
//!   (one file each, parsed in [`parse`]), read on demand without a collection; the same for
//!   [`network_state`] (carriers, addresses, default routes, DNS servers: the network checks).
//!   (one file each, parsed in [`parse`]), read on demand without a collection.
//! * Live readings: [`live`] (CPU load, memory and swap in use, space and inodes per volume,
//!   uptime, network counters, processes) through `sysinfo`, for the diagnostics.
//! * Printing: [`printing_status`] reads the CUPS queues and jobs with `lpstat`, on demand.
//! * The system's upkeep, for "Check my computer": [`apt_pending_updates`] (kept on disk
//!   between processes with [`apt_pending_updates_kept`]),
//!   [`reboot_required`], [`failed_units`], [`block_tree`], [`clamav_signatures`]; one
//!   category of the inventory alone (batteries, security products, the machine) with
//!   [`collect_category`].
//! * Ticket summary: [`system_summary`] puts the essentials of an inventory in a few lines of
//!   text for the technician.

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

pub mod import;
pub mod live;
pub mod model;
pub mod parse;

mod collect;
mod diff;
mod export;
mod host;
mod network_state;
mod pending_count_file;
mod platform;
mod printing;
mod probe;
mod summary;
mod upkeep;
mod windows_commands;

#[cfg(target_os = "linux")]
mod linux;
// The Windows and macOS collectors are also built into the tests on Linux: their code is
// type-checked where it cannot run, and their fallback to `sysinfo` is tested (`live::records`).
#[cfg(any(target_os = "macos", all(test, target_os = "linux")))]
mod macos;
#[cfg(any(target_os = "windows", all(test, target_os = "linux")))]
mod windows;

pub use collect::{
    collect, collect_category, collect_with, merge, Collector, Options, Section, SourceError,
};
pub use diff::{diff, Change, ChangeKind, InventoryDiff};
pub use export::{software_csv, spreadsheet_safe, to_glpi, write_csv_record, GlpiOptions};
pub use host::{has_default_route, local_hostname, pending_updates};
pub use model::*;
pub use network_state::{network_state, LinkReading, NetworkState};
pub use parse::lpstat::{PrintJob, PrintQueue, QueueState};
pub use printing::{
    cups_user_name, printing_status, user_name_for_uid, CupsClient, PrintingError, PrintingStatus,
};
pub use probe::{Probe, RunError};
pub use summary::system_summary;
pub use upkeep::{
    apt_pending_updates, apt_pending_updates_kept, block_tree, clamav_signatures, failed_units,
    modified, reboot_required, UnitScope,
};
pub use windows_commands::powershell_args;
