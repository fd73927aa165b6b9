//! The knowledge-base pull: articles as the engine keeps them, and the published fix-it actions
//! they carry.
//!
//! The convention (README "Fix-it actions"): an action file signed with `guichet fix sign` is a
//! GLPI Document named `*.guichet-action`, linked to the article it fixes (`Document_Item` on
//! the `KnowbaseItem`). GLPI refuses to store a file whose extension is not an uploadable
//! Document type; `scripts/glpi/guichet-actions.sh` adds that type. The files of the articles
//! that changed are downloaded within [`MAX_ACTION_FILE_BYTES`] and handed to the engine as they
//! are: whether one may run is decided at each use against the policy's signers.

use std::collections::BTreeMap;

use guichet_actions::published::MAX_ACTION_FILE_BYTES;
use guichet_records::Article;
use guichet_sync::{ConnectorError, KbChanges};

use super::{utc, GlpiConnector, NAME};
use crate::error::GlpiError;
use crate::model::{DocumentFile, KbDocument};

/// The cursor: what was seen last, `id → version` (see [`crate::KbSnapshot::version_of`]).
/// Cursors written before action files counted hold bare dates, which are the versions of
/// articles without any.
fn read_cursor(cursor: Option<&str>) -> BTreeMap<i64, String> {
    cursor
        .and_then(|c| serde_json::from_str::<BTreeMap<String, String>>(c).ok())
        .map(|m| {
            m.into_iter()
                .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
                .collect()
        })
        .unwrap_or_default()
}

impl GlpiConnector {
    /// Knowledge-base changes since `cursor`, with the action files of the upserted articles.
    pub(super) async fn kb_changes(
        &self,
        cursor: Option<&str>,
    ) -> Result<KbChanges, ConnectorError> {
        let known = read_cursor(cursor);
        let snap = match self.rest.kb_snapshot().await {
            Ok(snap) => snap,
            // A profile without the right to read the knowledge base (nor its FAQ): the pull is
            // skipped with a notice, the rest of the pass goes on.
            Err(e) if e.is_forbidden() => {
                return Err(ConnectorError::NotSetUp(format!(
                    "this GLPI account may not read the knowledge base ({}); give its profile \
                     the right to read the FAQ or the knowledge base",
                    self.classify(e)
                )))
            }
            Err(e) => return Err(self.classify(e)),
        };
        let changes = snap.changes_since(&known);
        let mut action_files = BTreeMap::new();
        let mut upserts = Vec::with_capacity(changes.upserted.len());
        for a in &changes.upserted {
            let docs = snap.actions.get(&a.id).map(Vec::as_slice).unwrap_or(&[]);
            let files = self.action_files(a.id, docs).await?;
            if !files.is_empty() {
                action_files.insert(a.id.to_string(), files);
            }
            upserts.push(Article {
                connector: NAME.into(),
                remote_id: a.id.to_string(),
                title: a.title.clone(),
                summary: None,
                body_html: a.content_html.clone(),
                category: snap.category_of(a),
                tags: snap.tags_of(a),
                language: None,
                updated_at: utc(a.date_mod),
                remote_version: snap.version_of(a),
                images: Vec::new(),
            });
        }
        let map: BTreeMap<String, String> = snap
            .articles
            .values()
            .map(|a| (a.id.to_string(), snap.version_of(a)))
            .collect();
        Ok(KbChanges {
            upserts,
            deletions: changes.deleted.iter().map(i64::to_string).collect(),
            cursor: Some(serde_json::to_string(&map).unwrap_or_default()),
            action_files,
        })
    }

    /// The bytes of article `article`'s action files. One over [`MAX_ACTION_FILE_BYTES`], gone
    /// or not readable by this account is left out with a warning (it cannot become readable
    /// without changing the article's version); any other failure fails the pull, which the
    /// next pass retries, rather than forgetting the actions the article carries.
    async fn action_files(
        &self,
        article: i64,
        docs: &[KbDocument],
    ) -> Result<Vec<Vec<u8>>, ConnectorError> {
        let mut out = Vec::with_capacity(docs.len());
        for d in docs {
            match self
                .rest
                .download_kb_document(d.id, MAX_ACTION_FILE_BYTES)
                .await
            {
                Ok(DocumentFile::Bytes(bytes)) => out.push(bytes),
                Ok(DocumentFile::TooLarge(n)) => {
                    tracing::warn!(article, document = d.id, file = %d.filename, size = n, "action file over the limit left out");
                }
                Err(e) if e.is_forbidden() || matches!(e, GlpiError::Api { status: 404, .. }) => {
                    tracing::warn!(article, document = d.id, file = %d.filename, error = %e, "action file this account may not download left out");
                }
                Err(e) => return Err(self.classify(e)),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_of_bare_dates_still_reads_and_a_bad_one_reads_as_nothing_known() {
        let old = r#"{"3":"2026-12-06 21:12:09","x":"1"}"#;
        assert_eq!(
            read_cursor(Some(old)),
            BTreeMap::from([(3, "2026-12-06 21:12:09".to_owned())])
        );
        assert!(read_cursor(Some("not json")).is_empty());
        assert!(read_cursor(None).is_empty());
    }
}
