//! Reading tickets back: one, all, and what the user typed resolved to an id.

use super::*;

impl Store {
    /// One ticket with its attachments and replies.
    pub async fn ticket(&self, id: Uuid) -> Result<Ticket, StoreError> {
        let row: Option<TicketRow> = sqlx::query_as(&format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let mut t =
            ticket_from_row(row.ok_or_else(|| StoreError::NotFound(format!("ticket {id}")))?)?;
        self.fill(std::slice::from_mut(&mut t), Some(id)).await?;
        Ok(t)
    }

    /// Every ticket, newest first, with attachments and replies.
    pub async fn tickets(&self) -> Result<Vec<Ticket>, StoreError> {
        let rows: Vec<TicketRow> = sqlx::query_as(&format!(
            "SELECT {TICKET_COLUMNS} FROM tickets ORDER BY created_at DESC, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut list = rows
            .into_iter()
            .map(ticket_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        self.fill(&mut list, None).await?;
        Ok(list)
    }

    /// Loads attachments and replies into `tickets` (all of them, or only `only`'s).
    async fn fill(&self, tickets: &mut [Ticket], only: Option<Uuid>) -> Result<(), StoreError> {
        // `?1 IS NULL` selects everything when no single ticket is asked for.
        let only_s = only.map(|u| u.to_string());
        let replies: Vec<ReplyRow> = sqlx::query_as(&format!(
            "SELECT {REPLY_COLUMNS} FROM ticket_replies WHERE (?1 IS NULL OR ticket_id = ?1)
             ORDER BY created_at, rowid"
        ))
        .bind(&only_s)
        .fetch_all(&self.pool)
        .await?;
        let atts: Vec<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT ticket_id, blob_id, file_name, content_type, size FROM ticket_attachments
             WHERE reply_id IS NULL AND (?1 IS NULL OR ticket_id = ?1) ORDER BY id",
        )
        .bind(&only_s)
        .fetch_all(&self.pool)
        .await?;
        let reply_atts: Vec<ReplyAttachmentRow> = sqlx::query_as(
            "SELECT reply_id, blob_id, file_name, content_type, size, remote_id FROM ticket_attachments
             WHERE reply_id IS NOT NULL AND (?1 IS NULL OR ticket_id = ?1) ORDER BY id",
        )
        .bind(&only_s)
        .fetch_all(&self.pool)
        .await?;
        let mut files: std::collections::HashMap<Uuid, Vec<ReplyAttachment>> =
            std::collections::HashMap::new();
        for r in &reply_atts {
            let (reply, a) = reply_attachment_from_row(r)?;
            files.entry(reply).or_default().push(a);
        }
        let index: std::collections::HashMap<Uuid, usize> =
            tickets.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
        for r in replies {
            let mut r = reply_from_row(r)?;
            r.attachments = files.remove(&r.id).unwrap_or_default();
            if let Some(&i) = index.get(&r.ticket_id) {
                tickets[i].replies.push(r);
            }
        }
        for (tid, blob, file_name, content_type, size) in atts {
            let tid = uuid(&tid, "attachment")?;
            if let Some(&i) = index.get(&tid) {
                tickets[i].attachments.push(Attachment {
                    blob_id: BlobId::parse(&blob)?,
                    file_name,
                    content_type,
                    size: size.max(0) as u64,
                });
            }
        }
        Ok(())
    }

    /// Resolves what the user typed to a ticket id: a full local UUID, the server's id, or a
    /// unique prefix (4 characters or more) of a local UUID — in that order, so that a remote
    /// id made of digits never collides with a UUID prefix.
    pub async fn resolve_ticket(&self, reference: &str) -> Result<Uuid, StoreError> {
        let r = reference.trim();
        if let Ok(u) = Uuid::parse_str(r) {
            let found: Option<(String,)> = sqlx::query_as("SELECT id FROM tickets WHERE id = ?")
                .bind(u.to_string())
                .fetch_optional(&self.pool)
                .await?;
            if found.is_some() {
                return Ok(u);
            }
        }
        let by_remote: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM tickets WHERE remote_id = ? LIMIT 10")
                .bind(r)
                .fetch_all(&self.pool)
                .await?;
        match by_remote.len() {
            0 => {}
            1 => return uuid(&by_remote[0].0, "ticket"),
            n => return Err(StoreError::Ambiguous(format!("ticket {r}"), n)),
        }
        let prefix = r.to_ascii_lowercase();
        if prefix.len() < 4 || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(StoreError::NotFound(format!(
                "ticket {r} (give a local id, a unique prefix of 4+ characters, or the server's id)"
            )));
        }
        // Only hex digits and dashes get here, so no LIKE wildcard can slip in.
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM tickets WHERE id LIKE ? || '%' LIMIT 10")
                .bind(&prefix)
                .fetch_all(&self.pool)
                .await?;
        match rows.len() {
            0 => Err(StoreError::NotFound(format!("ticket {r}"))),
            1 => uuid(&rows[0].0, "ticket"),
            n => Err(StoreError::Ambiguous(format!("ticket {r}"), n)),
        }
    }

    /// The site a ticket came from, when this store received it in a bundle (a hub relaying a
    /// remote site's ticket): the sending store's device id.
    pub async fn ticket_relayed_from(&self, id: Uuid) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT source_deviceid FROM bundle_tickets WHERE ticket_id = ?")
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}
