//! Client of GLPI's legacy REST API, `apirest.php` (GLPI 9.1 to 11; the documentation is
//! `apirest.md` in the glpi repository, whose section names the comments below use).
//!
//! One session is opened lazily with `initSession` and reused; when GLPI answers
//! `ERROR_SESSION_TOKEN_INVALID` (expired session) the call is retried once with a new session.
//!
//! This module holds the session and the calls; the resources are in `tickets` (tickets,
//! follow-ups, solutions, ITIL categories), `documents` (uploads and downloads) and `kb` (the
//! knowledge base).

mod documents;
pub(crate) mod kb;
pub(crate) mod tickets;

use crate::error::{GlpiError, Result};
use crate::transport::{check, join, send, Answer, Flavor, Secret};
use guichet_sync::http::Paging;
use reqwest::Method;
use serde_json::Value;
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
    /// Who is connected, once known.
    login: Mutex<Option<SessionUser>>,
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
    /// or a short page, and no further than `guichet_sync::http`'s page limits.
    async fn get_all(&self, path: &str, extra: &[(String, String)]) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        let mut start = 0usize;
        let mut paging = Paging::default();
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
            paging.page(&answer.url, answer.body.len())?;
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

    /// The connected user's login: `glpiname` of apirest.md "Get full session". GLPI makes
    /// this user the requester of the tickets it creates.
    pub async fn login(&self) -> Result<String> {
        Ok(self.session_user().await?.login)
    }

    /// The connected user's id (`glpiID`), made the requester of the tickets it creates.
    pub async fn user_id(&self) -> Result<i64> {
        Ok(self.session_user().await?.id)
    }

    /// Whether the connected account's active profile uses GLPI's simplified interface
    /// (`helpdesk`, e.g. the Self-Service profile), which reads the FAQ and its own tickets.
    pub async fn is_helpdesk(&self) -> Result<bool> {
        Ok(self.session_user().await?.helpdesk)
    }

    /// Who is connected, read once per client from "Get full session".
    async fn session_user(&self) -> Result<SessionUser> {
        if let Some(known) = self.login.lock().await.clone() {
            return Ok(known);
        }
        let answer = self.call(Method::GET, "getFullSession", &[], None).await?;
        let v: Value = answer.json()?;
        let basic_login = match &self.config.auth {
            V1Auth::Basic { login, .. } => Some(login.as_str()),
            V1Auth::UserToken(_) => None,
        };
        let known = session_user_from(&v, basic_login)?;
        *self.login.lock().await = Some(known.clone());
        Ok(known)
    }
}

/// Who is connected, from a "Get full session" answer; the login is the one given for basic
/// authentication, else the session's `glpiname`.
pub(crate) fn session_user_from(v: &Value, basic_login: Option<&str>) -> Result<SessionUser> {
    let login = match basic_login {
        Some(login) => login.to_owned(),
        None => v
            .pointer("/session/glpiname")
            .and_then(Value::as_str)
            .ok_or_else(|| GlpiError::Malformed("getFullSession without glpiname".into()))?
            .to_owned(),
    };
    let helpdesk = v
        .pointer("/session/glpiactiveprofile/interface")
        .and_then(Value::as_str)
        == Some("helpdesk");
    let id = v
        .pointer("/session/glpiID")
        .and_then(as_i64)
        .ok_or_else(|| GlpiError::Malformed("getFullSession without glpiID".into()))?;
    Ok(SessionUser {
        login,
        id,
        helpdesk,
    })
}

/// The connected account, as "Get full session" describes it.
#[derive(Debug, Clone)]
pub(crate) struct SessionUser {
    login: String,
    id: i64,
    /// Its active profile uses the simplified (`helpdesk`) interface.
    helpdesk: bool,
}

/// A request body; multipart forms are rebuilt for the retry after a session renewal.
enum Body {
    Json(Value),
    Multipart(MultipartBuilder),
}

type MultipartBuilder = Box<dyn Fn() -> Result<reqwest::multipart::Form> + Send + Sync>;

/// apirest.md "Get all items": `Content-Range: start-end/total`.
pub(crate) fn content_range_total(answer: &Answer) -> Option<usize> {
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
