//! Hand-entered assets: what no agent runs on (printers, switches, phones, screens, spare parts
//! in stock). Each change is one transaction that also appends the whole asset, as it is after
//! the change, to the `site_changes` journal.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};
use uuid::Uuid;

use super::{journal, time, uuid};
use crate::{Store, StoreError};

/// Where an asset is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetStatus {
    /// Deployed and used.
    InUse,
    /// In the cupboard, ready to deploy.
    InStock,
    /// Out of order.
    Broken,
    /// Taken out of service for good.
    Retired,
}

impl AssetStatus {
    /// Every status.
    pub const ALL: [AssetStatus; 4] = [
        AssetStatus::InUse,
        AssetStatus::InStock,
        AssetStatus::Broken,
        AssetStatus::Retired,
    ];

    /// Stable name: `in_use`, `in_stock`, `broken`, `retired`.
    pub fn name(self) -> &'static str {
        match self {
            AssetStatus::InUse => "in_use",
            AssetStatus::InStock => "in_stock",
            AssetStatus::Broken => "broken",
            AssetStatus::Retired => "retired",
        }
    }
}

impl std::fmt::Display for AssetStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for AssetStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        AssetStatus::ALL
            .into_iter()
            .find(|st| st.name() == wanted)
            .ok_or_else(|| {
                format!("unknown asset status `{s}` (known: in_use, in_stock, broken, retired)")
            })
    }
}

/// A hand-entered asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    /// Local number, what `asset show` takes.
    pub id: i64,
    /// Globally unique id (in the label's QR code, in bundles and sync).
    pub uuid: Uuid,
    /// What it is: `printer`, `switch`, `phone`, `screen`…
    #[serde(rename = "type")]
    pub kind: String,
    /// Manufacturer.
    pub make: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
    /// Where it is.
    pub location: Option<String>,
    /// Who has it.
    pub assigned_user: Option<String>,
    /// Life-cycle status.
    pub status: AssetStatus,
    /// Purchase date.
    pub purchased_on: Option<NaiveDate>,
    /// Last day of the warranty.
    pub warranty_until: Option<NaiveDate>,
    /// Free-form notes.
    pub notes: Option<String>,
    /// When it was entered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The fields of a new asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAsset {
    /// What it is (required).
    pub kind: String,
    /// Manufacturer.
    pub make: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
    /// Where it is.
    pub location: Option<String>,
    /// Who has it.
    pub assigned_user: Option<String>,
    /// Life-cycle status.
    pub status: AssetStatus,
    /// Purchase date.
    pub purchased_on: Option<NaiveDate>,
    /// Last day of the warranty.
    pub warranty_until: Option<NaiveDate>,
    /// Free-form notes.
    pub notes: Option<String>,
}

/// Changes to an asset: `None` leaves a field alone; `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetPatch {
    /// New type.
    pub kind: Option<String>,
    /// New manufacturer.
    pub make: Option<Option<String>>,
    /// New model.
    pub model: Option<Option<String>>,
    /// New serial.
    pub serial: Option<Option<String>>,
    /// New location.
    pub location: Option<Option<String>>,
    /// New assigned user.
    pub assigned_user: Option<Option<String>>,
    /// New status.
    pub status: Option<AssetStatus>,
    /// New purchase date.
    pub purchased_on: Option<Option<NaiveDate>>,
    /// New warranty end.
    pub warranty_until: Option<Option<NaiveDate>>,
    /// New notes.
    pub notes: Option<Option<String>>,
}

impl AssetPatch {
    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == AssetPatch::default()
    }
}

/// Filters of `asset list`; every filter given must match.
#[derive(Debug, Clone, Default)]
pub struct AssetFilter {
    /// Type equals this (case-insensitive).
    pub kind: Option<String>,
    /// Status equals this.
    pub status: Option<AssetStatus>,
    /// Location equals this (case-insensitive).
    pub location: Option<String>,
    /// Assigned user equals this (case-insensitive).
    pub assigned_user: Option<String>,
    /// Warranty ends strictly before this day (assets without a warranty date do not match).
    pub warranty_before: Option<NaiveDate>,
    /// Make, model, serial or notes contain this (case-insensitive).
    pub text: Option<String>,
}

#[derive(sqlx::FromRow)]
struct AssetRow {
    id: i64,
    uuid: String,
    kind: String,
    make: Option<String>,
    model: Option<String>,
    serial: Option<String>,
    location: Option<String>,
    assigned_user: Option<String>,
    status: String,
    purchased_on: Option<String>,
    warranty_until: Option<String>,
    notes: Option<String>,
    created_at: String,
    updated_at: String,
}

const ASSET_SELECT: &str = "SELECT id, uuid, kind, make, model, serial, location, assigned_user, status, purchased_on, warranty_until, notes, created_at, updated_at FROM assets";

impl AssetRow {
    fn into_asset(self) -> Result<Asset, StoreError> {
        let what = format!("asset {}", self.id);
        let date = |s: Option<String>| -> Result<Option<NaiveDate>, StoreError> {
            s.map(|d| {
                NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|e| StoreError::Corrupt {
                    what: what.clone(),
                    detail: format!("bad date `{d}`: {e}"),
                })
            })
            .transpose()
        };
        Ok(Asset {
            id: self.id,
            uuid: uuid(&what, &self.uuid)?,
            kind: self.kind,
            make: self.make,
            model: self.model,
            serial: self.serial,
            location: self.location,
            assigned_user: self.assigned_user,
            status: self.status.parse().map_err(|detail| StoreError::Corrupt {
                what: what.clone(),
                detail,
            })?,
            purchased_on: date(self.purchased_on)?,
            warranty_until: date(self.warranty_until)?,
            notes: self.notes,
            created_at: time(&what, &self.created_at)?,
            updated_at: time(&what, &self.updated_at)?,
        })
    }
}

fn day(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn blank_to_none(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

async fn asset_in(tx: &mut Transaction<'_, Sqlite>, id: i64) -> Result<Asset, StoreError> {
    let row: AssetRow = sqlx::query_as(&format!("{ASSET_SELECT} WHERE id = ?"))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    row.into_asset()
}

fn payload(a: &Asset) -> serde_json::Value {
    serde_json::to_value(a).expect("an asset always serialises")
}

impl Store {
    /// Adds an asset, journalled, in one transaction.
    pub async fn asset_add(
        &self,
        new: &NewAsset,
        id: Uuid,
        change: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Asset, StoreError> {
        let mut tx = self.begin_write().await?;
        let (row_id,): (i64,) = sqlx::query_as(
            "INSERT INTO assets (uuid, kind, make, model, serial, location, assigned_user, status,
                                 purchased_on, warranty_until, notes, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(id.to_string())
        .bind(new.kind.trim())
        .bind(blank_to_none(new.make.clone()))
        .bind(blank_to_none(new.model.clone()))
        .bind(blank_to_none(new.serial.clone()))
        .bind(blank_to_none(new.location.clone()))
        .bind(blank_to_none(new.assigned_user.clone()))
        .bind(new.status.name())
        .bind(day(new.purchased_on))
        .bind(day(new.warranty_until))
        .bind(blank_to_none(new.notes.clone()))
        .bind(now.to_rfc3339())
        .bind(now.to_rfc3339())
        .fetch_one(&mut *tx)
        .await?;
        let asset = asset_in(&mut tx, row_id).await?;
        journal(
            &mut tx,
            change,
            "asset",
            asset.uuid,
            "create",
            &payload(&asset),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(asset)
    }

    /// Assets matching `filter`, by number.
    pub async fn assets(&self, filter: &AssetFilter) -> Result<Vec<Asset>, StoreError> {
        let rows: Vec<AssetRow> = sqlx::query_as(&format!("{ASSET_SELECT} ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        let eq = |have: Option<&str>, want: &Option<String>| match want {
            None => true,
            Some(w) => have.is_some_and(|h| h.eq_ignore_ascii_case(w.trim())),
        };
        let mut out = Vec::new();
        for row in rows {
            let a = row.into_asset()?;
            let text_ok = filter.text.as_deref().is_none_or(|t| {
                let t = t.trim().to_lowercase();
                [&a.make, &a.model, &a.serial, &a.notes]
                    .iter()
                    .any(|f| f.as_deref().is_some_and(|v| v.to_lowercase().contains(&t)))
            });
            if eq(Some(&a.kind), &filter.kind)
                && filter.status.is_none_or(|s| s == a.status)
                && eq(a.location.as_deref(), &filter.location)
                && eq(a.assigned_user.as_deref(), &filter.assigned_user)
                && filter
                    .warranty_before
                    .is_none_or(|d| a.warranty_until.is_some_and(|w| w < d))
                && text_ok
            {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// Resolves an asset reference: its number, a UUID or UUID prefix (4+ hex digits), or exactly
    /// its serial number.
    pub async fn asset(&self, reference: &str) -> Result<Asset, StoreError> {
        let r = reference.trim();
        let what = format!("asset `{r}`");
        if let Ok(n) = r.parse::<i64>() {
            let row: Option<AssetRow> = sqlx::query_as(&format!("{ASSET_SELECT} WHERE id = ?"))
                .bind(n)
                .fetch_optional(&self.pool)
                .await?;
            if let Some(row) = row {
                return row.into_asset();
            }
        }
        let prefix = (r.len() >= 4 && r.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
            .then(|| r.to_ascii_lowercase());
        let rows: Vec<AssetRow> = sqlx::query_as(&format!(
            "{ASSET_SELECT} WHERE (? IS NOT NULL AND uuid LIKE ? || '%') OR serial = ? LIMIT 10"
        ))
        // The prefix has only hex digits and dashes: no LIKE wildcard gets through.
        .bind(&prefix)
        .bind(&prefix)
        .bind(r)
        .fetch_all(&self.pool)
        .await?;
        match rows.len() {
            0 => Err(StoreError::NotFound(what)),
            1 => rows.into_iter().next().expect("one row").into_asset(),
            n => Err(StoreError::Ambiguous(what, n)),
        }
    }

    /// Changes an asset, journalled, in one transaction; returns it as it is after the change.
    pub async fn asset_edit(
        &self,
        id: i64,
        patch: &AssetPatch,
        change: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Asset, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut a = asset_in(&mut tx, id).await?;
        if let Some(k) = &patch.kind {
            a.kind = k.trim().to_string();
        }
        let set = |field: &mut Option<String>, v: &Option<Option<String>>| {
            if let Some(v) = v {
                *field = blank_to_none(v.clone());
            }
        };
        set(&mut a.make, &patch.make);
        set(&mut a.model, &patch.model);
        set(&mut a.serial, &patch.serial);
        set(&mut a.location, &patch.location);
        set(&mut a.assigned_user, &patch.assigned_user);
        set(&mut a.notes, &patch.notes);
        if let Some(s) = patch.status {
            a.status = s;
        }
        if let Some(d) = patch.purchased_on {
            a.purchased_on = d;
        }
        if let Some(d) = patch.warranty_until {
            a.warranty_until = d;
        }
        sqlx::query(
            "UPDATE assets SET kind = ?, make = ?, model = ?, serial = ?, location = ?,
                    assigned_user = ?, status = ?, purchased_on = ?, warranty_until = ?, notes = ?,
                    updated_at = ?
             WHERE id = ?",
        )
        .bind(&a.kind)
        .bind(&a.make)
        .bind(&a.model)
        .bind(&a.serial)
        .bind(&a.location)
        .bind(&a.assigned_user)
        .bind(a.status.name())
        .bind(day(a.purchased_on))
        .bind(day(a.warranty_until))
        .bind(&a.notes)
        .bind(now.to_rfc3339())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let after = asset_in(&mut tx, id).await?;
        journal(
            &mut tx,
            change,
            "asset",
            after.uuid,
            "update",
            &payload(&after),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Removes an asset, journalled, in one transaction; returns what was removed.
    pub async fn asset_remove(
        &self,
        id: i64,
        change: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Asset, StoreError> {
        let mut tx = self.begin_write().await?;
        let a = asset_in(&mut tx, id).await?;
        sqlx::query("DELETE FROM assets WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        journal(
            &mut tx,
            change,
            "asset",
            a.uuid,
            "delete",
            &payload(&a),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::AssetStatus;

    #[test]
    fn statuses_parse_with_dashes_and_case() {
        assert_eq!("In-Stock".parse::<AssetStatus>(), Ok(AssetStatus::InStock));
        assert_eq!("retired".parse::<AssetStatus>(), Ok(AssetStatus::Retired));
        assert!("lost".parse::<AssetStatus>().is_err());
    }
}
