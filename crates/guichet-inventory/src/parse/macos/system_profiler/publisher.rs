//! The publisher and the category of an application as GLPI Agent reports them (its
//! `MacOS/Softwares.pm` and `getCanonicalManufacturer`), so that GLPI shows the same
//! publisher whichever agent sent the inventory: Apple for what Apple ships, the developer of
//! a Developer ID signature, else the name after the copyright sign of `Get Info String`, else
//! a manufacturer recognised in the info string or the name.

use std::sync::LazyLock;

use regex::Regex;

/// What the publisher rules read of one application, in the text form's words.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Origin<'a> {
    /// `Obtained from` (text: `Apple`, `Identified Developer`; XML: `apple`,
    /// `identified_developer`).
    pub obtained_from: Option<&'a str>,
    /// `Signed by`, the certificate chain joined with `, `.
    pub signed_by: Option<&'a str>,
    /// `Get Info String` (XML `info`).
    pub info: Option<&'a str>,
    /// `Location` (XML `path`).
    pub location: Option<&'a str>,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid pattern")
}

static APPLE_FOLDER: LazyLock<Regex> =
    LazyLock::new(|| re(r"/System/Library/(CoreServices|Frameworks)/"));
static DEVELOPER_ID: LazyLock<Regex> = LazyLock::new(|| re(r"^Developer ID Application: ([^,]*),"));
static TEAM_ID: LazyLock<Regex> = LazyLock::new(|| re(r"^(.*)\s+\(.*\)$"));
static INCORPORATED: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\s*Incorporated.*"));
static CORPORATION: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\s*Corporation.*"));
static APPLE_WORD: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\bApple\b"));
// `ï¿½` is U+FFFD's UTF-8 bytes read as Latin-1, as some old bundles carry a `©`.
static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)(\(C\)|©|Copyright|ï¿½)"));
static UP_TO_COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| re(r"(?i).*(\(C\)|©|Copyright|ï¿½)\s*"));
static BY: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\sby\s(.*)"));
static RIGHTS: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\s*All rights reserved\.?\s*"));
static YEARS: LazyLock<Regex> = LazyLock::new(|| re(r"\s*\d+(\s*-\s*\d+)?\s*"));
static LIST_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| re(r",\s+"));

/// The publisher GLPI Agent reports for the application `name`.
pub(super) fn publisher(name: &str, o: &Origin<'_>) -> Option<String> {
    let from = o.obtained_from.unwrap_or("");
    // The XML form's lower-case `apple` is not the text form's `Apple`: GLPI Agent names
    // Apple only for the latter (or Apple's own folders), and so does this.
    if from == "Apple" || o.location.is_some_and(|l| APPLE_FOLDER.is_match(l)) {
        return Some("Apple".into());
    }
    let developer = matches!(from, "Identified Developer" | "identified_developer")
        .then(|| o.signed_by.and_then(developer))
        .flatten();
    if developer.is_some() {
        return developer;
    }
    if let Some(info) = o.info.filter(|i| !i.is_empty()) {
        if let Some(p) = publisher_from_info(info) {
            return Some(p);
        }
        if let Some(m) = manufacturer(info) {
            return Some(m);
        }
    }
    manufacturer(name)
}

/// The developer of a `Developer ID Application: Name (TEAMID), …` signature.
fn developer(signed_by: &str) -> Option<String> {
    let d = DEVELOPER_ID.captures(signed_by)?.get(1)?.as_str();
    let d = TEAM_ID
        .captures(d)
        .and_then(|c| c.get(1))
        .map_or(d, |m| m.as_str());
    let d = INCORPORATED.replace(d, " Inc.");
    let d = CORPORATION.replace(&d, "");
    (!d.is_empty()).then(|| d.into_owned())
}

/// The publisher of an info string (`2.1.2, © 1995-2010 Apple Inc. All Rights Reserved.`):
/// Apple when a part names it, else the copyright part without years and legal words.
pub fn publisher_from_info(info: &str) -> Option<String> {
    let parts: Vec<&str> = LIST_SEPARATOR.split(info).collect();
    if parts.iter().any(|p| APPLE_WORD.is_match(p)) {
        return Some("Apple".into());
    }
    let part = parts.into_iter().find(|p| COPYRIGHT.is_match(p))?;
    if part.is_empty() {
        return None;
    }
    let part = BY
        .captures(part)
        .and_then(|c| c.get(1))
        .map_or(part, |m| m.as_str());
    let p = UP_TO_COPYRIGHT.replace_all(part, "");
    let p = RIGHTS.replace(&p, "");
    let p = INCORPORATED.replace(&p, " Inc.");
    let p = CORPORATION.replace(&p, "");
    let p = YEARS.replace_all(&p, "");
    (!p.is_empty()).then(|| p.into_owned())
}

static MAKERS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(maxtor|sony|compaq|ibm|toshiba|fujitsu|lg|samsung|nec|transcend|matshita|hitachi|pioneer|epson)\b",
    )
});

/// A manufacturer GLPI Agent recognises in a text (`getCanonicalManufacturer`), when the
/// text is not returned unchanged.
fn manufacturer(text: &str) -> Option<String> {
    if let Some(m) = MAKERS.captures(text).and_then(|c| c.get(1)) {
        let lower = m.as_str().to_lowercase();
        let mut chars = lower.chars();
        let first = chars.next()?;
        return Some(first.to_uppercase().chain(chars).collect());
    }
    let lower = text.to_lowercase();
    let starts = |p: &[&str]| p.iter().any(|p| text.starts_with(p));
    let named = if starts(&["hp", "HP"])
        || lower.starts_with("hewlett packard")
        || lower.starts_with("hewlett-packard")
    {
        "Hewlett-Packard"
    } else if starts(&["WDC"]) || lower.starts_with("western") {
        "Western Digital"
    } else if starts(&["ST"]) || lower.starts_with("seagate") {
        "Seagate"
    } else if starts(&["HD", "IC", "HU", "HGST"]) {
        "Hitachi"
    } else if lower.starts_with("apple") {
        "Apple"
    } else if lower.starts_with("optiarc") {
        "Sony"
    } else {
        return None;
    };
    (named != text).then(|| named.to_string())
}

static USER_FOLDER: LazyLock<Regex> = LazyLock::new(|| re(r"^/Users/([^/]+)/([^/]+/[^/]+)/"));
static USER_TOP: LazyLock<Regex> = LazyLock::new(|| re(r"^/Users/([^/]+)/([^/]+)/"));
static FOLDERS: LazyLock<[Regex; 4]> = LazyLock::new(|| {
    [
        re(r"^/Volumes/[^/]+/([^/]+/[^/]+)/"),
        re(r"^/Volumes/[^/]+/([^/]+)/"),
        re(r"^/([^/]+/[^/]+)/"),
        re(r"^/([^/]+)/"),
    ]
});

/// GLPI's `SYSTEM_CATEGORY` of an application at `path`: its first two folders (under a
/// user's home or a volume, the two after them; nothing for Downloads and Desktop).
pub(super) fn system_category(path: &str) -> Option<String> {
    if let Some(c) = USER_FOLDER
        .captures(path)
        .or_else(|| USER_TOP.captures(path))
    {
        let cat = c.get(2)?.as_str();
        return (!(cat.starts_with("Downloads") || cat.starts_with("Desktop")))
            .then(|| cat.to_string());
    }
    FOLDERS
        .iter()
        .find_map(|r| r.captures(path))
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
}
