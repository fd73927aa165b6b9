//! A fault-injecting HTTP/1.1 proxy for sync tests.
//!
//! The proxy listens on a random loopback port and forwards each request to
//! one target server, one request per connection (`Connection: close` both
//! ways keeps the parsing minimal: request head plus `Content-Length` body;
//! responses are read to EOF and de-chunked). Tests queue [`Fault`]s that are
//! applied once each to the next request matching a method and a path
//! substring, switch the "network" off with [`FaultProxy::set_down`], and
//! assert on the [`ProxiedRequest`] log.
//!
//! It runs on its own thread with its own tokio runtime, so it works the same
//! from synchronous tests and from any async test runtime, and outlives none:
//! dropping the proxy stops the thread and cuts every open connection.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::{Result, TestkitError};

/// Largest request or response head accepted.
const MAX_HEAD: usize = 1 << 20;

/// How long the proxy waits for the target to connect.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the proxy waits for the target's whole answer.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(120);

/// What the proxy does to one matching request instead of a clean forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status (500, 503, 429...) without forwarding, with a
    /// `Retry-After: <secs>` header when given and a JSON `message` body.
    Status {
        /// HTTP status code to answer.
        code: u16,
        /// Value of the `Retry-After` header, in seconds.
        retry_after: Option<u64>,
    },
    /// Read the request, do not forward it, answer nothing for this long,
    /// then close the connection (the client should time out first).
    Hang(Duration),
    /// Forward, then send the head (with the full `Content-Length`) and half
    /// of the body, and close.
    CloseMidResponse,
    /// Forward, then answer the server's status with its body cut in half
    /// (invalid JSON), `Content-Length` matching the cut body.
    MalformedJson,
    /// Forward and let the server act, then close the client connection
    /// without answering: "the server's answer was lost".
    DropResponse,
}

/// One request the proxy received, in arrival order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxiedRequest {
    /// Request method (`GET`, `POST`...).
    pub method: String,
    /// Request target as sent (path and query, e.g. `/REST/2.0/ticket`).
    pub path: String,
    /// Status the server answered when forwarded (even if the answer was
    /// then cut, mangled or dropped), or the injected status; `None` when
    /// there was no answer (hang, target unreachable).
    pub status: Option<u16>,
    /// Whether the request reached the target server.
    pub forwarded: bool,
    /// The fault applied to it, if any.
    pub fault: Option<Fault>,
}

/// A fault waiting for its request.
#[derive(Debug)]
struct Rule {
    method: String,
    path_contains: String,
    fault: Fault,
}

#[derive(Debug, Default)]
struct State {
    rules: VecDeque<Rule>,
    log: Vec<ProxiedRequest>,
    down: bool,
    refused: usize,
}

/// The proxy; see the module documentation.
#[derive(Debug)]
pub struct FaultProxy {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy to `target` (`http://host:port`, any path ignored).
    pub fn start(target: &str) -> Result<FaultProxy> {
        let authority = target
            .strip_prefix("http://")
            .ok_or_else(|| {
                TestkitError::BadResponse(format!("proxy target must be http://: {target}"))
            })?
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::default()));
        let (shutdown, shutdown_rx) = oneshot::channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread_state = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name(format!("fault-proxy-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(serve(std_listener, authority, thread_state, shutdown_rx));
            })?;
        Ok(FaultProxy {
            addr,
            state,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// Base URL of the proxy, `http://127.0.0.1:<port>`: give it to the
    /// client under test instead of the server's URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Local address the proxy listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues `fault` for the next request whose method is `method` (case
    /// insensitive, `"*"` for any) and whose path contains `path_contains`.
    /// Faults are consumed once each, in queue order; push several for
    /// several requests.
    pub fn push_fault(&self, method: &str, path_contains: &str, fault: Fault) {
        self.lock().rules.push_back(Rule {
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
            fault,
        });
    }

    /// Forgets the faults not applied yet.
    pub fn clear_faults(&self) {
        self.lock().rules.clear();
    }

    /// Number of queued faults not applied yet.
    pub fn pending_faults(&self) -> usize {
        self.lock().rules.len()
    }

    /// Simulates the network down (`true`): connections are accepted and
    /// closed at once, nothing is forwarded. `false` restores forwarding.
    pub fn set_down(&self, down: bool) {
        self.lock().down = down;
    }

    /// Connections closed unanswered while the proxy was down.
    pub fn refused_connections(&self) -> usize {
        self.lock().refused
    }

    /// Every request seen so far, in arrival order.
    pub fn log(&self) -> Vec<ProxiedRequest> {
        self.lock().log.clone()
    }

    /// How many requests with this method (`"*"` for any) and a path
    /// containing `path_contains` were seen, e.g. `count("POST", "/ticket")`
    /// (which also counts `/ticket/1/correspond`; use a query-free exact
    /// suffix such as `"/REST/2.0/ticket"` with [`FaultProxy::count_exact`]
    /// to count creations only).
    pub fn count(&self, method: &str, path_contains: &str) -> usize {
        self.lock()
            .log
            .iter()
            .filter(|r| method_matches(method, &r.method) && r.path.contains(path_contains))
            .count()
    }

    /// How many requests with this method (`"*"` for any) had exactly this
    /// path, query string excluded.
    pub fn count_exact(&self, method: &str, path: &str) -> usize {
        self.lock()
            .log
            .iter()
            .filter(|r| method_matches(method, &r.method) && r.path.split('?').next() == Some(path))
            .count()
    }

    /// Empties the request log.
    pub fn clear_log(&self) {
        self.lock().log.clear();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking connection task cannot leave the state half-updated
        // in a way that matters to tests, so poisoning is ignored.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn method_matches(pattern: &str, method: &str) -> bool {
    pattern == "*" || pattern.eq_ignore_ascii_case(method)
}

/// Accept loop; returning drops the runtime's tasks, closing every
/// connection (including hung ones).
async fn serve(
    listener: std::net::TcpListener,
    authority: String,
    state: Arc<Mutex<State>>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let listener = match TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "fault proxy cannot listen");
            return;
        }
    };
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let state = Arc::clone(&state);
                    let authority = authority.clone();
                    tokio::spawn(async move { handle(stream, &authority, &state).await });
                }
                Err(e) => tracing::warn!(error = %e, "fault proxy accept failed"),
            },
        }
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// A parsed HTTP message: start line, headers, body.
#[derive(Debug)]
struct Message {
    start: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Serialises with the hop-by-hop headers replaced: `Content-Length` of
    /// `body`, `Connection: close`.
    fn to_bytes(&self, content_length: usize) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.start);
        for (name, value) in &self.headers {
            if is_hop_header(name) {
                continue;
            }
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str(&format!(
            "Content-Length: {content_length}\r\nConnection: close\r\n\r\n"
        ));
        out.into_bytes()
    }
}

fn is_hop_header(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "content-length",
        "te",
        "upgrade",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

async fn handle(mut client: TcpStream, authority: &str, state: &Mutex<State>) {
    if lock(state).down {
        lock(state).refused += 1;
        return; // dropping the stream closes it unanswered
    }
    let request = match read_request(&mut client).await {
        Ok(Some(r)) => r,
        Ok(None) => return,
        Err(e) => {
            tracing::debug!(error = %e, "fault proxy: bad request");
            return;
        }
    };
    let mut parts = request.start.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let (index, fault) = {
        let mut st = lock(state);
        let position = st
            .rules
            .iter()
            .position(|r| method_matches(&r.method, &method) && path.contains(&r.path_contains));
        let fault = position.and_then(|p| st.rules.remove(p)).map(|r| r.fault);
        st.log.push(ProxiedRequest {
            method: method.clone(),
            path: path.clone(),
            status: None,
            forwarded: false,
            fault: fault.clone(),
        });
        (st.log.len() - 1, fault)
    };
    let record = |status: Option<u16>, forwarded: bool| {
        let mut st = lock(state);
        st.log[index].status = status;
        st.log[index].forwarded = forwarded;
    };

    match fault {
        Some(Fault::Status { code, retry_after }) => {
            record(Some(code), false);
            let body = format!(r#"{{"message":"fault proxy: injected {code}"}}"#);
            let mut head = format!(
                "HTTP/1.1 {code} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                reason(code),
                body.len()
            );
            if let Some(secs) = retry_after {
                head.push_str(&format!("Retry-After: {secs}\r\n"));
            }
            head.push_str("\r\n");
            let _ = client.write_all(head.as_bytes()).await;
            let _ = client.write_all(body.as_bytes()).await;
            let _ = client.shutdown().await;
        }
        Some(Fault::Hang(duration)) => {
            tokio::time::sleep(duration).await;
        }
        other => {
            let response = match forward(&request, authority).await {
                Ok(r) => r,
                Err(e) => {
                    // Like a dead network path: close without answering.
                    tracing::debug!(error = %e, "fault proxy: target unreachable");
                    return;
                }
            };
            let status = response
                .start
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok());
            record(status, true);
            match other {
                Some(Fault::DropResponse) => {}
                Some(Fault::CloseMidResponse) => {
                    let half = response.body.len() / 2;
                    let _ = client
                        .write_all(&response.to_bytes(response.body.len()))
                        .await;
                    let _ = client.write_all(&response.body[..half]).await;
                    let _ = client.flush().await;
                    let _ = client.shutdown().await;
                }
                Some(Fault::MalformedJson) => {
                    let body: &[u8] = if response.body.len() >= 2 {
                        &response.body[..response.body.len() / 2]
                    } else {
                        b"{\""
                    };
                    let _ = client.write_all(&response.to_bytes(body.len())).await;
                    let _ = client.write_all(body).await;
                    let _ = client.shutdown().await;
                }
                _ => {
                    let _ = client
                        .write_all(&response.to_bytes(response.body.len()))
                        .await;
                    let _ = client.write_all(&response.body).await;
                    let _ = client.shutdown().await;
                }
            }
        }
    }
}

/// Reads one request (head + `Content-Length` body). `Ok(None)` when the
/// client closed before sending anything.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Message>> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(end) = find_head_end(&buf) {
            break end;
        }
        if buf.len() > MAX_HEAD {
            return Err(invalid("request head too large"));
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(invalid("client closed mid-head"))
            };
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let (start, headers) = parse_head(&buf[..head_end])?;
    let mut message = Message {
        start,
        headers,
        body: buf[head_end + 4..].to_vec(),
    };
    if message
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        return Err(invalid("chunked request bodies are not supported"));
    }
    let length: usize = message
        .header("content-length")
        .map(|v| v.trim().parse().map_err(|_| invalid("bad Content-Length")))
        .transpose()?
        .unwrap_or(0);
    if message.body.len() < length {
        let mut rest = vec![0u8; length - message.body.len()];
        stream.read_exact(&mut rest).await?;
        message.body.extend_from_slice(&rest);
    }
    message.body.truncate(length);
    Ok(Some(message))
}

/// Sends `request` to the target with `Host` rewritten and
/// `Connection: close`, and reads the whole answer.
async fn forward(request: &Message, authority: &str) -> std::io::Result<Message> {
    let mut upstream = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(authority))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timeout"))??;
    let mut forwarded = Message {
        start: request.start.clone(),
        headers: request
            .headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("host"))
            .cloned()
            .collect(),
        body: Vec::new(),
    };
    forwarded
        .headers
        .insert(0, ("Host".to_owned(), authority.to_owned()));
    upstream
        .write_all(&forwarded.to_bytes(request.body.len()))
        .await?;
    upstream.write_all(&request.body).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(UPSTREAM_TIMEOUT, upstream.read_to_end(&mut raw))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "upstream timeout"))??;
    let head_end = find_head_end(&raw).ok_or_else(|| invalid("upstream answer without head"))?;
    let (start, headers) = parse_head(&raw[..head_end])?;
    let mut response = Message {
        start,
        headers,
        body: Vec::new(),
    };
    let rest = &raw[head_end + 4..];
    response.body = if response
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        dechunk(rest)?
    } else if let Some(length) = response.header("content-length") {
        let length: usize = length
            .trim()
            .parse()
            .map_err(|_| invalid("bad Content-Length"))?;
        rest[..length.min(rest.len())].to_vec()
    } else {
        rest.to_vec()
    };
    Ok(response)
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

fn parse_head(head: &[u8]) -> std::io::Result<(String, Vec<(String, String)>)> {
    let text = std::str::from_utf8(head).map_err(|_| invalid("head is not UTF-8"))?;
    let mut lines = text.split("\r\n");
    let start = lines.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split_once(':')
                .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
                .ok_or_else(|| invalid("bad header line"))
        })
        .collect::<std::io::Result<_>>()?;
    Ok((start, headers))
}

/// Decodes a complete `Transfer-Encoding: chunked` body.
fn dechunk(mut raw: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| invalid("truncated chunk size"))?;
        let size_text =
            std::str::from_utf8(&raw[..line_end]).map_err(|_| invalid("bad chunk size"))?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        if raw.len() < size + 2 {
            return Err(invalid("truncated chunk"));
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned())
}

fn reason(code: u16) -> &'static str {
    match code {
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Injected Fault",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dechunk_joins_chunks_and_stops_at_the_last_one() {
        let raw = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n";
        assert_eq!(dechunk(raw).unwrap(), b"Wikipedia");
    }

    #[test]
    fn dechunk_rejects_a_truncated_body() {
        assert!(dechunk(b"a\r\nshort").is_err());
    }

    #[test]
    fn hop_headers_are_replaced_on_serialisation() {
        let m = Message {
            start: "HTTP/1.1 200 OK".into(),
            headers: vec![
                ("Transfer-Encoding".into(), "chunked".into()),
                ("Content-Type".into(), "application/json".into()),
                ("Connection".into(), "keep-alive".into()),
            ],
            body: b"{}".to_vec(),
        };
        let text = String::from_utf8(m.to_bytes(2)).unwrap();
        assert_eq!(
            text,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
        );
    }
}
