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

mod add;
mod documents;
mod items;
mod search;
mod session;

use crate::http::{Req, Resp};
use crate::state::State;
use crate::Shared;
use serde_json::json;

pub use documents::{parse_multipart, Part};
pub use session::random_token;

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
    if let Err(refused) = session::check_app_token(req, config.app_token.as_deref()) {
        return refused;
    }

    match segments.first().copied() {
        Some("initSession") => return session::init_session(shared, req),
        None => return error(400, "ERROR_METHOD_NOT_ALLOWED", "no endpoint given"),
        _ => {}
    }

    let token = match session::session_token(req) {
        Ok(token) => token,
        Err(refused) => return refused,
    };
    let mut st = shared.lock();
    let user_id = match session::resume(&mut st, &token, config.session_ttl_secs) {
        Ok(user_id) => user_id,
        Err(refused) => return refused,
    };
    route(&mut st, req, &segments, &token, user_id, &config)
}

/// Dispatches an authenticated request to its endpoint.
fn route(
    st: &mut State,
    req: &Req,
    segments: &[&str],
    token: &str,
    user_id: i64,
    config: &crate::EmulatorConfig,
) -> Resp {
    match (req.method.as_str(), segments) {
        ("GET", ["killSession"]) => {
            // apirest.md "Kill session": 200.
            st.sessions.remove(token);
            Resp::json(200, &json!(true))
        }
        ("GET", ["getFullSession"]) => session::full_session(st, user_id),
        ("GET", ["search", itemtype]) => search::search(st, req, itemtype, config),
        ("GET", [itemtype]) => items::get_items(st, req, itemtype, config),
        ("GET", ["Document", id]) if documents::wants_file(req) => {
            documents::download_document(st, id)
        }
        ("GET", [itemtype, id]) => items::get_item(st, req, itemtype, id),
        ("GET", [itemtype, id, sub]) => items::get_sub_items(st, req, itemtype, id, sub, config),
        ("POST", [itemtype]) => add::add_item(st, req, itemtype, user_id),
        ("POST", [itemtype, id, sub]) if *itemtype == "Ticket" => {
            // Adding through the sub-item path: the parent comes from the URL.
            add::add_sub_item(st, req, id, sub, user_id)
        }
        _ => error(
            400,
            "ERROR_METHOD_NOT_ALLOWED",
            "method not allowed on this resource",
        ),
    }
}
