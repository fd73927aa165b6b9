//! The HTTP client connectors use, and how HTTP failures map to [`ConnectorError`].
//!
//! TLS is rustls with the operating system's root certificates plus, optionally, the
//! certificates of one extra PEM file: many organisations run their own PKI. Proxies come from
//! the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) unless one is set explicitly (the
//! desktop app's setting). Every request has a connect timeout and a total timeout, no
//! redirect leaves the server's origin (`origin`), and every answer is read within the limits
//! of `limits`.

mod limits;
mod origin;

pub use limits::{
    inflate_capped, read_body, read_capped, Body, Limit, OverLimit, Paging, ReadError,
    ANSWER_LIMIT, INFLATED_LIMIT, LIST_LIMIT, PAGE_LIMIT,
};
pub use origin::{check_transport, is_loopback, redirect_policy, CrossOrigin, TransportRefusal};

use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;

use crate::{ConnectorError, SyncError};

/// Connection settings shared by connectors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOptions {
    /// Extra trusted CA certificates (PEM, one or more).
    pub ca_file: Option<PathBuf>,
    /// Time allowed to establish a connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, answer included.
    pub timeout: Duration,
    /// Proxy for every request (`http://host:port`); `None` uses the environment's.
    pub proxy: Option<String>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            ca_file: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            proxy: None,
        }
    }
}

/// Builds the client (redirects: same origin only, see [`redirect_policy`]).
pub fn client(opts: &HttpOptions) -> Result<reqwest::Client, SyncError> {
    let mut b = reqwest::Client::builder()
        .use_rustls_tls()
        .redirect(redirect_policy())
        .connect_timeout(opts.connect_timeout)
        .timeout(opts.timeout)
        .user_agent(concat!("guichet/", env!("CARGO_PKG_VERSION")));
    if let Some(url) = &opts.proxy {
        let proxy = reqwest::Proxy::all(url)
            .map_err(|e| SyncError::Config(format!("the proxy {url} is not usable: {e}")))?;
        b = b.proxy(proxy);
    }
    if let Some(path) = &opts.ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            SyncError::Config(format!("reading the CA file {}: {e}", path.display()))
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            SyncError::Config(format!("the CA file {} is not PEM: {e}", path.display()))
        })?;
        if certs.is_empty() {
            return Err(SyncError::Config(format!(
                "the CA file {} holds no certificate",
                path.display()
            )));
        }
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    b.build()
        .map_err(|e| SyncError::Config(format!("building the HTTP client: {e}")))
}

/// Classifies a transport-level failure.
pub fn transport_error(e: &reqwest::Error) -> ConnectorError {
    // The full chain: reqwest's own message is often just "error sending request".
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    if e.is_redirect() {
        // A refused cross-origin redirect: a setting to change, not a failure to retry.
        ConnectorError::Permanent {
            status: e.status().map_or(0, |s| s.as_u16()),
            message: msg,
        }
    } else if e.is_connect() {
        ConnectorError::Offline(msg)
    } else if e.is_timeout() {
        ConnectorError::Timeout(msg)
    } else if e.is_decode() {
        ConnectorError::Malformed(msg)
    } else {
        ConnectorError::Transport(msg)
    }
}

/// `Retry-After` as seconds or as an HTTP date, relative to `now`.
pub fn retry_after(headers: &HeaderMap, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    Some(
        (at.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or_default(),
    )
}

/// Classifies a failure to read an answer within its limit.
pub fn read_error(e: ReadError) -> ConnectorError {
    match e {
        ReadError::Transport(e) => transport_error(&e),
        ReadError::OverLimit(o) => ConnectorError::OverLimit(o),
    }
}

/// Classifies an error status; `message` is the server's explanation (already extracted).
pub fn status_error(
    status: StatusCode,
    headers: &HeaderMap,
    message: String,
    now: chrono::DateTime<chrono::Utc>,
) -> ConnectorError {
    match status.as_u16() {
        401 => ConnectorError::Auth(format!("{status}: {message}")),
        429 => ConnectorError::RateLimited {
            retry_after: retry_after(headers, now),
        },
        408 | 500..=599 => ConnectorError::Server {
            status: status.as_u16(),
            message,
        },
        code => ConnectorError::Permanent {
            status: code,
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[tokio::test(flavor = "multi_thread")]
    async fn an_explicit_proxy_carries_every_request() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let proxy = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let n = conn.read(&mut buf).unwrap();
            conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                .unwrap();
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        let c = client(&HttpOptions {
            proxy: Some(proxy),
            ..Default::default()
        })
        .unwrap();
        let r = c
            .get("http://rt.example.invalid/REST/2.0/rt")
            .send()
            .await
            .unwrap();
        assert_eq!(r.text().await.unwrap(), "ok");
        let request = seen.join().unwrap();
        assert!(
            request.starts_with("GET http://rt.example.invalid/REST/2.0/rt HTTP/1.1"),
            "{request}"
        );
        let bad = client(&HttpOptions {
            proxy: Some("::not a url".into()),
            ..Default::default()
        });
        assert!(matches!(bad, Err(SyncError::Config(_))));
    }

    #[test]
    fn statuses_are_classified_for_the_engine() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .unwrap()
            .to_utc();
        let mut h = HeaderMap::new();
        let e = |code: u16, h: &HeaderMap| {
            status_error(StatusCode::from_u16(code).unwrap(), h, "m".into(), now)
        };
        assert!(matches!(e(401, &h), ConnectorError::Auth(_)));
        assert!(matches!(
            e(408, &h),
            ConnectorError::Server { status: 408, .. }
        ));
        assert!(matches!(
            e(503, &h),
            ConnectorError::Server { status: 503, .. }
        ));
        assert!(matches!(
            e(403, &h),
            ConnectorError::Permanent { status: 403, .. }
        ));
        assert_eq!(
            e(429, &h),
            ConnectorError::RateLimited { retry_after: None }
        );
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(
            e(429, &h),
            ConnectorError::RateLimited {
                retry_after: Some(Duration::from_secs(7))
            }
        );
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Mon, 23 Nov 2026 10:01:30 GMT"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(90)));
    }

    #[test]
    fn a_missing_or_empty_ca_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut o = HttpOptions {
            ca_file: Some(dir.path().join("absent.pem")),
            ..HttpOptions::default()
        };
        assert!(client(&o).unwrap_err().to_string().contains("absent.pem"));
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        o.ca_file = Some(empty);
        assert!(client(&o)
            .unwrap_err()
            .to_string()
            .contains("no certificate"));
    }
}
