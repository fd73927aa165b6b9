//! `guichet site`: the register of the site's machines, fed with inventory files collected from
//! them (Guichet native JSON, GLPI Agent JSON, FusionInventory/OCS XML), searched, and exported
//! (CSV, GLPI JSON per machine, a printable HTML report).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use guichet_inventory::import::import_file;
use guichet_store::{
    AssetFilter, ImportResult, MachineFilter, SiteImport, SiteMachine, SiteSnapshotMeta, Store,
    VersionConstraint,
};

use guichet_site::report;

use crate::error::CliError;
use crate::{output, table, Context};

/// `--lang en|fr`: the application's one language type.
pub(crate) fn lang_arg() -> impl clap::builder::TypedValueParser<Value = guichet_core::Lang> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(["en", "fr"])
        .map(|s: String| guichet_core::Lang::of_locale(&s))
}

/// `guichet site …`
#[derive(Debug, Args)]
pub struct SiteArgs {
    #[command(subcommand)]
    sub: SiteSub,
}

#[derive(Debug, Subcommand)]
enum SiteSub {
    /// Import inventory files of other machines (native JSON, GLPI JSON, OCS/FusionInventory
    /// XML, detected by content). All files or none: a bad file is reported and nothing is
    /// written.
    Import {
        /// Inventory files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Set this location on every machine imported.
        #[arg(long, value_name = "L")]
        location: Option<String>,
    },
    /// List the machines of the site, with filters. `--json` for JSON.
    List(ListArgs),
    /// Show a machine's newest inventory (by number, host name, serial, device id or UUID).
    Show {
        /// The machine.
        machine: String,
    },
    /// List a machine's snapshots, oldest first.
    History {
        /// The machine.
        machine: String,
    },
    /// Remove a machine and its history from the register.
    Remove {
        /// The machine.
        machine: String,
    },
    /// Export the register: CSV (machines and assets), GLPI JSON (one file per machine) or a
    /// printable HTML report.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
#[command(disable_version_flag = true)]
struct ListArgs {
    /// Host name contains this.
    #[arg(long, value_name = "TEXT")]
    hostname: Option<String>,
    /// OS name contains this (e.g. `windows 10`, `bookworm`).
    #[arg(long, value_name = "TEXT")]
    os: Option<String>,
    /// Memory below this size (`8G`, `512M`); compared with the installed amount, rounded up
    /// to a whole GiB from what the OS reports.
    #[arg(long, value_name = "SIZE")]
    ram_below: Option<String>,
    /// At this location.
    #[arg(long, value_name = "L")]
    location: Option<String>,
    /// Has a package whose name contains this.
    #[arg(long, value_name = "NAME")]
    software: Option<String>,
    /// … in a version matching this: `<115`, `>=2.0`, `=1.2-3`, `!=4` (Debian version order).
    #[arg(
        long = "version",
        id = "software_version",
        value_name = "CONSTRAINT",
        requires = "software"
    )]
    version: Option<String>,
    /// Only machines whose last diagnosis found a warning or a problem (a "Problems" column
    /// lists them: "disk nearly full, reboot pending").
    #[arg(long)]
    problems: bool,
}

/// Format of `site export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    /// One CSV of machines and assets (a `record` column tells them apart).
    Csv,
    /// GLPI inventory JSON, one file per machine, in the `--output` directory.
    Glpi,
    /// A self-contained printable HTML report.
    Html,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// Export format.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// File (csv, html; default stdout) or directory (glpi, required).
    #[arg(long, short, value_name = "FILE|DIR")]
    output: Option<PathBuf>,
    /// Language of the HTML report.
    #[arg(long, value_parser = lang_arg(), default_value = "en")]
    lang: guichet_core::Lang,
}

/// Runs `guichet site`.
pub async fn run(ctx: &Context, args: SiteArgs) -> Result<(), CliError> {
    match args.sub {
        SiteSub::Import { files, location } => import(ctx, &files, location.as_deref()).await,
        SiteSub::List(a) => list(ctx, a).await,
        SiteSub::Show { machine } => show(ctx, &machine).await,
        SiteSub::History { machine } => history(ctx, &machine).await,
        SiteSub::Remove { machine } => remove(ctx, &machine).await,
        SiteSub::Export(a) => export(ctx, a).await,
    }
}

/// A terminal table in the house style (the same preset as `table.rs`).
pub(crate) fn new_table(header: &[&str]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Disabled)
        .set_header(header.to_vec());
    t
}

/// A file that is not an inventory we can read: exit status 2 (bad input), code `invalid_input`.
pub fn invalid_input(err: anyhow::Error) -> CliError {
    CliError::new("invalid_input", 2, err)
}

fn json_bytes<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, CliError> {
    let mut b = serde_json::to_vec_pretty(v).context("encoding JSON")?;
    b.push(b'\n');
    Ok(b)
}

async fn import(ctx: &Context, files: &[PathBuf], location: Option<&str>) -> Result<(), CliError> {
    // Parse everything before touching the store: one bad file and nothing is written.
    let mut batch = Vec::with_capacity(files.len());
    for path in files {
        let bytes = std::fs::read(path)
            .with_context(|| format!("reading {}", path.display()))
            .map_err(invalid_input)?;
        let mtime: DateTime<Utc> = std::fs::metadata(path)
            .and_then(|m| m.modified())
            .map(DateTime::from)
            .unwrap_or_else(|_| Utc::now());
        let imported = import_file(&bytes, mtime)
            .with_context(|| format!("{}: not imported, nothing written", path.display()))
            .map_err(invalid_input)?;
        batch.push(SiteImport {
            inventory: imported.inventory,
            deviceid: imported.deviceid,
            format: imported.format.name().to_string(),
            source_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string()),
        });
    }
    let store = ctx.store().await?;
    let mut next = uuid::Uuid::new_v4;
    let results = store
        .site_import(&batch, location, Utc::now(), &mut next)
        .await?;
    let bytes = if ctx.json {
        json_bytes(&results)?
    } else {
        import_table(&results).into_bytes()
    };
    output::write(None, &bytes)?;
    let count = |o: guichet_store::ImportOutcome| results.iter().filter(|r| r.outcome == o).count();
    eprintln!(
        "site import: {} new, {} merged, {} unchanged",
        count(guichet_store::ImportOutcome::New),
        count(guichet_store::ImportOutcome::Merged),
        count(guichet_store::ImportOutcome::Unchanged)
    );
    Ok(())
}

fn import_table(results: &[ImportResult]) -> String {
    let mut t = new_table(&["File", "Result", "Machine", "#", "Matched by", "Snapshots"]);
    for r in results {
        t.add_row(vec![
            r.source_name.clone(),
            r.outcome.name().to_string(),
            r.machine.hostname.clone(),
            r.machine.id.to_string(),
            r.matched_by
                .map(|k| {
                    serde_json::to_value(k)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default()
                })
                .unwrap_or_default(),
            r.machine.snapshot_count.to_string(),
        ]);
    }
    format!("{t}\n")
}

/// Parses a size with a binary unit: `8G`, `8GiB`, `8GB`, `512M`, `1T`, `4096K`.
pub fn parse_size(s: &str) -> Result<u64, CliError> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| CliError::usage(format!("bad size `{s}`: expected e.g. 8G or 512M")))?;
    let mult: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        "T" | "TB" | "TIB" => 1 << 40,
        "" => {
            return Err(CliError::usage(format!(
                "size `{s}` needs a unit: 8G, 512M"
            )))
        }
        other => {
            return Err(CliError::usage(format!(
                "bad size unit `{other}` in `{s}`: use K, M, G or T"
            )))
        }
    };
    Ok((value * mult as f64) as u64)
}

async fn list(ctx: &Context, a: ListArgs) -> Result<(), CliError> {
    let filter = MachineFilter {
        hostname: a.hostname,
        os: a.os,
        ram_below: a.ram_below.as_deref().map(parse_size).transpose()?,
        location: a.location,
        software: a.software,
        version: a
            .version
            .as_deref()
            .map(|v| v.parse::<VersionConstraint>().map_err(CliError::usage))
            .transpose()?,
    };
    let store = ctx.store().await?;
    let mut machines = store.site_machines(&filter).await?;
    if a.problems {
        machines.retain(SiteMachine::has_problems);
    }
    let bytes = if ctx.json {
        json_bytes(&machines)?
    } else {
        machines_table(&machines).into_bytes()
    };
    output::write(None, &bytes)?;
    eprintln!("{} machine(s)", machines.len());
    Ok(())
}

fn machines_table(machines: &[SiteMachine]) -> String {
    if machines.is_empty() {
        return "No machine matches.\n".into();
    }
    let with_software = machines.iter().any(|m| !m.matched_software.is_empty());
    let mut header = vec![
        "#",
        "Host",
        "OS",
        "RAM",
        "Make / model",
        "Serial",
        "Location",
        "Last seen",
    ];
    if with_software {
        header.push("Software");
    }
    let with_problems = machines.iter().any(SiteMachine::has_problems);
    if with_problems {
        header.push("Problems");
    }
    let mut t = new_table(&header);
    for m in machines {
        let mut row = vec![
            m.id.to_string(),
            m.hostname.clone(),
            m.os.clone().unwrap_or_default(),
            m.ram_bytes
                .map(|b| table::size(b.max(0) as u64))
                .unwrap_or_default(),
            [m.vendor.as_deref(), m.model.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
            m.serial.clone().unwrap_or_default(),
            m.location.clone().unwrap_or_default(),
            m.last_seen.format("%Y-%m-%d").to_string(),
        ];
        if with_software {
            row.push(
                m.matched_software
                    .iter()
                    .map(|s| format!("{} {}", s.name, s.version.as_deref().unwrap_or("?")))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        if with_problems {
            row.push(
                m.diagnosis
                    .as_ref()
                    .map(|d| {
                        guichet_store::terminal_safe(&guichet_core::problem_labels(d).join(", "))
                            .into_owned()
                    })
                    .unwrap_or_default(),
            );
        }
        t.add_row(row);
    }
    format!("{t}\n")
}

async fn show(ctx: &Context, reference: &str) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let m = store.site_machine(reference).await?;
    let (meta, inv) = store.site_latest_inventory(m.id).await?;
    let bytes = if ctx.json {
        json_bytes(&serde_json::json!({ "machine": m, "snapshot": meta, "inventory": inv }))?
    } else {
        let mut out = format!(
            "Machine #{} {} ({})\n  location: {}\n  serial: {}  SMBIOS UUID: {}  device id: {}\n  seen {} .. {}, {} snapshot(s); newest from {} ({})\n",
            m.id,
            m.hostname,
            m.uuid,
            m.location.as_deref().unwrap_or("-"),
            m.serial.as_deref().unwrap_or("-"),
            m.smbios_uuid.as_deref().unwrap_or("-"),
            m.deviceid.as_deref().unwrap_or("-"),
            m.first_seen.format("%Y-%m-%d"),
            m.last_seen.format("%Y-%m-%d"),
            m.snapshot_count,
            meta.source_name,
            meta.source_format,
        );
        out.push_str(&table::inventory(&inv));
        out.into_bytes()
    };
    output::write(None, &bytes)?;
    Ok(())
}

fn history_table(list: &[SiteSnapshotMeta]) -> String {
    let mut t = new_table(&[
        "#",
        "Collected (UTC)",
        "Imported (UTC)",
        "Format",
        "File",
        "Software",
        "UUID",
    ]);
    for s in list {
        t.add_row(vec![
            s.id.to_string(),
            s.collected_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            s.imported_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            s.source_format.clone(),
            s.source_name.clone(),
            s.software_count.to_string(),
            s.uuid.to_string(),
        ]);
    }
    format!("{t}\n")
}

async fn history(ctx: &Context, reference: &str) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let m = store.site_machine(reference).await?;
    let list = store.site_history(m.id).await?;
    let bytes = if ctx.json {
        json_bytes(&list)?
    } else {
        format!("Machine #{} {}\n{}", m.id, m.hostname, history_table(&list)).into_bytes()
    };
    output::write(None, &bytes)?;
    Ok(())
}

async fn remove(ctx: &Context, reference: &str) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let m = store.site_machine(reference).await?;
    let removed = store
        .site_remove(m.id, Utc::now(), uuid::Uuid::new_v4())
        .await?;
    if ctx.json {
        output::write(None, &json_bytes(&removed)?)?;
    }
    eprintln!(
        "removed machine #{} {} and its {} snapshot(s)",
        removed.id, removed.hostname, removed.snapshot_count
    );
    Ok(())
}

async fn export(ctx: &Context, a: ExportArgs) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let machines = store.site_machines(&MachineFilter::default()).await?;
    match a.format {
        ExportFormat::Csv => {
            let assets = store.assets(&AssetFilter::default()).await?;
            let bytes = report::csv(&machines, &assets).map_err(anyhow::Error::new)?;
            output::write(a.output.as_deref(), &bytes)?;
            eprintln!(
                "exported {} machine(s) and {} asset(s)",
                machines.len(),
                assets.len()
            );
        }
        ExportFormat::Glpi => {
            let dir = a.output.as_deref().ok_or_else(|| {
                CliError::usage("--format glpi writes one file per machine: give --output DIR")
            })?;
            export_glpi(&store, dir).await?;
        }
        ExportFormat::Html => {
            let assets = store.assets(&AssetFilter::default()).await?;
            let software = store.site_software_summary().await?;
            let html = report::html(&report::Site {
                machines: &machines,
                assets: &assets,
                software: &software,
                now: Utc::now(),
                lang: a.lang,
            });
            output::write(a.output.as_deref(), html.as_bytes())?;
            eprintln!(
                "report: {} machine(s), {} asset(s)",
                machines.len(),
                assets.len()
            );
        }
    }
    Ok(())
}

async fn export_glpi(store: &Store, dir: &Path) -> Result<(), CliError> {
    let written = guichet_core::export_site_glpi(store, dir).await?;
    for path in &written {
        println!("{}", path.display());
    }
    eprintln!("exported {} machine(s) to {}", written.len(), dir.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_need_a_unit_and_are_binary() {
        assert_eq!(parse_size("8G").unwrap(), 8 << 30);
        assert_eq!(parse_size("8 GiB").unwrap(), 8 << 30);
        assert_eq!(parse_size("512m").unwrap(), 512 << 20);
        assert_eq!(parse_size("1.5G").unwrap(), 3 << 29);
        assert!(parse_size("8").is_err());
        assert!(parse_size("8X").is_err());
        assert!(parse_size("G").is_err());
    }
}
