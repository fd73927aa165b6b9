//! Parser of `os-release` files (`/etc/os-release`, `/usr/lib/os-release`), the systemd
//! standard every current Linux distribution ships: shell-style `KEY=value` lines with
//! optional single or double quotes and backslash escapes inside double quotes.

/// The fields of an os-release file that the inventory uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OsRelease {
    /// `NAME`, e.g. `Debian GNU/Linux`.
    pub name: Option<String>,
    /// `VERSION`, e.g. `11 (bullseye)`.
    pub version: Option<String>,
    /// `VERSION_ID`, e.g. `11`.
    pub version_id: Option<String>,
    /// `PRETTY_NAME`, e.g. `Debian GNU/Linux 11 (bullseye)`.
    pub pretty_name: Option<String>,
    /// `ID`, e.g. `debian`.
    pub id: Option<String>,
    /// `ID_LIKE`, e.g. `rhel fedora`.
    pub id_like: Option<String>,
    /// `VERSION_CODENAME`, e.g. `bullseye`.
    pub codename: Option<String>,
    /// `BUILD_ID` (rolling distributions such as Arch).
    pub build_id: Option<String>,
}

impl OsRelease {
    /// The distribution version to show: `VERSION_ID`, else `VERSION`, else `BUILD_ID`.
    pub fn best_version(&self) -> Option<String> {
        self.version_id
            .clone()
            .or_else(|| self.version.clone())
            .or_else(|| self.build_id.clone())
    }

    /// The full human name: `PRETTY_NAME`, else `NAME VERSION`, else `NAME`.
    pub fn full_name(&self) -> Option<String> {
        if let Some(p) = &self.pretty_name {
            return Some(p.clone());
        }
        match (&self.name, &self.version) {
            (Some(n), Some(v)) => Some(format!("{n} {v}")),
            (Some(n), None) => Some(n.clone()),
            _ => None,
        }
    }
}

/// Parses an os-release file. Unknown keys, comments and malformed lines are ignored; empty
/// values give `None`.
pub fn parse(text: &str) -> OsRelease {
    let mut r = OsRelease::default();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, raw)) = line.split_once('=') else {
            continue;
        };
        let value = unquote(raw.trim());
        let value = (!value.trim().is_empty()).then(|| value.trim().to_string());
        let slot = match key.trim() {
            "NAME" => &mut r.name,
            "VERSION" => &mut r.version,
            "VERSION_ID" => &mut r.version_id,
            "PRETTY_NAME" => &mut r.pretty_name,
            "ID" => &mut r.id,
            "ID_LIKE" => &mut r.id_like,
            "VERSION_CODENAME" => &mut r.codename,
            "BUILD_ID" => &mut r.build_id,
            _ => continue,
        };
        *slot = value;
    }
    r
}

/// Removes shell quoting: `"a \"b\""` → `a "b"`, `'x'` → `x`, bare words as they are.
fn unquote(v: &str) -> String {
    if let Some(inner) = v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else {
                out.push(c);
            }
        }
        out
    } else if let Some(inner) = v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        inner.to_string()
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../third-party/glpi-agent-fixtures/resources/linux/distro/"
    );

    fn fixture(name: &str) -> OsRelease {
        let text = std::fs::read_to_string(format!("{DIR}{name}")).expect("fixture");
        parse(&text)
    }

    #[test]
    fn debian_11() {
        let r = fixture("os-release-debian-11.2");
        assert_eq!(r.name.as_deref(), Some("Debian GNU/Linux"));
        assert_eq!(r.version_id.as_deref(), Some("11"));
        assert_eq!(r.version.as_deref(), Some("11 (bullseye)"));
        assert_eq!(r.codename.as_deref(), Some("bullseye"));
        assert_eq!(r.id.as_deref(), Some("debian"));
        assert_eq!(
            r.full_name().as_deref(),
            Some("Debian GNU/Linux 11 (bullseye)")
        );
        assert_eq!(r.best_version().as_deref(), Some("11"));
    }

    #[test]
    fn centos_7_quoted_values_and_id_like() {
        let r = fixture("os-release-centos-7.9");
        assert_eq!(r.name.as_deref(), Some("CentOS Linux"));
        assert_eq!(r.id.as_deref(), Some("centos"));
        assert_eq!(r.id_like.as_deref(), Some("rhel fedora"));
        assert_eq!(r.version_id.as_deref(), Some("7"));
        assert_eq!(r.full_name().as_deref(), Some("CentOS Linux 7 (Core)"));
    }

    #[test]
    fn fedora_35() {
        let r = fixture("os-release-fedora-35");
        assert_eq!(r.name.as_deref(), Some("Fedora Linux"));
        assert_eq!(r.version_id.as_deref(), Some("35"));
        assert_eq!(
            r.full_name().as_deref(),
            Some("Fedora Linux 35 (Thirty Five)")
        );
    }

    #[test]
    fn escapes_comments_and_missing_pretty_name() {
        let r = parse("# comment\nNAME='Arch Linux'\nBUILD_ID=rolling\nVERSION=\"1 \\\"x\\\"\"\n");
        assert_eq!(r.name.as_deref(), Some("Arch Linux"));
        assert_eq!(r.version.as_deref(), Some("1 \"x\""));
        assert_eq!(r.full_name().as_deref(), Some("Arch Linux 1 \"x\""));
        assert_eq!(parse("garbage\n=\n").name, None);
    }
}
