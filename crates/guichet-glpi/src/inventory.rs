//! Native inventory submission with GLPI Agent's JSON protocol (GLPI ≥ 10).
//!
//! Transport, as GLPI Agent's `GLPI::Agent::HTTP::Client::GLPI` does it: POST to the server's
//! inventory URL, body compressed with zlib (RFC 1950, `application/x-compress-zlib`), gzip
//! (`application/x-compress-gzip`) or plain `application/json`; a `GLPI-Agent-ID` header with
//! the agent's stable UUID; a `GLPI-Request-ID` of 8 upper-case hex digits; the answer carries
//! `status` (`ok`/`error`), `message` and `expiration` (hours until the next contact), possibly
//! compressed like the request. GLPI 11 may require an OAuth2 Bearer token with scope
//! `inventory` (client-credentials grant at `/api.php/token`): on 401 the client gets one and
//! retries once.
//!
//! Partial inventories ([`plan`]): after a full inventory the server accepted, only changed
//! categories are sent with `partial: true`, always together with the identity categories GLPI
//! needs to find the computer (`bios`, `hardware`, `operatingsystem`, `versionclient`, as in
//! inventory_format's `computer_1_partial_*.json` examples). Anything structural — no previous
//! full inventory, a category that disappeared, a changed identity (`bios`, `hardware` uuid or
//! name) or an explicit request — sends a full inventory.

use crate::error::{GlpiError, Result};
use crate::transport::{send, Answer, Secret};
use chrono::{DateTime, Duration, Utc};
use flate2::read::{GzDecoder, ZlibDecoder};
use flate2::write::ZlibEncoder;
use guichet_sync::http;
use serde_json::{json, Map, Value};
use std::io::Write;
use tokio::sync::Mutex;
use uuid::Uuid;

/// Body encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// zlib (what GLPI Agent uses when Compress::Zlib is available).
    Zlib,
    /// No compression.
    None,
}

/// OAuth2 client credentials for GLPI 11's inventory scope.
#[derive(Debug, Clone)]
pub struct InventoryOAuth {
    /// GLPI root URL (the token endpoint is `/api.php/token` under it).
    pub base_url: String,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: Secret,
}

/// Configuration of [`InventoryClient`].
#[derive(Debug, Clone)]
pub struct InventoryConfig {
    /// Full inventory URL (e.g. `https://glpi.example/front/inventory.php`).
    pub url: String,
    /// The agent's stable id, sent as `GLPI-Agent-ID`.
    pub agent_id: Uuid,
    /// Agent name for CONTACT (e.g. `Guichet`).
    pub agent_name: String,
    /// Agent version for CONTACT.
    pub agent_version: String,
    /// Body encoding.
    pub compression: Compression,
    /// OAuth credentials, for servers that require them.
    pub oauth: Option<InventoryOAuth>,
}

/// The server's answer to CONTACT or INVENTORY.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerAnswer {
    /// `ok` (or `pending`); errors are returned as [`GlpiError::InventoryRefused`].
    pub status: String,
    /// Server message.
    pub message: Option<String>,
    /// Hours until the next contact.
    pub expiration_hours: Option<u32>,
    /// CONTACT: the tasks the server handles.
    pub tasks: Option<Value>,
    /// `GLPI-Request-ID` of the answer.
    pub request_id: Option<String>,
}

impl ServerAnswer {
    /// When to contact the server next: `now + expiration` hours (24 h when the server gave
    /// none, GLPI's default inventory frequency).
    pub fn next_contact(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + Duration::hours(i64::from(self.expiration_hours.unwrap_or(24)))
    }
}

/// Identity categories sent in every partial inventory.
pub const IDENTITY_CATEGORIES: [&str; 4] = ["bios", "hardware", "operatingsystem", "versionclient"];

/// What to send.
#[derive(Debug, Clone, PartialEq)]
pub struct InventoryPlan {
    /// The document to POST.
    pub document: Value,
    /// Whether it is partial.
    pub partial: bool,
    /// The changed categories (all categories for a full inventory).
    pub categories: Vec<String>,
}

/// Plans the next submission of `full` (a complete `action: inventory` document) given the
/// `content` of the last full-or-merged inventory the server accepted. `None` when nothing
/// changed.
pub fn plan(previous: Option<&Value>, full: &Value, force_full: bool) -> Option<InventoryPlan> {
    let empty = Map::new();
    let content = full
        .get("content")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut full_doc = full.clone();
    if let Some(o) = full_doc.as_object_mut() {
        o.remove("partial");
    }
    let full_plan = || InventoryPlan {
        document: full_doc.clone(),
        partial: false,
        categories: content.keys().cloned().collect(),
    };
    let Some(prev) = previous.and_then(Value::as_object) else {
        return Some(full_plan());
    };
    if force_full {
        return Some(full_plan());
    }
    if is_structural_change(prev, full) {
        return Some(full_plan());
    }
    let changed: Vec<String> = content
        .iter()
        .filter(|(k, v)| prev.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    if changed.is_empty() {
        return None;
    }
    let mut partial_content = Map::new();
    for (k, v) in content {
        if changed.contains(k) || IDENTITY_CATEGORIES.contains(&k.as_str()) {
            partial_content.insert(k.clone(), v.clone());
        }
    }
    let mut doc = full_doc;
    if let Some(o) = doc.as_object_mut() {
        o.insert("content".into(), Value::Object(partial_content));
        o.insert("partial".into(), Value::Bool(true));
    }
    Some(InventoryPlan {
        document: doc,
        partial: true,
        categories: changed,
    })
}

/// Whether `full` (a complete `action: inventory` document) differs structurally from the
/// `content` the server last accepted: a category disappeared, or the machine's identity
/// changed (`bios`, `hardware` uuid or name). Such a change needs a full inventory, and is sent
/// even before the next contact the server asked for.
pub fn is_structural_change(previous_content: &Map<String, Value>, full: &Value) -> bool {
    let empty = Map::new();
    let content = full
        .get("content")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let prev = previous_content;
    let removed = prev.keys().any(|k| !content.contains_key(k));
    let identity_changed = prev.get("bios") != content.get("bios")
        || prev.get("hardware").and_then(|h| h.get("uuid"))
            != full.pointer("/content/hardware/uuid")
        || prev.get("hardware").and_then(|h| h.get("name"))
            != full.pointer("/content/hardware/name");
    removed || identity_changed
}

/// The outcome of [`InventoryClient::submit`].
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// The server's answer to what was finally accepted.
    pub answer: ServerAnswer,
    /// Whether the accepted inventory was partial.
    pub partial: bool,
    /// Whether a partial inventory was refused and replaced by a full one.
    pub fell_back_to_full: bool,
    /// The content the server now holds (to pass as `previous` next time).
    pub accepted_content: Value,
}

/// Client of the native inventory endpoint.
#[derive(Debug)]
pub struct InventoryClient {
    http: reqwest::Client,
    config: InventoryConfig,
    bearer: Mutex<Option<Secret>>,
}

impl InventoryClient {
    /// A client.
    pub fn new(http: reqwest::Client, config: InventoryConfig) -> InventoryClient {
        InventoryClient {
            http,
            config,
            bearer: Mutex::new(None),
        }
    }

    /// CONTACT: announces the agent and its tasks; the answer gives `expiration` and tasks.
    pub async fn contact(
        &self,
        deviceid: &str,
        tasks: &[&str],
        request_id: &str,
    ) -> Result<ServerAnswer> {
        let msg = json!({
            "action": "contact",
            "deviceid": deviceid,
            "name": self.config.agent_name,
            "version": self.config.agent_version,
            "installed-tasks": tasks,
            "enabled-tasks": tasks,
        });
        self.post(&msg, request_id).await
    }

    /// Sends the planned inventory (see [`plan`]). A refused partial inventory is replaced by
    /// the full one once: the server lost or never had the rest.
    pub async fn submit(
        &self,
        previous: Option<&Value>,
        full: &Value,
        force_full: bool,
        request_id: &str,
    ) -> Result<Option<Submission>> {
        let Some(p) = plan(previous, full, force_full) else {
            return Ok(None);
        };
        let full_content = full.get("content").cloned().unwrap_or(json!({}));
        match self.post(&p.document, request_id).await {
            Ok(answer) => Ok(Some(Submission {
                answer,
                partial: p.partial,
                fell_back_to_full: false,
                accepted_content: full_content,
            })),
            Err(GlpiError::InventoryRefused { status, detail }) if p.partial => {
                tracing::info!(status, %detail, "partial inventory refused, sending a full one");
                let full_plan = plan(None, full, true).unwrap_or(p);
                let answer = self.post(&full_plan.document, request_id).await?;
                Ok(Some(Submission {
                    answer,
                    partial: false,
                    fell_back_to_full: true,
                    accepted_content: full_content,
                }))
            }
            Err(e) => Err(e),
        }
    }

    /// POSTs one message, getting an OAuth token and retrying once on 401.
    async fn post(&self, msg: &Value, request_id: &str) -> Result<ServerAnswer> {
        if request_id.len() != 8 || !request_id.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(GlpiError::Config(format!(
                "request id {request_id:?} is not 8 hex digits"
            )));
        }
        let raw = serde_json::to_vec(msg).map_err(|e| GlpiError::Config(e.to_string()))?;
        let (ctype, body) = match self.config.compression {
            Compression::Zlib => {
                let mut enc = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                enc.write_all(&raw)
                    .and_then(|_| enc.finish())
                    .map(|b| ("application/x-compress-zlib", b))
                    .map_err(|e| GlpiError::Config(e.to_string()))?
            }
            Compression::None => ("application/json", raw),
        };
        for attempt in 0..2 {
            let mut req = self
                .http
                .post(&self.config.url)
                .header("Content-Type", ctype)
                .header("GLPI-Agent-ID", self.config.agent_id.to_string())
                .header("GLPI-Request-ID", request_id.to_ascii_uppercase())
                .header("Pragma", "no-cache")
                .body(body.clone());
            if let Some(t) = self.bearer.lock().await.clone() {
                req = req.bearer_auth(t.expose());
            }
            let answer = send(req).await?;
            if answer.status == 401 && attempt == 0 {
                let Some(oauth) = &self.config.oauth else {
                    return Err(GlpiError::Api {
                        status: 401,
                        code: "invalid_client".into(),
                        detail: "the server requires OAuth client credentials for inventories"
                            .into(),
                    });
                };
                self.fetch_token(oauth).await?;
                continue;
            }
            return read_answer(answer);
        }
        Err(GlpiError::Api {
            status: 401,
            code: "invalid_client".into(),
            detail: "inventory token refused".into(),
        })
    }

    /// Client-credentials grant with scope `inventory` (GLPI user documentation, "RESTful API
    /// (V2)", Scopes).
    async fn fetch_token(&self, oauth: &InventoryOAuth) -> Result<()> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", oauth.client_id.as_str()),
            ("client_secret", oauth.client_secret.expose()),
            ("scope", "inventory"),
        ];
        let req = self
            .http
            .post(crate::transport::join(&oauth.base_url, "api.php/token"))
            .form(&form);
        let answer = crate::transport::check(send(req).await?, crate::transport::Flavor::V2)?;
        let v: Value = answer.json()?;
        let token = v
            .get("access_token")
            .and_then(Value::as_str)
            .ok_or_else(|| GlpiError::Malformed("token answer without access_token".into()))?;
        *self.bearer.lock().await = Some(Secret::new(token));
        Ok(())
    }
}

/// Decodes an answer (compressed like the request or plain JSON) and maps errors: `status:
/// error` or a 4xx/5xx with a JSON message → `InventoryRefused`; 429 → `RateLimited`; other 5xx
/// → `Server`; unreadable → `Malformed`; inflating past [`http::INFLATED_LIMIT`] → `OverLimit`.
pub(crate) fn read_answer(answer: Answer) -> Result<ServerAnswer> {
    if answer.status == 429 {
        let retry_after = answer
            .header("Retry-After")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(std::time::Duration::from_secs);
        return Err(GlpiError::RateLimited { retry_after });
    }
    let ctype = answer
        .header("Content-Type")
        .unwrap_or("")
        .to_ascii_lowercase();
    // Inflated within a limit: a few compressed bytes can stand for gigabytes.
    let limit = http::INFLATED_LIMIT;
    let decoded = if ctype.starts_with("application/x-compress-zlib") {
        http::inflate_capped(ZlibDecoder::new(&answer.body[..]), limit, &answer.url)?
    } else if ctype.starts_with("application/x-compress-gzip") {
        http::inflate_capped(GzDecoder::new(&answer.body[..]), limit, &answer.url)?
    } else {
        Ok(answer.body.clone())
    };
    let parsed = decoded
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .filter(Value::is_object);
    let Some(v) = parsed else {
        if answer.status >= 500 {
            return Err(GlpiError::Server {
                status: answer.status,
            });
        }
        return Err(GlpiError::Malformed(format!(
            "inventory answer (HTTP {}) is not a JSON object",
            answer.status
        )));
    };
    let status = v
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let message = v.get("message").and_then(Value::as_str).map(str::to_owned);
    if status == "error" || !(200..300).contains(&answer.status) {
        return Err(GlpiError::InventoryRefused {
            status: answer.status,
            detail: message.unwrap_or_else(|| format!("HTTP {}", answer.status)),
        });
    }
    if status.is_empty() {
        return Err(GlpiError::Malformed(
            "inventory answer without status".into(),
        ));
    }
    Ok(ServerAnswer {
        status,
        message,
        expiration_hours: v
            .get("expiration")
            .and_then(|e| {
                e.as_u64()
                    .or_else(|| e.as_str().and_then(|s| s.parse().ok()))
            })
            .and_then(|e| u32::try_from(e).ok()),
        tasks: v.get("tasks").cloned(),
        request_id: answer.header("GLPI-Request-ID").map(str::to_owned),
    })
}

/// A `GLPI-Request-ID` from a number (8 upper-case hex digits).
pub fn request_id(n: u32) -> String {
    format!("{n:08X}")
}
