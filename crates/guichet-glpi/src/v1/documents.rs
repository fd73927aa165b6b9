//! Documents: uploads linked to a ticket or a follow-up, the names already attached, and
//! downloads within a size limit (apirest.md "Upload a document file", "Download a document
//! file").

use super::{as_i64, Body, MultipartBuilder, RestClientV1};
use crate::error::{GlpiError, Result};
use crate::model::*;
use crate::transport::{check, send_capped, Capped, Flavor};
use reqwest::Method;
use serde_json::{json, Value};

impl RestClientV1 {
    /// apirest.md "Add item(s)", upload case: multipart with `uploadManifest` (JSON input with
    /// the ticket link) and the file in `filename[0]`. Returns the Document id.
    pub async fn upload_document(
        &self,
        ticket: i64,
        filename: &str,
        mime: &str,
        bytes: Vec<u8>,
    ) -> Result<i64> {
        self.upload_linked_document("Ticket", ticket, filename, mime, bytes)
            .await
    }

    /// The same upload linked to a follow-up (`itemtype` `ITILFollowup`): the file shows on
    /// that follow-up in the ticket's timeline.
    pub async fn upload_followup_document(
        &self,
        followup: i64,
        filename: &str,
        mime: &str,
        bytes: Vec<u8>,
    ) -> Result<i64> {
        self.upload_linked_document("ITILFollowup", followup, filename, mime, bytes)
            .await
    }

    async fn upload_linked_document(
        &self,
        itemtype: &str,
        items_id: i64,
        filename: &str,
        mime: &str,
        bytes: Vec<u8>,
    ) -> Result<i64> {
        let manifest = json!({"input": {
            "name": filename,
            "_filename": [filename],
            "itemtype": itemtype,
            "items_id": items_id,
        }})
        .to_string();
        let filename = filename.to_owned();
        let mime = mime.to_owned();
        let build: MultipartBuilder = Box::new(move || {
            let part = reqwest::multipart::Part::bytes(bytes.clone())
                .file_name(filename.clone())
                .mime_str(&mime)
                .map_err(|e| GlpiError::Config(format!("bad MIME type: {e}")))?;
            Ok(reqwest::multipart::Form::new()
                .text("uploadManifest", manifest.clone())
                .part("filename[0]", part))
        });
        let answer = self
            .call(Method::POST, "Document/", &[], Some(Body::Multipart(build)))
            .await?;
        let v: Value = answer.json()?;
        v.get("id")
            .and_then(as_i64)
            .ok_or_else(|| GlpiError::Malformed("Document upload answer without id".into()))
    }

    /// File names of the documents linked to a ticket (apirest.md
    /// "Get an item" `Ticket/:id?with_documents=true`), so attachments are not uploaded twice.
    pub async fn document_names(&self, ticket: i64) -> Result<Vec<String>> {
        // "Get an item" with `with_documents`: the one listing a Self-Service account may read
        // (GLPI 10 refuses it `Ticket/:id/Document_Item`). It also holds the follow-ups'
        // documents, which only makes the check stricter.
        let q = [("with_documents".to_owned(), "true".to_owned())];
        let answer = self
            .call(Method::GET, &format!("Ticket/{ticket}"), &q, None)
            .await?;
        let v: Value = answer.json()?;
        Ok(v.get("_documents")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|d| d.get("filename").and_then(Value::as_str).map(str::to_owned))
            .collect())
    }

    /// The documents linked to a follow-up (apirest.md "Get sub items"
    /// `ITILFollowup/:id/Document_Item`, then "Get an item" on each Document).
    pub async fn followup_documents(&self, followup: i64) -> Result<Vec<RemoteDocument>> {
        let docs = self
            .linked_documents(&format!("ITILFollowup/{followup}/Document_Item"))
            .await?;
        Ok(docs
            .into_iter()
            .map(|(id, v)| RemoteDocument {
                id,
                filename: v
                    .get("filename")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                mime: v
                    .get("mime")
                    .and_then(Value::as_str)
                    .filter(|m| !m.is_empty())
                    .unwrap_or("application/octet-stream")
                    .to_owned(),
            })
            .collect())
    }

    /// Each Document linked through a `Document_Item` sub-item list (`links`), fetched whole:
    /// its id and its fields. Links without a document id are skipped.
    async fn linked_documents(&self, links: &str) -> Result<Vec<(i64, Value)>> {
        let mut out = Vec::new();
        for l in self.get_all(links, &[]).await? {
            let Some(doc) = l.get("documents_id").and_then(as_i64) else {
                continue;
            };
            let answer = self
                .call(Method::GET, &format!("Document/{doc}"), &[], None)
                .await?;
            out.push((doc, answer.json()?));
        }
        Ok(out)
    }

    /// apirest.md "Download a document file": `GET Document/:id` with
    /// `Accept: application/octet-stream`; a file over `limit` bytes is not read.
    pub async fn download_document(&self, id: i64, limit: u64) -> Result<DocumentFile> {
        for attempt in 0..2 {
            let token = self.token().await?;
            let req = self
                .http
                .get(self.url(&format!("Document/{id}")))
                .header("Session-Token", token.expose())
                .header("Accept", "application/octet-stream");
            let answer = match send_capped(self.with_app_token(req), limit).await? {
                Capped::TooLarge(n) => return Ok(DocumentFile::TooLarge(n)),
                Capped::Answer(a) => *a,
            };
            match check(answer, Flavor::V1) {
                Err(GlpiError::Api { code, .. })
                    if attempt == 0
                        && (code == "ERROR_SESSION_TOKEN_INVALID"
                            || code == "ERROR_SESSION_TOKEN_MISSING") =>
                {
                    *self.session.lock().await = None;
                }
                Ok(a) => return Ok(DocumentFile::Bytes(a.body)),
                Err(e) => return Err(e),
            }
        }
        Err(GlpiError::Api {
            status: 401,
            code: "ERROR_SESSION_TOKEN_INVALID".into(),
            detail: "session renewal failed".into(),
        })
    }
}
