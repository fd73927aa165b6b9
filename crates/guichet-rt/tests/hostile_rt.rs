//! A hostile or broken Request Tracker: a collection that never stops paging is refused at
//! Guichet's page limit (not silently cut short), and an id that is not RT's (a forged
//! bundle's `remote_id`) never reaches a URL path. The server is a thread on loopback writing
//! raw HTTP and recording the requests it receives.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use guichet_rt::{RtConfig, RtConnector};
use guichet_sync::http::{Limit, PAGE_LIMIT};
use guichet_sync::{Connector, ConnectorError, OutgoingReply};

/// A server answering each request with `answer(method, path)` (raw HTTP); its base URL and
/// the `METHOD path` of each request received.
fn serve(
    answer: impl Fn(&str, &str) -> Vec<u8> + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let answer = Arc::new(answer);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let (answer, record) = (answer.clone(), record.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let (mut head, mut length) = (String::new(), 0usize);
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
                let mut words = head.split_whitespace();
                let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
                record.lock().unwrap().push(format!("{method} {path}"));
                let mut out = conn;
                let _ = out.write_all(&answer(method, path));
            });
        }
    });
    (format!("http://127.0.0.1:{port}"), seen)
}

fn json(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn connector(url: &str) -> RtConnector {
    RtConnector::new(RtConfig::new(url, "alice", "ServiceDesk"), "s3cret".into()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn endless_pages_stop_at_the_page_limit() {
    // Every page is full (RT's 100 items), so a client asks for the next one, for ever.
    let item = r#"{"id":"1","Subject":"x","Status":"open","LastUpdated":"2026-01-01T00:00:00Z","Type":"Comment"}"#;
    let page = format!(r#"{{"items":[{}]}}"#, vec![item; 100].join(","));
    let (url, seen) = serve(move |_, _| json(&page));
    let err = connector(&url)
        .pull_ticket_changes(None, &["1".to_string()])
        .await
        .unwrap_err();
    match err {
        ConnectorError::OverLimit(o) => {
            assert_eq!(o.limit, Limit::Pages(PAGE_LIMIT));
            assert_eq!(o.origin, url);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(seen.lock().unwrap().len(), PAGE_LIMIT + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn rt_remote_id_is_not_spliced_into_the_url_path() {
    let (url, seen) = serve(|_, path| {
        if path.starts_with("/REST/2.0/queue/") {
            json(r#"{"TicketTransactionCustomFields":[{"name":"ClientTxnUUID"}]}"#)
        } else {
            json(r#"{"items":[]}"#)
        }
    });
    for forged in [
        "1/../../queue/General",
        "1?Status=resolved",
        "../user/root",
        "",
        "1 2",
    ] {
        let reply = OutgoingReply {
            client_uuid: uuid::Uuid::from_u128(7),
            ticket_remote_id: forged.to_string(),
            author: "alice".into(),
            body: "hello".into(),
            attachments: Vec::new(),
        };
        let err = connector(&url).push_reply(&reply).await.unwrap_err();
        assert!(
            matches!(&err, ConnectorError::Permanent { message, .. } if message.contains("not an RT id")),
            "{forged}: {err:?}"
        );
    }
    let seen = seen.lock().unwrap();
    assert!(
        seen.iter().all(|r| !r.starts_with("POST")),
        "a reply was sent to a forged path: {seen:?}"
    );
}
