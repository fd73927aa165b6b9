//! Parser for WMI instance dumps in the `wmic path <Class> get /format:list` layout, and the
//! mappers from WMI classes to model records.
//!
//! The layout: UTF-16LE text, one `Property=Value` line per property, instances separated by
//! blank lines, arrays written `{"a","b"}` or `{3,4}`, `&` `<` `>` escaped as XML entities (the
//! XSL behind `/format:list` does that), dates in CIM form `yyyymmddHHMMSS.ffffff±UUU` with the
//! offset in minutes. `wmic` is gone from recent Windows 11, so the Windows collectors print the
//! same layout from PowerShell's `Get-CimInstance` (see `src/windows/mod.rs`); lines starting
//! with `#` are comments, and `#class <Name>` lines split one output holding several classes.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::parse::windows::text::decode;

mod hardware;
mod network;
mod os;
mod storage;

pub use hardware::{cpus, machine, memory, memory_modules, video_controllers};
pub use network::{dns_and_gateways, network};
pub use os::{operating_system, users};
pub use storage::{storage, volumes};

#[cfg(test)]
mod tests;

/// One WMI instance: its properties in output order, values as written (entities decoded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WmiRecord {
    /// `(property, value)` pairs; empty values are kept as `""`.
    pub props: Vec<(String, String)>,
}

impl WmiRecord {
    /// A property's value, trimmed; `None` when absent or empty (WMI's NULL prints empty).
    pub fn get(&self, name: &str) -> Option<&str> {
        let v = self
            .props
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))?
            .1
            .trim();
        (!v.is_empty()).then_some(v)
    }

    /// A property as an owned string, with vendor placeholders mapped to `None`.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .filter(|v| !is_placeholder(v))
            .map(str::to_string)
    }

    /// A numeric property.
    pub fn u64(&self, name: &str) -> Option<u64> {
        self.get(name)?.parse().ok()
    }

    /// A `TRUE`/`FALSE` property.
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name)? {
            v if v.eq_ignore_ascii_case("true") => Some(true),
            v if v.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// An array property (`{"a","b"}`, `{3,4}`), empty when absent.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.get(name).map(parse_array).unwrap_or_default()
    }
}

/// Placeholder strings firmware and drivers put where they have nothing to say.
fn is_placeholder(v: &str) -> bool {
    let l = v.trim().to_ascii_lowercase();
    matches!(
        l.as_str(),
        "" | "to be filled by o.e.m."
            | "not specified"
            | "system serial number"
            | "default string"
            | "none"
            | "undefined"
            | "unknown"
            | "n/a"
            | "not available"
            | "0"
    ) || (l.len() >= 4 && l.bytes().all(|b| b == b'0'))
}

/// Parses a dump given as raw bytes (UTF-16LE as `wmic` writes, or UTF-8).
pub fn parse_list(bytes: &[u8]) -> Vec<WmiRecord> {
    parse_list_text(&decode(bytes))
}

/// Parses a dump already decoded to text: every instance, in order.
pub fn parse_list_text(text: &str) -> Vec<WmiRecord> {
    parse_classes_text(text)
        .into_iter()
        .flat_map(|(_, r)| r)
        .collect()
}

/// Parses an output holding several classes, each introduced by a `#class <Name>` line;
/// instances before any such line are filed under `""`.
pub fn parse_classes(bytes: &[u8]) -> Vec<(String, Vec<WmiRecord>)> {
    parse_classes_text(&decode(bytes))
}

fn parse_classes_text(text: &str) -> Vec<(String, Vec<WmiRecord>)> {
    let mut out: Vec<(String, Vec<WmiRecord>)> = vec![(String::new(), Vec::new())];
    let mut cur = WmiRecord::default();
    let flush = |cur: &mut WmiRecord, out: &mut Vec<(String, Vec<WmiRecord>)>| {
        if !cur.props.is_empty() {
            if let Some(last) = out.last_mut() {
                last.1.push(std::mem::take(cur));
            }
        }
    };
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            flush(&mut cur, &mut out);
            continue;
        }
        if let Some(comment) = line.trim_start().strip_prefix('#') {
            flush(&mut cur, &mut out);
            if let Some(class) = comment.trim().strip_prefix("class ") {
                out.push((class.trim().to_string(), Vec::new()));
            }
            continue;
        }
        match line.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() && !k.contains(' ') => {
                cur.props.push((k.trim().to_string(), unescape(v)));
            }
            // A line without `=` continues the previous value (a value with a newline).
            _ => {
                if let Some((_, v)) = cur.props.last_mut() {
                    v.push('\n');
                    v.push_str(&unescape(line));
                }
            }
        }
    }
    flush(&mut cur, &mut out);
    out.retain(|(name, recs)| !name.is_empty() || !recs.is_empty());
    out
}

/// Decodes the XML entities the `/format:list` XSL writes.
fn unescape(v: &str) -> String {
    if !v.contains('&') {
        return v.to_string();
    }
    v.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Splits a WMI array value: `{"a","b"}` → `["a", "b"]`, `{3,4}` → `["3", "4"]`.
pub fn parse_array(v: &str) -> Vec<String> {
    let v = v.trim();
    let Some(inner) = v.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
        return if v.is_empty() {
            Vec::new()
        } else {
            vec![v.to_string()]
        };
    };
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    for c in inner.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if !cur.is_empty() || !out.is_empty() {
        out.push(cur);
    }
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// CIM datetime (`20130813153755.000000+120`, offset in minutes east of UTC) to UTC.
pub fn wmi_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.len() < 14 || !s.as_bytes()[..14].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |a: usize, b: usize| s[a..b].parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(n(0, 4)? as i32, n(4, 6)?, n(6, 8)?)?;
    let local = date.and_hms_opt(n(8, 10)?, n(10, 12)?, n(12, 14)?)?;
    let offset_min: i64 = match s.get(21..22) {
        Some(sign @ ("+" | "-")) => {
            let m: i64 = s.get(22..)?.trim().parse().ok()?;
            if sign == "-" {
                -m
            } else {
                m
            }
        }
        _ => 0,
    };
    Some((local - Duration::minutes(offset_min)).and_utc())
}
