//! Where secrets may go: never to another origin through a redirect, and over plain `http://`
//! only to this machine unless the connection says otherwise.
//!
//! Why refuse every cross-origin redirect rather than strip headers: reqwest strips
//! `Authorization` and `Cookie` on a cross-host hop but not GLPI's `App-Token` or
//! `Session-Token`, and re-sends a form body (OAuth's `password`, `client_secret`) on a 307 or
//! 308. A list of headers to strip would miss the next secret someone adds; a service desk
//! that moved has its new address configured instead. Same-origin redirects (a trailing slash,
//! a login path) are still followed.

use reqwest::redirect::{Attempt, Policy};
use reqwest::Url;

/// At most this many same-origin redirects per request (reqwest's default is 10).
const MAX_REDIRECTS: usize = 10;

/// The redirect policy of every client: same origin only.
pub fn redirect_policy() -> Policy {
    Policy::custom(|attempt: Attempt<'_>| {
        let from = attempt.previous().last().map(Url::origin);
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
        }
        if from.as_ref() == Some(&attempt.url().origin()) {
            return attempt.follow();
        }
        let message = CrossOrigin {
            from: from.map(|o| o.ascii_serialization()).unwrap_or_default(),
            to: attempt.url().origin().ascii_serialization(),
        }
        .to_string();
        attempt.error(message)
    })
}

/// A refused redirect to another origin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{from} redirected to another server, {to}: not followed, so that no credential goes \
     there (configure the address the service desk answers at)"
)]
pub struct CrossOrigin {
    /// Where the request went.
    pub from: String,
    /// Where the server sent it.
    pub to: String,
}

/// Whether `url` reaches this machine only (`localhost`, `127.0.0.0/8`, `::1`).
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Why [`check_transport`] refused an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportRefusal {
    /// Not a URL, or not `http(s)`.
    #[error("`{0}` is not an http:// or https:// address")]
    NotHttp(String),
    /// Plain `http://` to another machine without the connection's consent.
    #[error(
        "{0} is plain http:// to another machine: passwords, tokens and tickets would cross \
         the network unencrypted; use https://, or allow it explicitly (`--allow-insecure-http`)"
    )]
    Insecure(String),
}

/// Checks that `address` may carry the connection's secrets: `https://`, or `http://` to this
/// machine, or `http://` anywhere when `allow_insecure_http` is set. `Ok(true)` when the address
/// is insecure and allowed (the caller warns).
pub fn check_transport(address: &str, allow_insecure_http: bool) -> Result<bool, TransportRefusal> {
    let url = Url::parse(address).map_err(|_| TransportRefusal::NotHttp(address.into()))?;
    match url.scheme() {
        "https" => Ok(false),
        "http" if is_loopback(&url) => Ok(false),
        "http" if allow_insecure_http => Ok(true),
        "http" => Err(TransportRefusal::Insecure(
            url.origin().ascii_serialization(),
        )),
        _ => Err(TransportRefusal::NotHttp(address.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_for_this_machine_or_explicit() {
        assert_eq!(
            check_transport("https://glpi.example.org", false),
            Ok(false)
        );
        assert_eq!(check_transport("http://127.0.0.1:8080", false), Ok(false));
        assert_eq!(check_transport("http://localhost/glpi", false), Ok(false));
        assert_eq!(check_transport("http://[::1]:80", false), Ok(false));
        assert!(matches!(
            check_transport("http://glpi.example.org", false),
            Err(TransportRefusal::Insecure(_))
        ));
        assert!(matches!(
            check_transport("http://localhost.example.org", false),
            Err(TransportRefusal::Insecure(_))
        ));
        assert_eq!(check_transport("http://glpi.example.org", true), Ok(true));
        assert!(matches!(
            check_transport("ftp://x", true),
            Err(TransportRefusal::NotHttp(_))
        ));
    }
}
