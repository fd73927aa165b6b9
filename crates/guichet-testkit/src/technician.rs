//! The technician on the other side of the service desk: a small REST2
//! client (basic auth as `tech`) that tests use to act on RT and to check
//! what the Guichet connector did.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::{Result, RtServer, TestkitError};

/// Page size for collection reads (RT caps `per_page` at 100).
const PER_PAGE: u64 = 100;

/// Fields requested for history entries.
const HISTORY_FIELDS: &str = "Type,Created,Creator,Field,OldValue,NewValue,Data";

/// Fields requested for asset searches.
const ASSET_FIELDS: &str = "Name,Description,Status,Catalog,CustomFields,LastUpdated";

/// REST2 client authenticated as a technician.
#[derive(Debug, Clone)]
pub struct Technician {
    http: reqwest::Client,
    rest2: String,
    login: String,
    password: String,
}

impl Technician {
    /// A client for the `tech` user of a server started by [`RtServer`].
    pub fn new(server: &RtServer) -> Self {
        Self::with_credentials(server.url(), RtServer::TECH, RtServer::TECH_PASSWORD)
    }

    /// A client for any user of the RT at `base_url` (`http://host:port`).
    pub fn with_credentials(base_url: &str, login: &str, password: &str) -> Self {
        Technician {
            http: reqwest::Client::new(),
            rest2: format!("{}/REST/2.0", base_url.trim_end_matches('/')),
            login: login.to_owned(),
            password: password.to_owned(),
        }
    }

    /// Adds a reply (correspondence, visible to the requestor) to a ticket;
    /// returns the new transaction id.
    pub async fn reply(&self, ticket_id: u64, text: &str) -> Result<u64> {
        self.post_message(ticket_id, "correspond", text).await
    }

    /// Adds a reply with one file (REST2 `Attachments`, base64 `FileContent`); returns the
    /// new transaction id.
    pub async fn reply_with_file(
        &self,
        ticket_id: u64,
        text: &str,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<u64> {
        let body = json!({
            "Content": text,
            "ContentType": "text/plain",
            "Attachments": [{
                "FileName": file_name,
                "FileType": content_type,
                "FileContent": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes),
            }],
        });
        self.post_json_message(ticket_id, "correspond", body).await
    }

    /// The files of a transaction (its attachments with a file name), as (file name, bytes),
    /// in RT's order.
    pub async fn transaction_files(&self, txn: u64) -> Result<Vec<(String, Vec<u8>)>> {
        let path = format!("/transaction/{txn}/attachments");
        let parts = self.collect(&path, &[("fields", "Filename")]).await?;
        let mut out = Vec::new();
        for p in &parts {
            let name = p.get("Filename").and_then(Value::as_str).unwrap_or("");
            if name.is_empty() {
                continue;
            }
            let id = item_id(p)?;
            let (_, a) = self
                .send(Method::GET, &format!("/attachment/{id}"), &[], None)
                .await?;
            let b64: String = a
                .get("Content")
                .and_then(Value::as_str)
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64)
                .map_err(|e| TestkitError::BadResponse(format!("attachment {id}: {e}")))?;
            out.push((name.to_owned(), bytes));
        }
        Ok(out)
    }

    /// Adds an internal comment (not visible to the requestor) to a ticket;
    /// returns the new transaction id.
    pub async fn comment(&self, ticket_id: u64, text: &str) -> Result<u64> {
        self.post_message(ticket_id, "comment", text).await
    }

    /// Sets a ticket's status (`open`, `stalled`, `resolved`, `rejected`...).
    pub async fn set_status(&self, ticket_id: u64, status: &str) -> Result<()> {
        let path = format!("/ticket/{ticket_id}");
        self.send(Method::PUT, &path, &[], Some(json!({ "Status": status })))
            .await?;
        Ok(())
    }

    /// The ticket as REST2 returns it (`GET /ticket/:id`).
    pub async fn ticket(&self, ticket_id: u64) -> Result<Value> {
        let path = format!("/ticket/{ticket_id}");
        Ok(self.send(Method::GET, &path, &[], None).await?.1)
    }

    /// Ids of the tickets (any queue, any status but deleted) whose
    /// `ClientUUID` custom field is `uuid`, ascending.
    pub async fn tickets_by_client_uuid(&self, uuid: &str) -> Result<Vec<u64>> {
        let query = format!("CF.{{ClientUUID}} = '{}'", sql_quote(uuid));
        let items = self
            .collect("/tickets", &[("query", &query), ("orderby", "id")])
            .await?;
        items.iter().map(item_id).collect()
    }

    /// Ids of the tickets (any queue, any status but deleted) with the
    /// subject `subject`, ascending: how a test counts tickets on a stock
    /// server, where there is no custom field to search.
    pub async fn tickets_by_subject(&self, subject: &str) -> Result<Vec<u64>> {
        let query = format!("Subject = '{}'", sql_quote(subject));
        let items = self
            .collect("/tickets", &[("query", &query), ("orderby", "id")])
            .await?;
        items.iter().map(item_id).collect()
    }

    /// Ids of the tickets whose subject contains `text` (TicketSQL `LIKE`), ascending: every
    /// ticket a test run made, whatever their keys, when their subjects share a run prefix.
    pub async fn tickets_with_subject_containing(&self, text: &str) -> Result<Vec<u64>> {
        let query = format!("Subject LIKE '{}'", sql_quote(text));
        let items = self
            .collect("/tickets", &[("query", &query), ("orderby", "id")])
            .await?;
        items.iter().map(item_id).collect()
    }

    /// Ids of the transactions whose `ClientTxnUUID` custom field is `uuid` (the replies
    /// Guichet sent with that key), ascending.
    pub async fn transactions_by_client_uuid(&self, uuid: &str) -> Result<Vec<u64>> {
        let query = format!("CF.{{ClientTxnUUID}} = '{}'", sql_quote(uuid));
        let items = self
            .collect("/transactions", &[("query", &query), ("orderby", "id")])
            .await?;
        items.iter().map(item_id).collect()
    }

    /// All history entries of a ticket, oldest first, with the fields
    /// `Type, Created, Creator, Field, OldValue, NewValue, Data`.
    pub async fn ticket_history(&self, ticket_id: u64) -> Result<Vec<Value>> {
        let path = format!("/ticket/{ticket_id}/history");
        self.collect(&path, &[("fields", HISTORY_FIELDS)]).await
    }

    /// Number of tickets (not deleted) in the `ServiceDesk` queue.
    pub async fn count_tickets_in_queue(&self) -> Result<u64> {
        let query = format!("Queue = '{}'", RtServer::QUEUE);
        Ok(self.collect("/tickets", &[("query", &query)]).await?.len() as u64)
    }

    /// Creates an article in class `Guichet KB`; `html` goes into the
    /// `Content` custom field. Returns the article id.
    pub async fn create_article(&self, title: &str, summary: &str, html: &str) -> Result<u64> {
        let body = json!({
            "Class": RtServer::ARTICLE_CLASS,
            "Name": title,
            "Summary": summary,
            "CustomFields": { "Content": html },
        });
        let (status, value) = self.send(Method::POST, "/article", &[], Some(body)).await?;
        expect_created(status, &value)?;
        item_id(&value)
    }

    /// Replaces an article's `Content`.
    pub async fn update_article(&self, article_id: u64, html: &str) -> Result<()> {
        let path = format!("/article/{article_id}");
        let body = json!({ "CustomFields": { "Content": html } });
        self.send(Method::PUT, &path, &[], Some(body)).await?;
        Ok(())
    }

    /// Adds a file to an article's Binary custom field `cf` (REST2 `FileName`, `FileType`,
    /// base64 `FileContent`), as a technician attaches one in RT's article editor.
    pub async fn attach_to_article(
        &self,
        article_id: u64,
        cf: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<()> {
        let path = format!("/article/{article_id}");
        let value = json!({
            "FileName": file_name,
            "FileType": "application/octet-stream",
            "FileContent": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes),
        });
        let body = json!({ "CustomFields": { cf: [value] } });
        let (_, answer) = self.send(Method::PUT, &path, &[], Some(body)).await?;
        let text = answer.to_string();
        if text.contains("required field") || text.contains("Invalid") {
            return Err(TestkitError::BadResponse(format!("{path}: {text}")));
        }
        Ok(())
    }

    /// Sets an article's `Guichet checks` custom field (the check ids it is tagged with, as
    /// the service desk types them: space- or comma-separated).
    pub async fn set_article_checks(&self, article_id: u64, checks: &str) -> Result<()> {
        let path = format!("/article/{article_id}");
        let body = json!({ "CustomFields": { "Guichet checks": checks } });
        let (status, value) = self.send(Method::PUT, &path, &[], Some(body)).await?;
        if !status.is_success() {
            return Err(TestkitError::BadResponse(format!(
                "setting Guichet checks on article {article_id}: HTTP {status}: {value}"
            )));
        }
        Ok(())
    }

    /// Disables ("deletes") an article; it then shows `"Disabled":"1"` and is
    /// only listed with `find_disabled_rows=1`.
    pub async fn disable_article(&self, article_id: u64) -> Result<()> {
        let path = format!("/article/{article_id}");
        self.send(Method::DELETE, &path, &[], None).await?;
        Ok(())
    }

    /// Assets named exactly `name`, with name, status, catalog and CFs.
    pub async fn assets_by_name(&self, name: &str) -> Result<Vec<Value>> {
        let query = format!("Name = '{}'", sql_quote(name));
        self.collect("/assets", &[("query", &query), ("fields", ASSET_FIELDS)])
            .await
    }

    /// Assets whose custom field `cf` equals `value`.
    pub async fn assets_by_cf(&self, cf: &str, value: &str) -> Result<Vec<Value>> {
        let query = format!("CF.{{{cf}}} = '{}'", sql_quote(value));
        self.collect("/assets", &[("query", &query), ("fields", ASSET_FIELDS)])
            .await
    }

    /// The asset as REST2 returns it (`GET /asset/:id`).
    pub async fn asset(&self, asset_id: u64) -> Result<Value> {
        let path = format!("/asset/{asset_id}");
        Ok(self.send(Method::GET, &path, &[], None).await?.1)
    }

    /// POSTs a plain-text correspondence or comment; the transaction id is
    /// only in the `Location` header (`/REST/2.0/transaction/N`).
    async fn post_message(&self, ticket_id: u64, kind: &str, text: &str) -> Result<u64> {
        let body = json!({ "Content": text, "ContentType": "text/plain" });
        self.post_json_message(ticket_id, kind, body).await
    }

    /// POSTs a correspondence or comment given as REST2 JSON; returns the transaction id.
    async fn post_json_message(&self, ticket_id: u64, kind: &str, body: Value) -> Result<u64> {
        let path = format!("/ticket/{ticket_id}/{kind}");
        let response = self
            .request(Method::POST, &path, &[])
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await?;
        if status != StatusCode::CREATED {
            return Err(rest_error("POST", &path, status, body));
        }
        location
            .as_deref()
            .and_then(|l| l.rsplit_once("/transaction/"))
            .and_then(|(_, id)| id.parse().ok())
            .ok_or_else(|| {
                TestkitError::BadResponse(format!("{path}: no transaction Location ({location:?})"))
            })
    }

    /// Reads every page of a collection (`items` of each page).
    async fn collect(&self, path: &str, params: &[(&str, &str)]) -> Result<Vec<Value>> {
        let mut items = Vec::new();
        let per_page = PER_PAGE.to_string();
        for page in 1u64.. {
            let page_s = page.to_string();
            let mut all: Vec<(&str, &str)> = params.to_vec();
            all.push(("per_page", &per_page));
            all.push(("page", &page_s));
            let (_, value) = self.send(Method::GET, path, &all, None).await?;
            let batch = value
                .get("items")
                .and_then(Value::as_array)
                .ok_or_else(|| TestkitError::BadResponse(format!("{path}: no items: {value}")))?;
            items.extend(batch.iter().cloned());
            if (batch.len() as u64) < PER_PAGE {
                break;
            }
        }
        Ok(items)
    }

    /// Sends a request and returns the status and JSON body (Null when the
    /// body is empty, e.g. 204); non-2xx statuses become errors.
    async fn send(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, &str)],
        body: Option<Value>,
    ) -> Result<(StatusCode, Value)> {
        let mut request = self.request(method.clone(), path, params);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            return Err(rest_error(method.as_str(), path, status, text));
        }
        let value = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .map_err(|e| TestkitError::BadResponse(format!("{path}: {e}: {text}")))?
        };
        Ok((status, value))
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.rest2))
            .basic_auth(&self.login, Some(&self.password))
            .query(params)
    }
}

/// Escapes a value for a single-quoted TicketSQL/AssetSQL literal.
fn sql_quote(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\'', "\\'")
}

/// The numeric id of a collection item or creation answer (`"id":"3"`), or
/// of a single resource (`"id":3`).
fn item_id(value: &Value) -> Result<u64> {
    match value.get("id") {
        Some(Value::String(s)) => s.parse().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    }
    .ok_or_else(|| TestkitError::BadResponse(format!("no id in {value}")))
}

fn expect_created(status: StatusCode, value: &Value) -> Result<()> {
    if status == StatusCode::CREATED {
        Ok(())
    } else {
        Err(TestkitError::BadResponse(format!(
            "expected 201, got {status}: {value}"
        )))
    }
}

fn rest_error(method: &str, path: &str, status: StatusCode, body: String) -> TestkitError {
    TestkitError::Rest {
        method: method.to_owned(),
        path: path.to_owned(),
        status: status.as_u16(),
        body,
    }
}
