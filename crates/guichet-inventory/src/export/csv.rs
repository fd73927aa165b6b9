//! PLACEHOLDER: CSV export of software (being written).

use crate::model::Inventory;

/// Writes the software list as CSV.
pub fn software_csv(_inv: &Inventory) -> String {
    String::new()
}
