//! apirest.md "Search items": criteria on search options, projected by search option id.

use serde_json::{json, Map, Value};

use super::error;
use super::items::{itemtype_unknown, like, paged, rows};
use crate::http::{Req, Resp};
use crate::state::State;

/// Search options used by the emulator (a subset of what apirest.md "List searchOptions"
/// returns for these itemtypes in GLPI: 1 name, 2 id, 12 status, 15 opening date, 19 last
/// update; for KnowbaseItem 6 subject, 7 content).
pub(super) fn search_field(itemtype: &str, field: &str) -> Option<&'static str> {
    Some(match (itemtype, field) {
        ("Ticket", "1") => "name",
        ("Ticket", "2") | ("KnowbaseItem", "2") => "id",
        ("Ticket", "12") => "status",
        ("Ticket", "15") => "date",
        ("Ticket", "19") | ("KnowbaseItem", "19") => "date_mod",
        ("KnowbaseItem", "6") => "name",
        ("KnowbaseItem", "7") => "answer",
        _ => return None,
    })
}

/// apirest.md "Search items": `criteria[i][field|searchtype|value|link]`, `forcedisplay[i]`,
/// `range`; answers `{"totalcount", "count", "data": [{"<searchoption id>": value}]}` with the
/// range headers, 206 when partial. Only AND links are supported.
pub(super) fn search(
    st: &State,
    req: &Req,
    itemtype: &str,
    config: &crate::EmulatorConfig,
) -> Resp {
    let Some(mut rows) = rows(st, itemtype) else {
        return itemtype_unknown(itemtype);
    };
    let mut criteria: std::collections::BTreeMap<String, Map<String, Value>> = Default::default();
    let mut display = vec!["2".to_owned()];
    for (k, v) in &req.query {
        if let Some(rest) = k.strip_prefix("criteria[") {
            if let Some((idx, key)) = rest.split_once("][") {
                criteria
                    .entry(idx.to_owned())
                    .or_default()
                    .insert(key.trim_end_matches(']').to_owned(), json!(v));
            }
        } else if k.starts_with("forcedisplay[") {
            display.push(v.clone());
        }
    }
    for c in criteria.values() {
        let field = c.get("field").and_then(Value::as_str).unwrap_or("");
        let Some(column) = search_field(itemtype, field) else {
            return error(
                400,
                "ERROR_BAD_ARRAY",
                &format!("unknown search option {field}"),
            );
        };
        display.push(field.to_owned());
        let value = c.get("value").and_then(Value::as_str).unwrap_or("");
        let kind = c
            .get("searchtype")
            .and_then(Value::as_str)
            .unwrap_or("contains");
        rows.retain(|r| {
            let cell = &r[column];
            let text = cell
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| cell.to_string());
            match kind {
                "equals" => text == value,
                "notequals" => text != value,
                // Dates compare as their `YYYY-MM-DD HH:MM:SS` text; numbers numerically.
                "morethan" => compare(&text, value) == std::cmp::Ordering::Greater,
                "lessthan" => compare(&text, value) == std::cmp::Ordering::Less,
                _ => like(Some(cell), value),
            }
        });
    }
    display.sort();
    display.dedup();
    let projected: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut m = Map::new();
            for d in &display {
                if let Some(col) = search_field(itemtype, d) {
                    m.insert(d.clone(), r[col].clone());
                }
            }
            Value::Object(m)
        })
        .collect();
    paged(
        projected,
        req,
        itemtype,
        config.max_range,
        |page, start, last, total| {
            json!({
                "totalcount": total, "count": page.len(), "data": page,
                "content-range": format!("{start}-{last}/{total}"),
            })
        },
    )
}

pub(super) fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        _ => a.cmp(b),
    }
}
