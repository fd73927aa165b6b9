//! The pulls: ticket changes for the tickets the server holds, then the knowledge base. A pull
//! failure is reported and the pass carries on, unless the server is offline or refuses the
//! credentials. Cursors move only in (or after) the local commit of what they cover.

use chrono::{DateTime, Utc};
use rand::{Rng, RngCore};

use super::{Engine, PassReport, Stop};
use crate::{ConnectorError, SyncError};

impl Engine<'_> {
    /// Records a pull failure: offline, auth and a server past a limit stop the pass, what the server was not set up
    /// for is a notice (the pull is skipped, the pass is not failed), the rest is reported.
    fn pull_failed(report: &mut PassReport, what: &str, err: ConnectorError) {
        let msg = format!("{what}: {err}");
        match err {
            ConnectorError::Offline(_) => report.stopped = Some(Stop::Offline(msg)),
            ConnectorError::Auth(_) => report.stopped = Some(Stop::Auth(msg)),
            ConnectorError::OverLimit(_) => report.stopped = Some(Stop::OverLimit(msg)),
            ConnectorError::NotSetUp(_) => report.notices.push(format!("{what} skipped: {err}")),
            _ => report.errors.push(msg),
        }
    }

    /// Pulls the changes to the tickets the server holds and applies them with their files.
    pub(super) async fn pull_tickets(
        &self,
        now: DateTime<Utc>,
        report: &mut PassReport,
    ) -> Result<(), SyncError> {
        let name = self.connector.name();
        let watched: Vec<String> = self
            .store
            .remote_tickets(name)
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        let cursor = self.store.sync_cursor(name, "tickets").await?;
        match self
            .connector
            .pull_ticket_changes(cursor.as_deref(), &watched)
            .await
        {
            Ok(changes) => {
                let applied = self
                    .store
                    .apply_ticket_changes_with_files(
                        name,
                        &changes.updates,
                        &changes.files,
                        changes.cursor.as_deref(),
                        now,
                    )
                    .await?;
                report.tickets_updated += applied.tickets_updated;
                report.replies_pulled += applied.replies_added;
                report.files_pulled += applied.files_added;
            }
            Err(e) => Self::pull_failed(report, "pulling tickets", e),
        }
        Ok(())
    }

    /// Pulls the knowledge base into the sink, if there is one; articles whose version is
    /// already known are skipped.
    pub(super) async fn pull_kb(
        &self,
        now: DateTime<Utc>,
        rng: &mut (dyn RngCore + Send),
        report: &mut PassReport,
    ) -> Result<(), SyncError> {
        let Some(kb) = self.kb else {
            return Ok(());
        };
        let name = self.connector.name();
        let cursor = self.store.sync_cursor(name, "kb").await?;
        let mut changes = match self.connector.pull_kb(cursor.as_deref()).await {
            Ok(c) => c,
            Err(e) => {
                Self::pull_failed(report, "pulling the knowledge base", e);
                return Ok(());
            }
        };
        let mut versions = kb.versions(name).await?;
        for a in changes.upserts {
            if versions.get(&a.remote_id) == Some(&a.remote_version) {
                continue;
            }
            versions.insert(a.remote_id.clone(), a.remote_version.clone());
            let new_id = uuid::Builder::from_random_bytes(rng.random()).into_uuid();
            let files = changes
                .action_files
                .remove(&a.remote_id)
                .unwrap_or_default();
            let id = a.remote_id.clone();
            kb.upsert(a, new_id).await?;
            kb.replace_action_files(name, &id, files, now).await?;
            report.articles_updated += 1;
        }
        for id in changes.deletions {
            if versions.remove(&id).is_some() {
                kb.delete(name, &id).await?;
                kb.replace_action_files(name, &id, Vec::new(), now).await?;
                report.articles_deleted += 1;
            }
        }
        // After the articles: a crash in between pulls them again, and versions skip them.
        if let Some(c) = changes.cursor {
            self.store.set_sync_cursor(name, "kb", &c, now).await?;
        }
        Ok(())
    }
}
