//! The head of an HTTP/1.1 answer: its status and its `Date` header. Read from a server, so
//! bounded: the head must fit in [`HEAD_LIMIT`] bytes.

/// The most bytes of an answer's head read before giving up.
pub const HEAD_LIMIT: usize = 16 * 1024;

/// What the probe keeps of an answer's head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The status code.
    pub status: u16,
    /// The `Date` header, as sent.
    pub date: Option<String>,
}

/// Parses a complete head (`HTTP/1.1 200 OK\r\nDate: …\r\n\r\n`); `None` when it is not one.
pub fn parse(head: &[u8]) -> Option<Head> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let mut status_line = lines.next()?.split(' ');
    if !status_line.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let code = status_line.next()?;
    if code.len() != 3 {
        return None;
    }
    let status = code.parse().ok()?;
    let date = lines.find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("date")
            .then(|| value.trim().to_string())
    });
    Some(Head { status, date })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_and_date_are_read_from_a_head() {
        let raw =
            b"HTTP/1.1 302 Found\r\nServer: x\r\ndate:  Sun, 06 Dec 2026 18:03:10 GMT \r\n\r\n";
        assert_eq!(
            parse(raw),
            Some(Head {
                status: 302,
                date: Some("Sun, 06 Dec 2026 18:03:10 GMT".into())
            })
        );
        assert_eq!(
            parse(b"HTTP/1.0 200 OK\r\n\r\n").map(|h| (h.status, h.date)),
            Some((200, None))
        );
        assert_eq!(parse(b"SSH-2.0-OpenSSH_9.2\r\n\r\n"), None);
        assert_eq!(parse(b"HTTP/1.1 2000 OK\r\n\r\n"), None);
    }
}
