//! Creating a ticket (queued or as a draft) and submitting a draft.

use super::*;

impl Store {
    /// Creates a ticket: its attachments as blobs, then the ticket row, its attachment rows and
    /// (unless it is a draft) its outbox entry in ONE transaction. Any attachment larger than
    /// `attachment_limit` bytes refuses the whole ticket before anything is written.
    pub async fn create_ticket(
        &self,
        new: &NewTicket,
        attachment_limit: u64,
        now: DateTime<Utc>,
    ) -> Result<Ticket, StoreError> {
        check_new_ticket(new, attachment_limit)?;
        // Blobs first: they are content-addressed, so the rows never point at nothing. If the
        // transaction then fails (a full disk), the files this ticket created go again.
        let staged = self.stage_blobs(new.attachments.iter().map(|a| a.bytes.as_slice()))?;
        if let Err(e) = self.insert_ticket(new, &staged.ids, now).await {
            self.unstage_blobs(staged).await;
            return Err(e);
        }
        self.ticket(new.id).await
    }

    /// The rows of [`Store::create_ticket`], in one transaction.
    async fn insert_ticket(
        &self,
        new: &NewTicket,
        blobs: &[BlobId],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let state = if new.draft {
            TicketState::Draft
        } else {
            TicketState::Queued
        };
        let id = new.id.to_string();
        let f = &new.fields;
        let now_s = now.to_rfc3339();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO tickets (id, title, description, description_format, category, urgency,
                                  requester, snapshot_uuid, local_state, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(f.title.trim())
        .bind(&f.description)
        .bind(f.description_format.as_str())
        .bind(&f.category)
        .bind(f.urgency as i64)
        .bind(&f.requester)
        .bind(new.snapshot_uuid.map(|u| u.to_string()))
        .bind(state.as_str())
        .bind(&now_s)
        .bind(&now_s)
        .execute(&mut *tx)
        .await?;
        for (a, blob) in new.attachments.iter().zip(blobs) {
            sqlx::query(
                "INSERT INTO ticket_attachments (ticket_id, blob_id, file_name, content_type, size)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&id)
            .bind(blob.as_str())
            .bind(&a.file_name)
            .bind(&a.content_type)
            .bind(a.bytes.len() as i64)
            .execute(&mut *tx)
            .await?;
        }
        if !new.draft {
            crate::outbox::enqueue(
                &mut tx,
                crate::OutboxKind::CreateTicket,
                new.id,
                Some(new.id),
                None,
                None,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Queues a draft: its state and its outbox entry change in one transaction.
    pub async fn submit_draft(&self, id: Uuid, now: DateTime<Utc>) -> Result<Ticket, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE tickets SET local_state = 'queued', updated_at = ? WHERE id = ? AND local_state = 'draft'",
        )
        .bind(now.to_rfc3339())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Invalid(format!("ticket {id} is not a draft")));
        }
        crate::outbox::enqueue(
            &mut tx,
            crate::OutboxKind::CreateTicket,
            id,
            Some(id),
            None,
            None,
            now,
        )
        .await?;
        tx.commit().await?;
        self.ticket(id).await
    }
}

/// Refuses a ticket without a title, with an urgency out of 1–5 or a file over `limit`.
fn check_new_ticket(new: &NewTicket, attachment_limit: u64) -> Result<(), StoreError> {
    if new.fields.title.trim().is_empty() {
        return Err(StoreError::Invalid("a ticket needs a title".into()));
    }
    if !(1..=5).contains(&new.fields.urgency) {
        return Err(StoreError::Invalid(format!(
            "urgency must be 1 to 5, not {}",
            new.fields.urgency
        )));
    }
    for a in &new.attachments {
        if a.bytes.len() as u64 > attachment_limit {
            return Err(StoreError::TooLarge {
                what: a.file_name.clone(),
                size: a.bytes.len() as u64,
                limit: attachment_limit,
            });
        }
    }
    Ok(())
}
