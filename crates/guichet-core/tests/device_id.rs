//! Device ids: one per store, even for stores created on one host in the same second.

use chrono::{TimeZone, Utc};
use guichet_store::Store;

/// Two stores created on one host in the same second got the same device id
/// (`<host>-<date>-<time>` only), so a bundle between them was refused as the store's own.
#[tokio::test]
async fn two_stores_created_in_one_second_get_different_device_ids() {
    let now = Utc.with_ymd_and_hms(2026, 12, 6, 4, 11, 23).unwrap();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let sa = Store::open(a.path()).await.unwrap();
    let sb = Store::open(b.path()).await.unwrap();
    let ia = guichet_core::device_id_for(&sa, "vm", now).await.unwrap();
    let ib = guichet_core::device_id_for(&sb, "vm", now).await.unwrap();
    assert_ne!(ia, ib);
    assert!(ia.starts_with("vm-2026-12-06-04-11-23"), "{ia}");
    // Created once: later calls return it whatever the host and time.
    assert_eq!(
        guichet_core::device_id_for(&sa, "other", Utc::now())
            .await
            .unwrap(),
        ia
    );
}
