//! End-to-end tests of the real app: the custom-protocol build driven through tauri-driver and
//! WebKitWebDriver. Run by `scripts/test-app.sh` (Xvfb, a private D-Bus session, a throw-away
//! HOME and data folder, the network reported offline). Screenshots of every screen go to
//! `tests/artifacts/` (or `GUICHET_ARTIFACTS`).
//!
//! Without `GUICHET_APP` (the binary to drive) the test is skipped, so `cargo test --workspace`
//! stays runnable on machines without a display.

// One scenario walks the app as a user would; its steps read in order.
#![allow(clippy::too_many_lines)]

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

mod fixes;
mod links;
mod recovery;

/// tauri-driver in its own process group: dropping it stops the group (driver, WebKitWebDriver
/// and the app), even when the test failed half-way.
struct Driver {
    child: Child,
}

impl Driver {
    /// `env`: set for the driver, and so for the app it starts.
    fn start(port: u16, env: &[(&str, &std::ffi::OsStr)]) -> Driver {
        use std::os::unix::process::CommandExt;
        let bin = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
        let child = Command::new(bin)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &(port + 1).to_string(),
            ])
            .envs(env.iter().copied())
            .process_group(0)
            .spawn()
            .expect("start tauri-driver (cargo install tauri-driver --version ^2 --locked)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let pgid = self.child.id() as i32;
        // SIGTERM lets tauri-driver stop WebKitWebDriver; SIGKILL then sweeps the group.
        // SAFETY: plain kill(2) on our own process group.
        #[allow(unsafe_code)]
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
        std::thread::sleep(Duration::from_millis(500));
        #[allow(unsafe_code)]
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

fn artifacts() -> PathBuf {
    let dir = std::env::var_os("GUICHET_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../artifacts"));
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

async fn shot(c: &Client, name: &str) {
    // Let the last render settle so the capture shows the final state.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(artifacts().join(format!("{name}.png")), png).expect("write screenshot");
}

async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("text")
}

/// Polls `css` until its text satisfies `ok` (20 s).
async fn wait_text(c: &Client, css: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                if ok(&t) {
                    return t;
                }
                if Instant::now() > deadline {
                    panic!("{css}: unexpected text {t:?}");
                }
            }
        } else if Instant::now() > deadline {
            panic!("{css}: not found");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Waits until every image `css` matches has loaded and has a size: a broken image (an address
/// the web view cannot load) fails, not only a missing element.
async fn images_load(c: &Client, css: &str) {
    let script = r#"const imgs = [...document.querySelectorAll(arguments[0])];
        return imgs.map(i => ({src: i.src.slice(0, 40), done: i.complete, w: i.naturalWidth}));"#;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let v = c
            .execute(script, vec![serde_json::json!(css)])
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        let imgs = v.as_array().cloned().unwrap_or_default();
        let loaded = |i: &serde_json::Value| i["done"] == true && i["w"].as_u64() > Some(0);
        if !imgs.is_empty() && imgs.iter().all(loaded) {
            return;
        }
        if Instant::now() > deadline {
            panic!("{css}: images not loaded: {v}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

async fn click(c: &Client, css: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// The App-Token the emulated GLPI's API client requires.
const GLPI_APP_TOKEN: &str = "e2e-app-token";

async fn type_into(c: &Client, css: &str, text: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
}

/// `glpi_url`: a GLPI server (the emulator, started by the test) to connect to; `home`: the
/// app's home folder (see [`fixes::home`]).
async fn scenario(c: &Client, glpi_url: &str, home: &std::path::Path) {
    // 1. The app opens on the embedded UI (custom protocol), in English (LANG of the test).
    let url = c.current_url().await.expect("url");
    assert_eq!(
        url.scheme(),
        "tauri",
        "the custom-protocol build serves the embedded UI: {url}"
    );
    wait_text(c, "h1", |t| t == "Your computer at a glance").await;
    // One word for one state: the header and the home page's card say the same.
    wait_text(c, "#sync-pill", |t| t.starts_with("No network")).await;
    wait_text(c, ".cards", |t| {
        t.contains("Disk space") && t.contains("Memory")
    })
    .await;
    wait_text(c, "#home-connectivity", |t| t == "No network").await;
    shot(c, "01-home").await;

    // 1b. Check my computer: a summary first, then what needs attention; a finding's details
    // open on demand.
    click(c, "#nav-check").await;
    wait_text(c, "h1", |t| t == "Check my computer").await;
    let summary = wait_text(c, "#check-summary", |t| !t.is_empty()).await;
    // The network is reported down (GUICHET_OFFLINE=1): the checks read it as the header does,
    // so the network link is a problem here, worded as "not connected to any network".
    assert!(summary.contains("problem"), "{summary}");
    // Only the counts that are not zero are named ("1 warning", never "0 problems, 1 warning").
    assert!(
        !summary.starts_with("0 ") && !summary.contains(", 0 "),
        "{summary}"
    );
    wait_text(c, "#check-attention", |t| {
        t.contains("This computer is not connected to any network")
    })
    .await;
    wait_text(c, "#check-when", |t| t.contains(" ms")).await;
    shot(c, "01b-check").await;
    // The first finding that needs attention, else the first of the others (folded away).
    let details = if c.find(Locator::Css("#check-attention")).await.is_ok() {
        "#check-attention details"
    } else {
        click(c, "#check-rest > summary").await;
        "#check-rest details"
    };
    click(c, &format!("{details} > summary")).await;
    let shown = wait_text(c, &format!("{details} dl"), |t| t.contains("Measured")).await;
    assert!(shown.contains("Check"), "{shown}");
    shot(c, "01c-check-details").await;
    click(c, "#check-again").await;
    wait_text(c, "#check-summary", |t| !t.is_empty()).await;
    // 1c. A fix-it action, then its run attached to a new report (queued: 1).
    fixes::free_space_then_attach_to_a_report(c, home).await;
    click(c, "#nav-home").await;
    wait_text(c, "h1", |t| t == "Your computer at a glance").await;

    // 2. Report a problem while offline: it is queued, and the page says so.
    click(c, "#report-big").await;
    wait_text(c, "h1", |t| t == "Report a problem").await;
    // In the header's words (one state, one wording).
    assert!(text_of(c, ".status-warn").await.starts_with("No network."));
    c.find(Locator::Css("#report-title"))
        .await
        .unwrap()
        .send_keys("Paper jam in the printer")
        .await
        .unwrap();
    // The knowledge base answers as the title is typed (offline), and the check of the computer
    // that ran as the report started is previewed.
    wait_text(c, "#report-suggestions", |t| {
        t.contains("Clear a paper jam in the office printer")
            && t.contains("This solved my problem")
    })
    .await;
    wait_text(c, "#report-diagnosis-summary", |t| !t.is_empty()).await;
    c.find(Locator::Css("#report-description"))
        .await
        .unwrap()
        .send_keys("Paper stuck in tray 2 since this morning")
        .await
        .unwrap();
    click(c, "details.preview summary").await;
    wait_text(c, "#sysinfo-preview", |t| {
        t.contains("System summary") && t.contains("Hostname:")
    })
    .await;
    shot(c, "02-report-form").await;
    click(c, "#report-send").await;
    let outcome = wait_text(c, "#report-result, #report-error", |t| !t.is_empty()).await;
    shot(c, "03-report-queued").await;
    assert!(outcome.contains("saved and queued"), "{outcome}");
    wait_text(c, "#sync-pill", |t| t.contains("2 queued")).await;
    click(c, "#nav-tickets").await;
    wait_text(c, "#ticket-list", |t| {
        t.contains("Paper jam in the printer") && t.contains("Queued")
    })
    .await;
    shot(c, "04-tickets").await;
    // A reply with a screenshot of the screen, queued offline with its file.
    click(c, "#ticket-list tbody button").await;
    type_into(c, "#reply-body", "It jams on every page").await;
    click(c, "#reply-screenshot").await;
    wait_text(c, "ul[aria-label='Files of your reply']", |t| {
        t.contains("screenshot-") && t.contains(".png")
    })
    .await;
    click(c, "form button[type=submit]").await;
    wait_text(c, "ol.thread", |t| {
        t.contains("It jams on every page") && t.contains("screenshot-")
    })
    .await;
    wait_text(c, "#sync-pill", |t| t.contains("3 queued")).await;
    shot(c, "04b-ticket-reply").await;
    // A ticket answered in a real GLPI (seeded by scripts/test-app.sh): the technician's
    // follow-up reads as text, with its author.
    click(c, "section > button.btn-ghost").await;
    wait_text(c, "#ticket-list", |t| {
        t.contains("Screen flickers on desk 12")
    })
    .await;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(
            "//*[@id='ticket-list']//button[contains(., 'Screen flickers on desk 12')]",
        ))
        .await
        .expect("the ticket from GLPI in the list")
        .click()
        .await
        .unwrap();
    let thread = wait_text(c, "ol.thread", |t| t.contains("another cable")).await;
    assert!(
        thread.contains("the screen on desk 12 flickers") && thread.contains("tech"),
        "{thread}"
    );
    assert!(
        !thread.contains("<p>") && !thread.contains("&#60;"),
        "{thread}"
    );
    shot(c, "04c-ticket-from-glpi").await;
    click(c, "section > button.btn-ghost").await;
    fixes::the_queued_ticket_carries_the_run(c).await;

    // 3. Knowledge base: instant search, open an article (the fixture's, with its image: a
    // search for "printer" alone now finds the starter articles of the printing checks first).
    click(c, "#nav-kb").await;
    wait_text(c, "h1", |t| t == "Help articles").await;
    // A real plural ("3 articles", never "article(s)"); the count depends on the starter
    // articles installed beside the fixture's.
    wait_text(c, "main", |t| t.contains(" articles") && !t.contains("(s)")).await;
    c.find(Locator::Css("#kb-search"))
        .await
        .unwrap()
        .send_keys("paper jam")
        .await
        .unwrap();
    wait_text(c, "#kb-results", |t| !t.is_empty()).await;
    shot(c, "05-kb-search").await;
    click(c, "#kb-results li button").await;
    wait_text(c, "#article-body", |t| !t.is_empty()).await;
    images_load(c, "#article-body img").await;
    shot(c, "06-kb-article").await;
    // The article links to its maker's page (tests/e2e/fixtures/kb.json).
    links::article_link_stays_outside(c, "https://support.example.org/printers/paper-jam").await;

    // 4. Inventory of this machine, then filter the software list.
    click(c, "#nav-inventory").await;
    wait_text(c, "h1", |t| t == "Inventory").await;
    wait_text(c, "#panel-machine", |t| t.contains("Operating system")).await;
    shot(c, "07-inventory").await;
    click(c, "#tab-software").await;
    let all = wait_text(c, "#software-count", |t| t.contains(" of ")).await;
    let total: usize = all
        .split(" of ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.replace(',', "").parse().ok())
        .expect("count");
    assert!(
        total > 10,
        "a Debian machine has more than 10 packages: {all}"
    );
    c.find(Locator::Css("#software-filter"))
        .await
        .unwrap()
        .send_keys("libc6")
        .await
        .unwrap();
    let filtered = wait_text(c, "#software-count", |t| {
        !t.starts_with(&format!("{total} of"))
    })
    .await;
    let n: usize = filtered
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("filtered count");
    assert!(n >= 1 && n < total, "{filtered}");
    let rows = c
        .find_all(Locator::Css("#software-table tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), n.min(500));
    assert!(text_of(c, "#software-table tbody").await.contains("libc6"));
    shot(c, "08-software-filtered").await;

    // 5. Site admin: the register's machine and its history; add a piece of equipment.
    click(c, "#nav-admin").await;
    wait_text(c, "#machine-count", |t| t == "1 machine").await;
    c.find(Locator::Css("#f-location"))
        .await
        .unwrap()
        .send_keys("Room 2")
        .await
        .unwrap();
    click(c, "#site-search").await;
    wait_text(c, "#machine-table tbody", |t| {
        t.contains("Debian GNU/Linux 12")
    })
    .await;
    shot(c, "09-admin-machines").await;
    click(c, "#machine-table tbody button").await;
    wait_text(c, "#machine-history", |t| {
        t.contains("fusioninventory-debian12-vm.xml")
    })
    .await;
    shot(c, "10-admin-machine").await;
    click(c, "#nav-admin").await;
    click(c, "#tab-assets").await;
    click(c, "#asset-add").await;
    c.find(Locator::Css("#asset-kind"))
        .await
        .unwrap()
        .send_keys("printer")
        .await
        .unwrap();
    c.find(Locator::Css("#asset-serial"))
        .await
        .unwrap()
        .send_keys("CN-0042")
        .await
        .unwrap();
    click(c, "#asset-save").await;
    wait_text(c, "#asset-table tbody", |t| {
        t.contains("CN-0042") && t.contains("In use")
    })
    .await;
    shot(c, "11-admin-equipment").await;
    click(c, "#asset-table tbody tr:last-child td:last-child button").await;
    wait_text(c, "#label-view", |t| t.contains("Save the label")).await;
    shot(c, "12-admin-label").await;

    // 6. Offline bundles: inspect the site's bundle written by the command line, import it
    //    (offline: applied, its items queued), then refuse a truncated copy.
    if let Some(bundle) = std::env::var_os("GUICHET_E2E_BUNDLE") {
        let bundle = bundle.to_string_lossy().into_owned();
        click(c, "#tab-bundles").await;
        let field = c
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("#bundle-path"))
            .await
            .expect("bundle path field");
        field.send_keys(&bundle).await.unwrap();
        click(c, "#bundle-inspect").await;
        wait_text(c, "#bundle-manifest", |t| {
            t.contains("From a site, to sync") && t.contains("1 site change,")
        })
        .await;
        wait_text(c, "main", |t| {
            t.contains("Signed with the key enrolled for this machine")
        })
        .await;
        shot(c, "13-admin-bundle-inspect").await;
        click(c, "#bundle-import").await;
        let result = wait_text(c, "#bundle-result", |t| !t.is_empty()).await;
        assert!(result.contains("applied"), "{result}");
        // No server is configured in this test (and the network is reported down): the
        // bundle is applied and what it carries waits here for a sync.
        assert!(
            result.contains("the bundle is applied and its items are queued"),
            "{result}"
        );
        assert!(result.contains("1 equipment change."), "{result}");
        shot(c, "14-admin-bundle-imported").await;
        field.clear().await.unwrap();
        field
            .send_keys(&bundle.replace("site.guichet", "site-cut.guichet"))
            .await
            .unwrap();
        click(c, "#bundle-import").await;
        wait_text(c, "#bundle-refused", |t| {
            t.contains("Bundle refused") && t.contains("truncated")
        })
        .await;
        shot(c, "15-admin-bundle-refused").await;
        // A bundle from a site nobody enrolled: refused, with its fingerprint and how to enrol it.
        field.clear().await.unwrap();
        field
            .send_keys(&bundle.replace("site.guichet", "stranger.guichet"))
            .await
            .unwrap();
        click(c, "#bundle-import").await;
        wait_text(c, "#bundle-refused", |t| {
            t.contains("not enrolled")
                && t.contains("SHA256:")
                && t.contains("guichet bundle enrol add --site")
        })
        .await;
        shot(c, "15b-admin-bundle-unknown-key").await;
        // The printer the site entered is now in this register.
        click(c, "#tab-assets").await;
        wait_text(c, "#asset-table tbody", |t| t.contains("SITE-0042")).await;
    }

    // 7. The scheduled agent: status, and without systemd the unit files to copy.
    click(c, "#tab-agent").await;
    wait_text(c, "#agent-status", |t| t.contains("not installed")).await;
    wait_text(c, "#agent-runs", |t| t.contains("No run recorded yet")).await;
    click(c, "#agent-install").await;
    let units = wait_text(c, "#agent-install-result", |t| !t.is_empty()).await;
    assert!(
        units.contains("agent run") && units.contains("OnCalendar=daily"),
        "{units}"
    );
    shot(c, "16-admin-agent").await;

    // 8. Connect to GLPI: the test of the connection signs in for real (REST API v1,
    //    user token + App-Token), then the settings are saved with the secrets in the keyring.
    click(c, "#nav-settings").await;
    click(c, r#"input[name="server-kind"][value="glpi"]"#).await;
    type_into(c, "#server-url", glpi_url).await;
    type_into(c, "#server-secret", guichet_glpi_emulator::seed::USER_TOKEN).await;
    click(c, "#glpi-app-token-on").await;
    type_into(c, "#glpi-app-token", "wrong-app-token").await;
    click(c, "#connection-test").await;
    wait_text(c, "p.status-error", |t| t.contains("Connection failed")).await;
    c.find(Locator::Css("#glpi-app-token"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    type_into(c, "#glpi-app-token", GLPI_APP_TOKEN).await;
    click(c, "#connection-test").await;
    wait_text(c, "p.status-ok", |t| t.contains("GLPI (API v1")).await;
    click(c, "#settings-save").await;
    wait_text(c, "form > p[role=status]", |t| t.contains("Settings saved")).await;
    wait_text(c, "#secret-help", |t| {
        t.contains("stored in the system keyring")
    })
    .await;
    shot(c, "17-settings-glpi").await;

    // 9. Switch to French: the whole UI follows.
    c.find(Locator::Css("#lang-switch"))
        .await
        .unwrap()
        .select_by_value("fr")
        .await
        .unwrap();
    wait_text(c, "#nav-home", |t| t == "Accueil").await;
    click(c, "#nav-settings").await;
    wait_text(c, "h1", |t| t == "Paramètres").await;
    shot(c, "18-settings-fr").await;
    click(c, "#nav-about").await;
    wait_text(c, "#diagnostics", |t| t.contains("Dossier du journal")).await;
    shot(c, "19-about-fr").await;

    // 10. The log on the diagnostics page explains the start: the timeline at the first screen
    //     (static markup) with the page's own steps, again once the app took it over, and the
    //     tray icon made only after that (it must never delay either).
    let log = wait_text(c, "pre.log", |t| {
        t.contains("app live") && t.contains("tray icon made")
    })
    .await;
    let lines: Vec<&str> = log.lines().collect();
    let at = |from: usize, what: &str| {
        (from..lines.len())
            .find(|&i| lines[i].contains("timeline=") && lines[i].contains(what))
            .unwrap_or_else(|| panic!("no {what:?} timeline in the log:\n{log}"))
    };
    let first = at(0, "first screen epoch_ms");
    let live = at(first + 1, "app live epoch_ms");
    let steps = [
        (
            first,
            &[
                "store ",
                "page navigation ",
                "page script ",
                "page frame ",
                "first screen ",
            ][..],
        ),
        (
            live,
            &[
                "page app script ",
                "page rendered ",
                "page live ",
                "app live ",
            ][..],
        ),
    ];
    for (line, expected) in steps {
        for step in expected {
            assert!(
                lines[line].contains(step),
                "{step:?} missing: {}",
                lines[line]
            );
        }
        // The tray waits for the app to be live, or for the fallback 2 s after the state (a
        // window that never paints, or a machine so loaded that painting took longer).
        if let Some(tray) = ms_of(lines[line], "tray ") {
            let state = ms_of(lines[line], "state ").expect("state step");
            assert!(
                tray >= state + 2000,
                "tray made {tray} ms, before the app was live and before the fallback: {}",
                lines[line]
            );
        }
    }
    assert!(
        lines.iter().any(|l| l.contains("tray icon made")),
        "no tray line:\n{log}"
    );
}

/// The milliseconds of step `name` (`"tray "`) in a timeline line (`…, tray 2801 ms, …`).
fn ms_of(line: &str, name: &str) -> Option<u64> {
    let timeline = line.split("timeline=").nth(1)?;
    timeline.split(", ").find_map(|step| {
        step.strip_prefix(name)?
            .strip_suffix(" ms")?
            .trim()
            .parse()
            .ok()
    })
}

/// A WebDriver session on the app (`app`), through a tauri-driver listening on `port`.
async fn session(
    app: &std::ffi::OsStr,
    port: u16,
    env: &[(&str, &std::ffi::OsStr)],
) -> (Driver, Client) {
    let driver = Driver::start(port, env);
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app.to_string_lossy(), "args": [] }),
    );
    let client = ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("WebDriver session");
    (driver, client)
}

/// Runs `steps` on `client`, then closes the session (which stops the app) whatever they did,
/// and fails as they failed.
async fn run<F>(client: Client, steps: impl FnOnce(Client) -> F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let outcome = tokio::spawn(steps(client.clone())).await;
    let _ = client.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_works_end_to_end() {
    let Some(app) = std::env::var_os("GUICHET_APP") else {
        eprintln!("GUICHET_APP not set: skipped (scripts/test-app.sh runs this test)");
        return;
    };
    let glpi = guichet_glpi_emulator::Emulator::start(guichet_glpi_emulator::EmulatorConfig {
        app_token: Some(GLPI_APP_TOKEN.into()),
        ..Default::default()
    })
    .await
    .expect("GLPI emulator");
    let glpi_url = glpi.base_url();
    let (home, home_env) = fixes::home();
    let env: Vec<(&str, &std::ffi::OsStr)> =
        home_env.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
    let (driver, client) = session(&app, 4444, &env).await;
    let app_home = home.clone();
    run(client, |c| async move {
        scenario(&c, &glpi_url, &app_home).await;
    })
    .await;
    drop(driver);
    let _ = std::fs::remove_dir_all(&home);

    // The same app over a store that is junk: the recovery screen, not a crash.
    let data = std::env::temp_dir().join(format!("guichet-e2e-damaged-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).expect("data folder");
    std::fs::write(data.join("guichet.db"), b"junk\n").expect("junk store");
    let (driver, client) = session(&app, 4450, &[("GUICHET_DATA_DIR", data.as_os_str())]).await;
    let dir = data.clone();
    run(client, |c| async move {
        recovery::damaged_store_opens_the_recovery_screen(&c, &dir).await;
    })
    .await;
    drop(driver);
    let _ = std::fs::remove_dir_all(&data);
}
