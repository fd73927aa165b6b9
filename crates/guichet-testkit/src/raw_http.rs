//! A hostile or broken server on loopback that writes raw HTTP: plain threads over `std::net`,
//! no HTTP library, so what reaches the client is exactly what the test wrote (bodies that never
//! end, `Content-Range` totals never reached, redirects to another origin, zip bombs). Each
//! request is read (head, and body by `Content-Length`), recorded, then handed with its
//! connection to the test's answer.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// `GET`, `POST`…
    pub method: String,
    /// The request target (`/REST/2.0/tickets?page=2`).
    pub path: String,
    /// The request line and headers, as text.
    pub head: String,
    /// The body, by `Content-Length`.
    pub body: Vec<u8>,
}

/// A server on `127.0.0.1` answering every connection on its own thread until the test ends.
#[derive(Debug)]
pub struct RawServer {
    /// Its port.
    pub port: u16,
    requests: Arc<Mutex<Vec<RawRequest>>>,
}

type Answer = dyn Fn(&RawRequest, TcpStream) + Send + Sync;

impl RawServer {
    /// Starts a server on a free port; `answer` writes each reply on the connection it is given.
    pub fn start(answer: impl Fn(&RawRequest, TcpStream) + Send + Sync + 'static) -> RawServer {
        Self::start_on(TcpListener::bind("127.0.0.1:0").expect("binding"), answer)
    }

    /// Starts a server on `port` (one a connection was saved with).
    pub fn start_at(
        port: u16,
        answer: impl Fn(&RawRequest, TcpStream) + Send + Sync + 'static,
    ) -> RawServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("binding");
        Self::start_on(listener, answer)
    }

    /// Starts a server whose answer to each request is `answer(method, path)`, whole.
    pub fn answering(answer: impl Fn(&str, &str) -> Vec<u8> + Send + Sync + 'static) -> RawServer {
        Self::start(move |request, mut conn| {
            let _ = conn.write_all(&answer(&request.method, &request.path));
        })
    }

    fn start_on(
        listener: TcpListener,
        answer: impl Fn(&RawRequest, TcpStream) + Send + Sync + 'static,
    ) -> RawServer {
        let port = listener.local_addr().expect("a bound port").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let record = requests.clone();
        let answer: Arc<Answer> = Arc::new(answer);
        thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (answer, record) = (answer.clone(), record.clone());
                thread::spawn(move || {
                    if let Some(request) = read_request(&conn) {
                        record.lock().expect("request log").push(request.clone());
                        answer(&request, conn);
                    }
                });
            }
        });
        RawServer { port, requests }
    }

    /// `http://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().expect("request log").clone()
    }
}

/// Reads a request's head and its body; `None` when the client hung up first.
fn read_request(conn: &TcpStream) -> Option<RawRequest> {
    let mut reader = BufReader::new(conn.try_clone().ok()?);
    let (mut head, mut length) = (String::new(), 0usize);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return None;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0u8; length];
    let _ = reader.read_exact(&mut body);
    let mut words = head.split_whitespace();
    let method = words.next().unwrap_or("").to_string();
    let path = words.next().unwrap_or("/").to_string();
    Some(RawRequest {
        method,
        path,
        head,
        body,
    })
}

/// A whole answer: status line, `Connection: close`, `headers`, `Content-Length` and `body`.
pub fn http_answer(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// `200 OK` with a JSON body.
pub fn json_answer(body: &str) -> Vec<u8> {
    http_answer(
        "200 OK",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}
