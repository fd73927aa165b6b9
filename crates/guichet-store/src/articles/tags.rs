//! Tags: the check ids an article is tagged with, the articles carrying given tags, and the
//! starter articles that stand in for the service desk's own until it publishes some.

use super::*;

/// The connector name of the starter articles Guichet ships (never a service desk's name, so
/// a sync pass or a bundle never touches them).
pub const STARTER_CONNECTOR: &str = "guichet-starter";

/// An article carrying one of the tags asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaggedArticle {
    /// Local id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Summary, or the start of the body.
    pub excerpt: String,
    /// Language tag, when known.
    pub language: Option<String>,
    /// The tag that matched.
    pub tag: String,
    /// Whether it is one of Guichet's starter articles rather than the service desk's.
    pub starter: bool,
}

/// What [`Store::sync_starter_articles`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StarterSync {
    /// Starter articles written (new, or changed since the last time).
    pub installed: usize,
    /// Starter articles removed: the service desk covers their tag, or they are no longer
    /// shipped.
    pub hidden: usize,
}

/// Replaces the tags of article `id` with `tags` (cleaned up by [`guichet_records::check_tags`]).
/// A new article (`existed` false) has none to remove: its rows are only written when it has
/// tags, so an untagged article is written the same way as before tags existed.
pub(super) async fn write_tags(
    conn: &mut SqliteConnection,
    id: &str,
    tags: &[String],
    existed: bool,
) -> Result<(), StoreError> {
    if existed {
        sqlx::query("DELETE FROM article_tags WHERE article_id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    for tag in guichet_records::check_tags(tags.iter().map(String::as_str)) {
        sqlx::query("INSERT INTO article_tags (article_id, tag) VALUES (?, ?)")
            .bind(id)
            .bind(tag)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Whether an article of the service desk (not a starter) carries one of `tags`.
async fn desk_covers(conn: &mut SqliteConnection, tags: &[String]) -> Result<bool, StoreError> {
    let tags = serde_json::to_string(tags).unwrap_or_default();
    let (n,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM article_tags t JOIN articles a ON a.id = t.article_id
         WHERE a.connector <> ? AND t.tag IN (SELECT value FROM json_each(?))",
    )
    .bind(STARTER_CONNECTOR)
    .bind(tags)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

type TaggedRow = (
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
);

impl Store {
    /// The articles tagged with any of `tags`, the service desk's before the starter ones, then
    /// by tag (in the order given) and title. An article with several of the tags comes once,
    /// under the first.
    pub async fn tagged_articles(&self, tags: &[String]) -> Result<Vec<TaggedArticle>, StoreError> {
        let json = serde_json::to_string(tags).unwrap_or_default();
        let rows: Vec<TaggedRow> = sqlx::query_as(
            "SELECT a.id, a.title, a.summary, substr(a.body_text, 1, 400), a.language, t.tag,
                    a.connector
             FROM article_tags t JOIN articles a ON a.id = t.article_id
             JOIN json_each(?) j ON j.value = t.tag
             ORDER BY a.connector = ?, j.key, a.title COLLATE NOCASE, a.id",
        )
        .bind(json)
        .bind(STARTER_CONNECTOR)
        .fetch_all(&self.pool)
        .await?;
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (id, title, summary, start, language, tag, connector) in rows {
            if !seen.insert(id.clone()) {
                continue;
            }
            out.push(TaggedArticle {
                id: parse_uuid(&id)?,
                title,
                excerpt: excerpt(summary.as_deref().unwrap_or(&start), 160),
                language,
                tag,
                starter: connector == STARTER_CONNECTOR,
            });
        }
        Ok(out)
    }

    /// Language tag and whether it is a starter article, for each of `ids` held here.
    pub async fn article_origins(
        &self,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, (Option<String>, bool)>, StoreError> {
        let json = serde_json::to_string(&ids.iter().map(Uuid::to_string).collect::<Vec<_>>())
            .unwrap_or_default();
        let rows: Vec<(String, Option<String>, String)> = sqlx::query_as(
            "SELECT id, language, connector FROM articles
             WHERE id IN (SELECT value FROM json_each(?))",
        )
        .bind(json)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, language, connector)| {
                Ok((parse_uuid(&id)?, (language, connector == STARTER_CONNECTOR)))
            })
            .collect()
    }

    /// Brings the starter articles in line with `starters` (articles of [`STARTER_CONNECTOR`],
    /// each with its new local id), in one transaction: a starter is kept (written when new or
    /// changed) only while no article of the service desk carries one of its tags; the others,
    /// and those no longer shipped, are removed. Cheap when nothing changed: only versions are
    /// compared.
    pub async fn sync_starter_articles(
        &self,
        starters: Vec<(Article, Uuid)>,
    ) -> Result<StarterSync, StoreError> {
        let held = self.article_versions(STARTER_CONNECTOR).await?;
        let mut prepared = Vec::new();
        for (a, id) in starters {
            prepared.push((self.prepare_article(a)?, id));
        }
        let shipped: HashSet<String> = prepared
            .iter()
            .map(|(p, _)| p.input.remote_id.clone())
            .collect();
        // Decided on a read connection first: most calls change nothing and then take no
        // write lock at all.
        let mut conn = self.pool.acquire().await?;
        let mut writes = Vec::new();
        let mut removals: Vec<String> = held
            .keys()
            .filter(|r| !shipped.contains(*r))
            .cloned()
            .collect();
        for (p, id) in prepared {
            let remote_id = p.input.remote_id.clone();
            if desk_covers(&mut conn, &p.input.tags).await? {
                if held.contains_key(&remote_id) {
                    removals.push(remote_id);
                }
            } else if held.get(&remote_id) != Some(&p.input.remote_version) {
                writes.push((p, id));
            }
        }
        drop(conn);
        let done = StarterSync {
            installed: writes.len(),
            hidden: removals.len(),
        };
        if writes.is_empty() && removals.is_empty() {
            return Ok(done);
        }
        let mut tx = self.begin_write().await?;
        for remote_id in &removals {
            remove_starter(&mut tx, remote_id).await?;
        }
        for (p, id) in writes {
            write_article(&mut tx, p, id).await?;
        }
        tx.commit().await?;
        Ok(done)
    }
}

async fn remove_starter(conn: &mut SqliteConnection, remote_id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM articles WHERE connector = ? AND remote_id = ?")
        .bind(STARTER_CONNECTOR)
        .bind(remote_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
