//! `guichet inventory`: collect, export, save; `history` and `diff` over saved snapshots.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use chrono::Utc;
use clap::{Args, Subcommand, ValueEnum};
use guichet_inventory::{Category, GlpiOptions, Inventory};
use guichet_store::{SnapshotMeta, SnapshotRef, Store};

use crate::error::CliError;
use crate::{output, table, Context};

/// `guichet inventory …`
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct InventoryArgs {
    #[command(subcommand)]
    sub: Option<InventorySub>,
    #[command(flatten)]
    collect: CollectArgs,
}

#[derive(Debug, Subcommand)]
enum InventorySub {
    /// List saved snapshots (oldest first). `--json` for JSON.
    History,
    /// Show what changed between two snapshots (default: the last two). `--json` for JSON.
    Diff {
        /// Older snapshot: a number from `history`, `latest~N`, a UUID prefix, or a native JSON file.
        old: Option<String>,
        /// Newer snapshot (default: latest).
        new: Option<String>,
    },
}

/// Output format of `guichet inventory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable tables.
    Table,
    /// Guichet's native JSON (every field of the model).
    Json,
    /// GLPI inventory JSON (what GLPI Agent sends).
    Glpi,
    /// Software list as CSV.
    Csv,
}

#[derive(Debug, Args)]
struct CollectArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also save the inventory as a snapshot in the local store (change history).
    #[arg(long)]
    save: bool,
    /// Only these categories (comma-separated): os, machine, cpus, memory, storage, volumes,
    /// network, controllers, usb, monitors, batteries, users, software, security, virtualization.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    categories: Vec<String>,
    /// Seconds allowed for the whole collection; slower sources are recorded as timed out.
    #[arg(long, default_value_t = 30.0, value_name = "SECS")]
    timeout: f64,
    /// Compact JSON (one line) instead of indented.
    #[arg(long)]
    compact: bool,
}

/// Runs `guichet inventory`.
pub async fn run(ctx: &Context, args: InventoryArgs) -> Result<(), CliError> {
    match args.sub {
        None => collect(ctx, args.collect).await,
        Some(InventorySub::History) => history(ctx).await,
        Some(InventorySub::Diff { old, new }) => diff(ctx, old, new).await,
    }
}

fn parse_categories(names: &[String]) -> Result<Vec<Category>, CliError> {
    names
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| {
            n.parse::<Category>()
                .map_err(|e| CliError::usage(e.to_string()))
        })
        .collect()
}

async fn collect(ctx: &Context, args: CollectArgs) -> Result<(), CliError> {
    let categories = parse_categories(&args.categories)?;
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 86_400.0) {
        return Err(CliError::usage(format!(
            "--timeout must be a number of seconds between 0 and 86400, not {}",
            args.timeout
        )));
    }
    let opts = guichet_inventory::Options {
        categories,
        timeout: Duration::from_secs_f64(args.timeout),
        now: Utc::now(),
    };
    let mut inv = guichet_inventory::collect(&opts);
    tracing::info!(duration_ms = inv.duration_ms, "inventory collected");

    // The store is opened only when needed: a plain export must work on a read-only machine.
    let store = if args.save || args.format == Format::Glpi {
        Some(ctx.store().await?)
    } else {
        None
    };
    if let Some(s) = &store {
        // A saved snapshot carries the last diagnosis, as the inventory pushed by a sync does
        // (the GLPI format leaves it out).
        inv.diagnosis = s.last_diagnosis().await?;
    }
    let deviceid = match &store {
        Some(s) => Some(
            guichet_core::device_id_for(s, inv.hostname().unwrap_or("unknown"), opts.now).await?,
        ),
        None => None,
    };

    let bytes = render(&inv, args.format, deviceid.as_deref(), args.compact)?;
    output::write(args.output.as_deref(), &bytes)?;

    if args.save {
        let store = store.as_ref().expect("opened above when saving");
        let meta = store
            .save_snapshot(
                &inv,
                deviceid.as_deref().unwrap_or("unknown"),
                uuid::Uuid::new_v4(),
            )
            .await?;
        eprintln!(
            "saved snapshot {} ({}) in {}",
            meta.id,
            meta.uuid,
            store.dir().display()
        );
    }
    eprintln!(
        "inventory: {} categories in {} ms, {} software, {} error(s)",
        inv.categories.len(),
        inv.duration_ms,
        inv.software.len(),
        inv.errors.len()
    );
    Ok(())
}

fn render(
    inv: &Inventory,
    format: Format,
    deviceid: Option<&str>,
    compact: bool,
) -> Result<Vec<u8>, CliError> {
    let json = |v: &serde_json::Value| -> Result<Vec<u8>, CliError> {
        let mut b = if compact {
            serde_json::to_vec(v)
        } else {
            serde_json::to_vec_pretty(v)
        }
        .context("encoding JSON")?;
        b.push(b'\n');
        Ok(b)
    };
    match format {
        Format::Table => Ok(table::inventory(inv).into_bytes()),
        Format::Json => json(&serde_json::to_value(inv).context("encoding JSON")?),
        Format::Glpi => json(&guichet_inventory::to_glpi(
            inv,
            &GlpiOptions {
                deviceid: deviceid.unwrap_or("unknown").to_string(),
            },
        )),
        Format::Csv => Ok(guichet_inventory::software_csv(inv).into_bytes()),
    }
}

async fn history(ctx: &Context) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let list = store.snapshots().await?;
    let bytes = if ctx.json {
        let mut b = serde_json::to_vec_pretty(&list).context("encoding JSON")?;
        b.push(b'\n');
        b
    } else {
        table::history(&list).into_bytes()
    };
    output::write(None, &bytes)?;
    Ok(())
}

/// Loads one side of a diff: a snapshot reference, or a native JSON file written by
/// `guichet inventory --format json`.
async fn load_side(store: &Store, arg: &str) -> Result<(String, Inventory), CliError> {
    let path = Path::new(arg);
    if path.is_file() {
        let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let inv: Inventory = serde_json::from_slice(&text).with_context(|| {
            format!(
                "{} is not a Guichet native inventory (guichet inventory --format json)",
                path.display()
            )
        })?;
        return Ok((path.display().to_string(), inv));
    }
    let r: SnapshotRef = arg.parse().map_err(CliError::usage)?;
    let (meta, inv) = store.snapshot(&r).await?;
    Ok((label(&meta), inv))
}

fn label(m: &SnapshotMeta) -> String {
    format!(
        "snapshot {} ({})",
        m.id,
        m.taken_at.format("%Y-%m-%d %H:%M:%S UTC")
    )
}

async fn diff(ctx: &Context, old: Option<String>, new: Option<String>) -> Result<(), CliError> {
    let store = ctx.store().await?;
    if old.is_none() && store.snapshots().await?.len() < 2 {
        return Err(CliError::new(
            "not_found",
            3,
            anyhow::anyhow!(
                "inventory diff needs two snapshots; save some with `guichet inventory --save`"
            ),
        ));
    }
    let old = old.unwrap_or_else(|| "latest~1".into());
    let new = new.unwrap_or_else(|| "latest".into());
    let (old_label, a) = load_side(&store, &old).await?;
    let (new_label, b) = load_side(&store, &new).await?;
    let d = guichet_inventory::diff(&a, &b);
    let bytes = if ctx.json {
        let mut b = serde_json::to_vec_pretty(&d).context("encoding JSON")?;
        b.push(b'\n');
        b
    } else {
        table::diff(&old_label, &new_label, &d).into_bytes()
    };
    output::write(None, &bytes)?;
    Ok(())
}
