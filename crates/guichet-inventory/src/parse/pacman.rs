//! Arch Linux packages: one `desc` file per package in pacman's local database
//! (`/var/lib/pacman/local/<name>-<version>/desc`), read directly instead of running `pacman -Q`.
//!
//! Format (alpm-db-desc): a `%FIELD%` line, then one value per line, then a blank line.
//! `%SIZE%` is the installed size in bytes; `%INSTALLDATE%` a Unix time (very old databases
//! wrote a C-locale date instead, which is left as unknown).

use chrono::{DateTime, Utc};

use crate::model::Software;

/// Parses one `desc` file; `None` when it names no package.
pub fn parse_desc(text: &str) -> Option<Software> {
    let mut sw = Software {
        source: "pacman".into(),
        ..Default::default()
    };
    let mut field = "";
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            field = "";
            continue;
        }
        if line.len() > 2 && line.starts_with('%') && line.ends_with('%') {
            field = line;
            continue;
        }
        let v = line.trim();
        // Only the first value of a multi-valued field is kept (e.g. the first group).
        match field {
            "%NAME%" if sw.name.is_empty() => sw.name = v.to_string(),
            "%VERSION%" if sw.version.is_none() => sw.version = Some(v.to_string()),
            "%DESC%" if sw.summary.is_none() => sw.summary = Some(v.to_string()),
            "%URL%" if sw.url.is_none() => sw.url = Some(v.to_string()),
            "%ARCH%" if sw.arch.is_none() => sw.arch = Some(v.to_string()),
            "%PACKAGER%" if sw.publisher.is_none() => sw.publisher = packager(v),
            "%SIZE%" if sw.size_bytes.is_none() => sw.size_bytes = v.parse().ok(),
            "%GROUPS%" if sw.category.is_none() => sw.category = Some(v.to_string()),
            "%INSTALLDATE%" if sw.install_date.is_none() => sw.install_date = unix(v),
            _ => {}
        }
    }
    (!sw.name.is_empty()).then_some(sw)
}

/// "Jane Doe <jane@archlinux.org>" → "Jane Doe"; "Unknown Packager" (makepkg's default) → None.
fn packager(v: &str) -> Option<String> {
    let name = v.split('<').next().unwrap_or(v).trim();
    (!name.is_empty() && name != "Unknown Packager").then(|| name.to_string())
}

fn unix(v: &str) -> Option<DateTime<Utc>> {
    let secs: i64 = v.parse().ok()?;
    DateTime::from_timestamp(secs, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESC: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/pacman/local/bash-5.2.026-2/desc"
    ));

    #[test]
    fn bash_desc() {
        let s = parse_desc(DESC).unwrap();
        assert_eq!(s.name, "bash");
        assert_eq!(s.version.as_deref(), Some("5.2.026-2"));
        assert_eq!(s.arch.as_deref(), Some("x86_64"));
        assert_eq!(s.summary.as_deref(), Some("The GNU Bourne Again shell"));
        assert_eq!(
            s.url.as_deref(),
            Some("https://www.gnu.org/software/bash/bash.html")
        );
        assert_eq!(s.publisher.as_deref(), Some("Levente Polyak"));
        assert_eq!(s.size_bytes, Some(9_324_753));
        assert_eq!(s.install_date.unwrap().timestamp(), 1_712_581_127);
        assert_eq!(s.category, None);
        assert_eq!(s.source, "pacman");
    }

    #[test]
    fn empty_desc_is_no_package() {
        assert_eq!(parse_desc("%VERSION%\n1-1\n"), None);
    }
}
