//! Flatpak applications and runtimes from `flatpak list --columns=…`, and the key/value
//! output of `flatpak info`.
//!
//! When its standard output is not a terminal, `flatpak list` prints one tab-separated line
//! per ref and no header, in the order of `--columns`; [`parse_list`] takes that order.
//! Sizes are GLib's `g_format_size` text: SI units (1 kB = 1000 bytes), with the locale's
//! decimal separator ("479,7 MB" in French, "479.7 MB" in C) and sometimes a no-break space.

use crate::model::Software;

/// The `--columns` the collector asks `flatpak list` for, in this order.
pub const COLUMNS: [&str; 8] = [
    "application",
    "name",
    "version",
    "branch",
    "arch",
    "origin",
    "installation",
    "size",
];

/// Parses `flatpak list --columns=<columns>` output, `columns` naming each tab-separated
/// field. The application id goes to `guid`; the branch stands in for a missing version (as
/// runtimes often have none); the installation (`system`, `user`) goes to `category`; the
/// remote (`flathub`…) to `publisher`.
pub fn parse_list(text: &str, columns: &[&str]) -> Vec<Software> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let get = |col: &str| -> Option<String> {
            let i = columns.iter().position(|c| *c == col)?;
            let v = f.get(i)?.trim();
            (!v.is_empty()).then(|| v.to_string())
        };
        let Some(app) = get("application") else {
            continue;
        };
        let branch = get("branch");
        out.push(Software {
            name: get("name").unwrap_or_else(|| app.clone()),
            version: get("version").or(branch),
            arch: get("arch"),
            publisher: get("origin"),
            size_bytes: get("size").and_then(|s| parse_size(&s)),
            category: get("installation"),
            guid: Some(app),
            source: "flatpak".into(),
            ..Default::default()
        });
    }
    out
}

/// Parses `flatpak info <ref>`: the "Name - summary" title when present, then `Key: value`
/// lines (ID, Arch, Branch, Version, Origin, Installation, Installed).
pub fn parse_info(text: &str) -> Option<Software> {
    let mut sw = Software {
        source: "flatpak".into(),
        ..Default::default()
    };
    let mut branch = None;
    let mut title = None;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        match t.split_once(": ") {
            Some((k, v)) if !k.contains(' ') || k == "Installation" => {
                let v = v.trim().to_string();
                match k {
                    "ID" => sw.guid = Some(v),
                    "Arch" => sw.arch = Some(v),
                    "Branch" => branch = Some(v),
                    "Version" => sw.version = Some(v),
                    "Origin" => sw.publisher = Some(v),
                    "Installation" => sw.category = Some(v),
                    "Installed" => sw.size_bytes = parse_size(&v),
                    _ => {}
                }
            }
            // The title line "OBS Studio - Live streaming…" comes before the first key.
            _ if title.is_none() && sw.guid.is_none() => title = Some(t.to_string()),
            _ => {}
        }
    }
    let id = sw.guid.clone()?;
    match title.as_deref().and_then(|t| t.split_once(" - ")) {
        Some((name, summary)) => {
            sw.name = name.trim().to_string();
            sw.summary = Some(summary.trim().to_string());
        }
        None => sw.name = id,
    }
    if sw.version.is_none() {
        sw.version = branch;
    }
    Some(sw)
}

/// Bytes from a `g_format_size` string: "479,7 MB", "252,0\u{a0}MB", "1.6 GB", "512 bytes".
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
    fn glpi_list_layout() {
        let p = parse_list(
            fixture!("flatpak"),
            &["application", "branch", "installation", "name"],
        );
        assert_eq!(p.len(), 12);
        assert_eq!(p[0].name, "VSCodium");
        assert_eq!(p[0].guid.as_deref(), Some("com.vscodium.codium"));
        assert_eq!(p[0].version.as_deref(), Some("stable"));
        assert_eq!(p[0].category.as_deref(), Some("system"));
        let user_gl = &p[3];
        assert_eq!(
            user_gl.guid.as_deref(),
            Some("org.freedesktop.Platform.GL.default")
        );
        assert_eq!(user_gl.version.as_deref(), Some("20.08"));
        assert_eq!(user_gl.category.as_deref(), Some("user"));
    }

    #[test]
    fn info_of_an_app_with_french_sizes() {
        let s = parse_info(fixture!("flatpak_com.obsproject.Studio_stable_user")).unwrap();
        assert_eq!(s.name, "OBS Studio");
        assert_eq!(
            s.summary.as_deref(),
            Some("Live streaming and video recording software")
        );
        assert_eq!(s.version.as_deref(), Some("27.2.1"));
        assert_eq!(s.arch.as_deref(), Some("x86_64"));
        assert_eq!(s.publisher.as_deref(), Some("flathub"));
        assert_eq!(s.category.as_deref(), Some("user"));
        assert_eq!(s.size_bytes, Some(479_700_000));
        let sdk = parse_info(fixture!("flatpak_org.freedesktop.Sdk_20.08_system")).unwrap();
        assert_eq!(sdk.size_bytes, Some(1_600_000_000));
        assert_eq!(sdk.version.as_deref(), Some("20.08.3"));
    }

    #[test]
    fn runtime_without_title_or_version_uses_id_and_branch() {
        let s = parse_info(fixture!(
            "flatpak_org.freedesktop.Platform.GL.default_19.08_system"
        ))
        .unwrap();
        assert_eq!(s.name, "org.freedesktop.Platform.GL.default");
        assert_eq!(s.version.as_deref(), Some("19.08"));
        // "255,7 MB" with a no-break space.
        assert_eq!(s.size_bytes, Some(255_700_000));
    }

    #[test]
    fn our_columns_in_c_locale() {
        let out =
            "org.mozilla.firefox\tFirefox\t128.0\tstable\tx86_64\tflathub\tsystem\t262.1 MB\n";
        let p = parse_list(out, &COLUMNS);
        assert_eq!(p[0].name, "Firefox");
        assert_eq!(p[0].version.as_deref(), Some("128.0"));
        assert_eq!(p[0].size_bytes, Some(262_100_000));
        assert_eq!(p[0].publisher.as_deref(), Some("flathub"));
    }
}
