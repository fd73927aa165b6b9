//! HTTP plumbing shared by the clients: building the reqwest client with timeouts, sending, and
//! turning transport failures and HTTP statuses into [`GlpiError`]s. Answers are read within
//! `guichet_sync::http`'s limits, the same as every connector's; redirects stay on the
//! server's origin.

use crate::error::{GlpiError, Result};
use guichet_sync::http;
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::fmt;
use std::time::Duration;

/// A secret (token, password) that never shows in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Timeouts of the HTTP client.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Whole-request timeout.
    pub request: Duration,
    /// TCP/TLS connection timeout.
    pub connect: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            request: Duration::from_secs(30),
            connect: Duration::from_secs(10),
        }
    }
}

/// Builds the reqwest client (rustls, native roots, redirects on the same origin only: see
/// [`guichet_sync::http::redirect_policy`]).
pub fn http_client(timeouts: Timeouts) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(http::redirect_policy())
        .timeout(timeouts.request)
        .connect_timeout(timeouts.connect)
        .user_agent(concat!("Guichet/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| GlpiError::Config(e.to_string()))
}

/// A received answer.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Where it came from (after same-origin redirects), for errors that name the server.
    pub url: reqwest::Url,
}

impl Answer {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON. What is not JSON is described as what it is: GLPI answers a PHP
    /// fatal error (an SQL error, a missing column) with a 200 and an empty body, its cause in
    /// the server's `files/_log/php-errors.log`, or with an HTML error page.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| {
            let text = String::from_utf8_lossy(&self.body);
            let text = text.trim();
            GlpiError::Malformed(if text.is_empty() {
                format!(
                    "GLPI answered {} with an empty body, which it does when PHP fails on the \
                     server: its cause is in GLPI's files/_log/php-errors.log",
                    self.status
                )
            } else if text.starts_with('<') {
                let start: String = text.chars().take(120).collect();
                format!(
                    "GLPI answered {} with HTML instead of JSON (an error page?): {start}",
                    self.status
                )
            } else {
                format!(
                    "GLPI's answer ({}) is not the JSON expected: {e}",
                    self.status
                )
            })
        })
    }
}

/// Sends a request and reads the whole body, up to [`http::ANSWER_LIMIT`] (past it,
/// [`GlpiError::OverLimit`]); transport failures become `Timeout`/`Network`.
pub async fn send(req: reqwest::RequestBuilder) -> Result<Answer> {
    let resp = req.send().await.map_err(transport_error)?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let url = resp.url().clone();
    let body = http::read_capped(resp, http::ANSWER_LIMIT)
        .await
        .map_err(|e| match e {
            http::ReadError::Transport(e) => transport_error(e),
            http::ReadError::OverLimit(o) => GlpiError::OverLimit(o),
        })?;
    Ok(Answer {
        status,
        headers,
        body,
        url,
    })
}

/// What [`send_capped`] got.
#[derive(Debug)]
pub enum Capped {
    /// The whole answer (boxed: it is large, and the other case is a number).
    Answer(Box<Answer>),
    /// A successful answer whose body is over the limit, left unread; its size as announced
    /// (`Content-Length`) or as far as it was read.
    TooLarge(u64),
}

/// Like [`send`], but a successful answer announced or found larger than `limit` bytes is not
/// read further (a file too big to keep is never downloaded whole). An error answer is read
/// within [`http::ANSWER_LIMIT`] like any other.
pub async fn send_capped(req: reqwest::RequestBuilder, limit: u64) -> Result<Capped> {
    let mut resp = req.send().await.map_err(transport_error)?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let url = resp.url().clone();
    let ok = (200..300).contains(&status);
    let body = match http::read_body(&mut resp, if ok { limit } else { http::ANSWER_LIMIT })
        .await
        .map_err(transport_error)?
    {
        http::Body::Whole(body) => body,
        http::Body::Over(n) if ok => return Ok(Capped::TooLarge(n)),
        http::Body::Over(_) => {
            return Err(GlpiError::OverLimit(http::OverLimit::at(
                &url,
                http::Limit::Body(http::ANSWER_LIMIT),
            )))
        }
    };
    Ok(Capped::Answer(Box::new(Answer {
        status,
        headers,
        body,
        url,
    })))
}

fn transport_error(e: reqwest::Error) -> GlpiError {
    if e.is_redirect() {
        // A cross-origin redirect refused by the policy: the address to configure changed.
        let mut msg = e.to_string();
        if let Some(s) = std::error::Error::source(&e) {
            msg = format!("{msg}: {s}");
        }
        return GlpiError::Config(msg);
    }
    if e.is_timeout() {
        GlpiError::Timeout
    } else {
        // Keep the whole chain: "connection closed before message completed" is in a source.
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            src = s.source();
        }
        GlpiError::Network(msg)
    }
}

/// Which error body format to expect.
#[derive(Debug, Clone, Copy)]
pub enum Flavor {
    /// `["ERROR_CODE", "message"]` (apirest.md "Errors").
    V1,
    /// `{"status", "title"}` (high-level API) or `{"error", "error_description"}` (OAuth).
    V2,
}

/// Turns a non-2xx answer into an error: 429 → `RateLimited` (with `Retry-After` seconds), a
/// documented GLPI error body → `Api`, other 5xx → `Server`.
pub fn check(answer: Answer, flavor: Flavor) -> Result<Answer> {
    if (200..300).contains(&answer.status) {
        return Ok(answer);
    }
    if answer.status == 429 {
        let retry_after = answer
            .header("Retry-After")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        return Err(GlpiError::RateLimited { retry_after });
    }
    if let Some((code, detail)) = parse_error_body(&answer.body, flavor) {
        return Err(GlpiError::Api {
            status: answer.status,
            code,
            detail,
        });
    }
    if answer.status >= 500 {
        return Err(GlpiError::Server {
            status: answer.status,
        });
    }
    Err(GlpiError::Api {
        status: answer.status,
        code: format!("HTTP_{}", answer.status),
        detail: String::from_utf8_lossy(&answer.body)
            .chars()
            .take(200)
            .collect(),
    })
}

fn parse_error_body(body: &[u8], flavor: Flavor) -> Option<(String, String)> {
    let v: Value = serde_json::from_slice(body).ok()?;
    match flavor {
        Flavor::V1 => {
            let arr = v.as_array()?;
            let code = arr.first()?.as_str()?.to_owned();
            let detail = arr.get(1).and_then(Value::as_str).unwrap_or("").to_owned();
            Some((code, detail))
        }
        Flavor::V2 => {
            if let Some(code) = v.get("error").and_then(Value::as_str) {
                let detail = v
                    .get("error_description")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                return Some((code.to_owned(), detail));
            }
            let code = v.get("status").and_then(Value::as_str)?.to_owned();
            let detail = v
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            Some((code, detail))
        }
    }
}

/// Joins the GLPI root URL and a path, tolerating a trailing slash on the root.
pub fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
mod answer_tests {
    use super::*;

    fn answer(body: &str) -> Answer {
        Answer {
            status: 200,
            headers: reqwest::header::HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            url: reqwest::Url::parse("http://127.0.0.1/").unwrap(),
        }
    }

    #[test]
    fn an_empty_200_is_reported_as_a_php_failure_not_a_parse_error() {
        // GLPI 10.0.10 on `searchText[externalid]`: HTTP 200, 0 bytes, a fatal error logged.
        let err = answer("").json::<serde_json::Value>().unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("empty body") && text.contains("php-errors.log"),
            "{text}"
        );
        assert!(!text.contains("EOF while parsing"), "{text}");
        let err = answer("<html><body>Fatal</body></html>")
            .json::<serde_json::Value>()
            .unwrap_err();
        assert!(err.to_string().contains("HTML instead of JSON"), "{err}");
    }
}
