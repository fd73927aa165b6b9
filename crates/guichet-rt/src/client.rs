//! The REST2 conversation: credentials on every request (an auth token or a password),
//! answers turned into JSON or into classified [`ConnectorError`]s, collections read page by
//! page (at most [`http::PAGE_LIMIT`] of them), every answer read within a size limit (see
//! `guichet_sync::http`), and the ids of created objects.

use chrono::Utc;
use guichet_sync::{http, ConnectorError};
use reqwest::header::{HeaderMap, AUTHORIZATION, LOCATION};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::Value;

use crate::wire::items;
use crate::RtConnector;

/// Page size of collection reads (RT's maximum).
const PER_PAGE: usize = 100;

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

/// RT reports some refusals in the message list of a 2xx answer.
fn denied_in(body: &Value) -> Option<String> {
    body.as_array()?
        .iter()
        .filter_map(Value::as_str)
        .find(|m| m.contains("Permission Denied"))
        .map(str::to_string)
}

/// A 2xx answer that carries a refusal, as the permanent error it is.
pub(crate) fn refusal_in(body: &Value) -> Result<(), ConnectorError> {
    match denied_in(body) {
        Some(denied) => Err(ConnectorError::Permanent {
            status: 403,
            message: denied,
        }),
        None => Ok(()),
    }
}

/// The message of a refused request: RT's JSON `message`, else a short plain-text body, else
/// the status's reason.
pub(crate) fn refusal_message(status: StatusCode, body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            if text.is_empty() || text.len() > 300 {
                status.canonical_reason().unwrap_or("error").to_string()
            } else {
                text.to_string()
            }
        })
}

impl RtConnector {
    /// `req` with the connector's credentials.
    pub(crate) fn authorize(&self, req: RequestBuilder) -> RequestBuilder {
        if is_token(&self.secret) {
            req.header(AUTHORIZATION, format!("token {}", self.secret))
        } else {
            req.basic_auth(&self.cfg.user, Some(&self.secret))
        }
    }

    /// A request to `path` under the REST2 base, with credentials.
    pub(crate) fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.authorize(self.client.request(method, format!("{}{path}", self.api)))
    }

    /// Sends a request; a non-2xx answer becomes a classified error carrying RT's message.
    /// The answer is read up to [`http::ANSWER_LIMIT`].
    pub(crate) async fn send(
        &self,
        req: RequestBuilder,
    ) -> Result<(HeaderMap, Value), ConnectorError> {
        self.send_within(req, http::ANSWER_LIMIT).await
    }

    /// [`RtConnector::send`] with an answer of up to `limit` bytes (an attachment's content).
    pub(crate) async fn send_within(
        &self,
        req: RequestBuilder,
        limit: u64,
    ) -> Result<(HeaderMap, Value), ConnectorError> {
        let (headers, value, _) = self.exchange(req, limit).await?;
        Ok((headers, value))
    }

    /// Sends, reads the answer up to `limit` bytes and classifies it; also the answer's size.
    async fn exchange(
        &self,
        req: RequestBuilder,
        limit: u64,
    ) -> Result<(HeaderMap, Value, usize), ConnectorError> {
        let resp = req.send().await.map_err(|e| http::transport_error(&e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = http::read_capped(resp, limit)
            .await
            .map_err(http::read_error)?;
        if !status.is_success() {
            let message = refusal_message(status, &body);
            // The clock is read here, at the I/O edge, only to turn an HTTP-date Retry-After
            // into a delay.
            return Err(http::status_error(status, &headers, message, Utc::now()));
        }
        if status == StatusCode::NO_CONTENT || body.is_empty() {
            return Ok((headers, Value::Null, 0));
        }
        let value = serde_json::from_slice(&body)
            .map_err(|e| ConnectorError::Malformed(format!("{e} (HTTP {status})")))?;
        Ok((headers, value, body.len()))
    }

    /// Reads every page of a collection; a server that never stops paging meets
    /// [`http::PAGE_LIMIT`] (an error, not a silently shortened list).
    pub(crate) async fn collection(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<Vec<Value>, ConnectorError> {
        let mut out = Vec::new();
        let mut paging = http::Paging::default();
        let at = reqwest::Url::parse(&self.api)
            .map_err(|e| ConnectorError::Malformed(format!("RT address {}: {e}", self.api)))?;
        for page in 1.. {
            let mut q: Vec<(&str, String)> = params.to_vec();
            q.push(("per_page", PER_PAGE.to_string()));
            q.push(("page", page.to_string()));
            let (_, v, bytes) = self
                .exchange(
                    self.request(method.clone(), path).query(&q),
                    http::ANSWER_LIMIT,
                )
                .await?;
            paging.page(&at, bytes)?;
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
    pub(crate) fn created_id(headers: &HeaderMap, what: &str) -> Result<String, ConnectorError> {
        headers
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(|l| l.rsplit('/').next())
            .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_string)
            .ok_or_else(|| ConnectorError::Malformed(format!("no {what} id in the answer")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_and_passwords_are_told_apart() {
        assert!(is_token("1-14-0123456789abcdef0123456789abcdef"));
        assert!(!is_token("guichet-pass"));
        assert!(!is_token("1-14-short"));
    }

    #[test]
    fn permission_denied_in_a_200_is_found() {
        let v = json!(["Ticket 1: Permission Denied"]);
        assert_eq!(
            denied_in(&v).as_deref(),
            Some("Ticket 1: Permission Denied")
        );
        assert_eq!(denied_in(&json!(["Correspondence added"])), None);
        assert!(matches!(
            refusal_in(&v),
            Err(ConnectorError::Permanent { status: 403, .. })
        ));
    }
}
