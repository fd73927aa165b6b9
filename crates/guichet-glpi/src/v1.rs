//! Client of GLPI's legacy REST API, `apirest.php` (GLPI 9.1 to 11; the documentation is
//! `apirest.md` in the glpi repository, whose section names the comments below use).
//!
//! One session is opened lazily with `initSession` and reused; when GLPI answers
//! `ERROR_SESSION_TOKEN_INVALID` (expired session) the call is retried once with a new session.

use crate::error::{GlpiError, Result};
use crate::model::*;
use crate::transport::{check, join, send, send_capped, Answer, Capped, Flavor, Secret};
use chrono::NaiveDateTime;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use tokio::sync::Mutex;

/// How to open a session (apirest.md "Init session").
#[derive(Debug, Clone)]
pub enum V1Auth {
    /// `Authorization: user_token …` (the user's remote access key).
    UserToken(Secret),
    /// HTTP Basic with login and password.
    Basic {
        /// Login.
        login: String,
        /// Password.
        password: Secret,
    },
}

/// Configuration of [`RestClientV1`].
#[derive(Debug, Clone)]
pub struct V1Config {
    /// GLPI root URL (the client appends `/apirest.php/…`).
    pub base_url: String,
    /// App-Token of the API client definition, when GLPI requires one.
    pub app_token: Option<Secret>,
    /// Credentials.
    pub auth: V1Auth,
}

/// Page size for list calls (GLPI serves at most its `Accept-Range` maximum per call).
const PAGE: usize = 200;

/// REST API v1 client.
#[derive(Debug)]
pub struct RestClientV1 {
    http: reqwest::Client,
    config: V1Config,
    session: Mutex<Option<Secret>>,
    /// The connected user's login, once known.
    login: Mutex<Option<String>>,
    /// ITIL categories already looked up by name (one lookup per name and pass).
    categories: Mutex<BTreeMap<String, Option<i64>>>,
}

impl RestClientV1 {
    /// A client; no request is made until the first call.
    pub fn new(http: reqwest::Client, config: V1Config) -> RestClientV1 {
        RestClientV1 {
            http,
            config,
            session: Mutex::new(None),
            login: Mutex::new(None),
            categories: Mutex::new(BTreeMap::new()),
        }
    }

    fn url(&self, path: &str) -> String {
        join(
            &self.config.base_url,
            &format!("apirest.php/{}", path.trim_start_matches('/')),
        )
    }

    fn with_app_token(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.config.app_token {
            Some(t) => req.header("App-Token", t.expose()),
            None => req,
        }
    }

    /// apirest.md "Init session": opens a session and keeps its token.
    pub async fn init_session(&self) -> Result<()> {
        let req = self
            .http
            .get(self.url("initSession"))
            .header("Content-Type", "application/json");
        let req = match &self.config.auth {
            V1Auth::UserToken(t) => {
                req.header("Authorization", format!("user_token {}", t.expose()))
            }
            V1Auth::Basic { login, password } => req.basic_auth(login, Some(password.expose())),
        };
        let answer = check(send(self.with_app_token(req)).await?, Flavor::V1)?;
        let v: Value = answer.json()?;
        let token = v
            .get("session_token")
            .and_then(Value::as_str)
            .ok_or_else(|| GlpiError::Malformed("initSession without session_token".into()))?;
        *self.session.lock().await = Some(Secret::new(token));
        Ok(())
    }

    /// apirest.md "Kill session": closes the session, if one is open.
    pub async fn kill_session(&self) -> Result<()> {
        let token = self.session.lock().await.take();
        if let Some(token) = token {
            let req = self
                .http
                .get(self.url("killSession"))
                .header("Session-Token", token.expose());
            check(send(self.with_app_token(req)).await?, Flavor::V1)?;
        }
        Ok(())
    }

    /// Opens a session unless one is held (a sync pass checks credentials without leaking a
    /// session per pass).
    pub async fn ensure_session(&self) -> Result<()> {
        self.token().await.map(|_| ())
    }

    /// Whether a session is currently open.
    pub async fn has_session(&self) -> bool {
        self.session.lock().await.is_some()
    }

    async fn token(&self) -> Result<Secret> {
        if let Some(t) = self.session.lock().await.clone() {
            return Ok(t);
        }
        self.init_session().await?;
        self.session
            .lock()
            .await
            .clone()
            .ok_or_else(|| GlpiError::Malformed("no session after initSession".into()))
    }

    /// One call with the session; renews the session once on ERROR_SESSION_TOKEN_INVALID.
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<Body>,
    ) -> Result<Answer> {
        for attempt in 0..2 {
            let token = self.token().await?;
            let mut req = self
                .http
                .request(method.clone(), self.url(path))
                .header("Session-Token", token.expose())
                .query(query);
            req = match &body {
                Some(Body::Json(v)) => req.json(v),
                Some(Body::Multipart(build)) => req.multipart(build()?),
                None => req.header("Content-Type", "application/json"),
            };
            match check(send(self.with_app_token(req)).await?, Flavor::V1) {
                Err(GlpiError::Api { code, .. })
                    if attempt == 0
                        && (code == "ERROR_SESSION_TOKEN_INVALID"
                            || code == "ERROR_SESSION_TOKEN_MISSING") =>
                {
                    tracing::debug!("GLPI session expired, opening a new one");
                    *self.session.lock().await = None;
                }
                other => return other,
            }
        }
        Err(GlpiError::Api {
            status: 401,
            code: "ERROR_SESSION_TOKEN_INVALID".into(),
            detail: "session renewal failed".into(),
        })
    }

    /// apirest.md "Get all items" with paging: follows `range` until GLPI answers 200 (not 206)
    /// or a short page.
    async fn get_all(&self, path: &str, extra: &[(String, String)]) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        let mut start = 0usize;
        loop {
            let mut q = extra.to_vec();
            q.push(("range".into(), format!("{}-{}", start, start + PAGE - 1)));
            let answer = match self.call(Method::GET, path, &q, None).await {
                // apirest.md "Errors": ERROR_RANGE_EXCEED_TOTAL past the end: nothing more.
                Err(GlpiError::Api { code, .. })
                    if code == "ERROR_RANGE_EXCEED_TOTAL" && start > 0 =>
                {
                    break
                }
                other => other?,
            };
            let page: Vec<Value> = answer.json()?;
            let n = page.len();
            out.extend(page);
            let total = content_range_total(&answer);
            if answer.status != 206 || n == 0 || total.is_some_and(|t| out.len() >= t) {
                break;
            }
            start += n;
        }
        Ok(out)
    }

    /// Finds the ticket whose `externalid` is `uuid` (Get all items with
    /// `searchText[externalid]=^uuid$`).
    pub async fn find_ticket(&self, uuid: uuid::Uuid) -> Result<Option<i64>> {
        let q = vec![
            ("searchText[externalid]".to_owned(), format!("^{uuid}$")),
            ("range".to_owned(), "0-1".to_owned()),
        ];
        let answer = self.call(Method::GET, "Ticket/", &q, None).await?;
        let rows: Vec<Value> = answer.json()?;
        Ok(rows.first().and_then(|r| r.get("id")).and_then(as_i64))
    }

    /// Creates the ticket unless one with its `externalid` exists (check before create: after a
    /// dropped answer the retry finds the first attempt's ticket).
    pub async fn ensure_ticket(&self, draft: &TicketDraft) -> Result<TicketRef> {
        if let Some(id) = self.find_ticket(draft.uuid).await? {
            return Ok(TicketRef { id, created: false });
        }
        let mut input = json!({
            "name": draft.title,
            "content": draft.content,
            "externalid": draft.uuid.to_string(),
            "type": draft.kind.as_glpi(),
            "urgency": draft.urgency,
        });
        if let Some(cat) = draft.itilcategories_id {
            input["itilcategories_id"] = json!(cat);
        }
        let body = json!({ "input": input });
        let answer = self
            .call(Method::POST, "Ticket/", &[], Some(Body::Json(body)))
            .await?;
        let v: Value = answer.json()?;
        let id = v
            .get("id")
            .and_then(as_i64)
            .ok_or_else(|| GlpiError::Malformed("Add item answer without id".into()))?;
        Ok(TicketRef { id, created: true })
    }

    /// The connected user's login: the Basic login, or `glpiname` from apirest.md "Get full
    /// session" with a user token. GLPI makes this user the requester of the tickets it creates.
    pub async fn login(&self) -> Result<String> {
        if let Some(l) = self.login.lock().await.clone() {
            return Ok(l);
        }
        let login = match &self.config.auth {
            V1Auth::Basic { login, .. } => login.clone(),
            V1Auth::UserToken(_) => {
                let answer = self.call(Method::GET, "getFullSession", &[], None).await?;
                let v: Value = answer.json()?;
                v.pointer("/session/glpiname")
                    .and_then(Value::as_str)
                    .ok_or_else(|| GlpiError::Malformed("getFullSession without glpiname".into()))?
                    .to_owned()
            }
        };
        *self.login.lock().await = Some(login.clone());
        Ok(login)
    }

    /// The id of the ITIL category called `name` (apirest.md "Get all items" on
    /// `ITILCategory` with `searchText[name]=^name$`, or `searchText[completename]` for a
    /// `Parent > Child` path), `None` when GLPI has none by that name. Looked up once per
    /// name for the life of the client (one sync pass).
    pub async fn itil_category_id(&self, name: &str) -> Result<Option<i64>> {
        let name = name.trim();
        if let Some(hit) = self.categories.lock().await.get(name) {
            return Ok(*hit);
        }
        let field = if name.contains('>') {
            "completename"
        } else {
            "name"
        };
        let q = vec![
            (format!("searchText[{field}]"), format!("^{name}$")),
            ("range".to_owned(), "0-0".to_owned()),
        ];
        let id = match self.call(Method::GET, "ITILCategory/", &q, None).await {
            Ok(answer) => {
                let rows: Vec<Value> = answer.json()?;
                rows.first().and_then(|r| r.get("id")).and_then(as_i64)
            }
            // apirest.md "Errors": an empty search past the end is ERROR_RANGE_EXCEED_TOTAL
            // on some versions; a profile without the right to read categories gets
            // ERROR_RIGHT_MISSING. Either way the category stays in the description.
            Err(GlpiError::Api { status, code, .. }) if status < 500 => {
                tracing::debug!(%code, category = name, "ITIL category not resolved");
                None
            }
            Err(e) => return Err(e),
        };
        self.categories.lock().await.insert(name.to_owned(), id);
        Ok(id)
    }

    /// apirest.md "Get an item": a ticket's title, status and `date_mod`.
    pub async fn ticket(&self, id: i64) -> Result<RemoteTicket> {
        let answer = self
            .call(Method::GET, &format!("Ticket/{id}"), &[], None)
            .await?;
        ticket_from(&answer.json()?)
    }

    /// Tickets modified after `since` (apirest.md "Search items" on search option 19, last
    /// update, `morethan`), oldest first; all tickets without a cursor.
    pub async fn tickets_changed_since(
        &self,
        since: Option<NaiveDateTime>,
    ) -> Result<Vec<RemoteTicket>> {
        let mut q: Vec<(String, String)> = vec![
            ("forcedisplay[0]".into(), "2".into()),
            ("forcedisplay[1]".into(), "1".into()),
            ("forcedisplay[2]".into(), "12".into()),
            ("forcedisplay[3]".into(), "19".into()),
        ];
        if let Some(since) = since {
            q.push(("criteria[0][field]".into(), "19".into()));
            q.push(("criteria[0][searchtype]".into(), "morethan".into()));
            q.push((
                "criteria[0][value]".into(),
                since.format("%Y-%m-%d %H:%M:%S").to_string(),
            ));
        }
        let mut out = Vec::new();
        let mut start = 0usize;
        loop {
            let mut page_q = q.clone();
            page_q.push(("range".into(), format!("{}-{}", start, start + PAGE - 1)));
            let answer = match self.call(Method::GET, "search/Ticket", &page_q, None).await {
                Err(GlpiError::Api { code, .. })
                    if code == "ERROR_RANGE_EXCEED_TOTAL" && start > 0 =>
                {
                    break
                }
                other => other?,
            };
            let v: Value = answer.json()?;
            let rows = v
                .get("data")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let n = rows.len();
            for r in rows {
                let id = r
                    .get("2")
                    .and_then(as_i64)
                    .ok_or_else(|| GlpiError::Malformed("search row without id".into()))?;
                let status = r
                    .get("12")
                    .and_then(as_i64)
                    .and_then(TicketStatus::from_glpi);
                let date_mod = r
                    .get("19")
                    .and_then(Value::as_str)
                    .and_then(parse_glpi_time);
                match (status, date_mod) {
                    (Some(status), Some(date_mod)) => out.push(RemoteTicket {
                        id,
                        title: r.get("1").and_then(Value::as_str).unwrap_or("").to_owned(),
                        status,
                        date_mod,
                    }),
                    _ => out.push(self.ticket(id).await?),
                }
            }
            let total = v.get("totalcount").and_then(as_i64).unwrap_or(0) as usize;
            if answer.status != 206 || n == 0 || out.len() >= total {
                break;
            }
            start += n;
        }
        out.sort_by_key(|t| (t.date_mod, t.id));
        Ok(out)
    }

    async fn followups_raw(&self, ticket: i64) -> Result<Vec<Value>> {
        self.get_all(&format!("Ticket/{ticket}/ITILFollowup"), &[])
            .await
    }

    /// apirest.md "Get sub items" `Ticket/:id/ITILFollowup`, keeping only public follow-ups:
    /// private ones are technicians' notes and must never reach the requester.
    pub async fn public_followups(&self, ticket: i64) -> Result<Vec<RemoteFollowup>> {
        let rows = self.followups_raw(ticket).await?;
        Ok(rows
            .iter()
            .filter(|r| !is_private(r))
            .filter_map(followup_from)
            .collect())
    }

    /// Adds a public follow-up unless one carrying the draft's marker exists already.
    pub async fn add_followup(&self, ticket: i64, draft: &FollowupDraft) -> Result<i64> {
        let marker = followup_marker(draft.uuid);
        for r in self.followups_raw(ticket).await? {
            if r.get("content")
                .and_then(Value::as_str)
                .is_some_and(|c| c.contains(&marker))
            {
                if let Some(id) = r.get("id").and_then(as_i64) {
                    return Ok(id);
                }
            }
        }
        let body = json!({"input": {
            "itemtype": "Ticket",
            "items_id": ticket,
            "content": with_marker(&draft.content, draft.uuid),
            "is_private": 0,
        }});
        let answer = self
            .call(Method::POST, "ITILFollowup/", &[], Some(Body::Json(body)))
            .await?;
        let v: Value = answer.json()?;
        v.get("id")
            .and_then(as_i64)
            .ok_or_else(|| GlpiError::Malformed("Add item answer without id".into()))
    }

    /// apirest.md "Get sub items" `Ticket/:id/ITILSolution`.
    pub async fn solutions(&self, ticket: i64) -> Result<Vec<RemoteSolution>> {
        let rows = self
            .get_all(&format!("Ticket/{ticket}/ITILSolution"), &[])
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(RemoteSolution {
                    id: r.get("id").and_then(as_i64)?,
                    content: r
                        .get("content")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    date: r
                        .get("date_creation")
                        .and_then(Value::as_str)
                        .and_then(parse_glpi_time)?,
                })
            })
            .collect())
    }

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

    /// File names of the documents linked to a ticket (apirest.md "Get sub items"
    /// `Ticket/:id/Document_Item`, then "Get an item" on each Document), so attachments are
    /// not uploaded twice.
    pub async fn document_names(&self, ticket: i64) -> Result<Vec<String>> {
        let docs = self
            .linked_documents(&format!("Ticket/{ticket}/Document_Item"))
            .await?;
        Ok(docs
            .into_iter()
            .filter_map(|(_, v)| v.get("filename").and_then(Value::as_str).map(str::to_owned))
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
                Capped::Answer(a) => a,
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

    /// The whole visible knowledge base: KnowbaseItem, KnowbaseItemCategory and their link
    /// table KnowbaseItem_KnowbaseItemCategory (apirest.md "Get all items" on each).
    pub async fn kb_snapshot(&self) -> Result<KbSnapshot> {
        let items = self.get_all("KnowbaseItem/", &[]).await?;
        let cats = self.get_all("KnowbaseItemCategory/", &[]).await?;
        let links = self
            .get_all("KnowbaseItem_KnowbaseItemCategory/", &[])
            .await?;
        let mut by_article: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for l in &links {
            if let (Some(a), Some(c)) = (
                l.get("knowbaseitems_id").and_then(as_i64),
                l.get("knowbaseitemcategories_id").and_then(as_i64),
            ) {
                by_article.entry(a).or_default().push(c);
            }
        }
        let mut snap = KbSnapshot::default();
        for c in &cats {
            let Some(id) = c.get("id").and_then(as_i64) else {
                continue;
            };
            let name = c
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let path = c
                .get("completename")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .unwrap_or(&name)
                .to_owned();
            snap.categories.insert(id, KbCategory { id, name, path });
        }
        for i in &items {
            let Some(id) = i.get("id").and_then(as_i64) else {
                continue;
            };
            let Some(date_mod) = i
                .get("date_mod")
                .and_then(Value::as_str)
                .and_then(parse_glpi_time)
            else {
                return Err(GlpiError::Malformed(format!(
                    "KnowbaseItem {id} without date_mod"
                )));
            };
            let mut categories = by_article.remove(&id).unwrap_or_default();
            categories.sort_unstable();
            snap.articles.insert(
                id,
                KbArticle {
                    id,
                    title: i
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    content_html: i
                        .get("answer")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    categories,
                    date_mod,
                },
            );
        }
        Ok(snap)
    }
}

/// A request body; multipart forms are rebuilt for the retry after a session renewal.
enum Body {
    Json(Value),
    Multipart(MultipartBuilder),
}

type MultipartBuilder = Box<dyn Fn() -> Result<reqwest::multipart::Form> + Send + Sync>;

/// apirest.md "Get all items": `Content-Range: start-end/total`.
fn content_range_total(answer: &Answer) -> Option<usize> {
    answer
        .header("Content-Range")
        .and_then(|v| v.rsplit('/').next())
        .and_then(|t| t.trim().parse().ok())
}

/// GLPI sends ids and flags as numbers, sometimes as strings.
pub(crate) fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

fn is_private(r: &Value) -> bool {
    // Unknown or absent flag counts as private: better to hide a public note than leak a
    // private one.
    match r.get("is_private") {
        Some(Value::Bool(b)) => *b,
        Some(v) => as_i64(v) != Some(0),
        None => true,
    }
}

fn followup_from(r: &Value) -> Option<RemoteFollowup> {
    let raw = r.get("content").and_then(Value::as_str).unwrap_or("");
    Some(RemoteFollowup {
        id: r.get("id").and_then(as_i64)?,
        content: strip_marker(raw),
        client_uuid: marker_uuid(raw),
        author: r.get("users_id").and_then(as_i64).unwrap_or(0),
        author_name: None,
        date: r
            .get("date")
            .or_else(|| r.get("date_creation"))
            .and_then(Value::as_str)
            .and_then(parse_glpi_time)?,
    })
}

fn ticket_from(v: &Value) -> Result<RemoteTicket> {
    let bad = |what: &str| GlpiError::Malformed(format!("ticket without {what}"));
    Ok(RemoteTicket {
        id: v.get("id").and_then(as_i64).ok_or_else(|| bad("id"))?,
        title: v
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        status: v
            .get("status")
            .and_then(as_i64)
            .and_then(TicketStatus::from_glpi)
            .ok_or_else(|| bad("status"))?,
        date_mod: v
            .get("date_mod")
            .and_then(Value::as_str)
            .and_then(parse_glpi_time)
            .ok_or_else(|| bad("date_mod"))?,
    })
}
