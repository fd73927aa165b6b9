//! The desk checks for real, on loopback: TLS servers with certificates made here (valid,
//! five days left, expired, self-signed, for another name), a `CONNECT` proxy, a closed port,
//! and the real Request Tracker (guichet-testkit) for a plain-http desk and its `Date` header.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use guichet_diagnostics::{all_checks, run, CheckStatus, Context, DeskTarget, Finding};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::OffsetDateTime;

fn check(id: &str, ctx: &Context) -> Finding {
    let c = all_checks().into_iter().find(|c| c.id() == id).expect(id);
    let mut f = c.run(ctx);
    assert_eq!(f.len(), 1, "{f:?}");
    let f = f.remove(0);
    println!("{id}: {:?} {:?}", f.status, f.measured);
    f
}

fn ctx(url: &str, proxy: Option<String>, ca: Option<PathBuf>) -> Context {
    let mut c = Context::new(Utc::now());
    c.desk = Some(DeskTarget {
        url: url.into(),
        proxy,
    });
    c.desk_ca_file = ca;
    c
}

/// A private certificate authority, its PEM file written for the context's `desk_ca_file`.
struct Authority {
    _dir: tempfile::TempDir,
    pem: PathBuf,
    cert: rcgen::Certificate,
    key: KeyPair,
}

fn authority() -> Authority {
    let key = KeyPair::generate().unwrap();
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.distinguished_name
        .push(DnType::CommonName, "Guichet test authority");
    let cert = p.self_signed(&key).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("ca.pem");
    std::fs::write(&pem, cert.pem()).unwrap();
    Authority {
        _dir: dir,
        pem,
        cert,
        key,
    }
}

type Chain = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

fn params(name: &str, days_before: i64, days_after: i64) -> CertificateParams {
    let mut p = CertificateParams::new(vec![name.to_string()]).unwrap();
    let now = OffsetDateTime::now_utc();
    p.not_before = now - time::Duration::days(days_before);
    p.not_after = now + time::Duration::days(days_after);
    p
}

/// A certificate for `name` signed by `ca`, valid from `days_before` ago to `days_after` on.
fn issued(ca: &Authority, name: &str, days_before: i64, days_after: i64) -> Chain {
    let key = KeyPair::generate().unwrap();
    let cert = params(name, days_before, days_after)
        .signed_by(&key, &ca.cert, &ca.key)
        .unwrap();
    let key = PrivatePkcs8KeyDer::from(key.serialize_der());
    (vec![cert.der().clone()], key.into())
}

fn self_signed(name: &str) -> Chain {
    let key = KeyPair::generate().unwrap();
    let cert = params(name, 1, 90).self_signed(&key).unwrap();
    let key = PrivatePkcs8KeyDer::from(key.serialize_der());
    (vec![cert.der().clone()], key.into())
}

fn http_date(skew: chrono::Duration) -> String {
    (Utc::now() + skew)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Reads a request head (bounded), `None` on a broken connection.
fn read_head(s: &mut impl Read) -> Option<String> {
    let mut buf = Vec::new();
    let mut b = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") && buf.len() < 16384 {
        if s.read(&mut b).ok()? == 0 {
            return None;
        }
        buf.push(b[0]);
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// A TLS server on loopback answering every request `200` with a `Date` `skew` off.
fn tls_server(chain: Chain, skew: chrono::Duration) -> u16 {
    tls_server_counting(chain, skew).0
}

/// [`tls_server`], with the count of connections it accepted.
fn tls_server_counting((chain, key): Chain, skew: chrono::Duration) -> (u16, Arc<AtomicUsize>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            let config = config.clone();
            std::thread::spawn(move || {
                let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                if read_head(&mut tls).is_some() {
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nDate: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        http_date(skew)
                    );
                    let _ = tls.write_all(answer.as_bytes());
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                }
            });
        }
    });
    (port, accepted)
}

/// A `CONNECT` proxy on loopback (tunnels to loopback only), or one that always answers
/// `refusal`; returns its port and the request lines it saw.
fn connect_proxy(refusal: Option<&'static str>) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let Some(head) = read_head(&mut client) else {
                continue;
            };
            let line = head.lines().next().unwrap_or("").to_string();
            log.lock().unwrap().push(line.clone());
            if let Some(r) = refusal {
                let _ = client
                    .write_all(format!("HTTP/1.1 {r}\r\nContent-Length: 0\r\n\r\n").as_bytes());
                continue;
            }
            let target = line.split(' ').nth(1).unwrap_or("").to_string();
            let port = target.rsplit(':').next().unwrap().parse::<u16>().unwrap();
            assert!(target.starts_with("localhost:") || target.starts_with("127.0.0.1:"));
            let upstream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            client
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .unwrap();
            let (mut c2, mut u2) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            std::thread::spawn(move || std::io::copy(&mut c2, &mut u2));
            let (mut c, mut u) = (client, upstream);
            std::thread::spawn(move || std::io::copy(&mut u, &mut c));
        }
    });
    (port, seen)
}

fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn a_valid_certificate_is_ok_with_its_days_left_and_the_clock_is_compared() {
    let ca = authority();
    let port = tls_server(issued(&ca, "localhost", 1, 90), chrono::Duration::zero());
    let c = ctx(
        &format!("https://localhost:{port}/"),
        None,
        Some(ca.pem.clone()),
    );
    let f = check("desk.https", &c);
    assert_eq!(f.status, CheckStatus::Ok, "{f:?}");
    let m = f.measured.unwrap().en;
    assert!(m.starts_with("HTTP 200 in "), "{m}");
    assert!(
        m.ends_with("certificate valid, 89 days left") || m.ends_with("90 days left"),
        "{m}"
    );
    let f = check("clock.offset", &c);
    assert_eq!(f.status, CheckStatus::Ok, "{f:?}");
    // Without the authority's file, the same server is untrusted.
    let f = check(
        "desk.https",
        &ctx(&format!("https://localhost:{port}/"), None, None),
    );
    assert_eq!(f.status, CheckStatus::Problem, "{f:?}");
}

/// A whole run visits the desk once: one name lookup and one connection serve `network.dns`,
/// `desk.https` and `clock.offset` (each made its own before), whose findings stay what each
/// check finds alone: with a valid certificate, and with an expired one (the clock is still
/// read, on the same connection).
#[test]
fn a_run_connects_to_the_desk_once() {
    let ca = authority();
    for (days_after, status) in [(90, CheckStatus::Ok), (-3, CheckStatus::Problem)] {
        let (port, accepted) = tls_server_counting(
            issued(&ca, "localhost", 100, days_after),
            chrono::Duration::minutes(10),
        );
        let c = ctx(
            &format!("https://localhost:{port}/"),
            None,
            Some(ca.pem.clone()),
        );
        let d = run(&c);
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "one connection per run");
        let found = |id: &str| d.findings.iter().find(|f| f.check == id).unwrap().clone();
        let https = found("desk.https");
        assert_eq!(https.status, status, "{https:?}");
        let alone = check(
            "desk.https",
            &ctx(&c.desk.as_ref().unwrap().url, None, c.desk_ca_file.clone()),
        );
        assert_eq!(alone.status, status, "{alone:?}");
        let clock = found("clock.offset");
        assert_eq!(clock.status, CheckStatus::Problem, "{clock:?}");
        assert!(
            clock
                .measured
                .as_ref()
                .unwrap()
                .en
                .ends_with("s behind the service desk"),
            "{clock:?}"
        );
        let dns = found("network.dns");
        assert_eq!(dns.status, CheckStatus::Ok, "{dns:?}");
        assert!(
            dns.measured
                .as_ref()
                .unwrap()
                .en
                .starts_with("localhost → "),
            "{dns:?}"
        );
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            2,
            "the check alone: its own run"
        );
    }
}

#[test]
fn five_days_left_is_a_warning() {
    let ca = authority();
    let port = tls_server(issued(&ca, "localhost", 85, 5), chrono::Duration::zero());
    let f = check(
        "desk.https",
        &ctx(
            &format!("https://localhost:{port}/"),
            None,
            Some(ca.pem.clone()),
        ),
    );
    assert_eq!(f.status, CheckStatus::Warning, "{f:?}");
    let m = f.measured.unwrap().en;
    assert!(
        m.ends_with("4 days left") || m.ends_with("5 days left"),
        "{m}"
    );
}

#[test]
fn an_expired_certificate_is_a_problem_and_the_clock_is_still_read() {
    let ca = authority();
    let port = tls_server(
        issued(&ca, "localhost", 100, -3),
        chrono::Duration::minutes(10),
    );
    let c = ctx(
        &format!("https://localhost:{port}/"),
        None,
        Some(ca.pem.clone()),
    );
    let f = check("desk.https", &c);
    assert_eq!(f.status, CheckStatus::Problem, "{f:?}");
    let m = f.measured.unwrap().en;
    assert!(m.starts_with("certificate expired, ends "), "{m}");
    assert!(m.ends_with("(-3 days)") || m.ends_with("(-2 days)"), "{m}");
    // The desk's clock is 10 minutes ahead: this machine is 600 s behind it.
    let f = check("clock.offset", &c);
    assert_eq!(f.status, CheckStatus::Problem, "{f:?}");
    let m = f.measured.unwrap().en;
    assert!(m.ends_with("s behind the service desk"), "{m}");
    let secs: i64 = m.split(' ').next().unwrap().parse().unwrap();
    assert!((598..=602).contains(&secs), "{m}");
}

#[test]
fn self_signed_and_wrong_name_certificates_are_refused() {
    let port = tls_server(self_signed("localhost"), chrono::Duration::zero());
    let f = check(
        "desk.https",
        &ctx(&format!("https://localhost:{port}/"), None, None),
    );
    assert_eq!(f.status, CheckStatus::Problem);
    assert!(f
        .measured
        .unwrap()
        .en
        .starts_with("certificate issued by an authority this machine does not trust"));
    let ca = authority();
    let port = tls_server(
        issued(&ca, "desk.example.org", 1, 90),
        chrono::Duration::zero(),
    );
    let f = check(
        "desk.https",
        &ctx(
            &format!("https://127.0.0.1:{port}/"),
            None,
            Some(ca.pem.clone()),
        ),
    );
    assert_eq!(f.status, CheckStatus::Problem);
    assert!(f
        .measured
        .unwrap()
        .en
        .starts_with("certificate made out for another name"));
}

#[test]
fn a_closed_port_is_unreachable_at_once() {
    let port = closed_port();
    let c = ctx(&format!("https://127.0.0.1:{port}/"), None, None);
    let started = Instant::now();
    let f = check("desk.https", &c);
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(f.status, CheckStatus::Problem);
    assert!(
        f.measured.unwrap().en.contains("refused"),
        "connection refused"
    );
    assert_eq!(check("clock.offset", &c).status, CheckStatus::Unknown);
    assert_eq!(
        check("network.dns", &c).status,
        CheckStatus::Ok,
        "an IP: no lookup"
    );
}

#[test]
fn the_configured_proxy_carries_the_tunnel_and_is_checked() {
    let ca = authority();
    let port = tls_server(issued(&ca, "localhost", 1, 90), chrono::Duration::zero());
    let (proxy_port, seen) = connect_proxy(None);
    let proxy = format!("http://127.0.0.1:{proxy_port}");
    let c = ctx(
        &format!("https://localhost:{port}/"),
        Some(proxy.clone()),
        Some(ca.pem.clone()),
    );
    let f = check("desk.https", &c);
    assert_eq!(f.status, CheckStatus::Ok, "{f:?}");
    assert!(f
        .measured
        .unwrap()
        .en
        .contains(&format!("via proxy {proxy}")));
    assert_eq!(
        seen.lock().unwrap().as_slice(),
        [format!("CONNECT localhost:{port} HTTP/1.1")]
    );
    let f = check("network.proxy", &c);
    assert_eq!(f.status, CheckStatus::Ok, "{f:?}");
    assert!(f
        .measured
        .unwrap()
        .en
        .starts_with(&format!("{proxy} (set in Guichet) answers in ")));

    let (asks, _) = connect_proxy(Some("407 Proxy Authentication Required"));
    let c = ctx(
        &format!("https://localhost:{port}/"),
        Some(format!("http://127.0.0.1:{asks}")),
        None,
    );
    assert_eq!(check("desk.https", &c).status, CheckStatus::Unknown);

    let gone = format!("http://127.0.0.1:{}", closed_port());
    let c = ctx(&format!("https://localhost:{port}/"), Some(gone), None);
    assert_eq!(check("network.proxy", &c).status, CheckStatus::Problem);
    assert_eq!(check("desk.https", &c).status, CheckStatus::Problem);
}

/// The real Request Tracker on loopback: reachable over plain http (fine on this machine),
/// its `Date` header close to this clock, and the whole run within 1.5 s.
#[test]
fn the_real_request_tracker_on_loopback() {
    if !guichet_testkit::RtServer::is_available() {
        eprintln!("SKIP: Request Tracker 5 is not installed");
        return;
    }
    let rt = guichet_testkit::RtServer::shared().expect("RT starts");
    // A server just started answers its first requests slowly (each of its workers compiles
    // RT's code on first use: past a second on a busy machine); a desk in service is warm.
    for _ in 0..4 {
        let mut warm = TcpStream::connect(("127.0.0.1", rt.port())).unwrap();
        warm.set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        warm.write_all(b"HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .unwrap();
        let _ = warm.read_to_end(&mut Vec::new());
    }
    let c = ctx(rt.url(), None, None);
    let f = check("desk.https", &c);
    assert_eq!(f.status, CheckStatus::Ok, "{f:?}");
    let m = f.measured.unwrap();
    assert!(m.en.ends_with("not encrypted (http)"), "{m:?}");
    assert!(m.fr.ends_with("non chiffré (http)"), "{m:?}");
    let f = check("clock.offset", &c);
    assert_eq!(f.status, CheckStatus::Ok, "{f:?}");
    let secs: i64 = f
        .measured
        .unwrap()
        .en
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(secs <= 2, "same machine, same clock: {secs} s");
    let d = run(&c);
    for f in &d.findings {
        println!(
            "  {} {:?} {:?} {:?}",
            f.check, f.subject, f.status, f.measured
        );
    }
    println!("whole run: {} ms", d.elapsed_ms);
    assert!(d.elapsed_ms < 1500, "{} ms", d.elapsed_ms);
    assert!(d
        .findings
        .iter()
        .all(|f| f.measured.as_ref().is_none_or(|m| m.en != "offline")));
}

/// What the checks measure on this machine with no desk set up (as a fresh install).
#[test]
fn this_machine_without_a_desk() {
    let d = run(&Context::new(Utc::now()));
    for f in &d.findings {
        println!(
            "  {} {:?} {:?} {:?}",
            f.check, f.subject, f.status, f.measured
        );
    }
    println!("whole run: {} ms", d.elapsed_ms);
    for id in ["network.dns", "desk.https", "clock.offset"] {
        let f = d.findings.iter().find(|f| f.check == id).unwrap();
        assert_eq!(
            (f.status, &f.measured),
            (CheckStatus::Unknown, &None),
            "{id}"
        );
        assert_eq!(
            f.sentence.en,
            "No service desk is set up: nothing to check."
        );
    }
}

/// A server that accepts connections (the kernel's backlog) and never says a word: the check
/// gives up by itself within its time, naming the step.
#[test]
fn a_silent_server_times_out_within_the_check_time() {
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    for (url, step) in [
        (format!("https://127.0.0.1:{port}/"), "TLS handshake"),
        (
            format!("http://127.0.0.1:{port}/"),
            "waiting for the answer",
        ),
    ] {
        let started = Instant::now();
        let f = check("desk.https", &ctx(&url, None, None));
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(700) && took < Duration::from_secs(1),
            "{took:?}"
        );
        assert_eq!(f.status, CheckStatus::Problem);
        assert_eq!(
            f.measured.unwrap().en,
            format!("no answer within 1 s ({step})")
        );
    }
    drop(silent);
}

/// Debian's tinyproxy (`tinyproxy-bin`), run in the foreground on loopback for one test.
struct Tinyproxy {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Tinyproxy {
    /// Starts one; with `login`, it asks for one (`BasicAuth`). `None` when not installed.
    fn start(login: bool) -> Option<Tinyproxy> {
        if !std::path::Path::new("/usr/bin/tinyproxy").exists() {
            eprintln!("SKIP: tinyproxy is not installed (scripts/setup.sh installs it)");
            return None;
        }
        let port = closed_port();
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("tinyproxy.conf");
        let auth = if login {
            "BasicAuth guichet s3cret\n"
        } else {
            ""
        };
        std::fs::write(
            &conf,
            format!("Port {port}\nListen 127.0.0.1\nAllow 127.0.0.1\nTimeout 5\nMaxClients 8\nLogLevel Error\n{auth}"),
        )
        .unwrap();
        let child = std::process::Command::new("/usr/bin/tinyproxy")
            .arg("-d")
            .arg("-c")
            .arg(&conf)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "tinyproxy did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(Tinyproxy {
            child,
            port,
            _dir: dir,
        })
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_real_proxy_carries_the_tunnel_and_one_that_wants_a_login_is_unknown() {
    let Some(proxy) = Tinyproxy::start(false) else {
        return;
    };
    let ca = authority();
    let port = tls_server(issued(&ca, "localhost", 1, 30), chrono::Duration::zero());
    let desk = format!("https://localhost:{port}/");
    let c = ctx(&desk, Some(proxy.url()), Some(ca.pem.clone()));
    let f = check("desk.https", &c);
    assert_eq!(f.status, CheckStatus::Ok, "{f:?}");
    assert!(f
        .measured
        .unwrap()
        .en
        .contains(&format!("via proxy {}", proxy.url())));
    assert_eq!(check("network.proxy", &c).status, CheckStatus::Ok);
    assert_eq!(check("clock.offset", &c).status, CheckStatus::Ok);
    let Some(guarded) = Tinyproxy::start(true) else {
        return;
    };
    let c = ctx(&desk, Some(guarded.url()), Some(ca.pem.clone()));
    let f = check("desk.https", &c);
    assert_eq!(f.status, CheckStatus::Unknown, "{f:?}");
    assert!(f
        .measured
        .unwrap()
        .en
        .starts_with("the proxy asks for a login (407)"));
}
