//! The one place the checks talk to the service desk: resolve its name, connect (directly or
//! through an `http://` proxy with `CONNECT`), shake hands over TLS keeping the certificate,
//! and ask for the desk's page with `HEAD` to read the status and the `Date` header. Every step
//! stops at the caller's deadline. A run of the checks visits the desk once ([`DeskVisit`]):
//! the desk checks share that one lookup and that one request.
//!
//! Why not `guichet_sync::http` (reqwest): it hides the server's certificate and flattens a
//! refused handshake into an error message, so an expired certificate could not be told from
//! an untrusted one nor dated; it is async and would bring the store and the keyring into the
//! diagnostics crate. This probe sends no credential at all, and follows the sync client's
//! rules otherwise: the same roots (the system's, plus the connection's CA file) and the same
//! proxy choice ([`proxy_for`]).

mod address;
mod head;
mod proxy;
mod tls;
pub(crate) mod visit;

pub use address::{is_localhost, DeskAddress};
pub use head::Head;
pub use proxy::{proxy_for, ProxyChoice, ProxyEnv, ProxySource};
pub use tls::{not_after, CertReading, CertVerdict};
pub use visit::{DeskVisit, VisitState};

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rustls::pki_types::ServerName;

/// The step a probe was at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Step {
    /// Looking up a name.
    #[default]
    Resolving,
    /// Opening the connection.
    Connecting,
    /// Asking the proxy for a tunnel.
    Tunnel,
    /// The TLS handshake.
    Handshake,
    /// Waiting for the answer.
    Answer,
}

/// Why the desk could not be asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskFailure {
    /// The name did not resolve (the resolver's words).
    NotResolved(String),
    /// Nothing accepts connections there (refused, unreachable: the system's words).
    Unreachable(String),
    /// The deadline passed during this step.
    TimedOut(Step),
    /// The proxy would not open a tunnel (what it answered), or is of a kind not spoken.
    Proxy(String),
    /// The handshake stopped on the server's certificate.
    Certificate(CertReading),
    /// The TLS handshake failed for another reason.
    Tls(String),
    /// Something answered, but not HTTP.
    NotHttp,
    /// The connection broke (the system's words).
    Broken(String),
}

/// What the desk answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskAnswer {
    /// Status and `Date` header.
    pub head: Head,
    /// This machine's clock when the answer's head had arrived.
    pub received_at: DateTime<Utc>,
    /// The certificate (https only).
    pub cert: Option<CertReading>,
    /// How long the whole exchange took.
    pub elapsed: Duration,
}

/// A name looked up, and how long it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameLookup {
    /// The addresses found, or why none.
    pub result: Result<Vec<SocketAddr>, DeskFailure>,
    /// How long the lookup took.
    pub elapsed: Duration,
}

impl NameLookup {
    /// Looks `host` up (see [`resolve`]), timed.
    pub fn of(host: &str, port: u16, deadline: Instant) -> NameLookup {
        let started = Instant::now();
        let result = resolve(host, port, deadline);
        NameLookup {
            result,
            elapsed: started.elapsed(),
        }
    }
}

/// Resolves `host` on a thread and waits until `deadline` at most: the system resolver cannot
/// be interrupted, so a hung lookup is left to finish on its own.
pub fn resolve(host: &str, port: u16, deadline: Instant) -> Result<Vec<SocketAddr>, DeskFailure> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let (tx, rx) = mpsc::channel();
    let name = host.to_string();
    let spawned = std::thread::Builder::new()
        .name("resolve".into())
        .spawn(move || {
            let r = (name.as_str(), port)
                .to_socket_addrs()
                .map(|a| a.collect::<Vec<_>>());
            let _ = tx.send(r);
        });
    if let Err(e) = spawned {
        return Err(DeskFailure::NotResolved(e.to_string()));
    }
    match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(Ok(addrs)) if !addrs.is_empty() => Ok(addrs),
        Ok(Ok(_)) => Err(DeskFailure::NotResolved("no address".into())),
        Ok(Err(e)) => Err(DeskFailure::NotResolved(e.to_string())),
        Err(_) => Err(DeskFailure::TimedOut(Step::Resolving)),
    }
}

/// Opens a TCP connection to `host:port`, trying each address until `deadline`.
pub fn connect(host: &str, port: u16, deadline: Instant) -> Result<TcpStream, DeskFailure> {
    connect_to(resolve(host, port, deadline)?, deadline)
}

/// Opens a TCP connection to the first of `addrs` that accepts one before `deadline`.
fn connect_to(addrs: Vec<SocketAddr>, deadline: Instant) -> Result<TcpStream, DeskFailure> {
    let mut last = DeskFailure::Unreachable("no address".into());
    for addr in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(DeskFailure::TimedOut(Step::Connecting));
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(s) => return Ok(s),
            Err(e) if is_timeout(&e) => last = DeskFailure::TimedOut(Step::Connecting),
            Err(e) => last = DeskFailure::Unreachable(e.to_string()),
        }
    }
    Err(last)
}

/// How the probe treats the desk's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Stop at a refused certificate (what the sync client does).
    Verify,
    /// Note the verdict and go on to read the answer (for the desk's clock only).
    ReadAnyway,
}

/// What a probe tells as it goes, so that checks waiting on it learn each part as soon as it
/// is known (the desk's name lookup long before its answer) and, at their deadline, the step
/// it was at.
pub trait Progress {
    /// The probe has moved on to `step`.
    fn step(&self, step: Step);
    /// The desk's own name was looked up (a direct connection only: through a proxy, the
    /// proxy's name is looked up instead).
    fn looked_up(&self, lookup: &NameLookup);
    /// The handshake is over (whatever its result), having shown this certificate, if any.
    fn certificate(&self, cert: Option<&CertReading>);
}

/// A probe nobody watches.
struct Unwatched;

impl Progress for Unwatched {
    fn step(&self, _: Step) {}
    fn looked_up(&self, _: &NameLookup) {}
    fn certificate(&self, _: Option<&CertReading>) {}
}

/// Asks the desk at `desk` for its page, through `proxy` if given, trusting the system's roots
/// and `ca_file`'s; stops at `deadline`.
pub fn probe(
    desk: &DeskAddress,
    proxy: Option<&ProxyChoice>,
    ca_file: Option<&Path>,
    trust: Trust,
    deadline: Instant,
) -> Result<DeskAnswer, DeskFailure> {
    probe_watched(desk, proxy, ca_file, trust, deadline, &Unwatched)
}

/// [`probe`], telling `progress` each step.
pub fn probe_watched(
    desk: &DeskAddress,
    proxy: Option<&ProxyChoice>,
    ca_file: Option<&Path>,
    trust: Trust,
    deadline: Instant,
    progress: &dyn Progress,
) -> Result<DeskAnswer, DeskFailure> {
    let started = Instant::now();
    let endpoint = match proxy {
        Some(p) => Some(p.http_endpoint().ok_or_else(|| {
            DeskFailure::Proxy(format!("{}: only http:// proxies are checked", p.url))
        })?),
        None => None,
    };
    let mut tcp = match &endpoint {
        Some((host, port)) => connect(host, *port, deadline),
        None => {
            let lookup = NameLookup::of(&desk.host, desk.port, deadline);
            progress.looked_up(&lookup);
            progress.step(Step::Connecting);
            connect_to(lookup.result?, deadline)
        }
    }?;
    set_deadline(&tcp, deadline, Step::Connecting)?;
    let request_target = if endpoint.is_some() && !desk.tls {
        format!("http://{}{}", desk.host_header(), desk.path)
    } else {
        desk.path.clone()
    };
    let request = format!(
        "HEAD {request_target} HTTP/1.1\r\nHost: {}\r\nUser-Agent: guichet/{} (diagnostics)\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        desk.host_header(),
        env!("CARGO_PKG_VERSION"),
    );
    if !desk.tls {
        progress.step(Step::Answer);
        let head = exchange(&mut tcp, request.as_bytes(), deadline)?;
        return Ok(answer(head, None, started));
    }
    if endpoint.is_some() {
        progress.step(Step::Tunnel);
        tunnel(&mut tcp, desk, deadline)?;
    }
    progress.step(Step::Handshake);
    let (config, verifier) =
        tls::client_config(ca_file, trust == Trust::ReadAnyway).map_err(DeskFailure::Tls)?;
    let name = ServerName::try_from(desk.host.clone())
        .map_err(|e| DeskFailure::Tls(format!("{}: {e}", desk.host)))?;
    let mut conn = rustls::ClientConnection::new(Arc::new(config), name)
        .map_err(|e| DeskFailure::Tls(e.to_string()))?;
    set_deadline(&tcp, deadline, Step::Handshake)?;
    let shaken = handshake(&mut conn, &mut tcp, &verifier, trust, deadline);
    let cert = verifier.seen();
    progress.certificate(cert.as_ref());
    shaken?;
    progress.step(Step::Answer);
    let mut stream = rustls::Stream::new(&mut conn, &mut tcp);
    let head = exchange(&mut stream, request.as_bytes(), deadline)?;
    Ok(answer(head, cert, started))
}

fn handshake(
    conn: &mut rustls::ClientConnection,
    tcp: &mut TcpStream,
    verifier: &tls::KeepingVerifier,
    trust: Trust,
    deadline: Instant,
) -> Result<(), DeskFailure> {
    while conn.is_handshaking() {
        if Instant::now() >= deadline {
            return Err(DeskFailure::TimedOut(Step::Handshake));
        }
        if let Err(e) = conn.complete_io(tcp) {
            return Err(match verifier.seen() {
                Some(c) if c.verdict != CertVerdict::Valid && trust == Trust::Verify => {
                    DeskFailure::Certificate(c)
                }
                _ if is_timeout(&e) => DeskFailure::TimedOut(Step::Handshake),
                _ => DeskFailure::Tls(e.to_string()),
            });
        }
    }
    Ok(())
}

fn answer(head: Head, cert: Option<CertReading>, started: Instant) -> DeskAnswer {
    DeskAnswer {
        head,
        received_at: Utc::now(),
        cert,
        elapsed: started.elapsed(),
    }
}

/// `CONNECT` through the proxy; anything but a 2xx answer is the proxy's refusal.
fn tunnel(tcp: &mut TcpStream, desk: &DeskAddress, deadline: Instant) -> Result<(), DeskFailure> {
    let a = desk.authority();
    let request = format!("CONNECT {a} HTTP/1.1\r\nHost: {a}\r\n\r\n");
    let head = exchange(tcp, request.as_bytes(), deadline).map_err(|e| match e {
        DeskFailure::TimedOut(_) => DeskFailure::TimedOut(Step::Tunnel),
        DeskFailure::NotHttp => DeskFailure::Proxy("it did not answer in HTTP".into()),
        other => other,
    })?;
    if (200..300).contains(&head.status) {
        Ok(())
    } else {
        Err(DeskFailure::Proxy(format!("it answered {}", head.status)))
    }
}

/// Writes `request` and reads the answer's head, byte by byte past the blank line no further
/// (the TLS tunnel follows a `CONNECT` answer on the same connection).
fn exchange(
    stream: &mut (impl Read + Write),
    request: &[u8],
    deadline: Instant,
) -> Result<Head, DeskFailure> {
    let io = |e: io::Error| {
        if is_timeout(&e) || Instant::now() >= deadline {
            DeskFailure::TimedOut(Step::Answer)
        } else {
            DeskFailure::Broken(e.to_string())
        }
    };
    stream.write_all(request).map_err(io)?;
    stream.flush().map_err(io)?;
    let mut buf = Vec::with_capacity(1024);
    let mut byte = [0u8; 1];
    loop {
        if buf.len() >= head::HEAD_LIMIT {
            return Err(DeskFailure::NotHttp);
        }
        // A server trickling bytes would restart the socket's timeout at each one.
        if Instant::now() >= deadline {
            return Err(DeskFailure::TimedOut(Step::Answer));
        }
        match stream.read(&mut byte) {
            Ok(0) => return Err(DeskFailure::NotHttp),
            Ok(_) => buf.push(byte[0]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        }
        if buf.ends_with(b"\r\n\r\n") {
            return head::parse(&buf).ok_or(DeskFailure::NotHttp);
        }
        if buf.len() == 5 && !buf.starts_with(b"HTTP/") {
            return Err(DeskFailure::NotHttp);
        }
    }
}

fn set_deadline(tcp: &TcpStream, deadline: Instant, step: Step) -> Result<(), DeskFailure> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(DeskFailure::TimedOut(step));
    }
    tcp.set_read_timeout(Some(left))
        .and_then(|()| tcp.set_write_timeout(Some(left)))
        .map_err(|e| DeskFailure::Broken(e.to_string()))
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}
