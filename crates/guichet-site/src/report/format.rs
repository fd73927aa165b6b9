//! How values are written in the report: escaped text, sizes, dates, status words.

use chrono::NaiveDate;
use guichet_store::AssetStatus;

use super::words::Words;

/// Bytes as a binary-prefixed size (`15.5 GiB`): the site report and the command line's tables
/// show sizes the same way.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < UNITS.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn opt(s: &Option<String>) -> String {
    s.as_deref().map(esc).unwrap_or_default()
}

pub(super) fn status_word(w: &Words, s: AssetStatus) -> &'static str {
    let i = AssetStatus::ALL
        .iter()
        .position(|x| *x == s)
        .expect("every status is listed");
    w.statuses[i]
}

pub(super) fn date(w: &Words, d: NaiveDate) -> String {
    match w.lang {
        "fr" => d.format("%d/%m/%Y").to_string(),
        _ => d.format("%Y-%m-%d").to_string(),
    }
}
