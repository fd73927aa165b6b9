//! Exports of an inventory to other formats.

mod csv;
mod glpi;

pub use self::csv::software_csv;
pub use glpi::{to_glpi, GlpiOptions};
