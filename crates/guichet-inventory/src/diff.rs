//! PLACEHOLDER: inventory diff (being written).

use crate::model::Inventory;
use serde::Serialize;

/// What changed between two inventories.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InventoryDiff {
    /// Changes.
    pub changes: Vec<Change>,
}

/// One change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Kind.
    pub kind: ChangeKind,
}

/// Kind of change.
#[derive(Debug, Clone, Copy, Serialize)]
pub enum ChangeKind {
    /// Added.
    Added,
}

/// Compares two inventories.
pub fn diff(_old: &Inventory, _new: &Inventory) -> InventoryDiff {
    InventoryDiff::default()
}
