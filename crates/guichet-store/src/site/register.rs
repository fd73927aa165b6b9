//! Reading and changing the register: imports, machines, their history, software, the journal.

use super::*;

impl Store {
    /// Imports a batch of inventories into the site register, in one transaction. `next_id`
    /// gives every new UUID (machines, snapshots, journal entries), so tests stay deterministic.
    /// `location`, when given, is set on every machine of the batch.
    pub async fn site_import(
        &self,
        imports: &[SiteImport],
        location: Option<&str>,
        now: DateTime<Utc>,
        next_id: &mut dyn FnMut() -> Uuid,
    ) -> Result<Vec<ImportResult>, StoreError> {
        let location = clean(location);
        let mut tx = self.begin_write().await?;
        let mut results = Vec::with_capacity(imports.len());
        for imp in imports {
            results.push(import_one(&mut tx, imp, location.as_deref(), now, next_id).await?);
        }
        tx.commit().await?;
        Ok(results)
    }

    /// Machines of the register matching `filter`, by host name.
    pub async fn site_machines(
        &self,
        filter: &MachineFilter,
    ) -> Result<Vec<SiteMachine>, StoreError> {
        let rows: Vec<MachineRow> = sqlx::query_as(&format!(
            "{MACHINE_SELECT} ORDER BY m.hostname COLLATE NOCASE, m.id"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut hits: HashMap<i64, Vec<SoftwareHit>> = HashMap::new();
        if let Some(name) = filter.software.as_deref() {
            let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
                "SELECT machine_id, name, version FROM site_software
                 WHERE instr(lower(name), lower(?)) > 0 ORDER BY name",
            )
            .bind(name.trim())
            .fetch_all(&self.pool)
            .await?;
            for (machine, name, version) in rows {
                if filter
                    .version
                    .as_ref()
                    .is_none_or(|c| c.matches(version.as_deref()))
                {
                    hits.entry(machine)
                        .or_default()
                        .push(SoftwareHit { name, version });
                }
            }
        }
        let contains = |hay: Option<&str>, needle: &Option<String>| match needle {
            None => true,
            Some(n) => hay.is_some_and(|h| h.to_lowercase().contains(&n.trim().to_lowercase())),
        };
        let mut out = Vec::new();
        for row in rows {
            let mut m = row.into_machine()?;
            let keep = contains(Some(&m.hostname), &filter.hostname)
                && contains(m.os.as_deref(), &filter.os)
                && filter.ram_below.is_none_or(|max| {
                    m.ram_bytes
                        .is_some_and(|r| installed_ram_estimate(r.max(0) as u64) < max)
                })
                && filter.location.as_deref().is_none_or(|l| {
                    m.location
                        .as_deref()
                        .is_some_and(|ml| ml.eq_ignore_ascii_case(l.trim()))
                });
            if !keep {
                continue;
            }
            if filter.software.is_some() {
                match hits.remove(&m.id) {
                    Some(h) => m.matched_software = h,
                    None => continue,
                }
            }
            out.push(m);
        }
        Ok(out)
    }

    /// Resolves a machine reference: its number, a UUID or UUID prefix (4+ hex digits), or
    /// exactly its host name (case-insensitive), serial or device id.
    pub async fn site_machine(&self, reference: &str) -> Result<SiteMachine, StoreError> {
        let r = reference.trim();
        let mut ids: Vec<i64> = Vec::new();
        if let Ok(n) = r.parse::<i64>() {
            let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM site_machines WHERE id = ?")
                .bind(n)
                .fetch_optional(&self.pool)
                .await?;
            ids.extend(row.map(|r| r.0));
        }
        if ids.is_empty() {
            let uuid_prefix = (r.len() >= 4
                && r.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
            .then(|| r.to_ascii_lowercase());
            let rows: Vec<(i64,)> = sqlx::query_as(
                "SELECT id FROM site_machines
                 WHERE (? IS NOT NULL AND uuid LIKE ? || '%')
                    OR hostname = ? COLLATE NOCASE OR serial = ? OR deviceid = ?",
            )
            // The prefix has only hex digits and dashes: no LIKE wildcard gets through.
            .bind(&uuid_prefix)
            .bind(&uuid_prefix)
            .bind(r)
            .bind(r)
            .bind(r)
            .fetch_all(&self.pool)
            .await?;
            ids.extend(rows.into_iter().map(|r| r.0));
            ids.sort_unstable();
            ids.dedup();
        }
        let what = format!("site machine `{r}`");
        match ids.as_slice() {
            [] => Err(StoreError::NotFound(what)),
            [id] => {
                let row: MachineRow = sqlx::query_as(&format!("{MACHINE_SELECT} WHERE m.id = ?"))
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?;
                row.into_machine()
            }
            many => Err(StoreError::Ambiguous(what, many.len())),
        }
    }

    /// A machine's snapshots, oldest first.
    pub async fn site_history(&self, machine_id: i64) -> Result<Vec<SiteSnapshotMeta>, StoreError> {
        let rows: Vec<SnapshotRow> = sqlx::query_as(&format!(
            "{SNAPSHOT_SELECT} WHERE machine_id = ? ORDER BY collected_at, id"
        ))
        .bind(machine_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(SnapshotRow::into_meta).collect()
    }

    /// The newest snapshot of a machine and its inventory.
    pub async fn site_latest_inventory(
        &self,
        machine_id: i64,
    ) -> Result<(SiteSnapshotMeta, Inventory), StoreError> {
        let row: Option<SnapshotRow> = sqlx::query_as(&format!(
            "{SNAPSHOT_SELECT} WHERE machine_id = ? ORDER BY collected_at DESC, id DESC LIMIT 1"
        ))
        .bind(machine_id)
        .fetch_optional(&self.pool)
        .await?;
        let meta = row
            .ok_or_else(|| StoreError::NotFound(format!("snapshots of site machine {machine_id}")))?
            .into_meta()?;
        let (encoding, body): (String, Vec<u8>) =
            sqlx::query_as("SELECT encoding, document FROM site_snapshots WHERE id = ?")
                .bind(meta.id)
                .fetch_one(&self.pool)
                .await?;
        let corrupt = |detail: String| StoreError::Corrupt {
            what: format!("site snapshot {}", meta.id),
            detail,
        };
        if encoding != ENCODING {
            return Err(corrupt(format!("unknown encoding `{encoding}`")));
        }
        let mut json = Vec::new();
        flate2::read::DeflateDecoder::new(&body[..])
            .read_to_end(&mut json)
            .map_err(|e| corrupt(e.to_string()))?;
        let inv = serde_json::from_slice(&json).map_err(|e| corrupt(e.to_string()))?;
        Ok((meta, inv))
    }

    /// Removes a machine and its history, journalling the removal, in one transaction.
    pub async fn site_remove(
        &self,
        machine_id: i64,
        now: DateTime<Utc>,
        change: Uuid,
    ) -> Result<SiteMachine, StoreError> {
        let mut tx = self.begin_write().await?;
        let m = machine_in(&mut tx, machine_id).await?;
        sqlx::query("DELETE FROM site_machines WHERE id = ?")
            .bind(machine_id)
            .execute(&mut *tx)
            .await?;
        journal(
            &mut tx,
            change,
            "machine",
            m.uuid,
            "delete",
            &serde_json::json!({ "hostname": m.hostname }),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(m)
    }

    /// Software across the site (newest snapshot of each machine): how many machines have each
    /// package and in which versions, most widespread first.
    pub async fn site_software_summary(&self) -> Result<Vec<SoftwareSummary>, StoreError> {
        let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(
            "SELECT name, version, COUNT(DISTINCT machine_id) FROM site_software
             GROUP BY name, version",
        )
        .fetch_all(&self.pool)
        .await?;
        let machines: Vec<(String, i64)> = sqlx::query_as(
            "SELECT name, COUNT(DISTINCT machine_id) FROM site_software GROUP BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut versions: HashMap<String, Vec<String>> = HashMap::new();
        for (name, version, _) in rows {
            if let Some(v) = version {
                versions.entry(name).or_default().push(v);
            }
        }
        let mut out: Vec<SoftwareSummary> = machines
            .into_iter()
            .map(|(name, machines)| {
                let mut v = versions.remove(&name).unwrap_or_default();
                v.sort_by(|a, b| compare_versions(a, b));
                SoftwareSummary {
                    name,
                    machines,
                    versions: v,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.machines
                .cmp(&a.machines)
                .then_with(|| a.name.cmp(&b.name))
        });
        Ok(out)
    }

    /// Journal entries after `after_seq` (0 for all), oldest first, at most `limit`.
    pub async fn site_changes(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<SiteChange>, StoreError> {
        let rows: Vec<(i64, String, String, String, String, String, String)> = sqlx::query_as(
            "SELECT seq, uuid, entity, entity_id, op, payload, created_at FROM site_changes
             WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after_seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let what = format!("site change {}", r.0);
                Ok(SiteChange {
                    seq: r.0,
                    uuid: uuid(&what, &r.1)?,
                    entity: r.2,
                    entity_id: uuid(&what, &r.3)?,
                    op: r.4,
                    payload: serde_json::from_str(&r.5).map_err(|e| StoreError::Corrupt {
                        what: what.clone(),
                        detail: e.to_string(),
                    })?,
                    created_at: time(&what, &r.6)?,
                })
            })
            .collect()
    }
}
