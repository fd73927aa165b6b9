//! The user's replies, with their files.

use super::*;

impl Store {
    /// Adds a local reply and its outbox entry in one transaction. `reply_id` is the reply's
    /// client UUID. Replying to a draft is refused: the server does not know the ticket yet.
    /// Same as [`Store::add_reply_with_attachments`] without files.
    pub async fn add_reply(
        &self,
        ticket: Uuid,
        reply_id: Uuid,
        author: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<Reply, StoreError> {
        self.add_reply_with_attachments(
            ticket,
            reply_id,
            author,
            body,
            &[],
            DEFAULT_ATTACHMENT_LIMIT,
            now,
        )
        .await
    }

    /// Adds a local reply with its files: the files as blobs, then the reply row, its
    /// attachment rows and its outbox entry in ONE transaction. Any file larger than
    /// `attachment_limit` bytes refuses the whole reply ([`StoreError::TooLarge`]) before
    /// anything is written; so does a draft ticket, an unknown ticket or an empty body.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_reply_with_attachments(
        &self,
        ticket: Uuid,
        reply_id: Uuid,
        author: &str,
        body: &str,
        attachments: &[NewAttachment],
        attachment_limit: u64,
        now: DateTime<Utc>,
    ) -> Result<Reply, StoreError> {
        if body.trim().is_empty() {
            return Err(StoreError::Invalid("a reply needs a body".into()));
        }
        check_sizes(attachments, attachment_limit)?;
        let state: Option<(String,)> =
            sqlx::query_as("SELECT local_state FROM tickets WHERE id = ?")
                .bind(ticket.to_string())
                .fetch_optional(&self.pool)
                .await?;
        check_repliable(ticket, state.as_ref().map(|s| s.0.as_str()))?;
        // Blobs first: they are content-addressed, so the rows never point at nothing. If the
        // transaction then fails (a full disk), the files this reply created go again.
        let staged = self.stage_blobs(attachments.iter().map(|a| a.bytes.as_slice()))?;
        let reply = NewLocalReply {
            ticket,
            reply_id,
            author,
            body,
            attachments,
        };
        if let Err(e) = self.insert_reply(&reply, &staged.ids, now).await {
            self.unstage_blobs(staged).await;
            return Err(e);
        }
        self.reply(reply_id).await
    }

    /// The rows of [`Store::add_reply_with_attachments`], in one transaction.
    async fn insert_reply(
        &self,
        r: &NewLocalReply<'_>,
        blobs: &[BlobId],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let NewLocalReply {
            ticket,
            reply_id,
            author,
            body,
            attachments,
        } = *r;
        let mut tx = self.begin_write().await?;
        // Checked again inside the transaction: the ticket may have changed in between.
        let state: Option<(String,)> =
            sqlx::query_as("SELECT local_state FROM tickets WHERE id = ?")
                .bind(ticket.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        check_repliable(ticket, state.as_ref().map(|s| s.0.as_str()))?;
        sqlx::query(
            "INSERT INTO ticket_replies (id, ticket_id, side, author, body, local_state, created_at)
             VALUES (?, ?, 'local', ?, ?, 'queued', ?)",
        )
        .bind(reply_id.to_string())
        .bind(ticket.to_string())
        .bind(author)
        .bind(body)
        .bind(now.to_rfc3339())
        .execute(&mut *tx)
        .await?;
        for (a, blob) in attachments.iter().zip(blobs) {
            sqlx::query(
                "INSERT INTO ticket_attachments (ticket_id, reply_id, blob_id, file_name, content_type, size)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(ticket.to_string())
            .bind(reply_id.to_string())
            .bind(blob.as_str())
            .bind(a.file_name.trim())
            .bind(&a.content_type)
            .bind(a.bytes.len() as i64)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE tickets SET updated_at = ? WHERE id = ?")
            .bind(now.to_rfc3339())
            .bind(ticket.to_string())
            .execute(&mut *tx)
            .await?;
        crate::outbox::enqueue(
            &mut tx,
            crate::OutboxKind::AddReply,
            reply_id,
            Some(ticket),
            Some(reply_id),
            None,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One reply, with its files.
    pub async fn reply(&self, id: Uuid) -> Result<Reply, StoreError> {
        let row: Option<ReplyRow> = sqlx::query_as(&format!(
            "SELECT {REPLY_COLUMNS} FROM ticket_replies WHERE id = ?"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let mut reply =
            reply_from_row(row.ok_or_else(|| StoreError::NotFound(format!("reply {id}")))?)?;
        let rows: Vec<ReplyAttachmentRow> = sqlx::query_as(
            "SELECT reply_id, blob_id, file_name, content_type, size, remote_id FROM ticket_attachments
             WHERE reply_id = ? ORDER BY id",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            reply.attachments.push(reply_attachment_from_row(r)?.1);
        }
        Ok(reply)
    }
}

/// A local reply on its way into the store (the arguments of
/// [`Store::add_reply_with_attachments`], kept together for its transaction).
#[derive(Clone, Copy)]
struct NewLocalReply<'a> {
    ticket: Uuid,
    reply_id: Uuid,
    author: &'a str,
    body: &'a str,
    attachments: &'a [NewAttachment],
}
