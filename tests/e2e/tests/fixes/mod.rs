//! A fix-it action clicked in the real app: "free space" on a home of the test's own (the app
//! is started with `HOME`, `XDG_DATA_HOME` and `XDG_CACHE_HOME` there), whose trash and
//! thumbnails hold files beside others that must be left alone. Its plan shows the sizes and
//! changes nothing; once confirmed, the trash and the thumbnails are empty on disk and nothing
//! else moved; the run then goes with a new report, previewed exactly, and the queued ticket
//! carries it.

use std::path::{Path, PathBuf};

use fantoccini::{Client, Locator};

use super::{click, shot, type_into, wait_text};

/// What the fake home holds: (path under the home, size). The first three are what "free
/// space" empties (the trash as the freedesktop specification lays it out, the thumbnails
/// cache); the others must be left as they are.
const FILES: &[(&str, usize)] = &[
    (
        ".local/share/Trash/files/holiday-video.mkv",
        3 * 1024 * 1024,
    ),
    (".local/share/Trash/info/holiday-video.mkv.trashinfo", 120),
    (".cache/thumbnails/large/0123456789abcdef.png", 64 * 1024),
    ("Documents/budget.ods", 20 * 1024),
    (".cache/some-app/state.db", 7 * 1024),
    (".local/share/keyrings/login.keyring", 500),
];
/// How many of [`FILES`] are emptied.
const EMPTIED: usize = 3;

fn content(path: &str, size: usize) -> Vec<u8> {
    path.bytes().cycle().take(size).collect()
}

/// A fresh home with [`FILES`]; the app's environment for it.
pub fn home() -> (PathBuf, Vec<(&'static str, std::ffi::OsString)>) {
    let home = std::env::temp_dir().join(format!("guichet-e2e-home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    for (path, size) in FILES {
        let p = home.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("folder");
        std::fs::write(&p, content(path, *size)).expect("file");
    }
    let env = vec![
        ("HOME", home.clone().into_os_string()),
        ("XDG_DATA_HOME", home.join(".local/share").into_os_string()),
        ("XDG_CACHE_HOME", home.join(".cache").into_os_string()),
    ];
    (home, env)
}

/// On disk: the trash and the thumbnails are empty (their folders kept), everything else is
/// there with its content.
fn only_trash_and_thumbnails_emptied(home: &Path) {
    for (path, _) in &FILES[..EMPTIED] {
        assert!(!home.join(path).exists(), "{path} should be gone");
    }
    for folder in [
        ".local/share/Trash/files",
        ".local/share/Trash/info",
        ".cache/thumbnails",
    ] {
        assert!(home.join(folder).is_dir(), "{folder} kept as a folder");
    }
    for (path, size) in &FILES[EMPTIED..] {
        let kept = std::fs::read(home.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(kept == content(path, *size), "{path} was changed");
    }
}

/// Brings `css` into the middle of the window, for a screenshot that shows it.
async fn scroll_to(c: &Client, css: &str) {
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
        vec![serde_json::json!(css)],
    )
    .await
    .unwrap_or_else(|e| panic!("scroll to {css}: {e}"));
}

/// On the check page: the action from the list of every action, its plan, the run, the report.
pub async fn free_space_then_attach_to_a_report(c: &Client, home: &Path) {
    click(c, "#check-actions > summary").await;
    click(c, "#check-actions button[data-fix='free-space']").await;
    let steps = wait_text(c, "#fix-steps", |t| t.contains("In all:")).await;
    assert!(
        steps.contains("Empty the trash: 3.0 MiB")
            && steps.contains("Empty picture thumbnails: 64.0 KiB"),
        "{steps}"
    );
    shot(c, "01d-fix-plan").await;
    assert!(home.join(FILES[0].0).exists(), "the plan changed nothing");

    click(c, "#fix-confirm").await;
    wait_text(c, "#fix-outcome", |t| t == "Done.").await;
    let output = wait_text(c, "#fix-output", |t| t.contains("in all")).await;
    assert!(
        output.contains("emptied the trash: 3.0 MiB freed")
            && output.contains("picture thumbnails"),
        "{output}"
    );
    shot(c, "01e-fix-done").await;
    only_trash_and_thumbnails_emptied(home);
    // Every action is listed, the built-in ones by name even when they may not run here.
    let list = wait_text(c, "#check-actions ul", |t| t.contains("Free disk space")).await;
    assert!(!list.contains("print-queue"), "{list}");

    // The run goes with a new report: ticked, its text previewed as it is attached.
    click(c, "#fix-attach").await;
    wait_text(c, "h1", |t| t == "Report a problem").await;
    let ticked = c
        .wait()
        .for_element(Locator::Css("#report-fix-runs input[type=checkbox]"))
        .await
        .expect("the run offered");
    assert_eq!(
        ticked.prop("checked").await.expect("checked").as_deref(),
        Some("true"),
        "the run the user came from is ticked"
    );
    click(c, "#report-fix-runs details summary").await;
    wait_text(c, "#report-fix-runs pre", |t| {
        t.starts_with("Fix-it action: free-space") && t.contains("emptied the trash")
    })
    .await;
    type_into(c, "#report-title", "Disk still nearly full").await;
    scroll_to(c, "#report-fix-runs").await;
    shot(c, "03b-report-with-fix-run").await;
    click(c, "#report-send").await;
    let outcome = wait_text(c, "#report-result, #report-error", |t| !t.is_empty()).await;
    assert!(outcome.contains("saved and queued"), "{outcome}");
}

/// On the tickets list: the queued report carries the run's output as a file.
pub async fn the_queued_ticket_carries_the_run(c: &Client) {
    c.wait()
        .for_element(Locator::XPath(
            "//*[@id='ticket-list']//button[contains(., 'Disk still nearly full')]",
        ))
        .await
        .expect("the report with the run in the list")
        .click()
        .await
        .expect("open it");
    wait_text(c, "ol.thread", |t| {
        t.contains("fix-run-") && t.contains("-free-space.txt")
    })
    .await;
    scroll_to(c, "ol.thread ul.attachments").await;
    shot(c, "04d-ticket-with-fix-run").await;
}
