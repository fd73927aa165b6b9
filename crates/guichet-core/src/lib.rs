//! Guichet's use cases, the one layer that both the command line (`guichet`) and the desktop
//! app (`src-tauri`) call, so that the two never drift apart.
//!
//! Each function takes plain values (the store, settings, options, a language, the time and the
//! ids it needs) and returns typed results; neither clap nor Tauri appears here, and the words
//! shown to people stay with the front ends (the CLI's messages, the UI's dictionaries).
//!
//! * Reports and replies: [`file_report`], [`reply`], [`attachment_from_file`], [`content_type`],
//!   [`attachment_limit`]; the requester is the OS login ([`login`]) unless one is given.
//! * The configured service desk: [`open_desk`] gives a [`ServiceDesk`] (Request Tracker or
//!   GLPI), [`run_pass`] runs one engine pass with it, [`sync_configured`] does both for the
//!   settings kept in the store and tells how it went ([`SyncAttempt`]).
//! * Inventories: [`collect_inventory_to_push`] collects this machine's full inventory, saves
//!   it and queues it for the server (why: [`InventoryReason`]; the app's timer:
//!   [`background_inventory`]); [`inventory_due`] decides
//!   whether a scheduled one goes now or waits for the contact time the server asked for.
//! * Bundles: [`export_bundle`], [`import_bundle`], [`write_return_bundle`], [`inspect_bundle`].
//! * Site exports: [`export_site_glpi`] writes one GLPI inventory file per machine.
//! * A damaged store: [`check_store`], [`repair_store`] (backup, salvage, replacement).
//! * Fix-it actions: [`fix_actions`] (built-in and published, each with its plan or refusal),
//!   [`plan_fix`], [`run_fix`] (recorded), [`import_fix`], [`fix_run_attachment`]; the app's
//!   report attaches this session's runs ([`recent_fix_runs`], [`fix_run_attachments`]).
//! * The machine's policy (`/etc/guichet/policy.json`): [`read_policy`], [`Policy`].
//! * Self-help before a ticket: articles for the failing checks ([`suggest_articles`]) and for a
//!   title as it is typed ([`suggest_for_title`]), the starter articles
//!   ([`install_starter_articles`]), "this solved my problem" ([`record_deflection`],
//!   [`deflection_rate`]), and the last diagnosis in a report ([`diagnosis_section`]).
//! * "Check my computer": [`diagnose`] runs every check with the configured service desk
//!   ([`diagnosis_context`] is what the checks are given); [`network_up`] is the one reading of
//!   the network the checks and the app's connection state share.
#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

mod article;
mod bundles;
mod deflection;
mod desk;
mod diagnose;
mod diagnosis;
mod error;
mod fix;
mod host;
mod inventory_due;
mod inventory_push;
mod pass;
mod policy;
mod report;
mod site_export;
mod starter;
mod store_repair;
mod suggest;

pub use article::{article_for_display, inline_images, INLINE_LIMIT};
pub use bundles::{
    bundle_signer, enrol_peer, export_bundle, import_bundle, inspect_bundle, own_peer_key,
    write_return_bundle, ImportedBundle, InspectedBundle,
};
pub use deflection::{deflection_rate, record_deflection, DeflectionRate, DEFLECTION_DAYS};
pub use desk::{open_desk, ServiceDesk};
pub use diagnose::{diagnose, diagnosis_context};
pub use diagnose::{network_forced_down, network_up};
pub use diagnosis::{diagnosis_section, problem_label, problem_labels, BUILT_IN_CHECKS};
pub use error::CoreError;
pub use fix::{
    fix_actions, fix_run, fix_run_attachment, import_fix, plan_fix, run_fix, FixEntry, FixRefusal,
    PublishedInfo, RecordedFix,
};
pub use fix::{fix_run_attachments, fix_run_file_name, fix_run_text, recent_fix_runs};
pub use guichet_glpi::{technical as technical_wording, Wording};
pub use guichet_site::Lang;
pub use host::{content_type, device_id, device_id_for, hostname, login};
pub use inventory_due::inventory_due;
pub use inventory_push::{
    background_inventory, collect_full_inventory, collect_inventory_to_push, InventoryReason,
    InventoryToPush,
};
pub use pass::{run_pass, sync_configured, SyncAttempt, SyncOutcome};
pub use policy::{current_user_groups, read_access_policy, ADMIN_GROUPS_WITHOUT_POLICY};
pub use policy::{policy_path, read_policy, ActionSigner, Policy, PolicyError, POLICY_PATH};
pub use report::{
    attachment_from_file, attachment_limit, file_report, reply, with_diagnosis, FiledReport,
    ProblemReport, SystemInfo, ATTACHMENT_LIMIT_KEY, QUICK_CATEGORIES,
};
pub use site_export::{export_site_glpi, site_export_deviceid, site_glpi_file_name};
pub use starter::{install_starter_articles, starter_articles, StarterArticle, STARTER_CATEGORY};
pub use store_repair::{check_store, repair_store, StoreRepair};
pub use suggest::{suggest_articles, suggest_for_title, ArticleSuggestion, SuggestionReason};
