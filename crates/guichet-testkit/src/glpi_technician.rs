//! The people on GLPI's side of the service desk: a small client of GLPI's REST API v1
//! (`apirest.php`, login and password, the API client's App-Token) that tests use to answer a
//! ticket, solve it, write knowledge-base articles, and read what Guichet sent.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{GlpiServer, Result, TestkitError};

/// An API v1 session as one GLPI account.
#[derive(Debug, Clone)]
pub struct GlpiTechnician {
    http: reqwest::Client,
    api: String,
    app_token: String,
    session: String,
}

impl GlpiTechnician {
    /// Signs in as `login` on `server` (`initSession` with HTTP Basic credentials).
    pub async fn sign_in(server: &GlpiServer, login: &str, password: &str) -> Result<Self> {
        let http = reqwest::Client::new();
        let api = server.api_url().trim_end_matches('/').to_owned();
        let answer = http
            .get(format!("{api}/initSession"))
            .basic_auth(login, Some(password))
            .header("App-Token", server.app_token())
            .send()
            .await?;
        let status = answer.status();
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        let session = body
            .get("session_token")
            .and_then(Value::as_str)
            .ok_or_else(|| TestkitError::Rest {
                method: "GET".into(),
                path: "initSession".into(),
                status: status.as_u16(),
                body: body.to_string(),
            })?
            .to_owned();
        Ok(GlpiTechnician {
            http,
            api,
            app_token: server.app_token().to_owned(),
            session,
        })
    }

    /// Signs in as GLPI's default technician (`tech`).
    pub async fn tech(server: &GlpiServer) -> Result<Self> {
        Self::sign_in(server, GlpiServer::TECH, GlpiServer::TECH_PASSWORD).await
    }

    /// Signs in as the super-admin (`glpi`), who may write the knowledge base.
    pub async fn admin(server: &GlpiServer) -> Result<Self> {
        Self::sign_in(server, GlpiServer::ADMIN, GlpiServer::ADMIN_PASSWORD).await
    }

    /// Any API v1 call; the JSON answer, or [`TestkitError::Rest`] on a non-2xx status.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}/{path}", self.api))
            .header("App-Token", &self.app_token)
            .header("Session-Token", &self.session);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await?;
        let status = answer.status();
        let text = answer.text().await?;
        if !status.is_success() {
            return Err(TestkitError::Rest {
                method: method.to_string(),
                path: path.to_owned(),
                status: status.as_u16(),
                body: text,
            });
        }
        serde_json::from_str(&text)
            .map_err(|e| TestkitError::BadResponse(format!("{method} {path}: {e}: {text:?}")))
    }

    /// Creates an item (`POST itemtype` with `{"input": …}`); returns its id.
    pub async fn add(&self, itemtype: &str, input: Value) -> Result<i64> {
        let answer = self
            .call(Method::POST, itemtype, Some(json!({ "input": input })))
            .await?;
        answer
            .get("id")
            .and_then(Value::as_i64)
            .ok_or_else(|| TestkitError::BadResponse(format!("add {itemtype}: {answer}")))
    }

    /// Answers a ticket with a follow-up (HTML), public or private.
    pub async fn follow_up(&self, ticket: i64, html: &str, private: bool) -> Result<i64> {
        self.add(
            "ITILFollowup",
            json!({"itemtype": "Ticket", "items_id": ticket, "content": html,
                   "is_private": i32::from(private)}),
        )
        .await
    }

    /// Proposes a solution (HTML); GLPI then shows the ticket as solved.
    pub async fn solve(&self, ticket: i64, html: &str) -> Result<i64> {
        self.add(
            "ITILSolution",
            json!({"itemtype": "Ticket", "items_id": ticket, "content": html}),
        )
        .await
    }

    /// Writes a knowledge-base article visible to the whole root entity; `faq` puts it in the
    /// FAQ (what Self-Service users see). Returns its id.
    pub async fn publish_article(&self, title: &str, html: &str, faq: bool) -> Result<i64> {
        let id = self
            .add(
                "KnowbaseItem",
                json!({"name": title, "answer": html, "is_faq": i32::from(faq)}),
            )
            .await?;
        self.add(
            "Entity_KnowbaseItem",
            json!({"knowbaseitems_id": id, "entities_id": 0, "is_recursive": 1}),
        )
        .await?;
        Ok(id)
    }

    /// Uploads `bytes` as a Document named `filename` linked to knowledge-base article
    /// `article`, as an admin attaches a file to an article (apirest.md "Upload a document
    /// file": multipart `uploadManifest` and `filename[0]`). Returns the Document's id.
    pub async fn attach_to_article(
        &self,
        article: i64,
        filename: &str,
        bytes: Vec<u8>,
    ) -> Result<i64> {
        let manifest = json!({"input": {
            "name": filename, "_filename": [filename],
            "itemtype": "KnowbaseItem", "items_id": article,
        }});
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(filename.to_owned())
            .mime_str("application/octet-stream")?;
        let form = reqwest::multipart::Form::new()
            .text("uploadManifest", manifest.to_string())
            .part("filename[0]", part);
        let answer = self
            .http
            .post(format!("{}/Document", self.api))
            .header("App-Token", &self.app_token)
            .header("Session-Token", &self.session)
            .multipart(form)
            .send()
            .await?;
        let status = answer.status();
        let text = answer.text().await?;
        let id = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.get("id").and_then(Value::as_i64));
        match id {
            Some(id) if status.is_success() => Ok(id),
            _ => Err(TestkitError::Rest {
                method: "POST".into(),
                path: format!("Document (linked to KnowbaseItem {article})"),
                status: status.as_u16(),
                body: text,
            }),
        }
    }

    /// A ticket as API v1 shows it.
    pub async fn ticket(&self, id: i64) -> Result<Value> {
        self.call(Method::GET, &format!("Ticket/{id}"), None).await
    }

    /// A ticket's follow-ups as API v1 shows them.
    pub async fn follow_ups(&self, ticket: i64) -> Result<Vec<Value>> {
        let v = self
            .call(Method::GET, &format!("Ticket/{ticket}/ITILFollowup"), None)
            .await?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }
}
