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
//! * Knowledge base: an [`Article`] as a connector delivers it is sanitised and kept as a
//!   [`StoredArticle`], with a full-text index ([`Store::upsert_article`],
//!   [`Store::search_articles`]); the sanitiser is [`sanitize_html`].
//!   Articles carry tags (check ids, [`Store::tagged_articles`]); Guichet's starter articles
//!   stand in for the service desk's ([`Store::sync_starter_articles`]).
//! * Self-help: the last diagnoses of this machine ([`Store::save_diagnosis`],
//!   [`Store::last_diagnosis`]) and the reports closed by an article
//!   ([`Store::record_deflection`], [`Store::deflection_counts`]).
//! * Tickets, replies and their files ([`Store::create_ticket`],
//!   [`Store::add_reply_with_attachments`], [`Store::apply_ticket_changes_with_files`]) and the
//!   sync outbox, cursors and status ([`Store::outbox`], [`Store::apply_ticket_changes`]).
//!
//! * Sneakernet bundles: signed files carrying a site's outbox to a connected machine and the
//!   answers back ([`bundle`]): the rows they carry and their application; the file format is
//!   the `guichet-bundle` crate.
//!
//! * Fix-it actions: published action files as they arrived and the runs of every action
//!   with their output ([`Store::save_published_action`], [`Store::record_fix_run`]).
//! * The sync lock: one sender at a time across processes ([`Store::try_lock_sync`]).
//! * Owner-only files: the data directory and its folders `0700`, its files `0600`, checked
//!   and fixed at every opening ([`Store::mode_fixes`], [`make_store_private`]).
//! * Every transaction that writes starts as a writer (`BEGIN IMMEDIATE`), so it waits for
//!   another process's write under the busy timeout instead of failing with `SQLITE_BUSY`
//!   when a read turns into a write; commits are synced to disk (`synchronous=FULL`) before
//!   anything reports them done.
//! * Damage: [`check_store`] and [`repair_store`] (backup, salvage into a fresh store) for a file
//!   that no longer opens or reads ([`StoreError::Damaged`]).
//!
//! Secrets never enter this database: they live in the OS keyring.

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

mod articles;
mod blobs;
pub mod bundle;
mod db;
mod deflections;
mod diagnoses;
mod error;
mod fix_actions;
mod outbox;
mod private_files;
mod repair;
mod sanitize;
mod settings;
pub mod site;
mod snapshots;
mod sync_lock;
mod tickets;

pub use articles::{
    Article, ArticleHit, ArticleImage, StarterSync, StoredArticle, StoredImage, TaggedArticle,
    RANK_WINDOW, SNIPPET_CLOSE, SNIPPET_OPEN, STARTER_CONNECTOR,
};
pub use db::{default_cache_dir, default_data_dir, Store, DATABASE_FILE, MIGRATOR};
pub use deflections::DeflectionCounts;
pub use diagnoses::DIAGNOSES_KEPT;
pub use error::StoreError;
pub use fix_actions::{FixRun, StoredAction};
pub use guichet_records::BlobId;
pub use outbox::{InventoryMode, InventoryPush, OutboxEntry, OutboxKind, OutboxState, SyncStatus};
pub use private_files::{
    create_private_dir, make_private, make_store_private, private_file_options, ModeFixes,
    PRIVATE_DIR_MODE, PRIVATE_FILE_MODE,
};
pub use repair::{
    check_store, repair_store, RepairOptions, RepairReport, StoreCheck, TableSalvage,
};
pub use sanitize::{
    embedded_image_urls, html_to_text, sanitize_html, terminal_safe, BLOB_URL_SCHEME,
};
pub use site::agent_runs::{AgentRun, RunEnd, RunOutcome};
pub use site::assets::{Asset, AssetFilter, AssetPatch, AssetStatus, NewAsset};
pub use site::{
    installed_ram_estimate, ImportOutcome, ImportResult, MachineFilter, MatchKey, SiteChange,
    SiteImport, SiteMachine, SiteSnapshotMeta, SoftwareHit, SoftwareSummary, VersionConstraint,
    VersionOp,
};
pub use snapshots::{SnapshotMeta, SnapshotRef, SnapshotRetention};
pub use sync_lock::{SyncLock, SyncLockHolder, SYNC_LOCK_FILE};
pub use tickets::{
    AppliedChanges, Attachment, DescriptionFormat, NewAttachment, NewTicket, RemoteFile,
    RemoteReply, RemoteReplyFiles, RemoteTicketUpdate, Reply, ReplyAttachment, ReplySide,
    ReplyState, Ticket, TicketFields, TicketState, DEFAULT_ATTACHMENT_LIMIT,
};
