//! HTML from help-desk servers: the article sanitiser and its plain-text rendering
//! (guichet-store), and GLPI's rich-text fields (entity decoding, the hidden marker, text).
//! The first byte picks the entry point, the rest is the HTML.
#![no_main]

use std::collections::HashMap;

use guichet_glpi::content;
use guichet_store::{embedded_image_urls, html_to_text, sanitize_html, BlobId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let html = String::from_utf8_lossy(rest);
    match which % 3 {
        0 => {
            // Images the server offered are mapped to blobs, as the store does.
            let images: HashMap<String, BlobId> = embedded_image_urls(&html)
                .into_iter()
                .map(|url| {
                    let id = BlobId::of(url.as_bytes());
                    (url, id)
                })
                .collect();
            let clean = sanitize_html(&html, &images);
            let _ = html_to_text(&clean);
        }
        1 => {
            let _ = html_to_text(&html);
        }
        _ => {
            let decoded = content::decode(&html);
            let _ = content::marker_uuid(&decoded);
            let _ = content::strip_marker(&decoded);
            let _ = content::to_text(&html);
        }
    }
});
