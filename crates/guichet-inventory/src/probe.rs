//! Fetching primitives shared by every collector: files read under a root, commands run
//! against a deadline. Parsers never touch the system; collectors go through a [`Probe`], so a
//! test can point one at a fixture tree.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use wait_timeout::ChildExt;

/// Why running a command failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The program is not installed.
    #[error("`{0}` is not installed")]
    NotFound(String),
    /// The program did not finish before the collection deadline; it was killed.
    #[error("`{0}` did not finish before the deadline")]
    TimedOut(String),
    /// The program exited with a failure status.
    #[error("`{program}` exited with {status}: {stderr}")]
    Failed {
        /// Program name.
        program: String,
        /// Exit status as text.
        status: String,
        /// First line(s) of its standard error.
        stderr: String,
    },
    /// Spawning or reading failed.
    #[error("`{0}`: {1}")]
    Io(String, #[source] io::Error),
}

/// Access to the system being inventoried.
#[derive(Debug, Clone)]
pub struct Probe {
    root: PathBuf,
    deadline: Instant,
    privileged: bool,
    now: DateTime<Utc>,
    allow_commands: bool,
}

impl Probe {
    /// A probe of the running system, with `timeout` to spend in all.
    pub fn system(now: DateTime<Utc>, timeout: Duration) -> Self {
        Probe {
            root: PathBuf::from("/"),
            deadline: Instant::now() + timeout,
            privileged: effective_root(),
            now,
            allow_commands: true,
        }
    }

    /// A probe reading files under `root` (a fixture tree) and running no command at all.
    pub fn fixture(root: impl Into<PathBuf>, now: DateTime<Utc>) -> Self {
        Probe {
            root: root.into(),
            deadline: Instant::now() + Duration::from_secs(60),
            privileged: false,
            now,
            allow_commands: false,
        }
    }

    /// The same probe with a new deadline `timeout` from now.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.deadline = Instant::now() + timeout;
        self
    }

    /// The same probe, claiming root rights or not (tests of privileged code paths).
    pub fn with_privileged(mut self, privileged: bool) -> Self {
        self.privileged = privileged;
        self
    }

    /// Whether the agent runs with root / administrator rights.
    pub fn privileged(&self) -> bool {
        self.privileged
    }

    /// The collection time passed in by the caller.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Time left before the deadline.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// The deadline itself.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Host path for a system path (`/proc/meminfo` → `<root>/proc/meminfo`).
    pub fn path(&self, path: impl AsRef<Path>) -> PathBuf {
        let p = path.as_ref();
        let rel = p.strip_prefix("/").unwrap_or(p);
        self.root.join(rel)
    }

    /// Reads a whole text file (lossy UTF-8).
    pub fn read(&self, path: impl AsRef<Path>) -> io::Result<String> {
        let bytes = std::fs::read(self.path(path))?;
        Ok(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }

    /// Reads a small sysfs-style attribute: trimmed, `None` when absent or empty.
    pub fn attr(&self, path: impl AsRef<Path>) -> Option<String> {
        let s = self.read(path).ok()?;
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    /// Reads a whole binary file.
    pub fn read_bytes(&self, path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
        std::fs::read(self.path(path))
    }

    /// Names of a directory's entries, sorted; empty when the directory does not exist.
    pub fn list(&self, path: impl AsRef<Path>) -> Vec<String> {
        let mut names: Vec<String> = match std::fs::read_dir(self.path(path)) {
            Ok(rd) => rd
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => Vec::new(),
        };
        names.sort();
        names
    }

    /// Whether a path exists.
    pub fn exists(&self, path: impl AsRef<Path>) -> bool {
        self.path(path).exists()
    }

    /// Target of a symbolic link, when it is one.
    pub fn link(&self, path: impl AsRef<Path>) -> Option<PathBuf> {
        std::fs::read_link(self.path(path)).ok()
    }

    /// Metadata of a path (follows links).
    pub fn metadata(&self, path: impl AsRef<Path>) -> io::Result<std::fs::Metadata> {
        std::fs::metadata(self.path(path))
    }

    /// Whether `program` can be found on `PATH` (always false for a fixture probe).
    pub fn has_program(&self, program: &str) -> bool {
        if !self.allow_commands {
            return false;
        }
        let Some(paths) = std::env::var_os("PATH") else {
            return false;
        };
        std::env::split_paths(&paths).any(|d| d.join(program).is_file())
    }

    /// Runs `program args…` and returns its standard output (lossy UTF-8). The child is killed
    /// when the deadline passes. `LC_ALL=C` keeps outputs parseable whatever the user's locale.
    pub fn run(&self, program: &str, args: &[&str]) -> Result<String, RunError> {
        let bytes = self.run_bytes(program, args)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Like [`Probe::run`], with `env` added to the child's environment (`TZ=UTC`,
    /// `CUPS_SERVER=…`).
    pub fn run_with_env(
        &self,
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<String, RunError> {
        let bytes = self.run_bytes_env(program, args, env)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Like [`Probe::run`], returning raw bytes (for UTF-16 outputs on Windows).
    pub fn run_bytes(&self, program: &str, args: &[&str]) -> Result<Vec<u8>, RunError> {
        self.run_bytes_env(program, args, &[])
    }

    fn run_bytes_env(
        &self,
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Vec<u8>, RunError> {
        if !self.allow_commands {
            return Err(RunError::NotFound(program.to_string()));
        }
        let mut child = Command::new(program)
            .args(args)
            .env("LC_ALL", "C")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => RunError::NotFound(program.to_string()),
                _ => RunError::Io(program.to_string(), e),
            })?;
        // Drain both pipes on threads so a chatty child cannot block on a full pipe while we wait.
        let mut out = child.stdout.take().expect("piped stdout");
        let mut err = child.stderr.take().expect("piped stderr");
        let out_t = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = out.read_to_end(&mut buf);
            buf
        });
        let err_t = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = err.read_to_end(&mut buf);
            buf
        });
        let status = match child
            .wait_timeout(self.remaining())
            .map_err(|e| RunError::Io(program.to_string(), e))?
        {
            Some(s) => s,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::TimedOut(program.to_string()));
            }
        };
        let stdout = out_t.join().unwrap_or_default();
        let stderr = err_t.join().unwrap_or_default();
        if !status.success() {
            let stderr = String::from_utf8_lossy(&stderr);
            return Err(RunError::Failed {
                program: program.to_string(),
                status: status.to_string(),
                stderr: stderr.lines().take(3).collect::<Vec<_>>().join(" / "),
            });
        }
        Ok(stdout)
    }

    /// Total and available bytes of the file system holding `path` (`statvfs`; Unix only, the
    /// Windows and macOS volumes come from `sysinfo`).
    #[cfg(unix)]
    pub fn fs_space(&self, path: impl AsRef<Path>) -> io::Result<(u64, u64)> {
        let st = rustix::fs::statvfs(self.path(path)).map_err(io::Error::from)?;
        let frsize = if st.f_frsize > 0 {
            st.f_frsize
        } else {
            st.f_bsize
        };
        Ok((st.f_blocks * frsize, st.f_bavail * frsize))
    }

    /// Total and available bytes of the file system holding `path`: no `statvfs` here.
    #[cfg(not(unix))]
    pub fn fs_space(&self, path: impl AsRef<Path>) -> io::Result<(u64, u64)> {
        let _ = self.path(path);
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "statvfs is Unix only",
        ))
    }
}

/// Whether this process runs as root (the Linux collectors then read DMI and more). rustix has
/// no process calls on Windows, where nothing depends on it.
#[cfg(unix)]
fn effective_root() -> bool {
    rustix::process::geteuid().is_root()
}

#[cfg(not(unix))]
fn effective_root() -> bool {
    false
}
