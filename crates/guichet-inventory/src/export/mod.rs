//! Exports of an inventory to other formats.

mod csv;
mod glpi;

pub use self::csv::{software_csv, spreadsheet_safe, write_csv_record};
pub use glpi::{to_glpi, GlpiOptions};
