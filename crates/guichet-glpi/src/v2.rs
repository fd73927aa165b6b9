//! Client of GLPI 11's high-level API, `/api.php/v2…` (documentation: `resources/api_doc.MD` in
//! the glpi repository and the server's own `/api.php/doc`).
//!
//! Authentication is OAuth2's password grant at `/api.php/token`; the Bearer token is kept and
//! renewed once when a call answers 401. The knowledge base endpoints exist from API 2.2
//! (`KnowbaseController`), hence the `v2.2` path prefix.

use crate::content::{marker_key, marker_uuid, to_text, with_marker};
use crate::error::{GlpiError, Result};
use crate::model::*;
use crate::transport::{check, join, send, send_capped, Answer, Capped, Flavor, Secret};
use crate::v1::as_i64;
use crate::v1::tickets::solution_from;
use chrono::NaiveDateTime;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::Mutex;

/// Configuration of [`RestClientV2`].
#[derive(Debug, Clone)]
pub struct V2Config {
    /// GLPI root URL.
    pub base_url: String,
    /// OAuth client id (Setup > OAuth clients).
    pub client_id: String,
    /// OAuth client secret.
    pub client_secret: Secret,
    /// GLPI login.
    pub username: String,
    /// GLPI password.
    pub password: Secret,
}

/// API version prefix used for all calls.
const VERSION: &str = "v2.2";
/// Page size (`limit`).
const PAGE: usize = 100;

/// High-level API client.
#[derive(Debug)]
pub struct RestClientV2 {
    http: reqwest::Client,
    config: V2Config,
    token: Mutex<Option<Secret>>,
    user_id: Mutex<Option<i64>>,
    files: Option<Box<crate::v1::RestClientV1>>,
}

impl RestClientV2 {
    /// A client; no request is made until the first call.
    pub fn new(http: reqwest::Client, config: V2Config) -> RestClientV2 {
        RestClientV2 {
            http,
            config,
            token: Mutex::new(None),
            user_id: Mutex::new(None),
            files: None,
        }
    }

    /// Sends and reads files through `v1`: the high-level API (2.2, GLPI 11.0) cannot upload
    /// a document (its routes take JSON only), so attachments go through the REST API v1 with
    /// the same account, GLPI keeping both on one server.
    pub fn with_files_client(mut self, v1: crate::v1::RestClientV1) -> RestClientV2 {
        self.files = Some(Box::new(v1));
        self
    }

    /// The REST API v1 client files go through, if any.
    pub fn files(&self) -> Option<&crate::v1::RestClientV1> {
        self.files.as_deref()
    }

    /// resources/api_doc.MD "Password Grant": POST `/api.php/token` (form-encoded, as OAuth2
    /// requires) and keep the access token.
    pub async fn authenticate(&self) -> Result<()> {
        let form = [
            ("grant_type", "password"),
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose()),
            ("username", self.config.username.as_str()),
            ("password", self.config.password.expose()),
            ("scope", "api"),
        ];
        let req = self
            .http
            .post(join(&self.config.base_url, "api.php/token"))
            .form(&form);
        let answer = check(send(req).await?, Flavor::V2)?;
        let v: Value = answer.json()?;
        let token = v
            .get("access_token")
            .and_then(Value::as_str)
            .ok_or_else(|| GlpiError::Malformed("token answer without access_token".into()))?;
        *self.token.lock().await = Some(Secret::new(token));
        Ok(())
    }

    /// Gets a token unless one is held.
    pub async fn ensure_token(&self) -> Result<()> {
        self.bearer().await.map(|_| ())
    }

    async fn bearer(&self) -> Result<Secret> {
        if let Some(t) = self.token.lock().await.clone() {
            return Ok(t);
        }
        self.authenticate().await?;
        self.token
            .lock()
            .await
            .clone()
            .ok_or_else(|| GlpiError::Malformed("no token after authentication".into()))
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<Answer> {
        let url = join(
            &self.config.base_url,
            &format!("api.php/{VERSION}/{}", path.trim_start_matches('/')),
        );
        for attempt in 0..2 {
            let token = self.bearer().await?;
            let mut req = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(token.expose())
                .query(query);
            if let Some(b) = body {
                req = req.json(b);
            }
            let answer = send(req).await?;
            if answer.status == 401 && attempt == 0 {
                tracing::debug!("GLPI access token refused, authenticating again");
                *self.token.lock().await = None;
                continue;
            }
            return check(answer, Flavor::V2);
        }
        Err(GlpiError::Api {
            status: 401,
            code: "ERROR_SESSION_TOKEN_INVALID".into(),
            detail: "authentication renewal failed".into(),
        })
    }

    /// A collection with `start`/`limit` paging, following `Content-Range` totals, no further
    /// than `guichet_sync::http`'s page limits.
    async fn get_all(&self, path: &str, filter: Option<String>) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        let mut paging = guichet_sync::http::Paging::default();
        loop {
            let mut q = vec![
                ("start".to_owned(), out.len().to_string()),
                ("limit".to_owned(), PAGE.to_string()),
            ];
            if let Some(f) = &filter {
                q.push(("filter".into(), f.clone()));
            }
            let answer = self.call(Method::GET, path, &q, None).await?;
            paging.page(&answer.url, answer.body.len())?;
            let page: Vec<Value> = answer.json()?;
            let n = page.len();
            out.extend(page);
            let total = answer
                .header("Content-Range")
                .and_then(|v| v.rsplit('/').next())
                .and_then(|t| t.trim().parse::<usize>().ok());
            if n == 0 || answer.status != 206 || total.is_some_and(|t| out.len() >= t) {
                break;
            }
        }
        Ok(out)
    }

    /// Finds the ticket whose content carries the draft's marker (RSQL `=like=`).
    pub async fn find_ticket(&self, uuid: uuid::Uuid) -> Result<Option<i64>> {
        let filter = format!("content=like=*{}*", marker_key(uuid));
        let rows = self.get_all("Assistance/Ticket", Some(filter)).await?;
        Ok(rows.first().and_then(|r| r.get("id")).and_then(as_i64))
    }

    /// Creates the ticket unless one carrying its marker exists (check before create).
    pub async fn ensure_ticket(&self, draft: &TicketDraft) -> Result<TicketRef> {
        if let Some(id) = self.find_ticket(draft.uuid).await? {
            // An earlier attempt may have stopped between the creation and the requester.
            if !self.is_requester(id).await? {
                self.add_requester(id).await?;
            }
            return Ok(TicketRef { id, created: false });
        }
        // The Ticket schema of the high-level API (`/api.php/doc`) has `type` and `urgency` as
        // integers; the ITIL category is resolved with API v1 only (see `RestClient`), so the
        // connector keeps its name in the description with v2.
        let mut body = json!({
            "name": draft.title,
            "content": with_marker(&draft.content, draft.uuid),
            "type": draft.kind.as_glpi(),
            "urgency": draft.urgency,
        });
        if let Some(cat) = draft.itilcategories_id {
            body["category"] = json!(cat);
        }
        let answer = self
            .call(Method::POST, "Assistance/Ticket", &[], Some(&body))
            .await?;
        let v: Value = answer.json()?;
        let id = v
            .get("id")
            .and_then(as_i64)
            .ok_or_else(|| GlpiError::Malformed("creation answer without id".into()))?;
        self.add_requester(id).await?;
        Ok(TicketRef { id, created: true })
    }

    /// The connected user's id (`GET /Session`, `user_id`), read once.
    async fn user_id(&self) -> Result<i64> {
        if let Some(id) = *self.user_id.lock().await {
            return Ok(id);
        }
        let answer = self.call(Method::GET, "Session", &[], None).await?;
        let v: Value = answer.json()?;
        let id = v
            .get("user_id")
            .and_then(as_i64)
            .ok_or_else(|| GlpiError::Malformed("session without user_id".into()))?;
        *self.user_id.lock().await = Some(id);
        Ok(id)
    }

    /// Makes the connected user the ticket's requester: GLPI 11 records none for a ticket
    /// created through the high-level API (observed on 11.0.6, `team` in the creation body
    /// ignored), and adds one with `POST …/TeamMember`.
    async fn add_requester(&self, ticket: i64) -> Result<()> {
        let body = json!({"type": "User", "id": self.user_id().await?, "role": "requester"});
        self.call(
            Method::POST,
            &format!("Assistance/Ticket/{ticket}/TeamMember"),
            &[],
            Some(&body),
        )
        .await?;
        Ok(())
    }

    /// Whether the connected user is among the ticket's requesters.
    async fn is_requester(&self, ticket: i64) -> Result<bool> {
        let me = self.user_id().await?;
        let answer = self
            .call(
                Method::GET,
                &format!("Assistance/Ticket/{ticket}/TeamMember/requester"),
                &[],
                None,
            )
            .await?;
        let v: Value = answer.json()?;
        Ok(v.as_array().into_iter().flatten().any(|m| {
            m.get("type").and_then(Value::as_str) == Some("User")
                && m.get("id").and_then(as_i64) == Some(me)
        }))
    }

    /// The connected user's login (the password grant's user, whom GLPI makes the requester).
    pub fn login(&self) -> &str {
        &self.config.username
    }

    /// One ticket.
    pub async fn ticket(&self, id: i64) -> Result<RemoteTicket> {
        let answer = self
            .call(Method::GET, &format!("Assistance/Ticket/{id}"), &[], None)
            .await?;
        ticket_from(&answer.json()?)
    }

    /// Tickets modified after `since` (RSQL `date_mod=gt=`), oldest first.
    pub async fn tickets_changed_since(
        &self,
        since: Option<NaiveDateTime>,
    ) -> Result<Vec<RemoteTicket>> {
        let filter = since.map(|s| {
            // MariaDB compares with `YYYY-MM-DD HH:MM:SS`; an RFC 3339 instant (`…T…Z`) makes it
            // warn "1292 Truncated incorrect datetime value" at each pass.
            format!("date_mod=gt={}", s.format("%Y-%m-%d %H:%M:%S"))
        });
        let rows = self.get_all("Assistance/Ticket", filter).await?;
        let mut out = rows.iter().map(ticket_from).collect::<Result<Vec<_>>>()?;
        out.sort_by_key(|t| (t.date_mod, t.id));
        Ok(out)
    }

    /// A timeline list: GLPI 11 wraps each entry as `{"type": "Followup", "item": {…}}`.
    async fn timeline(&self, ticket: i64, kind: &str) -> Result<Vec<Value>> {
        let rows = self
            .get_all(&format!("Assistance/Ticket/{ticket}/Timeline/{kind}"), None)
            .await?;
        Ok(rows.into_iter().map(timeline_item).collect())
    }

    async fn followups_raw(&self, ticket: i64) -> Result<Vec<Value>> {
        self.timeline(ticket, "Followup").await
    }

    /// Public follow-ups of a ticket (private ones are dropped here, whatever the server sends).
    pub async fn public_followups(&self, ticket: i64) -> Result<Vec<RemoteFollowup>> {
        let rows = self.followups_raw(ticket).await?;
        Ok(rows.iter().filter_map(public_followup).collect())
    }

    /// Adds a public follow-up unless one carrying the draft's marker exists.
    pub async fn add_followup(&self, ticket: i64, draft: &FollowupDraft) -> Result<i64> {
        let marker = marker_key(draft.uuid);
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
        let body = json!({"content": with_marker(&draft.content, draft.uuid), "is_private": false});
        let answer = self
            .call(
                Method::POST,
                &format!("Assistance/Ticket/{ticket}/Timeline/Followup"),
                &[],
                Some(&body),
            )
            .await?;
        let v: Value = answer.json()?;
        v.get("id")
            .and_then(as_i64)
            .ok_or_else(|| GlpiError::Malformed("creation answer without id".into()))
    }

    /// Solutions of a ticket.
    pub async fn solutions(&self, ticket: i64) -> Result<Vec<RemoteSolution>> {
        let rows = self.timeline(ticket, "Solution").await?;
        Ok(rows.iter().filter_map(solution_from).collect())
    }

    /// The visible knowledge base (`/Knowledgebase/Article` and `/Knowledgebase/Category`),
    /// with the action files linked to its articles listed through the REST API v1 (API 2.2
    /// has no route to an article's documents); none without the v1 client.
    pub async fn kb_snapshot(&self) -> Result<KbSnapshot> {
        let cats = self.get_all("Knowledgebase/Category", None).await?;
        let articles = self.get_all("Knowledgebase/Article", None).await?;
        let mut snap = kb_from(&cats, &articles)?;
        if let Some(v1) = self.files() {
            let ids: Vec<i64> = snap.articles.keys().copied().collect();
            match v1.kb_actions(&ids).await {
                Ok(actions) => snap.actions = actions,
                // The API v1 is a side door here: a server whose v1 client wants an App-Token
                // this connection was not given (or refuses the account) still serves its
                // articles; only their action files cannot be listed.
                Err(e) if e.is_auth() || e.is_forbidden() => {
                    tracing::warn!(error = %e, "the REST API v1 refused this account: knowledge-base action files not listed");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(snap)
    }

    /// `GET /Management/Document/{id}/Download` (API 2.0), a file over `limit` bytes not read.
    /// GLPI 11 lets whoever may read a knowledge-base article download its documents here
    /// (`Document::canViewFile`), where the REST API v1 asks for the right to read Documents,
    /// which a Self-Service profile lacks (403, observed on 11.0.6).
    pub async fn download_document(&self, id: i64, limit: u64) -> Result<DocumentFile> {
        let url = join(
            &self.config.base_url,
            &format!("api.php/{VERSION}/Management/Document/{id}/Download"),
        );
        for attempt in 0..2 {
            let token = self.bearer().await?;
            let req = self.http.get(&url).bearer_auth(token.expose());
            let answer = match send_capped(req, limit).await? {
                Capped::TooLarge(n) => return Ok(DocumentFile::TooLarge(n)),
                Capped::Answer(a) => *a,
            };
            if answer.status == 401 && attempt == 0 {
                *self.token.lock().await = None;
                continue;
            }
            return check(answer, Flavor::V2).map(|a| DocumentFile::Bytes(a.body));
        }
        Err(GlpiError::Api {
            status: 401,
            code: "ERROR_SESSION_TOKEN_INVALID".into(),
            detail: "authentication renewal failed".into(),
        })
    }
}

/// A timeline entry: GLPI 11 wraps each as `{"type": "Followup", "item": {…}}`.
pub(crate) fn timeline_item(r: Value) -> Value {
    match r {
        Value::Object(mut o) if o.contains_key("item") => o.remove("item").unwrap_or(Value::Null),
        other => other,
    }
}

/// A follow-up row, `None` when it is not explicitly public or lacks an id or a date.
pub(crate) fn public_followup(r: &Value) -> Option<RemoteFollowup> {
    if r.get("is_private").and_then(Value::as_bool) != Some(false) {
        return None;
    }
    let raw = r.get("content").and_then(Value::as_str).unwrap_or("");
    Some(RemoteFollowup {
        id: r.get("id").and_then(as_i64)?,
        content: to_text(raw),
        client_uuid: marker_uuid(raw),
        author: r.pointer("/user/id").and_then(as_i64).unwrap_or(0),
        author_name: r
            .pointer("/user/name")
            .and_then(Value::as_str)
            .map(str::to_owned),
        date: r
            .get("date")
            .or_else(|| r.get("date_creation"))
            .and_then(Value::as_str)
            .and_then(parse_glpi_time)?,
    })
}

pub(crate) fn ticket_from(v: &Value) -> Result<RemoteTicket> {
    let bad = |what: &str| GlpiError::Malformed(format!("ticket without {what}"));
    // The HL API gives dropdowns as objects (`"status": {"id": 5, "name": "Solved"}`).
    let status = v
        .get("status")
        .and_then(|s| s.get("id").or(Some(s)))
        .and_then(as_i64)
        .and_then(TicketStatus::from_glpi)
        .ok_or_else(|| bad("status"))?;
    Ok(RemoteTicket {
        id: v.get("id").and_then(as_i64).ok_or_else(|| bad("id"))?,
        title: v
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        status,
        date_mod: v
            .get("date_mod")
            .and_then(Value::as_str)
            .and_then(parse_glpi_time)
            .ok_or_else(|| bad("date_mod"))?,
    })
}

/// The snapshot from the category and article lists of the high-level API.
pub(crate) fn kb_from(cats: &[Value], articles: &[Value]) -> Result<KbSnapshot> {
    let mut snap = KbSnapshot::default();
    for c in cats {
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
            .unwrap_or(&name)
            .to_owned();
        snap.categories.insert(id, KbCategory { id, name, path });
    }
    for a in articles {
        let Some(id) = a.get("id").and_then(as_i64) else {
            continue;
        };
        let date_mod = a
            .get("date_mod")
            .and_then(Value::as_str)
            .and_then(parse_glpi_time)
            .ok_or_else(|| GlpiError::Malformed(format!("article {id} without date_mod")))?;
        let mut categories: Vec<i64> = a
            .get("categories")
            .and_then(Value::as_array)
            .map(|cs| {
                cs.iter()
                    .filter_map(|c| c.get("id").and_then(as_i64))
                    .collect()
            })
            .unwrap_or_default();
        categories.sort_unstable();
        snap.articles.insert(
            id,
            KbArticle {
                id,
                title: a
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                content_html: a
                    .get("content")
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
