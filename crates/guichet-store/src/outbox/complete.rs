//! Completing an entry: the server's id is recorded and the entry removed, in one transaction.

use super::*;

impl Store {
    /// Records that the server created the ticket of entry `seq` as `remote_id`, and removes
    /// the entry, in one transaction.
    pub async fn complete_ticket_push(
        &self,
        seq: i64,
        connector: &str,
        remote_id: &str,
        remote_status: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let (ticket,): (Option<String>,) =
            sqlx::query_as("SELECT ticket_id FROM outbox WHERE seq = ?")
                .bind(seq)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("outbox entry {seq}")))?;
        sqlx::query(
            "UPDATE tickets SET local_state = 'sent', failure = NULL, connector = ?, remote_id = ?,
                    remote_status = COALESCE(?, remote_status), updated_at = ? WHERE id = ?",
        )
        .bind(connector)
        .bind(remote_id)
        .bind(remote_status)
        .bind(now.to_rfc3339())
        .bind(ticket)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM outbox WHERE seq = ?")
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that the server holds the reply of entry `seq` as `remote_id`, and removes the
    /// entry, in one transaction.
    pub async fn complete_reply_push(&self, seq: i64, remote_id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let (reply,): (Option<String>,) =
            sqlx::query_as("SELECT reply_id FROM outbox WHERE seq = ?")
                .bind(seq)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("outbox entry {seq}")))?;
        sqlx::query(
            "UPDATE ticket_replies SET local_state = 'sent', failure = NULL, remote_id = ? WHERE id = ?",
        )
        .bind(remote_id)
        .bind(reply)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM outbox WHERE seq = ?")
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a completed inventory push, remembering the server's id of this machine under
    /// the `inventory` cursor of the connector and what was sent (see [`InventoryPush`]), in
    /// one transaction.
    pub async fn complete_inventory_push(
        &self,
        seq: i64,
        connector: &str,
        push: &InventoryPush,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(push)
            .map_err(|e| StoreError::Invalid(format!("inventory push record: {e}")))?;
        let mut tx = self.begin_write().await?;
        set_cursor(&mut tx, connector, "inventory", &push.remote_id, now).await?;
        let stream = format!("{INVENTORY_PUSH_STREAM}{}", push.deviceid);
        set_cursor(&mut tx, connector, &stream, &json, now).await?;
        sqlx::query("DELETE FROM outbox WHERE seq = ?")
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
