//! The legacy REST API, `apirest.php` (source: `apirest.md` in the glpi repository; section
//! names below are that document's headings).
//!
//! Supported: initSession (user_token or Basic, App-Token), killSession, Get an item, Get all
//! items (range, searchText, Content-Range/Accept-Range, 206), Get sub items, Search items
//! (criteria, forcedisplay), Add item(s) (JSON `input`, and multipart `uploadManifest` +
//! `filename[0]` for Document, linked to a Ticket or an ITILFollowup), Download a document
//! file, Get full session. Itemtypes: Ticket, ITILCategory, ITILFollowup,
//! ITILSolution, KnowbaseItem,
//! KnowbaseItemCategory, KnowbaseItem_KnowbaseItemCategory, Document, Computer.

use crate::http::{Req, Resp};
use crate::state::{glpi_datetime, State};
use crate::Shared;
use base64::Engine;
use serde_json::{json, Map, Value};

/// apirest.md "Errors": the body is `["ERROR_CODE", "message"]`.
fn error(status: u16, code: &str, message: &str) -> Resp {
    Resp::json(status, &json!([code, message]))
}

/// Handles a request whose path started with `/apirest.php`; `rest` is what follows.
pub fn handle(shared: &Shared, req: &Req, rest: &str) -> Resp {
    let config = shared.config();
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();

    // apirest.md "Important": "GET requests must have an empty body … Failing to do so will
    // trigger an HTTP 400 response."
    if req.method == "GET" && !req.body.is_empty() {
        return error(
            400,
            "ERROR_BAD_ARRAY",
            "GET requests must have an empty body",
        );
    }

    // apirest.md "Important": App-Token, when configured, must be passed in every call (header
    // or query string). The error code is ERROR_WRONG_APP_TOKEN_PARAMETER when wrong and
    // ERROR_APP_TOKEN_PARAMETERS_MISSING when absent ("Errors").
    if let Some(expected) = &config.app_token {
        let given = req.header("App-Token").or_else(|| req.query("app_token"));
        match given {
            None => {
                return error(
                    400,
                    "ERROR_APP_TOKEN_PARAMETERS_MISSING",
                    "missing parameter app_token",
                )
            }
            Some(t) if t != expected => {
                return error(
                    400,
                    "ERROR_WRONG_APP_TOKEN_PARAMETER",
                    "parameter app_token seems wrong",
                )
            }
            Some(_) => {}
        }
    }

    match segments.first().copied() {
        Some("initSession") => return init_session(shared, req),
        None => return error(400, "ERROR_METHOD_NOT_ALLOWED", "no endpoint given"),
        _ => {}
    }

    // apirest.md "Glossary" (Session token): every endpoint but initSession needs it, from the
    // Session-Token header or the session_token query parameter ("Important").
    let Some(token) = req
        .header("Session-Token")
        .or_else(|| req.query("session_token"))
        .map(str::to_owned)
    else {
        // apirest.md "Errors": ERROR_SESSION_TOKEN_MISSING.
        return error(
            400,
            "ERROR_SESSION_TOKEN_MISSING",
            "parameter session_token is missing or empty",
        );
    };
    let mut st = shared.lock();
    let now = st.now;
    let user_id = match st.sessions.get_mut(&token) {
        Some(s) if (now - s.last_used).num_seconds() <= config.session_ttl_secs => {
            s.last_used = now;
            s.user_id
        }
        _ => {
            // apirest.md "Errors": ERROR_SESSION_TOKEN_INVALID, "You should redo an Init
            // session request". GLPI answers it with 401.
            st.sessions.remove(&token);
            return error(
                401,
                "ERROR_SESSION_TOKEN_INVALID",
                "session_token seems invalid",
            );
        }
    };

    match (req.method.as_str(), segments.as_slice()) {
        ("GET", ["killSession"]) => {
            // apirest.md "Kill session": 200.
            st.sessions.remove(&token);
            Resp::json(200, &json!(true))
        }
        ("GET", ["getFullSession"]) => {
            // apirest.md "Get full session": `{"session": {…}}` with the user's `glpiID` and
            // `glpiname` among the PHP session variables.
            let name = st
                .users
                .get(&user_id)
                .map(|u| u.name.clone())
                .unwrap_or_default();
            Resp::json(
                200,
                &json!({"session": {"glpiID": user_id, "glpiname": name, "glpiactive_entity": 0}}),
            )
        }
        ("GET", ["search", itemtype]) => search(&st, req, itemtype, &config),
        ("GET", [itemtype]) => get_items(&st, req, itemtype, &config),
        ("GET", ["Document", id]) if wants_file(req) => download_document(&st, id),
        ("GET", [itemtype, id]) => get_item(&st, itemtype, id),
        ("GET", [itemtype, id, sub]) => get_sub_items(&st, req, itemtype, id, sub, &config),
        ("POST", [itemtype]) => add_item(&mut st, req, itemtype, user_id),
        ("POST", [itemtype, id, sub]) if *itemtype == "Ticket" => {
            // Adding through the sub-item path: the parent comes from the URL.
            add_sub_item(&mut st, req, id, sub, user_id)
        }
        _ => error(
            400,
            "ERROR_METHOD_NOT_ALLOWED",
            "method not allowed on this resource",
        ),
    }
}

/// apirest.md "Init session": `Authorization: Basic base64(login:password)` or
/// `Authorization: user_token TOKEN`; 200 `{"session_token": …}`, 400 on missing parameters,
/// 401 on bad credentials.
fn init_session(shared: &Shared, req: &Req) -> Resp {
    let auth = req.header("Authorization").unwrap_or("");
    let mut st = shared.lock();
    let user_id = if let Some(token) = auth.strip_prefix("user_token ") {
        match st
            .users
            .values()
            .find(|u| u.user_token.as_deref() == Some(token.trim()))
        {
            Some(u) => u.id,
            // apirest.md "Errors": ERROR_GLPI_LOGIN_USER_TOKEN.
            None => {
                return error(
                    401,
                    "ERROR_GLPI_LOGIN_USER_TOKEN",
                    "parameter user_token seems invalid",
                )
            }
        }
    } else if let Some(b64) = auth.strip_prefix("Basic ") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        let (login, password) = decoded.split_once(':').unwrap_or(("", ""));
        match st
            .user_by_name(login)
            .filter(|u| u.password == password && !password.is_empty())
        {
            Some(u) => u.id,
            // apirest.md "Errors": ERROR_GLPI_LOGIN.
            None => return error(401, "ERROR_GLPI_LOGIN", "Incorrect username or password"),
        }
    } else {
        // apirest.md "Errors": ERROR_LOGIN_PARAMETERS_MISSING.
        return error(
            400,
            "ERROR_LOGIN_PARAMETERS_MISSING",
            "parameter(s) login, password or user_token are missing",
        );
    };
    let token = random_token();
    let now = st.now;
    st.sessions.insert(
        token.clone(),
        crate::state::Session {
            user_id,
            last_used: now,
        },
    );
    Resp::json(200, &json!({ "session_token": token }))
}

/// 40 hex characters, like GLPI's session tokens in apirest.md's examples.
pub fn random_token() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..40)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect()
}

fn rows(st: &State, itemtype: &str) -> Option<Vec<Value>> {
    Some(match itemtype {
        "Ticket" => st.tickets.values().map(ticket_json).collect(),
        "ITILFollowup" => st
            .followups
            .values()
            .map(|f| {
                json!({
                    "id": f.id, "itemtype": "Ticket", "items_id": f.items_id,
                    "content": f.content, "is_private": i32::from(f.is_private),
                    "users_id": f.users_id, "date": glpi_datetime(f.date),
                    "date_mod": glpi_datetime(f.date), "date_creation": glpi_datetime(f.date),
                })
            })
            .collect(),
        "ITILSolution" => st
            .solutions
            .values()
            .map(|s| {
                json!({
                    "id": s.id, "itemtype": "Ticket", "items_id": s.items_id,
                    "content": s.content, "users_id": s.users_id,
                    "date_creation": glpi_datetime(s.date_creation),
                    "date_mod": glpi_datetime(s.date_creation), "status": 2,
                })
            })
            .collect(),
        // KB visibility (GLPI's KnowbaseItem visibility targets) restricts what the API user
        // sees: invisible articles are simply absent, as in GLPI's own lists.
        "KnowbaseItem" => st
            .kb_items
            .values()
            .filter(|k| k.visible)
            .map(|k| {
                json!({
                    "id": k.id, "name": k.name, "answer": k.answer,
                    "is_faq": i32::from(k.is_faq), "view": 0,
                    "date_creation": glpi_datetime(k.date_creation),
                    "date_mod": glpi_datetime(k.date_mod),
                })
            })
            .collect(),
        "ITILCategory" => st
            .itil_categories
            .values()
            .map(|c| {
                json!({
                    "id": c.id, "name": c.name, "completename": st.itil_completename(c.id),
                    "itilcategories_id": c.parent, "is_incident": i32::from(c.is_incident),
                    "is_request": i32::from(c.is_request), "is_helpdeskvisible": 1,
                })
            })
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
        "Document" => st
            .documents
            .values()
            .map(|d| {
                json!({
                    "id": d.id, "name": d.name, "filename": d.filename, "mime": d.mime,
                    "filesize": d.bytes.len(),
                })
            })
            .collect(),
        "Computer" => st
            .computers
            .values()
            .map(|c| {
                json!({
                    "id": c.id,
                    "name": c.content.pointer("/hardware/name").cloned().unwrap_or(Value::Null),
                    "uuid": c.content.pointer("/hardware/uuid").cloned().unwrap_or(Value::Null),
                    "serial": c.content.pointer("/bios/ssn").cloned().unwrap_or(Value::Null),
                    "is_dynamic": 1, "date_mod": glpi_datetime(c.date_mod),
                })
            })
            .collect(),
        _ => return None,
    })
}

/// The category path `Parent > Child`, as GLPI's `completename`.
fn completename(st: &State, id: i64) -> String {
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

fn ticket_json(t: &crate::state::Ticket) -> Value {
    json!({
        "id": t.id, "name": t.name, "content": t.content, "status": t.status,
        "externalid": t.externalid, "users_id_recipient": t.users_id_recipient,
        "date": glpi_datetime(t.date), "date_creation": glpi_datetime(t.date),
        "date_mod": glpi_datetime(t.date_mod), "entities_id": 0, "type": t.ticket_type,
        "urgency": t.urgency, "itilcategories_id": t.itilcategories_id,
    })
}

fn itemtype_unknown(itemtype: &str) -> Resp {
    // apirest.md "Errors": ERROR_ITEMTYPE_NOT_FOUND_NOR_COMMONDBTM.
    error(
        400,
        "ERROR_ITEMTYPE_NOT_FOUND_NOR_COMMONDBTM",
        &format!("resource {itemtype} not found"),
    )
}

/// Parses `range=START-END` (apirest.md "Get all items": default 0-50).
fn parse_range(req: &Req) -> Result<(usize, usize), Resp> {
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
fn paged(
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
fn get_items(st: &State, req: &Req, itemtype: &str, config: &crate::EmulatorConfig) -> Resp {
    let Some(mut rows) = rows(st, itemtype) else {
        return itemtype_unknown(itemtype);
    };
    for (k, v) in &req.query {
        if let Some(field) = k
            .strip_prefix("searchText[")
            .and_then(|f| f.strip_suffix(']'))
        {
            rows.retain(|r| like(r.get(field), v));
        }
    }
    paged(rows, req, itemtype, config.max_range, |page, _, _, _| {
        Value::Array(page)
    })
}

fn like(value: Option<&Value>, pattern: &str) -> bool {
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

/// apirest.md "Get an item": 200 with the fields, 404 ERROR_ITEM_NOT_FOUND.
fn get_item(st: &State, itemtype: &str, id: &str) -> Resp {
    let Some(rows) = rows(st, itemtype) else {
        return itemtype_unknown(itemtype);
    };
    let id: i64 = id.parse().unwrap_or(-1);
    match rows.into_iter().find(|r| r["id"] == json!(id)) {
        Some(r) => Resp::json(200, &r).with_header(
            "Last-Modified",
            r["date_mod"].as_str().unwrap_or_default().to_owned(),
        ),
        None => error(404, "ERROR_ITEM_NOT_FOUND", "Item not found"),
    }
}

/// apirest.md "Download a document file": `GET Document/:id` with the header
/// `Accept: application/octet-stream` or the parameter `alt=media` (one of them is required)
/// answers the file itself instead of the Document's fields.
fn wants_file(req: &Req) -> bool {
    req.header("Accept")
        .is_some_and(|a| a.contains("application/octet-stream"))
        || req.query("alt") == Some("media")
}

/// apirest.md "Download a document file": 200 with the raw file (its MIME type and length).
fn download_document(st: &State, id: &str) -> Resp {
    let id: i64 = id.parse().unwrap_or(-1);
    match st.documents.get(&id) {
        Some(d) => Resp {
            status: 200,
            headers: vec![
                ("Content-Type".into(), d.mime.clone()),
                (
                    "Content-Disposition".into(),
                    format!("attachment; filename=\"{}\"", d.filename),
                ),
            ],
            body: d.bytes.clone(),
        },
        None => error(404, "ERROR_ITEM_NOT_FOUND", "Item not found"),
    }
}

/// apirest.md "Get sub items": `Ticket/:id/ITILFollowup`, `Ticket/:id/ITILSolution`,
/// `Ticket/:id/Document_Item` and `ITILFollowup/:id/Document_Item` (the documents of a
/// follow-up), with the same range headers as "Get all items".
fn get_sub_items(
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

/// Search options used by the emulator (a subset of what apirest.md "List searchOptions"
/// returns for these itemtypes in GLPI: 1 name, 2 id, 12 status, 15 opening date, 19 last
/// update; for KnowbaseItem 6 subject, 7 content).
fn search_field(itemtype: &str, field: &str) -> Option<&'static str> {
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
fn search(st: &State, req: &Req, itemtype: &str, config: &crate::EmulatorConfig) -> Resp {
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

fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        _ => a.cmp(b),
    }
}

/// apirest.md "Add item(s)": JSON `{"input": {…}}` (or an array of objects), 201 with `{"id",
/// "message"}` and a `Location` header; ERROR_BAD_ARRAY when `input` is missing; multipart for
/// Document uploads with the JSON in `uploadManifest`.
fn add_item(st: &mut State, req: &Req, itemtype: &str, user: i64) -> Resp {
    if itemtype == "Document" {
        return add_document(st, req);
    }
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        // GLPI answers a body it cannot decode with ERROR_JSON_PAYLOAD_INVALID.
        return error(
            400,
            "ERROR_JSON_PAYLOAD_INVALID",
            "JSON payload seems not valid",
        );
    };
    let inputs: Vec<Value> = match body.get("input") {
        Some(Value::Array(a)) => a.clone(),
        Some(o @ Value::Object(_)) => vec![o.clone()],
        _ => {
            return error(
                400,
                "ERROR_BAD_ARRAY",
                "input parameter must be an array of objects",
            )
        }
    };
    let mut results = Vec::new();
    for input in &inputs {
        match add_one(st, itemtype, input, user) {
            Ok(id) => results.push(json!({"id": id, "message": ""})),
            Err(resp) if inputs.len() == 1 => return resp,
            Err(_) => results.push(json!({"id": false, "message": "Failed to add item"})),
        }
    }
    if results.len() == 1 {
        let id = results[0]["id"].clone();
        Resp::json(201, &results[0])
            .with_header("Location", format!("/apirest.php/{itemtype}/{id}"))
    } else {
        Resp::json(207, &Value::Array(results))
    }
}

fn add_sub_item(st: &mut State, req: &Req, id: &str, sub: &str, user: i64) -> Resp {
    let Ok(mut body) = serde_json::from_slice::<Value>(&req.body) else {
        return error(
            400,
            "ERROR_JSON_PAYLOAD_INVALID",
            "JSON payload seems not valid",
        );
    };
    if let Some(input) = body.get_mut("input").and_then(Value::as_object_mut) {
        input.insert("itemtype".into(), json!("Ticket"));
        input.insert("items_id".into(), json!(id.parse::<i64>().unwrap_or(-1)));
    }
    let fake = Req {
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.query.clone(),
        headers: req.headers.clone(),
        body: serde_json::to_vec(&body).unwrap_or_default().into(),
    };
    add_item(st, &fake, sub, user)
}

fn str_field<'a>(input: &'a Value, key: &str) -> &'a str {
    input.get(key).and_then(Value::as_str).unwrap_or("")
}

fn int_field(input: &Value, key: &str) -> i64 {
    match input.get(key) {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        Some(Value::Bool(b)) => i64::from(*b),
        _ => 0,
    }
}

/// An integer field that must fit GLPI's small dropdown values; anything else becomes 255,
/// outside every range, so that it is refused rather than wrapped.
fn small_field(input: &Value, key: &str) -> u8 {
    u8::try_from(int_field(input, key)).unwrap_or(u8::MAX)
}

fn add_one(st: &mut State, itemtype: &str, input: &Value, user: i64) -> Result<i64, Resp> {
    match itemtype {
        "Ticket" => {
            // GLPI refuses a ticket without description ("Mandatory field: Description"),
            // reported as ERROR_GLPI_ADD (apirest.md "Errors").
            if str_field(input, "content").trim().is_empty() {
                return Err(error(
                    400,
                    "ERROR_GLPI_ADD",
                    "Mandatory fields are not filled. Please correct: Description",
                ));
            }
            let mut ticket = crate::state::TicketInput {
                name: str_field(input, "name").to_owned(),
                content: str_field(input, "content").to_owned(),
                externalid: str_field(input, "externalid").to_owned(),
                ticket_type: small_field(input, "type"),
                urgency: small_field(input, "urgency"),
                itilcategories_id: int_field(input, "itilcategories_id"),
            };
            if let Err(message) = st.check_ticket(&mut ticket) {
                return Err(error(400, "ERROR_GLPI_ADD", &message));
            }
            Ok(st.add_ticket(ticket, user))
        }
        "ITILFollowup" => {
            let ticket = int_field(input, "items_id");
            if str_field(input, "itemtype") != "Ticket" || !st.tickets.contains_key(&ticket) {
                return Err(error(400, "ERROR_GLPI_ADD", "Parent item not found"));
            }
            Ok(st.add_followup(
                ticket,
                str_field(input, "content"),
                int_field(input, "is_private") != 0,
                user,
            ))
        }
        _ => Err(error(
            400,
            "ERROR_RIGHT_MISSING",
            "You don't have permission to perform this action.",
        )),
    }
}

/// apirest.md "Add item(s)" / "Special cases" (upload a document): a multipart/form-data body
/// with `uploadManifest` (JSON `{"input": {"name", "_filename": [...]}}`) and the file in part
/// `filename[0]`. Linking to a ticket or a follow-up uses `itemtype`/`items_id` in the input
/// (the generic link of "Add item(s)", recorded as a `Document_Item`).
fn add_document(st: &mut State, req: &Req) -> Resp {
    let ctype = req.header("Content-Type").unwrap_or("");
    let Some(boundary) = ctype
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .map(|b| b.trim_matches('"').to_owned())
    else {
        return error(
            400,
            "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE",
            "multipart/form-data expected",
        );
    };
    let parts = parse_multipart(&req.body, &boundary);
    let manifest = parts
        .iter()
        .find(|p| p.name == "uploadManifest")
        .and_then(|p| serde_json::from_slice::<Value>(&p.data).ok());
    let Some(manifest) = manifest else {
        return error(
            400,
            "ERROR_JSON_PAYLOAD_INVALID",
            "uploadManifest missing or not valid JSON",
        );
    };
    let Some(file) = parts.iter().find(|p| p.name == "filename[0]") else {
        return error(400, "ERROR_GLPI_ADD", "no file uploaded");
    };
    let input = manifest.get("input").cloned().unwrap_or(Value::Null);
    let id = st.next_id();
    let mut links = Vec::new();
    let items_id = int_field(&input, "items_id");
    // The ticket whose timeline changes: the linked ticket, or a linked follow-up's ticket.
    let mut touched = None;
    match str_field(&input, "itemtype") {
        "Ticket" if st.tickets.contains_key(&items_id) => {
            links.push(("Ticket".to_owned(), items_id));
            touched = Some(items_id);
        }
        "ITILFollowup" => {
            if let Some(f) = st.followups.get(&items_id) {
                touched = Some(f.items_id);
                links.push(("ITILFollowup".to_owned(), items_id));
            }
        }
        _ => {}
    }
    let filename = file.filename.clone().unwrap_or_else(|| "file".into());
    st.documents.insert(
        id,
        crate::state::Document {
            id,
            name: str_field(&input, "name").to_owned(),
            filename: filename.clone(),
            mime: file
                .content_type
                .clone()
                .unwrap_or_else(|| "application/octet-stream".into()),
            bytes: file.data.clone(),
            links,
        },
    );
    if let Some(t) = touched {
        st.touch_ticket(t);
    }
    Resp::json(
        201,
        &json!({
            "id": id,
            "message": format!("Document move succeeded. {filename}"),
            "upload_result": {"filename": [{"name": filename, "size": file.data.len()}]},
        }),
    )
    .with_header("Location", format!("/apirest.php/Document/{id}"))
}

/// One part of a multipart body.
#[derive(Debug)]
pub struct Part {
    /// `name` of the Content-Disposition.
    pub name: String,
    /// `filename`, for file parts.
    pub filename: Option<String>,
    /// Content-Type of the part.
    pub content_type: Option<String>,
    /// Bytes.
    pub data: Vec<u8>,
}

/// A minimal RFC 7578 multipart/form-data parser (enough for what HTTP clients send).
pub fn parse_multipart(body: &[u8], boundary: &str) -> Vec<Part> {
    let delim = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut pos = match find(body, &delim, 0) {
        Some(p) => p + delim.len(),
        None => return parts,
    };
    loop {
        if body[pos..].starts_with(b"--") {
            break;
        }
        let start = pos + 2; // CRLF after the delimiter
        let Some(header_end) = find(body, b"\r\n\r\n", start) else {
            break;
        };
        let headers = String::from_utf8_lossy(&body[start..header_end]).to_string();
        let data_start = header_end + 4;
        let Some(next) = find(body, &delim, data_start) else {
            break;
        };
        let data_end = next.saturating_sub(2); // CRLF before the delimiter
        let mut part = Part {
            name: String::new(),
            filename: None,
            content_type: None,
            data: body[data_start..data_end.max(data_start)].to_vec(),
        };
        for line in headers.split("\r\n") {
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("content-disposition:") {
                for attr in line.split(';').skip(1) {
                    let attr = attr.trim();
                    if let Some(v) = attr.strip_prefix("name=") {
                        part.name = v.trim_matches('"').to_owned();
                    } else if let Some(v) = attr.strip_prefix("filename=") {
                        part.filename = Some(v.trim_matches('"').to_owned());
                    }
                }
            } else if lower.starts_with("content-type:") {
                part.content_type = Some(line[13..].trim().to_owned());
            }
        }
        parts.push(part);
        pos = next + delim.len();
    }
    parts
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}
