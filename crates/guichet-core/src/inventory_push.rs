//! Collecting the inventory to push: this machine's full inventory (every category, never the
//! quick one attached to reports), saved as a snapshot and queued for the configured server,
//! the same way from `guichet sync --with-inventory`, `guichet agent run` and the app.
//!
//! The first inventory a server receives is therefore always complete; later ones go out as
//! partial inventories (only what changed) when the connector can say so. A scheduled run
//! honours the server's next-contact delay ([`inventory_due`]); the app's background sync
//! ([`background_inventory`]) does not even collect while that delay runs.

use std::time::Duration;

use chrono::{DateTime, Utc};
use guichet_inventory::Inventory;
use guichet_store::{OutboxKind, SnapshotMeta, Store};
use uuid::Uuid;

use crate::{inventory_due, CoreError};

/// Why an inventory is collected for the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InventoryReason {
    /// A person asked (`guichet sync --with-inventory`): queued now; the server receives only
    /// what changed when it holds a previous inventory of this machine.
    Requested,
    /// A person asked for all of it (`guichet sync --full-inventory`): what the server holds is
    /// forgotten first, so the push is a full one.
    Full,
    /// A scheduled run (`guichet agent run`, the app's background sync): queued unless the
    /// server asked for no contact before a later time and nothing structural changed.
    Scheduled,
}

/// What [`collect_inventory_to_push`] did with the inventory it collected and saved.
#[derive(Debug, Clone)]
pub enum InventoryToPush {
    /// Queued for the server.
    Queued(SnapshotMeta),
    /// Not queued: the server asked for no contact before this time.
    Deferred(SnapshotMeta, DateTime<Utc>),
    /// Not queued: no server is configured (the snapshot is history only).
    Saved(SnapshotMeta),
}

impl InventoryToPush {
    /// The snapshot saved.
    pub fn snapshot(&self) -> &SnapshotMeta {
        match self {
            InventoryToPush::Queued(m) | InventoryToPush::Deferred(m, _) => m,
            InventoryToPush::Saved(m) => m,
        }
    }
}

/// This machine's full inventory, every source limited to `timeout`.
pub fn collect_full_inventory(timeout: Duration, now: DateTime<Utc>) -> Inventory {
    guichet_inventory::collect(&guichet_inventory::Options {
        // No category named: every category.
        categories: Vec::new(),
        timeout,
        now,
    })
}

/// Collects this machine's full inventory, saves it as a snapshot and queues it for
/// `connector` (the configured server's kind; `None`: no server, saved only), as `reason`
/// says.
pub async fn collect_inventory_to_push(
    store: &Store,
    connector: Option<&str>,
    reason: InventoryReason,
    timeout: Duration,
    now: DateTime<Utc>,
) -> Result<InventoryToPush, CoreError> {
    if let (Some(c), InventoryReason::Full) = (connector, reason) {
        // Forgetting what was sent makes the next push a full one.
        store.forget_inventory_push(c).await?;
    }
    let mut inv = collect_full_inventory(timeout, now);
    // Guichet's own document carries the last diagnosis (the site register lists machines
    // with problems from it); the GLPI export leaves it out.
    inv.diagnosis = store.last_diagnosis().await?;
    let deviceid = crate::device_id_for(store, inv.hostname().unwrap_or("unknown"), now).await?;
    let meta = store.save_snapshot(&inv, &deviceid, Uuid::new_v4()).await?;
    let Some(connector) = connector else {
        return Ok(InventoryToPush::Saved(meta));
    };
    if reason == InventoryReason::Scheduled {
        if let Some(next) = inventory_due(store, connector, &deviceid, &inv, now).await? {
            return Ok(InventoryToPush::Deferred(meta, next));
        }
    }
    store
        .queue_inventory_push(Uuid::new_v4(), meta.uuid, now)
        .await?;
    Ok(InventoryToPush::Queued(meta))
}

/// The app's background sync: as a scheduled run of [`collect_inventory_to_push`], but nothing
/// is collected (`None`) while an inventory waits in the queue or the server's next-contact
/// time lies ahead, so that a sync every few minutes does not save a snapshot each time.
pub async fn background_inventory(
    store: &Store,
    connector: &str,
    timeout: Duration,
    now: DateTime<Utc>,
) -> Result<Option<InventoryToPush>, CoreError> {
    let queued = store
        .outbox()
        .await?
        .iter()
        .any(|e| e.kind == OutboxKind::PushInventory);
    let deviceid = crate::device_id(store, now).await?;
    let waiting = store
        .last_inventory_push(connector, &deviceid)
        .await?
        .and_then(|p| p.next_contact_at)
        .is_some_and(|t| t > now);
    if queued || waiting {
        return Ok(None);
    }
    let pushed = collect_inventory_to_push(
        store,
        Some(connector),
        InventoryReason::Scheduled,
        timeout,
        now,
    )
    .await?;
    Ok(Some(pushed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_inventory::Category;
    use guichet_store::SnapshotRef;

    #[tokio::test]
    async fn the_inventory_to_push_is_the_full_one_queued_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let now = Utc::now();
        let t = Duration::from_secs(15);

        // No server: history only.
        let saved = collect_inventory_to_push(&store, None, InventoryReason::Scheduled, t, now)
            .await
            .unwrap();
        assert!(matches!(saved, InventoryToPush::Saved(_)), "{saved:?}");
        assert!(store.outbox().await.unwrap().is_empty());

        let pushed =
            collect_inventory_to_push(&store, Some("glpi"), InventoryReason::Requested, t, now)
                .await
                .unwrap();
        let InventoryToPush::Queued(meta) = pushed else {
            panic!("queued: {pushed:?}")
        };
        let (_, inv) = store
            .snapshot(&SnapshotRef::UuidPrefix(meta.uuid.to_string()))
            .await
            .unwrap();
        assert_eq!(inv.categories, Category::ALL.to_vec(), "every category");
        let queue = store.outbox().await.unwrap();
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].kind, OutboxKind::PushInventory);
        assert_eq!(queue[0].snapshot_uuid, Some(meta.uuid));

        // The app's timer collects nothing while one waits in the queue.
        assert!(background_inventory(&store, "glpi", t, now)
            .await
            .unwrap()
            .is_none());
        assert_eq!(store.snapshots().await.unwrap().len(), 2);
    }
}
