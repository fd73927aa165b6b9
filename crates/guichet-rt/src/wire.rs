//! Reading and writing RT's JSON: ids that are strings or numbers, collections, dates,
//! TicketSQL literals, article bodies.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

use guichet_sync::ConnectorError;

/// The id of an item: `"3"` in collections, `3` in single resources. Anything but digits is
/// no id: ids go into URL paths.
pub fn id_of(v: &Value) -> Option<String> {
    match v.get("id")? {
        Value::String(s) if is_numeric(s) => Some(s.clone()),
        Value::Number(n) => n.as_u64().map(|n| n.to_string()),
        _ => None,
    }
}

fn is_numeric(s: &str) -> bool {
    !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `id` as the RT object id it must be (digits only) before it goes into a URL path: an id
/// from elsewhere (an imported bundle, a broken server) never adds path segments, a query or
/// another host. Anything else is refused for good.
pub fn path_id(id: &str) -> Result<&str, ConnectorError> {
    if is_numeric(id) {
        Ok(id)
    } else {
        Err(ConnectorError::Permanent {
            status: 0,
            message: format!("not an RT id: {id:?}"),
        })
    }
}

/// A string field of an item (empty when absent or not a string).
pub fn str_field(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

/// Single quotes and backslashes escaped for a TicketSQL/AssetSQL string literal.
pub fn sql_str(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\'', "\\'")
}

/// The `items` of a collection answer.
pub fn items(v: &Value) -> Result<Vec<Value>, ConnectorError> {
    v.get("items")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| ConnectorError::Malformed("collection without items".into()))
}

/// An RT date (`2026-11-23T12:30:18Z`); RT's "not set" (`1970-01-01T00:00:00Z`) and an absent
/// field are `None`.
pub fn rt_date(v: Option<&Value>) -> Result<Option<DateTime<Utc>>, ConnectorError> {
    let Some(s) = v.and_then(Value::as_str) else {
        return Ok(None);
    };
    let d = DateTime::parse_from_rfc3339(s)
        .map_err(|e| ConnectorError::Malformed(format!("date `{s}`: {e}")))?
        .with_timezone(&Utc);
    Ok((d.timestamp() != 0).then_some(d))
}

/// A date as TicketSQL and article searches parse it. A trailing `Z` would be silently
/// ignored by RT, turning the condition into "everything".
pub fn tsql_date(d: DateTime<Utc>) -> String {
    d.format("%Y-%m-%d %H:%M:%S +0000").to_string()
}

/// A date as article (JSON) searches compare it: RT stores UTC and compares the literal, and
/// there an offset suffix makes the condition match nothing.
pub fn article_date(d: DateTime<Utc>) -> String {
    d.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Parses a cursor written by [`tsql_date`].
#[cfg(test)]
pub fn parse_tsql_date(s: &str) -> Option<DateTime<Utc>> {
    chrono::NaiveDateTime::parse_from_str(s.trim_end_matches(" +0000"), "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|n| n.and_utc())
}

/// An article version: its last change plus a hash of what we show, since two edits within
/// RT's one-second resolution share a `LastUpdated`.
pub fn version_of(updated: Option<DateTime<Utc>>, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let hex: String = h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "{}#{hex}",
        updated.map(|d| d.to_rfc3339()).unwrap_or_default()
    )
}

/// Article bodies are HTML when they look like it; plain text becomes escaped paragraphs.
pub fn text_to_html(content: &str) -> String {
    let t = content.trim();
    if t.starts_with('<') {
        return t.to_string();
    }
    t.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let esc = p
                .trim()
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('\n', "<br>");
            format!("<p>{esc}</p>")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_strings_or_numbers() {
        assert_eq!(id_of(&json!({"id": "3"})).as_deref(), Some("3"));
        assert_eq!(id_of(&json!({"id": 3})).as_deref(), Some("3"));
        assert_eq!(id_of(&json!({"id": ""})), None);
    }

    #[test]
    fn sql_literals_are_escaped() {
        assert_eq!(sql_str("O'Brien\\"), "O\\'Brien\\\\");
    }

    #[test]
    fn dates_round_trip_without_a_trailing_z() {
        let d = rt_date(Some(&json!("2026-11-23T12:30:18Z")))
            .unwrap()
            .unwrap();
        let s = tsql_date(d);
        assert_eq!(s, "2026-11-23 12:30:18 +0000");
        assert_eq!(parse_tsql_date(&s), Some(d));
        assert_eq!(article_date(d), "2026-11-23 12:30:18");
        assert_eq!(rt_date(Some(&json!("1970-01-01T00:00:00Z"))).unwrap(), None);
        assert!(rt_date(Some(&json!("yesterday"))).is_err());
    }

    #[test]
    fn versions_change_with_content_within_one_second() {
        let d = rt_date(Some(&json!("2026-11-23T12:30:18Z"))).unwrap();
        assert_ne!(version_of(d, &["a", "b"]), version_of(d, &["a", "c"]));
        assert_ne!(version_of(d, &["ab", ""]), version_of(d, &["a", "b"]));
    }

    #[test]
    fn plain_text_bodies_become_escaped_paragraphs() {
        assert_eq!(
            text_to_html("1. Quit <VPN>\n2. Restart\n\nDone & dusted"),
            "<p>1. Quit &lt;VPN&gt;<br>2. Restart</p><p>Done &amp; dusted</p>"
        );
        assert_eq!(text_to_html(" <p>x</p>\n"), "<p>x</p>");
    }
}
