//! The scheduled agent in the admin section: what `guichet agent status` shows (the last runs,
//! their result, the user timer and its next run) and the installation or removal of the user
//! timer, as `guichet agent install|uninstall` does it.
//!
//! The units run the real `guichet` command (found beside the app, else in `PATH`) on the app's
//! own data folder: the agent and the app share one store. Where systemd does not run, nothing
//! is installed and the unit files that would be are returned instead, so the admin can copy
//! them; `dry_run` asks for exactly that.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use guichet_agent::{
    parse_duration, unit_dir, units, AgentError, Scope, Systemd, UnitOptions, Units, SERVICE_NAME,
    TIMER_NAME,
};
use guichet_store::{AgentRun, RunOutcome};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::AppState;

/// Runs shown in the status.
const RUNS_SHOWN: i64 = 10;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AgentRunResult {
    /// Started, no end recorded (running, or stopped abruptly).
    Running,
    /// Everything worked.
    Ok,
    /// The snapshot was saved but something failed.
    Partial,
    /// Nothing was saved.
    Failed,
}

impl From<RunOutcome> for AgentRunResult {
    fn from(o: RunOutcome) -> Self {
        match o {
            RunOutcome::Running => AgentRunResult::Running,
            RunOutcome::Ok => AgentRunResult::Ok,
            RunOutcome::Partial => AgentRunResult::Partial,
            RunOutcome::Failed => AgentRunResult::Failed,
        }
    }
}

/// One recorded run of the agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AgentRunRow {
    /// Local number.
    pub id: u32,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End, when recorded.
    pub finished_at: Option<DateTime<Utc>>,
    /// Result.
    pub result: AgentRunResult,
    /// What the sync did (English, as recorded by the agent).
    pub sync: Option<String>,
    /// What went wrong.
    pub errors: Vec<String>,
}

impl From<AgentRun> for AgentRunRow {
    fn from(r: AgentRun) -> Self {
        AgentRunRow {
            id: r.id as u32,
            started_at: r.started_at,
            finished_at: r.finished_at,
            result: r.outcome.into(),
            sync: r.sync,
            errors: r.errors,
        }
    }
}

/// The agent's state: recent runs and the user timer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AgentStatus {
    /// The last runs, newest first.
    pub runs: Vec<AgentRunRow>,
    /// Whether the user timer's unit file is installed.
    pub installed: bool,
    /// Where the timer unit is (or would be).
    pub unit_file: Option<String>,
    /// The timer's state as systemd reports it (`active`…).
    pub timer_state: Option<String>,
    /// When systemd will next start the agent.
    pub next_run: Option<DateTime<Utc>>,
    /// Whether systemd runs this machine (installing needs it).
    pub systemd: bool,
    /// The `guichet` command the timer runs; `None` when it cannot be found.
    pub command: Option<String>,
}

/// When the agent runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AgentSchedule {
    /// A systemd calendar expression (`daily`, `Mon..Fri 08:30`).
    pub on_calendar: String,
    /// Random extra delay before each run (`1h`, `15min`).
    pub random_delay: String,
    /// Delay after boot before the first run (`5min`).
    pub on_boot: String,
}

/// Why nothing was installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NotInstalled {
    /// Only the files were asked for.
    DryRun,
    /// systemd does not run on this machine.
    NoSystemd,
}

/// A unit file, written or to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct UnitFile {
    /// Where it goes.
    pub path: String,
    /// Its text.
    pub text: String,
}

/// What an install did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AgentInstall {
    /// The units are written and the timer enabled.
    pub installed: bool,
    /// Why not, when not.
    pub reason: Option<NotInstalled>,
    /// The service and the timer.
    pub files: Vec<UnitFile>,
}

fn agent_error(e: AgentError) -> AppError {
    match e {
        AgentError::Invalid(_) | AgentError::NoConfigDir => AppError::invalid(e.to_string()),
        AgentError::Io { .. } => AppError::new(ErrorCode::Io, e.to_string()),
        AgentError::Systemctl { .. } => AppError::new(ErrorCode::Failed, e.to_string()),
        AgentError::UnsafeExecutable(_) | AgentError::UnsafeDataDir(_) => {
            AppError::invalid(e.to_string())
        }
    }
}

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok()
}

/// The `guichet` command: beside the app's executable (an installed package puts both in one
/// folder), else the first in `path_var`; resolved to an absolute path.
pub fn find_command(exe: Option<&Path>, path_var: Option<&OsStr>) -> Option<PathBuf> {
    let name = if cfg!(windows) {
        "guichet.exe"
    } else {
        "guichet"
    };
    let beside = exe.and_then(Path::parent).map(|d| d.join(name));
    let in_path: Vec<PathBuf> = path_var
        .map(|p| std::env::split_paths(p).map(|d| d.join(name)).collect())
        .unwrap_or_default();
    beside
        .into_iter()
        .chain(in_path)
        .find(|p| p.is_file())
        .and_then(|p| std::fs::canonicalize(p).ok())
}

fn command() -> Option<PathBuf> {
    find_command(
        std::env::current_exe().ok().as_deref(),
        std::env::var_os("PATH").as_deref(),
    )
}

/// The units for `schedule`, running `exe` on the store in `data_dir`, and their files in `dir`.
pub fn unit_files(
    exe: PathBuf,
    data_dir: PathBuf,
    schedule: &AgentSchedule,
    dir: &Path,
) -> AppResult<(Units, Vec<UnitFile>)> {
    let u = units(&UnitOptions {
        executable: exe,
        data_dir,
        on_calendar: schedule.on_calendar.trim().to_string(),
        on_boot_secs: parse_duration(&schedule.on_boot).map_err(agent_error)?,
        random_delay_secs: parse_duration(&schedule.random_delay).map_err(agent_error)?,
        scope: Scope::User,
    })
    .map_err(agent_error)?;
    let files = vec![
        UnitFile {
            path: dir.join(SERVICE_NAME).display().to_string(),
            text: u.service.clone(),
        },
        UnitFile {
            path: dir.join(TIMER_NAME).display().to_string(),
            text: u.timer.clone(),
        },
    ];
    Ok((u, files))
}

/// Checks a calendar expression with `systemd-analyze calendar` when that program exists.
fn check_calendar(spec: &str) -> AppResult<()> {
    match std::process::Command::new("systemd-analyze")
        .args(["calendar", spec])
        .output()
    {
        Ok(out) if !out.status.success() => Err(AppError::invalid(format!(
            "`{spec}` is not a systemd calendar expression: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
        // Valid, or no systemd-analyze to ask: systemd says so when it loads the timer.
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------- commands

/// The last runs of the agent and the state of the user timer.
#[tauri::command]
#[specta::specta]
pub async fn agent_status(state: State<'_, AppState>) -> AppResult<AgentStatus> {
    let runs = state.store.agent_runs(RUNS_SHOWN).await?;
    let sd = Systemd::new(Scope::User);
    let timer = unit_dir(Scope::User, env)
        .ok()
        .map(|dir| sd.timer_status(&dir));
    Ok(AgentStatus {
        runs: runs.into_iter().map(Into::into).collect(),
        installed: timer.as_ref().is_some_and(|t| t.installed),
        unit_file: timer.as_ref().map(|t| t.unit_file.display().to_string()),
        timer_state: timer.as_ref().and_then(|t| t.active_state.clone()),
        next_run: timer.and_then(|t| t.next_run),
        systemd: sd.is_running(),
        command: command().map(|p| p.display().to_string()),
    })
}

/// Installs and enables the user timer running `guichet agent run` on this store, or, with
/// `dry_run` or without systemd, returns the unit files that would be installed.
#[tauri::command]
#[specta::specta]
pub async fn agent_install(
    state: State<'_, AppState>,
    schedule: AgentSchedule,
    dry_run: bool,
) -> AppResult<AgentInstall> {
    let exe = command().ok_or_else(|| {
        AppError::new(
            ErrorCode::NotFound,
            "the `guichet` command is neither beside the app nor in PATH",
        )
    })?;
    let data_dir = std::fs::canonicalize(state.store.dir())?;
    let dir = unit_dir(Scope::User, env).map_err(agent_error)?;
    let (u, files) = unit_files(exe, data_dir, &schedule, &dir)?;
    check_calendar(schedule.on_calendar.trim())?;
    let sd = Systemd::new(Scope::User);
    let reason = if dry_run {
        Some(NotInstalled::DryRun)
    } else if !sd.is_running() {
        Some(NotInstalled::NoSystemd)
    } else {
        None
    };
    if reason.is_none() {
        tauri::async_runtime::spawn_blocking(move || sd.install(&dir, &u))
            .await
            .map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))?
            .map_err(agent_error)?;
    }
    Ok(AgentInstall {
        installed: reason.is_none(),
        reason,
        files,
    })
}

/// Disables the user timer and removes its units; the files removed.
#[tauri::command]
#[specta::specta]
pub async fn agent_uninstall() -> AppResult<Vec<String>> {
    let dir = unit_dir(Scope::User, env).map_err(agent_error)?;
    let out =
        tauri::async_runtime::spawn_blocking(move || Systemd::new(Scope::User).uninstall(&dir))
            .await
            .map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))?
            .map_err(agent_error)?;
    Ok(out
        .files
        .into_iter()
        .map(|f| f.display().to_string())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_beside_the_app_wins_over_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let app_dir = dir.path().join("app");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&app_dir).unwrap();
        std::fs::create_dir_all(&bin).unwrap();
        let exe = app_dir.join("guichet-app");
        let path = std::env::join_paths([&bin]).unwrap();
        assert_eq!(find_command(Some(&exe), Some(&path)), None, "nowhere");
        std::fs::write(bin.join("guichet"), "").unwrap();
        assert_eq!(
            find_command(Some(&exe), Some(&path)),
            Some(std::fs::canonicalize(bin.join("guichet")).unwrap())
        );
        std::fs::write(app_dir.join("guichet"), "").unwrap();
        assert_eq!(
            find_command(Some(&exe), Some(&path)),
            Some(std::fs::canonicalize(app_dir.join("guichet")).unwrap())
        );
    }

    #[test]
    fn the_units_run_the_command_on_the_apps_store() {
        let s = AgentSchedule {
            on_calendar: "Mon..Fri 08:30".into(),
            random_delay: "15min".into(),
            on_boot: "5min".into(),
        };
        let (_, files) = unit_files(
            "/usr/bin/guichet".into(),
            "/home/a/.local/share/guichet".into(),
            &s,
            Path::new("/home/a/.config/systemd/user"),
        )
        .unwrap();
        assert_eq!(
            files[0].path,
            "/home/a/.config/systemd/user/guichet-agent.service"
        );
        assert!(files[0].text.contains(
            "ExecStart=\"/usr/bin/guichet\" --data-dir \"/home/a/.local/share/guichet\" agent run"
        ));
        assert!(files[1].text.contains("OnCalendar=Mon..Fri 08:30"));
        assert!(files[1].text.contains("RandomizedDelaySec=900"));
        let bad = AgentSchedule {
            random_delay: "soon".into(),
            ..s
        };
        assert_eq!(
            unit_files(
                "/usr/bin/guichet".into(),
                "/d".into(),
                &bad,
                Path::new("/u")
            )
            .unwrap_err()
            .code,
            ErrorCode::Invalid
        );
    }
}
