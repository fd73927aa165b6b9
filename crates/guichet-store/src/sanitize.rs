//! Making article HTML safe to show offline, and deriving its plain text.
//!
//! Articles come from help-desk servers whose editors accept arbitrary HTML, and are shown by
//! the desktop app in a web view. So before an article is stored, [`sanitize_html`] (built on
//! `ammonia`, an html5ever-based allow-list sanitiser) keeps only presentational markup:
//!
//! * no `script`, `style`, `iframe`, `object`, `embed`, `svg`, `math`, … (their content goes too),
//!   no `form`, `link`, `meta`, `base` elements, no `style`, `srcset` or event-handler attributes;
//! * link targets only `http:`, `https:` or `mailto:` (relative links are dropped, since they
//!   would resolve against the app, not the help desk), and every link gets
//!   `rel="noopener noreferrer"`;
//! * no remote loads: an `<img>` whose `src` was fetched and stored as a blob is rewritten to
//!   `guichet-blob:<sha256>` (the app resolves that scheme from the local store); any other
//!   `<img>` keeps its `alt` text but loses its `src`.
//!
//! [`html_to_text`] turns the sanitised HTML into plain text for the full-text index and the
//! terminal.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use crate::BlobId;

/// The URL scheme by which sanitised HTML refers to locally stored images.
pub const BLOB_URL_SCHEME: &str = "guichet-blob";

/// Elements removed together with everything inside them (rather than unwrapped, which is what
/// happens to other unknown elements): their content is code or an embedded document, not text.
const DROPPED_WITH_CONTENT: [&str; 14] = [
    "iframe", "object", "embed", "applet", "svg", "math", "noscript", "noembed", "noframes",
    "template", "frameset", "frame", "xmp", "select",
];

/// Sanitises `html`: see the module documentation. `images` maps an `<img src>` value, exactly as
/// written in the HTML (surrounding spaces ignored), to the blob holding that image.
pub fn sanitize_html(html: &str, images: &HashMap<String, BlobId>) -> String {
    let local: HashMap<String, String> = images
        .iter()
        .map(|(url, blob)| (url.trim().to_string(), format!("{BLOB_URL_SCHEME}:{blob}")))
        .collect();
    let mut b = ammonia::Builder::default();
    b.add_clean_content_tags(DROPPED_WITH_CONTENT)
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .attribute_filter(
            move |element, attribute, value| match (element, attribute) {
                // Runs after the scheme check, so remote http(s) and relative image URLs reach
                // here; only the ones stored locally survive, rewritten.
                ("img", "src") => local
                    .get(value.trim())
                    .map(|local| Cow::Owned(local.clone())),
                // A relative link would resolve against the app's own origin.
                (_, "href") if is_relative(value) => None,
                // `cite` holds a URL that no scheme check covers; it is never shown anyway.
                (_, "cite") => None,
                _ => Some(Cow::Borrowed(value)),
            },
        );
    b.clean(html).to_string()
}

/// The image URLs an article's HTML embeds (`<img src>`, as written, in order, without
/// duplicates), so a connector can fetch them before upserting the article. Only images that
/// would be shown count: `http(s)` or relative URLs (which the connector resolves against its
/// server), not `data:` or `javascript:` ones, nor images inside removed elements.
pub fn embedded_image_urls(html: &str) -> Vec<String> {
    let found = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&found);
    let mut b = ammonia::Builder::default();
    b.add_clean_content_tags(DROPPED_WITH_CONTENT)
        .url_schemes(HashSet::from(["http", "https"]))
        .attribute_filter(move |element, attribute, value| {
            if element == "img" && attribute == "src" {
                let url = value.trim();
                let mut v = sink.lock().unwrap_or_else(|e| e.into_inner());
                if !url.is_empty() && !v.iter().any(|u| u == url) {
                    v.push(url.to_string());
                }
            }
            Some(Cow::Borrowed(value))
        });
    // Only the filter's side effect matters here.
    let _ = b.clean(html);
    let urls = found.lock().unwrap_or_else(|e| e.into_inner()).clone();
    urls
}

fn is_relative(url: &str) -> bool {
    matches!(
        ammonia::Url::parse(url.trim()),
        Err(ammonia::url::ParseError::RelativeUrlWithoutBase)
    )
}

/// Elements after which the text continues on a new line.
const BLOCKS: [&str; 28] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "nav",
    "ol",
    "summary",
    "tr",
    "ul",
];

/// Elements followed by a blank line.
const PARAGRAPHS: [&str; 12] = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "table",
    "blockquote",
    "ul",
    "ol",
];

/// Whether a terminal would act on `c` instead of showing it: the C0 controls but the tab and
/// the line feed (escape, bell, carriage return…), DEL and the C1 controls (Unicode's `Cc`).
fn is_terminal_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// `text` without the control characters a terminal would act on (an escape sequence from a
/// server, a bundle or an article can retitle the window, rewrite what was printed before it or
/// worse): tabs and line feeds stay, and a carriage return only as part of a CRLF line end.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_terminal_control) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !is_terminal_control(c) || (c == '\r' && chars.peek() == Some(&'\n')) {
            out.push(c);
        }
    }
    out.into()
}

/// Plain text of sanitised HTML (as produced by [`sanitize_html`]): blocks on their own lines,
/// paragraphs separated by a blank line, list items prefixed with `- `, whitespace collapsed
/// outside `<pre>`, entities decoded.
/// Control characters other than tabs and line feeds are dropped (an `&#27;` would otherwise
/// become a terminal escape).
///
/// It relies on the sanitiser's serialisation (well-formed tags, double-quoted attributes, no
/// comments, no script or style content), which is why it is not a general HTML parser.
pub fn html_to_text(html: &str) -> String {
    let mut text = Text::default();
    let mut rest = html;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => {
                let (inner, next) = match tag_end(rest) {
                    Some(end) => (&rest[1..end - 1], end),
                    None => (&rest[1..], rest.len()),
                };
                text.tag(inner);
                rest = &rest[next..];
            }
            Some(i) => {
                text.chars(&decode_entities(&rest[..i]));
                rest = &rest[i..];
            }
            None => {
                text.chars(&decode_entities(rest));
                rest = "";
            }
        }
    }
    text.finish()
}

/// Index just past the `>` closing the tag that starts `s` (double-quoted attribute values may
/// contain `>`), if it is terminated.
fn tag_end(s: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            '"' => quoted = !quoted,
            '>' if !quoted => return Some(i + 1),
            _ => {}
        }
    }
    None
}

#[derive(Default)]
struct Text {
    out: String,
    space: bool,
    pre: usize,
}

impl Text {
    fn chars(&mut self, s: &str) {
        if self.pre > 0 {
            self.out.push_str(&terminal_safe(s).replace('\r', ""));
            return;
        }
        for c in s.chars() {
            if c.is_whitespace() {
                self.space = true;
            } else if is_terminal_control(c) {
                continue;
            } else {
                if self.space && !self.out.is_empty() && !self.out.ends_with('\n') {
                    self.out.push(' ');
                }
                self.space = false;
                self.out.push(c);
            }
        }
    }

    fn newline(&mut self) {
        self.space = false;
        while self.out.ends_with(' ') {
            self.out.pop();
        }
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn blank_line(&mut self) {
        self.newline();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn tag(&mut self, inner: &str) {
        let closing = inner.starts_with('/');
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let name = name.as_str();
        if name == "pre" {
            self.pre = if closing {
                self.pre.saturating_sub(1)
            } else {
                self.pre + 1
            };
        }
        match name {
            "br" => {
                self.space = false;
                self.out.push('\n');
            }
            "li" if !closing => {
                self.newline();
                self.out.push_str("- ");
            }
            "li" => self.newline(),
            "td" | "th" if closing => self.space = true,
            _ if PARAGRAPHS.contains(&name) => self.blank_line(),
            _ if BLOCKS.contains(&name) => self.newline(),
            _ => {}
        }
    }

    fn finish(self) -> String {
        let lines: Vec<&str> = self.out.lines().map(str::trim_end).collect();
        let mut out = String::with_capacity(self.out.len());
        let mut blank = 0;
        for line in lines {
            if line.is_empty() {
                blank += 1;
                continue;
            }
            if !out.is_empty() {
                out.push_str(if blank > 0 { "\n\n" } else { "\n" });
            }
            blank = 0;
            out.push_str(line);
        }
        out
    }
}

/// Decodes the entities the sanitiser's serialiser emits (and numeric ones); anything else is
/// left as written.
fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest.find(';').filter(|&j| j <= 10).and_then(|j| {
            let c = match &rest[1..j] {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, j + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (security review): `&#27;` became a raw escape in the text that the CLI prints.
    #[test]
    fn text_of_an_article_holds_no_terminal_controls() {
        let html = "<p>a&#27;[2Jb&#7;\u{9b}c</p><pre>x\ty\r\nz\u{1b}</pre>";
        assert_eq!(html_to_text(html), "a[2Jbc\n\nx\ty\nz");
        assert_eq!(
            terminal_safe("ok\tline\r\nnext\u{1b}]0;t\u{7}"),
            "ok\tline\r\nnext]0;t"
        );
        assert!(matches!(
            terminal_safe("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn text_keeps_structure_and_decodes_entities() {
        let html = sanitize_html(
            "<h1>Réseau &amp; VPN</h1><p>Ouvrez   le\n client.<br>Puis:</p><ul><li>un</li><li>deux &lt;3&gt;</li></ul><pre>a  b\n c</pre><p>fin</p>",
            &HashMap::new(),
        );
        assert_eq!(
            html_to_text(&html),
            "Réseau & VPN\n\nOuvrez le client.\nPuis:\n\n- un\n- deux <3>\n\na  b\n c\n\nfin"
        );
    }

    #[test]
    fn attribute_values_with_angle_brackets_do_not_leak_into_text() {
        let html = sanitize_html(r#"<p><img alt="a > b">texte</p>"#, &HashMap::new());
        assert_eq!(html_to_text(&html), "texte");
    }

    #[test]
    fn embedded_image_urls_lists_shown_images_once() {
        let html = r#"<p><img src=" https://x.test/a.png "><img src="img/b.png">
            <img src="https://x.test/a.png"><img src="data:image/png;base64,AAAA">
            <img src="javascript:alert(1)"><iframe><img src="https://x.test/hidden.png"></iframe></p>"#;
        assert_eq!(
            embedded_image_urls(html),
            vec!["https://x.test/a.png".to_string(), "img/b.png".to_string()]
        );
    }
}
