//! Hostile service desks against the `guichet` binary: an endless answer is cut at Guichet's
//! limit with a clear error naming the server and the limit, the process stays small (peak
//! resident memory read by `/usr/bin/time`), and the queue is untouched; secrets never follow a
//! redirect to another origin; plain http:// to another machine needs `--allow-insecure-http`.
//!
//! The servers are plain threads on loopback (`hostile/`); every run of `guichet` is in a fresh
//! session keyring (`keyring/`).

mod hostile;
mod keyring;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use hostile::{free_port, Hostile, Mode};
use keyring::{describe, guichet};
use serde_json::Value;

/// The peak resident memory allowed to a `guichet` run against a hostile server.
const RSS_LIMIT_KIB: u64 = 64 * 1024;

/// Runs `guichet ARGS` like [`keyring::guichet`], under `/usr/bin/time`: its output and its
/// peak resident memory in KiB (`%M`, the kernel's maximum resident set size).
fn measured(dir: &Path, args: &[&str], stdin: &str) -> (Output, u64) {
    use std::io::Write as _;
    let report = dir.join("time.txt");
    let mut child = Command::new("keyctl")
        .args(["session", "-", "/usr/bin/time", "-f", "%M", "-o"])
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_guichet"))
        .args(args)
        .env("GUICHET_DATA_DIR", dir)
        .env("USER", "alice")
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("CREDENTIALS_DIRECTORY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running keyctl (package keyutils), /usr/bin/time (package time) and guichet");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = std::fs::read_to_string(&report).expect("the report of /usr/bin/time");
    let kib = text
        .lines()
        .filter_map(|l| l.trim().parse::<u64>().ok())
        .next_back()
        .unwrap_or_else(|| panic!("no peak memory in {text:?}"));
    eprintln!("peak RSS of guichet {}: {kib} KiB", args.join(" "));
    (out, kib)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The error of a run cut at the answer limit, by the server at `port`.
fn assert_cut(out: &Output, kib: u64, port: u16) {
    assert_eq!(out.status.code(), Some(9), "{}", describe(out));
    let err = stderr(out);
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(err.contains("16 MiB"), "{err}");
    assert!(kib < RSS_LIMIT_KIB, "peak RSS {kib} KiB");
}

fn queue(dir: &Path) -> Value {
    let out = guichet(dir, &["sync", "--status", "--json"], "");
    let v: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", describe(&out)));
    v["queue"].clone()
}

/// The connection arguments for `kind` to `url`.
fn connect_args(kind: &str, url: &str) -> Vec<String> {
    let mut a: Vec<String> = vec!["connect".into(), kind.into(), "--url".into(), url.into()];
    match kind {
        "rt" => a.extend(["--user".into(), "alice".into()]),
        _ => a.push("--no-inventory".into()),
    }
    a.extend(["--timeout".into(), "5".into()]);
    a
}

#[test]
fn endless_body_is_cut_with_a_clear_error() {
    let endless = Hostile::start(Mode::EndlessBody);
    for kind in ["glpi", "rt"] {
        // `connect`: refused, nothing saved.
        let dir = tempfile::tempdir().unwrap();
        let args = connect_args(kind, &endless.url());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (out, kib) = measured(dir.path(), &args, "s3cret\n");
        assert_cut(&out, kib, endless.port);
        assert!(
            stderr(&out).contains("nothing was saved"),
            "{}",
            describe(&out)
        );
        let sync = guichet(dir.path(), &["sync"], "");
        assert_eq!(sync.status.code(), Some(2), "{}", describe(&sync));

        // `sync`: a ticket queued, the connection saved while the server was away, then the
        // server answers endlessly.
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let new = guichet(
            d,
            &["ticket", "new", "--title", "VPN", "--body", "down"],
            "",
        );
        assert!(new.status.success(), "{}", describe(&new));
        let port = free_port();
        let args = connect_args(kind, &format!("http://127.0.0.1:{port}"));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let saved = guichet(d, &args, "s3cret\n");
        assert!(saved.status.success(), "{}", describe(&saved));
        let before = queue(d);
        assert_eq!(before.as_array().map(Vec::len), Some(1), "{before}");
        let _server = Hostile::start_at(port, Mode::EndlessBody);
        let (out, kib) = measured(d, &["sync"], "");
        assert_cut(&out, kib, port);
        assert!(stderr(&out).contains("queue is kept"), "{}", describe(&out));
        assert_eq!(queue(d), before, "{kind}: the queue is untouched");
    }
}

/// `32 MiB` of zeros compressed as `kind` (`zlib` or `gzip`), with its content type.
fn bomb(kind: &str) -> Arc<(String, Vec<u8>)> {
    use std::io::Write as _;
    let zeros = vec![0u8; 32 << 20];
    let fast = flate2::Compression::fast();
    let bytes = if kind == "zlib" {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), fast);
        e.write_all(&zeros).unwrap();
        e.finish().unwrap()
    } else {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), fast);
        e.write_all(&zeros).unwrap();
        e.finish().unwrap()
    };
    Arc::new((format!("application/x-compress-{kind}"), bytes))
}

/// A store connected to a hostile GLPI (`Mode::Glpi` with `bomb`) at `port`, saved while
/// nothing answered there; the server started.
fn connected_to_hostile_glpi(d: &Path, bomb: Arc<(String, Vec<u8>)>) -> Hostile {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let saved = guichet(
        d,
        &["connect", "glpi", "--url", &url, "--timeout", "5"],
        "tok\n",
    );
    assert!(saved.status.success(), "{}", describe(&saved));
    Hostile::start_at(port, Mode::Glpi { bomb })
}

#[test]
fn inventory_zip_bomb_is_refused() {
    for kind in ["zlib", "gzip"] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let server = connected_to_hostile_glpi(d, bomb(kind));
        // The inventory is queued, then its CONTACT is answered with the bomb.
        let (out, kib) = measured(d, &["sync", "--with-inventory"], "");
        assert_eq!(out.status.code(), Some(9), "{kind}: {}", describe(&out));
        let err = stderr(&out);
        assert!(err.contains(&server.url()), "{err}");
        assert!(err.contains("inflating past 1 MiB"), "{err}");
        assert!(kib < RSS_LIMIT_KIB, "{kind}: peak RSS {kib} KiB");
        let queue = queue(d);
        let entries = queue.as_array().unwrap();
        assert_eq!(entries.len(), 1, "{queue}");
        assert_eq!(entries[0]["attempts"], 0, "the queue is untouched: {queue}");
    }
}

#[test]
fn endless_pages_stop_at_the_page_limit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let server = connected_to_hostile_glpi(d, bomb("zlib"));
    let (out, kib) = measured(d, &["sync"], "");
    assert_eq!(out.status.code(), Some(9), "{}", describe(&out));
    let err = stderr(&out);
    assert!(err.contains(&server.url()), "{err}");
    assert!(err.contains("more than 100 pages"), "{err}");
    assert!(kib < RSS_LIMIT_KIB, "peak RSS {kib} KiB");
}

/// The other origin saw none of `secrets` (nothing at all, in fact) and the command said why it
/// stopped.
fn refused_without_leaking(seen: &str, out: &Output, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !seen.contains(secret),
            "{secret} reached the other origin:\n{seen}"
        );
    }
    assert!(seen.is_empty(), "requests followed the redirect:\n{seen}");
    assert!(
        stderr(out).contains("redirected to another server"),
        "{}",
        describe(out)
    );
}

/// Connects with `args` and `stdin` to a server redirecting every request to a listener on
/// another port; returns what reached the listener and the output of `connect`.
fn through_a_redirect(args: &[&str], stdin: &str, v2: bool) -> (String, Output) {
    let listener = Hostile::start(Mode::Record);
    let redirect = Hostile::start(Mode::Redirect {
        port: listener.port,
        v2,
    });
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["connect"];
    all.extend_from_slice(args);
    let url = redirect.url();
    all.extend(["--url", &url, "--timeout", "5"]);
    let out = guichet(dir.path(), &all, stdin);
    (listener.received(), out)
}

#[test]
fn glpi_app_token_does_not_follow_a_redirect() {
    let (seen, out) = through_a_redirect(
        &["glpi", "--app-token-stdin", "--no-inventory"],
        "user-token-s3cret\napp-token-s3cret\n",
        false,
    );
    refused_without_leaking(
        &seen,
        &out,
        &[
            "app-token-s3cret",
            "user-token-s3cret",
            "App-Token",
            "Session-Token",
        ],
    );
}

#[test]
fn oauth_password_is_not_resent_on_307() {
    let (seen, out) = through_a_redirect(
        &[
            "glpi",
            "--user",
            "alice",
            "--api-client-id",
            "guichet",
            "--no-inventory",
        ],
        "password-s3cret\nclient-s3cret\n",
        true,
    );
    refused_without_leaking(
        &seen,
        &out,
        &[
            "password-s3cret",
            "client-s3cret",
            "client_secret",
            "password=",
        ],
    );
}

#[test]
fn rt_token_does_not_follow_a_redirect() {
    let token = "1-14-0123456789abcdef0123456789abcdef";
    let (seen, out) = through_a_redirect(&["rt", "--user", "alice"], &format!("{token}\n"), false);
    assert!(
        !seen.contains(token),
        "the token reached the other origin:\n{seen}"
    );
    assert!(seen.is_empty(), "requests followed the redirect:\n{seen}");
    assert!(
        stderr(&out).contains("redirected to another server"),
        "{}",
        describe(&out)
    );
}

#[test]
fn http_to_a_remote_host_needs_the_insecure_flag() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let remote = "http://glpi.example.invalid";
    for args in [
        vec!["connect", "glpi", "--url", remote, "--no-inventory"],
        vec!["connect", "rt", "--url", remote, "--user", "alice"],
        vec![
            "connect",
            "glpi",
            "--url",
            "https://glpi.example.invalid",
            "--inventory-url",
            "http://inventory.example.invalid/front/inventory.php",
        ],
    ] {
        let out = guichet(d, &args, "s3cret\n");
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        assert!(
            stderr(&out).contains("--allow-insecure-http"),
            "{}",
            describe(&out)
        );
    }
    assert_eq!(
        guichet(d, &["sync"], "").status.code(),
        Some(2),
        "nothing saved"
    );
    // Loopback needs no flag; the flag allows another machine, with a warning, and is kept.
    let out = guichet(
        d,
        &[
            "connect",
            "glpi",
            "--url",
            remote,
            "--no-inventory",
            "--allow-insecure-http",
            "--timeout",
            "3",
        ],
        "s3cret\n",
    );
    assert!(out.status.success(), "{}", describe(&out));
    assert!(stderr(&out).contains("unencrypted"), "{}", describe(&out));
    let sync = guichet(d, &["sync"], "");
    assert_eq!(
        sync.status.code(),
        Some(4),
        "offline, not refused: {}",
        describe(&sync)
    );
}
