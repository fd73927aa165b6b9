//! Reading a knowledge-base article for a screen: its sanitised HTML with each stored image
//! inlined as a `data:` URL.
//!
//! The store keeps an article's images as blobs and its HTML refers to them as
//! `guichet-blob:<sha256>`. A web view cannot load that address; the desktop app's own URI
//! scheme for blobs left a broken-image box in WebKitGTK (the app's end-to-end screenshot of an
//! article showed it), while `data:` URLs load everywhere the interface's content policy allows
//! them (`img-src data:`). Images are small in help articles; one over [`INLINE_LIMIT`] keeps its
//! blob address and shows as its `alt` text.

use base64::Engine as _;
use guichet_store::{BlobId, Store, StoredArticle, BLOB_URL_SCHEME};

/// The largest image inlined, in bytes.
pub const INLINE_LIMIT: usize = 4 * 1024 * 1024;

/// The article `reference` (local id, or `connector:remote_id`) with its images inlined.
pub async fn article_for_display(
    store: &Store,
    reference: &str,
) -> Result<StoredArticle, crate::CoreError> {
    let mut a = store.article(reference).await?;
    a.body_html = inline_images(store, &a.body_html);
    Ok(a)
}

/// `html` with each `guichet-blob:<sha256>` of a stored image replaced by a `data:` URL.
pub fn inline_images(store: &Store, html: &str) -> String {
    let prefix = format!("{BLOB_URL_SCHEME}:");
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(&prefix) {
        out.push_str(&rest[..i]);
        let after = &rest[i + prefix.len()..];
        let hex: String = after.chars().take(64).collect();
        let data = BlobId::parse(&hex)
            .ok()
            .filter(|_| hex.len() == 64)
            .and_then(|id| store.blob(&id).ok())
            .and_then(|bytes| data_url(&bytes));
        match data {
            Some(url) => {
                out.push_str(&url);
                rest = &after[64..];
            }
            None => {
                out.push_str(&prefix);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A `data:` URL for an image of a known type under the limit; anything else gets none, so
/// no stored file is ever shown as something it is not.
fn data_url(bytes: &[u8]) -> Option<String> {
    if bytes.len() > INLINE_LIMIT {
        return None;
    }
    let mime = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        "image/gif"
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else {
        return None;
    };
    Some(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stored_images_are_inlined_and_anything_else_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        let id = store.put_blob(&png).unwrap();
        let script = store.put_blob(b"<script>alert(1)</script>").unwrap();
        let html = format!(
            r#"<p><img src="guichet-blob:{id}" alt="tray"><img src="guichet-blob:{script}" alt="x"><img src="guichet-blob:nothex"></p>"#
        );
        let out = inline_images(&store, &html);
        assert!(
            out.contains(r#"src="data:image/png;base64,iVBORw0KGgo"#),
            "{out}"
        );
        assert!(
            out.contains(&format!(r#"src="guichet-blob:{script}""#)),
            "{out}"
        );
        assert!(out.contains(r#"src="guichet-blob:nothex""#), "{out}");
    }
}
