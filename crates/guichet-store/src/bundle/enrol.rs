//! Enrolment: the stores this one accepts bundles from. A hub enrols its sites, a site its
//! hub, each from the other's key file ([`PeerKey`]) compared by fingerprint out of band. A
//! bundle is accepted only when its sender's device id is enrolled, in the role its kind
//! needs, with the very key that signed it.

use chrono::{DateTime, Utc};
use guichet_bundle::{key_fingerprint, BundleError, BundleKind, Manifest, PeerKey};
use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};

use super::ExchangeError;
use crate::{Store, StoreError};

/// What an enrolled store is to this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerRole {
    /// A disconnected site: its outgoing bundles are accepted here (this store is its hub).
    Site,
    /// The connected hub: its return bundles are accepted here (this store is its site).
    Hub,
}

impl PeerRole {
    /// Stable name: `site`, `hub`.
    pub fn name(self) -> &'static str {
        match self {
            PeerRole::Site => "site",
            PeerRole::Hub => "hub",
        }
    }

    /// The role whose bundles of `kind` are accepted.
    pub fn sending(kind: BundleKind) -> PeerRole {
        match kind {
            BundleKind::Outgoing => PeerRole::Site,
            BundleKind::Return => PeerRole::Hub,
        }
    }

    fn parse(s: &str) -> Result<PeerRole, StoreError> {
        match s {
            "site" => Ok(PeerRole::Site),
            "hub" => Ok(PeerRole::Hub),
            other => Err(StoreError::Corrupt {
                what: "bundle_enrolled".into(),
                detail: format!("unknown role `{other}`"),
            }),
        }
    }
}

/// An enrolled store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolledPeer {
    /// Its device id.
    pub deviceid: String,
    /// Its public key, lower-case hex.
    pub public_key: String,
    /// Its key's fingerprint.
    pub fingerprint: String,
    /// Site or hub.
    pub role: PeerRole,
    /// When it was enrolled (RFC 3339).
    pub enrolled_at: String,
}

/// What this store knows of a bundle's signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerTrust {
    /// The key is the one enrolled for that device id, in the role the bundle's kind needs.
    Enrolled,
    /// That device id is not enrolled (or not in that role): the bundle is refused unless
    /// its key is enrolled first (or accepted with `--trust-new-key`).
    Unknown,
    /// Another key is enrolled for that device id: refused likewise.
    Changed,
}

type Row = (String, String, String, String);

fn peer((deviceid, public_key, role, enrolled_at): Row) -> Result<EnrolledPeer, StoreError> {
    Ok(EnrolledPeer {
        fingerprint: key_fingerprint(&public_key),
        role: PeerRole::parse(&role)?,
        deviceid,
        public_key,
        enrolled_at,
    })
}

impl Store {
    /// Enrols `key` in `role`, replacing what was enrolled for its device id (a reinstalled
    /// store); returns the peer as enrolled and the one it replaced, if any.
    pub async fn enrol_peer(
        &self,
        key: &PeerKey,
        role: PeerRole,
        now: DateTime<Utc>,
    ) -> Result<(EnrolledPeer, Option<EnrolledPeer>), StoreError> {
        let mut tx = self.begin_write().await?;
        let before = enrolled_in(&mut tx, &key.deviceid).await?;
        enrol_in(&mut tx, &key.deviceid, &key.public_key, role, now).await?;
        let after = enrolled_in(&mut tx, &key.deviceid)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("enrolled store {}", key.deviceid)))?;
        tx.commit().await?;
        let replaced = before.filter(|b| b.public_key != after.public_key || b.role != role);
        Ok((after, replaced))
    }

    /// Every enrolled store, by device id.
    pub async fn enrolled_peers(&self) -> Result<Vec<EnrolledPeer>, StoreError> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT deviceid, public_key, role, enrolled_at FROM bundle_enrolled ORDER BY deviceid",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(peer).collect()
    }

    /// Removes the enrolment of `deviceid`; false if it was not enrolled.
    pub async fn remove_peer(&self, deviceid: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query("DELETE FROM bundle_enrolled WHERE deviceid = ?")
            .bind(deviceid)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(gone.rows_affected() > 0)
    }

    /// What this store knows of `public_key` as the key of `deviceid` sending a bundle of
    /// `kind` (for `bundle inspect`).
    pub async fn bundle_peer(
        &self,
        deviceid: &str,
        public_key: &str,
        kind: BundleKind,
    ) -> Result<PeerTrust, StoreError> {
        let row: Option<Row> = sqlx::query_as(
            "SELECT deviceid, public_key, role, enrolled_at FROM bundle_enrolled WHERE deviceid = ?",
        )
        .bind(deviceid)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row.map(peer).transpose()? {
            Some(p) if p.role != PeerRole::sending(kind) => PeerTrust::Unknown,
            Some(p) if p.public_key == public_key => PeerTrust::Enrolled,
            Some(_) => PeerTrust::Changed,
            None => PeerTrust::Unknown,
        })
    }
}

async fn enrolled_in(
    tx: &mut Transaction<'_, Sqlite>,
    deviceid: &str,
) -> Result<Option<EnrolledPeer>, StoreError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT deviceid, public_key, role, enrolled_at FROM bundle_enrolled WHERE deviceid = ?",
    )
    .bind(deviceid)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(peer).transpose()
}

/// Enrols (or re-enrols) a key; the return counters of a device id survive a new key, so a
/// reinstalled hub cannot replay its old numbers.
async fn enrol_in(
    tx: &mut Transaction<'_, Sqlite>,
    deviceid: &str,
    public_key: &str,
    role: PeerRole,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO bundle_enrolled (deviceid, public_key, role, enrolled_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(deviceid) DO UPDATE SET public_key = ?2, role = ?3, enrolled_at = ?4",
    )
    .bind(deviceid)
    .bind(public_key)
    .bind(role.name())
    .bind(now.to_rfc3339())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Why the bundle's signer is refused, if it is: its device id must be enrolled in the role
/// the bundle's kind needs, with the very key that signed it.
fn signer_refusal(m: &Manifest, known: Option<&EnrolledPeer>) -> Option<BundleError> {
    let role = PeerRole::sending(m.kind);
    match known {
        Some(p) if p.role == role && p.public_key == m.public_key => None,
        Some(p) if p.role == role => Some(BundleError::KeyChanged {
            deviceid: m.source_deviceid.clone(),
            known: p.fingerprint.clone(),
            found: key_fingerprint(&m.public_key),
        }),
        _ => Some(BundleError::UnknownKey {
            deviceid: m.source_deviceid.clone(),
            fingerprint: key_fingerprint(&m.public_key),
            role: role.name(),
        }),
    }
}

/// Why a return bundle is refused as not newer than the last one applied from its hub.
fn sequence_refusal(m: &Manifest, last: u64) -> Option<BundleError> {
    match m.sequence {
        Some(n) if n > last => None,
        sequence => Some(BundleError::Stale {
            deviceid: m.source_deviceid.clone(),
            sequence,
            last,
        }),
    }
}

async fn returns_applied(
    tx: &mut Transaction<'_, Sqlite>,
    deviceid: &str,
) -> Result<u64, StoreError> {
    let last: Option<i64> =
        sqlx::query_scalar("SELECT returns_applied FROM bundle_enrolled WHERE deviceid = ?")
            .bind(deviceid)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(last.unwrap_or(0).max(0) as u64)
}

/// The cheap refusals of a bundle's sender, before any file of it is written (checked again
/// inside the import's transaction by [`accept_sender`]).
pub(super) async fn precheck_sender(
    store: &Store,
    m: &Manifest,
    trust_new_key: bool,
) -> Result<(), ExchangeError> {
    let mut tx = store.pool.begin().await.map_err(StoreError::from)?;
    let known = enrolled_in(&mut tx, &m.source_deviceid).await?;
    if let Some(e) = signer_refusal(m, known.as_ref()).filter(|_| !trust_new_key) {
        return Err(e.into());
    }
    if m.kind == BundleKind::Return {
        let last = returns_applied(&mut tx, &m.source_deviceid).await?;
        if let Some(e) = sequence_refusal(m, last) {
            return Err(e.into());
        }
    }
    Ok(())
}

/// Inside the import's transaction: checks the sender (enrolled, with this key, in this
/// role; with `trust_new_key` an unknown or changed key is enrolled instead, a deliberate
/// first contact) and, for a return bundle, that it is newer than the last one applied from
/// that hub, which it then becomes. Returns whether a key was enrolled.
pub(super) async fn accept_sender(
    tx: &mut Transaction<'_, Sqlite>,
    m: &Manifest,
    trust_new_key: bool,
    now: DateTime<Utc>,
) -> Result<bool, ExchangeError> {
    let known = enrolled_in(tx, &m.source_deviceid).await?;
    let enrolled = match signer_refusal(m, known.as_ref()) {
        None => false,
        Some(_) if trust_new_key => {
            enrol_in(
                tx,
                &m.source_deviceid,
                &m.public_key,
                PeerRole::sending(m.kind),
                now,
            )
            .await?;
            true
        }
        Some(e) => return Err(e.into()),
    };
    if m.kind == BundleKind::Return {
        let last = returns_applied(tx, &m.source_deviceid).await?;
        if let Some(e) = sequence_refusal(m, last) {
            return Err(e.into());
        }
        sqlx::query("UPDATE bundle_enrolled SET returns_applied = ? WHERE deviceid = ?")
            .bind(m.sequence.unwrap_or(0) as i64)
            .bind(&m.source_deviceid)
            .execute(&mut **tx)
            .await
            .map_err(StoreError::from)?;
    }
    Ok(enrolled)
}

/// On a hub: the number of the next return bundle for `site`, counted (a lost bundle leaves
/// a gap, which is harmless: a site only needs numbers to grow).
pub(super) async fn next_return_sequence(store: &Store, site: &str) -> Result<u64, ExchangeError> {
    let mut tx = store.begin_write().await?;
    let n: Option<i64> = sqlx::query_scalar(
        "UPDATE bundle_enrolled SET returns_written = returns_written + 1
         WHERE deviceid = ? AND role = 'site' RETURNING returns_written",
    )
    .bind(site)
    .fetch_optional(&mut *tx)
    .await
    .map_err(StoreError::from)?;
    let Some(n) = n else {
        return Err(StoreError::Invalid(format!(
            "{site} is not an enrolled site of this store: enrol its key first (`guichet bundle enrol add --site FILE`)"
        ))
        .into());
    };
    tx.commit().await.map_err(StoreError::from)?;
    Ok(n as u64)
}
