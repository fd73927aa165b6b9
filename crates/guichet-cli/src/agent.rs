//! `guichet agent install|uninstall|run|status`: the headless agent on a schedule.
//!
//! `install` writes a systemd service and timer (calendar schedule, at boot, random delay,
//! catch-up of missed runs) whose service runs `guichet agent run` on the same data directory,
//! and enables the timer. `install --system` runs as root on the system agent's own store
//! (`/var/lib/guichet`, never a person's data directory), loads that store's encrypted
//! credentials, and refuses an executable that another user could replace. With `--dry-run`, or where systemd does not run, it prints the units
//! and where they would go instead. `run` saves an inventory snapshot, records the run, and
//! syncs when a server is configured; being offline is a normal outcome. `status` shows the
//! last run and, when systemd knows it, the next one.
//!
//! The server's next-contact delay is honoured: when the last inventory this machine sent was
//! answered with a delay (GLPI's `expiration`, in hours) that has not passed yet, a scheduled
//! run sends no inventory, unless it changed structurally since (a category disappeared, the
//! machine's identity changed), as GLPI Agent waits for its next contact too. The snapshot is
//! still saved locally. A person can always send one with `guichet sync --with-inventory` or
//! `--full-inventory`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use guichet_agent::{
    check_root_may_run, check_root_may_write, parse_duration, prepare_system_data_dir,
    system_data_dir, unit_dir, units, AgentError, Scope, Systemd, TimerStatus, UnitOptions,
    SERVICE_NAME, TIMER_NAME,
};
use guichet_core::{InventoryToPush, SyncOutcome};
use guichet_store::{AgentRun, RunEnd, RunOutcome, Store};
use serde::Serialize;
use uuid::Uuid;

use crate::error::CliError;
use crate::{output, Context};

/// `guichet agent …`
#[derive(Debug, Args)]
pub struct AgentArgs {
    #[command(subcommand)]
    what: AgentSub,
}

#[derive(Debug, Args)]
struct ScopeArgs {
    /// The user's systemd manager (default): no root needed.
    #[arg(long, conflicts_with = "system")]
    user: bool,
    /// The system manager: runs as root at boot (needs root to install).
    #[arg(long)]
    system: bool,
}

impl ScopeArgs {
    fn scope(&self) -> Scope {
        if self.system {
            Scope::System
        } else {
            Scope::User
        }
    }
}

#[derive(Debug, Subcommand)]
enum AgentSub {
    /// Install and enable the systemd timer that runs `guichet agent run`.
    Install {
        #[command(flatten)]
        scope: ScopeArgs,
        /// When to run, as a systemd calendar expression (`daily`, `hourly`, `Mon..Fri 08:30`).
        #[arg(long, default_value = "daily", value_name = "SPEC")]
        on_calendar: String,
        /// Random extra delay before each run, so a site's machines do not all start at once.
        #[arg(long, default_value = "1h", value_name = "DUR")]
        random_delay: String,
        /// Delay after boot before the first run.
        #[arg(long, default_value = "5min", value_name = "DUR")]
        on_boot: String,
        /// Print the units and where they would go; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Disable the timer and remove the units.
    Uninstall {
        #[command(flatten)]
        scope: ScopeArgs,
    },
    /// One scheduled run: save an inventory, record the run, sync when possible.
    Run {
        /// Do not sync, even if a server is configured.
        #[arg(long)]
        no_sync: bool,
        /// The run's time instead of the clock's (RFC 3339), to test the schedule.
        #[arg(long, hide = true, value_name = "RFC3339")]
        now: Option<DateTime<Utc>>,
    },
    /// The last run and the next scheduled one.
    Status,
}

fn agent_error(e: AgentError) -> CliError {
    match e {
        AgentError::Invalid(_) | AgentError::NoConfigDir => {
            CliError::new("usage", 2, anyhow::Error::new(e))
        }
        AgentError::Io { .. } => CliError::new("io", 1, anyhow::Error::new(e)),
        AgentError::Systemctl { .. } => CliError::new("systemctl", 1, anyhow::Error::new(e)),
        AgentError::UnsafeExecutable(_) => {
            CliError::new("unsafe_executable", 2, anyhow::Error::new(e))
        }
        AgentError::UnsafeDataDir(_) => CliError::new("unsafe_data_dir", 2, anyhow::Error::new(e)),
    }
}

/// Refuses, as root, a data directory another user controls: root never writes into a
/// person's store ([`check_root_may_write`]).
pub(crate) fn refuse_foreign_data_dir(dir: &Path) -> Result<(), CliError> {
    check_root_may_write(dir).map_err(agent_error)
}

/// The system agent's store directory, created (mode 0700, with its `credentials/`) if needed.
pub(crate) fn open_system_data_dir() -> Result<PathBuf, CliError> {
    let dir = system_data_dir(env).map_err(agent_error)?;
    prepare_system_data_dir(&dir).map_err(|e| match e {
        AgentError::UnsafeDataDir(_) => agent_error(e),
        e => CliError::new(
            "io",
            1,
            anyhow::anyhow!("{e} (the system agent's store is root's: run as root)"),
        ),
    })?;
    Ok(dir)
}

/// The data directory the units run on: the system agent's own store (never a person's: root
/// would write into a directory that person controls), or the user's store, opened (created
/// if needed) so that the runs find it. A dry run creates nothing for the system agent.
async fn units_data_dir(ctx: &Context, scope: Scope, dry_run: bool) -> Result<PathBuf, CliError> {
    match scope {
        Scope::System if dry_run => system_data_dir(env).map_err(agent_error),
        Scope::System => {
            let dir = open_system_data_dir()?;
            guichet_store::Store::open(&dir).await?;
            Ok(dir)
        }
        Scope::User => {
            let store = ctx.store().await?;
            Ok(std::fs::canonicalize(store.dir())
                .with_context(|| format!("resolving {}", store.dir().display()))?)
        }
    }
}

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok()
}

/// Runs `guichet agent`.
pub async fn run(ctx: &Context, args: AgentArgs) -> Result<(), CliError> {
    match args.what {
        AgentSub::Install {
            scope,
            on_calendar,
            random_delay,
            on_boot,
            dry_run,
        } => {
            install(
                ctx,
                scope.scope(),
                &on_calendar,
                &random_delay,
                &on_boot,
                dry_run,
            )
            .await
        }
        AgentSub::Uninstall { scope } => uninstall(ctx, scope.scope()),
        AgentSub::Run { no_sync, now } => {
            run_once(ctx, no_sync, now.unwrap_or_else(Utc::now)).await
        }
        AgentSub::Status => status(ctx).await,
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

#[derive(Debug, Serialize)]
struct InstallView {
    scope: Scope,
    unit_dir: PathBuf,
    /// The store the runs use (the system agent's own, for `--system`).
    data_dir: PathBuf,
    installed: bool,
    /// Why nothing was installed (dry run, no systemd).
    reason: Option<String>,
    service: String,
    timer: String,
    systemd_updated: bool,
}

/// Checks a calendar expression with `systemd-analyze calendar` when that program exists.
fn check_calendar(spec: &str) -> Result<(), CliError> {
    match std::process::Command::new("systemd-analyze")
        .args(["calendar", spec])
        .output()
    {
        Ok(out) if !out.status.success() => Err(CliError::usage(format!(
            "--on-calendar `{spec}` is not a systemd calendar expression: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
        // Valid, or no systemd-analyze to ask: systemd will say so when loading the timer.
        _ => Ok(()),
    }
}

async fn install(
    ctx: &Context,
    scope: Scope,
    on_calendar: &str,
    random_delay: &str,
    on_boot: &str,
    dry_run: bool,
) -> Result<(), CliError> {
    let random_delay_secs = parse_duration(random_delay).map_err(agent_error)?;
    let on_boot_secs = parse_duration(on_boot).map_err(agent_error)?;
    check_calendar(on_calendar)?;
    let executable = std::env::current_exe()
        .and_then(std::fs::canonicalize)
        .context("finding the guichet executable")?;
    if scope == Scope::System {
        check_root_may_run(&executable).map_err(agent_error)?;
    }
    let data_dir = units_data_dir(ctx, scope, dry_run).await?;
    let opts = UnitOptions {
        executable,
        data_dir,
        on_calendar: on_calendar.trim().to_string(),
        on_boot_secs,
        random_delay_secs,
        scope,
    };
    let u = units(&opts).map_err(agent_error)?;
    let dir = unit_dir(scope, env).map_err(agent_error)?;
    if !dry_run {
        // `sudo guichet agent install` may keep a person's HOME: not their unit folder.
        check_root_may_write(&dir).map_err(agent_error)?;
    }
    let sd = Systemd::new(scope);
    let reason = if dry_run {
        Some("dry run".to_string())
    } else if !sd.is_running() {
        Some("systemd is not running on this machine".to_string())
    } else {
        None
    };
    let mut view = InstallView {
        scope,
        unit_dir: dir.clone(),
        data_dir: opts.data_dir.clone(),
        installed: false,
        reason,
        service: u.service.clone(),
        timer: u.timer.clone(),
        systemd_updated: false,
    };
    if view.reason.is_none() {
        let out = sd.install(&dir, &u).map_err(agent_error)?;
        view.installed = true;
        view.systemd_updated = out.systemd_updated;
        eprintln!(
            "installed {} and {} in {}; the timer is enabled",
            SERVICE_NAME,
            TIMER_NAME,
            dir.display()
        );
    }
    if scope == Scope::System {
        eprintln!(
            "the system agent uses its own store, {}: connect it with `guichet --system-agent \
             connect …` as root (its secrets are kept as systemd encrypted credentials)",
            opts.data_dir.display()
        );
    }
    let text = match &view.reason {
        None => String::new(),
        Some(why) => format!(
            "# {why}: nothing installed. These units would go in {}:\n\n# {}\n{}\n# {}\n{}",
            dir.display(),
            dir.join(SERVICE_NAME).display(),
            u.service,
            dir.join(TIMER_NAME).display(),
            u.timer
        ),
    };
    emit(ctx, &view, text)
}

fn uninstall(ctx: &Context, scope: Scope) -> Result<(), CliError> {
    let dir = unit_dir(scope, env).map_err(agent_error)?;
    let out = Systemd::new(scope).uninstall(&dir).map_err(agent_error)?;
    let mut text = String::new();
    if out.files.is_empty() {
        let _ = writeln!(text, "nothing to remove in {}", dir.display());
    }
    for f in &out.files {
        let _ = writeln!(text, "removed {}", f.display());
    }
    emit(ctx, &out, text)
}

#[derive(Debug, Serialize)]
struct RunView {
    run: AgentRun,
}

/// The run itself; every outcome, even a failure, is recorded.
async fn run_once(ctx: &Context, no_sync: bool, now: DateTime<Utc>) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let run = recorded_run(&store, no_sync, now).await?;
    let text = describe_run(&run);
    emit(ctx, &RunView { run: run.clone() }, text)?;
    if run.outcome == RunOutcome::Failed {
        return Err(CliError::new(
            "run_failed",
            1,
            anyhow::anyhow!("the run failed: {}", run.errors.join("; ")),
        ));
    }
    Ok(())
}

/// One scheduled run on `store` (inventory snapshot, sync unless `no_sync`), recorded whatever
/// its outcome; `guichet bench agent` runs it in a loop.
pub(crate) async fn recorded_run(
    store: &Store,
    no_sync: bool,
    now: DateTime<Utc>,
) -> Result<AgentRun, CliError> {
    let run_id = store.agent_run_start(Uuid::new_v4(), now).await?;
    let end = match steps(store, no_sync, now).await {
        Ok(end) => end,
        Err(e) => RunEnd {
            finished_at: later(now),
            outcome: RunOutcome::Failed,
            snapshot_id: None,
            sync: None,
            errors: vec![e.message()],
        },
    };
    store.agent_run_finish(run_id, &end).await?;
    Ok(store
        .agent_runs(1)
        .await?
        .into_iter()
        .next()
        .context("the run just recorded is missing")?)
}

/// The end of a run that started at `started`: the clock's time, or `started` when the run's
/// time was given and lies ahead of the clock (a run never ends before it starts).
fn later(started: DateTime<Utc>) -> DateTime<Utc> {
    Utc::now().max(started)
}

async fn steps(store: &Store, no_sync: bool, now: DateTime<Utc>) -> Result<RunEnd, CliError> {
    let configured = guichet_sync::config::ConnectorConfig::load(store)
        .await
        .map_err(crate::sync::sync_error)?;
    // Without a server the snapshot is still taken, as history.
    let pushed = guichet_core::collect_inventory_to_push(
        store,
        configured.as_ref().map(|c| c.kind.as_str()),
        guichet_core::InventoryReason::Scheduled,
        Duration::from_secs(60),
        now,
    )
    .await?;
    let meta = pushed.snapshot().clone();
    let deferred = match pushed {
        InventoryToPush::Deferred(_, next) => {
            tracing::info!(%next, "inventory not sent: the server asked for no contact before");
            Some(next)
        }
        _ => None,
    };
    let mut errors = Vec::new();
    let mut outcome = RunOutcome::Ok;
    let sync = if no_sync {
        Some("skipped (--no-sync)".to_string())
    } else {
        let a = crate::sync::attempt(store, now).await?;
        match a.outcome {
            // Offline is the normal state of a remote site: the queue waits for the next run.
            // Busy: another process on this store is sending the queue right now.
            SyncOutcome::Ok
            | SyncOutcome::Offline
            | SyncOutcome::NotConfigured
            | SyncOutcome::Busy => {}
            _ => {
                outcome = RunOutcome::Partial;
                errors.push(format!(
                    "sync {}: {}",
                    a.outcome.as_str(),
                    a.message.clone().unwrap_or_default()
                ));
            }
        }
        let text = match &a.message {
            Some(m) => format!("{}: {m}", a.outcome.as_str()),
            None => format!(
                "{} (pushed {}, pulled {})",
                a.outcome.as_str(),
                a.pushed,
                a.pulled
            ),
        };
        Some(match deferred {
            Some(next) => format!(
                "{text}; inventory kept for the next contact the server asked for, {}",
                next.format("%Y-%m-%d %H:%M UTC")
            ),
            None => text,
        })
    };
    Ok(RunEnd {
        finished_at: later(now),
        outcome,
        snapshot_id: Some(meta.id),
        sync,
        errors,
    })
}

fn describe_run(r: &AgentRun) -> String {
    let mut s = String::new();
    let fmt = |t: chrono::DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let _ = writeln!(
        s,
        "run {} started {}, {}{}",
        r.id,
        fmt(r.started_at),
        r.outcome.name(),
        r.finished_at
            .map(|f| format!(" at {}", fmt(f)))
            .unwrap_or_else(|| " (no end recorded)".into())
    );
    if let Some(id) = r.snapshot_id {
        let _ = writeln!(s, "snapshot: {id}");
    }
    if let Some(sync) = &r.sync {
        let _ = writeln!(s, "sync: {sync}");
    }
    for e in &r.errors {
        let _ = writeln!(s, "error: {e}");
    }
    s
}

#[derive(Debug, Serialize)]
struct StatusView {
    last_run: Option<AgentRun>,
    timers: Vec<TimerStatus>,
}

async fn status(ctx: &Context) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let last_run = store.agent_runs(1).await?.into_iter().next();
    let mut timers = Vec::new();
    for scope in [Scope::User, Scope::System] {
        if let Ok(dir) = unit_dir(scope, env) {
            timers.push(Systemd::new(scope).timer_status(&dir));
        }
    }
    let mut text = String::new();
    match &last_run {
        Some(r) => text.push_str(&describe_run(r)),
        None => text.push_str("no run recorded yet\n"),
    }
    let installed: Vec<_> = timers.iter().filter(|t| t.installed).collect();
    if installed.is_empty() {
        text.push_str("timer: not installed (guichet agent install)\n");
    }
    for t in installed {
        let _ = writeln!(
            text,
            "timer ({}): {}, next run {}",
            t.scope.name(),
            t.active_state.as_deref().unwrap_or("state unknown"),
            t.next_run
                .map(|n| n.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                .unwrap_or_else(|| "unknown to systemd".into())
        );
    }
    emit(ctx, &StatusView { last_run, timers }, text)
}
