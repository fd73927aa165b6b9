//! Snap packages from `snap list --unicode=never --color=never` (a space-aligned table with a
//! header) and from `snap info` (YAML-like text).
//!
//! Publishers carry a validation mark: with `--unicode=never` snapd writes `**` for a verified
//! account and `*` for a "starred" one; the mark is dropped. A publisher of `-` is unknown.
//! Sizes in `snap info` use snapd's `SizeToStr`: SI units (1 MB = 1000 000 bytes).

use crate::model::Software;

/// Parses `snap list`: columns Name, Version, Rev, Tracking, Publisher, Notes. The notes
/// (`base`, `core`, `snapd`, `classic`, `disabled`…) go to `category`, so base snaps stay
/// listed (they are installed software) but can be told apart.
pub fn parse_list(text: &str) -> Vec<Software> {
    let mut out = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 2 || (f[0] == "Name" && f[1] == "Version") {
            continue;
        }
        out.push(Software {
            name: f[0].to_string(),
            version: Some(f[1].to_string()),
            publisher: f.get(4).and_then(|p| publisher(p)),
            category: f.get(5).filter(|n| **n != "-").map(|n| n.to_string()),
            // The revision is what identifies the installed squashfs (`/snap/<name>/<rev>`).
            guid: f.get(2).map(|r| format!("{}_{}", f[0], r)),
            source: "snap".into(),
            ..Default::default()
        });
    }
    out
}

/// Parses `snap info --abs-time <name>` for one installed snap.
pub fn parse_info(text: &str) -> Option<Software> {
    let mut sw = Software {
        source: "snap".into(),
        ..Default::default()
    };
    for line in text.lines() {
        // Indented lines belong to the description or the channel map.
        if line.starts_with([' ', '\t', '-']) {
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        match k {
            "name" => sw.name = v.to_string(),
            "summary" => sw.summary = (!v.is_empty()).then(|| v.to_string()),
            "publisher" => sw.publisher = publisher(v),
            "contact" => sw.url = (!v.is_empty()).then(|| v.to_string()),
            "installed" => {
                // "5.61.0   (32) 273MB -": version, (revision), size, notes.
                let f: Vec<&str> = v.split_whitespace().collect();
                sw.version = f.first().map(|s| s.to_string());
                if let Some(i) = f.iter().position(|t| t.starts_with('(')) {
                    sw.size_bytes = f.get(i + 1).and_then(|s| parse_size(s));
                }
            }
            _ => {}
        }
    }
    (!sw.name.is_empty()).then_some(sw)
}

fn publisher(p: &str) -> Option<String> {
    let p = p.trim().trim_end_matches(['*', '\u{2713}', '\u{272a}']);
    (!p.is_empty() && p != "-").then(|| p.to_string())
}

/// Bytes from snapd's `SizeToStr` text, e.g. "273MB", "7kB", "81MB".
pub fn parse_size(s: &str) -> Option<u64> {
    super::units::decimal_size(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! fixture {
        ($f:literal) => {
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../third-party/glpi-agent-fixtures/resources/linux/packaging/",
                $f
            ))
        };
    }

    #[test]
    fn info_kdenlive() {
        let s = parse_info(fixture!("snap_kdenlive")).unwrap();
        assert_eq!(s.name, "kdenlive");
        assert_eq!(s.version.as_deref(), Some("19.08.2"));
        assert_eq!(s.publisher.as_deref(), Some("KDE"));
        assert_eq!(s.summary.as_deref(), Some("Kdenlive video editor"));
        assert_eq!(s.size_bytes, Some(100_000_000));
        assert_eq!(
            s.url.as_deref(),
            Some("https://bugs.kde.org/enter_bug.cgi?product=neon&component=Snaps")
        );
    }

    #[test]
    fn info_scrcpy_and_frameworks() {
        let s = parse_info(fixture!("snap_scrcpy")).unwrap();
        assert_eq!(s.version.as_deref(), Some("v1.10"));
        assert_eq!(s.publisher.as_deref(), Some("sisco311"));
        assert_eq!(s.size_bytes, Some(81_000_000));
        let k = parse_info(fixture!("snap_kde-frameworks-5-core18")).unwrap();
        assert_eq!(k.name, "kde-frameworks-5-core18");
        assert_eq!(k.version.as_deref(), Some("5.61.0"));
        assert_eq!(k.size_bytes, Some(273_000_000));
    }

    #[test]
    fn list_table() {
        let p = parse_list(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/snap/list"
        )));
        assert_eq!(p.len(), 5);
        assert_eq!(p[0].name, "bare");
        assert_eq!(p[0].category.as_deref(), Some("base"));
        let fx = p.iter().find(|s| s.name == "firefox").unwrap();
        assert_eq!(fx.version.as_deref(), Some("129.0.2-1"));
        assert_eq!(fx.publisher.as_deref(), Some("mozilla"));
        assert_eq!(fx.category, None);
        assert_eq!(fx.guid.as_deref(), Some("firefox_4793"));
        let lxd = p.iter().find(|s| s.name == "lxd").unwrap();
        assert_eq!(lxd.publisher.as_deref(), Some("canonical"));
    }
}
