//! Entry points for the fuzz targets (`fuzz/`, cargo feature `fuzzing`, never enabled by the
//! project's crates): every reader of Request Tracker's answers, reachable without a server.
//! Each runs the same code the connector runs on a received answer.

use reqwest::StatusCode;
use serde_json::Value;

use crate::{articles, check, client, setup, tickets, wire};

/// A received answer: the message of a refusal, and a 2xx body through [`json`].
pub fn answer(status: u16, body: &[u8]) {
    if let Ok(status) = StatusCode::from_u16(status) {
        let _ = client::refusal_message(status, body);
    }
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        json(&v);
    }
}

/// A JSON answer through every reader: the refusal in a 2xx, a collection's items, tickets,
/// history entries, attachment lists and contents, articles, queue fields and rights.
pub fn json(v: &Value) {
    let _ = client::refusal_in(v);
    let rows = wire::items(v).unwrap_or_else(|_| vec![v.clone()]);
    for r in &rows {
        let _ = tickets::ticket_update(r);
        let _ = tickets::other_side_reply(r, "guichet");
        let _ = tickets::file_part(r);
        let _ = tickets::attachment_bytes(r, "1");
        if let Some(id) = wire::id_of(r) {
            if let Ok(updated) = wire::rt_date(r.get("LastUpdated")) {
                let _ = articles::article_from(r, id, updated, "Knowledge");
            }
        }
        let _ = setup::names(r.get("TicketCustomFields"), "name");
        let _ = check::offers_create(r);
    }
    let _ = tickets::body_part(&rows);
}
