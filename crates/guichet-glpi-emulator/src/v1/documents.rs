//! Documents: apirest.md "Download a document file", the upload special case of "Add
//! item(s)", and the multipart/form-data parsing it needs.

use serde_json::{json, Value};

use super::add::{int_field, str_field};
use super::error;
use crate::http::{Req, Resp};
use crate::state::State;

/// apirest.md "Download a document file": `GET Document/:id` with the header
/// `Accept: application/octet-stream` or the parameter `alt=media` (one of them is required)
/// answers the file itself instead of the Document's fields.
pub(super) fn wants_file(req: &Req) -> bool {
    req.header("Accept")
        .is_some_and(|a| a.contains("application/octet-stream"))
        || req.query("alt") == Some("media")
}

/// apirest.md "Download a document file": 200 with the raw file (its MIME type and length).
pub(super) fn download_document(st: &State, id: &str) -> Resp {
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

/// apirest.md "Add item(s)" / "Special cases" (upload a document): a multipart/form-data body
/// with `uploadManifest` (JSON `{"input": {"name", "_filename": [...]}}`) and the file in part
/// `filename[0]`. Linking to a ticket or a follow-up uses `itemtype`/`items_id` in the input
/// (the generic link of "Add item(s)", recorded as a `Document_Item`).
pub(super) fn add_document(st: &mut State, req: &Req) -> Resp {
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

pub(super) fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}
