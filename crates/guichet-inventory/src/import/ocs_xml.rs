//! FusionInventory / OCS Inventory XML (`<REQUEST><CONTENT><HARDWARE>…`) to our model.
//!
//! GLPI's JSON format is the XML format's successor with the same section and field names in
//! lower case, so this module only turns the XML tree into that JSON shape (sections that repeat
//! become arrays, leaves become strings) and hands it to [`super::glpi`]'s mapping. One mapping
//! for both keeps their units and quirks in one place.
//!
//! The reader checks that the document is well formed (matching end tags, known entities): a
//! truncated file (an agent killed mid-write, a copy cut short) is an error, not half a machine.
//! Old OCS agents write ISO-8859-1; a file that is not UTF-8 is read as Latin-1.
//!
//! The tree is read without recursion, and elements nested deeper than [`MAX_DEPTH`] are
//! refused: the tree's conversion and its drop recurse once per level, and a file of a few
//! megabytes can nest hundreds of thousands of levels, enough to overflow the stack and kill the
//! process (the app with it). Real inventories nest five or six levels.

use chrono::{DateTime, Utc};
use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{Map, Value};

use super::ImportError;
use crate::model::Inventory;

/// An inventory read from an OCS/FusionInventory XML file.
#[derive(Debug, Clone, PartialEq)]
pub struct OcsDocument {
    /// The agent's `DEVICEID`, when present.
    pub deviceid: Option<String>,
    /// The inventory mapped to our model.
    pub inventory: Inventory,
}

/// Sections of `CONTENT` that hold one record; every other section is a list.
const SINGLE_SECTIONS: [&str; 6] = [
    "hardware",
    "bios",
    "operatingsystem",
    "accesslog",
    "versionprovider",
    "versionclient",
];

/// The deepest element nesting accepted (the document element is level 1).
pub const MAX_DEPTH: usize = 64;

/// One XML element: its text and its child elements in order.
#[derive(Debug, Default)]
struct Element {
    name: String,
    text: String,
    children: Vec<Element>,
}

/// Decodes the bytes of an XML file: UTF-8, else Latin-1 (every byte is its code point).
pub fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// Parses an OCS/FusionInventory inventory XML document.
pub fn from_ocs_xml(xml: &str, fallback_time: DateTime<Utc>) -> Result<OcsDocument, ImportError> {
    let root = parse_tree(xml)?;
    if !root.name.eq_ignore_ascii_case("REQUEST") {
        return Err(ImportError::Invalid(format!(
            "the XML root is <{}>, not <REQUEST> (an OCS/FusionInventory inventory)",
            root.name
        )));
    }
    let query = child_text(&root, "QUERY");
    if let Some(q) = query.as_deref() {
        if !q.eq_ignore_ascii_case("INVENTORY") {
            return Err(ImportError::Invalid(format!(
                "this XML is a `{q}` request, not an inventory"
            )));
        }
    }
    let content = root
        .children
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case("CONTENT"))
        .ok_or_else(|| ImportError::Invalid("the XML has no <CONTENT> section".into()))?;

    let mut sections = Map::new();
    for section in &content.children {
        let key = section.name.to_ascii_lowercase();
        let value = to_json(section);
        if SINGLE_SECTIONS.contains(&key.as_str()) {
            sections.insert(key, value);
        } else {
            // A single section seen twice keeps its first record.
            if let Value::Array(items) = sections
                .entry(key)
                .or_insert_with(|| Value::Array(Vec::new()))
            {
                items.push(value);
            }
        }
    }
    Ok(OcsDocument {
        deviceid: child_text(&root, "DEVICEID"),
        inventory: super::glpi::from_content(&sections, fallback_time),
    })
}

fn child_text(e: &Element, name: &str) -> Option<String> {
    e.children
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(name))
        .map(|c| c.text.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// An element as JSON: a leaf is its text; an element with children is an object keyed by the
/// lower-cased child names, a name seen more than once becoming an array (group `MEMBER`s).
fn to_json(e: &Element) -> Value {
    if e.children.is_empty() {
        return Value::String(e.text.trim().to_string());
    }
    let mut map = Map::new();
    for c in &e.children {
        let key = match c.name.to_ascii_lowercase().as_str() {
            // GLPI's JSON names the list of group members `members`.
            "member" => "members".to_string(),
            other => other.to_string(),
        };
        let v = to_json(c);
        match map.get_mut(&key) {
            Some(Value::Array(items)) if key == "members" => items.push(v),
            Some(Value::Array(items)) => items.push(v),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, v]);
            }
            None if key == "members" => {
                map.insert(key, Value::Array(vec![v]));
            }
            None => {
                map.insert(key, v);
            }
        }
    }
    Value::Object(map)
}

fn parse_tree(xml: &str) -> Result<Element, ImportError> {
    let mut reader = Reader::from_str(xml);
    let bad = |e: &dyn std::fmt::Display, pos: u64| {
        ImportError::Invalid(format!("malformed XML at byte {pos}: {e}"))
    };
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| bad(&e, pos))?;
        match event {
            Event::Start(s) => {
                // `stack` holds the document node too: its length is the new element's level.
                if stack.len() > MAX_DEPTH {
                    return Err(ImportError::Invalid(format!(
                        "the XML nests elements more than {MAX_DEPTH} levels deep \
                         (at byte {pos}); an inventory never does"
                    )));
                }
                stack.push(Element {
                    name: s.name().as_ref().to_string(),
                    ..Default::default()
                });
            }
            Event::Empty(s) => {
                let el = Element {
                    name: s.name().as_ref().to_string(),
                    ..Default::default()
                };
                stack.last_mut().expect("root").children.push(el);
            }
            Event::End(_) => {
                let done = stack.pop().expect("reader checks nesting");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Err(bad(&"unbalanced end tag", pos)),
                }
            }
            Event::Text(t) => stack
                .last_mut()
                .expect("root")
                .text
                .push_str(&t.xml10_content()),
            Event::CData(t) => stack
                .last_mut()
                .expect("root")
                .text
                .push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| bad(&e, pos))? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)
                        .ok_or_else(|| bad(&format!("unknown entity &{};", &*r), pos))?
                        .to_string(),
                };
                stack.last_mut().expect("root").text.push_str(&resolved);
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if stack.len() != 1 {
        return Err(ImportError::Invalid(format!(
            "truncated XML: <{}> is never closed",
            stack.last().map(|e| e.name.as_str()).unwrap_or("?")
        )));
    }
    let top = stack.pop().expect("document");
    top.children
        .into_iter()
        .next()
        .ok_or_else(|| ImportError::Invalid("the XML document is empty".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<REQUEST>
  <CONTENT>
    <BIOS><SSN>CZ1234</SSN><SMANUFACTURER>HP</SMANUFACTURER><SMODEL>EliteDesk 800</SMODEL></BIOS>
    <HARDWARE><NAME>pc-compta</NAME><MEMORY>7872</MEMORY><UUID>4C4C4544-0042-3510-8053-B4C04F4A4C32</UUID></HARDWARE>
    <SOFTWARES><NAME>Mozilla Firefox (x64 fr)</NAME><VERSION>115.3.0</VERSION><PUBLISHER>Mozilla &amp; co</PUBLISHER></SOFTWARES>
    <SOFTWARES><NAME>7-Zip</NAME><VERSION>23.01</VERSION><INSTALLDATE>14/02/2024</INSTALLDATE></SOFTWARES>
    <LOCAL_GROUPS><NAME>adm</NAME><ID>4</ID><MEMBER>alice</MEMBER></LOCAL_GROUPS>
  </CONTENT>
  <DEVICEID>pc-compta-2024-01-01-10-00-00</DEVICEID>
  <QUERY>INVENTORY</QUERY>
</REQUEST>"#;

    #[test]
    fn a_small_ocs_document_maps_to_the_model() {
        let doc = from_ocs_xml(SMALL, DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(
            doc.deviceid.as_deref(),
            Some("pc-compta-2024-01-01-10-00-00")
        );
        let inv = doc.inventory;
        assert_eq!(inv.hostname(), Some("pc-compta"));
        let m = inv.machine.unwrap();
        assert_eq!(m.serial.as_deref(), Some("CZ1234"));
        assert_eq!(
            m.uuid.as_deref(),
            Some("4C4C4544-0042-3510-8053-B4C04F4A4C32")
        );
        assert_eq!(inv.memory.unwrap().total_bytes, 7872 * 1024 * 1024);
        assert_eq!(inv.software.len(), 2);
        assert_eq!(inv.software[0].publisher.as_deref(), Some("Mozilla & co"));
        assert_eq!(
            inv.software[1].install_date.unwrap().to_rfc3339(),
            "2024-02-14T00:00:00+00:00"
        );
        assert_eq!(inv.groups[0].members, vec!["alice".to_string()]);
    }

    #[test]
    fn nesting_is_refused_past_the_limit_and_accepted_up_to_it() {
        let nest = |levels: usize| {
            let inner = "<A>".repeat(levels - 1) + &"</A>".repeat(levels - 1);
            format!("<REQUEST>{inner}</REQUEST>")
        };
        // At the limit the tree is read (and refused for what it is, not its depth).
        let err = from_ocs_xml(&nest(MAX_DEPTH), DateTime::UNIX_EPOCH).unwrap_err();
        assert!(err.to_string().contains("CONTENT"), "{err}");
        let err = from_ocs_xml(&nest(MAX_DEPTH + 1), DateTime::UNIX_EPOCH).unwrap_err();
        assert!(err.to_string().contains("levels deep"), "{err}");
    }

    #[test]
    fn a_truncated_file_is_an_error() {
        let cut = &SMALL[..SMALL.len() / 2];
        let err = from_ocs_xml(cut, DateTime::UNIX_EPOCH).unwrap_err();
        assert!(err.to_string().contains("XML"), "{err}");
    }

    #[test]
    fn other_roots_and_queries_are_refused() {
        assert!(from_ocs_xml("<html><body/></html>", DateTime::UNIX_EPOCH).is_err());
        let prolog = "<REQUEST><DEVICEID>x</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>";
        let err = from_ocs_xml(prolog, DateTime::UNIX_EPOCH).unwrap_err();
        assert!(err.to_string().contains("PROLOG"), "{err}");
    }

    #[test]
    fn latin1_files_are_decoded() {
        assert_eq!(decode(b"caf\xe9"), "café");
        assert_eq!(decode("café".as_bytes()), "café");
    }
}
