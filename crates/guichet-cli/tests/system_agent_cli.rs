//! The system agent through the binary: `agent install --system` on its own store and only
//! with an executable no other user can replace (its units checked by `systemd-analyze
//! verify`), `--system-agent connect` keeping the secret as a systemd encrypted credential, a
//! run after a "reboot" (new process, new kernel session keyring, no Secret Service) that still
//! authenticates against a real Request Tracker 5, and the secret found in no store file and no
//! log, for the system agent and for a person's store.
//!
//! What cannot run here: systemd is not PID 1 on the test machines and they have no TPM, so
//! the unit is not started by systemd; the test decrypts the credential with `systemd-creds`
//! (host key) into a directory and passes it as `$CREDENTIALS_DIRECTORY`, as systemd would.
//! The credential tests need root and `systemd-creds` (systemd 250+) and say SKIP otherwise.
//! RT is required as in `rt_cli.rs` (`GUICHET_SKIP_RT=1` skips).

#![allow(clippy::too_many_lines)]

mod keyring;
use keyring::{describe, guichet, guichet_with};

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use guichet_testkit::{RtServer, Technician};
use serde_json::Value;

fn rt() -> Option<&'static RtServer> {
    if std::env::var("GUICHET_SKIP_RT").as_deref() == Ok("1") {
        eprintln!("SKIP: GUICHET_SKIP_RT=1, Request Tracker tests not run");
        return None;
    }
    match RtServer::shared() {
        Ok(s) => Some(s),
        Err(e) => panic!(
            "Request Tracker 5 is required for these tests ({e}); install it \
             (scripts/install-rt.sh) or set GUICHET_SKIP_RT=1 to skip them"
        ),
    }
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", describe(out));
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

fn mode(p: &Path, m: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

fn has(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Root, with a working `systemd-creds`: what encrypted credentials need.
fn can_encrypt() -> bool {
    let dir = tempfile::tempdir().unwrap();
    has("systemd-creds")
        && Command::new("sh")
            .arg("-c")
            .arg("printf x | systemd-creds encrypt --name=probe - \"$0\"")
            .arg(dir.path().join("probe"))
            .output()
            .is_ok_and(|o| o.status.success())
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Fails when `secret` is in any file under `dir` or in any of `logs`.
fn assert_nowhere(secret: &str, dir: &Path, logs: &[String]) {
    let needle = secret.as_bytes();
    let found = |b: &[u8]| b.windows(needle.len()).any(|w| w == needle);
    for f in files(dir) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(!found(&bytes), "the secret is in {}", f.display());
    }
    for (i, log) in logs.iter().enumerate() {
        assert!(!found(log.as_bytes()), "the secret is in log {i}: {log}");
    }
}

/// Regression (security review): `agent install --system` wrote whatever executable ran it
/// (a user's `/tmp/g`) into a unit root runs at every boot, and used the user's data directory.
#[test]
fn system_agent_refuses_a_user_writable_binary() {
    let tmp = tempfile::tempdir().unwrap();
    mode(tmp.path(), 0o755);
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    mode(&bin, 0o755);
    let exe = bin.join("guichet");
    std::fs::copy(env!("CARGO_BIN_EXE_guichet"), &exe).unwrap();
    let (system, user) = (tmp.path().join("system"), tmp.path().join("user"));
    let install = |extra: &[&str]| {
        Command::new(&exe)
            .args(["--json", "agent", "install", "--system"])
            .args(extra)
            .env("GUICHET_SYSTEM_DATA_DIR", &system)
            .env("GUICHET_DATA_DIR", &user)
            .output()
            .unwrap()
    };
    let root = std::fs::metadata(tmp.path())
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap();
    if root {
        mode(&exe, 0o775);
        let out = install(&["--dry-run"]);
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        let err: Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!(err["error"]["code"], "unsafe_executable");
        let msg = err["error"]["message"].as_str().unwrap();
        assert!(msg.contains("writable by its group"), "{msg}");
        mode(&exe, 0o755);
        mode(&bin, 0o777);
        let out = install(&[]);
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        assert!(!system.exists(), "nothing made for a refused install");
        mode(&bin, 0o755);
    } else {
        eprintln!("SKIP refusal: the temporary files are not root's (not running as root)");
    }

    let v = json(&install(&["--dry-run"]));
    let service = v["service"].as_str().unwrap();
    assert_eq!(v["data_dir"], system.to_str().unwrap(), "{v}");
    assert!(
        service.contains(&format!("--data-dir \"{}\" agent run", system.display())),
        "{service}"
    );
    assert!(
        !service.contains(user.to_str().unwrap()),
        "never the user's store"
    );
    let creds = format!(
        "LoadCredentialEncrypted=guichet:{}/credentials",
        system.display()
    );
    assert!(service.lines().any(|l| l == creds), "{service}");
    assert!(!system.exists(), "a dry run creates nothing");

    if !has("systemd-analyze") {
        eprintln!("SKIP systemd-analyze verify: systemd-analyze is not installed");
        return;
    }
    let units = tempfile::tempdir().unwrap();
    let service_file = units.path().join("guichet-agent.service");
    std::fs::write(&service_file, service).unwrap();
    std::fs::write(
        units.path().join("guichet-agent.timer"),
        v["timer"].as_str().unwrap(),
    )
    .unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(units.path().join("guichet-agent.timer"))
        .arg(&service_file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "systemd-analyze verify: {stderr}");
    assert!(
        !stderr.contains("guichet-agent"),
        "no warning about our units: {stderr}"
    );
    // The check can fail: a misspelt setting in the same unit is reported.
    std::fs::write(&service_file, service.replace("UMask=", "UMaks=")).unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&service_file)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("guichet-agent.service"),
        "systemd-analyze reports a bad line"
    );
}

/// Regression (security review): root wrote predictable names (`guichet.db`, blob and
/// credential temporary files, lock files) into a data directory a person controls, who could
/// read them or plant links to have root write elsewhere. Root now refuses such a directory,
/// for a person's store as for the system agent's.
#[test]
fn system_agent_never_writes_a_user_data_dir() {
    use std::os::unix::fs::{chown, symlink};
    let tmp = tempfile::tempdir().unwrap();
    mode(tmp.path(), 0o755);
    let root = std::fs::metadata(tmp.path())
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap();
    if !root {
        eprintln!("SKIP: needs root (a directory owned by another user)");
        return;
    }
    let home = tmp.path().join("home");
    std::fs::create_dir(&home).unwrap();
    chown(&home, Some(1000), Some(1000)).unwrap();
    // A store the person prepared, with a link where root would create its lock file.
    let store = home.join("store");
    std::fs::create_dir(&store).unwrap();
    chown(&store, Some(1000), Some(1000)).unwrap();
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, "root's file").unwrap();
    symlink(&victim, store.join("guichet.db.lock")).unwrap();
    let run = |args: &[&str], envs: &[(&str, &Path)]| {
        Command::new(env!("CARGO_BIN_EXE_guichet"))
            .arg("--json")
            .args(args)
            .env_remove("GUICHET_DATA_DIR")
            .env_remove("GUICHET_SYSTEM_DATA_DIR")
            .envs(envs.iter().copied())
            .output()
            .unwrap()
    };
    let refused = |out: &Output| {
        assert_eq!(out.status.code(), Some(2), "{}", describe(out));
        let err: Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!(err["error"]["code"], "unsafe_data_dir", "{err}");
        let msg = err["error"]["message"].as_str().unwrap().to_string();
        assert!(msg.contains("owned by user id 1000"), "{msg}");
    };
    let new_store = home.join(".local/share/guichet");
    for dir in [&store, &new_store] {
        let d = dir.to_str().unwrap();
        refused(&run(&["--data-dir", d, "ticket", "list"], &[]));
        refused(&run(
            &[
                "--data-dir",
                d,
                "ticket",
                "new",
                "--title",
                "T",
                "--body",
                "B",
            ],
            &[],
        ));
    }
    let system = home.join("system");
    let env = [("GUICHET_SYSTEM_DATA_DIR", system.as_path())];
    refused(&run(&["--system-agent", "ticket", "list"], &env));
    refused(&run(&["agent", "install", "--system"], &env));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "root's file");
    let mut left: Vec<_> = files(&home);
    left.sort();
    assert_eq!(
        left,
        vec![store.join("guichet.db.lock")],
        "root wrote nothing there"
    );
    assert!(!new_store.exists() && !system.exists());
    // Root's own directories are fine.
    let mine = tmp.path().join("root-store");
    let out = run(
        &["--data-dir", mine.to_str().unwrap(), "ticket", "list"],
        &[],
    );
    assert!(out.status.success(), "{}", describe(&out));
}

/// What systemd does before starting the unit: decrypt each file of the store's `credentials/`
/// into a private directory, named `guichet_<file>` (`LoadCredentialEncrypted=guichet:<dir>`).
fn load_credentials_as_systemd(store: &Path, into: &Path) {
    std::fs::create_dir_all(into).unwrap();
    mode(into, 0o700);
    for f in files(&store.join("credentials")) {
        let id = format!("guichet_{}", f.file_name().unwrap().to_str().unwrap());
        let out = Command::new("systemd-creds")
            .args(["decrypt", "--with-key=host"])
            .arg(format!("--name={id}"))
            .arg(&f)
            .arg(into.join(&id))
            .output()
            .unwrap();
        assert!(out.status.success(), "systemd-creds decrypt: {out:?}");
    }
}

/// The two tests that connect to the shared RT as the same user: one checks that the kernel key
/// store holds no entry for that account while the other, a person's connect, puts one there.
/// Run in parallel, the first saw the second's entry (a flaky "nothing in the kernel key store").
static ONE_ACCOUNT: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn after_a_reboot_the_system_agent_still_authenticates_with_its_encrypted_credential() {
    let _account = ONE_ACCOUNT.lock().unwrap_or_else(|e| e.into_inner());
    let Some(server) = rt() else { return };
    if !can_encrypt() {
        eprintln!("SKIP: systemd-creds cannot encrypt here (needs root and systemd 250+)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("var-lib-guichet");
    let user = tmp.path().join("user");
    let sys = store.to_str().unwrap();
    let env = [("GUICHET_SYSTEM_DATA_DIR", sys), ("GUICHET_LOG", "debug")];
    let url = server.url().to_string();
    let account = guichet_sync::secret::account("rt", &url, RtServer::USER);
    let mut logs = Vec::new();
    let mut run = |dir: &Path, args: &[&str], stdin: &str, extra: &[(&str, &str)]| {
        let mut all = env.to_vec();
        all.extend_from_slice(extra);
        let out = guichet_with(dir, args, stdin, &all);
        logs.push(String::from_utf8_lossy(&out.stderr).into_owned());
        out
    };

    // connect, as root on the system agent's store: the secret becomes an encrypted credential.
    let out = run(
        &user,
        &[
            "--system-agent",
            "--json",
            "connect",
            "rt",
            "--url",
            &url,
            "--user",
            RtServer::USER,
            "--queue",
            RtServer::QUEUE,
        ],
        &format!("{}\n", RtServer::USER_PASSWORD),
        &[],
    );
    let v = json(&out);
    assert_eq!(v["secret"]["store"], "system_credential", "{v}");
    assert_eq!(v["secret"]["survives_reboot"], true);
    assert!(String::from_utf8_lossy(&out.stderr).contains("survives a reboot"));
    assert!(!user.exists(), "the person's store is not touched");
    for d in [store.clone(), store.join("credentials")] {
        let m = std::fs::metadata(&d).unwrap().permissions().mode();
        assert_eq!(m & 0o777, 0o700, "{}", d.display());
    }
    let sealed = store
        .join("credentials")
        .join(guichet_sync::secret::credential_id(&account).trim_start_matches("guichet_"));
    assert!(sealed.is_file(), "{}", sealed.display());
    let description = format!("keyring-rs:{account}@guichet");
    let in_keyring = Command::new("keyctl")
        .args(["search", "@u", "user", &description])
        .output()
        .unwrap();
    assert!(
        !in_keyring.status.success(),
        "nothing in the kernel key store"
    );

    let id = ok(&run(
        &store,
        &[
            "ticket",
            "new",
            "--title",
            "Écran noir",
            "--body",
            "après reboot",
        ],
        "",
        &[],
    ))
    .trim()
    .to_string();

    // "Reboot": a new process in a new kernel session keyring, no Secret Service, and what
    // systemd hands the unit. The encrypted file is moved away during the run, so the secret
    // can only come from $CREDENTIALS_DIRECTORY.
    let creds = tmp.path().join("run-credentials");
    load_credentials_as_systemd(&store, &creds);
    let aside = tmp.path().join("aside");
    std::fs::rename(&sealed, &aside).unwrap();
    let c = creds.to_str().unwrap();
    let v = json(&run(
        &store,
        &["--json", "agent", "run"],
        "",
        &[("CREDENTIALS_DIRECTORY", c)],
    ));
    assert_eq!(v["run"]["outcome"], "ok", "{v}");
    let tech = Technician::new(server);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let found = runtime.block_on(tech.tickets_by_client_uuid(&id)).unwrap();
    assert_eq!(
        found.len(),
        1,
        "the ticket reached RT after the reboot: {v}"
    );

    // Without the credential (neither passed nor on disk) the run cannot authenticate: the
    // check above could fail.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = run(
        &store,
        &["sync"],
        "",
        &[("CREDENTIALS_DIRECTORY", empty.to_str().unwrap())],
    );
    assert!(!out.status.success(), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--system-agent connect"),
        "{}",
        describe(&out)
    );

    // Run by hand as root (no systemd): the file is decrypted with systemd-creds.
    std::fs::rename(&aside, &sealed).unwrap();
    ok(&run(&user, &["--system-agent", "sync"], "", &[]));

    assert_nowhere(RtServer::USER_PASSWORD, &store, &logs);
}

#[test]
fn a_persons_secret_is_in_no_store_file_and_no_log_and_connect_says_it_will_not_survive_a_reboot() {
    let _account = ONE_ACCOUNT.lock().unwrap_or_else(|e| e.into_inner());
    let Some(server) = rt() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = server.url().to_string();
    let account = guichet_sync::secret::account("rt", &url, RtServer::USER);
    let mut logs = Vec::new();
    let mut run = |args: &[&str], stdin: &str| {
        let out = guichet_with(d, args, stdin, &[("GUICHET_LOG", "debug")]);
        logs.push(String::from_utf8_lossy(&out.stderr).into_owned());
        out
    };
    let out = run(
        &[
            "--json",
            "connect",
            "rt",
            "--url",
            &url,
            "--user",
            RtServer::USER,
            "--queue",
            RtServer::QUEUE,
        ],
        &format!("{}\n", RtServer::USER_PASSWORD),
    );
    let v = json(&out);
    // No Secret Service in this session: the kernel key store, which a reboot empties.
    assert_eq!(v["secret"]["store"], "keyutils", "{v}");
    assert_eq!(v["secret"]["survives_reboot"], false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("forgets it"), "{stderr}");
    ok(&run(
        &["ticket", "new", "--title", "VPN", "--body", "coupé"],
        "",
    ));
    ok(&run(&["sync"], ""));
    let status = guichet(d, &["sync", "--status", "--json"], "");
    assert_eq!(
        json(&status)["queue"],
        serde_json::json!([]),
        "the ticket was sent"
    );
    logs.push(String::from_utf8_lossy(&status.stderr).into_owned());
    guichet_sync::secret::delete(&account);
    assert_nowhere(RtServer::USER_PASSWORD, d, &logs);
}
