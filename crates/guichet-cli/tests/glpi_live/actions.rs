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

/// The scenario (see the module's overview), as `account` on the user's side.
pub fn published_actions_travel_with_articles(server: &GlpiServer, account: Account) {
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

    // The user's side: the machine trusts the admin's key.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let policy = d.join("policy.json");
    let signers =
        serde_json::json!({"action_signers": [{"name": "IT desk", "public_key": public_key}]});
    std::fs::write(&policy, signers.to_string()).unwrap();
    let _secrets = connect(server, d, server.url(), account);
    ok(server, guichet(d, &["sync"], ""));

    let list = json(server, machine(d, &policy, &["--json", "fix", "list"]));
    let entry = |id: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing from {list}"))
            .clone()
    };
    let (g, t) = (entry(&good), entry(&bad));
    let source = format!("glpi:{article}");
    assert_eq!(g["source"], source.as_str(), "{g}");
    assert_eq!(g["refusal"], Value::Null, "{g}");
    assert_eq!(g["published"]["publisher"], "IT desk", "{g}");
    assert_eq!(t["source"], source.as_str(), "{t}");
    assert_eq!(t["refusal"]["code"], "action_tampered", "{t}");

    let shown = json(
        server,
        machine(d, &policy, &["--json", "fix", "show", &good]),
    );
    assert_eq!(shown["published"]["script"], "echo restarted\n", "{shown}");
    let out = machine(d, &policy, &["fix", "show", &bad]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(server, &out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("signature"), "the reason: {stderr}");

    // A pass that finds the article unchanged keeps both; once the admin deletes the tampered
    // file (GLPI leaves the article's date as it was), the next pass forgets it.
    ok(server, guichet(d, &["sync"], ""));
    let ids = |list: &Value| -> Vec<String> {
        let mut ids: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["source"] == source.as_str())
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    let listed = json(server, machine(d, &policy, &["--json", "fix", "list"]));
    assert_eq!(ids(&listed), [good.clone(), bad.clone()]);
    runtime
        .block_on(admin.call(
            reqwest::Method::DELETE,
            &format!("Document/{}?force_purge=true", documents[1]),
            None,
        ))
        .unwrap();
    ok(server, guichet(d, &["sync"], ""));
    let listed = json(server, machine(d, &policy, &["--json", "fix", "list"]));
    assert_eq!(ids(&listed), vec![good.clone()], "{listed}");
}
