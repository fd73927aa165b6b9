//! The knowledge base: every visible article with its categories and the published action
//! files linked to it, in one snapshot.

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
    /// article itself (`_categories`). Texts are decoded (GLPI 10 entity-encodes them). The
    /// action files come with each article read whole, else from [`RestClientV1::kb_actions`].
    pub async fn kb_snapshot(&self) -> Result<KbSnapshot> {
        let helpdesk = self.is_helpdesk().await?;
        let mut items = self.get_all("KnowbaseItem/", &[]).await?;
        if helpdesk {
            items.retain(|i| i.get("is_faq").and_then(as_i64) == Some(1));
        }
        let cats = self.get_all("KnowbaseItemCategory/", &[]).await?;
        let ids: Vec<i64> = items
            .iter()
            .filter_map(|i| i.get("id").and_then(as_i64))
            .collect();
        let (links, actions) = if helpdesk {
            self.categories_of_each(&ids).await?
        } else {
            let links = self
                .get_all("KnowbaseItem_KnowbaseItemCategory/", &[])
                .await?;
            (links, self.kb_actions(&ids).await?)
        };
        let mut snap = kb_from(&items, &cats, &links)?;
        snap.actions = actions;
        Ok(snap)
    }

    /// The action files linked to each of `articles`. An account that may list `Document_Item`
    /// (a technician) gets the articles carrying documents in one list and reads only those;
    /// one that may not (Self-Service: 403) reads each article (apirest.md "Get an item" with
    /// `with_documents`, which GLPI allows whoever may read the article).
    pub async fn kb_actions(&self, articles: &[i64]) -> Result<BTreeMap<i64, Vec<KbDocument>>> {
        let q = [("searchText[itemtype]".to_owned(), "KnowbaseItem".to_owned())];
        let carrying: Vec<i64> = match self.get_all("Document_Item/", &q).await {
            Ok(rows) => {
                let linked: std::collections::BTreeSet<i64> = rows
                    .iter()
                    .filter(|r| r.get("itemtype").and_then(Value::as_str) == Some("KnowbaseItem"))
                    .filter_map(|r| r.get("items_id").and_then(as_i64))
                    .collect();
                articles
                    .iter()
                    .copied()
                    .filter(|a| linked.contains(a))
                    .collect()
            }
            Err(e) if e.is_forbidden() => articles.to_vec(),
            Err(e) => return Err(e),
        };
        let mut out = BTreeMap::new();
        for id in carrying {
            let Some(item) = self.article_whole(id).await? else {
                continue;
            };
            let docs = action_documents(&item);
            if !docs.is_empty() {
                out.insert(id, docs);
            }
        }
        Ok(out)
    }

    /// apirest.md "Get an item" `KnowbaseItem/:id?with_documents=true`; `None` when it went
    /// (404) or may not be read (403) since the list was read.
    async fn article_whole(&self, id: i64) -> Result<Option<Value>> {
        let q = [("with_documents".to_owned(), "true".to_owned())];
        match self
            .call(
                reqwest::Method::GET,
                &format!("KnowbaseItem/{id}"),
                &q,
                None,
            )
            .await
        {
            Ok(answer) => Ok(Some(answer.json()?)),
            Err(GlpiError::Api {
                status: 403 | 404, ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Link rows (`knowbaseitems_id`, `knowbaseitemcategories_id`) read from each article
    /// (apirest.md "Get an item": `_categories`), for accounts that may not read the table,
    /// and the action files linked to each (`_documents`, read in the same call).
    async fn categories_of_each(
        &self,
        ids: &[i64],
    ) -> Result<(Vec<Value>, BTreeMap<i64, Vec<KbDocument>>)> {
        let mut links = Vec::new();
        let mut actions = BTreeMap::new();
        for &id in ids {
            let Some(item) = self.article_whole(id).await? else {
                continue;
            };
            let docs = action_documents(&item);
            if !docs.is_empty() {
                actions.insert(id, docs);
            }
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
        Ok((links, actions))
    }
}

/// The published action files among an article's documents (`_documents` of "Get an item"
/// with `with_documents`): those named `*.guichet-action`, not in GLPI's trash, with an id.
pub(crate) fn action_documents(item: &Value) -> Vec<KbDocument> {
    let mut out: Vec<KbDocument> = item
        .get("_documents")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|d| d.get("is_deleted").and_then(as_i64).unwrap_or(0) == 0)
        .filter_map(|d| {
            Some(KbDocument {
                id: d.get("id").and_then(as_i64)?,
                filename: d.get("filename").and_then(Value::as_str)?.to_owned(),
                sha1sum: d
                    .get("sha1sum")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
            })
        })
        .filter(KbDocument::is_action)
        .collect();
    out.sort_by_key(|d| d.id);
    out.dedup_by_key(|d| d.id);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/kb-documents/");
        let text = std::fs::read_to_string(format!("{dir}{name}")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn names(docs: &[KbDocument]) -> Vec<(i64, &str)> {
        docs.iter().map(|d| (d.id, d.filename.as_str())).collect()
    }

    #[test]
    fn only_action_files_outside_the_trash_are_kept_from_an_articles_documents() {
        let v10 = action_documents(&fixture("glpi-10.0.10-knowbaseitem-with-documents.json"));
        assert_eq!(names(&v10), [(2, "x.guichet-action")], "x.txt is not one");
        assert_eq!(v10[0].sha1sum, "63caf90bb6d00849c643202ba444736dd09fe387");
        let trashed = action_documents(&fixture(
            "glpi-10.0.10-knowbaseitem-with-documents-one-trashed.json",
        ));
        assert_eq!(
            names(&trashed),
            [(2, "x.guichet-action")],
            "y is in the trash"
        );
        let v11 = action_documents(&fixture("glpi-11.0.6-knowbaseitem-with-documents.json"));
        assert_eq!(names(&v11), [(1, "x.guichet-action")]);
        assert!(action_documents(&serde_json::json!({"_documents": "no"})).is_empty());
    }
}
