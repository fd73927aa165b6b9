//! Hostile service desks on loopback, for the CLI's tests: a server whose every answer is an
//! endless body, one that redirects every request to another origin, and a listener on that
//! origin recording what reaches it, over the test kit's `RawServer` (raw HTTP, no HTTP
//! library: what they send is exactly what is written here).

use std::io::Write as _;
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;

use guichet_testkit::{http_answer as answer, json_answer, RawRequest, RawServer};

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
    server: RawServer,
}

impl Hostile {
    /// Starts a server on a free port.
    pub fn start(mode: Mode) -> Hostile {
        Self::wrap(RawServer::start(move |request, conn| {
            serve(request, conn, &mode)
        }))
    }

    /// Starts a server on `port` (a port a connection was saved with).
    pub fn start_at(port: u16, mode: Mode) -> Hostile {
        Self::wrap(RawServer::start_at(port, move |request, conn| {
            serve(request, conn, &mode)
        }))
    }

    fn wrap(server: RawServer) -> Hostile {
        Hostile {
            port: server.port,
            server,
        }
    }

    /// `http://127.0.0.1:port`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Everything received so far (head and body, as text), one request after the other.
    pub fn received(&self) -> String {
        let requests: Vec<String> = self
            .server
            .requests()
            .iter()
            .map(|r| format!("{}{}", r.head, String::from_utf8_lossy(&r.body)))
            .collect();
        requests.join("\n----\n")
    }
}

/// Answers one request as `mode` says.
fn serve(request: &RawRequest, mut out: TcpStream, mode: &Mode) {
    let path = request.path.as_str();
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
                let _ = out.write_all(&json_answer("{}"));
                return;
            }
            let location = format!("http://127.0.0.1:{port}{path}");
            let _ = out.write_all(&answer(
                "307 Temporary Redirect",
                &[("Location", &location)],
                b"",
            ));
        }
        Mode::Glpi { bomb } => {
            let _ = out.write_all(&glpi(path, bomb));
        }
        Mode::Record => {
            let _ = out.write_all(&answer(
                "404 Not Found",
                &[("Content-Type", "application/json")],
                b"[]",
            ));
        }
    }
}

/// [`Mode::Glpi`]'s answer to `path`.
fn glpi(path: &str, bomb: &(String, Vec<u8>)) -> Vec<u8> {
    let json = json_answer;
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
