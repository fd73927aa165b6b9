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
//! * Blobs: content-addressed files beside the database ([`Store::put_blob`]).
//! * Knowledge base: sanitised articles with a full-text index ([`Store::upsert_article`],
//!   [`Store::search_articles`]); the sanitiser is [`sanitize_html`].
//!
//! Secrets never enter this database: they live in the OS keyring.

mod articles;
mod blobs;
mod db;
mod error;
mod sanitize;
mod settings;
mod snapshots;

pub use articles::{
    Article, ArticleHit, ArticleImage, ArticleInput, StoredImage, SNIPPET_CLOSE, SNIPPET_OPEN,
};
pub use blobs::BlobId;
pub use db::{default_data_dir, Store, DATABASE_FILE, MIGRATOR};
pub use error::StoreError;
pub use sanitize::{embedded_image_urls, html_to_text, sanitize_html, BLOB_URL_SCHEME};
pub use snapshots::{SnapshotMeta, SnapshotRef};
