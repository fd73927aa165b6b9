//! Guichet's local store: one SQLite database (WAL mode) in the data directory.
//!
//! * [`Store::open`] creates or opens the database, applies the embedded migrations from the
//!   top-level `migrations/` folder (add-only) under an exclusive file lock, so that two processes
//!   starting at once (the desktop app and the headless agent's timer, say) never race on the
//!   schema. WAL plus a busy timeout lets them read and write side by side.
//! * Settings: small key/values ([`Store::setting`]); the GLPI device id ([`Store::device_id`]).
//! * Snapshots: saved inventories, deflated, with summary columns for history
//!   ([`Store::save_snapshot`], [`Store::snapshots`], [`Store::snapshot`]).
//!
//! * Site register: other machines' inventories, hand-entered assets, a change journal and the
//!   scheduled agent's runs ([`site`]).
//! * Blobs: content-addressed files beside the database ([`Store::put_blob`]).
//!
//! Secrets never enter this database: they live in the OS keyring.

mod blobs;
mod db;
mod error;
mod settings;
pub mod site;
mod snapshots;

pub use blobs::BlobId;
pub use db::{default_data_dir, Store, DATABASE_FILE, MIGRATOR};
pub use error::StoreError;
pub use site::agent_runs::{AgentRun, RunEnd, RunOutcome};
pub use site::assets::{Asset, AssetFilter, AssetPatch, AssetStatus, NewAsset};
pub use site::{
    installed_ram_estimate, ImportOutcome, ImportResult, MachineFilter, MatchKey, SiteChange,
    SiteImport, SiteMachine, SiteSnapshotMeta, SoftwareHit, SoftwareSummary, VersionConstraint,
    VersionOp,
};
pub use snapshots::{SnapshotMeta, SnapshotRef};
