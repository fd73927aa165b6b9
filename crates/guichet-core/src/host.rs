//! What the use cases need to know of the machine and its user: the login (the requester and
//! reply author), the host name (the device id's seed) and a file's MIME type.

use chrono::{DateTime, Utc};
use guichet_store::{Store, StoreError};

/// The OS login of the user: the requester of a report and the author of a reply, wherever
/// they are written (what a server records is the connector's business). `unknown` when the
/// environment names nobody.
pub fn login() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// This machine's name, for the device id created on first use (read by the inventory crate,
/// which owns every reading of the OS).
pub fn hostname() -> String {
    guichet_inventory::local_hostname()
}

/// The store's device id, created from this machine's name on first use.
pub async fn device_id(store: &Store, now: DateTime<Utc>) -> Result<String, StoreError> {
    device_id_for(store, &hostname(), now).await
}

/// The store's device id, created on first use from `hostname`, `now` and a random part (so
/// that two stores created on one host in the same second differ).
pub async fn device_id_for(
    store: &Store,
    hostname: &str,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    store.device_id(hostname, now, rand::random()).await
}

/// MIME type from the file extension; servers only use it for display.
pub fn content_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "txt" | "log" | "conf" | "ini" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::content_type;

    #[test]
    fn content_types_come_from_the_extension() {
        assert_eq!(content_type("a.PNG"), "image/png");
        assert_eq!(content_type("notes.txt"), "text/plain");
        assert_eq!(content_type("archive"), "application/octet-stream");
    }
}
