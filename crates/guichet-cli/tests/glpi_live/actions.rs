//! Published fix-it actions delivered through GLPI: an admin signs two actions with `guichet fix
//! sign`, adds GLPI's Document type with `scripts/glpi/guichet-actions.sh` and attaches both files
//! to an FAQ article through the REST API, one of them tampered with after signing; the user's
//! `guichet sync` brings them with the knowledge base; `fix list` shows the good one verified and
//! the tampered one refused with its reason, `fix show` verifies each again.

use super::*;
use guichet_testkit::GlpiTechnician;
use std::process::Command;

/// `guichet` on the machine in `dir`, whose policy is the file `policy`.
fn machine(dir: &Path, policy: &Path, args: &[&str]) -> Output {
    keyring::guichet_with(
        dir,
        args,
        "",
        &[("GUICHET_POLICY", policy.to_str().unwrap())],
    )
}

/// Signs `script` as action `name` with the admin's key file `key`; returns the file's bytes.
fn sign(server: &GlpiServer, admin: &Path, key: &Path, name: &str, script: &str) -> Vec<u8> {
    let s = admin.join(format!("{name}.sh"));
    std::fs::write(&s, script).unwrap();
    let out = admin.join(format!("{name}.guichet-action"));
    let args = [
        "fix",
        "sign",
        "--key",
        key.to_str().unwrap(),
        "--script",
        s.to_str().unwrap(),
        "--name",
        name,
        "--title-fr",
        "Relancer l'impression",
        "--title-en",
        "Restart printing",
        "--description-fr",
        "Relance la file d'impression.",
        "--description-en",
        "Restarts the print queue.",
        "--expires",
        "2099-12-31",
        "-o",
        out.to_str().unwrap(),
    ];
    ok(server, keyring::guichet(admin, &args, ""));
    std::fs::read(out).unwrap()
}

/// Runs the admin's setup script against `server` as the super-admin; its stdout.
fn setup_script(server: &GlpiServer) -> String {
    let out = Command::new(GlpiServer::scripts_dir().join("guichet-actions.sh"))
        .env("GLPI_URL", server.url())
        .env("GLPI_APP_TOKEN", server.app_token())
        .env("GLPI_USER", GlpiServer::ADMIN)
        .env("GLPI_PASSWORD", GlpiServer::ADMIN_PASSWORD)
        .env_remove("GLPI_USER_TOKEN")
        .output()
        .expect("running scripts/glpi/guichet-actions.sh");
    assert!(out.status.success(), "{}", describe(server, &out));
    String::from_utf8(out.stdout).unwrap()
}

/// The scenario (see the module's overview), with one machine per account of `accounts` on the
/// users' side.
pub fn published_actions_travel_with_articles(server: &GlpiServer, accounts: &[Account]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let admin = runtime.block_on(GlpiTechnician::admin(server)).unwrap();
    let word = unique("act");
    let article = runtime
        .block_on(admin.publish_article(
            &format!("Imprimante bloquée {word}"),
            "<p>Relancez la file.</p>",
            true,
        ))
        .unwrap();

    // The admin's side: a key, a good action and one changed after signing.
    let admin_dir = tempfile::tempdir().unwrap();
    let a = admin_dir.path();
    let key = a.join("admin.key");
    let created = json(
        server,
        keyring::guichet(
            a,
            &["--json", "fix", "key", "new", "-o", key.to_str().unwrap()],
            "",
        ),
    );
    let public_key = created["public_key"].as_str().unwrap().to_owned();
    let good = format!("restart-{word}");
    let bad = format!("tampered-{word}");
    let good_file = sign(server, a, &key, &good, "echo restarted\n");
    let signed = String::from_utf8(sign(server, a, &key, &bad, "echo harmless\n")).unwrap();
    let bad_file = signed.replace("echo harmless", "echo harmful").into_bytes();

    // GLPI stores no `.guichet-action` file until the setup script has added its Document type.
    let type_rows = "SELECT COUNT(*) FROM glpi_documenttypes WHERE ext = 'guichet-action'";
    if sql(server, type_rows)[0][0] == "0" {
        let refused = runtime
            .block_on(admin.attach_to_article(
                article,
                &format!("{good}.guichet-action"),
                good_file.clone(),
            ))
            .expect_err("GLPI refuses an extension it has no Document type for");
        assert!(
            refused.to_string().contains("not found"),
            "GLPI's words for it: {refused}"
        );
        assert!(setup_script(server).contains("added"));
    }
    assert!(setup_script(server).contains("already there"), "run twice");
    assert_eq!(sql(server, type_rows)[0][0], "1");
    let mut documents = Vec::new();
    for (name, bytes) in [(&good, &good_file), (&bad, &bad_file)] {
        let id = runtime
            .block_on(admin.attach_to_article(
                article,
                &format!("{name}.guichet-action"),
                bytes.clone(),
            ))
            .unwrap();
        documents.push(id);
    }

    // The users' side: each machine trusts the admin's key.
    let signers =
        serde_json::json!({"action_signers": [{"name": "IT desk", "public_key": public_key}]});
    let source = format!("glpi:{article}");
    let machines: Vec<User> = accounts
        .iter()
        .map(|&account| {
            let user = User::connect(server, account, &signers);
            user.sees_good_and_tampered(server, &good, &bad, &source);
            user
        })
        .collect();

    // A pass that finds the article unchanged keeps both; once the admin deletes the tampered
    // file (GLPI leaves the article's date as it was), the next pass forgets it.
    for user in &machines {
        ok(server, guichet(user.dir(), &["sync"], ""));
        assert_eq!(user.published(server, &source), [good.clone(), bad.clone()]);
    }
    runtime
        .block_on(admin.call(
            reqwest::Method::DELETE,
            &format!("Document/{}?force_purge=true", documents[1]),
            None,
        ))
        .unwrap();
    for user in &machines {
        ok(server, guichet(user.dir(), &["sync"], ""));
        assert_eq!(user.published(server, &source), vec![good.clone()]);
    }
}

/// A user's machine: its data directory, policy file and keyring entries.
struct User {
    dir: tempfile::TempDir,
    _secrets: Secrets,
    /// The machine's own address of the server: keyring entries are named after the URL,
    /// and the other tests of this binary, running beside this one, connect the same
    /// accounts to the same server (their guards would delete this one's entries).
    _proxy: guichet_testkit::FaultProxy,
}

impl User {
    /// A machine whose policy lists `signers`, connected to `server` as `account`, synced once.
    fn connect(server: &GlpiServer, account: Account, signers: &Value) -> User {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("policy.json"), signers.to_string()).unwrap();
        let proxy = proxy(server);
        let secrets = connect(server, dir.path(), &proxy.url(), account);
        ok(server, guichet(dir.path(), &["sync"], ""));
        User {
            dir,
            _secrets: secrets,
            _proxy: proxy,
        }
    }

    fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `guichet ARGS` with the machine's policy.
    fn run(&self, args: &[&str]) -> Output {
        machine(self.dir(), &self.dir().join("policy.json"), args)
    }

    /// The ids of the published actions `fix list` shows from `source`, sorted.
    fn published(&self, server: &GlpiServer, source: &str) -> Vec<String> {
        let list = json(server, self.run(&["--json", "fix", "list"]));
        let mut ids: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["source"] == source)
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    }

    /// `fix list` shows `good` verified and `bad` refused as tampered, both from `source`;
    /// `fix show` verifies each again.
    fn sees_good_and_tampered(&self, server: &GlpiServer, good: &str, bad: &str, source: &str) {
        let list = json(server, self.run(&["--json", "fix", "list"]));
        let entry = |id: &str| {
            list.as_array()
                .unwrap()
                .iter()
                .find(|e| e["id"] == id)
                .unwrap_or_else(|| panic!("{id} missing from {list}"))
                .clone()
        };
        let (g, t) = (entry(good), entry(bad));
        assert_eq!(g["source"], source, "{g}");
        assert_eq!(g["refusal"], Value::Null, "{g}");
        assert_eq!(g["published"]["publisher"], "IT desk", "{g}");
        assert_eq!(t["source"], source, "{t}");
        assert_eq!(t["refusal"]["code"], "action_tampered", "{t}");

        let shown = json(server, self.run(&["--json", "fix", "show", good]));
        assert_eq!(shown["published"]["script"], "echo restarted\n", "{shown}");
        let out = self.run(&["fix", "show", bad]);
        assert_eq!(out.status.code(), Some(2), "{}", describe(server, &out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("signature"), "the reason: {stderr}");
    }
}
