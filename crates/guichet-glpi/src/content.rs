//! Text both ways between Guichet and GLPI's rich-text fields.
//!
//! GLPI's ticket, follow-up, solution and article fields hold HTML, shown by its web interface
//! as such: plain text sent as it is loses its line breaks, so what the user wrote goes out
//! as HTML (paragraphs and line breaks for plain text, rendered Markdown). The client UUID that
//! makes a push exactly-once travels as an HTML comment, which GLPI keeps, lets a client search
//! (`content LIKE`), and never shows: its display sanitiser (htmLawed, `comment => 1`) drops
//! comments, so technicians read only what the user wrote.
//!
//! GLPI 10 answers HTML-entity-encoded text (`&#60;p&#62;…`, `&` as `&#38;`) in API v1, names
//! included; GLPI 11 answers it as stored. [`decode`] undoes GLPI 10's encoding and leaves
//! GLPI 11's answers alone.

use guichet_records::DescriptionFormat;
use pulldown_cmark::{html::push_html, Options, Parser};
use uuid::Uuid;

/// What searches look for: present in the comment marker, and in the visible `[guichet:UUID]`
/// line older versions wrote, so tickets and follow-ups of either are found.
pub fn marker_key(uuid: Uuid) -> String {
    format!("guichet:{uuid}")
}

/// The hidden marker carrying a client UUID.
pub fn marker(uuid: Uuid) -> String {
    format!("<!-- {} -->", marker_key(uuid))
}

/// HTML content followed by its hidden marker.
pub fn with_marker(html: &str, uuid: Uuid) -> String {
    format!("{}\n{}", html.trim_end(), marker(uuid))
}

/// The client UUID of a (decoded) content's marker, hidden or of an older version.
pub fn marker_uuid(content: &str) -> Option<Uuid> {
    let start = content.rfind("guichet:")? + "guichet:".len();
    let candidate = content.get(start..start + 36)?;
    Uuid::parse_str(candidate).ok()
}

/// A (decoded) content without its marker: the hidden comment, or an older version's
/// `[guichet:UUID]` last line.
pub fn strip_marker(content: &str) -> String {
    let mut out = content.to_owned();
    if let Some(start) = out.rfind("<!-- guichet:") {
        if let Some(len) = out[start..].find("-->") {
            out.replace_range(start..start + len + 3, "");
        }
    }
    if let Some(pos) = out.rfind("[guichet:") {
        if out[pos..].trim_end().ends_with(']') {
            out.truncate(pos);
        }
    }
    out.trim_end().to_owned()
}

/// What the user wrote, as GLPI HTML: Markdown rendered; plain text escaped, with a paragraph
/// per block separated by blank lines and `<br>` for the other line breaks.
pub fn to_html(text: &str, format: DescriptionFormat) -> String {
    match format {
        DescriptionFormat::Markdown => {
            let mut html = String::new();
            let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
            // Raw HTML in the Markdown is shown as text: GLPI would otherwise render what a
            // user pasted, and its sanitiser is the only thing between that and technicians.
            let parser = Parser::new_ext(text, options).map(|event| match event {
                pulldown_cmark::Event::Html(s) | pulldown_cmark::Event::InlineHtml(s) => {
                    pulldown_cmark::Event::Text(s)
                }
                other => other,
            });
            push_html(&mut html, parser);
            html.trim_end().to_owned()
        }
        DescriptionFormat::Text => plain_to_html(text),
    }
}

/// Plain text as HTML paragraphs.
pub fn plain_to_html(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.split("\n\n")
        .map(|p| p.trim_matches('\n'))
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `&`, `<`, `>` and `"` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A field as GLPI answered it, with GLPI 10's encoding undone: GLPI 10 turns `&`, `<` and `>`
/// into `&#38;`, `&#60;` and `&#62;` before storing text, so its answers never hold a raw `<`.
/// An answer holding one is GLPI 11's (stored as sent) and is returned unchanged, as is text
/// without those entities.
pub fn decode(field: &str) -> String {
    if field.contains('<') || !field.contains("&#") {
        return field.to_owned();
    }
    let mut out = String::with_capacity(field.len());
    let mut rest = field;
    while let Some(i) = rest.find("&#") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let (c, len) = if rest.starts_with("&#60;") {
            ('<', 5)
        } else if rest.starts_with("&#62;") {
            ('>', 5)
        } else if rest.starts_with("&#38;") {
            ('&', 5)
        } else {
            ('&', 1)
        };
        out.push(c);
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

/// Rich text from GLPI as plain text for Guichet's replies: decoded, sanitised, markers gone.
pub fn to_text(field: &str) -> String {
    let html = strip_marker(&decode(field));
    guichet_store::html_to_text(&guichet_store::sanitize_html(
        &html,
        &std::collections::HashMap::new(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glpi10_encoded_answers_are_decoded_once() {
        // Observed on GLPI 10.0.10: `<p>Use the <strong>VPN</strong> it&#39;s ok</p>` posted.
        let answer =
            "&#60;p&#62;Use the &#60;strong&#62;VPN&#60;/strong&#62; it&#38;#39;s ok&#60;/p&#62;";
        assert_eq!(
            decode(answer),
            "<p>Use the <strong>VPN</strong> it&#39;s ok</p>"
        );
        assert_eq!(to_text(answer), "Use the VPN it's ok");
        assert_eq!(decode("R&#38;D"), "R&D");
    }

    #[test]
    fn glpi11_answers_are_left_as_stored() {
        let answer = "<p>a &amp; b &#38; c</p>";
        assert_eq!(decode(answer), answer);
        assert_eq!(decode("Réseau & Wi-Fi"), "Réseau & Wi-Fi");
    }

    #[test]
    fn plain_text_becomes_paragraphs_and_line_breaks() {
        assert_eq!(
            plain_to_html("Bonjour,\nl'imprimante <HP> bourre.\n\n\nMerci & bonne journée\n"),
            "<p>Bonjour,<br>l'imprimante &lt;HP&gt; bourre.</p>\n<p>Merci &amp; bonne journée</p>"
        );
    }

    #[test]
    fn markdown_is_rendered_and_raw_html_is_shown_as_text() {
        let html = to_html(
            "Steps:\n\n- open **VPN**\n- retry\n\n<script>x</script>",
            DescriptionFormat::Markdown,
        );
        assert!(
            html.contains("<li>open <strong>VPN</strong></li>"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn markers_hidden_and_legacy_are_found_and_stripped() {
        let id = Uuid::parse_str("11111111-2222-4333-8444-555555555555").unwrap();
        let hidden = with_marker("<p>Hi</p>", id);
        assert_eq!(marker_uuid(&hidden), Some(id));
        assert_eq!(strip_marker(&hidden), "<p>Hi</p>");
        let legacy = format!("Hi\n\n[guichet:{id}]");
        assert_eq!(marker_uuid(&legacy), Some(id));
        assert_eq!(strip_marker(&legacy), "Hi");
        assert_eq!(marker_uuid("<p>no marker</p>"), None);
        assert!(hidden.contains(&marker_key(id)));
        assert_eq!(to_text(&hidden), "Hi");
    }
}
