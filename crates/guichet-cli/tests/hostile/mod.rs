//! Hostile service desks on loopback, for the CLI's tests: a server whose every answer is an
//! endless body, one that redirects every request to another origin, and a listener on that
//! origin recording what reaches it. Plain threads over `std::net`, no HTTP library: what they
//! send is exactly what is written here.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

/// What a [`Hostile`] server answers.
#[derive(Debug, Clone)]
pub enum Mode {
    /// `200`, JSON, no length, and a body that never ends.
    EndlessBody,
    /// `307` to the same path on `127.0.0.1:port`; with `v2`, GLPI's `api.php/doc.json` is
    /// answered (`{}`) so that a client picks GLPI's API v2 (OAuth).
    Redirect {
        /// The other origin's port.
        port: u16,
        /// Offer GLPI's API v2.
        v2: bool,
    },
    /// `404` with an empty JSON list, after recording the request.
    Record,
    /// A GLPI (API v1) that opens sessions, answers every inventory with `bomb` (a compressed
    /// body and its `Content-Type`) and every list with pages whose total is never reached.
    Glpi {
        /// The inventory answer: content type and compressed bytes.
        bomb: Arc<(String, Vec<u8>)>,
    },
}

/// A server on `127.0.0.1`, answering every connection in its own thread until the test ends.
#[derive(Debug)]
pub struct Hostile {
    /// Its port.
    pub port: u16,
    /// The requests it received (head and body, as text), in [`Mode::Record`].
    pub seen: Arc<Mutex<Vec<String>>>,
}

impl Hostile {
    /// Starts a server on a free port.
    pub fn start(mode: Mode) -> Hostile {
        Self::start_on(TcpListener::bind("127.0.0.1:0").expect("binding"), mode)
    }

    /// Starts a server on `port` (a port a connection was saved with).
    pub fn start_at(port: u16, mode: Mode) -> Hostile {
        Self::start_on(
            TcpListener::bind(("127.0.0.1", port)).expect("binding"),
            mode,
        )
    }

    fn start_on(listener: TcpListener, mode: Mode) -> Hostile {
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (mode, record) = (mode.clone(), record.clone());
                thread::spawn(move || serve(conn, &mode, &record));
            }
        });
        Hostile { port, seen }
    }

    /// `http://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Everything received so far, one request after the other.
    pub fn received(&self) -> String {
        self.seen.lock().unwrap().join("\n----\n")
    }
}

/// Reads one request (head, and body by `Content-Length`) and answers it as `mode` says.
fn serve(conn: TcpStream, mode: &Mode, record: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(conn.try_clone().expect("cloning the stream"));
    let mut head = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
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
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut out = conn;
    match mode {
        Mode::EndlessBody => {
            let _ = out.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[",
            );
            // About 64 MB/s: fast enough to pass any limit in a second, slow enough that a
            // client without one stays within the machine's memory until its timeout.
            let chunk = "{\"id\":1,\"name\":\"again\"},".repeat(1 << 15);
            while out.write_all(chunk.as_bytes()).is_ok() {
                thread::sleep(std::time::Duration::from_millis(12));
            }
        }
        Mode::Redirect { port, v2 } => {
            if *v2 && path.contains("api.php/doc.json") {
                let _ = out.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                );
                return;
            }
            let answer = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:{port}{path}\r\n\
                 Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = out.write_all(answer.as_bytes());
        }
        Mode::Glpi { bomb } => {
            let _ = out.write_all(&glpi(&path, bomb));
        }
        Mode::Record => {
            record
                .lock()
                .unwrap()
                .push(format!("{head}{}", String::from_utf8_lossy(&body)));
            let _ = out.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]",
            );
        }
    }
}

/// A raw answer: `status`, `headers`, then `body` with its length.
fn answer(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// [`Mode::Glpi`]'s answer to `path`.
fn glpi(path: &str, bomb: &(String, Vec<u8>)) -> Vec<u8> {
    let json = |b: &str| {
        answer(
            "200 OK",
            &[("Content-Type", "application/json")],
            b.as_bytes(),
        )
    };
    if path.contains("api.php/doc.json") {
        answer("404 Not Found", &[], b"")
    } else if path.contains("initSession") {
        json(r#"{"session_token":"t"}"#)
    } else if path.contains("killSession") {
        json("[]")
    } else if path.contains("getFullSession") {
        json(
            r#"{"session":{"glpiname":"alice","glpiID":2,"glpiactiveprofile":{"interface":"central"}}}"#,
        )
    } else if path.contains("front/inventory.php") {
        answer("200 OK", &[("Content-Type", &bomb.0)], &bomb.1)
    } else {
        let items: Vec<String> = (1..=200)
            .map(|i| format!(r#"{{"id":{i},"date_mod":"2026-01-01 00:00:00"}}"#))
            .collect();
        answer(
            "206 Partial Content",
            &[
                ("Content-Type", "application/json"),
                ("Content-Range", "0-199/999999999"),
            ],
            format!("[{}]", items.join(",")).as_bytes(),
        )
    }
}

/// A port nothing listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
