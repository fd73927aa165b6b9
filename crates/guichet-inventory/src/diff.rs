//! PLACEHOLDER: inventory diff (being written).

use crate::model::{Category, Inventory};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What changed between two inventories.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InventoryDiff {
    /// When the old inventory was taken.
    pub old_taken_at: DateTime<Utc>,
    /// When the new inventory was taken.
    pub new_taken_at: DateTime<Utc>,
    /// Changes.
    pub changes: Vec<Change>,
}

impl InventoryDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// One change.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Change {
    /// Category.
    pub category: Category,
    /// Kind.
    pub kind: ChangeKind,
    /// Item.
    pub item: String,
    /// Before.
    pub before: Option<String>,
    /// After.
    pub after: Option<String>,
}

/// Kind of change.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum ChangeKind {
    /// Added.
    Added,
    /// Removed.
    Removed,
    /// Changed.
    Changed,
    /// Upgraded.
    Upgraded,
    /// Downgraded.
    Downgraded,
}

/// Compares two inventories.
pub fn diff(old: &Inventory, new: &Inventory) -> InventoryDiff {
    InventoryDiff {
        old_taken_at: old.collected_at,
        new_taken_at: new.collected_at,
        changes: Vec::new(),
    }
}
