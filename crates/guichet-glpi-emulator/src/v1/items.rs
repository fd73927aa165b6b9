//! Reading items: apirest.md "Get an item", "Get all items" and "Get sub items", the JSON
//! rows of each itemtype and the paging every list shares.

use serde_json::{json, Value};

use super::error;
use crate::http::{Req, Resp};
use crate::state::{glpi_datetime, State};

/// Every row of `itemtype` as the API shows it, `None` for an itemtype the emulator lacks.
pub(super) fn rows(st: &State, itemtype: &str) -> Option<Vec<Value>> {
    Some(match itemtype {
        "Ticket" => st.tickets.values().map(ticket_json).collect(),
        "ITILFollowup" => st.followups.values().map(followup_json).collect(),
        "ITILSolution" => st.solutions.values().map(solution_json).collect(),
        // KB visibility (GLPI's KnowbaseItem visibility targets) restricts what the API user
        // sees: invisible articles are simply absent, as in GLPI's own lists.
        "KnowbaseItem" => st
            .kb_items
            .values()
            .filter(|k| k.visible)
            .map(kb_item_json)
            .collect(),
        "ITILCategory" => st
            .itil_categories
            .values()
            .map(|c| itil_category_json(st, c))
            .collect(),
        "KnowbaseItemCategory" => st
            .kb_categories
            .values()
            .map(|c| {
                json!({
                    "id": c.id, "name": c.name, "completename": completename(st, c.id),
                    "knowbaseitemcategories_id": c.parent,
                })
            })
            .collect(),
        "KnowbaseItem_KnowbaseItemCategory" => st
            .kb_items
            .values()
            .filter(|k| k.visible)
            .flat_map(|k| {
                k.categories.iter().map(move |c| {
                    json!({
                        "id": k.id * 1000 + c, "knowbaseitems_id": k.id,
                        "knowbaseitemcategories_id": c,
                    })
                })
            })
            .collect(),
        "Document" => st.documents.values().map(document_json).collect(),
        // One row per link, as `glpi_documents_items` (a technician may list it).
        "Document_Item" => st
            .documents
            .values()
            .flat_map(|d| {
                d.links.iter().enumerate().map(move |(n, (t, i))| {
                    json!({"id": d.id * 1000 + n as i64, "documents_id": d.id,
                           "itemtype": t, "items_id": i})
                })
            })
            .collect(),
        "Computer" => st.computers.values().map(computer_json).collect(),
        _ => return None,
    })
}

fn followup_json(f: &crate::state::Followup) -> Value {
    json!({
        "id": f.id, "itemtype": "Ticket", "items_id": f.items_id,
        "content": f.content, "is_private": i32::from(f.is_private),
        "users_id": f.users_id, "date": glpi_datetime(f.date),
        "date_mod": glpi_datetime(f.date), "date_creation": glpi_datetime(f.date),
    })
}

fn solution_json(s: &crate::state::Solution) -> Value {
    json!({
        "id": s.id, "itemtype": "Ticket", "items_id": s.items_id,
        "content": s.content, "users_id": s.users_id,
        "date_creation": glpi_datetime(s.date_creation),
        "date_mod": glpi_datetime(s.date_creation), "status": 2,
    })
}

fn kb_item_json(k: &crate::state::KbItem) -> Value {
    json!({
        "id": k.id, "name": k.name, "answer": k.answer,
        "is_faq": i32::from(k.is_faq), "view": 0,
        "date_creation": glpi_datetime(k.date_creation),
        "date_mod": glpi_datetime(k.date_mod),
    })
}

fn itil_category_json(st: &State, c: &crate::state::ItilCategory) -> Value {
    json!({
        "id": c.id, "name": c.name, "completename": st.itil_completename(c.id),
        "itilcategories_id": c.parent, "is_incident": i32::from(c.is_incident),
        "is_request": i32::from(c.is_request), "is_helpdeskvisible": 1,
    })
}

fn document_json(d: &crate::state::Document) -> Value {
    json!({
        "id": d.id, "name": d.name, "filename": d.filename, "mime": d.mime,
        "filesize": d.bytes.len(),
    })
}

fn computer_json(c: &crate::state::Computer) -> Value {
    json!({
        "id": c.id,
        "name": c.content.pointer("/hardware/name").cloned().unwrap_or(Value::Null),
        "uuid": c.content.pointer("/hardware/uuid").cloned().unwrap_or(Value::Null),
        "serial": c.content.pointer("/bios/ssn").cloned().unwrap_or(Value::Null),
        "is_dynamic": 1, "date_mod": glpi_datetime(c.date_mod),
    })
}

/// The category path `Parent > Child`, as GLPI's `completename`.
pub(super) fn completename(st: &State, id: i64) -> String {
    let mut names = Vec::new();
    let mut cur = id;
    while let Some(c) = st.kb_categories.get(&cur) {
        names.push(c.name.clone());
        if c.parent == 0 || names.len() > 16 {
            break;
        }
        cur = c.parent;
    }
    names.reverse();
    names.join(" > ")
}

pub(super) fn ticket_json(t: &crate::state::Ticket) -> Value {
    json!({
        "id": t.id, "name": t.name, "content": t.content, "status": t.status,
        "users_id_recipient": t.users_id_recipient,
        "date": glpi_datetime(t.date), "date_creation": glpi_datetime(t.date),
        "date_mod": glpi_datetime(t.date_mod), "entities_id": 0, "type": t.ticket_type,
        "urgency": t.urgency, "itilcategories_id": t.itilcategories_id,
    })
}

pub(super) fn itemtype_unknown(itemtype: &str) -> Resp {
    // apirest.md "Errors": ERROR_ITEMTYPE_NOT_FOUND_NOR_COMMONDBTM.
    error(
        400,
        "ERROR_ITEMTYPE_NOT_FOUND_NOR_COMMONDBTM",
        &format!("resource {itemtype} not found"),
    )
}

/// Parses `range=START-END` (apirest.md "Get all items": default 0-50).
pub(super) fn parse_range(req: &Req) -> Result<(usize, usize), Resp> {
    let raw = req.query("range").unwrap_or("0-50");
    let parsed = raw
        .split_once('-')
        .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)));
    match parsed {
        Some((a, b)) if a <= b => Ok((a, b)),
        _ => Err(error(400, "ERROR_RANGE_EXCEED_TOTAL", "bad range")),
    }
}

/// Pages rows and sets the headers of apirest.md "Get all items": `Content-Range: start-end/total`,
/// `Accept-Range: itemtype max`, 200 when everything fits, 206 Partial Content otherwise, 400
/// ERROR_RANGE_EXCEED_TOTAL when the range starts past the end.
pub(super) fn paged(
    rows: Vec<Value>,
    req: &Req,
    itemtype: &str,
    max: usize,
    wrap: impl Fn(Vec<Value>, usize, usize, usize) -> Value,
) -> Resp {
    let (start, end) = match parse_range(req) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let total = rows.len();
    if start > total || (total > 0 && start == total) {
        return error(
            400,
            "ERROR_RANGE_EXCEED_TOTAL",
            "Provided range exceed total count of data",
        );
    }
    // Never more than the configured maximum per page.
    let end = end.min(start + max.saturating_sub(1));
    let page: Vec<Value> = rows.into_iter().skip(start).take(end + 1 - start).collect();
    let last = if page.is_empty() {
        start
    } else {
        start + page.len() - 1
    };
    let partial = total > 0 && last + 1 < total;
    let count = page.len();
    Resp::json(
        if partial { 206 } else { 200 },
        &wrap(page, start, last, total),
    )
    .with_header("Content-Range", format!("{start}-{last}/{total}"))
    .with_header("Accept-Range", format!("{itemtype} {max}"))
    .with_header("X-Emulator-Count", count.to_string())
}

/// apirest.md "Get all items", with `searchText[field]=text` filters (a LIKE match; `^` and `$`
/// anchor it, as in apirest.md "Search items" note ¹), `sort`/`order` left at id order.
pub(super) fn get_items(
    st: &State,
    req: &Req,
    itemtype: &str,
    config: &crate::EmulatorConfig,
) -> Resp {
    let Some(mut rows) = rows(st, itemtype) else {
        return itemtype_unknown(itemtype);
    };
    for (k, v) in &req.query {
        if let Some(field) = k
            .strip_prefix("searchText[")
            .and_then(|f| f.strip_suffix(']'))
        {
            // GLPI 10.0.10 runs the SQL on a column that does not exist and answers 200 with
            // an empty body (its PHP fatal error goes to its log): observed live on
            // `searchText[externalid]`.
            if rows.first().is_some_and(|r| r.get(field).is_none()) {
                return Resp {
                    status: 200,
                    headers: vec![("Content-Type".into(), "text/html; charset=UTF-8".into())],
                    body: Vec::new(),
                };
            }
            rows.retain(|r| like(r.get(field), v));
        }
    }
    paged(rows, req, itemtype, config.max_range, |page, _, _, _| {
        Value::Array(page)
    })
}

pub(super) fn like(value: Option<&Value>, pattern: &str) -> bool {
    let text = match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    };
    let (anchored_start, p) = match pattern.strip_prefix('^') {
        Some(p) => (true, p),
        None => (false, pattern),
    };
    let (anchored_end, p) = match p.strip_suffix('$') {
        Some(p) => (true, p),
        None => (false, p),
    };
    let text = text.to_lowercase();
    let p = p.to_lowercase();
    match (anchored_start, anchored_end) {
        (true, true) => text == p,
        (true, false) => text.starts_with(&p),
        (false, true) => text.ends_with(&p),
        (false, false) => text.contains(&p),
    }
}

/// apirest.md "Get an item": 200 with the fields, 404 ERROR_ITEM_NOT_FOUND. With
/// `with_documents=true` on a ticket, `_documents` lists the documents of the ticket and of its
/// follow-ups (GLPI's `getAssociatedDocumentsCriteria`): the one way a Self-Service account may
/// read them, `Ticket/:id/Document_Item` being refused to it.
pub(super) fn get_item(st: &State, req: &Req, itemtype: &str, id: &str) -> Resp {
    let Some(rows) = rows(st, itemtype) else {
        return itemtype_unknown(itemtype);
    };
    let id: i64 = id.parse().unwrap_or(-1);
    match rows.into_iter().find(|r| r["id"] == json!(id)) {
        Some(mut r) => {
            if itemtype == "Ticket" && req.query("with_documents") == Some("true") {
                r["_documents"] = Value::Array(ticket_documents(st, id));
            }
            if itemtype == "KnowbaseItem" && req.query("with_documents") == Some("true") {
                r["_documents"] = Value::Array(kb_documents(st, id));
            }
            let date_mod = r["date_mod"].as_str().unwrap_or_default().to_owned();
            Resp::json(200, &r).with_header("Last-Modified", date_mod)
        }
        None => error(404, "ERROR_ITEM_NOT_FOUND", "Item not found"),
    }
}

/// An article's documents as GLPI lists them (`sha1sum` here is a stand-in digest of the bytes:
/// it changes when they do, which is all a client may rely on).
fn kb_documents(st: &State, article: i64) -> Vec<Value> {
    use std::hash::{Hash as _, Hasher as _};
    st.documents
        .values()
        .filter(|d| {
            d.links
                .iter()
                .any(|(t, i)| t == "KnowbaseItem" && *i == article)
        })
        .map(|d| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            d.bytes.hash(&mut h);
            json!({"id": d.id, "name": d.name, "filename": d.filename, "mime": d.mime,
                   "sha1sum": format!("{:016x}", h.finish()), "is_deleted": 0})
        })
        .collect()
}

fn ticket_documents(st: &State, ticket: i64) -> Vec<Value> {
    st.documents
        .values()
        .filter(|d| {
            d.links.iter().any(|(t, i)| {
                (t == "Ticket" && *i == ticket)
                    || (t == "ITILFollowup"
                        && st.followups.get(i).is_some_and(|f| f.items_id == ticket))
            })
        })
        .map(|d| json!({"id": d.id, "name": d.name, "filename": d.filename, "mime": d.mime}))
        .collect()
}

/// apirest.md "Get sub items": `Ticket/:id/ITILFollowup`, `Ticket/:id/ITILSolution`,
/// `Ticket/:id/Document_Item` and `ITILFollowup/:id/Document_Item` (the documents of a
/// follow-up), with the same range headers as "Get all items".
pub(super) fn get_sub_items(
    st: &State,
    req: &Req,
    itemtype: &str,
    id: &str,
    sub: &str,
    config: &crate::EmulatorConfig,
) -> Resp {
    let id: i64 = id.parse().unwrap_or(-1);
    if itemtype == "ITILFollowup" && sub == "Document_Item" {
        if !st.followups.contains_key(&id) {
            return error(404, "ERROR_ITEM_NOT_FOUND", "Item not found");
        }
        let rows: Vec<Value> = st
            .documents
            .values()
            .filter(|d| d.links.iter().any(|(t, i)| t == "ITILFollowup" && *i == id))
            .map(|d| {
                json!({"id": d.id, "documents_id": d.id, "itemtype": "ITILFollowup", "items_id": id})
            })
            .collect();
        return paged(rows, req, sub, config.max_range, |page, _, _, _| {
            Value::Array(page)
        });
    }
    if itemtype != "Ticket" {
        return itemtype_unknown(itemtype);
    }
    if !st.tickets.contains_key(&id) {
        return error(404, "ERROR_ITEM_NOT_FOUND", "Item not found");
    }
    let rows: Vec<Value> = match sub {
        "ITILFollowup" | "ITILSolution" => rows(st, sub)
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r["items_id"] == json!(id))
            .collect(),
        "Document_Item" => st
            .documents
            .values()
            .filter(|d| d.links.iter().any(|(t, i)| t == "Ticket" && *i == id))
            .map(
                |d| json!({"id": d.id, "documents_id": d.id, "itemtype": "Ticket", "items_id": id}),
            )
            .collect(),
        _ => return itemtype_unknown(sub),
    };
    paged(rows, req, sub, config.max_range, |page, _, _, _| {
        Value::Array(page)
    })
}
