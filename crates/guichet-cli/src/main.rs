//! `guichet`, Guichet's headless agent.
//!
//! Commands and flags named here are a public contract (admins script them): keep the names,
//! add freely. stdout carries only the machine-readable result; progress, timings and errors go
//! to stderr. With `--json`, errors are one JSON object `{"error":{"code","message"}}` on stderr.

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

mod agent;
mod asset;
mod bench;
mod bundle;
mod diagnose;
mod error;
mod glpi;
mod glpi_messages;
mod inventory;
mod kb;
mod output;
mod secret_place;
mod site;
mod store;
mod sync;
mod table;
mod ticket;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::CliError;

/// Guichet: IT self-service and inventory agent.
#[derive(Debug, Parser)]
#[command(name = "guichet", version, about, propagate_version = true)]
struct Cli {
    /// Data directory holding the local store (default: the OS's per-user data directory).
    #[arg(long, global = true, env = "GUICHET_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Work on the system agent's store (`/var/lib/guichet`, or `GUICHET_SYSTEM_DATA_DIR`)
    /// instead of yours: its secrets become systemd encrypted credentials, which survive a
    /// reboot. Needs root. See `agent install --system`.
    #[arg(long, global = true)]
    system_agent: bool,
    /// Log level on stderr: error, warn, info, debug, trace (or a tracing filter).
    #[arg(long, global = true, env = "GUICHET_LOG", default_value = "warn")]
    log_level: String,
    /// Report errors as JSON on stderr.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum BenchWhat {
    /// Time a full inventory against FusionInventory's, side by side, and report peak memory.
    Inventory(bench::BenchArgs),
    /// Import N generated articles into a temporary store and time searches over them.
    Kb(bench::kb::BenchKbArgs),
    /// Push N tickets to the configured GLPI through Guichet and as bare HTTP, and compare.
    Sync(bench::sync::BenchSyncArgs),
    /// Run the agent N times in one process (or N processes) with tickets and replies queued
    /// each time, and report memory and open descriptors cycle by cycle.
    Agent(bench::agent::BenchAgentArgs),
    /// Run the whole diagnosis N times and report its wall time and the slowest checks.
    Diagnose(bench::diagnose::BenchDiagnoseArgs),
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Inventory this machine (hardware, software, …); `history` and `diff` for its change history.
    Inventory(inventory::InventoryArgs),
    /// Offline knowledge base: `search`, `show`, `list`, `categories`, `import`.
    Kb(kb::KbArgs),
    /// Report a problem and follow it: `ticket new|list|show|reply|submit` (works offline).
    Ticket(ticket::TicketArgs),
    /// Configure the service-desk server (the secret is read from stdin, kept in the keyring).
    Connect(sync::ConnectArgs),
    /// Send queued tickets and replies, fetch answers; `--status` shows the queue.
    Sync(sync::SyncArgs),
    /// The site register: import other machines' inventory files, search, export.
    Site(site::SiteArgs),
    /// Hand-entered equipment (printers, switches, phones…) and their QR-code labels.
    Asset(asset::AssetArgs),
    /// The scheduled agent: `agent install|uninstall` (systemd timer), `agent run`, `agent status`.
    Agent(agent::AgentArgs),
    /// The local store itself: `store check` (integrity), `store repair` (backup, then salvage).
    Store(store::StoreArgs),
    /// Sneakernet: `bundle export|import|inspect` carries the queue of an offline site in a signed file.
    Bundle(bundle::BundleArgs),
    /// Check this computer (disk space, memory, load…): what is wrong and what to do, offline.
    Diagnose(diagnose::DiagnoseArgs),
    /// Benchmarks: `bench inventory` (against FusionInventory, side by side), `bench kb`.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
    /// (internal) run a command and report its wall time and peak RSS as JSON.
    #[command(name = "__measure", hide = true)]
    Measure(bench::MeasureArgs),
}

/// One glibc malloc arena for the whole process. With the default (one per thread that meets
/// contention, up to eight per core), the threads SQLite's connections run on each kept an arena
/// whose freed memory stayed resident: the agent over 150 runs in one process sat at 52.7 MiB
/// after 30 runs and grew 6 % more by the 150th; with one arena, 29.1 MiB and +1.3 % (`guichet
/// bench agent`, the long-run script). The process does its work on one thread (the runtime is
/// single-threaded), so one arena costs no contention worth measuring.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn one_malloc_arena() {
    // SAFETY: mallopt only sets a parameter of glibc's allocator; it is called first thing in
    // main, before any other thread exists, and M_ARENA_MAX takes any positive value.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn one_malloc_arena() {}

fn main() -> ExitCode {
    one_malloc_arena();
    let cli = Cli::parse();
    init_logging(&cli.log_level);
    let json_errors = cli.json;
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return report(
                CliError::from(anyhow::Error::from(e).context("starting the runtime")),
                json_errors,
            )
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(e, json_errors),
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let ctx = Context {
        data_dir: cli.data_dir,
        system_agent: cli.system_agent,
        json: cli.json,
    };
    let db = ctx.dir().ok().map(|d| d.join(guichet_store::DATABASE_FILE));
    command(&ctx, cli.command).await.map_err(|e| match &db {
        Some(db) => e.naming_store(db),
        None => e,
    })
}

async fn command(ctx: &Context, command: Command) -> Result<(), CliError> {
    match command {
        Command::Inventory(args) => inventory::run(ctx, args).await,
        Command::Kb(args) => kb::run(ctx, args).await,
        Command::Ticket(args) => ticket::run(ctx, args).await,
        Command::Connect(args) => sync::connect(ctx, args).await,
        Command::Sync(args) => sync::run(ctx, args).await,
        Command::Site(args) => site::run(ctx, args).await,
        Command::Asset(args) => asset::run(ctx, args).await,
        Command::Agent(args) => agent::run(ctx, args).await,
        Command::Bundle(args) => bundle::run(ctx, args).await,
        Command::Store(args) => store::run(ctx, args).await,
        Command::Diagnose(args) => diagnose::run(ctx, args).await,
        Command::Bench { what } => match what {
            BenchWhat::Inventory(args) => bench::run(ctx, args),
            BenchWhat::Kb(args) => bench::kb::run(ctx, args).await,
            BenchWhat::Sync(args) => bench::sync::run(ctx, args).await,
            BenchWhat::Agent(args) => bench::agent::run(ctx, args).await,
            BenchWhat::Diagnose(args) => bench::diagnose::run(ctx, args).await,
        },
        Command::Measure(args) => bench::measure(args),
    }
}

/// What every command may need from the global flags.
#[derive(Debug)]
pub struct Context {
    /// `--data-dir`, if given.
    pub data_dir: Option<PathBuf>,
    /// `--system-agent`: the system agent's store, whatever `--data-dir` says.
    pub system_agent: bool,
    /// `--json`.
    pub json: bool,
}

impl Context {
    /// The chosen data directory (with `--system-agent`, the system agent's, created closed to
    /// everyone but root). Root is refused a directory another user controls.
    pub fn dir(&self) -> Result<PathBuf, CliError> {
        if self.system_agent {
            return agent::open_system_data_dir();
        }
        let dir = match &self.data_dir {
            Some(d) => d.clone(),
            None => {
                guichet_store::default_data_dir().ok_or(guichet_store::StoreError::NoDataDir)?
            }
        };
        agent::refuse_foreign_data_dir(&dir)?;
        Ok(dir)
    }

    /// Opens the local store in the chosen data directory, warning on stderr when other users
    /// could read it (opening has just closed it to them).
    pub async fn store(&self) -> Result<guichet_store::Store, CliError> {
        let store = guichet_store::Store::open(&self.dir()?).await?;
        warn_mode_fixes(&store);
        Ok(store)
    }

    /// Where the secrets of `store` are kept: the system agent's encrypted credentials for its
    /// store, the user's keyring otherwise.
    pub fn secrets(store: &guichet_store::Store) -> guichet_sync::secret::SecretStore {
        guichet_sync::secret::SecretStore::of_data_dir(store.dir())
    }
}

/// Says once (the next opening finds nothing to fix) what the store's opening closed to other
/// users, and what it could not.
pub(crate) fn warn_mode_fixes(store: &guichet_store::Store) {
    let fixes = store.mode_fixes();
    if !fixes.fixed.is_empty() {
        eprintln!(
            "guichet: warning: other users could read {} files and folders of the store {}; \
             they are now private (folders 0700, files 0600)",
            fixes.fixed.len(),
            store.dir().display()
        );
    }
    for (path, why) in &fixes.failed {
        eprintln!(
            "guichet: warning: other users can read {} and its mode could not be changed: {why}",
            path.display()
        );
    }
}

/// The language of messages that come from the use cases (GLPI's): French when the locale says
/// so (POSIX order: `LC_ALL`, then `LC_MESSAGES`, then `LANG`), English otherwise.
pub(crate) fn lang() -> guichet_core::Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    guichet_core::Lang::of_locale(&locale)
}

fn init_logging(level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

fn report(err: CliError, json: bool) -> ExitCode {
    if json {
        let body = serde_json::json!({"error": {"code": err.code(), "message": err.message()}});
        eprintln!("{body}");
    } else {
        eprintln!("guichet: {}", output::terminal(&err.message()));
    }
    ExitCode::from(err.exit_code())
}
