//! What was last pushed of each machine's inventory, per connector.

use super::*;

impl Store {
    /// The latest inventory push of a machine a connector completed, if any.
    pub async fn last_inventory_push(
        &self,
        connector: &str,
        deviceid: &str,
    ) -> Result<Option<InventoryPush>, StoreError> {
        let stream = format!("{INVENTORY_PUSH_STREAM}{deviceid}");
        match self.sync_cursor(connector, &stream).await? {
            None => Ok(None),
            Some(json) => parse_push(connector, &json).map(Some),
        }
    }

    /// The latest inventory push of every machine a connector got, newest first.
    pub async fn inventory_pushes(
        &self,
        connector: &str,
    ) -> Result<Vec<InventoryPush>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT cursor FROM sync_cursors WHERE connector = ? AND substr(stream, 1, ?) = ?",
        )
        .bind(connector)
        .bind(INVENTORY_PUSH_STREAM.len() as i64)
        .bind(INVENTORY_PUSH_STREAM)
        .fetch_all(&self.pool)
        .await?;
        let mut pushes = rows
            .iter()
            .map(|r| parse_push(connector, &r.0))
            .collect::<Result<Vec<_>, _>>()?;
        pushes.sort_by_key(|p| std::cmp::Reverse(p.contacted_at));
        Ok(pushes)
    }

    /// Forgets what was last sent to a connector, so that the next inventory pushes are full
    /// ones (and are sent even for the same snapshot).
    pub async fn forget_inventory_push(&self, connector: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sync_cursors WHERE connector = ? AND substr(stream, 1, ?) = ?")
            .bind(connector)
            .bind(INVENTORY_PUSH_STREAM.len() as i64)
            .bind(INVENTORY_PUSH_STREAM)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
