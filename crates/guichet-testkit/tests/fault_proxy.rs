//! FaultProxy behaviour against a tiny local HTTP responder (no RT needed):
//! each fault is applied once to the matching request, and whether the
//! request reached the server is checked on the responder's own counter.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use guichet_testkit::{Fault, FaultProxy, Pace};

/// A one-request-per-connection HTTP server answering
/// `{"n":<requests so far>,"method":..,"path":..,"body":..}`; `/chunked`
/// answers with a chunked body.
struct Responder {
    url: String,
    hits: Arc<AtomicUsize>,
}

impl Responder {
    fn start() -> Responder {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&hits);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let counter = Arc::clone(&counter);
                std::thread::spawn(move || answer(&mut stream, &counter));
            }
        });
        Responder { url, hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn answer(stream: &mut std::net::TcpStream, counter: &AtomicUsize) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = stream.read(&mut chunk).unwrap();
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or(0);
    while buf.len() < head_end + 4 + length {
        let n = stream.read(&mut chunk).unwrap();
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end + 4..head_end + 4 + length]).into_owned();
    let mut start = head.lines().next().unwrap().split_whitespace();
    let (method, path) = (start.next().unwrap(), start.next().unwrap());
    let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
    let json =
        serde_json::json!({ "n": n, "method": method, "path": path, "body": body }).to_string();
    let response = if path == "/chunked" {
        let (a, b) = json.split_at(json.len() / 2);
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
            a.len(),
            b.len()
        )
    } else {
        format!(
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nLocation: /thing/{n}\r\nContent-Length: {}\r\n\r\n{json}",
            json.len()
        )
    };
    let _ = stream.write_all(response.as_bytes());
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn post(url: &str) -> reqwest::Result<reqwest::Response> {
    client()
        .post(format!("{url}/REST/2.0/ticket"))
        .json(&serde_json::json!({"Subject": "s"}))
        .send()
        .await
}

#[tokio::test]
async fn clean_requests_are_forwarded_with_body_headers_and_status() {
    let responder = Responder::start();
    let proxy = FaultProxy::start(&responder.url).unwrap();
    let response = post(&proxy.url()).await.unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["location"], "/thing/1");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["method"], "POST");
    assert_eq!(body["path"], "/REST/2.0/ticket");
    assert_eq!(body["body"], r#"{"Subject":"s"}"#);
    assert_eq!(responder.hits(), 1);
    let log = proxy.log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path, "/REST/2.0/ticket");
    assert_eq!(log[0].status, Some(201));
    assert!(log[0].forwarded);
    assert_eq!(log[0].fault, None);
    assert_eq!(proxy.count_exact("POST", "/REST/2.0/ticket"), 1);
    assert_eq!(proxy.count("GET", "/ticket"), 0);
}

#[tokio::test]
async fn chunked_answers_are_passed_on_dechunked() {
    let responder = Responder::start();
    let proxy = FaultProxy::start(&responder.url).unwrap();
    let response = client()
        .get(format!("{}/chunked", proxy.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["path"], "/chunked");
}

#[tokio::test]
async fn status_fault_answers_without_forwarding_then_is_consumed() {
    let responder = Responder::start();
    let proxy = FaultProxy::start(&responder.url).unwrap();
    proxy.push_fault(
        "POST",
        "/ticket",
        Fault::Status {
            code: 503,
            retry_after: Some(7),
        },
    );
    proxy.push_fault(
        "POST",
        "/ticket",
        Fault::Status {
            code: 429,
            retry_after: None,
        },
    );

    let first = post(&proxy.url()).await.unwrap();
    assert_eq!(first.status(), 503);
    assert_eq!(first.headers()["retry-after"], "7");
    let second = post(&proxy.url()).await.unwrap();
    assert_eq!(second.status(), 429);
    assert!(second.headers().get("retry-after").is_none());
    assert_eq!(
        responder.hits(),
        0,
        "injected statuses must not reach the server"
    );

    let third = post(&proxy.url()).await.unwrap();
    assert_eq!(third.status(), 201);
    assert_eq!(responder.hits(), 1);
    let statuses: Vec<_> = proxy
        .log()
        .iter()
        .map(|r| (r.status, r.forwarded))
        .collect();
    assert_eq!(
        statuses,
        [(Some(503), false), (Some(429), false), (Some(201), true)]
    );
}

#[tokio::test]
async fn faults_only_apply_to_matching_method_and_path() {
    let responder = Responder::start();
    let proxy = FaultProxy::start(&responder.url).unwrap();
    proxy.push_fault(
        "POST",
        "/correspond",
        Fault::Status {
            code: 500,
            retry_after: None,
        },
    );
    let get = client()
        .get(format!("{}/REST/2.0/ticket/1/correspond", proxy.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 201, "GET must not match a POST fault");
    let other = post(&proxy.url()).await.unwrap();
    assert_eq!(other.status(), 201, "/ticket does not contain /correspond");
    assert_eq!(proxy.pending_faults(), 1);
    let hit = client()
        .post(format!("{}/REST/2.0/ticket/1/correspond", proxy.url()))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(hit.status(), 500);
    assert_eq!(proxy.pending_faults(), 0);
    assert_eq!(responder.hits(), 2);
}

#[tokio::test]
async fn hang_never_answers_and_does_not_forward() {
    let responder = Responder::start();
    let proxy = FaultProxy::start(&responder.url).unwrap();
    proxy.push_fault("*", "/ticket", Fault::Hang(Duration::from_secs(30)));
    let started = std::time::Instant::now();
    let result = reqwest::Client::builder()
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap()
        .get(format!("{}/REST/2.0/ticket/1", proxy.url()))
        .send()
        .await;
    let error = result.expect_err("a hung request must time out");
    assert!(error.is_timeout(), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(responder.hits(), 0);
    assert_eq!(proxy.log()[0].status, None);
    assert_eq!(
        proxy.log()[0].fault,
        Some(Fault::Hang(Duration::from_secs(30)))
    );
}

#[tokio::test]
async fn close_mid_response_forwards_then_cuts_the_body() {
    let responder = Responder::start();
    let proxy = FaultProxy::start(&responder.url).unwrap();
    proxy.push_fault("POST", "/ticket", Fault::CloseMidResponse);
    let outcome = match post(&proxy.url()).await {
        Ok(response) => response.bytes().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(outcome.is_err(), "a cut body must be an error");
    assert_eq!(responder.hits(), 1, "the server did receive the request");
    assert_eq!(proxy.log()[0].status, Some(201));
    assert!(proxy.log()[0].forwarded);
}

#[tokio::test]
async fn malformed_json_keeps_status_but_breaks_the_body() {
    let responder = Responder::start();
    let proxy = FaultProxy::start(&responder.url).unwrap();
    proxy.push_fault("POST", "/ticket", Fault::MalformedJson);
    let response = post(&proxy.url()).await.unwrap();
    assert_eq!(response.status(), 201);
    let text = response.text().await.unwrap();
    assert!(text.starts_with(r#"{""#), "{text}");
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "{text}"
    );
    assert_eq!(responder.hits(), 1);
}

#[tokio::test]
async fn drop_response_lets_the_server_act_but_loses_the_answer() {
    let responder = Responder::start();
    let proxy = FaultProxy::start(&responder.url).unwrap();
    proxy.push_fault("POST", "/ticket", Fault::DropResponse);
    assert!(
        post(&proxy.url()).await.is_err(),
        "the client must see no answer"
    );
    assert_eq!(responder.hits(), 1, "the server must have acted");
    let entry = &proxy.log()[0];
    assert_eq!((entry.status, entry.forwarded), (Some(201), true));
    assert_eq!(entry.fault, Some(Fault::DropResponse));
    // The retry goes through and the server sees a second request.
    let retry: serde_json::Value = post(&proxy.url()).await.unwrap().json().await.unwrap();
    assert_eq!(retry["n"], 2);
}

#[tokio::test]
async fn down_proxy_closes_connections_until_up_again() {
    let responder = Responder::start();
    let proxy = FaultProxy::start(&responder.url).unwrap();
    proxy.set_down(true);
    assert!(post(&proxy.url()).await.is_err());
    assert!(post(&proxy.url()).await.is_err());
    assert_eq!(responder.hits(), 0);
    assert_eq!(proxy.refused_connections(), 2);
    assert!(proxy.log().is_empty());
    proxy.set_down(false);
    assert_eq!(post(&proxy.url()).await.unwrap().status(), 201);
    assert_eq!(responder.hits(), 1);
}

#[tokio::test]
async fn unreachable_target_closes_the_connection_unanswered() {
    let port = TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let proxy = FaultProxy::start(&format!("http://127.0.0.1:{port}")).unwrap();
    assert!(post(&proxy.url()).await.is_err());
    assert_eq!(proxy.log()[0].status, None);
    assert!(!proxy.log()[0].forwarded);
}

#[tokio::test]
async fn a_paced_proxy_delays_each_request_and_moves_bodies_piece_by_piece() {
    let responder = Responder::start();
    let proxy = FaultProxy::start(&responder.url).unwrap();
    proxy.set_pace(Pace {
        latency: Duration::from_millis(300),
        chunk: 16,
        chunk_delay: Duration::from_millis(20),
    });
    let started = std::time::Instant::now();
    let response = post(&proxy.url()).await.unwrap();
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(body["body"], r#"{"Subject":"s"}"#, "the body arrives whole");
    // 300 ms on the way, and an answer of about 80 bytes in 16-byte pieces 20 ms apart.
    assert!(elapsed >= Duration::from_millis(380), "{elapsed:?}");
    // The proxy is done with the exchange a moment after the client has read the answer.
    for _ in 0..50 {
        if proxy.in_flight() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(proxy.in_flight(), 0);
    proxy.set_pace(Pace::default());
    let started = std::time::Instant::now();
    post(&proxy.url()).await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(300));
    assert_eq!(responder.hits(), 2);
}

#[tokio::test]
async fn a_request_whose_client_hangs_up_on_the_way_is_not_forwarded() {
    let responder = Responder::start();
    let proxy = FaultProxy::start(&responder.url).unwrap();
    proxy.set_pace(Pace {
        latency: Duration::from_millis(800),
        ..Pace::default()
    });
    let mut stream = std::net::TcpStream::connect(proxy.addr()).unwrap();
    stream
        .write_all(b"POST /REST/2.0/ticket HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(proxy.in_flight(), 1, "the request is on its way");
    drop(stream);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(responder.hits(), 0, "nothing reached the server");
    assert_eq!(proxy.in_flight(), 0);
    assert!(!proxy.log()[0].forwarded);
}
