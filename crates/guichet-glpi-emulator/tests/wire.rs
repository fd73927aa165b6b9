//! The emulator's wire formats, checked with a plain HTTP client against what GLPI's documents
//! say (apirest.md, resources/api_doc.MD, GLPI Agent's protocol).

use flate2::read::ZlibDecoder;
use flate2::write::{GzEncoder, ZlibEncoder};
use guichet_glpi_emulator::{seed, Emulator, EmulatorConfig};
use serde_json::{json, Value};
use std::io::{Read, Write};

async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default()).await.unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn session(emu: &Emulator) -> String {
    let r = client()
        .get(format!("{}/apirest.php/initSession", emu.base_url()))
        .header("App-Token", "app-token-0123456789")
        .header("Authorization", format!("user_token {}", seed::USER_TOKEN))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["session_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn v1_errors_are_code_message_arrays_with_documented_statuses() {
    let emu = start().await;
    let base = emu.base_url();
    // No Session-Token: 400 ERROR_SESSION_TOKEN_MISSING.
    let r = client()
        .get(format!("{base}/apirest.php/Ticket/1"))
        .header("App-Token", "app-token-0123456789")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()[0],
        "ERROR_SESSION_TOKEN_MISSING"
    );
    // Bad Session-Token: 401 ERROR_SESSION_TOKEN_INVALID.
    let r = client()
        .get(format!("{base}/apirest.php/Ticket/1"))
        .header("App-Token", "app-token-0123456789")
        .header("Session-Token", "nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<Value>().await.unwrap()[0],
        "ERROR_SESSION_TOKEN_INVALID"
    );
    // Unknown item: 404 ERROR_ITEM_NOT_FOUND.
    let token = session(&emu).await;
    let r = client()
        .get(format!("{base}/apirest.php/Ticket/42"))
        .header("App-Token", "app-token-0123456789")
        .header("Session-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body[0], "ERROR_ITEM_NOT_FOUND");
    assert!(body[1].is_string());
    // Add without `input`: 400 ERROR_BAD_ARRAY.
    let r = client()
        .post(format!("{base}/apirest.php/Ticket/"))
        .header("App-Token", "app-token-0123456789")
        .header("Session-Token", &token)
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()[0], "ERROR_BAD_ARRAY");
}

#[tokio::test]
async fn v1_ranges_answer_206_with_content_range() {
    let emu = start().await;
    let base = emu.base_url();
    let token = session(&emu).await;
    for i in 0..3 {
        let r = client()
            .post(format!("{base}/apirest.php/Ticket/"))
            .header("App-Token", "app-token-0123456789")
            .header("Session-Token", &token)
            .json(&json!({"input": {"name": format!("t{i}"), "content": "c"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        assert!(r.headers().get("Location").is_some());
    }
    let get = |range: &'static str| {
        client()
            .get(format!("{base}/apirest.php/Ticket/?range={range}"))
            .header("App-Token", "app-token-0123456789")
            .header("Session-Token", &token)
            .send()
    };
    let r = get("0-1").await.unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(r.headers()["Content-Range"], "0-1/3");
    assert_eq!(r.headers()["Accept-Range"], "Ticket 990");
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 2);
    let r = get("0-49").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["Content-Range"], "0-2/3");
    let r = get("5-9").await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()[0],
        "ERROR_RANGE_EXCEED_TOTAL"
    );
}

#[tokio::test]
async fn oauth_token_errors_follow_rfc6749() {
    let emu = start().await;
    let r = client()
        .post(format!("{}/api.php/token", emu.base_url()))
        .form(&[
            ("grant_type", "password"),
            ("client_id", "x"),
            ("client_secret", "y"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_client");
    let r = client()
        .post(format!("{}/api.php/token", emu.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", seed::INVENTORY_CLIENT_ID),
            ("client_secret", seed::INVENTORY_CLIENT_SECRET),
            ("scope", "inventory"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 3600);
    // A client-credentials token is not a user token: the API refuses it.
    let r = client()
        .get(format!("{}/api.php/v2/Assistance/Ticket", emu.base_url()))
        .bearer_auth(v["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn inventory_answers_in_the_request_encoding() {
    let emu = start().await;
    let msg = json!({"action": "contact", "deviceid": "pc-2026-01-01-00-00-00", "name": "GLPI-Agent", "version": "1.7",
        "installed-tasks": ["inventory"], "enabled-tasks": ["inventory"]});
    let mut z = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(msg.to_string().as_bytes()).unwrap();
    let r = client()
        .post(format!("{}/", emu.base_url()))
        .header("Content-Type", "application/x-compress-zlib")
        .header("GLPI-Request-ID", "0000ABCD")
        .body(z.finish().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["Content-Type"], "application/x-compress-zlib");
    assert_eq!(r.headers()["GLPI-Request-ID"], "0000ABCD");
    let mut out = String::new();
    ZlibDecoder::new(&r.bytes().await.unwrap()[..])
        .read_to_string(&mut out)
        .unwrap();
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["expiration"], 24);

    // gzip is accepted too; an unknown Content-Type is refused.
    let mut g = GzEncoder::new(Vec::new(), flate2::Compression::default());
    g.write_all(msg.to_string().as_bytes()).unwrap();
    let r = client()
        .post(format!("{}/front/inventory.php", emu.base_url()))
        .header("Content-Type", "application/x-compress-gzip")
        .body(g.finish().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = client()
        .post(format!("{}/front/inventory.php", emu.base_url()))
        .header("Content-Type", "text/plain")
        .body(msg.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(emu.state().agents["pc-2026-01-01-00-00-00"].contacts, 2);
}

#[test]
fn multipart_parser_reads_manifest_and_file() {
    let body = b"--XYZ\r\nContent-Disposition: form-data; name=\"uploadManifest\"\r\n\r\n{\"input\":{}}\r\n--XYZ\r\nContent-Disposition: form-data; name=\"filename[0]\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XYZ--\r\n";
    let parts = guichet_glpi_emulator::v1::parse_multipart(body, "XYZ");
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].name, "uploadManifest");
    assert_eq!(parts[0].data, b"{\"input\":{}}");
    assert_eq!(parts[1].filename.as_deref(), Some("a.txt"));
    assert_eq!(parts[1].content_type.as_deref(), Some("text/plain"));
    assert_eq!(parts[1].data, b"hello");
}
