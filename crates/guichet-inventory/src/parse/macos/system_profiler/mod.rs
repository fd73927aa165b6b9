//! Parsers for `system_profiler` output: the text form (an indented `Key: Value` tree, one
//! top-level section per data type) and the `-xml` form (a plist array of data-type dicts with
//! `_dataType` and `_items`), and mappers to model records.
//!
//! Text keys are the English labels (`LC_ALL=C`); numbers may still carry the user's locale
//! (`2,4 GHz`, `463 117 873 152 bytes`), so numeric helpers accept both separators. The XML form
//! has stable keys and typed values; collectors prefer it where the mapping exists
//! (applications, USB, Serial-ATA) and use text for the other data types.
//!
//! The plist reader builds its tree without recursion, but the tree is dropped and cloned
//! recursively: an XML plist nested a few hundred thousand levels deep overflows the stack.
//! Nesting past [`MAX_PLIST_DEPTH`] is refused before parsing (real outputs nest about ten).

use plist::Value;

mod hardware;
mod network;
mod publisher;
mod software;
mod storage;
mod usb;

pub use hardware::{
    displays, hardware_cpus, hardware_machine, hardware_memory_bytes, memory_modules,
    power_battery, software_os,
};
pub use network::network;
pub use publisher::publisher_from_info;
pub use software::{applications_text, applications_xml};
pub use storage::{serial_ata_text, serial_ata_xml};
pub use usb::usb_xml;

#[cfg(test)]
mod tests;

/// One node of the text tree: `Key: Value` leaves and `Key:` sections with children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    /// The label before the colon.
    pub key: String,
    /// The text after `: `, `None` for a section header.
    pub value: Option<String>,
    /// Nested nodes (more indented lines that follow).
    pub children: Vec<Node>,
}

impl Node {
    /// The first child with this key.
    pub fn child(&self, key: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.key == key)
    }

    /// The value of the first child with this key, trimmed, `None` when empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        let v = self.child(key)?.value.as_deref()?.trim();
        (!v.is_empty()).then_some(v)
    }

    /// A value as an owned string.
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_string)
    }

    /// Every descendant (depth first) whose key is `key`.
    pub fn find_all<'a>(&'a self, key: &str, out: &mut Vec<&'a Node>) {
        for c in &self.children {
            if c.key == key {
                out.push(c);
            }
            c.find_all(key, out);
        }
    }
}

/// Parses the text output into a root node whose children are the data-type sections
/// (`Hardware`, `Software`, `Memory`…).
pub fn parse_text(text: &str) -> Node {
    let mut root = Node::default();
    // Stack of (indent, path of child indexes from the root).
    let mut stack: Vec<(usize, Vec<usize>)> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let content = line.trim();
        if content.is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let (key, value) = if let Some(k) = content.strip_suffix(':') {
            (k.to_string(), None)
        } else if let Some((k, v)) = content.split_once(": ") {
            (k.to_string(), Some(v.trim().to_string()))
        } else {
            // A line without a label continues nothing we use; skip it.
            continue;
        };
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        let parent_path = stack.last().map(|(_, p)| p.clone()).unwrap_or_default();
        let mut parent = &mut root;
        for &i in &parent_path {
            parent = &mut parent.children[i];
        }
        parent.children.push(Node {
            key,
            value,
            children: Vec::new(),
        });
        // Only sections take children: in `ECC: Disabled` followed by more indented
        // `BANK 0/DIMM0:` the bank belongs to the enclosing `Memory Slots` section.
        if parent.children.last().is_some_and(|n| n.value.is_none()) {
            let mut path = parent_path;
            path.push(parent.children.len() - 1);
            stack.push((indent, path));
        }
    }
    root
}

/// A number with either decimal separator, first number in the text (`2,4 GHz` → 2.4).
fn number(s: &str) -> Option<f64> {
    let t: String = s
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .collect();
    t.replace(',', ".").parse().ok()
}

/// A size such as `16 GB`, `256 MB`, `4 MB`, or `320,07 GB (320 072 933 376 bytes)` (exact
/// byte count in parentheses preferred) to bytes. Binary units, as Apple uses them for
/// memory; disks always carry the exact count.
pub fn size_bytes(s: &str) -> Option<u64> {
    if let Some(open) = s.find('(') {
        let inner = &s[open + 1..];
        if let Some(end) = inner.find("bytes") {
            let digits: String = inner[..end].chars().filter(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse() {
                return Some(n);
            }
        }
    }
    let n = number(s)?;
    let unit = s
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '.');
    let mult: u64 = match unit.split_whitespace().next()? {
        "KB" => 1 << 10,
        "MB" => 1 << 20,
        "GB" => 1 << 30,
        "TB" => 1 << 40,
        _ => return None,
    };
    Some((n * mult as f64).round() as u64)
}

/// A frequency (`2,4 GHz`, `800 MHz`) in MHz.
fn mhz(s: &str) -> Option<u32> {
    let n = number(s)?;
    if s.contains("GHz") {
        Some((n * 1000.0).round() as u32)
    } else if s.contains("MHz") {
        Some(n.round() as u32)
    } else {
        None
    }
}

/// The deepest nesting of arrays and dictionaries [`parse_xml`] accepts.
pub const MAX_PLIST_DEPTH: usize = 64;

/// Why a `system_profiler -xml` output was not read.
#[derive(Debug, thiserror::Error)]
pub enum PlistError {
    /// Not a plist, or a malformed one.
    #[error("{0}")]
    Plist(#[from] plist::Error),
    /// Arrays and dictionaries nested past [`MAX_PLIST_DEPTH`], or a binary plist (whose
    /// nesting cannot be checked before parsing; `-xml` never writes one).
    #[error("not read: {0}")]
    Refused(String),
}

/// The deepest nesting of `<array>` and `<dict>` elements in an XML plist (text that looks like
/// those tags inside strings or comments counts too: it can only make the answer larger).
fn xml_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for (i, _) in bytes.iter().enumerate().filter(|(_, &b)| b == b'<') {
        let rest = &bytes[i + 1..];
        if rest.starts_with(b"array>") || rest.starts_with(b"dict>") {
            depth += 1;
            deepest = deepest.max(depth);
        } else if rest.starts_with(b"/array>") || rest.starts_with(b"/dict>") {
            depth = depth.saturating_sub(1);
        }
    }
    deepest
}

/// The data-type dicts of a `system_profiler -xml` output, by `_dataType`.
pub fn parse_xml(bytes: &[u8]) -> Result<Vec<(String, Vec<Value>)>, PlistError> {
    if bytes.starts_with(b"bplist") {
        return Err(PlistError::Refused("a binary plist, not XML".into()));
    }
    if xml_depth(bytes) > MAX_PLIST_DEPTH {
        return Err(PlistError::Refused(format!(
            "arrays and dictionaries nested more than {MAX_PLIST_DEPTH} levels deep"
        )));
    }
    let v = Value::from_reader(std::io::Cursor::new(bytes))?;
    Ok(v.as_array()
        .map(|arr| {
            arr.iter()
                .filter_map(|d| {
                    let d = d.as_dictionary()?;
                    let name = d.get("_dataType")?.as_string()?.to_string();
                    let items = d
                        .get("_items")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    Some((name, items))
                })
                .collect()
        })
        .unwrap_or_default())
}

/// The trimmed, non-empty string at key `k` of a dict item.
fn s(v: &Value, k: &str) -> Option<String> {
    let t = v.as_dictionary()?.get(k)?.as_string()?.trim().to_string();
    (!t.is_empty()).then_some(t)
}

/// The non-negative integer at key `k` of a dict item.
fn u(v: &Value, k: &str) -> Option<u64> {
    let x = v.as_dictionary()?.get(k)?;
    x.as_unsigned_integer()
        .or_else(|| x.as_signed_integer().map(|i| i.max(0) as u64))
}
