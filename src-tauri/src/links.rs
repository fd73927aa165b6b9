//! Links out of the app: the window never leaves the app's own pages.
//!
//! Knowledge-base articles come from the service desk (or a bundle) and may hold `http(s)` links.
//! Followed inside the main window, such a link would replace the app by a page of the
//! internet's choosing, with the app's window title and no way back, and that page would run
//! under the app's own window. So two guards:
//!
//! * [`stays_in_app`] is the webview's navigation handler: every navigation to anything but the
//!   app's own pages is cancelled, whatever started it (a link, a script, a form, a redirect).
//! * [`open_link`] is how the UI lets a person follow an article's link: after the address was
//!   shown and confirmed, it opens in the person's own web browser, outside the app.

use tauri::Url;

use crate::error::{AppError, AppResult};

/// Whether the webview may show `url`: the app's own pages (the embedded UI at
/// `tauri://localhost`, or `http://tauri.localhost` where the platform serves it so), the
/// development server in a development build, and `about:blank`. Nothing else.
pub fn stays_in_app(url: &Url, dev_server: Option<&Url>) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" if url.host_str() == Some("tauri.localhost") => true,
        "about" => url.path() == "blank",
        _ => dev_server.is_some_and(|dev| dev.origin() == url.origin()),
    }
}

/// The address a person asked to open, if it is one a browser should get: `http`, `https` or
/// `mailto`, as the article sanitiser lets through; anything else is refused.
pub fn external_link(address: &str) -> AppResult<Url> {
    let url = Url::parse(address.trim())
        .map_err(|e| AppError::invalid(format!("not a web address ({e}): {address}")))?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => Ok(url),
        "mailto" => Ok(url),
        other => Err(AppError::invalid(format!(
            "links of kind `{other}:` are not opened: {address}"
        ))),
    }
}

/// Opens an article's link in the person's web browser (the desktop's default handler), never
/// in the app's window.
#[tauri::command]
#[specta::specta]
pub fn open_link(url: String) -> AppResult<()> {
    let url = external_link(&url)?;
    let opener = if cfg!(target_os = "windows") {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let mut child = std::process::Command::new(opener)
        .arg(url.as_str())
        .spawn()
        .map_err(|e| AppError::from(std::io::Error::new(e.kind(), format!("{opener}: {e}"))))?;
    // Reaped in the background: the opener may wait for the browser on some desktops.
    std::thread::spawn(move || child.wait());
    tracing::info!(%url, "link opened in the web browser");
    Ok(())
}

/// The navigation guard as a plugin, so that it covers every webview the app makes.
pub fn guard<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    // The development server, only in a development build (no embedded UI).
    let dev_server: Option<Url> = if cfg!(feature = "custom-protocol") {
        None
    } else {
        Url::parse("http://localhost:5173").ok()
    };
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(move |_, url| {
            let allowed = stays_in_app(url, dev_server.as_ref());
            if !allowed {
                tracing::warn!(%url, "navigation away from the app refused");
            }
            allowed
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn article_link_cannot_take_the_window_away() {
        for away in [
            "https://attacker.example/login",
            "http://127.0.0.1:8080/",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            "javascript:alert(1)",
            "tauri://evil.example/",
            "http://localhost:5173/",
        ] {
            assert!(!stays_in_app(&url(away), None), "{away}");
        }
        for home in [
            "tauri://localhost/",
            "tauri://localhost/index.html#/kb",
            "http://tauri.localhost/",
            "about:blank",
        ] {
            assert!(stays_in_app(&url(home), None), "{home}");
        }
        let dev = url("http://localhost:5173");
        assert!(stays_in_app(&url("http://localhost:5173/#/kb"), Some(&dev)));
        assert!(!stays_in_app(&url("http://localhost:5174/"), Some(&dev)));
    }

    #[test]
    fn only_web_and_mail_links_open_outside() {
        assert!(external_link("https://support.example.org/printers").is_ok());
        assert!(external_link(" mailto:help@example.org ").is_ok());
        for refused in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "smb://server/share",
            "/relative",
            "http://",
        ] {
            assert!(external_link(refused).is_err(), "{refused}");
        }
    }
}
