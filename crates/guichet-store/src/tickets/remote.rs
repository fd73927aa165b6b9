//! What the server says about our tickets: status, title, the technicians' replies and files.

use super::*;

impl Store {
    /// Local ids and remote ids of the tickets a connector holds, for pulls.
    pub async fn remote_tickets(&self, connector: &str) -> Result<Vec<(Uuid, String)>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, remote_id FROM tickets WHERE connector = ? AND remote_id IS NOT NULL ORDER BY remote_id",
        )
        .bind(connector)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, remote)| Ok((uuid(&id, "ticket")?, remote)))
            .collect()
    }

    /// Applies what the server says about our tickets and moves the `tickets` pull cursor, in
    /// one transaction: the cursor never runs ahead of what is stored. The server wins on its
    /// fields (status, title); replies it reports are added unless known (by server id, or by
    /// the client UUID of one of our own replies coming back). Local replies not yet sent are
    /// untouched and will still be pushed.
    pub async fn apply_ticket_changes(
        &self,
        connector: &str,
        updates: &[RemoteTicketUpdate],
        cursor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<AppliedChanges, StoreError> {
        self.apply_ticket_changes_with_files(connector, updates, &[], cursor, now)
            .await
    }

    /// [`Store::apply_ticket_changes`] plus the files of the server's replies: downloaded
    /// ones are stored as blobs (before the transaction; blobs are content-addressed), then
    /// their rows are written in the same transaction as the replies and the cursor. Files
    /// are attached only to the other side's replies (ours already have theirs) and only once
    /// per server file id; a file without bytes is recorded by name and size only.
    pub async fn apply_ticket_changes_with_files(
        &self,
        connector: &str,
        updates: &[RemoteTicketUpdate],
        files: &[RemoteReplyFiles],
        cursor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<AppliedChanges, StoreError> {
        let mut blobs = Vec::new();
        for f in files.iter().flat_map(|r| &r.files) {
            blobs.push(match &f.bytes {
                Some(b) => Some(self.put_blob(b)?),
                None => None,
            });
        }
        let mut tx = self.begin_write().await?;
        let mut out = apply_ticket_changes_in(&mut tx, connector, updates).await?;
        out.files_added = apply_reply_files_in(&mut tx, connector, files, &blobs).await?;
        if let Some(c) = cursor {
            crate::outbox::set_cursor(&mut tx, connector, "tickets", c, now).await?;
        }
        tx.commit().await?;
        Ok(out)
    }
}

/// Writes the rows of the server's reply files inside the caller's transaction; `blobs` are
/// the stored blobs of the files, in order (`None` for a file not downloaded). Returns how
/// many rows were added.
pub(crate) async fn apply_reply_files_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    connector: &str,
    files: &[RemoteReplyFiles],
    blobs: &[Option<BlobId>],
) -> Result<usize, StoreError> {
    let mut added = 0;
    let mut blob = blobs.iter();
    for r in files {
        let reply: Option<(String, String)> = sqlx::query_as(
            "SELECT r.id, r.ticket_id FROM ticket_replies r JOIN tickets t ON t.id = r.ticket_id
             WHERE t.connector = ? AND t.remote_id = ? AND r.remote_id = ? AND r.side = 'remote'",
        )
        .bind(connector)
        .bind(&r.ticket_remote_id)
        .bind(&r.reply_remote_id)
        .fetch_optional(&mut **tx)
        .await?;
        for f in &r.files {
            let b = blob.next().cloned().flatten();
            let Some((reply_id, ticket_id)) = &reply else {
                continue;
            };
            let done = sqlx::query(
                "INSERT OR IGNORE INTO ticket_attachments
                     (ticket_id, reply_id, blob_id, file_name, content_type, size, remote_id)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(ticket_id)
            .bind(reply_id)
            .bind(b.as_ref().map(BlobId::as_str).unwrap_or(""))
            .bind(&f.file_name)
            .bind(&f.content_type)
            .bind(f.size as i64)
            .bind(&f.remote_id)
            .execute(&mut **tx)
            .await?;
            added += done.rows_affected() as usize;
        }
    }
    Ok(added)
}

/// The body of [`Store::apply_ticket_changes`] inside the caller's transaction (return bundles
/// apply ticket changes together with the rest of the bundle).
pub(crate) async fn apply_ticket_changes_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    connector: &str,
    updates: &[RemoteTicketUpdate],
) -> Result<AppliedChanges, StoreError> {
    let mut out = AppliedChanges::default();
    for u in updates {
        let local: Option<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT id, title, remote_status FROM tickets WHERE connector = ? AND remote_id = ?",
        )
        .bind(connector)
        .bind(&u.remote_id)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((id, title, status)) = local else {
            tracing::debug!(remote_id = %u.remote_id, "update for a ticket we do not hold");
            continue;
        };
        let ticket = uuid(&id, "ticket")?;
        let new_title = u.title.clone().unwrap_or(title.clone());
        let new_status = u.status.clone().or(status.clone());
        if new_title != title || new_status != status {
            out.tickets_updated += 1;
        }
        sqlx::query(
            "UPDATE tickets SET title = ?, remote_status = ?,
                        remote_updated_at = COALESCE(?, remote_updated_at) WHERE id = ?",
        )
        .bind(&new_title)
        .bind(&new_status)
        .bind(u.updated_at.map(|d| d.to_rfc3339()))
        .bind(&id)
        .execute(&mut **tx)
        .await?;
        for r in &u.replies {
            let known: Option<(String,)> = sqlx::query_as(
                "SELECT id FROM ticket_replies WHERE ticket_id = ? AND remote_id = ?",
            )
            .bind(&id)
            .bind(&r.remote_id)
            .fetch_optional(&mut **tx)
            .await?;
            if known.is_some() {
                continue;
            }
            if let Some(client) = r.client_uuid {
                // One of our replies: the push landed but its answer was lost. Record the
                // server id; the outbox entry's retry will find it on the server too.
                let ours = sqlx::query(
                        "UPDATE ticket_replies SET remote_id = ? WHERE id = ? AND ticket_id = ? AND side = 'local'",
                    )
                    .bind(&r.remote_id)
                    .bind(client.to_string())
                    .bind(&id)
                    .execute(&mut **tx)
                    .await?;
                if ours.rows_affected() > 0 {
                    continue;
                }
            }
            let rid = remote_reply_id(connector, ticket, &r.remote_id);
            let added = sqlx::query(
                "INSERT OR IGNORE INTO ticket_replies
                        (id, ticket_id, side, author, body, remote_id, local_state, created_at)
                     VALUES (?, ?, 'remote', ?, ?, ?, 'sent', ?)",
            )
            .bind(rid.to_string())
            .bind(&id)
            .bind(&r.author)
            .bind(&r.body)
            .bind(&r.remote_id)
            .bind(r.created_at.to_rfc3339())
            .execute(&mut **tx)
            .await?;
            out.replies_added += added.rows_affected() as usize;
        }
    }
    Ok(out)
}
