//! Applying a return bundle: server ids, statuses, the technicians' replies and files, confirmed
//! entries and site changes, and the knowledge base.
//!
//! The hub is enrolled and the bundle newer than the last one applied from it (checked
//! before), and still it speaks only of what this site sent: entries it carried out in a
//! bundle are confirmed, and only the tickets those entries belong to learn a server id,
//! a status or replies.

use std::collections::HashSet;

use super::*;

/// Per connector: the technicians' files, and their blobs in the same order.
type Files = (Vec<RemoteReplyFiles>, Vec<Option<BlobId>>);

pub(super) async fn apply_return(
    tx: &mut Transaction<'_, Sqlite>,
    p: &ReturnPayload,
    bundle: &VerifiedBundle,
    articles: Vec<(crate::articles::Prepared, Uuid)>,
    report: &mut BundleImport,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let sent = sent_entries(tx).await?;
    let confirmed: HashSet<Uuid> = p
        .confirmed_entries
        .iter()
        .copied()
        .filter(|e| sent.entries.contains(e))
        .collect();
    let mut by_connector: HashMap<&str, Vec<RemoteTicketUpdate>> = HashMap::new();
    let mut files_by_connector: HashMap<&str, Files> = HashMap::new();
    for t in p.tickets.iter().filter(|t| sent.tickets.contains(&t.id)) {
        learn_server_ids(tx, t, &confirmed, report, now).await?;
        let (files, blobs) = files_by_connector.entry(t.connector.as_str()).or_default();
        for r in t.replies.iter().filter(|r| !r.attachments.is_empty()) {
            blobs.extend(r.attachments.iter().map(|f| f.blob.clone()));
            files.push(reply_files(t, r));
        }
        by_connector
            .entry(t.connector.as_str())
            .or_default()
            .push(ticket_update(t));
    }
    for entry in &confirmed {
        let gone = sqlx::query("DELETE FROM outbox WHERE uuid = ?")
            .bind(entry.to_string())
            .execute(&mut **tx)
            .await?;
        report.entries_confirmed += gone.rows_affected();
    }
    let mut connectors: Vec<_> = by_connector.into_iter().collect();
    connectors.sort_by(|a, b| a.0.cmp(b.0));
    for (connector, updates) in connectors {
        let applied = apply_ticket_changes_in(tx, connector, &updates).await?;
        report.tickets_updated += applied.tickets_updated as u64;
        report.replies_added += applied.replies_added as u64;
        let (files, blobs) = files_by_connector.remove(connector).unwrap_or_default();
        apply_reply_files_in(tx, connector, &files, &blobs).await?;
    }
    for c in &p.confirmed_site_changes {
        let done = sqlx::query(
            "INSERT OR IGNORE INTO site_changes_confirmed (change_uuid, bundle_uuid, confirmed_at)
             VALUES (?, ?, ?)",
        )
        .bind(c.to_string())
        .bind(bundle.manifest.bundle_uuid.to_string())
        .bind(now.to_rfc3339())
        .execute(&mut **tx)
        .await?;
        report.site_changes += done.rows_affected();
    }
    if let Some(kb) = &p.kb {
        apply_kb(tx, kb, articles, report).await?;
        apply_action_files(tx, kb, bundle, now).await?;
    }
    Ok(())
}

/// What this site carried out in its bundles: the entries, and the tickets they belong to.
struct Sent {
    entries: HashSet<Uuid>,
    tickets: HashSet<Uuid>,
}

async fn sent_entries(tx: &mut Transaction<'_, Sqlite>) -> Result<Sent, StoreError> {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT entry_uuid, ticket_id FROM bundle_sent_entries")
            .fetch_all(&mut **tx)
            .await?;
    let mut sent = Sent {
        entries: HashSet::new(),
        tickets: HashSet::new(),
    };
    for (entry, ticket) in rows {
        sent.entries.insert(parse_uuid(&entry)?);
        if let Some(t) = ticket {
            sent.tickets.insert(parse_uuid(&t)?);
        }
    }
    Ok(sent)
}

/// The server id of a ticket whose creation this site sent (once: the site learns it here
/// exactly as a push would) and of the site's own replies the server now holds.
async fn learn_server_ids(
    tx: &mut Transaction<'_, Sqlite>,
    t: &ReturnedTicket,
    confirmed: &HashSet<Uuid>,
    report: &mut BundleImport,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = t.id.to_string();
    let learnt = sqlx::query(
        "UPDATE tickets SET connector = ?, remote_id = ?, local_state = 'sent', failure = NULL,
                updated_at = ? WHERE id = ? AND remote_id IS NULL
                AND EXISTS (SELECT 1 FROM bundle_sent_entries
                            WHERE kind = 'create_ticket' AND ticket_id = ?)",
    )
    .bind(&t.connector)
    .bind(&t.remote_id)
    .bind(now.to_rfc3339())
    .bind(&id)
    .bind(&id)
    .execute(&mut **tx)
    .await?;
    report.tickets_updated += learnt.rows_affected();
    for r in t.replies.iter().filter(|r| r.side == ReplySide::Local) {
        if confirmed.contains(&r.id) {
            sqlx::query(
                "UPDATE ticket_replies SET remote_id = ?, local_state = 'sent', failure = NULL
                 WHERE id = ? AND ticket_id = ? AND side = 'local'",
            )
            .bind(&r.remote_id)
            .bind(r.id.to_string())
            .bind(&id)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// The files of a returned reply, as a pull would report them.
fn reply_files(t: &ReturnedTicket, r: &ReturnedReply) -> RemoteReplyFiles {
    RemoteReplyFiles {
        ticket_remote_id: t.remote_id.clone(),
        reply_remote_id: r.remote_id.clone(),
        files: r
            .attachments
            .iter()
            .map(|f| RemoteFile {
                remote_id: f.remote_id.clone(),
                file_name: f.file_name.clone(),
                content_type: f.content_type.clone(),
                size: f.size,
                // The bytes are already stored (before the transaction).
                bytes: None,
            })
            .collect(),
    }
}

/// A returned ticket as a pull would report it.
fn ticket_update(t: &ReturnedTicket) -> RemoteTicketUpdate {
    RemoteTicketUpdate {
        remote_id: t.remote_id.clone(),
        title: Some(t.title.clone()),
        status: t.status.clone(),
        updated_at: t.remote_updated_at,
        replies: t
            .replies
            .iter()
            .map(|r| RemoteReply {
                remote_id: r.remote_id.clone(),
                author: r.author.clone(),
                body: r.body.clone(),
                created_at: r.created_at,
                client_uuid: (r.side == ReplySide::Local).then_some(r.id),
            })
            .collect(),
    }
}

/// The action files the connector's articles carry, complete like the articles: those from that
/// connector's articles missing from the bundle are removed. Kept as they came; verified at use.
async fn apply_action_files(
    tx: &mut Transaction<'_, Sqlite>,
    kb: &ReturnedKb,
    bundle: &VerifiedBundle,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let prefix = format!("{}:", kb.connector);
    sqlx::query("DELETE FROM published_actions WHERE substr(source, 1, length(?1)) = ?1")
        .bind(&prefix)
        .execute(&mut **tx)
        .await?;
    for f in &kb.action_files {
        let bytes = bundle
            .blob(&f.blob)
            .map_err(|e| StoreError::Corrupt {
                what: format!("action file {}", f.name),
                detail: e.to_string(),
            })?
            .ok_or_else(|| StoreError::Corrupt {
                what: format!("action file {}", f.name),
                detail: "missing from the verified bundle".into(),
            })?;
        sqlx::query(
            "INSERT INTO published_actions (name, file, source, received_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET file = excluded.file, source = excluded.source,
                 received_at = excluded.received_at",
        )
        .bind(&f.name)
        .bind(bytes)
        .bind(format!("{prefix}{}", f.article))
        .bind(now.to_rfc3339())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The connector's whole knowledge base: the prepared articles written, those missing from it
/// removed.
async fn apply_kb(
    tx: &mut Transaction<'_, Sqlite>,
    kb: &ReturnedKb,
    articles: Vec<(crate::articles::Prepared, Uuid)>,
    report: &mut BundleImport,
) -> Result<(), StoreError> {
    let present: HashSet<&str> = kb.articles.iter().map(|a| a.remote_id.as_str()).collect();
    for (prepared, id) in articles {
        crate::articles::write_article(tx, prepared, id).await?;
        report.articles_updated += 1;
    }
    let held: Vec<(String,)> = sqlx::query_as("SELECT remote_id FROM articles WHERE connector = ?")
        .bind(&kb.connector)
        .fetch_all(&mut **tx)
        .await?;
    for (remote_id,) in held {
        if !present.contains(remote_id.as_str()) {
            sqlx::query("DELETE FROM articles WHERE connector = ? AND remote_id = ?")
                .bind(&kb.connector)
                .bind(&remote_id)
                .execute(&mut **tx)
                .await?;
            report.articles_deleted += 1;
        }
    }
    Ok(())
}
