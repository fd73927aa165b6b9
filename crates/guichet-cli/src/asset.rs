//! `guichet asset`: hand-entered equipment no agent runs on (printers, switches, phones,
//! screens, spare parts in stock), with printable QR-code labels.
//!
//! Every change is one transaction that is also journalled for sync (see the store's `site`
//! module). Ids are the number shown by `asset list`, a UUID prefix, or the serial number.

use std::path::PathBuf;

use anyhow::Context as _;
use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand};
use guichet_site::label;
use guichet_store::{Asset, AssetFilter, AssetPatch, AssetStatus, NewAsset};

use crate::error::CliError;
use crate::site::new_table;
use crate::{output, Context};

/// `guichet asset …`
#[derive(Debug, Args)]
pub struct AssetArgs {
    #[command(subcommand)]
    sub: AssetSub,
}

#[derive(Debug, Subcommand)]
enum AssetSub {
    /// Add an asset.
    Add(AddArgs),
    /// List assets, with filters. `--json` for JSON.
    List(ListArgs),
    /// Show one asset.
    Show {
        /// Number, UUID prefix or serial.
        id: String,
    },
    /// Change fields of an asset; an empty value clears an optional field (`--user ""`).
    Edit(EditArgs),
    /// Remove an asset.
    Remove {
        /// Number, UUID prefix or serial.
        id: String,
    },
    /// Print a label with a QR code: SVG (default, to stdout), or by the `--output` extension
    /// `.svg`, `.html` (printable page) or `.png` (the QR code alone).
    Label {
        /// Number, UUID prefix or serial.
        id: String,
        /// Output file; its extension picks the format.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
struct AddArgs {
    /// What it is: printer, switch, phone, screen, … (free text).
    #[arg(long = "type", value_name = "TYPE")]
    kind: String,
    /// Manufacturer.
    #[arg(long)]
    make: Option<String>,
    /// Model.
    #[arg(long)]
    model: Option<String>,
    /// Serial number.
    #[arg(long)]
    serial: Option<String>,
    /// Where it is.
    #[arg(long)]
    location: Option<String>,
    /// Who has it.
    #[arg(long)]
    user: Option<String>,
    /// in_use, in_stock, broken or retired.
    #[arg(long, default_value = "in_use")]
    status: String,
    /// Purchase date, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    purchased: Option<String>,
    /// Last day of warranty, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    warranty_until: Option<String>,
    /// Free-form notes.
    #[arg(long)]
    notes: Option<String>,
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Of this type.
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
    /// In this status.
    #[arg(long)]
    status: Option<String>,
    /// At this location.
    #[arg(long)]
    location: Option<String>,
    /// Assigned to this user.
    #[arg(long)]
    user: Option<String>,
    /// Warranty ending before this day (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    warranty_before: Option<String>,
    /// Make, model, serial or notes contain this.
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
}

#[derive(Debug, Args)]
struct EditArgs {
    /// Number, UUID prefix or serial.
    id: String,
    /// New type.
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
    /// New manufacturer.
    #[arg(long)]
    make: Option<String>,
    /// New model.
    #[arg(long)]
    model: Option<String>,
    /// New serial.
    #[arg(long)]
    serial: Option<String>,
    /// New location.
    #[arg(long)]
    location: Option<String>,
    /// New user.
    #[arg(long)]
    user: Option<String>,
    /// New status.
    #[arg(long)]
    status: Option<String>,
    /// New purchase date (empty clears).
    #[arg(long, value_name = "YYYY-MM-DD")]
    purchased: Option<String>,
    /// New warranty end (empty clears).
    #[arg(long, value_name = "YYYY-MM-DD")]
    warranty_until: Option<String>,
    /// New notes.
    #[arg(long)]
    notes: Option<String>,
}

/// Runs `guichet asset`.
pub async fn run(ctx: &Context, args: AssetArgs) -> Result<(), CliError> {
    match args.sub {
        AssetSub::Add(a) => add(ctx, a).await,
        AssetSub::List(a) => list(ctx, a).await,
        AssetSub::Show { id } => show(ctx, &id).await,
        AssetSub::Edit(a) => edit(ctx, a).await,
        AssetSub::Remove { id } => remove(ctx, &id).await,
        AssetSub::Label { id, output } => label(ctx, &id, output).await,
    }
}

fn parse_date(flag: &str, s: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| CliError::usage(format!("{flag} `{s}`: expected a date as YYYY-MM-DD")))
}

fn parse_status(s: &str) -> Result<AssetStatus, CliError> {
    s.parse().map_err(CliError::usage)
}

fn check_dates(purchased: Option<NaiveDate>, warranty: Option<NaiveDate>) -> Result<(), CliError> {
    if let (Some(p), Some(w)) = (purchased, warranty) {
        if w < p {
            return Err(CliError::usage(format!(
                "the warranty ({w}) ends before the purchase ({p})"
            )));
        }
    }
    Ok(())
}

fn print(ctx: &Context, a: &Asset) -> Result<(), CliError> {
    let bytes = if ctx.json {
        let mut b = serde_json::to_vec_pretty(a).context("encoding JSON")?;
        b.push(b'\n');
        b
    } else {
        detail(a).into_bytes()
    };
    output::write(None, &bytes)?;
    Ok(())
}

fn detail(a: &Asset) -> String {
    let d = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    let mut t = new_table(&["Field", "Value"]);
    for (k, v) in [
        ("Number", a.id.to_string()),
        ("UUID", a.uuid.to_string()),
        ("Type", a.kind.clone()),
        ("Make", o(&a.make)),
        ("Model", o(&a.model)),
        ("Serial", o(&a.serial)),
        ("Location", o(&a.location)),
        ("User", o(&a.assigned_user)),
        ("Status", a.status.to_string()),
        ("Purchased", d(a.purchased_on)),
        ("Warranty until", d(a.warranty_until)),
        ("Notes", o(&a.notes)),
        (
            "Created",
            a.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
        (
            "Updated",
            a.updated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
    ] {
        t.add_row(vec![k.to_string(), v]);
    }
    format!("{t}\n")
}

async fn add(ctx: &Context, a: AddArgs) -> Result<(), CliError> {
    if a.kind.trim().is_empty() {
        return Err(CliError::usage("--type must not be empty"));
    }
    let purchased = a
        .purchased
        .as_deref()
        .map(|s| parse_date("--purchased", s))
        .transpose()?;
    let warranty = a
        .warranty_until
        .as_deref()
        .map(|s| parse_date("--warranty-until", s))
        .transpose()?;
    check_dates(purchased, warranty)?;
    let new = NewAsset {
        kind: a.kind,
        make: a.make,
        model: a.model,
        serial: a.serial,
        location: a.location,
        assigned_user: a.user,
        status: parse_status(&a.status)?,
        purchased_on: purchased,
        warranty_until: warranty,
        notes: a.notes,
    };
    let store = ctx.store().await?;
    let asset = store
        .asset_add(&new, uuid::Uuid::new_v4(), uuid::Uuid::new_v4(), Utc::now())
        .await?;
    if ctx.json {
        print(ctx, &asset)?;
    } else {
        println!("{}", asset.id);
    }
    eprintln!("added asset #{} ({})", asset.id, asset.uuid);
    Ok(())
}

async fn list(ctx: &Context, a: ListArgs) -> Result<(), CliError> {
    let filter = AssetFilter {
        kind: a.kind,
        status: a.status.as_deref().map(parse_status).transpose()?,
        location: a.location,
        assigned_user: a.user,
        warranty_before: a
            .warranty_before
            .as_deref()
            .map(|s| parse_date("--warranty-before", s))
            .transpose()?,
        text: a.search,
    };
    let store = ctx.store().await?;
    let assets = store.assets(&filter).await?;
    let bytes = if ctx.json {
        let mut b = serde_json::to_vec_pretty(&assets).context("encoding JSON")?;
        b.push(b'\n');
        b
    } else if assets.is_empty() {
        b"No asset matches.\n".to_vec()
    } else {
        let mut t = new_table(&[
            "#", "Type", "Make", "Model", "Serial", "Location", "User", "Status", "Warranty",
        ]);
        for x in &assets {
            let o = |s: &Option<String>| s.clone().unwrap_or_default();
            t.add_row(vec![
                x.id.to_string(),
                x.kind.clone(),
                o(&x.make),
                o(&x.model),
                o(&x.serial),
                o(&x.location),
                o(&x.assigned_user),
                x.status.to_string(),
                x.warranty_until.map(|d| d.to_string()).unwrap_or_default(),
            ]);
        }
        format!("{t}\n").into_bytes()
    };
    output::write(None, &bytes)?;
    eprintln!("{} asset(s)", assets.len());
    Ok(())
}

async fn show(ctx: &Context, id: &str) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let a = store.asset(id).await?;
    print(ctx, &a)
}

/// `Some("")` from the command line clears an optional field.
fn text_patch(v: Option<String>) -> Option<Option<String>> {
    v.map(|s| {
        let t = s.trim().to_string();
        (!t.is_empty()).then_some(t)
    })
}

fn date_patch(flag: &str, v: Option<String>) -> Result<Option<Option<NaiveDate>>, CliError> {
    v.map(|s| {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            parse_date(flag, &s).map(Some)
        }
    })
    .transpose()
}

async fn edit(ctx: &Context, a: EditArgs) -> Result<(), CliError> {
    if a.kind.as_deref().is_some_and(|k| k.trim().is_empty()) {
        return Err(CliError::usage("--type must not be empty"));
    }
    let patch = AssetPatch {
        kind: a.kind,
        make: text_patch(a.make),
        model: text_patch(a.model),
        serial: text_patch(a.serial),
        location: text_patch(a.location),
        assigned_user: text_patch(a.user),
        status: a.status.as_deref().map(parse_status).transpose()?,
        purchased_on: date_patch("--purchased", a.purchased)?,
        warranty_until: date_patch("--warranty-until", a.warranty_until)?,
        notes: text_patch(a.notes),
    };
    if patch.is_empty() {
        return Err(CliError::usage(
            "nothing to change: give at least one field, e.g. --status broken",
        ));
    }
    let store = ctx.store().await?;
    let before = store.asset(&a.id).await?;
    check_dates(
        patch.purchased_on.unwrap_or(before.purchased_on),
        patch.warranty_until.unwrap_or(before.warranty_until),
    )?;
    let after = store
        .asset_edit(before.id, &patch, uuid::Uuid::new_v4(), Utc::now())
        .await?;
    print(ctx, &after)?;
    eprintln!("updated asset #{}", after.id);
    Ok(())
}

async fn remove(ctx: &Context, id: &str) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let a = store.asset(id).await?;
    let removed = store
        .asset_remove(a.id, uuid::Uuid::new_v4(), Utc::now())
        .await?;
    if ctx.json {
        print(ctx, &removed)?;
    }
    eprintln!("removed asset #{} ({})", removed.id, removed.kind);
    Ok(())
}

async fn label(ctx: &Context, id: &str, out: Option<PathBuf>) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let a = store.asset(id).await?;
    let ext = out
        .as_deref()
        .and_then(|p| p.extension())
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let bytes = match ext.as_deref() {
        None | Some("svg") => label::svg(&a).map_err(anyhow::Error::new)?.into_bytes(),
        Some("html") | Some("htm") => label::html(&a).map_err(anyhow::Error::new)?.into_bytes(),
        Some("png") => label::png(&a).map_err(anyhow::Error::new)?,
        Some(other) => {
            return Err(CliError::usage(format!(
                "unknown label format `.{other}`: use .svg, .html or .png"
            )))
        }
    };
    output::write(out.as_deref(), &bytes)?;
    if let Some(p) = &out {
        eprintln!("label of asset #{} written to {}", a.id, p.display());
    }
    Ok(())
}
