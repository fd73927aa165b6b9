//! Small key/value settings and the GLPI device id.

use chrono::{DateTime, Utc};

use crate::{Store, StoreError};

/// Settings key of the GLPI-style device id.
const DEVICE_ID_KEY: &str = "inventory.deviceid";

impl Store {
    /// The value of a setting, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.0))
    }

    /// Sets a setting (insert or replace).
    pub async fn set_setting(
        &self,
        key: &str,
        value: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value)
        .bind(now.to_rfc3339())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Sets several settings in one transaction: all of them or none (a connector's settings
    /// must not be half replaced).
    pub async fn set_settings(
        &self,
        entries: &[(&str, &str)],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for (key, value) in entries {
            sqlx::query(
                "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            )
            .bind(key)
            .bind(value)
            .bind(now.to_rfc3339())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes a setting (nothing happens when it is not set).
    pub async fn remove_setting(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM settings WHERE key = ?")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The store's stable device id, created on first use as GLPI Agent does,
    /// `<hostname>-YYYY-MM-DD-HH-MM-SS` from the creation time, followed by `-` and `nonce` (8
    /// hex digits; the caller passes a random one): two stores created on one host in the same
    /// second get different ids (bundles between them would otherwise be refused as "own", and
    /// the server would take them for one machine). Later calls return the stored value
    /// whatever `hostname`, `now` and `nonce` are, so the server keeps recognising this store;
    /// a store created before the nonce keeps its id.
    pub async fn device_id(
        &self,
        hostname: &str,
        now: DateTime<Utc>,
        nonce: u32,
    ) -> Result<String, StoreError> {
        let candidate = format!(
            "{}-{}-{nonce:08x}",
            sanitize_hostname(hostname),
            now.format("%Y-%m-%d-%H-%M-%S")
        );
        // INSERT OR IGNORE then SELECT, in one transaction: two processes asking at once agree.
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT OR IGNORE INTO settings (key, value, updated_at) VALUES (?, ?, ?)")
            .bind(DEVICE_ID_KEY)
            .bind(&candidate)
            .bind(now.to_rfc3339())
            .execute(&mut *tx)
            .await?;
        let (id,): (String,) = sqlx::query_as("SELECT value FROM settings WHERE key = ?")
            .bind(DEVICE_ID_KEY)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// GLPI matches device ids textually; keep them to the characters a host name may hold.
fn sanitize_hostname(hostname: &str) -> String {
    let s: String = hostname
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() {
        "unknown".to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize_hostname;

    #[test]
    fn hostnames_with_spaces_or_unicode_make_valid_device_ids() {
        assert_eq!(sanitize_hostname("pc de Zoé"), "pc-de-Zo-");
        assert_eq!(sanitize_hostname("  "), "unknown");
        assert_eq!(
            sanitize_hostname("srv-01.example.org"),
            "srv-01.example.org"
        );
    }
}
