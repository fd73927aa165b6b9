//! The HTTP side: a hyper server on 127.0.0.1, the request/response types the handlers use, the
//! dispatch to v1, v2 and inventory handlers, and fault injection.
//!
//! Faults are a test hook, not GLPI behaviour; they stand for what a real server or the network
//! in front of it does when things go wrong (overload, rate limiting by a reverse proxy, hangs,
//! truncated bodies, a connection cut after the server committed the write).

use crate::{inventory, v1, v2, Shared};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::HeaderMap;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// A fully read request.
#[derive(Debug)]
pub struct Req {
    /// HTTP method, upper case.
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl Req {
    /// A header as a string.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first query value for `key`.
    pub fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A response to send.
#[derive(Debug)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Resp {
    /// A JSON response.
    pub fn json(status: u16, value: &serde_json::Value) -> Resp {
        Resp {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json; charset=UTF-8".into(),
            )],
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Resp {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

/// What a fault does to the requests it matches.
#[derive(Debug, Clone)]
pub enum FaultKind {
    /// Answer with this status (500, 503, …) and a short HTML body, without acting.
    Status(u16),
    /// Answer 429 Too Many Requests with `Retry-After: secs`, without acting.
    TooManyRequests {
        /// Seconds announced in `Retry-After`.
        retry_after_secs: u64,
    },
    /// Wait this long before acting and answering (the client's timeout should fire first).
    Hang(Duration),
    /// Answer 200 with a truncated JSON body, without acting.
    MalformedJson,
    /// Act (commit the write), then cut the connection without answering.
    DropAfterAct,
}

/// A fault armed for the next `remaining` requests whose path contains `path_contains`.
#[derive(Debug, Clone)]
pub struct Fault {
    /// Substring of the request path to match (empty matches everything).
    pub path_contains: String,
    /// Only requests with this method (None: any).
    pub method: Option<String>,
    /// What to do.
    pub kind: FaultKind,
    /// How many matching requests it still applies to.
    pub remaining: u32,
}

/// Binds 127.0.0.1 on the configured port (0: a random one) and serves until the returned
/// task is aborted.
pub async fn serve(
    shared: Arc<Shared>,
) -> std::io::Result<(std::net::SocketAddr, tokio::task::JoinHandle<()>)> {
    let port = shared.config().port;
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let shared = shared.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| handle(shared.clone(), req));
                // A dropped connection (fault) ends here with an error: nothing to report.
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok((addr, task))
}

/// The error a handler returns to make hyper cut the connection without a response.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped on purpose by an injected fault")]
pub struct Dropped;

async fn handle(
    shared: Arc<Shared>,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Dropped> {
    let req = read(req).await;
    let fault = {
        let mut st = shared.lock();
        *st.request_counts
            .entry(format!("{} {}", req.method, req.path))
            .or_insert(0) += 1;
        drop(st);
        shared.take_fault(&req)
    };

    let mut drop_after = false;
    match fault {
        Some(FaultKind::Hang(d)) => tokio::time::sleep(d).await,
        Some(FaultKind::DropAfterAct) => drop_after = true,
        Some(kind) => {
            if let Some(resp) = fault_answer(&kind) {
                return Ok(to_hyper(resp));
            }
        }
        None => {}
    }

    let resp = route(&shared, &req);
    if drop_after {
        return Err(Dropped);
    }
    Ok(to_hyper(resp))
}

/// Reads hyper's request whole into a [`Req`] (an unreadable body counts as empty).
async fn read(req: hyper::Request<Incoming>) -> Req {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let query = parts
        .uri
        .query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    Req {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query,
        headers: parts.headers,
        body,
    }
}

/// The answer a fault gives instead of acting, `None` for the faults that act (hang, drop).
fn fault_answer(kind: &FaultKind) -> Option<Resp> {
    match kind {
        FaultKind::Status(code) => Some(Resp {
            status: *code,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: format!("<html><body><h1>{code}</h1></body></html>").into_bytes(),
        }),
        FaultKind::TooManyRequests { retry_after_secs } => Some(
            Resp {
                status: 429,
                headers: vec![("Content-Type".into(), "text/plain".into())],
                body: b"Too Many Requests".to_vec(),
            }
            .with_header("Retry-After", retry_after_secs.to_string()),
        ),
        FaultKind::MalformedJson => Some(Resp {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: br#"{"session_token": "abc", "id": 12"#.to_vec(),
        }),
        FaultKind::Hang(_) | FaultKind::DropAfterAct => None,
    }
}

fn route(shared: &Shared, req: &Req) -> Resp {
    if let Some(rest) = req.path.strip_prefix("/apirest.php") {
        return v1::handle(shared, req, rest);
    }
    if let Some(rest) = req.path.strip_prefix("/api.php") {
        if !shared.config().v2_available {
            // GLPI 10 has no api.php: the web server answers 404 (emulating a GLPI 10 server).
            return Resp::json(404, &serde_json::json!({"error": "Not Found"}));
        }
        return v2::handle(shared, req, rest);
    }
    if inventory::is_inventory_path(&req.path) {
        return inventory::handle(shared, req);
    }
    Resp::json(404, &serde_json::json!({"error": "Not Found"}))
}

fn to_hyper(resp: Resp) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(resp.status);
    for (k, v) in &resp.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    builder
        .body(Full::new(Bytes::from(resp.body)))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}
