//! The starter articles Guichet ships: one short article per built-in check, in French and in
//! English (`starter-articles/<check>.<lang>.md`, compiled in), tagged with the check's id. They
//! stand in for the service desk's own: installed in the local knowledge base for every check
//! no article of the service desk is tagged with, and removed as soon as one is
//! ([`install_starter_articles`], after every sync pass and before suggesting).
//!
//! The files use a small part of Markdown: `# Title`, a paragraph (the summary), numbered steps
//! (`1. …`). They become HTML here and go through the store's sanitiser like every article.

use chrono::{DateTime, Utc};
use guichet_store::{Article, StarterSync, Store, STARTER_CONNECTOR};

use crate::CoreError;

/// Every starter article: `<check>.<lang>` and its text.
const STARTER_FILES: &[(&str, &str)] = &[
    (
        "battery.wear.en",
        include_str!("../starter-articles/battery.wear.en.md"),
    ),
    (
        "battery.wear.fr",
        include_str!("../starter-articles/battery.wear.fr.md"),
    ),
    (
        "clock.offset.en",
        include_str!("../starter-articles/clock.offset.en.md"),
    ),
    (
        "clock.offset.fr",
        include_str!("../starter-articles/clock.offset.fr.md"),
    ),
    (
        "cpu.load.en",
        include_str!("../starter-articles/cpu.load.en.md"),
    ),
    (
        "cpu.load.fr",
        include_str!("../starter-articles/cpu.load.fr.md"),
    ),
    (
        "desk.https.en",
        include_str!("../starter-articles/desk.https.en.md"),
    ),
    (
        "desk.https.fr",
        include_str!("../starter-articles/desk.https.fr.md"),
    ),
    (
        "memory.pressure.en",
        include_str!("../starter-articles/memory.pressure.en.md"),
    ),
    (
        "memory.pressure.fr",
        include_str!("../starter-articles/memory.pressure.fr.md"),
    ),
    (
        "memory.swap.en",
        include_str!("../starter-articles/memory.swap.en.md"),
    ),
    (
        "memory.swap.fr",
        include_str!("../starter-articles/memory.swap.fr.md"),
    ),
    (
        "network.dns.en",
        include_str!("../starter-articles/network.dns.en.md"),
    ),
    (
        "network.dns.fr",
        include_str!("../starter-articles/network.dns.fr.md"),
    ),
    (
        "network.gateway.en",
        include_str!("../starter-articles/network.gateway.en.md"),
    ),
    (
        "network.gateway.fr",
        include_str!("../starter-articles/network.gateway.fr.md"),
    ),
    (
        "network.link.en",
        include_str!("../starter-articles/network.link.en.md"),
    ),
    (
        "network.link.fr",
        include_str!("../starter-articles/network.link.fr.md"),
    ),
    (
        "network.proxy.en",
        include_str!("../starter-articles/network.proxy.en.md"),
    ),
    (
        "network.proxy.fr",
        include_str!("../starter-articles/network.proxy.fr.md"),
    ),
    (
        "printing.jobs.en",
        include_str!("../starter-articles/printing.jobs.en.md"),
    ),
    (
        "printing.jobs.fr",
        include_str!("../starter-articles/printing.jobs.fr.md"),
    ),
    (
        "printing.queues.en",
        include_str!("../starter-articles/printing.queues.en.md"),
    ),
    (
        "printing.queues.fr",
        include_str!("../starter-articles/printing.queues.fr.md"),
    ),
    (
        "security.antivirus.en",
        include_str!("../starter-articles/security.antivirus.en.md"),
    ),
    (
        "security.antivirus.fr",
        include_str!("../starter-articles/security.antivirus.fr.md"),
    ),
    (
        "security.encryption.en",
        include_str!("../starter-articles/security.encryption.en.md"),
    ),
    (
        "security.encryption.fr",
        include_str!("../starter-articles/security.encryption.fr.md"),
    ),
    (
        "security.firewall.en",
        include_str!("../starter-articles/security.firewall.en.md"),
    ),
    (
        "security.firewall.fr",
        include_str!("../starter-articles/security.firewall.fr.md"),
    ),
    (
        "storage.free.en",
        include_str!("../starter-articles/storage.free.en.md"),
    ),
    (
        "storage.free.fr",
        include_str!("../starter-articles/storage.free.fr.md"),
    ),
    (
        "storage.inodes.en",
        include_str!("../starter-articles/storage.inodes.en.md"),
    ),
    (
        "storage.inodes.fr",
        include_str!("../starter-articles/storage.inodes.fr.md"),
    ),
    (
        "system.failed_units.en",
        include_str!("../starter-articles/system.failed_units.en.md"),
    ),
    (
        "system.failed_units.fr",
        include_str!("../starter-articles/system.failed_units.fr.md"),
    ),
    (
        "system.reboot.en",
        include_str!("../starter-articles/system.reboot.en.md"),
    ),
    (
        "system.reboot.fr",
        include_str!("../starter-articles/system.reboot.fr.md"),
    ),
    (
        "system.updates.en",
        include_str!("../starter-articles/system.updates.en.md"),
    ),
    (
        "system.updates.fr",
        include_str!("../starter-articles/system.updates.fr.md"),
    ),
];

/// The category starter articles are filed under.
pub const STARTER_CATEGORY: &str = "Guichet";

/// A starter article as written in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarterArticle {
    /// The check it helps with (`storage.free`).
    pub check: String,
    /// `fr` or `en`.
    pub language: String,
    /// Title (the `# ` line).
    pub title: String,
    /// The first paragraph.
    pub summary: String,
    /// The numbered steps, in order.
    pub steps: Vec<String>,
}

impl StarterArticle {
    /// The article as the store takes it: HTML body, tagged with its check.
    pub fn to_article(&self) -> Article {
        let mut html = format!("<p>{}</p>\n<ol>\n", escape(&self.summary));
        for s in &self.steps {
            html.push_str(&format!("<li>{}</li>\n", escape(s)));
        }
        html.push_str("</ol>\n");
        let version = format!("{:016x}", fnv1a(&[&self.title, &self.summary, &html]));
        Article {
            connector: STARTER_CONNECTOR.into(),
            remote_id: format!("{}.{}", self.check, self.language),
            title: self.title.clone(),
            summary: Some(self.summary.clone()),
            body_html: html,
            category: Some(STARTER_CATEGORY.into()),
            tags: vec![self.check.clone()],
            language: Some(self.language.clone()),
            // Shipped text: no server time. The version (a hash of the text) says when it changed.
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
            remote_version: version,
            images: Vec::new(),
        }
    }
}

/// Every starter article Guichet ships, parsed.
pub fn starter_articles() -> Vec<StarterArticle> {
    STARTER_FILES
        .iter()
        .filter_map(|(name, text)| {
            let (check, language) = name.rsplit_once('.')?;
            parse_starter(check, language, text)
        })
        .collect()
}

/// Parses one file; `None` when it has no title (a test makes sure none is shipped so).
fn parse_starter(check: &str, language: &str, text: &str) -> Option<StarterArticle> {
    let mut title = None;
    let mut summary = Vec::new();
    let mut steps = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(t) = line.strip_prefix("# ") {
            title = Some(t.trim().to_string());
        } else if let Some(step) = numbered(line) {
            steps.push(step.to_string());
        } else if steps.is_empty() {
            summary.push(line);
        }
    }
    Some(StarterArticle {
        check: check.to_string(),
        language: language.to_string(),
        title: title?,
        summary: summary.join(" "),
        steps,
    })
}

/// The text of a numbered line (`3. Redémarrez.`), or `None`.
fn numbered(line: &str) -> Option<&str> {
    let (n, rest) = line.split_once(". ")?;
    (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit())).then(|| rest.trim())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// FNV-1a over the parts: a version marker stable across builds and platforms.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Brings the local knowledge base's starter articles in line with what this version ships and
/// what the service desk covers (see [`Store::sync_starter_articles`]). Local ids of new
/// starter articles are derived from their names, so every machine gives them the same.
pub async fn install_starter_articles(store: &Store) -> Result<StarterSync, CoreError> {
    let starters = starter_articles()
        .iter()
        .map(|s| {
            let a = s.to_article();
            let (hi, lo) = (
                fnv1a(&["guichet-starter", &a.remote_id]),
                fnv1a(&[&a.remote_id, "guichet-starter"]),
            );
            let bytes = ((u128::from(hi) << 64) | u128::from(lo)).to_be_bytes();
            (a, uuid::Builder::from_custom_bytes(bytes).into_uuid())
        })
        .collect();
    Ok(store.sync_starter_articles(starters).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_check_has_a_starter_article_in_both_languages() {
        let all = starter_articles();
        assert_eq!(all.len(), STARTER_FILES.len(), "a file without a title");
        let ids: Vec<&str> = guichet_diagnostics::all_checks()
            .iter()
            .map(|c| c.id())
            .collect();
        assert_eq!(
            ids.len(),
            crate::BUILT_IN_CHECKS.len(),
            "BUILT_IN_CHECKS lists every check of guichet-diagnostics: {ids:?}"
        );
        for check in &ids {
            assert!(
                crate::BUILT_IN_CHECKS.contains(check),
                "{check} not in BUILT_IN_CHECKS"
            );
            for lang in ["fr", "en"] {
                let a = all
                    .iter()
                    .find(|a| a.check == *check && a.language == lang)
                    .unwrap_or_else(|| panic!("no {lang} starter article for {check}"));
                assert!(a.steps.len() >= 3, "{check}.{lang}: a few steps");
                assert!(!a.summary.is_empty(), "{check}.{lang}: a summary");
            }
        }
    }

    #[test]
    fn a_starter_file_becomes_a_tagged_article() {
        let s = parse_starter(
            "printing.jobs",
            "fr",
            "# Titre\n\nRésumé <b>.\n\n1. Un.\n2. Deux & trois.\n",
        )
        .unwrap();
        assert_eq!(s.steps, ["Un.", "Deux & trois."]);
        let a = s.to_article();
        assert_eq!(a.tags, ["printing.jobs"]);
        assert_eq!(a.remote_id, "printing.jobs.fr");
        assert_eq!(
            a.body_html,
            "<p>Résumé &lt;b&gt;.</p>\n<ol>\n<li>Un.</li>\n<li>Deux &amp; trois.</li>\n</ol>\n"
        );
        assert_eq!(parse_starter("x.y", "en", "no title"), None);
    }
}
