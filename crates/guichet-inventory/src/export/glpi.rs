//! PLACEHOLDER: GLPI inventory JSON export (being written).

use crate::model::Inventory;

/// Options of the GLPI export.
#[derive(Debug, Clone)]
pub struct GlpiOptions {
    /// Stable GLPI device id (`hostname-YYYY-MM-DD-HH-MM-SS`).
    pub deviceid: String,
    /// Whether this is a partial inventory.
    pub partial: bool,
}

/// Converts an inventory to a GLPI inventory document.
pub fn to_glpi(_inv: &Inventory, opts: &GlpiOptions) -> serde_json::Value {
    serde_json::json!({"deviceid": opts.deviceid, "action": "inventory", "itemtype": "Computer", "content": {"versionclient": "guichet"}})
}
