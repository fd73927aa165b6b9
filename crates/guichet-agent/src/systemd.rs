//! Installing, removing and querying the units through `systemctl`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::units::{Scope, Units, SERVICE_NAME, TIMER_NAME};
use crate::AgentError;

/// One systemd manager (user or system), reached through `systemctl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Systemd {
    scope: Scope,
    systemctl: PathBuf,
    booted_marker: PathBuf,
}

/// What an install or uninstall did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallOutcome {
    /// Where the unit files are.
    pub unit_dir: PathBuf,
    /// Files written or removed.
    pub files: Vec<PathBuf>,
    /// Whether systemd was told (daemon-reload, enable/disable).
    pub systemd_updated: bool,
    /// Why systemd was not told, when it was not.
    pub note: Option<String>,
}

/// What is known of the timer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimerStatus {
    /// User or system.
    pub scope: Scope,
    /// Whether the timer unit file is there.
    pub installed: bool,
    /// Where it is (or would be).
    pub unit_file: PathBuf,
    /// The timer's state as systemd reports it (`active`, `inactive`…).
    pub active_state: Option<String>,
    /// When systemd will next start the agent.
    pub next_run: Option<DateTime<Utc>>,
}

impl Systemd {
    /// The manager of `scope`, through the `systemctl` found in `PATH`.
    pub fn new(scope: Scope) -> Systemd {
        Systemd {
            scope,
            systemctl: PathBuf::from("systemctl"),
            booted_marker: PathBuf::from("/run/systemd/system"),
        }
    }

    /// Which manager.
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// Whether systemd runs this machine (the check of `sd_booted()`) and `systemctl` exists.
    pub fn is_running(&self) -> bool {
        self.booted_marker.is_dir()
            && Command::new(&self.systemctl)
                .arg("--version")
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false)
    }

    fn systemctl(&self, args: &[&str]) -> Result<String, AgentError> {
        let scope = match self.scope {
            Scope::User => "--user",
            Scope::System => "--system",
        };
        let out = Command::new(&self.systemctl)
            .arg(scope)
            .args(args)
            .output()
            .map_err(|e| AgentError::Systemctl {
                args: args.join(" "),
                message: e.to_string(),
            })?;
        if !out.status.success() {
            return Err(AgentError::Systemctl {
                args: format!("{scope} {}", args.join(" ")),
                message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Writes both units into `dir` (each file atomically), then, when systemd runs, reloads
    /// it and enables and starts the timer.
    pub fn install(&self, dir: &Path, units: &Units) -> Result<InstallOutcome, AgentError> {
        std::fs::create_dir_all(dir).map_err(|source| AgentError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut files = Vec::new();
        for (name, text) in [(SERVICE_NAME, &units.service), (TIMER_NAME, &units.timer)] {
            let path = dir.join(name);
            write_atomically(&path, text.as_bytes()).map_err(|source| AgentError::Io {
                path: path.clone(),
                source,
            })?;
            files.push(path);
        }
        if !self.is_running() {
            return Ok(InstallOutcome {
                unit_dir: dir.to_path_buf(),
                files,
                systemd_updated: false,
                note: Some(
                    "systemd is not running here: the units are written but not enabled".into(),
                ),
            });
        }
        self.systemctl(&["daemon-reload"])?;
        self.systemctl(&["enable", "--now", TIMER_NAME])?;
        Ok(InstallOutcome {
            unit_dir: dir.to_path_buf(),
            files,
            systemd_updated: true,
            note: None,
        })
    }

    /// Stops and disables the timer (when systemd runs), then removes both unit files from
    /// `dir`. Removing what is not installed is not an error.
    pub fn uninstall(&self, dir: &Path) -> Result<InstallOutcome, AgentError> {
        let running = self.is_running();
        let timer = dir.join(TIMER_NAME);
        if running && timer.exists() {
            self.systemctl(&["disable", "--now", TIMER_NAME])?;
        }
        let mut files = Vec::new();
        for name in [TIMER_NAME, SERVICE_NAME] {
            let path = dir.join(name);
            match std::fs::remove_file(&path) {
                Ok(()) => files.push(path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(AgentError::Io { path, source }),
            }
        }
        if running {
            self.systemctl(&["daemon-reload"])?;
        }
        Ok(InstallOutcome {
            unit_dir: dir.to_path_buf(),
            files,
            systemd_updated: running,
            note: (!running).then(|| "systemd is not running here".to_string()),
        })
    }

    /// The timer's state and next run, as far as systemd knows them.
    pub fn timer_status(&self, dir: &Path) -> TimerStatus {
        let unit_file = dir.join(TIMER_NAME);
        let installed = unit_file.is_file();
        let (mut active_state, mut next_run) = (None, None);
        if installed && self.is_running() {
            if let Ok(out) = self.systemctl(&[
                "show",
                TIMER_NAME,
                "--property=ActiveState,NextElapseUSecRealtime",
                "--timestamp=unix",
            ]) {
                let (a, n) = parse_show(&out);
                active_state = a;
                next_run = n;
            }
        }
        TimerStatus {
            scope: self.scope,
            installed,
            unit_file,
            active_state,
            next_run,
        }
    }
}

/// Reads `ActiveState=` and `NextElapseUSecRealtime=@<unix seconds>` from `systemctl show`.
fn parse_show(out: &str) -> (Option<String>, Option<DateTime<Utc>>) {
    let mut active = None;
    let mut next = None;
    for line in out.lines() {
        if let Some(v) = line.strip_prefix("ActiveState=") {
            active = Some(v.trim().to_string()).filter(|s| !s.is_empty());
        } else if let Some(v) = line.strip_prefix("NextElapseUSecRealtime=") {
            next = v
                .trim()
                .strip_prefix('@')
                .and_then(|s| s.parse::<i64>().ok())
                .and_then(|secs| DateTime::from_timestamp(secs, 0));
        }
    }
    (active, next)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_run_is_read_from_systemctl_show() {
        let (a, n) = parse_show("ActiveState=active\nNextElapseUSecRealtime=@1763942400\n");
        assert_eq!(a.as_deref(), Some("active"));
        assert_eq!(n.unwrap().to_rfc3339(), "2025-11-24T00:00:00+00:00");
        let (a, n) = parse_show("ActiveState=inactive\nNextElapseUSecRealtime=\n");
        assert_eq!((a.as_deref(), n), (Some("inactive"), None));
    }

    #[test]
    fn without_systemd_install_writes_the_files_and_says_so_and_uninstall_removes_them() {
        let dir = tempfile::tempdir().unwrap();
        let sd = Systemd {
            scope: Scope::User,
            systemctl: PathBuf::from("systemctl"),
            booted_marker: dir.path().join("not-booted-with-systemd"),
        };
        let units = Units {
            service: "[Service]\n".into(),
            timer: "[Timer]\n".into(),
        };
        let out = sd.install(&dir.path().join("units"), &units).unwrap();
        assert!(!out.systemd_updated && out.note.is_some());
        assert_eq!(out.files.len(), 2);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("units").join(TIMER_NAME)).unwrap(),
            "[Timer]\n"
        );
        let st = sd.timer_status(&dir.path().join("units"));
        assert!(st.installed && st.next_run.is_none());
        let out = sd.uninstall(&dir.path().join("units")).unwrap();
        assert_eq!(out.files.len(), 2);
        assert!(!sd.timer_status(&dir.path().join("units")).installed);
        assert!(sd
            .uninstall(&dir.path().join("units"))
            .unwrap()
            .files
            .is_empty());
    }
}
