//! apirest.md "Add item(s)": tickets and follow-ups from JSON input, documents by upload.

use serde_json::{json, Value};

use super::documents::add_document;
use super::error;
use crate::http::{Req, Resp};
use crate::state::State;

/// apirest.md "Add item(s)": JSON `{"input": {…}}` (or an array of objects), 201 with `{"id",
/// "message"}` and a `Location` header; ERROR_BAD_ARRAY when `input` is missing; multipart for
/// Document uploads with the JSON in `uploadManifest`.
pub(super) fn add_item(st: &mut State, req: &Req, itemtype: &str, user: i64) -> Resp {
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

pub(super) fn add_sub_item(st: &mut State, req: &Req, id: &str, sub: &str, user: i64) -> Resp {
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

pub(super) fn str_field<'a>(input: &'a Value, key: &str) -> &'a str {
    input.get(key).and_then(Value::as_str).unwrap_or("")
}

pub(super) fn int_field(input: &Value, key: &str) -> i64 {
    match input.get(key) {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        Some(Value::Bool(b)) => i64::from(*b),
        _ => 0,
    }
}

/// An integer field that must fit GLPI's small dropdown values; anything else becomes 255,
/// outside every range, so that it is refused rather than wrapped.
pub(super) fn small_field(input: &Value, key: &str) -> u8 {
    u8::try_from(int_field(input, key)).unwrap_or(u8::MAX)
}

pub(super) fn add_one(
    st: &mut State,
    itemtype: &str,
    input: &Value,
    user: i64,
) -> Result<i64, Resp> {
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
