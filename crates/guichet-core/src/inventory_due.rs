//! Whether this machine's inventory goes to the server now.
//!
//! The server's next-contact delay is honoured: when the last inventory this machine sent was
//! answered with a delay (GLPI's `expiration`, in hours) that has not passed yet, a scheduled
//! run sends no inventory, unless it changed structurally since (a category disappeared, the
//! machine's identity changed), as GLPI Agent waits for its next contact too. A person can
//! always send one (`guichet sync --with-inventory`).

use chrono::{DateTime, Utc};
use guichet_inventory::{GlpiOptions, Inventory};
use guichet_store::{SnapshotRef, Store};

use crate::CoreError;

/// `None` when the inventory `inv` should be sent now; else the instant before which the
/// server asked not to be contacted.
pub async fn inventory_due(
    store: &Store,
    connector: &str,
    deviceid: &str,
    inv: &Inventory,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, CoreError> {
    let Some(last) = store.last_inventory_push(connector, deviceid).await? else {
        return Ok(None);
    };
    let Some(next) = last.next_contact_at.filter(|t| *t > now) else {
        return Ok(None);
    };
    // What the server holds; a pruned or unreadable snapshot cannot be compared: send.
    let reference = SnapshotRef::UuidPrefix(last.snapshot_uuid.to_string());
    let Ok((_, previous)) = store.snapshot(&reference).await else {
        return Ok(None);
    };
    // The comparison is the one the GLPI connector makes before a partial inventory, on the
    // documents the server receives: full ones, as this run would send.
    let options = GlpiOptions {
        deviceid: deviceid.to_owned(),
    };
    let previous = guichet_inventory::to_glpi(&previous, &options);
    let previous = previous
        .get("content")
        .and_then(serde_json::Value::as_object)
        .cloned()
        .unwrap_or_default();
    let current = guichet_inventory::to_glpi(inv, &options);
    if guichet_glpi::is_structural_change(&previous, &current) {
        return Ok(None);
    }
    Ok(Some(next))
}
