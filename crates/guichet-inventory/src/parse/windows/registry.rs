//! Parser for registry export files (`reg export`, regedit "Export"): both
//! `Windows Registry Editor Version 5.00` (UTF-16LE, strings in `hex(2)`/`hex(7)` are UTF-16LE)
//! and `REGEDIT4` (ANSI, those strings are single-byte), then the installed-software mapping of
//! the `Uninstall` keys.
//!
//! Why exports rather than live registry calls: `reg export` exists on every Windows since XP,
//! needs no extra crate, and its output is a text file we can record and test on any OS.

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::Software;
use crate::parse::windows::text::decode;

/// A whole export: its keys in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegFile {
    /// Whether the file was a `REGEDIT4` (ANSI) export rather than a version 5 one.
    pub regedit4: bool,
    /// The keys, in file order.
    pub keys: Vec<RegKey>,
}

/// One key with its values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegKey {
    /// Full path, e.g. `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft`.
    pub path: String,
    /// `[-HKEY…]` lines delete a key rather than describe it.
    pub deleted: bool,
    /// Values in file order; the default value is named `""` (written `@`).
    pub values: Vec<(String, RegValue)>,
}

/// One registry value, typed as the export writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegValue {
    /// `REG_SZ`: `"text"`.
    String(String),
    /// `REG_EXPAND_SZ`: `hex(2):…`, unexpanded (`%SystemRoot%` stays as is).
    ExpandString(String),
    /// `REG_MULTI_SZ`: `hex(7):…`.
    MultiString(Vec<String>),
    /// `REG_DWORD`: `dword:0000000a`.
    Dword(u32),
    /// `REG_QWORD`: `hex(b):…` (little-endian).
    Qword(u64),
    /// `REG_BINARY`: `hex:…`.
    Binary(Vec<u8>),
    /// Any other `hex(n):` type, kept raw.
    Other(u32, Vec<u8>),
    /// `"name"=-`: the value is deleted.
    Deleted,
}

impl RegValue {
    /// The value as text when it is a string type (first string of a multi-string).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            RegValue::String(s) | RegValue::ExpandString(s) => Some(s),
            RegValue::MultiString(v) => v.first().map(String::as_str),
            _ => None,
        }
    }

    /// The value as a number: DWORD, QWORD, or a string of decimal digits (some installers
    /// write numbers as strings).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            RegValue::Dword(d) => Some(u64::from(*d)),
            RegValue::Qword(q) => Some(*q),
            RegValue::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

impl RegKey {
    /// A value by name, case-insensitively as Windows compares them.
    pub fn value(&self, name: &str) -> Option<&RegValue> {
        self.values
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// A string value, trimmed; `None` when absent, not a string, or empty.
    pub fn string(&self, name: &str) -> Option<String> {
        let s = self.value(name)?.as_str()?.trim();
        (!s.is_empty()).then(|| s.to_string())
    }

    /// The last path component (the key's own name).
    pub fn name(&self) -> &str {
        self.path.rsplit('\\').next().unwrap_or(&self.path)
    }
}

/// Why an export could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegError {
    /// The first line is neither `REGEDIT4` nor `Windows Registry Editor Version 5.00`.
    #[error("not a registry export (header: {0:?})")]
    NotAnExport(String),
}

/// Parses an export file given as raw bytes (UTF-16LE with or without BOM, UTF-8, ANSI).
pub fn parse_reg(bytes: &[u8]) -> Result<RegFile, RegError> {
    parse_reg_text(&decode(bytes))
}

/// Parses an export already decoded to text.
///
/// Malformed value lines are skipped rather than failing the file: one odd value written by a
/// third-party installer must not hide the rest of the machine's software.
pub fn parse_reg_text(text: &str) -> Result<RegFile, RegError> {
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let header = loop {
        match lines.next() {
            Some(l) if l.trim().is_empty() => continue,
            Some(l) => break l.trim().trim_start_matches('\u{feff}'),
            None => break "",
        }
    };
    let regedit4 = match header {
        "REGEDIT4" => true,
        "Windows Registry Editor Version 5.00" => false,
        other => return Err(RegError::NotAnExport(other.chars().take(60).collect())),
    };
    let mut file = RegFile {
        regedit4,
        keys: Vec::new(),
    };
    // Logical lines: a hex value continues on the next line after a trailing backslash, and a
    // string value containing a newline continues until its closing quote.
    let mut logical: Vec<String> = Vec::new();
    let mut pending: Option<String> = None;
    for line in lines {
        if let Some(mut acc) = pending.take() {
            if string_open(&acc) {
                acc.push('\n');
                acc.push_str(line);
            } else {
                let len = acc.trim_end().len();
                acc.truncate(len);
                acc.pop(); // the backslash
                acc.push_str(line.trim_start());
            }
            if needs_more(&acc) {
                pending = Some(acc);
            } else {
                logical.push(acc);
            }
            continue;
        }
        let l = line.to_string();
        if needs_more(&l) {
            pending = Some(l);
        } else {
            logical.push(l);
        }
    }
    if let Some(acc) = pending {
        logical.push(acc);
    }

    for line in logical {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with(';') {
            continue;
        }
        if t.starts_with('[') && t.trim_end().ends_with(']') {
            let inner = &t.trim_end()[1..t.trim_end().len() - 1];
            let (deleted, path) = match inner.strip_prefix('-') {
                Some(p) => (true, p),
                None => (false, inner),
            };
            file.keys.push(RegKey {
                path: path.to_string(),
                deleted,
                values: Vec::new(),
            });
            continue;
        }
        let Some(key) = file.keys.last_mut() else {
            continue;
        };
        if let Some((name, value)) = parse_value_line(t, regedit4) {
            key.values.push((name, value));
        }
    }
    Ok(file)
}

/// Whether a physical line leaves the logical line unfinished.
fn needs_more(line: &str) -> bool {
    if string_open(line) {
        return true;
    }
    // Only data lines continue; a name or string ending in a backslash is closed by its quote.
    let t = line.trim_end();
    t.ends_with('\\') && data_part(t).is_some_and(|d| d.starts_with("hex"))
}

/// The part after `"name"=` / `@=` of a value line.
fn data_part(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix('@') {
        return rest.trim_start().strip_prefix('=');
    }
    let (_, rest) = quoted(t)?;
    rest.trim_start().strip_prefix('=')
}

/// Whether a value line's string data has an opening quote but no closing one yet.
fn string_open(line: &str) -> bool {
    let Some(data) = data_part(line) else {
        return false;
    };
    let data = data.trim_start();
    data.starts_with('"') && quoted(data).is_none()
}

/// Reads a `"…"` string with `\"` and `\\` escapes; returns it and the rest of the input.
fn quoted(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, e)) => out.push(e),
                None => return None,
            },
            '"' => return Some((out, &body[i + 1..])),
            c => out.push(c),
        }
    }
    None
}

fn parse_value_line(line: &str, regedit4: bool) -> Option<(String, RegValue)> {
    let (name, rest) = if let Some(rest) = line.strip_prefix('@') {
        (String::new(), rest)
    } else {
        quoted(line)?
    };
    let data = rest.trim_start().strip_prefix('=')?.trim();
    Some((name, parse_data(data, regedit4)?))
}

fn parse_data(data: &str, regedit4: bool) -> Option<RegValue> {
    if data == "-" {
        return Some(RegValue::Deleted);
    }
    if data.starts_with('"') {
        return quoted(data).map(|(s, _)| RegValue::String(s));
    }
    if let Some(hex) = data.strip_prefix("dword:") {
        return u32::from_str_radix(hex.trim(), 16)
            .ok()
            .map(RegValue::Dword);
    }
    let (kind, bytes) = if let Some(rest) = data.strip_prefix("hex:") {
        (3, rest)
    } else if let Some(rest) = data.strip_prefix("hex(") {
        let (k, rest) = rest.split_once("):")?;
        (u32::from_str_radix(k, 16).ok()?, rest)
    } else {
        return None;
    };
    let bytes: Vec<u8> = bytes
        .split(',')
        .map(|b| b.trim())
        .filter(|b| !b.is_empty())
        .map(|b| u8::from_str_radix(b, 16))
        .collect::<Result<_, _>>()
        .ok()?;
    Some(match kind {
        1 => RegValue::String(bytes_to_string(&bytes, regedit4)),
        2 => RegValue::ExpandString(bytes_to_string(&bytes, regedit4)),
        3 => RegValue::Binary(bytes),
        4 if bytes.len() == 4 => {
            RegValue::Dword(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
        }
        7 => RegValue::MultiString(
            bytes_to_string(&bytes, regedit4)
                .split('\0')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        0xb if bytes.len() == 8 => {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes);
            RegValue::Qword(u64::from_le_bytes(b))
        }
        k => RegValue::Other(k, bytes),
    })
}

/// Decodes the bytes of a `hex(2)`/`hex(7)` string: UTF-16LE in version 5 exports, ANSI in
/// REGEDIT4 ones. A single trailing NUL terminator is dropped; inner NULs (multi-string
/// separators) are kept.
fn bytes_to_string(bytes: &[u8], regedit4: bool) -> String {
    let mut s: String = if regedit4 {
        bytes
            .iter()
            .map(|&b| crate::parse::windows::text::cp1252(b))
            .collect()
    } else {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    };
    while s.ends_with("\0\0") {
        s.pop();
    }
    if s.ends_with('\0') {
        s.pop();
    }
    s
}

/// Software listed in the `Uninstall` keys of an export.
///
/// Covers `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall`, its `WOW6432Node` twin
/// (32-bit programs on a 64-bit Windows, arch `x86`), and the per-user ones under `HKCU` /
/// `HKEY_USERS\<SID>`. `native_arch` is the arch of programs under the non-WOW keys (`x86_64`
/// on 64-bit Windows, `x86` on 32-bit, `aarch64` on ARM): an export alone cannot tell.
///
/// Choices, compared with GLPI Agent (`Win32/Softwares.pm`):
/// * Entries without `DisplayName` are skipped. GLPI Agent names them after the key instead
///   (keeping keys such as `Branding` or `DXM_Runtime` that are not programs); Windows' own
///   "Programs and Features" list skips them too, and so do we.
/// * `SystemComponent=1` entries are kept, with category `system_component`, exactly as GLPI
///   Agent keeps them with `SYSTEM_CATEGORY = system_component`: they are real installed
///   components (runtimes, drivers) that an inventory must show even if the Control Panel hides
///   them.
/// * Entries with a `ParentKeyName` (updates and hotfixes of a parent product, e.g. Windows XP
///   `KB…` security updates) get category `update`; others `application`.
/// * Sub-keys deeper than one level (e.g. `{GUID}\CustomMessages`) are not programs.
pub fn uninstall_software(reg: &RegFile, native_arch: &str) -> Vec<Software> {
    let mut out = Vec::new();
    for key in &reg.keys {
        if key.deleted {
            continue;
        }
        let Some(scope) = uninstall_scope(&key.path) else {
            continue;
        };
        let Some(name) = key.string("DisplayName") else {
            continue;
        };
        let arch = if scope.wow64 {
            "x86".to_string()
        } else {
            native_arch.to_string()
        };
        let system = key
            .value("SystemComponent")
            .and_then(RegValue::as_u64)
            .is_some_and(|v| v != 0);
        let category = if key.string("ParentKeyName").is_some() {
            "update"
        } else if system {
            "system_component"
        } else {
            "application"
        };
        out.push(Software {
            name,
            // Workaround as GLPI Agent's #415: some installers leave control characters and
            // garbage after the version.
            version: key.string("DisplayVersion").and_then(|v| {
                let v = v
                    .split(|c: char| c.is_control())
                    .next()
                    .unwrap_or("")
                    .trim();
                (!v.is_empty()).then(|| v.to_string())
            }),
            arch: Some(arch),
            publisher: key.string("Publisher"),
            install_date: key.string("InstallDate").and_then(|d| install_date(&d)),
            size_bytes: key
                .value("EstimatedSize")
                .and_then(RegValue::as_u64)
                .filter(|&k| k > 0)
                .map(|k| k * 1024),
            source: "registry".to_string(),
            summary: key.string("Comments"),
            category: Some(category.to_string()),
            url: key
                .string("URLInfoAbout")
                .or_else(|| key.string("HelpLink")),
            guid: Some(key.name().to_string()),
            uninstall_string: key.string("UninstallString"),
            folder: key.string("InstallLocation"),
        });
    }
    out
}

struct Scope {
    wow64: bool,
}

/// Whether `path` is a direct sub-key of one of the `Uninstall` keys, and which.
fn uninstall_scope(path: &str) -> Option<Scope> {
    let lower = path.to_ascii_lowercase();
    const TAIL: &str = "\\microsoft\\windows\\currentversion\\uninstall\\";
    let at = lower.find(TAIL)?;
    let child = &lower[at + TAIL.len()..];
    if child.is_empty() || child.contains('\\') {
        return None;
    }
    let head = &lower[..at];
    let root_ok = head.starts_with("hkey_local_machine\\software")
        || head.starts_with("hkey_current_user\\software")
        || head.starts_with("hkey_users\\")
        || head.starts_with("hklm\\software")
        || head.starts_with("hkcu\\software")
        || head.starts_with("hku\\");
    root_ok.then(|| Scope {
        wow64: head.ends_with("\\wow6432node"),
    })
}

/// `InstallDate` as installers write it: `YYYYMMDD` (the documented form), `YYYYMDD` (seen in
/// the wild, handled by GLPI Agent too) or `M/D/YYYY`. Midnight UTC, as no time is given.
pub fn install_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let date = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        NaiveDate::from_ymd_opt(
            s[..4].parse().ok()?,
            s[4..6].parse().ok()?,
            s[6..].parse().ok()?,
        )
    } else if s.len() == 7 && s.bytes().all(|b| b.is_ascii_digit()) {
        NaiveDate::from_ymd_opt(
            s[..4].parse().ok()?,
            s[4..5].parse().ok()?,
            s[5..].parse().ok()?,
        )
    } else {
        let mut it = s.split('/');
        let (m, d, y) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() || y.len() != 4 {
            return None;
        }
        NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regedit4_strings_are_ansi_and_continuations_join() {
        let text = "REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n\"Path\"=hex(2):25,53,79,\\\r\n  73,25,00\r\n\"Q\"=hex(b):01,00,00,00,00,00,00,00\r\n\"Say \\\"hi\\\"\"=\"a\\\\b\"\r\n@=\"def\"\r\n";
        let f = parse_reg_text(text).unwrap();
        assert!(f.regedit4);
        let k = &f.keys[0];
        assert_eq!(
            k.value("path"),
            Some(&RegValue::ExpandString("%Sys%".into()))
        );
        assert_eq!(k.value("Q"), Some(&RegValue::Qword(1)));
        assert_eq!(
            k.value("Say \"hi\""),
            Some(&RegValue::String("a\\b".into()))
        );
        assert_eq!(k.value(""), Some(&RegValue::String("def".into())));
    }

    #[test]
    fn multi_line_string_values_are_kept_whole() {
        let text = "Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\A]\n\"Msg\"=\"line one\nline two\"\n\"Next\"=dword:00000010\n";
        let f = parse_reg_text(text).unwrap();
        assert_eq!(
            f.keys[0].string("Msg").as_deref(),
            Some("line one\nline two")
        );
        assert_eq!(f.keys[0].value("Next"), Some(&RegValue::Dword(16)));
    }

    #[test]
    fn install_date_forms() {
        assert_eq!(
            install_date("20210724").map(|d| d.to_rfc3339()).as_deref(),
            Some("2021-07-24T00:00:00+00:00")
        );
        assert!(install_date("2021724").is_some());
        assert!(install_date("7/24/2021").is_some());
        assert!(install_date("20211340").is_none());
        assert!(install_date("").is_none());
    }

    #[test]
    fn uninstall_scope_only_direct_children() {
        assert!(uninstall_scope(
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\X"
        )
        .is_some_and(|s| !s.wow64));
        assert!(uninstall_scope(
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\X"
        )
        .is_some_and(|s| s.wow64));
        assert!(uninstall_scope(
            "HKEY_USERS\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\X"
        )
        .is_some());
        assert!(uninstall_scope(
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\X\\Sub"
        )
        .is_none());
        assert!(uninstall_scope(
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
        )
        .is_none());
    }
}
