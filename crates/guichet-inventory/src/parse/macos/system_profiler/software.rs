//! Applications, from the text and the XML forms, with the fields GLPI shows as GLPI Agent
//! sends them: name (duplicates renamed `name_0`, `name_1`…), version (`1 . 2 . 2` →
//! `1.2.2`), publisher (see [`publisher`](super::publisher)), architecture (`Universal`,
//! `Intel (x86_64)`…), category (the application's first two folders), date and folder.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use plist::Value;

use super::publisher::{publisher, system_category, Origin};
use super::{s, Node};
use crate::model::Software;

/// One application as GLPI Agent reads it, in the text form's words.
#[derive(Debug, Default)]
struct App<'a> {
    name: &'a str,
    version: Option<&'a str>,
    kind: Option<String>,
    origin: Origin<'a>,
    install_date: Option<DateTime<Utc>>,
}

/// `SPApplicationsDataType` (text) to software. Dates are `Last Modified: 04/09/11 22:43`,
/// day-first or month-first depending on the user's locale: the text alone cannot always tell,
/// so `day_first` says which (the XML form has ISO dates and needs no guess).
pub fn applications_text(root: &Node, day_first: bool) -> Vec<Software> {
    let Some(apps) = root.child("Applications") else {
        return Vec::new();
    };
    let apps = apps
        .children
        .iter()
        .filter(|a| a.value.is_none())
        .map(|a| App {
            name: &a.key,
            version: a.get("Version"),
            kind: a.text("Kind"),
            origin: Origin {
                obtained_from: a.get("Obtained from"),
                signed_by: a.get("Signed by"),
                info: a.get("Get Info String"),
                location: a.get("Location"),
            },
            install_date: a
                .get("Last Modified")
                .and_then(|d| short_date(d, day_first)),
        });
    software(apps)
}

/// `SPApplicationsDataType` items (XML) to software: `_name`, `version`, `arch_kind`,
/// `obtained_from`, `signed_by`, `info`, `path`, `lastModified` as install date.
pub fn applications_xml(items: &[Value]) -> Vec<Software> {
    let owned: Vec<_> = items
        .iter()
        .filter_map(|a| {
            let signed = a
                .as_dictionary()
                .and_then(|d| d.get("signed_by"))
                .and_then(Value::as_array)
                .map(|chain| {
                    chain
                        .iter()
                        .filter_map(Value::as_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                });
            Some((a, s(a, "_name")?, signed))
        })
        .collect();
    let strings: Vec<_> = owned
        .iter()
        .map(|(a, _, _)| ["version", "obtained_from", "info", "path"].map(|k| s(a, k)))
        .collect();
    let apps =
        owned
            .iter()
            .zip(&strings)
            .map(|((a, name, signed), [version, from, info, path])| App {
                name,
                version: version.as_deref(),
                kind: xml_kind(a),
                origin: Origin {
                    obtained_from: from.as_deref(),
                    signed_by: signed.as_deref(),
                    info: info.as_deref(),
                    location: path.as_deref(),
                },
                install_date: a
                    .as_dictionary()
                    .and_then(|d| d.get("lastModified"))
                    .and_then(Value::as_date)
                    .map(|d| DateTime::<Utc>::from(std::time::SystemTime::from(d))),
            });
    software(apps)
}

/// The architecture label GLPI Agent gives an XML `arch_kind` (or the older
/// `runtime_environment`), the one the text form prints as `Kind`.
fn xml_kind(a: &Value) -> Option<String> {
    if let Some(kind) = s(a, "arch_kind") {
        return Some(match kind.as_str() {
            "arch_arm_i64" => "Universal".into(),
            "arch_i64" => "Intel (x86_64)".into(),
            "arch_i32" => "Intel (i386)".into(),
            // `arch_arm` → `Arm`, `arch_other` → `Other`, and so on for new kinds.
            other => capitalized(other.strip_prefix("arch_").unwrap_or(other)),
        });
    }
    s(a, "runtime_environment").map(|env| match env.as_str() {
        "arch_x86" => "Intel".into(),
        other => capitalized(other),
    })
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The software records of `apps`, in their order, as GLPI Agent makes them.
fn software<'a>(apps: impl Iterator<Item = App<'a>>) -> Vec<Software> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for app in apps {
        // A Windows application seen through Parallels (`7.0, C:\Program Files\…`).
        if app.origin.info.is_some_and(is_windows_app) {
            continue;
        }
        // GLPI Agent keys applications by name: a second one becomes `name_0`, then `name_1`.
        let mut name = app.name.to_string();
        let mut n = 0;
        while !seen.insert(name.clone()) {
            name = format!("{}_{n}", app.name);
            n += 1;
        }
        out.push(Software {
            version: app.version.map(|v| v.replace(" . ", ".")),
            publisher: publisher(&name, &app.origin),
            install_date: app.install_date,
            source: "system_profiler".to_string(),
            category: app.origin.location.and_then(system_category),
            folder: app.origin.location.map(str::to_string),
            arch: app.kind,
            name,
            ..Default::default()
        });
    }
    out
}

/// `^\S+, [A-Z]:\\`: the info string of a Windows application.
fn is_windows_app(info: &str) -> bool {
    let Some((first, rest)) = info.split_once(", ") else {
        return false;
    };
    let mut r = rest.chars();
    !first.is_empty()
        && !first.contains(char::is_whitespace)
        && r.next().is_some_and(|c| c.is_ascii_uppercase())
        && r.next() == Some(':')
        && r.next() == Some('\\')
}

/// `dd/mm/yy hh:mm` or `mm/dd/yy hh:mm` to UTC (the text form prints local time; UTC is the
/// closest we can say without the zone).
fn short_date(s: &str, day_first: bool) -> Option<DateTime<Utc>> {
    let date = s.split_whitespace().next()?;
    let mut it = date.split('/');
    let (a, b, y): (u32, u32, i32) = (
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    );
    let y = if y < 100 { 2000 + y } else { y };
    let (d, m) = if day_first { (a, b) } else { (b, a) };
    let time = s.split_whitespace().nth(1).unwrap_or("00:00");
    let dt =
        NaiveDateTime::parse_from_str(&format!("{y:04}-{m:02}-{d:02} {time}"), "%Y-%m-%d %H:%M")
            .ok()
            .or_else(|| NaiveDate::from_ymd_opt(y, m, d)?.and_hms_opt(0, 0, 0))?;
    Some(dt.and_utc())
}
