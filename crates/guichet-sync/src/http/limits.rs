//! Limits on what a server may make Guichet hold: the bytes of one answer, the bytes once
//! inflated, and the pages of one list. A broken or hostile server (an endless body, a
//! decompression bomb, a `next` page that never ends) meets one of them and the exchange stops
//! with [`OverLimit`], naming the server and the limit, instead of filling the memory.
//!
//! Both connectors read every answer through [`read_body`] (or [`read_capped`]) and count
//! their pages with [`Paging`]: one mechanism, one set of numbers.

use std::fmt;

use reqwest::Response;

/// The largest API answer read (JSON: a ticket list page, an article page, a session). Real
/// GLPI and RT pages are well under a megabyte; the margin is for big knowledge-base pages.
pub const ANSWER_LIMIT: u64 = 16 * 1024 * 1024;

/// The most an answer may inflate to (GLPI's compressed inventory answers: a few hundred
/// bytes in practice).
pub const INFLATED_LIMIT: u64 = 1024 * 1024;

/// The most pages read for one list: 10,000 items with RT's or GLPI API v2's 100 a page,
/// 20,000 with API v1's 200, far past what a self-service account sees. Parsed, a page of small
/// items takes many times its bytes: a `guichet sync` reading 100 pages of them peaked at
/// 57 MiB, with 500 at 96 MiB (`guichet-cli`'s `tests/hostile_cli.rs`, debug build).
pub const PAGE_LIMIT: usize = 100;

/// The most bytes read for one list, all its pages together.
pub const LIST_LIMIT: u64 = 32 * 1024 * 1024;

/// Which limit a server's answer went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// One answer's bytes.
    Body(u64),
    /// An answer's bytes once inflated.
    Inflated(u64),
    /// The pages of one list.
    Pages(usize),
    /// The bytes of one list, all pages together.
    List(u64),
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Limit::Body(n) => write!(f, "an answer over {}", size(n)),
            Limit::Inflated(n) => write!(f, "an answer inflating past {}", size(n)),
            Limit::Pages(n) => write!(f, "a list of more than {n} pages"),
            Limit::List(n) => write!(f, "a list over {}", size(n)),
        }
    }
}

fn size(n: u64) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else {
        format!("{n} bytes")
    }
}

/// A server's answer went past one of Guichet's limits; nothing more of it was read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{origin} sent {limit}, past Guichet's limit: reading stopped there and nothing of it was \
     kept (a broken or hostile server?)"
)]
pub struct OverLimit {
    /// The server (`scheme://host:port`).
    pub origin: String,
    /// The limit it went past.
    pub limit: Limit,
}

impl OverLimit {
    /// The limit `limit` passed by the server of `url`.
    pub fn at(url: &reqwest::Url, limit: Limit) -> OverLimit {
        OverLimit {
            origin: url.origin().ascii_serialization(),
            limit,
        }
    }
}

/// What [`read_body`] read.
#[derive(Debug)]
pub enum Body {
    /// The whole body.
    Whole(Vec<u8>),
    /// A body over the limit, not read further: its size as announced (`Content-Length`) or
    /// as far as it was read.
    Over(u64),
}

/// Reads `resp`'s body up to `limit` bytes: an announced length over it is not read at all,
/// and reading stops as soon as the bytes received pass it (a server lying about the length,
/// or sending without one, cannot make Guichet hold more).
pub async fn read_body(resp: &mut Response, limit: u64) -> Result<Body, reqwest::Error> {
    if let Some(n) = resp.content_length().filter(|&n| n > limit) {
        return Ok(Body::Over(n));
    }
    let announced = resp.content_length().unwrap_or(0).min(limit);
    let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
    while let Some(chunk) = resp.chunk().await? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Ok(Body::Over((body.len() + chunk.len()) as u64));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Body::Whole(body))
}

/// Why [`read_capped`] failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The connection failed.
    #[error(transparent)]
    Transport(#[from] reqwest::Error),
    /// The body went past the limit.
    #[error(transparent)]
    OverLimit(#[from] OverLimit),
}

/// The whole body of `resp`, or [`OverLimit`] when it is over `limit` bytes.
pub async fn read_capped(mut resp: Response, limit: u64) -> Result<Vec<u8>, ReadError> {
    match read_body(&mut resp, limit).await? {
        Body::Whole(b) => Ok(b),
        Body::Over(_) => Err(OverLimit::at(resp.url(), Limit::Body(limit)).into()),
    }
}

/// Inflates with `read` (a zlib or gzip decoder over the compressed bytes) up to `limit`
/// bytes; past it, [`OverLimit`] for the server of `url`.
pub fn inflate_capped(
    read: impl std::io::Read,
    limit: u64,
    url: &reqwest::Url,
) -> Result<std::io::Result<Vec<u8>>, OverLimit> {
    use std::io::Read as _;
    let mut out = Vec::new();
    match read.take(limit + 1).read_to_end(&mut out) {
        Ok(_) if out.len() as u64 > limit => Err(OverLimit::at(url, Limit::Inflated(limit))),
        Ok(_) => Ok(Ok(out)),
        Err(e) => Ok(Err(e)),
    }
}

/// Counts the pages and bytes of one list against [`PAGE_LIMIT`] and [`LIST_LIMIT`].
#[derive(Debug, Clone)]
pub struct Paging {
    pages: usize,
    bytes: u64,
    max_pages: usize,
    max_bytes: u64,
}

impl Default for Paging {
    fn default() -> Self {
        Paging::new(PAGE_LIMIT, LIST_LIMIT)
    }
}

impl Paging {
    /// A count with other limits (tests use small ones).
    pub fn new(max_pages: usize, max_bytes: u64) -> Paging {
        Paging {
            pages: 0,
            bytes: 0,
            max_pages,
            max_bytes,
        }
    }

    /// Counts one more page of `bytes` bytes from the server of `url`; past a limit,
    /// [`OverLimit`].
    pub fn page(&mut self, url: &reqwest::Url, bytes: usize) -> Result<(), OverLimit> {
        self.pages += 1;
        self.bytes += bytes as u64;
        if self.pages > self.max_pages {
            return Err(OverLimit::at(url, Limit::Pages(self.max_pages)));
        }
        if self.bytes > self.max_bytes {
            return Err(OverLimit::at(url, Limit::List(self.max_bytes)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_name_the_server_and_the_size() {
        let url = reqwest::Url::parse("https://glpi.example.org:8443/apirest.php/x").unwrap();
        let e = OverLimit::at(&url, Limit::Body(ANSWER_LIMIT)).to_string();
        assert!(e.contains("https://glpi.example.org:8443"), "{e}");
        assert!(e.contains("16 MiB"), "{e}");
        let mut p = Paging::new(2, 100);
        assert!(p.page(&url, 10).is_ok() && p.page(&url, 10).is_ok());
        assert_eq!(p.page(&url, 10).unwrap_err().limit, Limit::Pages(2));
        let mut p = Paging::new(9, 15);
        p.page(&url, 10).unwrap();
        assert_eq!(p.page(&url, 10).unwrap_err().limit, Limit::List(15));
    }

    #[test]
    fn inflating_stops_at_the_limit() {
        let url = reqwest::Url::parse("http://127.0.0.1:1/").unwrap();
        let zeros = std::io::repeat(0).take(10_000);
        use std::io::Read as _;
        assert!(inflate_capped(zeros, 100, &url).is_err());
        let small = &b"{}"[..];
        assert_eq!(inflate_capped(small, 100, &url).unwrap().unwrap(), b"{}");
    }
}
