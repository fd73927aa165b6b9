//! GLPI 11's high-level API under `/api.php` (sources: `resources/api_doc.MD` in the glpi
//! repository for authentication, RSQL filtering and `/api.php/doc`; the `Glpi\Api\HL`
//! controllers for paths, schemas and error bodies: `ITILController` for
//! `/Assistance/Ticket/{id}/Timeline/Followup`, `KnowbaseController` for
//! `/Knowledgebase/Article` and `/Knowledgebase/Category` (introduced in API 2.2),
//! `AbstractController` for `{"status", "title", "detail"}` errors and `{"id", "href"}` +
//! `Location` creation answers; and GLPI's user documentation "RESTful API (V2)" for the
//! `inventory` scope of the client-credentials grant).
//!
//! Pagination uses `start` and `limit` with a `Content-Range: start-end/total` header and 206
//! when partial, mirroring the legacy API; this follows GLPI's HL search code as we read it and
//! is the least documented part of this emulation.

use crate::http::{Req, Resp};
use crate::state::{iso_datetime, State};
use crate::Shared;
use chrono::Duration;
use serde_json::{json, Value};

/// AbstractController::getErrorResponseBody: `{"status", "title", "detail"}`.
fn error(status: u16, code: &str, title: &str) -> Resp {
    Resp::json(
        status,
        &json!({"status": code, "title": title, "detail": null}),
    )
}

/// OAuth2 error body (RFC 6749 §5.2, as GLPI's OAuth server answers).
fn oauth_error(status: u16, code: &str, description: &str) -> Resp {
    Resp::json(
        status,
        &json!({"error": code, "error_description": description, "message": description}),
    )
}

/// Handles a request whose path started with `/api.php`; `rest` is what follows.
pub fn handle(shared: &Shared, req: &Req, rest: &str) -> Resp {
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    match (req.method.as_str(), segments.as_slice()) {
        ("POST", ["token"]) => token(shared, req),
        // resources/api_doc.MD "Endpoints": `/api.php/doc` gives the Swagger document as JSON
        // with `Content-Type: application/json` or a `.json` suffix.
        ("GET", ["doc.json"]) | ("GET", ["doc"]) => Resp::json(
            200,
            &json!({"openapi": "3.0.0", "info": {"title": "GLPI High-Level API", "version": "2.2.0"}}),
        ),
        (_, [version, rest @ ..]) if is_version(version) => api(shared, req, rest),
        _ => error(404, "ERROR_ITEM_NOT_FOUND", "Not found"),
    }
}

/// `v2`, `v2.1`, `v2.2`: the version segment of HL API paths.
fn is_version(s: &str) -> bool {
    s.strip_prefix("v2").is_some_and(|r| {
        r.is_empty()
            || r.strip_prefix('.')
                .is_some_and(|n| n.parse::<u32>().is_ok())
    })
}

/// resources/api_doc.MD "Password Grant" (and the user documentation for client credentials):
/// POST `/api.php/token` with `grant_type`, `client_id`, `client_secret`, (`username`,
/// `password`), `scope`; answers `{"token_type": "Bearer", "expires_in", "access_token"}`.
fn token(shared: &Shared, req: &Req) -> Resp {
    let ctype = req.header("Content-Type").unwrap_or("");
    let params: std::collections::HashMap<String, String> = if ctype.starts_with("application/json")
    {
        serde_json::from_slice::<Value>(&req.body)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .map(|m| {
                m.into_iter()
                    .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        form_urlencoded::parse(&req.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    };
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    let config = shared.config();
    let mut st = shared.lock();
    let Some(client) = st
        .oauth_clients
        .iter()
        .find(|c| c.client_id == get("client_id") && c.client_secret == get("client_secret"))
        .cloned()
    else {
        return oauth_error(401, "invalid_client", "Client authentication failed");
    };
    let grant = get("grant_type");
    if !client.grants.iter().any(|g| g == grant) {
        return oauth_error(
            400,
            "unauthorized_client",
            "The authenticated client is not authorized to use this authorization grant type.",
        );
    }
    let scope = get("scope").to_owned();
    let user_id = match grant {
        "password" => {
            let Some(user) = st
                .user_by_name(get("username"))
                .filter(|u| u.password == get("password"))
            else {
                return oauth_error(400, "invalid_grant", "The user credentials were incorrect.");
            };
            Some(user.id)
        }
        // The user documentation: client credentials only for the `inventory` scope.
        "client_credentials" if scope == "inventory" => None,
        "client_credentials" => {
            return oauth_error(
                400,
                "invalid_scope",
                "The requested scope is invalid, unknown, or malformed",
            )
        }
        _ => {
            return oauth_error(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        }
    };
    let access = crate::v1::random_token();
    let expires_at = st.now + Duration::seconds(config.token_ttl_secs);
    st.tokens.insert(
        access.clone(),
        crate::state::AccessToken {
            user_id,
            scope,
            expires_at,
        },
    );
    Resp::json(
        200,
        &json!({"token_type": "Bearer", "expires_in": config.token_ttl_secs, "access_token": access}),
    )
}

/// Checks `Authorization: Bearer` (resources/api_doc.MD) for a user token; returns the user id.
fn authenticate(st: &State, req: &Req) -> Result<i64, Resp> {
    let token = req
        .header("Authorization")
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::trim);
    let valid = token
        .and_then(|t| st.tokens.get(t))
        .filter(|t| t.expires_at > st.now)
        .and_then(|t| t.user_id);
    valid.ok_or_else(|| {
        error(
            401,
            "ERROR_SESSION_TOKEN_INVALID",
            "You are not authenticated or your session has expired",
        )
    })
}

fn api(shared: &Shared, req: &Req, path: &[&str]) -> Resp {
    let mut st = shared.lock();
    let user = match authenticate(&st, req) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let id = |s: &str| s.parse::<i64>().unwrap_or(-1);
    match (req.method.as_str(), path) {
        ("GET", ["Assistance", "Ticket"]) => {
            let rows = st.tickets.values().map(ticket_json).collect();
            list(rows, req)
        }
        ("POST", ["Assistance", "Ticket"]) => create_ticket(&mut st, req, user),
        ("GET", ["Assistance", "Ticket", tid]) => match st.tickets.get(&id(tid)) {
            Some(t) => Resp::json(200, &ticket_json(t)),
            None => not_found(),
        },
        ("GET", ["Assistance", "Ticket", tid, "Timeline", kind]) => {
            timeline(&st, req, id(tid), kind)
        }
        ("POST", ["Assistance", "Ticket", tid, "Timeline", "Followup"]) => {
            add_followup(&mut st, req, id(tid), user)
        }
        ("GET", ["Session"]) => Resp::json(200, &json!({"user_id": user})),
        ("POST", ["Assistance", "Ticket", tid, "TeamMember"]) => {
            // GLPI 11.0.6 records no requester for a ticket created through this API.
            let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
                return error(400, "ERROR", "Invalid JSON body");
            };
            match (
                body["type"].as_str(),
                body["id"].as_i64(),
                body["role"].as_str(),
            ) {
                (Some("User"), Some(u), Some("requester")) if st.tickets.contains_key(&id(tid)) => {
                    st.requesters.entry(id(tid)).or_default().push(u);
                    Resp::json(201, &Value::Null)
                }
                _ => error(
                    400,
                    "ERROR_INVALID_PARAMETER",
                    "One or more parameters are invalid",
                ),
            }
        }
        ("GET", ["Assistance", "Ticket", tid, "TeamMember", "requester"]) => {
            let members: Vec<Value> = st
                .requesters
                .get(&id(tid))
                .into_iter()
                .flatten()
                .map(|u| json!({"type": "User", "id": u, "role": "requester"}))
                .collect();
            Resp::json(200, &Value::Array(members))
        }
        ("GET", ["Knowledgebase", "Article"]) => kb_articles(&st, req),
        ("GET", ["Knowledgebase", "Category"]) => kb_categories(&st, req),
        _ => {
            drop(st);
            error(404, "ERROR_ITEM_NOT_FOUND", "Not found")
        }
    }
}

/// `POST /Assistance/Ticket`: a ticket from the Ticket schema's fields, 201 with its `href`.
fn create_ticket(st: &mut State, req: &Req, user: i64) -> Resp {
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return error(
            400,
            "ERROR_INVALID_PARAMETER",
            "One or more parameters are invalid",
        );
    };
    let content = body.get("content").and_then(Value::as_str).unwrap_or("");
    if content.trim().is_empty() {
        return error(
            400,
            "ERROR_INVALID_PARAMETER",
            "One or more parameters are invalid",
        );
    }
    // The Ticket schema (`/api.php/doc`): `type` and `urgency` integers, `category`
    // the ITIL category id (or an object with its `id`).
    let int = |k: &str| {
        let v = body.get(k);
        v.and_then(|v| v.get("id").or(Some(v)))
            .and_then(Value::as_i64)
            .unwrap_or(0)
    };
    let mut ticket = crate::state::TicketInput {
        name: body
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        content: content.to_owned(),
        externalid: String::new(),
        ticket_type: u8::try_from(int("type")).unwrap_or(u8::MAX),
        urgency: u8::try_from(int("urgency")).unwrap_or(u8::MAX),
        itilcategories_id: int("category"),
    };
    if st.check_ticket(&mut ticket).is_err() {
        return error(
            400,
            "ERROR_INVALID_PARAMETER",
            "One or more parameters are invalid",
        );
    }
    let new = st.add_ticket(ticket, user);
    created(new, &format!("/Assistance/Ticket/{new}"))
}

/// `GET /Assistance/Ticket/:id/Timeline/{Followup,Solution}`: one kind of timeline entry, each
/// wrapped as `{"type": "Followup", "item": {…}}` as GLPI 11.0.6 answers (observed live).
fn timeline(st: &State, req: &Req, tid: i64, kind: &str) -> Resp {
    if !st.tickets.contains_key(&tid) {
        return not_found();
    }
    let rows: Vec<Value> = match kind {
        "Followup" => st
            .followups
            .values()
            .filter(|f| f.items_id == tid)
            .map(|f| {
                json!({
                    "id": f.id, "itemtype": "Ticket", "items_id": f.items_id,
                    "content": f.content, "is_private": f.is_private,
                    "user": {"id": f.users_id, "name": user_name(st, f.users_id)},
                    "date": iso_datetime(f.date), "date_creation": iso_datetime(f.date),
                    "date_mod": iso_datetime(f.date),
                })
            })
            .collect(),
        "Solution" => st
            .solutions
            .values()
            .filter(|s| s.items_id == tid)
            .map(|s| {
                json!({
                    "id": s.id, "itemtype": "Ticket", "items_id": s.items_id,
                    "content": s.content,
                    "user": {"id": s.users_id, "name": user_name(st, s.users_id)},
                    "date_creation": iso_datetime(s.date_creation),
                })
            })
            .collect(),
        _ => return not_found(),
    };
    let wrapped = rows
        .into_iter()
        .map(|item| json!({"type": kind, "item": item}))
        .collect();
    list(wrapped, req)
}

/// `POST /Assistance/Ticket/:id/Timeline/Followup`: 201 with the follow-up's `href`.
fn add_followup(st: &mut State, req: &Req, tid: i64, user: i64) -> Resp {
    if !st.tickets.contains_key(&tid) {
        return not_found();
    }
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return error(
            400,
            "ERROR_INVALID_PARAMETER",
            "One or more parameters are invalid",
        );
    };
    let content = body.get("content").and_then(Value::as_str).unwrap_or("");
    let private = body
        .get("is_private")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let new = st.add_followup(tid, content, private, user);
    created(
        new,
        &format!("/Assistance/Ticket/{tid}/Timeline/Followup/{new}"),
    )
}

/// `GET /Knowledgebase/Article`: the visible articles with their categories.
fn kb_articles(st: &State, req: &Req) -> Resp {
    let rows = st
        .kb_items
        .values()
        .filter(|k| k.visible)
        .map(|k| {
            json!({
                "id": k.id, "name": k.name, "content": k.answer, "is_faq": k.is_faq,
                "categories": k.categories.iter().filter_map(|c| st.kb_categories.get(c))
                    .map(|c| json!({"id": c.id, "name": c.name})).collect::<Vec<_>>(),
                "date_creation": iso_datetime(k.date_creation),
                "date_mod": iso_datetime(k.date_mod),
            })
        })
        .collect();
    list(rows, req)
}

/// `GET /Knowledgebase/Category`: the categories, `parent` null at the top.
fn kb_categories(st: &State, req: &Req) -> Resp {
    let rows = st
        .kb_categories
        .values()
        .map(|c| {
            json!({
                "id": c.id, "name": c.name,
                "parent": if c.parent == 0 { Value::Null } else { json!({"id": c.parent}) },
            })
        })
        .collect();
    list(rows, req)
}

fn user_name(st: &State, id: i64) -> String {
    st.users
        .get(&id)
        .map(|u| u.name.clone())
        .unwrap_or_default()
}

fn not_found() -> Resp {
    // AbstractController::getNotFoundErrorResponse.
    error(404, "ERROR_ITEM_NOT_FOUND", "Not found")
}

/// AbstractController::getItemLinkResponse: `{"id", "href"}` with `Location`.
fn created(id: i64, href: &str) -> Resp {
    Resp::json(200, &json!({"id": id, "href": href})).with_header("Location", href.to_owned())
}

fn ticket_json(t: &crate::state::Ticket) -> Value {
    let status_name = match t.status {
        1 => "New",
        2 => "Processing (assigned)",
        3 => "Processing (planned)",
        4 => "Pending",
        5 => "Solved",
        _ => "Closed",
    };
    json!({
        "id": t.id, "name": t.name, "content": t.content,
        "status": {"id": t.status, "name": status_name},
        "type": t.ticket_type, "urgency": t.urgency,
        "category": if t.itilcategories_id == 0 { Value::Null } else { json!({"id": t.itilcategories_id}) },
        "date_creation": iso_datetime(t.date), "date_mod": iso_datetime(t.date_mod),
    })
}

/// RSQL filter (resources/api_doc.MD "RSQL Filtering") on `filter=`, then `start`/`limit`.
/// Supported operators: `==`, `!=`, `=gt=`, `=ge=`, `=lt=`, `=le=`, `=like=` (with `*`
/// wildcards); clauses joined by `;` (AND).
fn list(mut rows: Vec<Value>, req: &Req) -> Resp {
    if let Some(filter) = req.query("filter") {
        for clause in filter.split(';').filter(|c| !c.is_empty()) {
            let Some((field, op, value)) = split_clause(clause) else {
                return error(
                    400,
                    "ERROR_INVALID_PARAMETER",
                    "One or more parameters are invalid",
                );
            };
            rows.retain(|r| {
                matches(
                    r.pointer(&format!("/{}", field.replace('.', "/"))),
                    op,
                    value,
                )
            });
        }
    }
    let start: usize = req.query("start").and_then(|s| s.parse().ok()).unwrap_or(0);
    let limit: usize = req
        .query("limit")
        .and_then(|s| s.parse().ok())
        .unwrap_or(100)
        .max(1);
    let total = rows.len();
    let page: Vec<Value> = rows.into_iter().skip(start).take(limit).collect();
    let last = (start + page.len()).saturating_sub(1);
    let partial = start + page.len() < total;
    Resp::json(if partial { 206 } else { 200 }, &Value::Array(page))
        .with_header("Content-Range", format!("{start}-{last}/{total}"))
}

fn split_clause(clause: &str) -> Option<(&str, &str, &str)> {
    for op in [
        "=like=", "=ilike=", "=gt=", "=ge=", "=lt=", "=le=", "==", "!=",
    ] {
        if let Some((f, v)) = clause.split_once(op) {
            return Some((f, op, v));
        }
    }
    None
}

fn matches(cell: Option<&Value>, op: &str, value: &str) -> bool {
    let text = match cell {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    };
    let value = value.trim_matches('"');
    // Dates compare as dates, as MariaDB does: GLPI 11 accepts `YYYY-MM-DD HH:MM:SS` (an RFC
    // 3339 instant only with a warning, "1292 Truncated incorrect datetime value").
    if let (Some(a), Some(b)) = (as_datetime(&text), as_datetime(value)) {
        return match op {
            "=gt=" => a > b,
            "=ge=" => a >= b,
            "=lt=" => a < b,
            "=le=" => a <= b,
            "==" => a == b,
            "!=" => a != b,
            _ => false,
        };
    }
    match op {
        "==" => text == value,
        "!=" => text != value,
        "=gt=" => text.as_str() > value,
        "=ge=" => text.as_str() >= value,
        "=lt=" => text.as_str() < value,
        "=le=" => text.as_str() <= value,
        _ => {
            let needle = value.trim_matches('*').to_lowercase();
            text.to_lowercase().contains(&needle)
        }
    }
}

fn as_datetime(s: &str) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .ok()
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|d| d.naive_utc())
        })
}
