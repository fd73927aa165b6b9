//! The queue: entries in send order, retries with backoff, parked entries and their requeue.

use super::*;

impl Store {
    /// Every outbox entry, in send order.
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows: Vec<EntryRow> = sqlx::query_as(
            "SELECT seq, uuid, kind, ticket_id, reply_id, snapshot_uuid, attempts, next_attempt_at,
                    state, last_error, created_at, sending_since FROM outbox ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(entry_from_row).collect()
    }

    /// Queues an inventory snapshot for sending; `entry` is the push's client UUID.
    ///
    /// Only the newest inventory of a machine is worth sending, so the outbox holds at most one
    /// inventory entry per machine (device id): an older one still waiting (pending or parked)
    /// is replaced in the same transaction. The replacement keeps a pending entry's backoff (attempts and next attempt
    /// time), so that a server that asked us to wait is not hammered because a new snapshot was
    /// taken. Queuing the snapshot that is already waiting changes nothing and returns the
    /// waiting entry's `seq`.
    pub async fn queue_inventory_push(
        &self,
        entry: Uuid,
        snapshot: Uuid,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        // Only this machine's entries: inventories relayed from other machines' bundles stay.
        let waiting: Vec<(i64, Option<String>, i64, String, String)> = sqlx::query_as(
            "SELECT o.seq, o.snapshot_uuid, o.attempts, o.next_attempt_at, o.state
             FROM outbox o JOIN snapshots s ON s.uuid = o.snapshot_uuid
             WHERE o.kind = 'push_inventory'
               AND s.deviceid = (SELECT deviceid FROM snapshots WHERE uuid = ?)
             ORDER BY o.seq",
        )
        .bind(snapshot.to_string())
        .fetch_all(&mut *tx)
        .await?;
        let same = snapshot.to_string();
        if let Some(w) = waiting
            .iter()
            .find(|w| w.1.as_deref() == Some(same.as_str()) && w.4 == "pending")
        {
            let seq = w.0;
            tx.commit().await?;
            return Ok(seq);
        }
        // The backoff of the most recent pending entry carries over to its replacement.
        let mut backoff: Option<(i64, DateTime<Utc>)> = None;
        for w in &waiting {
            if w.4 == "pending" {
                let at = ts(&w.3, &format!("outbox entry {}", w.0))?;
                backoff = Some((w.2, at.max(now)));
            }
            sqlx::query("DELETE FROM outbox WHERE seq = ?")
                .bind(w.0)
                .execute(&mut *tx)
                .await?;
        }
        let seq = enqueue(
            &mut tx,
            OutboxKind::PushInventory,
            entry,
            None,
            None,
            Some(snapshot),
            now,
        )
        .await?;
        if let Some((attempts, at)) = backoff {
            sqlx::query("UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE seq = ?")
                .bind(attempts)
                .bind(at.to_rfc3339())
                .bind(seq)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(seq)
    }

    /// Records that a send of entry `seq` starts now, before the request leaves: if the sender
    /// dies before it records the answer, the entry keeps this mark and the next sender waits
    /// for the server to finish that request before looking it up ([`OutboxEntry::sending_since`]).
    /// The entry's end (sent, rescheduled, parked) clears it.
    pub async fn mark_outbox_sending(
        &self,
        seq: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET sending_since = ? WHERE seq = ?")
            .bind(now.to_rfc3339())
            .bind(seq)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Clears the mark of a send that ended without reaching the server (no connection,
    /// credentials refused), so the entry is not held back for nothing.
    pub async fn clear_outbox_sending(&self, seq: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET sending_since = NULL WHERE seq = ?")
            .bind(seq)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a failed attempt that will be retried at `next_attempt_at`.
    pub async fn reschedule_outbox(
        &self,
        seq: i64,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?,
                    sending_since = NULL WHERE seq = ?",
        )
        .bind(next_attempt_at.to_rfc3339())
        .bind(error)
        .bind(seq)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Parks an entry the server refused for good, and marks its ticket or reply `failed`
    /// with the server's message, in one transaction.
    pub async fn park_outbox(
        &self,
        seq: i64,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let row: Option<(String, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT kind, ticket_id, reply_id FROM outbox WHERE seq = ?")
                .bind(seq)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((kind, ticket, reply)) = row else {
            return Err(StoreError::NotFound(format!("outbox entry {seq}")));
        };
        sqlx::query(
            "UPDATE outbox SET state = 'parked', attempts = attempts + 1, last_error = ?,
                    sending_since = NULL WHERE seq = ?",
        )
        .bind(error)
        .bind(seq)
        .execute(&mut *tx)
        .await?;
        match OutboxKind::parse(&kind)? {
            OutboxKind::CreateTicket => {
                sqlx::query(
                    "UPDATE tickets SET local_state = 'failed', failure = ?, updated_at = ? WHERE id = ?",
                )
                .bind(error)
                .bind(now.to_rfc3339())
                .bind(ticket)
                .execute(&mut *tx)
                .await?;
            }
            OutboxKind::AddReply => {
                sqlx::query(
                    "UPDATE ticket_replies SET local_state = 'failed', failure = ? WHERE id = ?",
                )
                .bind(error)
                .bind(reply)
                .execute(&mut *tx)
                .await?;
            }
            OutboxKind::PushInventory => {}
        }
        tx.commit().await?;
        Ok(())
    }

    /// Puts every parked entry back in the queue (after the user fixed the cause), clearing
    /// the failures of their tickets and replies. Returns how many were requeued.
    pub async fn requeue_parked(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE tickets SET local_state = 'queued', failure = NULL, updated_at = ?
             WHERE id IN (SELECT ticket_id FROM outbox WHERE state = 'parked' AND kind = 'create_ticket')",
        )
        .bind(now.to_rfc3339())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE ticket_replies SET local_state = 'queued', failure = NULL
             WHERE id IN (SELECT reply_id FROM outbox WHERE state = 'parked' AND kind = 'add_reply')",
        )
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(
            "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE state = 'parked'",
        )
        .bind(now.to_rfc3339())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// Makes every entry waiting in backoff due now (`sync --retry`: the user fixed the cause
    /// or knows the server is back, and will not wait for the next attempt). Returns how many.
    pub async fn retry_waiting_now(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending' AND next_attempt_at > ?",
        )
        .bind(now.to_rfc3339())
        .bind(now.to_rfc3339())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
