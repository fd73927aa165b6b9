//! `guichet connect glpi` and `guichet sync` end to end through the binary, against the GLPI
//! emulator: a ticket written offline reaches GLPI exactly once, `sync --status --json` shows
//! the API detected and the inventory submission, inventories go full then partial across
//! processes, refused credentials save nothing.
//!
//! Secrets go to the kernel keyring: each test runs itself again inside a fresh session keyring
//! (`keyctl session -`), which every `guichet` process it starts inherits, so what `connect`
//! stores is what `sync` reads, and nothing leaks into the user's keyrings.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use guichet_glpi_emulator::{seed, Emulator, EmulatorConfig};
use serde_json::Value;

fn guichet(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    guichet_in(dir, args, stdin, "C.UTF-8")
}

fn guichet_in(dir: &std::path::Path, args: &[&str], stdin: &str, locale: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(args)
        .env("GUICHET_DATA_DIR", dir)
        .env("USER", "alice")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", locale)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running guichet");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("writing stdin");
    child.wait_with_output().expect("waiting for guichet")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// In the outer process: runs `test` again inside a fresh session keyring and returns true
/// (the caller then stops); inside it, returns false.
fn rerun_in_session_keyring(test: &str) -> bool {
    const INSIDE: &str = "GUICHET_TEST_SESSION_KEYRING";
    if std::env::var_os(INSIDE).is_some() {
        return false;
    }
    let status = Command::new("keyctl")
        .args(["session", "-"])
        .arg(std::env::current_exe().expect("test executable"))
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1")
        .status()
        .expect("running keyctl (package keyutils)");
    assert!(status.success(), "{test} failed inside its session keyring");
    true
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Runs the (blocking) binary off the runtime that serves the emulator.
async fn run(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let dir = dir.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let stdin = stdin.to_string();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        guichet(&dir, &args, &stdin)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_written_offline_reaches_glpi_exactly_once_and_the_inventory_is_accepted() {
    if rerun_in_session_keyring(
        "a_ticket_written_offline_reaches_glpi_exactly_once_and_the_inventory_is_accepted",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");

    // Configured while the server is down: kept for later.
    let app_token = EmulatorConfig::default().app_token.unwrap();
    ok(&run(
        d,
        &["connect", "glpi", "--url", &url, "--app-token-stdin"],
        &format!("{}\n{app_token}\n", seed::USER_TOKEN),
    )
    .await);
    let id = ok(&run(
        d,
        &[
            "ticket",
            "new",
            "--title",
            "Printer jam",
            "--body",
            "Tray 2 is stuck",
            "--urgency",
            "3",
        ],
        "",
    )
    .await)
    .trim()
    .to_string();
    let out = run(d, &["sync"], "").await;
    assert_eq!(
        out.status.code(),
        Some(4),
        "offline: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let st: Value =
        serde_json::from_str(&ok(&run(d, &["sync", "--status", "--json"], "").await)).unwrap();
    assert_eq!(st["queue"].as_array().unwrap().len(), 1, "{st}");
    assert_eq!(st["glpi"]["api"], Value::Null, "not detected yet: {st}");

    // The server comes up at that address.
    let emu = Emulator::start(EmulatorConfig {
        port,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    ok(&run(d, &["sync", "--with-inventory"], "").await);
    {
        let st = emu.state();
        assert_eq!(st.tickets.len(), 1);
        let t = st.tickets.values().next().unwrap();
        assert!(
            t.content.contains(&format!("<!-- guichet:{id} -->")),
            "{}",
            t.content
        );
        assert_eq!(t.name, "Printer jam");
    }
    ok(&run(d, &["sync"], "").await);
    assert_eq!(emu.state().tickets.len(), 1, "exactly once");
    assert_eq!(emu.requests("POST", "/apirest.php/Ticket"), 1);
    // apirest.md: each pass opens one session and kills it at the end.
    assert_eq!(
        emu.requests("GET", "/apirest.php/killSession"),
        emu.requests("GET", "/apirest.php/initSession")
    );

    let st: Value =
        serde_json::from_str(&ok(&run(d, &["sync", "--status", "--json"], "").await)).unwrap();
    assert_eq!(st["connector"]["kind"], "glpi");
    assert_eq!(st["glpi"]["api"]["used"], "v1", "{st}");
    assert_eq!(st["glpi"]["api"]["endpoint"], "apirest.php");
    assert_eq!(st["glpi"]["api"]["v2_offered"], true);
    assert_eq!(st["glpi"]["inventories"][0]["mode"], "full", "{st}");
    assert_eq!(st["glpi"]["inventories"][0]["next_contact_secs"], 24 * 3600);
    assert!(st["queue"].as_array().unwrap().is_empty(), "{st}");
    let deviceid = st["glpi"]["inventories"][0]["remote_id"]
        .as_str()
        .unwrap()
        .to_string();
    {
        let s = emu.state();
        let c = &s.computers[&deviceid];
        assert_eq!((c.full_count, c.partial_count), (1, 0));
        assert_eq!(s.agents[&deviceid].contacts, 1);
    }
    let text = ok(&run(d, &["sync", "--status"], "").await);
    assert!(text.contains("GLPI API: v1 (apirest.php)"), "{text}");
    assert!(text.contains("next contact: from"), "{text}");

    // A second inventory from a new process: only what changed, never a second full one.
    ok(&run(d, &["sync", "--with-inventory"], "").await);
    let st: Value =
        serde_json::from_str(&ok(&run(d, &["sync", "--status", "--json"], "").await)).unwrap();
    let mode = st["glpi"]["inventories"][0]["mode"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(mode == "partial" || mode == "unchanged", "{st}");
    assert_eq!(emu.state().computers[&deviceid].full_count, 1);

    // On request, a full one again.
    ok(&run(d, &["sync", "--full-inventory"], "").await);
    assert_eq!(emu.state().computers[&deviceid].full_count, 2);
    assert_eq!(emu.state().tickets.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn glpi_11_uses_the_high_level_api_and_oauth_for_the_inventory() {
    if rerun_in_session_keyring("glpi_11_uses_the_high_level_api_and_oauth_for_the_inventory") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let emu = Emulator::start(EmulatorConfig {
        inventory_requires_oauth: true,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let url = emu.base_url();
    ok(&run(
        d,
        &[
            "connect",
            "glpi",
            "--url",
            &url,
            "--user",
            seed::USER,
            "--api-client-id",
            seed::API_CLIENT_ID,
            "--inventory-client-id",
            seed::INVENTORY_CLIENT_ID,
        ],
        &format!(
            "{}\n{}\n{}\n",
            seed::PASSWORD,
            seed::API_CLIENT_SECRET,
            seed::INVENTORY_CLIENT_SECRET
        ),
    )
    .await);
    ok(&run(
        d,
        &["ticket", "new", "--title", "VPN", "--body", "down"],
        "",
    )
    .await);
    ok(&run(d, &["sync", "--with-inventory"], "").await);
    assert_eq!(emu.state().tickets.len(), 1);
    assert_eq!(emu.requests("POST", "/apirest.php/Ticket"), 0, "v2 only");
    let st: Value =
        serde_json::from_str(&ok(&run(d, &["sync", "--status", "--json"], "").await)).unwrap();
    assert_eq!(st["glpi"]["api"]["used"], "v2", "{st}");
    assert_eq!(st["glpi"]["api"]["endpoint"], "api.php");
    assert_eq!(st["glpi"]["inventories"][0]["mode"], "full", "{st}");
    assert_eq!(emu.state().computers.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_user_token_saves_nothing() {
    if rerun_in_session_keyring("a_refused_user_token_saves_nothing") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let emu = Emulator::start(EmulatorConfig {
        v2_available: false,
        app_token: None,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let (dir_path, url) = (d.to_path_buf(), emu.base_url());
    let out = tokio::task::spawn_blocking(move || {
        guichet_in(
            &dir_path,
            &["connect", "glpi", "--url", &url],
            "not-the-token\n",
            "fr_FR.UTF-8",
        )
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("GLPI a refusé le jeton utilisateur"),
        "{stderr}"
    );
    let st: Value =
        serde_json::from_str(&ok(&run(d, &["sync", "--status", "--json"], "").await)).unwrap();
    assert_eq!(st["connector"], Value::Null, "{st}");

    ok(&run(
        d,
        &["connect", "glpi", "--url", &emu.base_url()],
        &format!("{}\n", seed::USER_TOKEN),
    )
    .await);
    let st: Value =
        serde_json::from_str(&ok(&run(d, &["sync", "--status", "--json"], "").await)).unwrap();
    assert_eq!(st["glpi"]["api"]["used"], "v1", "GLPI 10: {st}");
    assert_eq!(st["glpi"]["api"]["v2_offered"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tickets_reach_glpi_with_type_urgency_and_itil_category() {
    if rerun_in_session_keyring("tickets_reach_glpi_with_type_urgency_and_itil_category") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let emu = Emulator::start(EmulatorConfig {
        app_token: None,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    ok(&run(
        d,
        &["connect", "glpi", "--url", &emu.base_url()],
        &format!("{}\n", seed::USER_TOKEN),
    )
    .await);
    let new = |title: &'static str, category: &'static str, urgency: &'static str| {
        let d = d.to_path_buf();
        async move {
            ok(&run(
                &d,
                &[
                    "ticket",
                    "new",
                    "--title",
                    title,
                    "--body",
                    "details",
                    "--category",
                    category,
                    "--urgency",
                    urgency,
                    "--requester",
                    seed::USER,
                ],
                "",
            )
            .await)
            .trim()
            .to_string()
        }
    };
    let printer = new("Printer jam", "Printer", "4").await;
    let access = new("Share access", "Access request", "2").await;
    let unknown = new("Leak", "Plumbing", "5").await;
    ok(&run(d, &["sync"], "").await);

    let (printer_id, access_id) = (
        emu.itil_category("Printer").unwrap(),
        emu.itil_category("Access request").unwrap(),
    );
    let st = emu.state();
    let by_uuid = |u: &str| {
        st.tickets
            .values()
            .find(|t| t.content.contains(&format!("<!-- guichet:{u} -->")))
            .unwrap_or_else(|| panic!("ticket {u} not in GLPI"))
    };
    let t = by_uuid(&printer);
    assert_eq!(
        (t.ticket_type, t.urgency, t.itilcategories_id),
        (1, 4, printer_id)
    );
    // The requester is the connected user: no line for it, nor for a resolved category.
    assert_eq!(
        guichet_glpi::content::strip_marker(&t.content),
        "<p>details</p>",
        "{}",
        t.content
    );
    let t = by_uuid(&access);
    assert_eq!(
        (t.ticket_type, t.urgency, t.itilcategories_id),
        (2, 2, access_id)
    );
    let t = by_uuid(&unknown);
    assert_eq!((t.ticket_type, t.urgency, t.itilcategories_id), (1, 5, 0));
    assert!(t.content.contains("Category: Plumbing"), "{}", t.content);
    drop(st);
    // One lookup per category name in the pass.
    assert_eq!(emu.requests("GET", "/apirest.php/ITILCategory"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduled_agent_waits_for_the_next_contact_the_server_asked_for() {
    if rerun_in_session_keyring(
        "the_scheduled_agent_waits_for_the_next_contact_the_server_asked_for",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let emu = Emulator::start(EmulatorConfig {
        app_token: None,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    ok(&run(
        d,
        &["connect", "glpi", "--url", &emu.base_url()],
        &format!("{}\n", seed::USER_TOKEN),
    )
    .await);
    let contacts = || {
        let st = emu.state();
        st.agents.values().map(|a| a.contacts).sum::<u32>()
    };
    ok(&run(d, &["agent", "run"], "").await);
    assert_eq!(contacts(), 1, "the first run sends the inventory");
    let st: Value =
        serde_json::from_str(&ok(&run(d, &["sync", "--status", "--json"], "").await)).unwrap();
    assert_eq!(st["glpi"]["inventories"][0]["next_contact_secs"], 24 * 3600);

    // Right after: the server asked for no contact within 24 hours, nothing structural changed.
    let out = ok(&run(d, &["--json", "agent", "run"], "").await);
    assert_eq!(contacts(), 1, "no inventory before the next contact: {out}");
    assert!(out.contains("next contact the server asked for"), "{out}");
    let st: Value =
        serde_json::from_str(&ok(&run(d, &["sync", "--status", "--json"], "").await)).unwrap();
    assert!(
        st["queue"].as_array().unwrap().is_empty(),
        "nothing queued: {st}"
    );

    // Once the delay has passed, the scheduled run sends again.
    let later = (chrono::Utc::now() + chrono::Duration::hours(25)).to_rfc3339();
    ok(&run(d, &["agent", "run", "--now", &later], "").await);
    assert_eq!(contacts(), 2, "due again after the delay");

    // A person asking for it is never held back.
    ok(&run(d, &["sync", "--with-inventory"], "").await);
    assert_eq!(contacts(), 3);
}
