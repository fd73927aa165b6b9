//! Nix packages: store path names (`/nix/store/<hash>-<name>-<version>`), the JSON profile
//! manifest of `nix profile` (`<profile>/manifest.json`, versions 1–3) and the JSON of
//! `nix-env -q --installed --json`.
//!
//! Name and version are split as Nix's own `parseDrvName` does: the version starts after the
//! first `-` that is followed by a non-letter.

use serde_json::Value;

use crate::model::Software;

/// Name and version of a store path, or `None` for derivations (`.drv`) and paths that are
/// not under a store.
pub fn parse_store_path(path: &str) -> Option<(String, Option<String>)> {
    let base = path.trim().trim_end_matches('/').rsplit('/').next()?;
    if base.ends_with(".drv") {
        return None;
    }
    // A store base name is a 32-character hash, a dash, then the derivation name.
    let (hash, name) = base.split_once('-')?;
    if hash.len() != 32 || name.is_empty() {
        return None;
    }
    Some(split_drv_name(name))
}

/// Nix's `parseDrvName`: "python3.6-decorator-4.0.11" → ("python3.6-decorator", "4.0.11").
pub fn split_drv_name(name: &str) -> (String, Option<String>) {
    let b = name.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if *c == b'-' && b.get(i + 1).is_some_and(|n| !n.is_ascii_alphabetic()) {
            return (name[..i].to_string(), Some(name[i + 1..].to_string()));
        }
    }
    (name.to_string(), None)
}

/// Parses a `nix profile` `manifest.json`: `elements` is an array (versions 1–2) or an object
/// keyed by element name (version 3); each element's first store path names the package.
pub fn parse_profile_manifest(text: &str) -> Result<Vec<Software>, serde_json::Error> {
    let v: Value = serde_json::from_str(text)?;
    let elements: Vec<&Value> = match v.get("elements") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Object(o)) => o.values().collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for e in elements {
        if e.get("active").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let Some(path) = e
            .get("storePaths")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(Value::as_str)
        else {
            continue;
        };
        let Some((name, version)) = parse_store_path(path) else {
            continue;
        };
        out.push(Software {
            name,
            version,
            url: e
                .get("originalUrl")
                .or_else(|| e.get("url"))
                .and_then(Value::as_str)
                .map(str::to_string),
            folder: Some(path.to_string()),
            source: "nix".into(),
            ..Default::default()
        });
    }
    Ok(out)
}

/// Parses `nix-env -q --installed --json`: an object keyed by derivation name whose values
/// carry `pname`, `version`, `system` and, with `--meta`, `meta.description` / `meta.homepage`.
pub fn parse_nix_env_json(text: &str) -> Result<Vec<Software>, serde_json::Error> {
    let v: Value = serde_json::from_str(text)?;
    let mut out = Vec::new();
    let Some(obj) = v.as_object() else {
        return Ok(out);
    };
    for (key, p) in obj {
        let s = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_string);
        let (name, version) = match (s("pname"), s("version")) {
            (Some(n), v) if !n.is_empty() => (n, v.filter(|v| !v.is_empty())),
            _ => split_drv_name(&s("name").unwrap_or_else(|| key.clone())),
        };
        let meta = |k: &str| {
            p.get("meta")
                .and_then(|m| m.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        out.push(Software {
            name,
            version,
            arch: s("system"),
            summary: meta("description"),
            url: meta("homepage"),
            source: "nix".into(),
            ..Default::default()
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIVE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../third-party/glpi-agent-fixtures/resources/linux/packaging/nix"
    ));

    #[test]
    fn store_paths_of_glpi_print_live() {
        let parsed: Vec<_> = LIVE.lines().filter_map(parse_store_path).collect();
        // 23 lines, 10 of them derivations.
        assert_eq!(parsed.len(), 13);
        assert!(parsed.contains(&("newt".into(), Some("0.52.15".into()))));
        assert!(parsed.contains(&("python3.6-decorator".into(), Some("4.0.11".into()))));
        assert!(parsed.contains(&("dbus".into(), Some("1.10.14-dev".into()))));
        assert!(parsed.contains(&("etc-ssh_config".into(), None)));
        assert!(parsed.contains(&("fc".into(), Some("52-nixos-default-fonts.conf".into()))));
    }

    #[test]
    fn profile_manifest_v2_and_v3() {
        let v2 = r#"{"elements":[{"active":true,"attrPath":"legacyPackages.x86_64-linux.hello","originalUrl":"flake:nixpkgs","outputs":null,"priority":5,"storePaths":["/nix/store/63l345l7dgcfz789w1y93j1540czafqh-hello-2.12.1"],"url":"github:NixOS/nixpkgs/a3a3dda3bacf61e8a39258a0ed9c924eeca8e293"}],"version":2}"#;
        let p = parse_profile_manifest(v2).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].name, "hello");
        assert_eq!(p[0].version.as_deref(), Some("2.12.1"));
        assert_eq!(p[0].url.as_deref(), Some("flake:nixpkgs"));
        let v3 = r#"{"elements":{"ripgrep":{"active":true,"priority":5,"storePaths":["/nix/store/2p6ssd5ad5bk7vw4nqa8cqjzd0xl6y3s-ripgrep-14.1.0"],"url":"github:NixOS/nixpkgs/abc"}},"version":3}"#;
        let p = parse_profile_manifest(v3).unwrap();
        assert_eq!(p[0].name, "ripgrep");
        assert_eq!(p[0].version.as_deref(), Some("14.1.0"));
    }

    #[test]
    fn nix_env_json() {
        let j = r#"{"hello-2.12.1":{"name":"hello-2.12.1","outputName":"out","outputs":{"out":null},"pname":"hello","system":"x86_64-linux","version":"2.12.1"}}"#;
        let p = parse_nix_env_json(j).unwrap();
        assert_eq!(p[0].name, "hello");
        assert_eq!(p[0].version.as_deref(), Some("2.12.1"));
        assert_eq!(p[0].arch.as_deref(), Some("x86_64-linux"));
    }
}
