//! Request Tracker 5 connector (REST2, `/REST/2.0`).
//!
//! Mapping:
//! * ticket → RT ticket in the configured queue, the requester being the configured RT user;
//!   the client UUID goes in the ticket custom field `ClientUUID` (looked up before creating,
//!   verified after);
//! * reply → correspondence, with the reply's UUID in the transaction custom field
//!   `ClientTxnUUID` and its files as the correspondence's attachments (one request, so the
//!   files exist exactly when the transaction does); the other side's correspondence comes
//!   back with its files (internal comments never do: only `Correspond` transactions are
//!   read); a file over the connector's size limit is reported by name and size only;
//! * status → RT's lifecycle status, verbatim (`new`, `open`, `stalled`, `resolved`…);
//! * knowledge base → RT Articles of one class, body in the `Content` custom field; disabled
//!   articles are deletions;
//! * inventory → an RT Asset in a catalog, found by the `DeviceId` custom field, with `Serial`,
//!   `Model`, `OS`, `CPU` and `RAM` custom fields.
//!
//! RT pitfalls handled here: ids are strings in collections and numbers in resources; the new
//! object's id is only in the relative `Location` header; a 200 answer can still carry
//! "Permission Denied" in its message list; TicketSQL dates must be `YYYY-MM-DD HH:MM:SS +0000`
//! (a trailing `Z` is silently ignored); `_url` links point at RT's own base URL, so every URL
//! here is built from the configured one.

mod wire;

use std::collections::HashSet;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use guichet_store::{
    InventoryMode, RemoteFile, RemoteReply, RemoteReplyFiles, RemoteTicketUpdate,
    DEFAULT_ATTACHMENT_LIMIT,
};
use reqwest::header::{HeaderMap, AUTHORIZATION, LOCATION};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use guichet_sync::http::{self, HttpOptions};
use guichet_sync::{
    Connector, ConnectorError, KbArticle, KbChanges, KbImage, OutgoingInventory, OutgoingReply,
    OutgoingTicket, PushedInventory, PushedTicket, SyncError, TicketChanges,
};
use wire::{article_date, id_of, items, rt_date, text_to_html, tsql_date, version_of};

/// How to reach an RT server and where Guichet's objects live there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtConfig {
    /// Base URL (`https://rt.example.org`), without `/REST/2.0`.
    pub url: String,
    /// RT login.
    pub user: String,
    /// Queue where tickets are created.
    pub queue: String,
    /// Article class holding the knowledge base.
    pub kb_class: String,
    /// Asset catalog holding workstations.
    pub catalog: String,
    /// TLS, proxy and timeouts.
    pub http: HttpOptions,
}

impl RtConfig {
    /// A configuration with the default class (`Guichet KB`) and catalog (`Workstations`).
    pub fn new(url: &str, user: &str, queue: &str) -> Self {
        RtConfig {
            url: url.trim_end_matches('/').to_string(),
            user: user.to_string(),
            queue: queue.to_string(),
            kb_class: "Guichet KB".into(),
            catalog: "Workstations".into(),
            http: HttpOptions::default(),
        }
    }
}

/// The RT connector.
pub struct RtConnector {
    cfg: RtConfig,
    secret: String,
    client: reqwest::Client,
    api: String,
    class_id: Mutex<Option<String>>,
    file_limit: u64,
}

impl std::fmt::Debug for RtConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("RtConnector")
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}

/// Page size of collection reads (RT's maximum).
const PER_PAGE: usize = 100;
/// Upper bound on pages read per collection, against a server that never stops paging.
const MAX_PAGES: usize = 200;

/// Largest image kept with an article.
const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// Downloads one image: (MIME type, bytes), or why not.
async fn fetch_image(req: RequestBuilder) -> Result<(String, Vec<u8>), String> {
    let mut resp = req.send().await.map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !content_type.starts_with("image/") {
        return Err(format!("not an image ({content_type:?})"));
    }
    if resp.content_length().unwrap_or(0) > MAX_IMAGE_BYTES as u64 {
        return Err("too large".into());
    }
    // Read by chunks so that a server lying about (or omitting) the length cannot make us
    // hold more than the limit.
    let mut bytes = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| e.to_string())? {
        if bytes.len() + chunk.len() > MAX_IMAGE_BYTES {
            return Err("too large".into());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((content_type, bytes))
}

/// Whether `secret` is an RT auth token (`<n>-<n>-<32 hex>`) rather than a password.
fn is_token(secret: &str) -> bool {
    let parts: Vec<&str> = secret.split('-').collect();
    parts.len() == 3
        && parts[..2]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[2].len() == 32
        && parts[2].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Single quotes and backslashes escaped for a TicketSQL/AssetSQL string literal.
fn sql_str(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\'', "\\'")
}

/// Files as REST2's `Attachments` array (`FileName`, `FileType`, base64 `FileContent`). RT
/// refuses an attachment whose `FileContent` is empty, so an empty file (nothing to see) is
/// left out rather than making the whole message fail forever.
fn rest2_attachments(files: &[guichet_sync::OutgoingFile]) -> Vec<Value> {
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

/// RT reports some refusals in the message list of a 2xx answer.
fn denied_in(body: &Value) -> Option<String> {
    body.as_array()?
        .iter()
        .filter_map(Value::as_str)
        .find(|m| m.contains("Permission Denied"))
        .map(str::to_string)
}

impl RtConnector {
    /// A connector authenticating with `secret` (a password, or an RT auth token).
    pub fn new(cfg: RtConfig, secret: String) -> Result<Self, SyncError> {
        let client = http::client(&cfg.http)?;
        let api = format!("{}/REST/2.0", cfg.url);
        Ok(RtConnector {
            cfg,
            secret,
            client,
            api,
            class_id: Mutex::new(None),
            file_limit: DEFAULT_ATTACHMENT_LIMIT,
        })
    }

    /// Sets the largest file of a technician's reply that is downloaded (default
    /// [`DEFAULT_ATTACHMENT_LIMIT`]); bigger ones are reported by name and size only.
    pub fn with_file_limit(mut self, bytes: u64) -> Self {
        self.file_limit = bytes;
        self
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let b = self.client.request(method, format!("{}{path}", self.api));
        if is_token(&self.secret) {
            b.header(AUTHORIZATION, format!("token {}", self.secret))
        } else {
            b.basic_auth(&self.cfg.user, Some(&self.secret))
        }
    }

    /// Sends a request; a non-2xx answer becomes a classified error carrying RT's message.
    async fn send(&self, req: RequestBuilder) -> Result<(HeaderMap, Value), ConnectorError> {
        let resp = req.send().await.map_err(|e| http::transport_error(&e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(|e| http::transport_error(&e))?;
        if !status.is_success() {
            let message = serde_json::from_slice::<Value>(&body)
                .ok()
                .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
                .unwrap_or_else(|| {
                    let text = String::from_utf8_lossy(&body);
                    let text = text.trim();
                    if text.is_empty() || text.len() > 300 {
                        status.canonical_reason().unwrap_or("error").to_string()
                    } else {
                        text.to_string()
                    }
                });
            // The clock is read here, at the I/O edge, only to turn an HTTP-date Retry-After
            // into a delay.
            return Err(http::status_error(status, &headers, message, Utc::now()));
        }
        if status == StatusCode::NO_CONTENT || body.is_empty() {
            return Ok((headers, Value::Null));
        }
        let value = serde_json::from_slice(&body)
            .map_err(|e| ConnectorError::Malformed(format!("{e} (HTTP {status})")))?;
        Ok((headers, value))
    }

    /// Reads every page of a collection.
    async fn collection(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<Vec<Value>, ConnectorError> {
        let mut out = Vec::new();
        for page in 1..=MAX_PAGES {
            let mut q: Vec<(&str, String)> = params.to_vec();
            q.push(("per_page", PER_PAGE.to_string()));
            q.push(("page", page.to_string()));
            let (_, v) = self
                .send(self.request(method.clone(), path).query(&q))
                .await?;
            let got = items(&v)?;
            let n = got.len();
            out.extend(got);
            if n < PER_PAGE {
                break;
            }
        }
        Ok(out)
    }

    /// The id of the object a `201 Created` answer points at.
    fn created_id(headers: &HeaderMap, what: &str) -> Result<String, ConnectorError> {
        headers
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(|l| l.rsplit('/').next())
            .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_string)
            .ok_or_else(|| ConnectorError::Malformed(format!("no {what} id in the answer")))
    }

    async fn find_ticket(&self, client_uuid: Uuid) -> Result<Option<PushedTicket>, ConnectorError> {
        let found = self
            .collection(
                Method::GET,
                "/tickets",
                &[
                    ("query", format!("CF.{{ClientUUID}} = '{client_uuid}'")),
                    ("fields", "Status".into()),
                    ("orderby", "id".into()),
                    ("order", "ASC".into()),
                ],
            )
            .await?;
        Ok(found.first().and_then(|t| {
            Some(PushedTicket {
                remote_id: id_of(t)?,
                status: t.get("Status").and_then(Value::as_str).map(str::to_string),
            })
        }))
    }

    async fn find_transaction(&self, client_uuid: Uuid) -> Result<Option<String>, ConnectorError> {
        let found = self
            .collection(
                Method::GET,
                "/transactions",
                &[
                    ("query", format!("CF.{{ClientTxnUUID}} = '{client_uuid}'")),
                    ("fields", "Type,ObjectId".into()),
                    ("orderby", "id".into()),
                    ("order", "ASC".into()),
                ],
            )
            .await?;
        Ok(found.first().and_then(id_of))
    }

    /// The content of one attachment (REST2 serves it base64-encoded).
    async fn attachment_content(&self, id: &str) -> Result<Vec<u8>, ConnectorError> {
        let (_, v) = self
            .send(self.request(Method::GET, &format!("/attachment/{id}")))
            .await?;
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

    /// A correspondence: its text (the plain-text part, else the HTML part) and its files
    /// (the parts with a file name). A file over `file_limit` is not downloaded.
    async fn transaction_content(
        &self,
        txn: &str,
    ) -> Result<(String, Vec<RemoteFile>), ConnectorError> {
        // No `Content` here: the list must not download files before their size is known.
        let parts = self
            .collection(
                Method::GET,
                &format!("/transaction/{txn}/attachments"),
                &[("fields", "ContentType,Filename,ContentLength".into())],
            )
            .await?;
        let str_of =
            |p: &Value, k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let pick = |ct: &str| {
            parts
                .iter()
                .find(|p| str_of(p, "ContentType") == ct && str_of(p, "Filename").is_empty())
        };
        let body = match pick("text/plain")
            .or_else(|| pick("text/html"))
            .and_then(id_of)
        {
            Some(id) => String::from_utf8_lossy(&self.attachment_content(&id).await?)
                .trim_end()
                .to_string(),
            None => String::new(),
        };
        let mut files = Vec::new();
        for p in &parts {
            let file_name = str_of(p, "Filename");
            if file_name.is_empty() {
                continue;
            }
            let Some(id) = id_of(p) else { continue };
            let announced = p
                .get("ContentLength")
                .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
                .unwrap_or(0);
            let mut file = RemoteFile {
                remote_id: id.clone(),
                file_name,
                content_type: str_of(p, "ContentType"),
                size: announced,
                bytes: None,
            };
            if announced <= self.file_limit {
                let bytes = self.attachment_content(&id).await?;
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
        Ok((body, files))
    }

    async fn kb_class_id(&self) -> Result<String, ConnectorError> {
        if let Some(id) = self.class_id.lock().expect("lock poisoned").clone() {
            return Ok(id);
        }
        let classes = self
            .collection(Method::GET, "/classes/all", &[("fields", "Name".into())])
            .await?;
        let id = classes
            .iter()
            .find(|c| c.get("Name").and_then(Value::as_str) == Some(self.cfg.kb_class.as_str()))
            .and_then(id_of)
            .ok_or_else(|| ConnectorError::Permanent {
                status: 404,
                message: format!(
                    "no article class `{}` visible to {}",
                    self.cfg.kb_class, self.cfg.user
                ),
            })?;
        *self.class_id.lock().expect("lock poisoned") = Some(id.clone());
        Ok(id)
    }

    /// The images an article embeds, downloaded so that it reads offline. RT's own URLs are
    /// fetched with the connector's credentials, others anonymously. An image that cannot be
    /// fetched, is not an image, or is over [`MAX_IMAGE_BYTES`] is left out (the sanitiser then
    /// drops its `<img>`): one broken image must not keep the article from the knowledge base.
    async fn fetch_images(&self, html: &str) -> Vec<KbImage> {
        let Ok(base) = reqwest::Url::parse(&format!("{}/", self.cfg.url)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for src in guichet_store::embedded_image_urls(html) {
            let Ok(url) = base.join(&src) else { continue };
            if !matches!(url.scheme(), "http" | "https") {
                continue;
            }
            let mut req = self.client.get(url.clone());
            if url.origin() == base.origin() {
                req = if is_token(&self.secret) {
                    req.header(AUTHORIZATION, format!("token {}", self.secret))
                } else {
                    req.basic_auth(&self.cfg.user, Some(&self.secret))
                };
            }
            match fetch_image(req).await {
                Ok((content_type, bytes)) => out.push(KbImage {
                    url: src,
                    content_type,
                    bytes,
                }),
                Err(why) => tracing::warn!(url = %url, %why, "article image left out"),
            }
        }
        out
    }

    async fn find_asset(&self, deviceid: &str) -> Result<Option<String>, ConnectorError> {
        let found = self
            .collection(
                Method::GET,
                "/assets",
                &[
                    (
                        "query",
                        format!(
                            "Catalog = '{}' AND CF.{{DeviceId}} = '{}'",
                            sql_str(&self.cfg.catalog),
                            sql_str(deviceid)
                        ),
                    ),
                    ("orderby", "id".into()),
                    ("order", "ASC".into()),
                ],
            )
            .await?;
        Ok(found.first().and_then(id_of))
    }
}

#[async_trait]
impl Connector for RtConnector {
    fn name(&self) -> &str {
        "rt"
    }

    async fn authenticate(&self) -> Result<(), ConnectorError> {
        let (_, v) = self.send(self.request(Method::GET, "/rt")).await?;
        if v.get("Version").is_none() {
            return Err(ConnectorError::Malformed(
                "not a Request Tracker REST2 endpoint (no Version in /rt)".into(),
            ));
        }
        Ok(())
    }

    async fn push_ticket(&self, t: &OutgoingTicket) -> Result<PushedTicket, ConnectorError> {
        // Check before create: a previous attempt may have landed with its answer lost.
        if let Some(found) = self.find_ticket(t.client_uuid).await? {
            return Ok(found);
        }
        let mut content = t.description.clone();
        content.push_str("\n\n--\n");
        if let Some(c) = &t.category {
            content.push_str(&format!("Category: {c}\n"));
        }
        content.push_str(&format!(
            "Urgency: {}/5\nReported by: {}\n",
            t.urgency, t.requester
        ));
        if let Some(s) = &t.system_summary {
            content.push('\n');
            content.push_str(s);
        }
        let attachments = rest2_attachments(&t.attachments);
        let mut body = json!({
            "Queue": self.cfg.queue,
            "Subject": t.title,
            // REST2 does not make the creator a requestor; without it the user cannot see
            // the ticket, nor find it by its ClientUUID.
            "Requestor": self.cfg.user,
            "Content": content,
            "ContentType": "text/plain",
            "Priority": (u32::from(t.urgency.clamp(1, 5)) - 1) * 25,
            "CustomFields": {"ClientUUID": t.client_uuid.to_string()},
        });
        if !attachments.is_empty() {
            body["Attachments"] = Value::Array(attachments);
        }
        let (headers, _) = self
            .send(self.request(Method::POST, "/ticket").json(&body))
            .await?;
        let id = Self::created_id(&headers, "ticket")?;
        // Verify after create: the ticket must carry the UUID, or retries would duplicate it.
        match self.find_ticket(t.client_uuid).await? {
            Some(found) => Ok(found),
            None => Err(ConnectorError::Permanent {
                status: 201,
                message: format!(
                    "RT created ticket {id} without its ClientUUID: check that the ClientUUID \
                     ticket custom field is applied to queue {} and that {} may set it",
                    self.cfg.queue, self.cfg.user
                ),
            }),
        }
    }

    async fn push_reply(&self, r: &OutgoingReply) -> Result<String, ConnectorError> {
        if let Some(id) = self.find_transaction(r.client_uuid).await? {
            return Ok(id);
        }
        let mut body = json!({
            "Content": r.body,
            "ContentType": "text/plain",
            "TxnCustomFields": {"ClientTxnUUID": r.client_uuid.to_string()},
        });
        let attachments = rest2_attachments(&r.attachments);
        if !attachments.is_empty() {
            body["Attachments"] = Value::Array(attachments);
        }
        let path = format!("/ticket/{}/correspond", r.ticket_remote_id);
        let (headers, answer) = self
            .send(self.request(Method::POST, &path).json(&body))
            .await?;
        if let Some(denied) = denied_in(&answer) {
            return Err(ConnectorError::Permanent {
                status: 403,
                message: denied,
            });
        }
        let id = Self::created_id(&headers, "transaction")?;
        match self.find_transaction(r.client_uuid).await? {
            Some(found) => Ok(found),
            None => Err(ConnectorError::Permanent {
                status: 201,
                message: format!(
                    "RT added reply {id} without its ClientTxnUUID: check the ClientTxnUUID \
                     transaction custom field of queue {}",
                    self.cfg.queue
                ),
            }),
        }
    }

    async fn pull_ticket_changes(
        &self,
        cursor: Option<&str>,
        watched: &[String],
    ) -> Result<TicketChanges, ConnectorError> {
        let watched: HashSet<&str> = watched.iter().map(String::as_str).collect();
        if watched.is_empty() {
            return Ok(TicketChanges::default());
        }
        let mut query = format!("Queue = '{}'", sql_str(&self.cfg.queue));
        if let Some(c) = cursor {
            // `>=`: timestamps have a one-second resolution; the store skips what it has.
            query.push_str(&format!(" AND LastUpdated >= '{}'", sql_str(c)));
        }
        let tickets = self
            .collection(
                Method::GET,
                "/tickets",
                &[
                    ("query", query),
                    ("fields", "Subject,Status,LastUpdated".into()),
                    ("orderby", "LastUpdated".into()),
                    ("order", "ASC".into()),
                ],
            )
            .await?;
        let mut latest: Option<DateTime<Utc>> = None;
        let mut updates = Vec::new();
        let mut files = Vec::new();
        for t in &tickets {
            let id =
                id_of(t).ok_or_else(|| ConnectorError::Malformed("ticket without id".into()))?;
            let updated = rt_date(t.get("LastUpdated"))?;
            latest = latest.max(updated);
            if !watched.contains(id.as_str()) {
                continue;
            }
            let history = self
                .collection(
                    Method::GET,
                    &format!("/ticket/{id}/history"),
                    &[("fields", "Type,Created,Creator".into())],
                )
                .await?;
            let mut replies = Vec::new();
            for h in &history {
                let creator = h
                    .pointer("/Creator/id")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                // Only public correspondence from the other side: our own replies are known
                // locally (by their ClientTxnUUID), and comments are internal.
                if h.get("Type").and_then(Value::as_str) != Some("Correspond")
                    || creator == self.cfg.user
                {
                    continue;
                }
                let txn = id_of(h)
                    .ok_or_else(|| ConnectorError::Malformed("transaction without id".into()))?;
                let (body, reply_files) = self.transaction_content(&txn).await?;
                if !reply_files.is_empty() {
                    files.push(RemoteReplyFiles {
                        ticket_remote_id: id.clone(),
                        reply_remote_id: txn.clone(),
                        files: reply_files,
                    });
                }
                replies.push(RemoteReply {
                    body,
                    remote_id: txn,
                    author: creator.to_string(),
                    created_at: rt_date(h.get("Created"))?.unwrap_or_default(),
                    client_uuid: None,
                });
            }
            updates.push(RemoteTicketUpdate {
                remote_id: id,
                title: t.get("Subject").and_then(Value::as_str).map(str::to_string),
                status: t.get("Status").and_then(Value::as_str).map(str::to_string),
                updated_at: updated,
                replies,
            });
        }
        Ok(TicketChanges {
            updates,
            files,
            cursor: latest.map(tsql_date),
        })
    }

    async fn pull_kb(&self, cursor: Option<&str>) -> Result<KbChanges, ConnectorError> {
        let class = self.kb_class_id().await?;
        let mut query = vec![json!({"field": "Class", "value": class})];
        if let Some(c) = cursor {
            query.push(json!({"field": "LastUpdated", "operator": ">=", "value": c, "entry_aggregator": "AND"}));
        }
        let articles = self
            .collection(
                Method::GET,
                "/articles",
                &[
                    ("query", Value::Array(query).to_string()),
                    (
                        "fields",
                        "Name,Summary,Disabled,LastUpdated,CustomFields".into(),
                    ),
                    // Disabled articles are how RT deletes: they must come back to be removed.
                    ("find_disabled_rows", "1".into()),
                ],
            )
            .await?;
        let mut out = KbChanges::default();
        let mut latest: Option<DateTime<Utc>> = None;
        for a in &articles {
            let id =
                id_of(a).ok_or_else(|| ConnectorError::Malformed("article without id".into()))?;
            let updated = rt_date(a.get("LastUpdated"))?;
            latest = latest.max(updated);
            if a.get("Disabled").and_then(Value::as_str) == Some("1") {
                out.deletions.push(id);
                continue;
            }
            let title = a
                .get("Name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let summary = a
                .get("Summary")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            let content = a
                .get("CustomFields")
                .and_then(Value::as_array)
                .and_then(|cfs| {
                    cfs.iter()
                        .find(|cf| cf.get("name").and_then(Value::as_str) == Some("Content"))
                })
                .and_then(|cf| cf.pointer("/values/0"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let body_html = text_to_html(content);
            let images = self.fetch_images(&body_html).await;
            out.upserts.push(KbArticle {
                connector: "rt".into(),
                remote_version: version_of(
                    updated,
                    &[&title, summary.as_deref().unwrap_or(""), content],
                ),
                remote_id: id,
                title,
                summary,
                body_html,
                category: Some(self.cfg.kb_class.clone()),
                language: None,
                updated_at: updated.unwrap_or_default(),
                images,
            });
        }
        out.cursor = latest.map(article_date);
        Ok(out)
    }

    async fn push_inventory(
        &self,
        o: &OutgoingInventory,
    ) -> Result<PushedInventory, ConnectorError> {
        // RT assets have no partial update: every push is the whole record.
        Ok(PushedInventory {
            remote_id: self.push_asset(o).await?,
            mode: InventoryMode::Full,
            next_contact: None,
            message: None,
        })
    }
}

impl RtConnector {
    /// Creates or updates the machine's asset (found by its DeviceId custom field).
    async fn push_asset(&self, o: &OutgoingInventory) -> Result<String, ConnectorError> {
        let inv = &o.inventory;
        let machine = inv.machine.as_ref();
        let model = machine
            .map(|m| {
                [m.vendor.as_deref(), m.model.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let cpu = inv
            .cpus
            .first()
            .map(|c| format!("{} × {}", inv.cpus.len(), c.name))
            .unwrap_or_default();
        let ram = inv
            .memory
            .as_ref()
            .map(|m| format!("{} MiB", m.total_bytes >> 20))
            .unwrap_or_default();
        let name = inv.hostname().unwrap_or(&o.deviceid).to_string();
        let fields = json!({
            "Serial": machine.and_then(|m| m.serial.clone()).unwrap_or_default(),
            "Model": model,
            "OS": inv.os.as_ref().map(|os| os.full_name.clone()).unwrap_or_default(),
            "CPU": cpu,
            "RAM": ram,
            "DeviceId": o.deviceid,
        });
        let description = format!(
            "Inventoried by Guichet on {}",
            inv.collected_at.format("%Y-%m-%d %H:%M UTC")
        );
        if let Some(id) = self.find_asset(&o.deviceid).await? {
            let (_, answer) = self
                .send(
                    self.request(Method::PUT, &format!("/asset/{id}"))
                        .json(&json!({
                            "Name": name,
                            "Description": description,
                            "CustomFields": fields,
                        })),
                )
                .await?;
            if let Some(denied) = denied_in(&answer) {
                return Err(ConnectorError::Permanent {
                    status: 403,
                    message: denied,
                });
            }
            return Ok(id);
        }
        let (headers, _) = self
            .send(self.request(Method::POST, "/asset").json(&json!({
                "Catalog": self.cfg.catalog,
                "Name": name,
                "Description": description,
                "CustomFields": fields,
            })))
            .await?;
        let id = Self::created_id(&headers, "asset")?;
        match self.find_asset(&o.deviceid).await? {
            Some(found) => Ok(found),
            None => Err(ConnectorError::Permanent {
                status: 201,
                message: format!(
                    "RT created asset {id} without its DeviceId: check the DeviceId custom \
                     field of catalog {}",
                    self.cfg.catalog
                ),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_passwords_are_told_apart() {
        assert!(is_token("1-14-0123456789abcdef0123456789abcdef"));
        assert!(!is_token("guichet-pass"));
        assert!(!is_token("1-14-short"));
    }

    #[test]
    fn sql_literals_are_escaped() {
        assert_eq!(sql_str("O'Brien\\"), "O\\'Brien\\\\");
    }

    #[test]
    fn permission_denied_in_a_200_is_found() {
        let v = json!(["Ticket 1: Permission Denied"]);
        assert_eq!(
            denied_in(&v).as_deref(),
            Some("Ticket 1: Permission Denied")
        );
        assert_eq!(denied_in(&json!(["Correspondence added"])), None);
    }

    #[test]
    fn the_debug_form_never_shows_the_secret() {
        let c = RtConnector::new(
            RtConfig::new("http://127.0.0.1:1", "u", "Q"),
            "hunter2".into(),
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
