//! The scenarios each live GLPI test binary runs against its own server.

use super::*;
use guichet_testkit::{Fault, GlpiTechnician};
use std::process::Command;

/// The request paths (substrings) that create a ticket and a follow-up with `account`'s API.
fn create_paths(account: Account) -> (&'static str, &'static str) {
    match account {
        Account::SelfServiceOAuth | Account::AdminOAuth => {
            ("/Assistance/Ticket", "/Timeline/Followup")
        }
        _ => ("/apirest.php/Ticket", "/apirest.php/ITILFollowup"),
    }
}

/// A ticket written offline with a file, then a reply, each sent with its first answer lost on
/// the way back: exactly one ticket, one document and one follow-up in GLPI; the technician's
/// answer and solution come back as text, private notes never do.
pub fn ticket_and_reply_exactly_once(server: &GlpiServer, account: Account) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let proxy = proxy(server);
    let url = proxy.url();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _secrets = connect(server, d, &url, account);
    let (ticket_path, followup_path) = create_paths(account);

    // Offline: queued, `sync` says offline and keeps it.
    proxy.set_down(true);
    let word = unique("printer");
    let file = d.join("tray.txt");
    std::fs::write(&file, b"tray 2 log").unwrap();
    let id = ok(
        server,
        guichet(
            d,
            &[
                "ticket",
                "new",
                "--title",
                &format!("Imprimante {word}"),
                "--body",
                "Bonjour,\nl'imprimante <HP> bourre.\n\nMerci & bonne journée",
                "--attach",
                file.to_str().unwrap(),
            ],
            "",
        ),
    )
    .trim()
    .to_owned();
    let out = guichet(d, &["sync"], "");
    assert_eq!(
        out.status.code(),
        Some(EXIT_OFFLINE),
        "{}",
        describe(server, &out)
    );
    assert!(tickets_carrying(server, &id).is_empty());

    // Online, GLPI's answer to the creation lost: the retry finds the ticket, never a second.
    proxy.set_down(false);
    proxy.push_fault("POST", ticket_path, Fault::DropResponse);
    let _ = guichet(d, &["sync"], "");
    assert_eq!(proxy.pending_faults(), 0, "the fault was applied");
    let out = guichet(d, &["sync", "--retry"], "");
    assert!(out.status.success(), "{}", describe(server, &out));
    ok(server, guichet(d, &["sync"], ""));
    let found = tickets_carrying(server, &id);
    assert_eq!(found.len(), 1, "exactly one GLPI ticket: {found:?}");
    let remote = found[0];
    let shown = json(server, guichet(d, &["ticket", "show", &id, "--json"], ""));
    assert_eq!(shown["local_state"], "sent", "{shown}");
    assert_eq!(shown["remote_id"], remote.to_string(), "{shown}");
    let docs = sql(
        server,
        &format!(
            "SELECT d.filename FROM glpi_documents d JOIN glpi_documents_items i \
             ON i.documents_id = d.id WHERE i.itemtype = 'Ticket' AND i.items_id = {remote}"
        ),
    );
    assert_eq!(docs, vec![vec!["tray.txt".to_owned()]], "one document");

    // What the technician reads: paragraphs and line breaks, no visible marker.
    let content = &sql(
        server,
        &format!("SELECT content FROM glpi_tickets WHERE id = {remote}"),
    )[0][0];
    let html = guichet_glpi::content::decode(content);
    assert!(
        html.contains("<p>Bonjour,<br>l'imprimante &lt;HP&gt; bourre.</p>"),
        "{html}"
    );
    assert!(!html.contains("[guichet:"), "{html}");
    let requester = sql(
        server,
        &format!(
            "SELECT u.name FROM glpi_tickets_users tu JOIN glpi_users u ON u.id = tu.users_id \
             WHERE tu.tickets_id = {remote} AND tu.type = 1"
        ),
    );
    assert_eq!(
        requester,
        vec![vec![account.login().to_owned()]],
        "the signed-in account is GLPI's requester"
    );

    // A reply, its answer lost once: one follow-up.
    let reply = ok(
        server,
        guichet(d, &["ticket", "reply", &id, "--body", "Deuxième étage"], ""),
    )
    .trim()
    .to_owned();
    proxy.push_fault("POST", followup_path, Fault::DropResponse);
    let _ = guichet(d, &["sync"], "");
    let _ = guichet(d, &["sync", "--retry"], "");
    ok(server, guichet(d, &["sync"], ""));
    let shown = json(server, guichet(d, &["ticket", "show", &id, "--json"], ""));
    let mine = shown["replies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["body"] == "Deuxième étage")
        .unwrap_or_else(|| panic!("{shown}"))
        .clone();
    assert_eq!(mine["local_state"], "sent", "{mine}");
    let reply_uuid = mine["id"].as_str().unwrap_or(&reply).to_owned();
    let followups = followups_carrying(server, remote, &reply_uuid);
    assert_eq!(followups.len(), 1, "exactly one follow-up: {followups:?}");

    // The technician answers (and leaves a private note), then solves.
    let tech = runtime.block_on(GlpiTechnician::tech(server)).unwrap();
    runtime
        .block_on(tech.follow_up(
            remote,
            "<p>Quel <b>bureau</b> &amp; quel étage ?</p>",
            false,
        ))
        .unwrap();
    runtime
        .block_on(tech.follow_up(remote, "<p>note interne</p>", true))
        .unwrap();
    ok(server, guichet(d, &["sync"], ""));
    let shown = json(server, guichet(d, &["ticket", "show", &id, "--json"], ""));
    let theirs: Vec<&Value> = shown["replies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["side"] == "remote")
        .collect();
    assert_eq!(theirs.len(), 1, "{shown}");
    assert_eq!(theirs[0]["body"], "Quel bureau & quel étage ?", "{shown}");
    assert_eq!(theirs[0]["author"], GlpiServer::TECH, "{shown}");

    runtime
        .block_on(tech.solve(remote, "<p>Bac 2 remplacé.</p>"))
        .unwrap();
    ok(server, guichet(d, &["sync"], ""));
    let shown = json(server, guichet(d, &["ticket", "show", &id, "--json"], ""));
    assert_eq!(shown["remote_status"], "solved", "{shown}");
    assert!(
        shown["replies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["body"] == "Bac 2 remplacé."),
        "{shown}"
    );
    let text = ok(server, guichet(d, &["ticket", "show", &id], ""));
    assert!(!text.contains("&#60;") && !text.contains("<p>"), "{text}");
    assert_eq!(tickets_carrying(server, &id).len(), 1, "still one ticket");

    // What each side shows: GLPI's own page as the technician sees it (headless Chromium), and
    // Guichet's thread; both kept as test artifacts, and the user's words on both.
    let (glpi_page, guichet_text) = views(server, d, &id, remote, account);
    for words in ["l'imprimante <HP> bourre.", "Deuxième étage"] {
        assert!(
            glpi_page.contains(words),
            "GLPI's page lacks {words:?}: {glpi_page}"
        );
    }
    assert!(
        !glpi_page.contains("guichet:"),
        "a marker shows in GLPI: {glpi_page}"
    );
    // The date filters are in the format MariaDB takes (an RFC 3339 instant made it warn
    // "1292 Truncated incorrect datetime value" at each pass).
    let logs = server.log_tail(100_000);
    assert!(
        !logs.contains("1292"),
        "GLPI logged a date warning:\n{logs}"
    );
    for words in [
        "Deuxième étage",
        "Quel bureau & quel étage ?",
        "Bac 2 remplacé.",
    ] {
        assert!(
            guichet_text.contains(words),
            "Guichet lacks {words:?}: {guichet_text}"
        );
    }
}

/// GLPI's page of ticket `remote` as its technician sees it, screenshot by headless Chromium
/// (`ui/scripts/glpi-ticket-shot.mjs`), and Guichet's `ticket show` of the same thread; both are
/// written to `tests/artifacts/glpi/` (named after the version and the account) and returned
/// as text.
fn views(
    server: &GlpiServer,
    d: &Path,
    id: &str,
    remote: i64,
    account: Account,
) -> (String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = root.join("tests/artifacts/glpi");
    std::fs::create_dir_all(&dir).unwrap();
    let name = format!(
        "glpi{}-{}",
        server.version().release().split('.').next().unwrap(),
        format!("{account:?}").to_lowercase()
    );
    let shot = dir.join(format!("{name}-technician.png"));
    let out = Command::new("node")
        .arg(root.join("ui/scripts/glpi-ticket-shot.mjs"))
        .args([server.url(), GlpiServer::TECH, GlpiServer::TECH_PASSWORD])
        .arg(remote.to_string())
        .arg(&shot)
        .current_dir(root.join("ui"))
        .output()
        .expect("running node (the UI's playwright-core drives Chromium)");
    assert!(
        out.status.success(),
        "screenshot of GLPI's ticket page: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let glpi_page = String::from_utf8_lossy(&out.stdout).into_owned();
    let guichet_text = ok(server, guichet(d, &["ticket", "show", id], ""));
    std::fs::write(dir.join(format!("{name}-guichet.txt")), &guichet_text).unwrap();
    (glpi_page, guichet_text)
}

/// The knowledge base as `account` may read it: an admin gets every article, a Self-Service
/// account the FAQ only (what GLPI itself shows it), and neither fails the pass. Texts are
/// decoded and sanitised.
pub fn knowledge_base_as_glpi_shows_it(server: &GlpiServer, account: Account) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let admin = runtime.block_on(GlpiTechnician::admin(server)).unwrap();
    let word = unique("kb");
    let faq = runtime
        .block_on(admin.publish_article(
            &format!("VPN & Wi-Fi {word}"),
            "<p>Use the <strong>VPN</strong>, it's ok.</p><script>alert(1)</script>",
            true,
        ))
        .unwrap();
    let internal = runtime
        .block_on(admin.publish_article(
            &format!("Internal {word}"),
            "<p>technicians only</p>",
            false,
        ))
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _secrets = connect(server, d, server.url(), account);
    let out = guichet(d, &["sync"], "");
    assert!(out.status.success(), "{}", describe(server, &out));

    let hits = json(server, guichet(d, &["kb", "search", "--json", &word], ""));
    let mut titles: Vec<String> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_owned())
        .collect();
    titles.sort();
    let self_service = account.login() == GlpiServer::SELF_SERVICE;
    let expected: Vec<String> = if self_service {
        vec![format!("VPN & Wi-Fi {word}")]
    } else {
        vec![format!("Internal {word}"), format!("VPN & Wi-Fi {word}")]
    };
    assert_eq!(titles, expected, "{hits}");
    let text = ok(
        server,
        guichet(d, &["kb", "show", &format!("glpi:{faq}"), "--text"], ""),
    );
    assert!(text.contains("Use the VPN, it's ok."), "{text}");
    for raw in ["<p>", "&#60;", "&#38;", "alert(1)"] {
        assert!(!text.contains(raw), "{raw} in {text}");
    }
    let _ = internal;
}

/// Tags on GLPI articles: a knowledge-base category named after a check (here
/// `Guichet > storage.free`) tags the articles filed under it; the pulled article carries the
/// tag, and the starter article for that check gives way to it.
pub fn categories_named_after_checks_tag_articles(server: &GlpiServer, account: Account) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let admin = runtime.block_on(GlpiTechnician::admin(server)).unwrap();
    let word = unique("tag");
    let article = runtime
        .block_on(admin.publish_article(&format!("Disque plein {word}"), "<p>Videz.</p>", true))
        .unwrap();
    let parent = runtime
        .block_on(admin.add(
            "KnowbaseItemCategory",
            serde_json::json!({"name": format!("Guichet {word}")}),
        ))
        .unwrap();
    let tag = runtime
        .block_on(admin.add(
            "KnowbaseItemCategory",
            serde_json::json!({"name": "storage.free", "knowbaseitemcategories_id": parent}),
        ))
        .unwrap();
    runtime
        .block_on(admin.add(
            "KnowbaseItem_KnowbaseItemCategory",
            serde_json::json!({"knowbaseitems_id": article, "knowbaseitemcategories_id": tag}),
        ))
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _secrets = connect(server, d, server.url(), account);
    ok(server, guichet(d, &["kb", "suggest", "disk"], ""));
    let starter = guichet(d, &["kb", "show", "storage.free.en"], "");
    assert!(starter.status.success(), "{}", describe(server, &starter));
    let out = guichet(d, &["sync"], "");
    assert!(out.status.success(), "{}", describe(server, &out));
    let a = json(
        server,
        guichet(d, &["--json", "kb", "show", &format!("glpi:{article}")], ""),
    );
    assert_eq!(a["tags"], serde_json::json!(["storage.free"]), "{a}");
    let starter = guichet(d, &["kb", "show", "storage.free.en"], "");
    assert_eq!(
        starter.status.code(),
        Some(3),
        "the starter article gave way"
    );
}
