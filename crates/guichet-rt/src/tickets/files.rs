//! Files both ways: ours as REST2's `Attachments` array, the other side's downloaded from a
//! correspondence's attachments within the connector's size limit.

use guichet_records::RemoteFile;
use guichet_sync::{http, ConnectorError, OutgoingFile};
use reqwest::Method;
use serde_json::{json, Value};

use crate::wire::{id_of, path_id, str_field};
use crate::RtConnector;

/// Files as REST2's `Attachments` array (`FileName`, `FileType`, base64 `FileContent`). RT
/// refuses an attachment whose `FileContent` is empty, so an empty file (nothing to see) is
/// left out rather than making the whole message fail forever.
pub(super) fn rest2_attachments(files: &[OutgoingFile]) -> Vec<Value> {
    files
        .iter()
        .filter(|a| {
            if a.bytes.is_empty() {
                tracing::warn!(file = %a.file_name, "empty file not sent to RT");
            }
            !a.bytes.is_empty()
        })
        .map(|a| {
            json!({
                "FileName": a.file_name,
                "FileType": a.content_type,
                "FileContent": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &a.bytes),
            })
        })
        .collect()
}

impl RtConnector {
    /// The content of one attachment (REST2 serves it base64-encoded).
    pub(super) async fn attachment_content(&self, id: &str) -> Result<Vec<u8>, ConnectorError> {
        // REST2 sends the content base64-encoded (4 bytes for 3) inside JSON.
        let limit = (self.file_limit / 3 * 4 + (1 << 20)).max(http::ANSWER_LIMIT);
        let (_, v) = self
            .send_within(
                self.request(Method::GET, &format!("/attachment/{}", path_id(id)?)),
                limit,
            )
            .await?;
        attachment_bytes(&v, id)
    }

    /// The files of transaction `txn` among its attachment `parts` (the parts with a file
    /// name). A file over `file_limit` is not downloaded.
    pub(super) async fn transaction_files(
        &self,
        txn: &str,
        parts: &[Value],
    ) -> Result<Vec<RemoteFile>, ConnectorError> {
        let mut files = Vec::new();
        for p in parts {
            let Some(mut file) = file_part(p) else {
                continue;
            };
            if file.size <= self.file_limit {
                let bytes = self.attachment_content(&file.remote_id).await?;
                file.size = bytes.len() as u64;
                // RT's length is a header that can be wrong: the limit holds on what came.
                if file.size <= self.file_limit {
                    file.bytes = Some(bytes);
                }
            }
            if file.bytes.is_none() {
                tracing::info!(txn, file = %file.file_name, size = file.size, "file over the limit, not downloaded");
            }
            files.push(file);
        }
        Ok(files)
    }
}

/// An attachment part that is a file (it has a file name and an id), its size as RT
/// announces it and its bytes not read yet.
pub(crate) fn file_part(p: &Value) -> Option<RemoteFile> {
    let file_name = str_field(p, "Filename");
    if file_name.is_empty() {
        return None;
    }
    let id = id_of(p)?;
    let announced = p
        .get("ContentLength")
        .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
        .unwrap_or(0);
    Some(RemoteFile {
        remote_id: id,
        file_name,
        content_type: str_field(p, "ContentType"),
        size: announced,
        bytes: None,
    })
}

/// The bytes of attachment `id` from its answer (REST2 serves them base64-encoded, possibly
/// with line breaks).
pub(crate) fn attachment_bytes(v: &Value, id: &str) -> Result<Vec<u8>, ConnectorError> {
    let b64: String = v
        .get("Content")
        .and_then(Value::as_str)
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64)
        .map_err(|e| ConnectorError::Malformed(format!("attachment {id}: {e}")))
}
