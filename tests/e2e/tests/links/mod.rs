//! An article's link never takes the app's window away (the security issue's "the app window can
//! be taken over by an article link"): a click shows the address and asks; "Open" hands it to the
//! desktop's browser (here a stand-in `xdg-open` that records what it was given, see
//! scripts/test-app.sh); and a navigation forced by script is cancelled by the shell.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use super::{click, shot, wait_text};

/// Where the stand-in `xdg-open` writes the addresses it was asked to open.
fn opened_file() -> Option<PathBuf> {
    std::env::var_os("GUICHET_E2E_OPENED").map(PathBuf::from)
}

/// On an open article whose body links to `address`.
pub async fn article_link_stays_outside(c: &Client, address: &str) {
    let home = c.current_url().await.expect("url");
    let link = format!("#article-body a[href='{address}']");

    // A click asks first, showing the address; the window has not moved.
    click(c, &link).await;
    wait_text(c, "#link-out-address", |t| t == address).await;
    shot(c, "06b-kb-article-link").await;
    assert_eq!(
        c.current_url().await.expect("url"),
        home,
        "the window stayed"
    );
    click(c, "#link-out-cancel").await;
    assert!(
        c.find(Locator::Css(".link-out")).await.is_err(),
        "cancel closes the question"
    );

    // "Open" goes to the browser, outside the app.
    click(c, &link).await;
    click(c, "#link-out-open").await;
    if let Some(file) = opened_file() {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = std::fs::read_to_string(&file).unwrap_or_default();
            if got.lines().any(|l| l == address) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the browser was not asked to open {address}: {got:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    assert_eq!(
        c.current_url().await.expect("url"),
        home,
        "the window stayed"
    );

    // Even a navigation a script forces is refused by the shell's guard.
    let _ = c
        .execute(
            "window.location.href = arguments[0]; return true;",
            vec![serde_json::json!(address)],
        )
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let now = c.current_url().await.expect("url");
    assert_eq!(now.scheme(), home.scheme(), "still the app: {now}");
    assert_eq!(now.host_str(), home.host_str(), "still the app: {now}");
    wait_text(c, "#article-body", |t| !t.is_empty()).await;
}
