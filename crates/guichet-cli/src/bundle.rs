//! `guichet bundle export|import|inspect`: sneakernet between a disconnected site and a
//! connected machine.
//!
//! * `export FILE` writes everything waiting to sync into one signed file; the queue is kept
//!   until a return bundle (or a sync) confirms it.
//! * `import FILE` verifies the whole file, applies it in one transaction (a bundle already
//!   imported applies nothing), then, for a site's bundle, runs a sync pass when a server is
//!   configured (`--no-sync` to skip) and writes the answer with `--return FILE`.
//! * `inspect FILE` verifies and shows the manifest without applying anything.
//! * `enrol show|add|list|remove`: which stores this one accepts bundles from. A hub enrols
//!   each site's key file (`enrol show --out FILE` on the site), a site its hub's, after
//!   comparing the fingerprint out of band; bundles from anyone else are refused.
//!
//! A refused bundle (truncated, altered, foreign, signed by a key not enrolled, an older
//! return) exits with status 2 and a `bundle_*` code; nothing is applied from it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::Utc;
use clap::{Args, Subcommand};
use guichet_bundle::{read_bundle, BundleKind, BundleWritten, Manifest};
use guichet_store::bundle::{BundleImport, ExchangeError, PeerRole, PeerTrust};
use serde::Serialize;
use uuid::Uuid;

use crate::error::CliError;
use crate::{output, Context};
use guichet_core::{SyncAttempt, SyncOutcome};

/// `guichet bundle …`
#[derive(Debug, Args)]
pub struct BundleArgs {
    #[command(subcommand)]
    what: BundleSub,
}

#[derive(Debug, Subcommand)]
enum BundleSub {
    /// Write everything waiting to sync (tickets, replies, inventories, site changes) to FILE.
    Export {
        /// The bundle to write (replaced atomically).
        file: PathBuf,
    },
    /// Verify and apply a bundle; for a site's bundle, then sync and optionally write the answer.
    Import {
        /// The bundle to import.
        file: PathBuf,
        /// Do not run a sync pass after applying.
        #[arg(long)]
        no_sync: bool,
        /// After the sync, write the return bundle for that site to this file.
        #[arg(long = "return", value_name = "FILE")]
        return_file: Option<PathBuf>,
        /// Enrol the sender's key if it is not enrolled or differs from the enrolled one (a
        /// deliberate first contact, or a reinstalled store): compare the fingerprint printed
        /// with the sender's `guichet bundle enrol show`.
        #[arg(long)]
        trust_new_key: bool,
    },
    /// Verify a bundle and show its manifest, applying nothing.
    Inspect {
        /// The bundle to inspect.
        file: PathBuf,
    },
    /// Which stores this one accepts bundles from (enrolled keys).
    Enrol {
        #[command(subcommand)]
        what: EnrolSub,
    },
}

#[derive(Debug, Subcommand)]
enum EnrolSub {
    /// Show this store's device id and key fingerprint; with --out, write its key file for
    /// the other store to enrol.
    Show {
        /// Write the key file here.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Enrol another store from its key file, after comparing its fingerprint out of band.
    #[command(group = clap::ArgGroup::new("role").required(true))]
    Add {
        /// The key file (written by `enrol show --out` on the other store).
        file: PathBuf,
        /// It is a site of this hub: accept its outgoing bundles.
        #[arg(long, group = "role")]
        site: bool,
        /// It is this site's hub: accept its return bundles.
        #[arg(long, group = "role")]
        hub: bool,
    },
    /// List the enrolled stores.
    List,
    /// Stop accepting bundles from a store.
    Remove {
        /// Its device id.
        deviceid: String,
    },
}

/// Maps a bundle error to the CLI's codes: a refused bundle is invalid input (exit 2).
pub(crate) fn bundle_error(e: impl Into<ExchangeError>) -> CliError {
    match e.into() {
        ExchangeError::Store(s) => s.into(),
        e => {
            let code = e.code();
            let exit = if e.is_refusal() { 2 } else { 1 };
            CliError::new(code, exit, anyhow::Error::new(e))
        }
    }
}

/// Runs `guichet bundle`.
pub async fn run(ctx: &Context, args: BundleArgs) -> Result<(), CliError> {
    match args.what {
        BundleSub::Export { file } => export(ctx, &file).await,
        BundleSub::Import {
            file,
            no_sync,
            return_file,
            trust_new_key,
        } => import(ctx, &file, no_sync, return_file.as_deref(), trust_new_key).await,
        BundleSub::Inspect { file } => inspect(ctx, &file).await,
        BundleSub::Enrol { what } => enrol(ctx, what).await,
    }
}

async fn enrol(ctx: &Context, what: EnrolSub) -> Result<(), CliError> {
    let store = ctx.store().await?;
    match what {
        EnrolSub::Show { out } => {
            let key = guichet_core::own_peer_key(&store, Utc::now()).await?;
            let mut text = format!(
                "device id: {}\nfingerprint: {}\n",
                key.deviceid,
                key.fingerprint()
            );
            if let Some(path) = out {
                std::fs::write(&path, key.to_text())
                    .with_context(|| format!("writing {}", path.display()))?;
                let _ = writeln!(
                    text,
                    "key file written to {}: enrol it on the other store with `guichet bundle enrol add --site|--hub FILE`",
                    path.display()
                );
            }
            let view = serde_json::json!({
                "deviceid": key.deviceid,
                "public_key": key.public_key,
                "fingerprint": key.fingerprint(),
            });
            emit(ctx, &view, text)
        }
        EnrolSub::Add { file, site, hub: _ } => {
            let role = if site { PeerRole::Site } else { PeerRole::Hub };
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let (peer, replaced) =
                guichet_core::enrol_peer(&store, &text, role, Utc::now()).await?;
            let mut out = format!(
                "enrolled {} as a {}\nfingerprint: {}\ncompare it with `guichet bundle enrol show` on that store before carrying bundles\n",
                peer.deviceid,
                role.name(),
                peer.fingerprint
            );
            if let Some(r) = replaced {
                let _ = writeln!(out, "replaced: the {} key {}", r.role.name(), r.fingerprint);
            }
            emit(ctx, &peer, out)
        }
        EnrolSub::List => {
            let peers = store.enrolled_peers().await?;
            let mut text = String::new();
            if peers.is_empty() {
                text.push_str("no store is enrolled: bundles from any store are refused\n");
            }
            for p in &peers {
                let _ = writeln!(text, "{}\t{}\t{}", p.role.name(), p.deviceid, p.fingerprint);
            }
            emit(ctx, &peers, text)
        }
        EnrolSub::Remove { deviceid } => {
            if !store.remove_peer(&deviceid).await? {
                return Err(CliError::new(
                    "not_found",
                    1,
                    anyhow::anyhow!("{deviceid} is not enrolled"),
                ));
            }
            emit(
                ctx,
                &serde_json::json!({ "removed": deviceid }),
                format!("{deviceid} removed: its bundles are refused from now on\n"),
            )
        }
    }
}

fn emit<T: Serialize>(ctx: &Context, value: &T, text: String) -> Result<(), CliError> {
    let bytes = if ctx.json {
        let mut b = serde_json::to_vec_pretty(value).context("encoding JSON")?;
        b.push(b'\n');
        b
    } else {
        text.into_bytes()
    };
    output::write(None, &bytes)?;
    Ok(())
}

fn describe(m: &Manifest) -> String {
    let c = &m.counts;
    let mut s = String::new();
    let _ = writeln!(s, "bundle {} ({})", m.bundle_uuid, m.kind.name());
    let _ = writeln!(s, "from: {}", m.source_deviceid);
    if let Some(to) = &m.recipient_deviceid {
        let _ = writeln!(s, "for: {to}");
    }
    let _ = writeln!(
        s,
        "created: {}",
        m.created_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    let _ = writeln!(s, "key: {}", m.public_key);
    let _ = writeln!(
        s,
        "contents: {} ticket(s), {} repl(ies), {} inventor(ies), {} site change(s), {} outbox entr(ies), {} article(s), {} file(s)",
        c.tickets, c.replies, c.inventories, c.site_changes, c.entries, c.articles, c.blobs
    );
    s
}

async fn export(ctx: &Context, file: &Path) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let written = guichet_core::export_bundle(&store, file, Uuid::new_v4(), Utc::now()).await?;
    if written.manifest.counts.entries == 0 && written.manifest.counts.site_changes == 0 {
        eprintln!("nothing is waiting to sync: the bundle is empty");
    }
    eprintln!(
        "the queue is kept until a return bundle or a sync confirms it ({} bytes written to {})",
        written.bytes,
        file.display()
    );
    let text = describe(&written.manifest);
    emit(ctx, &written, text)
}

#[derive(Debug, Serialize)]
struct ImportView {
    import: BundleImport,
    sync: Option<SyncAttempt>,
    #[serde(rename = "return")]
    returned: Option<BundleWritten>,
}

async fn import(
    ctx: &Context,
    file: &Path,
    no_sync: bool,
    return_file: Option<&Path>,
    trust_new_key: bool,
) -> Result<(), CliError> {
    // Verification first, before the store is even opened: a bad file changes nothing.
    let bundle = read_bundle(file).map_err(bundle_error)?;
    if return_file.is_some() && bundle.manifest.kind == BundleKind::Return {
        return Err(CliError::usage(
            "--return answers a site's bundle; this one is already a return bundle",
        ));
    }
    let store = ctx.store().await?;
    let imported = guichet_core::import_bundle(
        &store,
        &bundle,
        trust_new_key,
        return_file.is_some(),
        Utc::now(),
    )
    .await?;
    let report = imported.report;
    let sync = if imported.kind == BundleKind::Outgoing && !no_sync {
        let a = crate::sync::attempt(&store, Utc::now()).await?;
        match a.outcome {
            SyncOutcome::Ok | SyncOutcome::NotConfigured => {}
            other => eprintln!(
                "warning: sync {}{}; the bundle is applied and its entries stay queued here",
                other.as_str(),
                a.message
                    .as_deref()
                    .map(|m| format!(" ({})", crate::output::terminal(m)))
                    .unwrap_or_default()
            ),
        }
        Some(a)
    } else {
        None
    };
    let returned = match return_file {
        Some(path) => Some(
            guichet_core::write_return_bundle(
                &store,
                path,
                &imported.source_deviceid,
                Uuid::new_v4(),
                Utc::now(),
            )
            .await?,
        ),
        None => None,
    };
    let view = ImportView {
        import: report,
        sync,
        returned,
    };
    let text = import_text(&view, imported.kind);
    emit(ctx, &view, text)
}

/// What `bundle import` prints without `--json`.
fn import_text(view: &ImportView, kind: BundleKind) -> String {
    let mut text = String::new();
    let r = &view.import;
    if r.already_applied {
        let _ = writeln!(
            text,
            "bundle {} was already imported: nothing applied",
            r.bundle_uuid
        );
    } else {
        let _ = writeln!(
            text,
            "bundle {} from {} applied",
            r.bundle_uuid, r.source_deviceid
        );
        let _ = writeln!(
            text,
            "tickets added: {}, replies added: {}, entries queued: {} ({} already received), snapshots: {}, site changes: {}, machines: {}, assets: {}",
            r.tickets_added, r.replies_added, r.entries_queued, r.entries_already_received,
            r.snapshots_added, r.site_changes, r.machines_imported, r.assets_changed
        );
        if kind == BundleKind::Return {
            let _ = writeln!(
                text,
                "confirmed as sent: {}, tickets updated: {}, articles updated: {}, removed: {}",
                r.entries_confirmed, r.tickets_updated, r.articles_updated, r.articles_deleted
            );
        }
        if r.key_recorded {
            let _ = writeln!(
                text,
                "key of {} enrolled (--trust-new-key), fingerprint {}: compare it with `guichet bundle enrol show` on that store",
                r.source_deviceid, r.fingerprint
            );
        }
    }
    if let Some(s) = &view.sync {
        let _ = writeln!(
            text,
            "sync: {}{} (pushed {}, pulled {})",
            s.outcome.as_str(),
            s.message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default(),
            s.pushed,
            s.pulled
        );
    }
    if let Some(w) = &view.returned {
        let _ = writeln!(
            text,
            "return bundle written to {} ({} bytes)",
            w.path.display(),
            w.bytes
        );
    }
    text
}

#[derive(Debug, Serialize)]
struct InspectView {
    verified: bool,
    file_bytes: u64,
    signer: PeerTrust,
    manifest: Manifest,
}

async fn inspect(ctx: &Context, file: &Path) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let inspected = guichet_core::inspect_bundle(&store, file).await?;
    let (bundle, trust) = (inspected.bundle, inspected.signer);
    let m = &bundle.manifest;
    let mut text = describe(m);
    let _ = writeln!(
        text,
        "verified: format, {} member checksum(s), signature",
        m.entries.len()
    );
    let _ = writeln!(
        text,
        "signer: {} (fingerprint {})",
        match trust {
            PeerTrust::Enrolled => "enrolled",
            PeerTrust::Unknown =>
                "NOT ENROLLED: import refuses it until its key is enrolled (`guichet bundle enrol add`)",
            PeerTrust::Changed =>
                "ANOTHER key than the one enrolled for this device: import refuses it",
        },
        guichet_bundle::key_fingerprint(&m.public_key)
    );
    emit(
        ctx,
        &InspectView {
            verified: true,
            file_bytes: bundle.file_bytes,
            signer: trust,
            manifest: bundle.manifest.clone(),
        },
        text,
    )
}
