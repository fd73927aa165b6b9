//! Printing: the CUPS queues and the jobs waiting in them, read with `lpstat` (parsed in
//! [`crate::parse::lpstat`]). Read on demand by the printing checks and the `print-queue`
//! action, not part of a collection.
//!
//! Every command runs with `LC_ALL=C` (words) and `TZ=UTC` (lpstat prints dates in local time
//! without a zone). [`CupsClient`] says which scheduler to ask (`CUPS_SERVER`: the tests' own
//! one; `None` leaves CUPS's usual choice: the environment, `~/.cups/client.conf`, then
//! `/run/cups/cups.sock`) and, for tests running as root, whom to ask as (`-U`).

use crate::parse::lpstat::{self, LpstatFailure, PrintJob, PrintQueue};
use crate::{Probe, RunError};

/// Which scheduler to ask, and as whom.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CupsClient {
    /// `CUPS_SERVER` for the commands (a socket path or `host:port`); `None`: CUPS's default.
    pub server: Option<String>,
    /// The CUPS user name to act as (`-U`); `None`: the caller's own login. Only root may
    /// name another user, which the tests do to act as an ordinary user.
    pub user: Option<String>,
}

impl CupsClient {
    /// The environment every CUPS command is run with.
    pub fn env(&self) -> Vec<(&str, &str)> {
        let mut env = vec![("TZ", "UTC")];
        if let Some(server) = &self.server {
            env.push(("CUPS_SERVER", server.as_str()));
        }
        env
    }

    /// `args` preceded by `-U user` when a user is named.
    pub fn args<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        let mut out = Vec::with_capacity(args.len() + 2);
        if let Some(user) = &self.user {
            out.extend(["-U", user.as_str()]);
        }
        out.extend_from_slice(args);
        out
    }

    /// Runs a CUPS command (`lpstat`, `cancel`, `cupsenable`…) through `probe`.
    pub fn run(&self, probe: &Probe, program: &str, args: &[&str]) -> Result<String, RunError> {
        probe.run_with_env(program, &self.args(args), &self.env())
    }
}

/// The queues and the jobs not yet completed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintingStatus {
    /// Every queue, with whether it accepts jobs.
    pub queues: Vec<PrintQueue>,
    /// Every job not completed (other users' owners may read `unknown`).
    pub jobs: Vec<PrintJob>,
}

/// Why printing could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintingError {
    /// `lpstat` is not installed (no CUPS client).
    #[error("CUPS is not installed (no lpstat)")]
    NotInstalled,
    /// No CUPS scheduler answers.
    #[error("no CUPS scheduler is running")]
    NotRunning,
    /// `lpstat` failed otherwise or did not answer in time.
    #[error("{0}")]
    Failed(String),
}

/// Reads the queues (`lpstat -p -d`, `lpstat -a`) and the jobs (`lpstat -W not-completed -o`).
/// A scheduler with no queue gives an empty status, not an error.
pub fn printing_status(
    probe: &Probe,
    client: &CupsClient,
) -> Result<PrintingStatus, PrintingError> {
    let printers = match client.run(probe, "lpstat", &["-p", "-d"]) {
        Ok(text) => text,
        Err(e) => {
            return match failure(e)? {
                LpstatFailure::NoQueues => Ok(PrintingStatus::default()),
                _ => Err(PrintingError::NotRunning),
            }
        }
    };
    let mut queues = lpstat::parse_printers(&printers);
    let accepting = client
        .run(probe, "lpstat", &["-a"])
        .map_err(|e| PrintingError::Failed(e.to_string()))?;
    lpstat::apply_accepting(&accepting, &mut queues);
    let jobs = client
        .run(probe, "lpstat", &["-W", "not-completed", "-o"])
        .map_err(|e| PrintingError::Failed(e.to_string()))?;
    Ok(PrintingStatus {
        queues,
        jobs: lpstat::parse_jobs(&jobs),
    })
}

fn failure(e: RunError) -> Result<LpstatFailure, PrintingError> {
    match e {
        RunError::NotFound(_) => Err(PrintingError::NotInstalled),
        RunError::Failed { ref stderr, .. } => match lpstat::classify_failure(stderr) {
            LpstatFailure::Other => Err(PrintingError::Failed(e.to_string())),
            known => Ok(known),
        },
        other => Err(PrintingError::Failed(other.to_string())),
    }
}

/// The login CUPS knows the caller by: the name of the effective uid in `/etc/passwd` (what
/// the scheduler reads from the socket's peer), else `USER`.
pub fn cups_user_name() -> Option<String> {
    passwd_name()
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .or_else(|| std::env::var("USERNAME").ok().filter(|u| !u.is_empty()))
}

#[cfg(unix)]
fn passwd_name() -> Option<String> {
    let uid = rustix::process::geteuid().as_raw();
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|text| user_name_for_uid(&text, uid))
}

/// No passwd file and no uid on Windows: the login comes from the environment.
#[cfg(not(unix))]
fn passwd_name() -> Option<String> {
    None
}

/// The name of `uid` in a passwd file's text.
pub fn user_name_for_uid(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id = fields.nth(1)?.parse::<u32>().ok()?;
        (id == uid && !name.is_empty()).then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_from_passwd() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\nana:x:1000:1000::/home/ana:/bin/sh\n";
        assert_eq!(user_name_for_uid(passwd, 1000).as_deref(), Some("ana"));
        assert_eq!(user_name_for_uid(passwd, 0).as_deref(), Some("root"));
        assert_eq!(user_name_for_uid(passwd, 7), None);
    }

    #[test]
    fn a_fixture_probe_has_no_cups() {
        let probe = Probe::fixture("/nonexistent", chrono::DateTime::UNIX_EPOCH);
        assert_eq!(
            printing_status(&probe, &CupsClient::default()),
            Err(PrintingError::NotInstalled)
        );
    }

    #[test]
    fn a_named_user_goes_first() {
        let client = CupsClient {
            server: Some("/tmp/s".into()),
            user: Some("ana".into()),
        };
        assert_eq!(client.args(&["-o"]), ["-U", "ana", "-o"]);
        assert_eq!(client.env(), [("TZ", "UTC"), ("CUPS_SERVER", "/tmp/s")]);
    }
}
