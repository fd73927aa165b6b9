//! A hostile or broken Request Tracker: a collection that never stops paging is refused at
//! Guichet's page limit (not silently cut short), and an id that is not RT's (a forged
//! bundle's `remote_id`) never reaches a URL path. The server is a thread on loopback writing
//! raw HTTP and recording the requests it receives.

use guichet_rt::{RtConfig, RtConnector};
use guichet_sync::http::{Limit, PAGE_LIMIT};
use guichet_sync::{Connector, ConnectorError, OutgoingReply};
use guichet_testkit::{json_answer as json, RawServer};

/// A server answering each request with `answer(method, path)` (raw HTTP); its base URL and
/// the `METHOD path` of each request received.
fn serve(answer: impl Fn(&str, &str) -> Vec<u8> + Send + Sync + 'static) -> (String, RawServer) {
    let server = RawServer::answering(answer);
    (server.url(), server)
}

/// `METHOD path` of each request `server` received.
fn seen(server: &RawServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn connector(url: &str) -> RtConnector {
    RtConnector::new(RtConfig::new(url, "alice", "ServiceDesk"), "s3cret".into()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn endless_pages_stop_at_the_page_limit() {
    // Every page is full (RT's 100 items), so a client asks for the next one, for ever.
    let item = r#"{"id":"1","Subject":"x","Status":"open","LastUpdated":"2026-01-01T00:00:00Z","Type":"Comment"}"#;
    let page = format!(r#"{{"items":[{}]}}"#, vec![item; 100].join(","));
    let (url, server) = serve(move |_, _| json(&page));
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
    assert_eq!(seen(&server).len(), PAGE_LIMIT + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn rt_remote_id_is_not_spliced_into_the_url_path() {
    let (url, server) = serve(|_, path| {
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
    let seen = seen(&server);
    assert!(
        seen.iter().all(|r| !r.starts_with("POST")),
        "a reply was sent to a forged path: {seen:?}"
    );
}
