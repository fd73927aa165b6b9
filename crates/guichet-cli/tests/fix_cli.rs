//! `guichet fix` through the binary, with the real bubblewrap: an admin's key and signed
//! action, the machine's policy trusting it, the action imported, run in the sandbox and its
//! run attached to a report; unsigned, tampered, untrusted, expired, malformed and oversized
//! files refused with their own codes; the sandbox's walls (network, /usr, timeout); and no
//! run at all without bubblewrap.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A machine: a data directory, a policy file, and a folder for the admin's files.
struct Machine {
    dir: tempfile::TempDir,
    path: Option<String>,
}

impl Machine {
    fn new() -> Machine {
        Machine {
            dir: tempfile::tempdir().unwrap(),
            path: None,
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn guichet(&self, args: &[&str]) -> Output {
        self.guichet_with_input(args, "")
    }

    fn guichet_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_guichet"));
        cmd.args(args)
            .env("GUICHET_DATA_DIR", self.file("data"))
            .env("GUICHET_POLICY", self.file("policy.json"))
            .env("USER", "alice")
            .env_remove("GUICHET_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(p) = &self.path {
            cmd.env("PATH", p);
        }
        let mut child = cmd.spawn().expect("running guichet");
        use std::io::Write as _;
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        child.wait_with_output().unwrap()
    }

    /// Creates an admin key; returns its public key.
    fn key(&self, name: &str) -> String {
        let key = self.file(name);
        let v = json(&self.guichet(&["--json", "fix", "key", "new", "-o", key.to_str().unwrap()]));
        v["public_key"].as_str().unwrap().to_string()
    }

    fn trust(&self, keys: &[&str]) {
        let signers: Vec<_> = keys
            .iter()
            .map(|k| serde_json::json!({"name": "IT desk", "public_key": k}))
            .collect();
        let policy = serde_json::json!({ "action_signers": signers });
        std::fs::write(self.file("policy.json"), policy.to_string()).unwrap();
    }

    /// Signs `script` as action `name` with key file `key`; returns the action file.
    fn sign(&self, key: &str, name: &str, script: &str, extra: &[&str]) -> PathBuf {
        let s = self.file(&format!("{name}.sh"));
        std::fs::write(&s, script).unwrap();
        let out = self.file(&format!("{name}.guichet-action"));
        let mut args = vec![
            "fix",
            "sign",
            "--key",
            key,
            "--script",
            s.to_str().unwrap(),
            "--name",
            name,
            "--title-fr",
            "Essai",
            "--title-en",
            "Trial",
            "--description-fr",
            "Un essai.",
            "--description-en",
            "A trial.",
            "-o",
            out.to_str().unwrap(),
        ];
        if !extra.contains(&"--expires") {
            args.extend(["--expires", "2099-12-31"]);
        }
        args.extend(extra);
        ok(&self.guichet(&args));
        out
    }

    fn import(&self, file: &Path) -> Output {
        self.guichet(&["--json", "fix", "import", file.to_str().unwrap()])
    }

    /// Runs action `name` with `--yes`; returns the recorded run.
    fn run(&self, name: &str) -> (Output, Option<serde_json::Value>) {
        let out = self.guichet(&["--json", "fix", "run", name, "--yes"]);
        let run = serde_json::from_slice(&out.stdout).ok();
        (out, run)
    }
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

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).unwrap()
}

/// The `--json` error code of a failed command, checking its exit status.
fn refused(out: &Output, status: i32) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(status), "stderr: {stderr}");
    let line = stderr.lines().last().unwrap_or("");
    let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|_| panic!("{stderr}"));
    v["error"]["code"].as_str().unwrap().to_string()
}

fn has_bwrap() -> bool {
    let found = Command::new("bwrap").arg("--version").output().is_ok();
    if !found {
        eprintln!("skipped: bubblewrap is not installed");
    }
    found
}

#[test]
fn a_signed_action_runs_in_the_sandbox_and_its_run_goes_with_a_report() {
    if !has_bwrap() {
        return;
    }
    let m = Machine::new();
    let key = m.key("admin.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(m.file("admin.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    m.trust(&[&key]);
    let admin = m.file("admin.key");
    let file = m.sign(
        admin.to_str().unwrap(),
        "hello",
        "echo hello from the sandbox\n",
        &[],
    );
    ok(&m.import(&file));
    let list = json(&m.guichet(&["--json", "fix", "list"]));
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "hello")
        .unwrap();
    assert_eq!(entry["plan"]["publisher"], "IT desk", "{entry}");

    // Not confirmed: nothing runs.
    let no = m.guichet_with_input(&["--json", "fix", "run", "hello"], "n\n");
    assert_eq!(refused(&no, 1), "cancelled");
    let yes = m.guichet_with_input(&["--json", "fix", "run", "hello"], "y\n");
    let run: serde_json::Value = serde_json::from_str(&ok(&yes)).unwrap();
    assert!(String::from_utf8_lossy(&yes.stderr).contains("A trial."));
    assert_eq!(run["outcome"]["succeeded"], true, "{run}");
    let id = run["run_id"].as_i64().unwrap();
    let recorded = json(&m.guichet(&["--json", "fix", "runs", &id.to_string()]));
    assert!(recorded["output"]
        .as_str()
        .unwrap()
        .contains("hello from the sandbox"));

    let ticket = json(&m.guichet(&[
        "--json",
        "ticket",
        "new",
        "--title",
        "Still broken",
        "--body",
        "after the fix",
        "--draft",
        "--attach-fix-run",
        &id.to_string(),
    ]));
    let shown = json(&m.guichet(&["--json", "ticket", "show", ticket["id"].as_str().unwrap()]));
    let names = shown.to_string();
    assert!(
        names.contains(&format!("fix-run-{id}-hello.txt")),
        "{names}"
    );
}

#[test]
fn unsigned_tampered_untrusted_malformed_and_oversized_actions_are_refused_each_with_its_reason() {
    let m = Machine::new();
    let key = m.key("admin.key");
    let _other = m.key("other.key");
    m.trust(&[&key]);
    let admin = m.file("admin.key");
    let good = m.sign(admin.to_str().unwrap(), "probe", "echo probe\n", &[]);
    let text = std::fs::read_to_string(&good).unwrap();
    let mut cases: Vec<(&str, String)> = Vec::new();

    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v.as_object_mut().unwrap().remove("signature");
    cases.push(("action_unsigned", v.to_string()));
    cases.push(("action_tampered", text.replace("echo probe", "rm -rf ~")));
    cases.push((
        "action_tampered",
        text.replace("\"needs_network\": false", "\"needs_network\": true"),
    ));
    let other = m.file("other.key");
    let foreign = m.sign(other.to_str().unwrap(), "foreign", "echo probe\n", &[]);
    cases.push((
        "action_untrusted",
        std::fs::read_to_string(&foreign).unwrap(),
    ));
    cases.push((
        "action_malformed",
        "{\"format\": \"guichet-action\"}".into(),
    ));
    cases.push(("action_too_large", " ".repeat(300 * 1024)));
    for (i, (code, body)) in cases.iter().enumerate() {
        assert_ne!(body, &text);
        let f = m.file(&format!("case{i}.guichet-action"));
        std::fs::write(&f, body).unwrap();
        assert_eq!(&refused(&m.import(&f), 2), code, "case {i}");
    }
    let list = json(&m.guichet(&["--json", "fix", "list"]));
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|e| e["builtin"] == true),
        "{list}"
    );
    ok(&m.import(&good));
}

#[test]
fn an_action_is_verified_again_at_each_use_expiry_and_a_key_removed_from_the_policy() {
    let m = Machine::new();
    let key = m.key("admin.key");
    m.trust(&[&key]);
    let admin = m.file("admin.key");
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(3)).to_rfc3339();
    let brief = m.sign(
        admin.to_str().unwrap(),
        "brief",
        "echo brief\n",
        &["--expires", &soon],
    );
    let lasting = m.sign(admin.to_str().unwrap(), "lasting", "echo lasting\n", &[]);
    ok(&m.import(&brief));
    ok(&m.import(&lasting));
    std::thread::sleep(std::time::Duration::from_millis(3500));
    assert_eq!(refused(&m.run("brief").0, 2), "action_expired");
    assert_eq!(
        refused(&m.guichet(&["--json", "fix", "show", "brief"]), 2),
        "action_expired"
    );
    m.trust(&[]);
    assert_eq!(refused(&m.run("lasting").0, 2), "action_untrusted");
    let list = json(&m.guichet(&["--json", "fix", "list"]));
    let codes: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["builtin"] == false)
        .map(|e| e["refusal"]["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["action_untrusted", "action_untrusted"]);
    assert!(json(&m.guichet(&["--json", "fix", "runs"]))
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn the_sandbox_keeps_the_network_and_the_system_out_and_stops_a_script_at_its_timeout() {
    if !has_bwrap() {
        return;
    }
    let m = Machine::new();
    let key = m.key("admin.key");
    m.trust(&[&key]);
    let admin = m.file("admin.key");
    let admin = admin.to_str().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let reach = format!("bash -c 'echo hi > /dev/tcp/127.0.0.1/{port}' && echo reached\n");
    for (name, script, extra) in [
        ("net-undeclared", reach.as_str(), &[][..]),
        ("net-declared", reach.as_str(), &["--network"][..]),
        (
            "write-usr",
            "echo x > /usr/guichet-probe && echo wrote\n",
            &[][..],
        ),
        (
            "sleeper",
            "echo going to sleep\nsleep 60\necho woke\n",
            &["--timeout", "1"][..],
        ),
    ] {
        ok(&m.import(&m.sign(admin, name, script, extra)));
    }
    let accept = std::thread::spawn(move || listener.accept().map(|_| ()));

    let (out, run) = m.run("net-undeclared");
    assert_eq!(refused(&out, 1), "action_failed");
    let run = run.unwrap();
    assert!(
        !run["outcome"]["output"]
            .as_str()
            .unwrap()
            .contains("reached"),
        "{run}"
    );

    let (out, run) = m.run("net-declared");
    ok(&out);
    assert!(run.unwrap()["outcome"]["output"]
        .as_str()
        .unwrap()
        .contains("reached"));
    accept.join().unwrap().unwrap();

    let (out, run) = m.run("write-usr");
    assert_eq!(refused(&out, 1), "action_failed");
    let output = run.unwrap()["outcome"]["output"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        output.contains("Read-only file system") && !output.contains("wrote"),
        "{output}"
    );
    assert!(!Path::new("/usr/guichet-probe").exists());

    let started = std::time::Instant::now();
    let (out, run) = m.run("sleeper");
    assert_eq!(refused(&out, 1), "action_failed");
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    let run = run.unwrap();
    let output = run["outcome"]["output"].as_str().unwrap();
    assert!(
        output.contains("going to sleep") && output.contains("[stopped after"),
        "{output}"
    );
    assert!(!output.contains("woke"));
    let runs = json(&m.guichet(&["--json", "fix", "runs"]));
    assert_eq!(runs.as_array().unwrap().len(), 4);
}

#[test]
fn without_bubblewrap_a_published_action_is_refused_never_run_unsandboxed() {
    let mut m = Machine::new();
    let key = m.key("admin.key");
    m.trust(&[&key]);
    let admin = m.file("admin.key");
    let marker = m.file("ran-unsandboxed");
    let script = format!("touch '{}'\n", marker.display());
    ok(&m.import(&m.sign(admin.to_str().unwrap(), "marker", &script, &[])));
    let empty = m.file("empty-path");
    std::fs::create_dir(&empty).unwrap();
    m.path = Some(empty.display().to_string());
    let (out, _) = m.run("marker");
    assert_eq!(refused(&out, 1), "action_unavailable");
    assert!(String::from_utf8_lossy(&out.stderr).contains("bubblewrap"));
    assert!(!marker.exists());
    m.path = None;
    assert!(json(&m.guichet(&["--json", "fix", "runs"]))
        .as_array()
        .unwrap()
        .is_empty());
}
