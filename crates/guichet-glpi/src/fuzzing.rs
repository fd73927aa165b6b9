//! Entry points for the fuzz targets (`fuzz/`, cargo feature `fuzzing`, never enabled by the
//! project's crates): every reader of GLPI's answers, reachable without a server. Each runs
//! the same code the clients run on a received answer.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::transport::{check, Answer, Flavor};
use crate::{inventory, v1, v2};

/// A received answer (status, headers, body) through what every call does with one: the
/// status check of each API flavour, the JSON body, `Content-Range` paging, and the native
/// inventory's reading (compressed or not).
pub fn answer(status: u16, headers: &[(&str, &str)], body: &[u8]) {
    let make = || {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                map.append(n, v);
            }
        }
        Answer {
            status,
            headers: map,
            body: body.to_vec(),
            url: reqwest::Url::parse("http://127.0.0.1/").expect("a URL"),
        }
    };
    for flavor in [Flavor::V1, Flavor::V2] {
        if let Ok(a) = check(make(), flavor) {
            let _ = a.json::<Value>();
            let _ = a.json::<Vec<Value>>();
        }
    }
    let _ = v1::content_range_total(&make());
    let _ = inventory::read_answer(make());
}

/// A JSON answer of API v1 (GLPI 10) through its readers: tickets, search rows, follow-ups,
/// solutions, the session, the knowledge base and the action files linked to an article. An
/// array is read as the rows of a list.
pub fn v1_json(v: &Value) {
    let rows = rows(v);
    for r in &rows {
        let _ = v1::kb::action_documents(r);
        let _ = v1::tickets::ticket_from(r);
        let _ = v1::tickets::search_row(r);
        if !v1::tickets::is_private(r) {
            let _ = v1::tickets::followup_from(r);
        }
        let _ = v1::tickets::solution_from(r);
    }
    let _ = v1::session_user_from(v, None);
    let _ = v1::session_user_from(v, Some("alice"));
    let _ = v1::kb::kb_from(&rows, &rows, &rows);
}

/// A JSON answer of the high-level API v2 (GLPI 11) through its readers: timeline entries,
/// tickets, follow-ups, solutions, the knowledge base.
pub fn v2_json(v: &Value) {
    let rows: Vec<Value> = rows(v).into_iter().map(v2::timeline_item).collect();
    for r in &rows {
        let _ = v2::ticket_from(r);
        let _ = v2::public_followup(r);
        let _ = v1::tickets::solution_from(r);
    }
    let _ = v2::kb_from(&rows, &rows);
}

fn rows(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    }
}
