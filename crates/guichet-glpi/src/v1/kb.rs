//! The knowledge base: every visible article with its categories, in one snapshot.

use super::{as_i64, RestClientV1};
use crate::content::decode;
use crate::error::{GlpiError, Result};
use crate::model::*;
use serde_json::Value;
use std::collections::BTreeMap;

impl RestClientV1 {
    /// The knowledge base this account may read: KnowbaseItem, KnowbaseItemCategory and their
    /// link table KnowbaseItem_KnowbaseItemCategory (apirest.md "Get all items" on each).
    ///
    /// A Self-Service account (profile interface `helpdesk`) reads the FAQ, as GLPI's own
    /// interface shows it: GLPI 10 lists it every article but refuses the non-FAQ ones and the
    /// link table (403), so only FAQ articles are kept and each one's categories come from the
    /// article itself (`_categories`). Texts are decoded (GLPI 10 entity-encodes them).
    pub async fn kb_snapshot(&self) -> Result<KbSnapshot> {
        let helpdesk = self.is_helpdesk().await?;
        let mut items = self.get_all("KnowbaseItem/", &[]).await?;
        if helpdesk {
            items.retain(|i| i.get("is_faq").and_then(as_i64) == Some(1));
        }
        let cats = self.get_all("KnowbaseItemCategory/", &[]).await?;
        let links = if helpdesk {
            self.categories_of_each(&items).await?
        } else {
            self.get_all("KnowbaseItem_KnowbaseItemCategory/", &[])
                .await?
        };
        kb_from(&items, &cats, &links)
    }

    /// Link rows (`knowbaseitems_id`, `knowbaseitemcategories_id`) read from each article
    /// (apirest.md "Get an item": `_categories`), for accounts that may not read the table.
    async fn categories_of_each(&self, items: &[Value]) -> Result<Vec<Value>> {
        let mut links = Vec::new();
        for id in items.iter().filter_map(|i| i.get("id").and_then(as_i64)) {
            let answer = self
                .call(
                    reqwest::Method::GET,
                    &format!("KnowbaseItem/{id}"),
                    &[],
                    None,
                )
                .await?;
            let item: Value = answer.json()?;
            for c in item
                .get("_categories")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                links.push(serde_json::json!({
                    "knowbaseitems_id": id,
                    "knowbaseitemcategories_id": c,
                }));
            }
        }
        Ok(links)
    }
}

/// The snapshot from the three lists: articles, categories, and link rows
/// (`knowbaseitems_id`, `knowbaseitemcategories_id`). Texts are decoded.
pub(crate) fn kb_from(items: &[Value], cats: &[Value], links: &[Value]) -> Result<KbSnapshot> {
    let mut by_article: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for l in links {
        if let (Some(a), Some(c)) = (
            l.get("knowbaseitems_id").and_then(as_i64),
            l.get("knowbaseitemcategories_id").and_then(as_i64),
        ) {
            by_article.entry(a).or_default().push(c);
        }
    }
    let mut snap = KbSnapshot::default();
    for c in cats {
        let Some(id) = c.get("id").and_then(as_i64) else {
            continue;
        };
        let name = decode(c.get("name").and_then(Value::as_str).unwrap_or(""));
        let path = c
            .get("completename")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map_or_else(|| name.clone(), decode);
        snap.categories.insert(id, KbCategory { id, name, path });
    }
    for i in items {
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
                title: decode(i.get("name").and_then(Value::as_str).unwrap_or("")),
                content_html: decode(i.get("answer").and_then(Value::as_str).unwrap_or("")),
                categories,
                date_mod,
            },
        );
    }
    Ok(snap)
}
