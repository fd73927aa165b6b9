//! `guichet kb`: the offline knowledge base.
//!
//! * `kb search QUERY… [--limit N]`: full-text search (accent- and case-insensitive, the last
//!   word is a prefix); a table of id, title, category and snippet (matched terms in `[…]`), or
//!   with `--json` the array of hits.
//! * `kb show ID [--html|--text]`: one article by local id, unique id prefix, remote id or
//!   `connector:remote_id`; a readable text rendering by default, the sanitised HTML with
//!   `--html`, the body text alone with `--text`, the whole article with `--json`.
//! * `kb list [--category C]`, `kb categories`.
//! * `kb import FILE.json`: admin seeding for offline use and tests, see [`ImportArticle`].
//! * `kb suggest TITLE…` / `kb suggest --diagnosis`: articles for a report's title as typed, or
//!   for the checks the last diagnosis found failing; `kb solved TITLE… [--article ID]`:
//!   "this solved my problem", counted locally.
//!
//! A reference that matches nothing fails with code `not_found` (exit status 3).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use guichet_store::{Article, ArticleHit, ArticleImage, StoredArticle};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::CliError;
use crate::Context;

/// The connector name of articles imported from a file.
pub const LOCAL_CONNECTOR: &str = "local";

/// `guichet kb …`
#[derive(Debug, Args)]
pub struct KbArgs {
    #[command(subcommand)]
    command: KbCommand,
}

#[derive(Debug, Subcommand)]
enum KbCommand {
    /// Search the articles (words are AND-ed; the last one may be the start of a word).
    Search {
        /// What to look for.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Most results to show.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Show one article.
    Show {
        /// Local id (or a unique prefix of it), remote id, or CONNECTOR:REMOTE_ID.
        id: String,
        /// Print the sanitised HTML body.
        #[arg(long, conflicts_with = "text")]
        html: bool,
        /// Print the body as plain text only.
        #[arg(long)]
        text: bool,
    },
    /// List the articles, by title.
    List {
        /// Only this category (ASCII case-insensitive).
        #[arg(long)]
        category: Option<String>,
    },
    /// List the categories with their number of articles.
    Categories,
    /// Import articles from a JSON file (an array of articles, connector "local"), all or none.
    Import {
        /// The JSON file.
        file: PathBuf,
    },
    /// Articles to read before filing a ticket: those matching a report's title as typed, or,
    /// with `--diagnosis`, those tagged with the checks the last diagnosis found failing.
    Suggest {
        /// The report's title as typed so far.
        #[arg(required_unless_present = "diagnosis", conflicts_with = "diagnosis")]
        title: Vec<String>,
        /// Use the last diagnosis (`guichet diagnose`) instead of a title.
        #[arg(long)]
        diagnosis: bool,
        /// Most suggestions to show.
        #[arg(long, default_value_t = 5)]
        limit: usize,
    },
    /// "This solved my problem": close a report without a ticket; counted locally (the
    /// deflection rate in `sync --status`), nothing is sent.
    Solved {
        /// The report's title.
        #[arg(required = true, num_args = 1..)]
        title: Vec<String>,
        /// The article that helped (local id or a unique prefix, remote id…).
        #[arg(long)]
        article: Option<String>,
    },
}

/// One article of an import file. Image files are read relative to the import file's folder.
///
/// ```json
/// [{"remote_id": "vpn-1", "title": "Configurer le VPN", "body_html": "<p>…</p>",
///   "category": "Réseau", "language": "fr", "updated_at": "2026-11-01T09:00:00Z",
///   "images": [{"url": "vpn.png", "content_type": "image/png", "file": "img/vpn.png"}]}]
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportArticle {
    /// Must be `local` if given.
    #[serde(default)]
    pub connector: Option<String>,
    /// Identifier, unique in the file and among local articles (a re-import updates).
    pub remote_id: String,
    /// Title.
    pub title: String,
    /// Summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// HTML body (sanitised on import).
    pub body_html: String,
    /// Category.
    #[serde(default)]
    pub category: Option<String>,
    /// Check ids it helps with (`storage.free`), as a service desk tags its articles.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Language tag.
    #[serde(default)]
    pub language: Option<String>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Version marker; defaults to `updated_at`.
    #[serde(default)]
    pub remote_version: Option<String>,
    /// Images the body embeds.
    #[serde(default)]
    pub images: Vec<ImportImage>,
}

/// An image of an imported article.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportImage {
    /// The `<img src>` value used in `body_html`.
    pub url: String,
    /// MIME type.
    pub content_type: String,
    /// The image file, relative to the import file's folder.
    pub file: PathBuf,
}

/// Runs `guichet kb …`.
pub async fn run(ctx: &Context, args: KbArgs) -> Result<(), CliError> {
    match args.command {
        KbCommand::Search { query, limit } => {
            let store = ctx.store().await?;
            let hits = store.search_articles(&query.join(" "), limit).await?;
            if hits.is_empty() && !ctx.json {
                eprintln!("kb: no article matches");
            }
            print_hits(ctx, &hits, true)
        }
        KbCommand::Show { id, html, text } => {
            let store = ctx.store().await?;
            let article = store.article(&id).await?;
            let out = if ctx.json {
                json(&article)?
            } else if html {
                format!("{}\n", article.body_html)
            } else if text {
                format!("{}\n", article.body_text)
            } else {
                render(&article)
            };
            crate::output::write(None, out.as_bytes())?;
            Ok(())
        }
        KbCommand::List { category } => {
            let store = ctx.store().await?;
            let hits = store.articles(category.as_deref()).await?;
            print_hits(ctx, &hits, false)
        }
        KbCommand::Categories => {
            let store = ctx.store().await?;
            let cats = store.article_categories().await?;
            let out = if ctx.json {
                let v: Vec<_> = cats
                    .iter()
                    .map(|(c, n)| serde_json::json!({"category": c, "articles": n}))
                    .collect();
                json(&v)?
            } else {
                let mut t = table(&["Category", "Articles"]);
                for (c, n) in &cats {
                    t.add_row(vec![c.clone(), n.to_string()]);
                }
                format!("{t}\n")
            };
            crate::output::write(None, out.as_bytes())?;
            Ok(())
        }
        KbCommand::Import { file } => import(ctx, &file).await,
        KbCommand::Suggest {
            title,
            diagnosis,
            limit,
        } => suggest(ctx, &title.join(" "), diagnosis, limit).await,
        KbCommand::Solved { title, article } => {
            let store = ctx.store().await?;
            let article = match article {
                Some(r) => Some(store.article(&r).await?.id),
                None => None,
            };
            guichet_core::record_deflection(&store, Utc::now(), &title.join(" "), article).await?;
            if !ctx.json {
                eprintln!("kb: counted as solved without a ticket");
            }
            Ok(())
        }
    }
}

/// The deflection rate as `sync --status` shows it, one line.
pub(crate) fn deflection_line(d: &guichet_core::DeflectionRate) -> String {
    format!(
        "solved without a ticket ({} days): {} of {} report(s){}\n",
        guichet_core::DEFLECTION_DAYS,
        d.deflections,
        d.deflections + d.reports,
        d.rate
            .map(|r| format!(" ({:.0} %)", r * 100.0))
            .unwrap_or_default()
    )
}

/// `kb suggest`: by title, or for the last diagnosis.
async fn suggest(
    ctx: &Context,
    title: &str,
    diagnosis: bool,
    limit: usize,
) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let lang = crate::lang();
    guichet_core::install_starter_articles(&store).await?;
    let list = if diagnosis {
        let Some(d) = store.last_diagnosis().await? else {
            return Err(CliError::new(
                "not_found",
                3,
                anyhow::anyhow!("no diagnosis yet: run `guichet diagnose` first"),
            ));
        };
        guichet_core::suggest_articles(&store, &d, lang, limit).await?
    } else {
        guichet_core::suggest_for_title(&store, title, lang, limit).await?
    };
    let out = if ctx.json {
        json(&list)?
    } else if list.is_empty() {
        eprintln!("kb: no article to suggest");
        String::new()
    } else {
        let mut t = table(&["Id", "Title", "Why", "Excerpt"]);
        for a in &list {
            let why = match &a.why {
                guichet_core::SuggestionReason::Check { check, subject } => match subject {
                    Some(s) => format!("{check} ({s})"),
                    None => check.clone(),
                },
                guichet_core::SuggestionReason::Words { words } => words.join(", "),
            };
            t.add_row(vec![
                a.id.to_string()[..8].to_string(),
                guichet_store::terminal_safe(&a.title).into_owned(),
                guichet_store::terminal_safe(&why).into_owned(),
                guichet_store::terminal_safe(&a.excerpt).into_owned(),
            ]);
        }
        format!("{t}\n")
    };
    crate::output::write(None, out.as_bytes())?;
    Ok(())
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, CliError> {
    let mut s = serde_json::to_string_pretty(v).context("encoding JSON")?;
    s.push('\n');
    Ok(s)
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    t
}

fn print_hits(ctx: &Context, hits: &[ArticleHit], snippet: bool) -> Result<(), CliError> {
    let out = if ctx.json {
        json(&hits)?
    } else if hits.is_empty() {
        String::new()
    } else {
        let last = if snippet { "Snippet" } else { "Summary" };
        let mut t = table(&["Id", "Title", "Category", last]);
        for h in hits {
            let id = h.id.to_string();
            t.add_row(vec![
                id[..8].to_string(),
                h.title.clone(),
                h.category.clone().unwrap_or_default(),
                h.snippet.split_whitespace().collect::<Vec<_>>().join(" "),
            ]);
        }
        format!("{t}\n")
    };
    crate::output::write(None, out.as_bytes())?;
    Ok(())
}

/// The default `kb show` rendering: a header, then the body text.
fn render(a: &StoredArticle) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", a.title);
    let _ = writeln!(out, "{}", "=".repeat(a.title.chars().count().max(3)));
    if let Some(c) = &a.category {
        let _ = writeln!(out, "Category: {c}");
    }
    let _ = writeln!(
        out,
        "Updated:  {}",
        a.updated_at.format("%Y-%m-%d %H:%M UTC")
    );
    let _ = writeln!(out, "Id:       {} ({}:{})", a.id, a.connector, a.remote_id);
    if let Some(s) = &a.summary {
        let _ = writeln!(out, "\n{s}");
    }
    let _ = writeln!(out, "\n{}", a.body_text);
    out
}

/// The file of an article's image, which must lie inside the import file's folder `base`
/// (canonical): an import file from elsewhere must not make Guichet read, and store for a
/// later sync, `/etc/shadow` or `../../.ssh/id_ed25519`. Absolute names and `..` are refused,
/// and so is a symbolic link that leads out of the folder.
fn image_path(base: &Path, file: &Path) -> Result<PathBuf, String> {
    use std::path::Component;
    let outside = || {
        format!(
            "image `{}` is not inside the import file's folder {}",
            file.display(),
            base.display()
        )
    };
    if !file
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(outside());
    }
    let joined = base.join(file);
    let real =
        std::fs::canonicalize(&joined).map_err(|e| format!("image {}: {e}", joined.display()))?;
    if !real.starts_with(base) {
        return Err(outside());
    }
    if !real.is_file() {
        return Err(format!("image {} is not a file", joined.display()));
    }
    Ok(real)
}

async fn import(ctx: &Context, file: &Path) -> Result<(), CliError> {
    let raw = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let items: Vec<ImportArticle> = serde_json::from_slice(&raw).map_err(|e| {
        CliError::usage(format!("{}: not an array of articles: {e}", file.display()))
    })?;
    let base = file.parent().filter(|p| !p.as_os_str().is_empty());
    let base = base.unwrap_or(Path::new("."));
    let base =
        std::fs::canonicalize(base).with_context(|| format!("resolving {}", base.display()))?;
    // Everything is checked and read before the store is touched: a bad file imports nothing.
    let mut seen = HashSet::new();
    let mut inputs = Vec::with_capacity(items.len());
    for (n, item) in items.into_iter().enumerate() {
        let at =
            |msg: String| CliError::usage(format!("{}: article {}: {msg}", file.display(), n + 1));
        if let Some(c) = item.connector.as_deref().filter(|c| *c != LOCAL_CONNECTOR) {
            return Err(at(format!(
                "connector `{c}`: only `{LOCAL_CONNECTOR}` articles can be imported"
            )));
        }
        if item.remote_id.trim().is_empty() || item.title.trim().is_empty() {
            return Err(at("remote_id and title must not be empty".into()));
        }
        if !seen.insert(item.remote_id.clone()) {
            return Err(at(format!("remote_id `{}` appears twice", item.remote_id)));
        }
        let mut images = Vec::with_capacity(item.images.len());
        for img in item.images {
            let path = image_path(&base, &img.file).map_err(at)?;
            let bytes = std::fs::read(&path)
                .with_context(|| format!("reading image {}", path.display()))?;
            images.push(ArticleImage {
                url: img.url,
                content_type: img.content_type,
                bytes,
            });
        }
        inputs.push(Article {
            connector: LOCAL_CONNECTOR.to_string(),
            remote_version: item
                .remote_version
                .unwrap_or_else(|| item.updated_at.to_rfc3339()),
            remote_id: item.remote_id,
            title: item.title,
            summary: item.summary,
            body_html: item.body_html,
            category: item.category,
            tags: item.tags,
            language: item.language,
            updated_at: item.updated_at,
            images,
        });
    }
    let store = ctx.store().await?;
    let before: HashMap<String, String> = store.article_versions(LOCAL_CONNECTOR).await?;
    let created = inputs
        .iter()
        .filter(|i| !before.contains_key(&i.remote_id))
        .count();
    let total = inputs.len();
    let batch: Vec<(Article, Uuid)> = inputs.into_iter().map(|i| (i, Uuid::new_v4())).collect();
    store
        .upsert_articles(batch)
        .await
        .with_context(|| format!("importing {}", file.display()))?;
    let updated = total - created;
    if ctx.json {
        let v = serde_json::json!({"imported": total, "created": created, "updated": updated});
        crate::output::write(None, json(&v)?.as_bytes())?;
    } else {
        eprintln!("kb: imported {total} articles ({created} new, {updated} updated)");
    }
    Ok(())
}
