//! The `guichet` binary against a real GLPI, through the commands a user or an admin types.
//! Shared by `glpi10_live.rs` (GLPI 10.0.10) and `glpi11_live.rs` (GLPI 11.0.6): each test
//! binary starts one server of its version (`guichet-testkit`'s `GlpiServer`), so the versions
//! run one after the other and every scenario runs on both.
//!
//! GLPI is required: CI provides the release archives (`GLPI_ARCHIVE_DIR`), or the start
//! script downloads them. `GUICHET_SKIP_GLPI=1` skips these tests explicitly (they print SKIP);
//! without it, a GLPI that cannot start fails them loudly.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines, dead_code)]

#[path = "../keyring/mod.rs"]
pub mod keyring;
pub use keyring::guichet;

pub mod actions;
pub mod concurrency;
#[path = "../concurrent/mod.rs"]
pub mod concurrent;
pub mod faults;
pub mod relay;
pub mod scenarios;

use std::path::Path;
use std::process::Output;

use guichet_testkit::{FaultProxy, GlpiServer, GlpiVersion};
use serde_json::Value;

/// Exit status of `guichet sync` when the server cannot be reached.
pub const EXIT_OFFLINE: i32 = 4;
/// Exit status of `guichet sync` when entries of the pass were not sent.
pub const EXIT_DEFERRED: i32 = 6;

/// The shared server of `version`, or `None` when the tests are skipped on purpose.
pub fn glpi(version: GlpiVersion) -> Option<&'static GlpiServer> {
    if std::env::var("GUICHET_SKIP_GLPI").as_deref() == Ok("1") {
        eprintln!("SKIP: GUICHET_SKIP_GLPI=1, live GLPI tests not run");
        return None;
    }
    match GlpiServer::shared(version) {
        Ok(s) => Some(s),
        Err(e) => panic!(
            "a live GLPI {} is required for these tests ({e}); point GLPI_ARCHIVE_DIR at a \
             folder holding its release archive, or set GUICHET_SKIP_GLPI=1 to skip them",
            version.release()
        ),
    }
}

/// How the end user or admin signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account {
    /// The super-admin's API token (API v1).
    AdminToken,
    /// The Self-Service account's API token (API v1).
    SelfServiceToken,
    /// The Self-Service account's login and password (API v1).
    SelfServiceLogin,
    /// The Self-Service account's login and password with GLPI 11's OAuth client (API v2).
    SelfServiceOAuth,
    /// The super-admin's login and password with GLPI 11's OAuth client (API v2).
    AdminOAuth,
}

impl Account {
    /// The GLPI login it signs in as.
    pub fn login(self) -> &'static str {
        match self {
            Account::AdminToken | Account::AdminOAuth => GlpiServer::ADMIN,
            _ => GlpiServer::SELF_SERVICE,
        }
    }
}

/// Status, stdout and stderr of a run, and GLPI's own error log (GLPI answers some failures
/// with a 200 and logs the cause).
pub fn describe(server: &GlpiServer, out: &Output) -> String {
    format!(
        "{}\nGLPI {}:\n{}",
        keyring::describe(out),
        server.version().release(),
        server.log_tail(15)
    )
}

/// The stdout of a successful run.
pub fn ok(server: &GlpiServer, out: Output) -> String {
    assert!(out.status.success(), "{}", describe(server, &out));
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON stdout of a successful run.
pub fn json(server: &GlpiServer, out: Output) -> Value {
    let text = ok(server, out);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The keyring entries `connect` made for `url`, removed when the test ends however it ends.
pub struct Secrets(Vec<String>);

impl Secrets {
    /// Every account `connect glpi` may write for `url` and `account`.
    pub fn of(server: &GlpiServer, url: &str, account: Account) -> Secrets {
        let mut names = Vec::new();
        for user in ["", account.login()] {
            names.push(guichet_sync::secret::account("glpi", url, user));
            names.push(guichet_sync::secret::account("glpi-app-token", url, user));
        }
        for (id, _) in [server.oauth_client(), server.inventory_client()]
            .into_iter()
            .flatten()
        {
            names.push(guichet_sync::secret::account("glpi-oauth", url, id));
        }
        Secrets(names)
    }
}

impl Drop for Secrets {
    fn drop(&mut self) {
        for n in &self.0 {
            guichet_sync::secret::delete(n);
        }
    }
}

/// `guichet connect glpi` to `url` (the server, or a proxy in front of it) as `account`.
pub fn connect(server: &GlpiServer, dir: &Path, url: &str, account: Account) -> Secrets {
    connect_with_timeout(server, dir, url, account, "10")
}

/// [`connect`] with a per-request timeout of `timeout` seconds.
pub fn connect_with_timeout(
    server: &GlpiServer,
    dir: &Path,
    url: &str,
    account: Account,
    timeout: &str,
) -> Secrets {
    let secrets = Secrets::of(server, url, account);
    let mut args = vec![
        "connect",
        "glpi",
        "--url",
        url,
        "--app-token-stdin",
        "--timeout",
        timeout,
    ];
    let mut stdin = String::new();
    match account {
        Account::AdminToken => stdin.push_str(server.admin_token()),
        Account::SelfServiceToken => stdin.push_str(server.self_service_token()),
        Account::SelfServiceLogin | Account::SelfServiceOAuth | Account::AdminOAuth => {
            args.extend(["--user", account.login()]);
            stdin.push_str(if account == Account::AdminOAuth {
                GlpiServer::ADMIN_PASSWORD
            } else {
                GlpiServer::SELF_SERVICE_PASSWORD
            });
        }
    }
    stdin.push('\n');
    stdin.push_str(server.app_token());
    stdin.push('\n');
    if matches!(account, Account::SelfServiceOAuth | Account::AdminOAuth) {
        let (id, secret) = server.oauth_client().expect("GLPI 11's OAuth client");
        args.extend(["--api-client-id", id]);
        stdin.push_str(secret);
        stdin.push('\n');
    }
    if let Some((id, secret)) = server.inventory_client() {
        args.extend(["--inventory-client-id", id]);
        stdin.push_str(secret);
        stdin.push('\n');
    }
    ok(server, guichet(dir, &args, &stdin));
    secrets
}

/// A proxy in front of `server`, to play the network going down and answers getting lost.
pub fn proxy(server: &GlpiServer) -> FaultProxy {
    FaultProxy::start(server.url()).expect("starting the fault proxy")
}

/// Rows of GLPI's database (see `GlpiServer::sql`).
pub fn sql(server: &GlpiServer, query: &str) -> Vec<Vec<String>> {
    server
        .sql(query)
        .unwrap_or_else(|e| panic!("{e}\n{}", server.log_tail(10)))
}

/// The ids of GLPI's tickets whose content carries the marker of Guichet's ticket `uuid`.
pub fn tickets_carrying(server: &GlpiServer, uuid: &str) -> Vec<i64> {
    sql(
        server,
        &format!(
            "SELECT id FROM glpi_tickets WHERE content LIKE '%guichet:{uuid}%' AND is_deleted = 0"
        ),
    )
    .into_iter()
    .map(|r| r[0].parse().unwrap())
    .collect()
}

/// The ids of a ticket's follow-ups carrying the marker of Guichet's reply `uuid`.
pub fn followups_carrying(server: &GlpiServer, ticket: i64, uuid: &str) -> Vec<i64> {
    sql(
        server,
        &format!(
            "SELECT id FROM glpi_itilfollowups WHERE itemtype = 'Ticket' AND items_id = {ticket} \
             AND content LIKE '%guichet:{uuid}%'"
        ),
    )
    .into_iter()
    .map(|r| r[0].parse().unwrap())
    .collect()
}

/// A word no other test's text contains.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}{:x}", nanos & 0xffff_ffff_ffff)
}
