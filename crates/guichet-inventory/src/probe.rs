//! Fetching primitives shared by every collector: files read under a root, commands run
//! against a deadline. Parsers never touch the system; collectors go through a [`Probe`], so a
//! test can point one at a fixture tree.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
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

    /// The first `limit` bytes of a file (a header: ClamAV's databases are tens of MB).
    pub fn read_head(&self, path: impl AsRef<Path>, limit: u64) -> io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        std::fs::File::open(self.path(path))?
            .take(limit)
            .read_to_end(&mut buf)?;
        Ok(buf)
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
        // Valid UTF-8 (the usual case) is taken as is: no copy of a large output.
        Ok(String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
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
        let mut child = self.spawn(program, args, env)?;
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
            return Err(failed(program, status, &stderr));
        }
        Ok(stdout)
    }

    /// Starts `program args…` with `LC_ALL=C`, its outputs piped (commands allowed only).
    fn spawn(&self, program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<Child, RunError> {
        if !self.allow_commands {
            return Err(RunError::NotFound(program.to_string()));
        }
        let mut command = Command::new(program);
        command
            .args(args)
            .env("LC_ALL", "C")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Inside the AppImage, AppRun puts the bundled libraries first in LD_LIBRARY_PATH for
        // the app; a host program (`lpstat`, `ip`, `nmcli`) must load the host's own, or it
        // may fail to start on a system newer than the one the AppImage was built on.
        if let (Some(appdir), Some(libs)) = (
            std::env::var_os("APPDIR"),
            std::env::var_os("LD_LIBRARY_PATH"),
        ) {
            match host_library_path(&libs.to_string_lossy(), Path::new(&appdir)) {
                Some(host) => command.env("LD_LIBRARY_PATH", host),
                None => command.env_remove("LD_LIBRARY_PATH"),
            };
        }
        // The app has no console: without CREATE_NO_WINDOW each `powershell` or `reg` it
        // starts would flash a console window on the user's screen.
        #[cfg(windows)]
        {
            use std::os::windows::process::CommandExt;
            const CREATE_NO_WINDOW: u32 = 0x0800_0000;
            command.creation_flags(CREATE_NO_WINDOW);
        }
        command.spawn().map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => RunError::NotFound(program.to_string()),
            _ => RunError::Io(program.to_string(), e),
        })
    }

    /// Runs `program args…` and hands its standard output to `sink` piece by piece as it
    /// comes, so that a large output (a 50 MB package list) is never held whole and is read
    /// while the program still writes. The child is killed when the deadline passes.
    pub fn run_streaming(
        &self,
        program: &str,
        args: &[&str],
        sink: &mut dyn FnMut(&[u8]),
    ) -> Result<(), RunError> {
        let mut child = self.spawn(program, args, &[])?;
        let mut out = child.stdout.take().expect("piped stdout");
        let mut err = child.stderr.take().expect("piped stderr");
        let err_t = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = err.read_to_end(&mut buf);
            buf
        });
        // The waiter owns the child and kills it at the deadline, which ends the reading below.
        let remaining = self.remaining();
        let waiter = std::thread::spawn(move || -> io::Result<Option<ExitStatus>> {
            match child.wait_timeout(remaining)? {
                Some(status) => Ok(Some(status)),
                None => {
                    let _ = child.kill();
                    let _ = child.wait();
                    Ok(None)
                }
            }
        });
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match out.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => sink(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        let io_err = |e| RunError::Io(program.to_string(), e);
        let status = waiter
            .join()
            .map_err(|_| io_err(io::Error::other("waiting thread panicked")))?
            .map_err(io_err)?;
        let stderr = err_t.join().unwrap_or_default();
        match status {
            None => Err(RunError::TimedOut(program.to_string())),
            Some(status) if !status.success() => Err(failed(program, status, &stderr)),
            Some(_) => Ok(()),
        }
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

/// A failed run's error, with the first lines of its standard error.
fn failed(program: &str, status: ExitStatus, stderr: &[u8]) -> RunError {
    let stderr = String::from_utf8_lossy(stderr);
    RunError::Failed {
        program: program.to_string(),
        status: status.to_string(),
        stderr: stderr.lines().take(3).collect::<Vec<_>>().join(" / "),
    }
}

/// `LD_LIBRARY_PATH` without the folders inside the AppImage's `appdir` (what the host had
/// before AppRun prepended its own), or `None` when nothing is left.
fn host_library_path(value: &str, appdir: &Path) -> Option<String> {
    let host: Vec<&str> = value
        .split(':')
        .filter(|d| !d.is_empty() && !Path::new(d).starts_with(appdir))
        .collect();
    (!host.is_empty()).then(|| host.join(":"))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn streaming_hands_over_everything_and_a_hung_program_is_killed_at_the_deadline() {
        let probe = Probe::system(Utc::now(), Duration::from_secs(5));
        let mut got = 0usize;
        probe
            .run_streaming("head", &["-c", "3000000", "/dev/zero"], &mut |b| {
                got += b.len()
            })
            .unwrap();
        assert_eq!(got, 3_000_000);

        let probe = probe.with_timeout(Duration::from_millis(200));
        let started = Instant::now();
        let r = probe.run_streaming("sleep", &["30"], &mut |_| {});
        assert!(matches!(r, Err(RunError::TimedOut(_))), "{r:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
        let r = probe
            .with_timeout(Duration::from_secs(5))
            .run_streaming("false", &[], &mut |_| {});
        assert!(matches!(r, Err(RunError::Failed { .. })), "{r:?}");
    }

    #[test]
    fn host_programs_started_from_the_appimage_do_not_load_its_bundled_libraries() {
        let appdir = Path::new("/tmp/.mount_GuichetAbc");
        assert_eq!(
            host_library_path("/tmp/.mount_GuichetAbc/usr/lib/x86_64-linux-gnu", appdir),
            None
        );
        assert_eq!(
            host_library_path(
                "/tmp/.mount_GuichetAbc/usr/lib/x86_64-linux-gnu:/opt/site/lib",
                appdir
            )
            .as_deref(),
            Some("/opt/site/lib")
        );
        // A folder that only shares the name's beginning is the host's.
        assert_eq!(
            host_library_path("/tmp/.mount_GuichetAbcd/lib", appdir).as_deref(),
            Some("/tmp/.mount_GuichetAbcd/lib")
        );
    }
}
