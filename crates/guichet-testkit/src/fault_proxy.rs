//! A fault-injecting HTTP/1.1 proxy for sync tests.
//!
//! The proxy listens on a random loopback port and forwards each request to
//! one target server, one request per connection (`Connection: close` both
//! ways keeps the parsing minimal: request head plus `Content-Length` body;
//! responses are read to EOF and de-chunked). Tests queue [`Fault`]s that are
//! applied once each to the next request matching a method and a path
//! substring, switch the "network" off with [`FaultProxy::set_down`], slow
//! every request down with [`FaultProxy::set_pace`] (so that a process killed
//! at a random moment is likely to be in the middle of one), and assert on the
//! [`ProxiedRequest`] log.
//!
//! It runs on its own thread with its own tokio runtime, so it works the same
//! from synchronous tests and from any async test runtime, and outlives none:
//! dropping the proxy stops the thread and cuts every open connection.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::{Result, TestkitError};

mod fault;
mod pace;
mod wire;

pub use fault::Fault;
pub use pace::Pace;
use wire::{forward, read_request};

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
    pace: Pace,
    in_flight: usize,
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

    /// Slows every later request down as `pace` says (`Pace::default()`:
    /// full speed again).
    pub fn set_pace(&self, pace: Pace) {
        self.lock().pace = pace;
    }

    /// Requests being read, forwarded or answered right now: a process
    /// killed while this is non-zero was killed in the middle of a request.
    pub fn in_flight(&self) -> usize {
        self.lock().in_flight
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

/// Serves one connection: logs the request, then applies its fault (if any)
/// or forwards it and relays the answer.
async fn handle(mut client: TcpStream, authority: &str, state: &Mutex<State>) {
    let pace = {
        let mut st = lock(state);
        if st.down {
            st.refused += 1;
            return; // dropping the stream closes it unanswered
        }
        st.in_flight += 1;
        st.pace
    };
    exchange(&mut client, authority, state, pace).await;
    lock(state).in_flight -= 1;
}

/// One request and its answer, at `pace`.
async fn exchange(client: &mut TcpStream, authority: &str, state: &Mutex<State>, pace: Pace) {
    let request = match read_request(client, pace).await {
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
    let (index, fault) = log_arrival(state, method, path);
    let record = |status: Option<u16>, forwarded: bool| {
        let mut st = lock(state);
        st.log[index].status = status;
        st.log[index].forwarded = forwarded;
    };

    if !pace::wait_unless_gone(client, pace.latency).await {
        // The client died while its request was on the way: a real path
        // delivers nothing after that, so neither does the proxy.
        return;
    }
    match fault {
        Some(Fault::Status { code, retry_after }) => {
            record(Some(code), false);
            fault::answer_status(client, code, retry_after).await;
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
            fault::relay(client, &response, other.as_ref(), pace).await;
        }
    }
}

/// Takes the first queued fault matching the request and logs the request
/// with it; returns the log index and the fault.
fn log_arrival(state: &Mutex<State>, method: String, path: String) -> (usize, Option<Fault>) {
    let mut st = lock(state);
    let position = st
        .rules
        .iter()
        .position(|r| method_matches(&r.method, &method) && path.contains(&r.path_contains));
    let fault = position.and_then(|p| st.rules.remove(p)).map(|r| r.fault);
    st.log.push(ProxiedRequest {
        method,
        path,
        status: None,
        forwarded: false,
        fault: fault.clone(),
    });
    (st.log.len() - 1, fault)
}
