//! Applications, from the text and the XML forms: name, version, publisher, date, folder.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use plist::Value;

use super::{s, Node};
use crate::model::Software;

/// `SPApplicationsDataType` (text) to software. Dates are `Last Modified: 04/09/11 22:43`,
/// day-first or month-first depending on the user's locale: the text alone cannot always tell,
/// so `day_first` says which (the XML form has ISO dates and needs no guess).
pub fn applications_text(root: &Node, day_first: bool) -> Vec<Software> {
    let Some(apps) = root.child("Applications") else {
        return Vec::new();
    };
    apps.children
        .iter()
        .filter(|a| a.value.is_none())
        .map(|a| Software {
            name: a.key.clone(),
            version: a.text("Version"),
            publisher: a.get("Get Info String").and_then(publisher_from_info),
            install_date: a
                .get("Last Modified")
                .and_then(|d| short_date(d, day_first)),
            source: "system_profiler".to_string(),
            category: a.get("Location").and_then(system_category),
            folder: a.text("Location"),
            arch: a.text("Kind"),
            ..Default::default()
        })
        .collect()
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

/// The publisher in a `Get Info String` / `info` (`2.1.2, © 1995-2010 Apple Inc. All Rights
/// Reserved.` → `Apple`), as GLPI Agent extracts it: the name after the copyright years.
pub fn publisher_from_info(info: &str) -> Option<String> {
    let lower = info.to_lowercase();
    let at = lower
        .find('©')
        .map(|i| i + '©'.len_utf8())
        .or_else(|| lower.find("copyright").map(|i| i + "copyright".len()))?;
    let rest = info.get(at..)?;
    let rest = rest
        .trim_start_matches(|c: char| {
            c.is_ascii_digit() || c.is_whitespace() || matches!(c, '-' | ',' | '©' | '–')
        })
        .trim_start_matches("(c)")
        .trim_start_matches("(C)")
        .trim_start();
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == ' ');
    let name: String = rest
        .split([',', '.'])
        .next()?
        .trim()
        .trim_end_matches(" Inc")
        .trim_end_matches(" All Rights Reserved")
        .trim()
        .to_string();
    let name = name
        .strip_suffix(" All rights reserved")
        .unwrap_or(&name)
        .to_string();
    (!name.is_empty()).then_some(name)
}

/// GLPI's `SYSTEM_CATEGORY`: the first two folders of the application's path
/// (`System/Library`, `Library/Application Support`, `Applications/Utilities`), as category.
fn system_category(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let dir = parts
        .iter()
        .position(|s| s.ends_with(".app"))
        .unwrap_or(parts.len() - 1);
    let cat = parts[..dir.min(2)].join("/");
    (!cat.is_empty()).then_some(cat)
}

/// `SPApplicationsDataType` items (XML) to software: `_name`, `version`, `obtained_from`
/// (`apple` → publisher Apple) or the publisher in `info`, `lastModified` as install date,
/// `path` as folder.
pub fn applications_xml(items: &[Value]) -> Vec<Software> {
    items
        .iter()
        .filter_map(|a| {
            let name = s(a, "_name")?;
            let path = s(a, "path");
            let publisher = s(a, "info")
                .as_deref()
                .and_then(publisher_from_info)
                .or_else(|| {
                    (s(a, "obtained_from").as_deref() == Some("apple")).then(|| "Apple".to_string())
                });
            let date = a
                .as_dictionary()
                .and_then(|d| d.get("lastModified"))
                .and_then(Value::as_date)
                .map(|d| DateTime::<Utc>::from(std::time::SystemTime::from(d)));
            Some(Software {
                name,
                version: s(a, "version"),
                arch: s(a, "arch_kind"),
                publisher,
                install_date: date,
                source: "system_profiler".to_string(),
                category: path.as_deref().and_then(system_category),
                folder: path,
                ..Default::default()
            })
        })
        .collect()
}
