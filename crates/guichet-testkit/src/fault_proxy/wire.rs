//! The proxy's minimal HTTP/1.1: one message per connection, read whole
//! (request head plus `Content-Length` body; responses to EOF, de-chunked),
//! written back with `Content-Length` and `Connection: close`.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::pace::{read_paced, Pace};

/// Largest request or response head accepted.
const MAX_HEAD: usize = 1 << 20;

/// How long the proxy waits for the target to connect.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the proxy waits for the target's whole answer.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(120);

/// A parsed HTTP message: start line, headers, body.
#[derive(Debug)]
pub(super) struct Message {
    pub(super) start: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Serialises with the hop-by-hop headers replaced: `Content-Length` of
    /// `body`, `Connection: close`.
    pub(super) fn to_bytes(&self, content_length: usize) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.start);
        for (name, value) in &self.headers {
            if is_hop_header(name) {
                continue;
            }
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str(&format!(
            "Content-Length: {content_length}\r\nConnection: close\r\n\r\n"
        ));
        out.into_bytes()
    }
}

fn is_hop_header(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "content-length",
        "te",
        "upgrade",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

/// Reads one request (head + `Content-Length` body, the body at `pace`).
/// `Ok(None)` when the client closed before sending anything.
pub(super) async fn read_request(
    stream: &mut TcpStream,
    pace: Pace,
) -> std::io::Result<Option<Message>> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(end) = find_head_end(&buf) {
            break end;
        }
        if buf.len() > MAX_HEAD {
            return Err(invalid("request head too large"));
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(invalid("client closed mid-head"))
            };
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let (start, headers) = parse_head(&buf[..head_end])?;
    let mut message = Message {
        start,
        headers,
        body: buf[head_end + 4..].to_vec(),
    };
    if message
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        return Err(invalid("chunked request bodies are not supported"));
    }
    let length: usize = message
        .header("content-length")
        .map(|v| v.trim().parse().map_err(|_| invalid("bad Content-Length")))
        .transpose()?
        .unwrap_or(0);
    if message.body.len() < length {
        let mut rest = vec![0u8; length - message.body.len()];
        read_paced(stream, &mut rest, pace).await?;
        message.body.extend_from_slice(&rest);
    }
    message.body.truncate(length);
    Ok(Some(message))
}

/// Sends `request` to the target with `Host` rewritten and
/// `Connection: close`, and reads the whole answer.
pub(super) async fn forward(request: &Message, authority: &str) -> std::io::Result<Message> {
    let mut upstream = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(authority))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timeout"))??;
    let mut forwarded = Message {
        start: request.start.clone(),
        headers: request
            .headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("host"))
            .cloned()
            .collect(),
        body: Vec::new(),
    };
    forwarded
        .headers
        .insert(0, ("Host".to_owned(), authority.to_owned()));
    upstream
        .write_all(&forwarded.to_bytes(request.body.len()))
        .await?;
    upstream.write_all(&request.body).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(UPSTREAM_TIMEOUT, upstream.read_to_end(&mut raw))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "upstream timeout"))??;
    let head_end = find_head_end(&raw).ok_or_else(|| invalid("upstream answer without head"))?;
    let (start, headers) = parse_head(&raw[..head_end])?;
    let mut response = Message {
        start,
        headers,
        body: Vec::new(),
    };
    let rest = &raw[head_end + 4..];
    response.body = if response
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        dechunk(rest)?
    } else if let Some(length) = response.header("content-length") {
        let length: usize = length
            .trim()
            .parse()
            .map_err(|_| invalid("bad Content-Length"))?;
        rest[..length.min(rest.len())].to_vec()
    } else {
        rest.to_vec()
    };
    Ok(response)
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

fn parse_head(head: &[u8]) -> std::io::Result<(String, Vec<(String, String)>)> {
    let text = std::str::from_utf8(head).map_err(|_| invalid("head is not UTF-8"))?;
    let mut lines = text.split("\r\n");
    let start = lines.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split_once(':')
                .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
                .ok_or_else(|| invalid("bad header line"))
        })
        .collect::<std::io::Result<_>>()?;
    Ok((start, headers))
}

/// Decodes a complete `Transfer-Encoding: chunked` body.
fn dechunk(mut raw: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| invalid("truncated chunk size"))?;
        let size_text =
            std::str::from_utf8(&raw[..line_end]).map_err(|_| invalid("bad chunk size"))?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        if raw.len() < size + 2 {
            return Err(invalid("truncated chunk"));
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dechunk_joins_chunks_and_stops_at_the_last_one() {
        let raw = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n";
        assert_eq!(dechunk(raw).unwrap(), b"Wikipedia");
    }

    #[test]
    fn dechunk_rejects_a_truncated_body() {
        assert!(dechunk(b"a\r\nshort").is_err());
    }

    #[test]
    fn hop_headers_are_replaced_on_serialisation() {
        let m = Message {
            start: "HTTP/1.1 200 OK".into(),
            headers: vec![
                ("Transfer-Encoding".into(), "chunked".into()),
                ("Content-Type".into(), "application/json".into()),
                ("Connection".into(), "keep-alive".into()),
            ],
            body: b"{}".to_vec(),
        };
        let text = String::from_utf8(m.to_bytes(2)).unwrap();
        assert_eq!(
            text,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
        );
    }
}
