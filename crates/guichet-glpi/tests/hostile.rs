//! A hostile GLPI: compressed inventory answers that inflate without end (zlib and gzip), and
//! lists whose `Content-Range` total is never reached (API v1 and v2). Each is refused with
//! [`GlpiError::OverLimit`], naming the server and the limit, instead of filling the memory or
//! looping for ever. The server is a thread on loopback writing raw HTTP.

use guichet_glpi::*;
use guichet_sync::http::{Limit, INFLATED_LIMIT, PAGE_LIMIT};
use guichet_testkit::{http_answer, json_answer, RawServer};
use std::io::Write as _;

/// A server answering each request with `answer(method, path)` (raw HTTP); its base URL.
fn serve(answer: impl Fn(&str, &str) -> Vec<u8> + Send + Sync + 'static) -> String {
    // The server's threads run until the test process ends; the handle is not needed.
    RawServer::answering(answer).url()
}

fn json(body: &str) -> Vec<u8> {
    json_answer(body)
}

fn http() -> reqwest::Client {
    http_client(Timeouts::default()).unwrap()
}

/// `32 MiB` of zeros compressed as `kind` (a few dozen kilobytes on the wire).
fn bomb(kind: &str) -> Vec<u8> {
    let zeros = vec![0u8; 32 << 20];
    match kind {
        "zlib" => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(&zeros).unwrap();
            e.finish().unwrap()
        }
        _ => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(&zeros).unwrap();
            e.finish().unwrap()
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn inventory_zip_bomb_is_refused() {
    for kind in ["zlib", "gzip"] {
        let body = bomb(kind);
        let ctype = format!("application/x-compress-{kind}");
        let url = serve(move |_, _| http_answer("200 OK", &[("Content-Type", &ctype)], &body));
        let client = InventoryClient::new(
            http(),
            InventoryConfig {
                url: format!("{url}/front/inventory.php"),
                agent_id: uuid::Uuid::from_u128(1),
                agent_name: "Guichet".into(),
                agent_version: "test".into(),
                compression: Compression::Zlib,
                oauth: None,
            },
        );
        let err = client
            .contact("pc-1", &["inventory"], "0000ABCD")
            .await
            .unwrap_err();
        match &err {
            GlpiError::OverLimit(o) => {
                assert_eq!(o.limit, Limit::Inflated(INFLATED_LIMIT), "{kind}");
                assert_eq!(o.origin, url, "{kind}");
            }
            other => panic!("{kind}: {other:?}"),
        }
        assert_eq!(err.code(), GlpiErrorCode::OverLimit);
        assert!(matches!(
            classify(err),
            guichet_sync::ConnectorError::OverLimit(_)
        ));
    }
}

/// A page of `n` items that always claims more are left.
fn endless_page(n: usize) -> Vec<u8> {
    let items: Vec<String> = (0..n)
        .map(|i| format!("{{\"id\":{},\"date_mod\":\"2026-01-01 00:00:00\"}}", i + 1))
        .collect();
    http_answer(
        "206 Partial Content",
        &[
            ("Content-Type", "application/json"),
            ("Content-Range", &format!("0-{}/999999999", n - 1)),
        ],
        format!("[{}]", items.join(",")).as_bytes(),
    )
}

fn assert_page_limit(err: GlpiError, url: &str) {
    match err {
        GlpiError::OverLimit(o) => {
            assert_eq!(o.limit, Limit::Pages(PAGE_LIMIT));
            assert_eq!(o.origin, url);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn endless_pages_stop_at_the_page_limit() {
    // API v1: `range` after `range`, the total never reached.
    let url = serve(|_, path| {
        if path.contains("initSession") {
            json(r#"{"session_token":"t"}"#)
        } else if path.contains("getFullSession") {
            json(
                r#"{"session":{"glpiname":"alice","glpiID":2,
                    "glpiactiveprofile":{"interface":"central"}}}"#,
            )
        } else {
            endless_page(200)
        }
    });
    let v1 = RestClient::v1(
        http(),
        V1Config {
            base_url: url.clone(),
            app_token: None,
            auth: V1Auth::UserToken(Secret::new("token")),
        },
    );
    assert_page_limit(v1.kb_snapshot().await.unwrap_err(), &url);

    // API v2: `start`/`limit`, the total never reached.
    let url = serve(|_, path| {
        if path.contains("api.php/token") {
            json(r#"{"access_token":"t","token_type":"Bearer","expires_in":3600}"#)
        } else {
            endless_page(100)
        }
    });
    let v2 = RestClient::v2(
        http(),
        V2Config {
            base_url: url.clone(),
            client_id: "c".into(),
            client_secret: Secret::new("s"),
            username: "alice".into(),
            password: Secret::new("p"),
        },
    );
    assert_page_limit(v2.kb_snapshot().await.unwrap_err(), &url);
}
