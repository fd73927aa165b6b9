//! The knowledge base: every visible article with its categories, in one snapshot.

use super::{as_i64, RestClientV1};
use crate::error::{GlpiError, Result};
use crate::model::*;
use serde_json::Value;
use std::collections::BTreeMap;

impl RestClientV1 {
    /// The whole visible knowledge base: KnowbaseItem, KnowbaseItemCategory and their link
    /// table KnowbaseItem_KnowbaseItemCategory (apirest.md "Get all items" on each).
    pub async fn kb_snapshot(&self) -> Result<KbSnapshot> {
        let items = self.get_all("KnowbaseItem/", &[]).await?;
        let cats = self.get_all("KnowbaseItemCategory/", &[]).await?;
        let links = self
            .get_all("KnowbaseItem_KnowbaseItemCategory/", &[])
            .await?;
        let mut by_article: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for l in &links {
            if let (Some(a), Some(c)) = (
                l.get("knowbaseitems_id").and_then(as_i64),
                l.get("knowbaseitemcategories_id").and_then(as_i64),
            ) {
                by_article.entry(a).or_default().push(c);
            }
        }
        let mut snap = KbSnapshot::default();
        for c in &cats {
            let Some(id) = c.get("id").and_then(as_i64) else {
                continue;
            };
            let name = c
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let path = c
                .get("completename")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .unwrap_or(&name)
                .to_owned();
            snap.categories.insert(id, KbCategory { id, name, path });
        }
        for i in &items {
            let Some(id) = i.get("id").and_then(as_i64) else {
                continue;
            };
            let Some(date_mod) = i
                .get("date_mod")
                .and_then(Value::as_str)
                .and_then(parse_glpi_time)
            else {
                return Err(GlpiError::Malformed(format!(
                    "KnowbaseItem {id} without date_mod"
                )));
            };
            let mut categories = by_article.remove(&id).unwrap_or_default();
            categories.sort_unstable();
            snap.articles.insert(
                id,
                KbArticle {
                    id,
                    title: i
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    content_html: i
                        .get("answer")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    categories,
                    date_mod,
                },
            );
        }
        Ok(snap)
    }
}
