//! Saved inventory snapshots: the change history of this machine.

use std::io::{Read, Write};

use chrono::{DateTime, Utc};
use guichet_inventory::Inventory;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{Store, StoreError};

mod retention;
pub use retention::SnapshotRetention;

const ENCODING: &str = "json+deflate";

/// What history shows of a snapshot, without its document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotMeta {
    /// Local sequence number (1, 2, …), what `inventory diff` takes.
    pub id: i64,
    /// Globally unique id (travels in bundles and sync).
    pub uuid: Uuid,
    /// GLPI device id of the machine.
    pub deviceid: String,
    /// Host name at the time.
    pub hostname: String,
    /// When the inventory was collected (UTC).
    pub taken_at: DateTime<Utc>,
    /// Agent version that collected it.
    pub agent_version: String,
    /// Number of software packages.
    pub software_count: i64,
    /// Physical memory, bytes.
    pub memory_bytes: Option<i64>,
    /// OS full name.
    pub os_full_name: Option<String>,
    /// Number of categories or sources that failed.
    pub error_count: i64,
    /// SHA-256 of the stored JSON document, hex.
    pub content_sha256: Option<String>,
}

/// A way to name a snapshot on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotRef {
    /// Local id (`3`).
    Id(i64),
    /// `latest`, or `latest~N` for the Nth before it.
    Latest(u32),
    /// A UUID or a unique prefix of one (at least 4 hex digits).
    UuidPrefix(String),
}

impl std::str::FromStr for SnapshotRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Ok(n) = s.parse::<i64>() {
            return Ok(SnapshotRef::Id(n));
        }
        if s == "latest" {
            return Ok(SnapshotRef::Latest(0));
        }
        if let Some(n) = s.strip_prefix("latest~") {
            return n
                .parse()
                .map(SnapshotRef::Latest)
                .map_err(|_| format!("bad snapshot reference `{s}`: expected latest~N"));
        }
        if s.len() >= 4 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Ok(SnapshotRef::UuidPrefix(s.to_ascii_lowercase()));
        }
        Err(format!(
            "bad snapshot reference `{s}`: use a number from `inventory history`, latest, latest~N, or a UUID prefix"
        ))
    }
}

impl std::fmt::Display for SnapshotRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SnapshotRef::Id(n) => write!(f, "snapshot {n}"),
            SnapshotRef::Latest(0) => write!(f, "latest snapshot"),
            SnapshotRef::Latest(n) => write!(f, "snapshot latest~{n}"),
            SnapshotRef::UuidPrefix(p) => write!(f, "snapshot {p}"),
        }
    }
}

type MetaRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    i64,
    Option<String>,
);

const META_COLUMNS: &str = "id, uuid, deviceid, hostname, taken_at, agent_version, software_count, memory_bytes, os_full_name, error_count, content_sha256";

fn meta_from_row(r: MetaRow) -> Result<SnapshotMeta, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt {
        what: format!("snapshot {}", r.0),
        detail,
    };
    Ok(SnapshotMeta {
        id: r.0,
        uuid: Uuid::parse_str(&r.1).map_err(|e| corrupt(e.to_string()))?,
        deviceid: r.2,
        hostname: r.3,
        taken_at: DateTime::parse_from_rfc3339(&r.4)
            .map_err(|e| corrupt(e.to_string()))?
            .with_timezone(&Utc),
        agent_version: r.5,
        software_count: r.6,
        memory_bytes: r.7,
        os_full_name: r.8,
        error_count: r.9,
        content_sha256: r.10,
    })
}

impl Store {
    /// Saves an inventory as a new snapshot, in one transaction. `uuid` is passed in so that
    /// callers (and tests) control identity; saving the same UUID twice is refused by the
    /// database rather than duplicated. The same transaction thins out the machine's older
    /// snapshots ([`SnapshotRetention::default`]), so the history stays bounded.
    pub async fn save_snapshot(
        &self,
        inv: &Inventory,
        deviceid: &str,
        uuid: Uuid,
    ) -> Result<SnapshotMeta, StoreError> {
        let mut tx = self.begin_write().await?;
        let meta = insert_snapshot(&mut tx, inv, deviceid, uuid).await?;
        retention::prune_machine(&mut tx, deviceid, &SnapshotRetention::default()).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// Every snapshot, oldest first.
    pub async fn snapshots(&self) -> Result<Vec<SnapshotMeta>, StoreError> {
        let rows: Vec<MetaRow> = sqlx::query_as(&format!(
            "SELECT {META_COLUMNS} FROM snapshots ORDER BY taken_at, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(meta_from_row).collect()
    }

    /// Resolves a reference to one snapshot's metadata.
    pub async fn snapshot_meta(&self, r: &SnapshotRef) -> Result<SnapshotMeta, StoreError> {
        let rows: Vec<MetaRow> = match r {
            SnapshotRef::Id(n) => {
                sqlx::query_as(&format!("SELECT {META_COLUMNS} FROM snapshots WHERE id = ?"))
                    .bind(n)
                    .fetch_all(&self.pool)
                    .await?
            }
            SnapshotRef::Latest(n) => {
                sqlx::query_as(&format!(
                    "SELECT {META_COLUMNS} FROM snapshots ORDER BY taken_at DESC, id DESC LIMIT 1 OFFSET ?"
                ))
                .bind(*n as i64)
                .fetch_all(&self.pool)
                .await?
            }
            SnapshotRef::UuidPrefix(p) => {
                sqlx::query_as(&format!(
                    "SELECT {META_COLUMNS} FROM snapshots WHERE uuid LIKE ? || '%' LIMIT 10"
                ))
                // FromStr lets only hex digits and dashes through, so no LIKE wildcard.
                .bind(p)
                .fetch_all(&self.pool)
                .await?
            }
        };
        match rows.len() {
            0 => Err(StoreError::NotFound(r.to_string())),
            1 => meta_from_row(rows.into_iter().next().expect("one row")),
            n => Err(StoreError::Ambiguous(r.to_string(), n)),
        }
    }

    /// Loads a snapshot's inventory.
    pub async fn snapshot(&self, r: &SnapshotRef) -> Result<(SnapshotMeta, Inventory), StoreError> {
        let meta = self.snapshot_meta(r).await?;
        let (encoding, body): (String, Vec<u8>) =
            sqlx::query_as("SELECT encoding, document FROM snapshots WHERE id = ?")
                .bind(meta.id)
                .fetch_one(&self.pool)
                .await?;
        let corrupt = |detail: String| StoreError::Corrupt {
            what: format!("snapshot {}", meta.id),
            detail,
        };
        let json = match encoding.as_str() {
            ENCODING => {
                let mut out = Vec::new();
                flate2::read::DeflateDecoder::new(&body[..])
                    .read_to_end(&mut out)
                    .map_err(|e| corrupt(e.to_string()))?;
                out
            }
            "json" => body,
            other => return Err(corrupt(format!("unknown encoding `{other}`"))),
        };
        let inv = serde_json::from_slice(&json).map_err(|e| corrupt(e.to_string()))?;
        Ok((meta, inv))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Inserts a snapshot inside the caller's transaction ([`Store::save_snapshot`], bundles).
pub(crate) async fn insert_snapshot(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    inv: &Inventory,
    deviceid: &str,
    uuid: Uuid,
) -> Result<SnapshotMeta, StoreError> {
    let json = serde_json::to_vec(inv).map_err(|e| StoreError::Corrupt {
        what: "inventory".into(),
        detail: e.to_string(),
    })?;
    let sha = hex(&Sha256::digest(&json));
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&json).expect("writing to a Vec cannot fail");
    let body = enc.finish().expect("writing to a Vec cannot fail");

    let hostname = inv.hostname().unwrap_or("unknown").to_string();
    let os_full_name = inv.os.as_ref().map(|o| o.full_name.clone());
    let memory_bytes = inv
        .memory
        .as_ref()
        .and_then(|m| i64::try_from(m.total_bytes).ok());
    let id: (i64,) = sqlx::query_as(
            "INSERT INTO snapshots (uuid, deviceid, hostname, taken_at, agent_version, software_count,
                                    encoding, document, content_sha256, memory_bytes, os_full_name, error_count)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(uuid.to_string())
        .bind(deviceid)
        .bind(&hostname)
        .bind(inv.collected_at.to_rfc3339())
        .bind(&inv.agent_version)
        .bind(inv.software.len() as i64)
        .bind(ENCODING)
        .bind(body)
        .bind(&sha)
        .bind(memory_bytes)
        .bind(&os_full_name)
        .bind(inv.errors.len() as i64)
        .fetch_one(&mut **tx)
        .await?;
    Ok(SnapshotMeta {
        id: id.0,
        uuid,
        deviceid: deviceid.to_string(),
        hostname,
        taken_at: inv.collected_at,
        agent_version: inv.agent_version.clone(),
        software_count: inv.software.len() as i64,
        memory_bytes,
        os_full_name,
        error_count: inv.errors.len() as i64,
        content_sha256: Some(sha),
    })
}
