//! RPM packages from `rpm -qa --queryformat`, tab-separated, one package per line.
//!
//! Two layouts are understood, told apart by their column count:
//! * ours ([`QUERY_FORMAT`], 11 columns), which keeps the epoch and the home page;
//! * GLPI Agent's (8 columns: name, arch, version-release, install time, size, vendor,
//!   summary, group), so that recorded GLPI outputs stay parseable.
//!
//! rpm prints `(none)` for an absent tag; that becomes `None`. `gpg-pubkey` entries are
//! imported signing keys that rpm lists as pseudo-packages: they are not software, so they
//! are skipped.

use chrono::{DateTime, Utc};

use crate::model::Software;

/// The `--queryformat` argument the collector passes to `rpm -qa`.
pub const QUERY_FORMAT: &str = "%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{VENDOR}\\t%{INSTALLTIME}\\t%{SIZE}\\t%{GROUP}\\t%{SUMMARY}\\t%{URL}\\n";

/// Parses the output of `rpm -qa --queryformat` in either layout (see the module doc).
pub fn parse_rpm_qa(text: &str) -> Vec<Software> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let sw = match f.len() {
                11 => ours(&f),
                8 => glpi(&f),
                _ => return None,
            }?;
            (sw.name != "gpg-pubkey").then_some(sw)
        })
        .collect()
}

fn ours(f: &[&str]) -> Option<Software> {
    let name = tag(f[0])?;
    let version = match (tag(f[1]), tag(f[2]), tag(f[3])) {
        (epoch, Some(v), rel) => {
            let mut s = String::new();
            if let Some(e) = epoch.filter(|e| e != "0") {
                s.push_str(&e);
                s.push(':');
            }
            s.push_str(&v);
            if let Some(r) = rel {
                s.push('-');
                s.push_str(&r);
            }
            Some(s)
        }
        _ => None,
    };
    Some(Software {
        name,
        version,
        arch: tag(f[4]),
        publisher: tag(f[5]),
        install_date: epoch_time(f[6]),
        size_bytes: f[7].trim().parse().ok(),
        category: group(f[8]),
        summary: tag(f[9]),
        url: tag(f[10]),
        source: "rpm".into(),
        ..Default::default()
    })
}

fn glpi(f: &[&str]) -> Option<Software> {
    Some(Software {
        name: tag(f[0])?,
        arch: tag(f[1]),
        version: tag(f[2]),
        install_date: epoch_time(f[3]),
        size_bytes: f[4].trim().parse().ok(),
        publisher: tag(f[5]),
        summary: tag(f[6]),
        category: group(f[7]),
        source: "rpm".into(),
        ..Default::default()
    })
}

/// A tag value, `None` for rpm's `(none)` placeholder or an empty string.
fn tag(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty() && t != "(none)").then(|| t.to_string())
}

/// `Unspecified` is what rpmbuild writes when the spec has no Group: it says nothing.
fn group(s: &str) -> Option<String> {
    tag(s).filter(|g| g != "Unspecified")
}

fn epoch_time(s: &str) -> Option<DateTime<Utc>> {
    let secs: i64 = s.trim().parse().ok()?;
    (secs > 0).then(|| DateTime::from_timestamp(secs, 0))?
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLPI: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../third-party/glpi-agent-fixtures/resources/linux/packaging/rpm"
    ));

    #[test]
    fn glpi_layout_from_mageia() {
        let p = parse_rpm_qa(GLPI);
        assert_eq!(p.len(), 10);
        let x = p.iter().find(|s| s.name == "xfsprogs").unwrap();
        assert_eq!(x.arch.as_deref(), Some("x86_64"));
        assert_eq!(x.version.as_deref(), Some("3.1.8-1.mga2"));
        assert_eq!(x.size_bytes, Some(3628382));
        assert_eq!(x.publisher.as_deref(), Some("Mageia.Org"));
        assert_eq!(
            x.summary.as_deref(),
            Some("Utilities for managing the XFS filesystem")
        );
        assert_eq!(x.category.as_deref(), Some("System Environment/Base"));
        assert_eq!(x.install_date.unwrap().timestamp(), 1332632724);
        let gjs = p.iter().find(|s| s.name == "gjs").unwrap();
        assert_eq!(gjs.category, None, "Unspecified group is no category");
    }

    #[test]
    fn our_layout_keeps_epoch_and_drops_none() {
        let out = "bash\t(none)\t5.2.26\t1.fc40\tx86_64\tFedora Project\t1714000000\t8326046\tUnspecified\tThe GNU Bourne Again shell\thttps://www.gnu.org/software/bash\n\
                   openssl\t1\t3.2.1\t2.fc40\tx86_64\tFedora Project\t1714000001\t1750621\t(none)\tUtilities from the general purpose cryptography library with TLS implementation\thttp://www.openssl.org/\n\
                   gpg-pubkey\t(none)\ta15b79cc\t63d04c2c\t(none)\t(none)\t1714000002\t0\tPublic Keys\tgpg(Fedora (40) <fedora-40-primary@fedoraproject.org>)\t(none)\n";
        let p = parse_rpm_qa(out);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].version.as_deref(), Some("5.2.26-1.fc40"));
        assert_eq!(
            p[0].url.as_deref(),
            Some("https://www.gnu.org/software/bash")
        );
        assert_eq!(p[1].version.as_deref(), Some("1:3.2.1-2.fc40"));
        assert_eq!(p[1].category, None);
        assert_eq!(p[1].size_bytes, Some(1750621));
    }
}
