//! ClamAV signature databases: the 512-byte header of `daily.cvd` / `daily.cld`.
//!
//! The header is ASCII, space-padded: `ClamAV-VDB:<build time>:<version>:<signatures>:
//! <functionality level>:<md5>:<digital signature>:<builder>:<build time, Unix seconds>`.
//! The textual build time is written `%d %b %Y %H-%M %z` (dashes, so that it holds no colon).

use chrono::{DateTime, Utc};

/// What the header says about a signature database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CvdHeader {
    /// Database version (the `daily` number ClamAV reports, e.g. `27457`).
    pub version: String,
    /// Number of signatures.
    pub signatures: Option<u64>,
    /// When the database was built.
    pub built: Option<DateTime<Utc>>,
}

/// Parses the header from the first bytes of a `.cvd` or `.cld` file.
pub fn parse_cvd_header(bytes: &[u8]) -> Option<CvdHeader> {
    let head = &bytes[..bytes.len().min(512)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_end_matches(['\0', ' ', '\n']);
    let f: Vec<&str> = text.split(':').collect();
    if f.first() != Some(&"ClamAV-VDB") || f.len() < 3 {
        return None;
    }
    let version = f[2].trim();
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let built = f
        .get(8)
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|t| DateTime::from_timestamp(t, 0))
        .or_else(|| {
            DateTime::parse_from_str(f[1].trim(), "%d %b %Y %H-%M %z")
                .ok()
                .map(|d| d.with_timezone(&Utc))
        });
    Some(CvdHeader {
        version: version.to_string(),
        signatures: f.get(3).and_then(|s| s.trim().parse().ok()),
        built,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_cvd_header() {
        let h = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/clamav/daily.cvd.head"
        ));
        let p = parse_cvd_header(h).unwrap();
        assert_eq!(p.version, "27457");
        assert_eq!(p.signatures, Some(2070436));
        assert_eq!(p.built.unwrap().timestamp(), 1731576364);
    }

    #[test]
    fn text_time_when_no_unix_time() {
        let p = parse_cvd_header(b"ClamAV-VDB:14 Nov 2024 09-26 +0000:27457:2070436:90").unwrap();
        assert_eq!(p.built.unwrap().to_rfc3339(), "2024-11-14T09:26:00+00:00");
    }

    #[test]
    fn not_a_cvd() {
        assert_eq!(parse_cvd_header(b"\x1f\x8b\x08\x00garbage"), None);
        assert_eq!(parse_cvd_header(b"ClamAV-VDB:x:notanumber:1"), None);
    }
}
