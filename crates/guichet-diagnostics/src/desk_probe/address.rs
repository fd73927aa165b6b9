//! Where the service desk is: its URL split into what a connection needs.

use std::net::IpAddr;

/// The desk's address as a connection needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskAddress {
    /// Whether the desk is reached over TLS (`https`).
    pub tls: bool,
    /// Host name, or IP address without brackets.
    pub host: String,
    /// The host when it is an IP address (no DNS needed).
    pub ip: Option<IpAddr>,
    /// Port (the scheme's default when the URL has none).
    pub port: u16,
    /// Path to ask for (`/`, `/rt/`), with its query.
    pub path: String,
}

impl DeskAddress {
    /// Parses a desk URL (`https://rt.example.org/`, `http://127.0.0.1:8080/rt`); `None` for
    /// anything but an `http`/`https` URL with a host.
    pub fn parse(text: &str) -> Option<DeskAddress> {
        let url = url::Url::parse(text.trim()).ok()?;
        let tls = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => return None,
        };
        let (host, ip) = match url.host()? {
            url::Host::Domain(d) => (d.to_string(), None),
            url::Host::Ipv4(a) => (a.to_string(), Some(IpAddr::V4(a))),
            url::Host::Ipv6(a) => (a.to_string(), Some(IpAddr::V6(a))),
        };
        let mut path = url.path().to_string();
        if let Some(q) = url.query() {
            path.push('?');
            path.push_str(q);
        }
        Some(DeskAddress {
            tls,
            host,
            ip,
            port: url.port_or_known_default()?,
            path,
        })
    }

    /// Whether the desk is this machine (a loopback address or `localhost`): reachable with
    /// no network, and plain `http` to it crosses no wire.
    pub fn is_loopback(&self) -> bool {
        match self.ip {
            Some(ip) => ip.is_loopback(),
            None => is_localhost(&self.host),
        }
    }

    /// `host:port`, as a `CONNECT` target (IPv6 in brackets).
    pub fn authority(&self) -> String {
        format!("{}:{}", self.bracketed(), self.port)
    }

    /// The `Host` header: the host, and the port unless it is the scheme's default.
    pub fn host_header(&self) -> String {
        if self.port == if self.tls { 443 } else { 80 } {
            self.bracketed()
        } else {
            self.authority()
        }
    }

    fn bracketed(&self) -> String {
        match self.ip {
            Some(IpAddr::V6(_)) => format!("[{}]", self.host),
            _ => self.host.clone(),
        }
    }
}

/// `localhost` and its subdomains, which resolve to loopback by definition (RFC 6761).
pub fn is_localhost(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "localhost" || h.ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desk_urls_are_split_with_default_ports() {
        let a = DeskAddress::parse("https://rt.example.org/").unwrap();
        assert_eq!(
            (a.tls, a.host.as_str(), a.ip, a.port, a.path.as_str()),
            (true, "rt.example.org", None, 443, "/")
        );
        assert!(!a.is_loopback());
        assert_eq!(a.authority(), "rt.example.org:443");
        assert_eq!(a.host_header(), "rt.example.org");
        let a = DeskAddress::parse("http://127.0.0.1:8080/rt?x=1").unwrap();
        assert_eq!((a.tls, a.port, a.path.as_str()), (false, 8080, "/rt?x=1"));
        assert!(a.is_loopback() && a.ip.is_some());
        let a = DeskAddress::parse("https://[::1]:8443").unwrap();
        assert_eq!(a.authority(), "[::1]:8443");
        assert_eq!(a.host_header(), "[::1]:8443");
        assert!(a.is_loopback());
        assert!(DeskAddress::parse("http://LocalHost./")
            .unwrap()
            .is_loopback());
        assert_eq!(DeskAddress::parse("ftp://x/"), None);
        assert_eq!(DeskAddress::parse("not a url"), None);
    }
}
