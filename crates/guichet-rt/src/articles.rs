//! The knowledge base: RT Articles of one class, body in the `Content` custom field,
//! disabled articles being deletions, embedded images downloaded so that articles read
//! offline.

use chrono::{DateTime, Utc};
use guichet_actions::published::{ACTION_EXTENSION, MAX_ACTION_FILE_BYTES};
use guichet_records::{Article, ArticleImage};
use guichet_sync::{http, ConnectorError, KbChanges};
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};

use crate::wire::{article_date, id_of, rt_date, text_to_html, version_of};
use crate::RtConnector;

/// The article custom field holding the check ids an article is tagged with (`storage.free
/// printing.queues`): a free-text field, values separated by spaces or commas, or a
/// multi-value one.
pub const TAGS_CF: &str = "Guichet checks";

/// Largest image kept with an article.
const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;

/// Downloads one image: (MIME type, bytes), or why not.
async fn fetch_image(req: RequestBuilder) -> Result<(String, Vec<u8>), String> {
    let mut resp = req.send().await.map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !content_type.starts_with("image/") {
        return Err(format!("not an image ({content_type:?})"));
    }
    // Read within the limit so that a server lying about (or omitting) the length cannot
    // make us hold more.
    match http::read_body(&mut resp, MAX_IMAGE_BYTES)
        .await
        .map_err(|e| e.to_string())?
    {
        http::Body::Whole(bytes) => Ok((content_type, bytes)),
        http::Body::Over(_) => Err("too large".into()),
    }
}

/// The download URLs of an article's Binary custom-field values named `*.guichet-action`.
pub(crate) fn action_file_urls(a: &Value) -> Vec<String> {
    let cfs = a.get("CustomFields").and_then(Value::as_array);
    cfs.into_iter()
        .flatten()
        .filter_map(|cf| cf.get("values").and_then(Value::as_array))
        .flatten()
        .filter(|v| {
            v.get("filename").and_then(Value::as_str).is_some_and(|n| {
                n.to_ascii_lowercase()
                    .ends_with(&format!(".{ACTION_EXTENSION}"))
            })
        })
        .filter_map(|v| v.get("_url").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// Downloads one file within [`MAX_ACTION_FILE_BYTES`].
async fn fetch_bounded(req: RequestBuilder) -> Result<Vec<u8>, String> {
    let mut resp = req.send().await.map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("HTTP {}", resp.status()));
    }
    match http::read_body(&mut resp, MAX_ACTION_FILE_BYTES)
        .await
        .map_err(|e| e.to_string())?
    {
        http::Body::Whole(bytes) => Ok(bytes),
        http::Body::Over(_) => Err("too large".into()),
    }
}

/// Article `a` (server id `id`, of class `class`) as the knowledge base keeps it, its images
/// not downloaded yet.
pub(crate) fn article_from(
    a: &Value,
    id: String,
    updated: Option<DateTime<Utc>>,
    class: &str,
) -> Article {
    let title = a
        .get("Name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let summary = a
        .get("Summary")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let content = content_of(a);
    let tags = tags_of(a);
    // The tags count in the version only when there are some: untagged articles keep the
    // version they had before tags existed, and are not rewritten for nothing.
    let tag_line = tags.join(" ");
    let mut parts = vec![title.as_str(), summary.as_deref().unwrap_or(""), content];
    if !tags.is_empty() {
        parts.push(&tag_line);
    }
    Article {
        connector: "rt".into(),
        remote_version: version_of(updated, &parts),
        remote_id: id,
        title,
        summary,
        body_html: text_to_html(content),
        category: Some(class.to_string()),
        tags,
        language: None,
        updated_at: updated.unwrap_or_default(),
        images: Vec::new(),
    }
}

/// The values of an article's custom field `name` (none when it has no such field).
fn field_values<'a>(a: &'a Value, name: &str) -> impl Iterator<Item = &'a str> {
    a.get("CustomFields")
        .and_then(Value::as_array)
        .and_then(|cfs| {
            cfs.iter()
                .find(|cf| cf.get("name").and_then(Value::as_str) == Some(name))
        })
        .and_then(|cf| cf.get("values"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// The value of an article's `Content` custom field (empty when it has none).
fn content_of(a: &Value) -> &str {
    field_values(a, "Content").next().unwrap_or("")
}

/// The check ids of an article's [`TAGS_CF`] custom field: every value (a multi-value field)
/// split at spaces and commas (a free-text one), each kept once.
fn tags_of(a: &Value) -> Vec<String> {
    let words = field_values(a, TAGS_CF).flat_map(|v| v.split([' ', ',', '\n', '\t', ';']));
    guichet_records::check_tags(words)
}

impl RtConnector {
    /// Knowledge-base changes since `cursor` (an article search date), deletions included.
    pub(crate) async fn kb_changes(
        &self,
        cursor: Option<&str>,
    ) -> Result<KbChanges, ConnectorError> {
        let (class, class_name) = self.kb_class().await?;
        let articles = self.updated_articles(&class, cursor).await?;
        let mut out = KbChanges::default();
        let mut latest: Option<DateTime<Utc>> = None;
        for a in &articles {
            let id =
                id_of(a).ok_or_else(|| ConnectorError::Malformed("article without id".into()))?;
            let updated = rt_date(a.get("LastUpdated"))?;
            latest = latest.max(updated);
            if a.get("Disabled").and_then(Value::as_str) == Some("1") {
                out.deletions.push(id);
                continue;
            }
            let (article, files) = self.article(a, id, updated, &class_name).await;
            if !files.is_empty() {
                out.action_files.insert(article.remote_id.clone(), files);
            }
            out.upserts.push(article);
        }
        out.cursor = latest.map(article_date);
        Ok(out)
    }

    /// The class's articles updated since `cursor`, disabled ones included.
    async fn updated_articles(
        &self,
        class: &str,
        cursor: Option<&str>,
    ) -> Result<Vec<Value>, ConnectorError> {
        let mut query = vec![json!({"field": "Class", "value": class})];
        if let Some(c) = cursor {
            query.push(json!({"field": "LastUpdated", "operator": ">=", "value": c, "entry_aggregator": "AND"}));
        }
        self.collection(
            Method::GET,
            "/articles",
            &[
                ("query", Value::Array(query).to_string()),
                (
                    "fields",
                    "Name,Summary,Disabled,LastUpdated,CustomFields".into(),
                ),
                // Disabled articles are how RT deletes: they must come back to be removed.
                ("find_disabled_rows", "1".into()),
            ],
        )
        .await
    }

    /// Article `a` (server id `id`, of class `class`) as the knowledge base keeps it, images
    /// included, and the published action files it carries. The files count in its version,
    /// so that a new file is pulled even if RT left the article's date as it was.
    async fn article(
        &self,
        a: &Value,
        id: String,
        updated: Option<DateTime<Utc>>,
        class: &str,
    ) -> (Article, Vec<Vec<u8>>) {
        let mut article = article_from(a, id, updated, class);
        article.images = self.fetch_images(&article.body_html).await;
        let files = self.fetch_action_files(a).await;
        if !files.is_empty() {
            let digests: Vec<String> = files
                .iter()
                .map(|f| version_of(None, &[&String::from_utf8_lossy(f)]))
                .collect();
            article.remote_version = format!("{}+{}", article.remote_version, digests.join("+"));
        }
        (article, files)
    }

    /// The published fix-it actions the article carries: values of its Binary custom fields
    /// whose file name ends in `.guichet-action`, downloaded from RT itself (never another
    /// origin) within [`MAX_ACTION_FILE_BYTES`]. One that cannot be fetched is left out.
    async fn fetch_action_files(&self, a: &Value) -> Vec<Vec<u8>> {
        let Ok(base) = reqwest::Url::parse(&format!("{}/", self.cfg.url)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for url in action_file_urls(a) {
            let Ok(url) = base.join(&url) else { continue };
            if url.origin() != base.origin() {
                tracing::warn!(url = %url, "action file on another origin left out");
                continue;
            }
            match fetch_bounded(self.authorize(self.client.get(url.clone()))).await {
                Ok(bytes) => out.push(bytes),
                Err(why) => tracing::warn!(url = %url, %why, "action file left out"),
            }
        }
        out
    }

    /// The images an article embeds, downloaded so that it reads offline. RT's own URLs are
    /// fetched with the connector's credentials, others anonymously. An image that cannot be
    /// fetched, is not an image, or is over [`MAX_IMAGE_BYTES`] is left out (the sanitiser then
    /// drops its `<img>`): one broken image must not keep the article from the knowledge base.
    async fn fetch_images(&self, html: &str) -> Vec<ArticleImage> {
        let Ok(base) = reqwest::Url::parse(&format!("{}/", self.cfg.url)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for src in guichet_store::embedded_image_urls(html) {
            let Ok(url) = base.join(&src) else { continue };
            if !matches!(url.scheme(), "http" | "https") {
                continue;
            }
            let mut req = self.client.get(url.clone());
            if url.origin() == base.origin() {
                req = self.authorize(req);
            }
            match fetch_image(req).await {
                Ok((content_type, bytes)) => out.push(ArticleImage {
                    url: src,
                    content_type,
                    bytes,
                }),
                Err(why) => tracing::warn!(url = %url, %why, "article image left out"),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guichet_checks_field_gives_the_tags_and_counts_in_the_version() {
        // The shape of REST2's `GET /articles?fields=…,CustomFields` (RT 5.0).
        let a = json!({
            "id": "7", "Name": "Imprimante", "Summary": "",
            "CustomFields": [
                {"id": "1", "name": "Content", "values": ["Rallumez-la."]},
                {"id": "4", "name": TAGS_CF, "values": ["printing.queues, Printing.Jobs\nimprimante"]}
            ]
        });
        let tagged = article_from(&a, "7".into(), None, "Guichet KB");
        assert_eq!(tagged.tags, ["printing.jobs", "printing.queues"]);
        let mut untagged_json = a.clone();
        untagged_json["CustomFields"][1]["values"] = json!([]);
        let untagged = article_from(&untagged_json, "7".into(), None, "Guichet KB");
        assert!(untagged.tags.is_empty());
        assert_ne!(tagged.remote_version, untagged.remote_version);
        assert_eq!(untagged.body_html, tagged.body_html);
    }
}
