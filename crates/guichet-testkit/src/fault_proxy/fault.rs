//! The faults a test can queue, and how each one answers the client.

use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::pace::{write_paced, Pace};
use super::wire::Message;

/// What the proxy does to one matching request instead of a clean forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status (500, 503, 429...) without forwarding, with a
    /// `Retry-After: <secs>` header when given and a JSON `message` body.
    Status {
        /// HTTP status code to answer.
        code: u16,
        /// Value of the `Retry-After` header, in seconds.
        retry_after: Option<u64>,
    },
    /// Read the request, do not forward it, answer nothing for this long,
    /// then close the connection (the client should time out first).
    Hang(Duration),
    /// Forward, then send the head (with the full `Content-Length`) and half
    /// of the body, and close.
    CloseMidResponse,
    /// Forward, then answer the server's status with its body cut in half
    /// (invalid JSON), `Content-Length` matching the cut body.
    MalformedJson,
    /// Forward and let the server act, then close the client connection
    /// without answering: "the server's answer was lost".
    DropResponse,
}

fn reason(code: u16) -> &'static str {
    match code {
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Injected Fault",
    }
}

/// Answers an injected status without forwarding: a JSON `message` body,
/// and `Retry-After` when given.
pub(super) async fn answer_status(client: &mut TcpStream, code: u16, retry_after: Option<u64>) {
    let body = format!(r#"{{"message":"fault proxy: injected {code}"}}"#);
    let mut head = format!(
        "HTTP/1.1 {code} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        reason(code),
        body.len()
    );
    if let Some(secs) = retry_after {
        head.push_str(&format!("Retry-After: {secs}\r\n"));
    }
    head.push_str("\r\n");
    let _ = client.write_all(head.as_bytes()).await;
    let _ = client.write_all(body.as_bytes()).await;
    let _ = client.shutdown().await;
}

/// Passes the target's `response` on to the client, damaged as `fault`
/// says (dropped, cut mid-body, truncated JSON), or intact without one, its
/// body at `pace`.
pub(super) async fn relay(
    client: &mut TcpStream,
    response: &Message,
    fault: Option<&Fault>,
    pace: Pace,
) {
    match fault {
        Some(Fault::DropResponse) => {}
        Some(Fault::CloseMidResponse) => {
            let half = response.body.len() / 2;
            let _ = client
                .write_all(&response.to_bytes(response.body.len()))
                .await;
            let _ = client.write_all(&response.body[..half]).await;
            let _ = client.flush().await;
            let _ = client.shutdown().await;
        }
        Some(Fault::MalformedJson) => {
            let body: &[u8] = if response.body.len() >= 2 {
                &response.body[..response.body.len() / 2]
            } else {
                b"{\""
            };
            let _ = client.write_all(&response.to_bytes(body.len())).await;
            let _ = client.write_all(body).await;
            let _ = client.shutdown().await;
        }
        _ => {
            let _ = client
                .write_all(&response.to_bytes(response.body.len()))
                .await;
            let _ = write_paced(client, &response.body, pace).await;
            let _ = client.shutdown().await;
        }
    }
}
