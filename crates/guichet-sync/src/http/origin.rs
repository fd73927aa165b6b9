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

    /// A server answering its connections in turn with `answers`; its port.
    fn serve(answers: Vec<String>) -> u16 {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for (answer, conn) in answers.into_iter().zip(listener.incoming()) {
                let mut conn = conn.unwrap();
                let mut buf = [0u8; 4096];
                let _ = conn.read(&mut buf);
                let _ = conn.write_all(answer.as_bytes());
            }
        });
        port
    }

    fn redirect_to(location: &str) -> String {
        format!(
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n"
        )
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn same_origin_redirects_are_followed_others_refused() {
        let client = crate::http::client(&crate::http::HttpOptions::default()).unwrap();
        let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
        let port = serve(vec![redirect_to("/final"), ok.to_string()]);
        let r = client
            .post(format!("http://127.0.0.1:{port}/start"))
            .body("secret")
            .send()
            .await
            .unwrap();
        assert_eq!(r.url().path(), "/final");
        assert_eq!(r.text().await.unwrap(), "ok");

        let elsewhere = serve(vec![ok.to_string()]);
        let port = serve(vec![redirect_to(&format!(
            "http://127.0.0.1:{elsewhere}/final"
        ))]);
        let err = client
            .get(format!("http://127.0.0.1:{port}/start"))
            .send()
            .await
            .unwrap_err();
        assert!(err.is_redirect(), "{err:?}");
        let e = crate::http::transport_error(&err);
        assert!(
            e.to_string().contains("redirected to another server"),
            "{e}"
        );
    }

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
