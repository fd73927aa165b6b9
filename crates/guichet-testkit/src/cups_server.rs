//! A private CUPS scheduler for tests, driven by `scripts/cups/`.
//!
//! Each server lives in its own temporary directory (configuration, spool, logs, a local
//! socket) and also listens on a free loopback port. Clients reach it through its socket
//! ([`CupsServer::server`] is the `CUPS_SERVER` value): only the socket tells cupsd who the
//! client is, which the owner checks of `cancel` and the admin checks of `cupsenable` need.
//! The test process runs as root; root is an admin of this scheduler and may act as any user
//! with `-U`, which is how the tests play an ordinary user and another user.
//! The start script is given this process's pid: a detached watchdog stops cupsd and deletes
//! the directory once the test process has exited.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::{Result, TestkitError};

/// Distinguishes the directories of servers started by one process.
static SEQUENCE: AtomicU32 = AtomicU32::new(0);

/// A running private cupsd.
#[derive(Debug)]
pub struct CupsServer {
    dir: PathBuf,
    socket: PathBuf,
    port: u16,
    running: bool,
}

impl CupsServer {
    /// Whether the CUPS scheduler and its clients are installed (Debian's `cups`,
    /// `cups-client`, `cups-bsd`), so that tests can print a clear SKIP message otherwise.
    pub fn is_available() -> bool {
        [
            "/usr/sbin/cupsd",
            "/usr/sbin/lpadmin",
            "/usr/bin/lpstat",
            "/usr/bin/lp",
            "/usr/bin/cancel",
            "/usr/sbin/cupsenable",
        ]
        .iter()
        .all(|p| Path::new(p).exists())
    }

    /// The repository's `scripts/cups` directory.
    pub fn scripts_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/cups")
    }

    /// Starts a fresh scheduler with no queue (about 0.1 s).
    pub fn start() -> Result<CupsServer> {
        let dir = fresh_dir()?;
        let port = free_port()?;
        let script = Self::scripts_dir().join("start-cups.sh");
        let output = Command::new(&script)
            .arg(&dir)
            .arg(port.to_string())
            .env("CUPS_OWNER_PID", std::process::id().to_string())
            .stdin(Stdio::null())
            .output()?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(TestkitError::Script {
                script,
                status: output.status.to_string(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            });
        }
        let socket = stdout
            .lines()
            .find_map(|l| l.strip_prefix("CUPS_SERVER="))
            .map(PathBuf::from)
            .ok_or_else(|| TestkitError::BadResponse(format!("start-cups.sh said {stdout}")))?;
        Ok(CupsServer {
            dir,
            socket,
            port,
            running: true,
        })
    }

    /// The `CUPS_SERVER` value clients use: the scheduler's socket.
    pub fn server(&self) -> String {
        self.socket.display().to_string()
    }

    /// The loopback port it also listens on (anonymous clients).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its directory (configuration, spool, `log/error_log`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Adds an enabled queue printing to `/dev/null`: its jobs complete at once unless the
    /// queue is stopped.
    pub fn add_queue(&self, name: &str) -> Result<()> {
        self.admin("lpadmin", &["-p", name, "-E", "-v", "file:///dev/null"])
            .map(drop)
    }

    /// Adds an enabled queue whose printer never answers (a loopback port nobody listens on):
    /// its jobs stay "printing" while the backend retries, as with a printer switched off.
    pub fn add_unreachable_queue(&self, name: &str) -> Result<()> {
        let uri = format!("socket://127.0.0.1:{}", free_port()?);
        self.admin("lpadmin", &["-p", name, "-E", "-v", &uri])
            .map(drop)
    }

    /// Stops a queue (`cupsdisable`): its jobs wait.
    pub fn stop_queue(&self, name: &str, reason: &str) -> Result<()> {
        self.admin("cupsdisable", &["-r", reason, name]).map(drop)
    }

    /// Makes a queue refuse new jobs (`cupsreject`).
    pub fn reject_jobs(&self, name: &str, reason: &str) -> Result<()> {
        self.admin("cupsreject", &["-r", reason, name]).map(drop)
    }

    /// Submits `bytes` bytes of text to `queue` as `user` (`lp -U`); returns the job id
    /// (`desk-3`).
    pub fn submit(&self, queue: &str, user: &str, bytes: usize) -> Result<String> {
        let mut child = Command::new("lp")
            .args(["-U", user, "-d", queue, "-t", "guichet test", "-o", "raw"])
            .env("CUPS_SERVER", &self.socket)
            .env("LC_ALL", "C")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(&b"guichet print test\n".repeat(bytes / 19 + 1)[..bytes])?;
        }
        let output = child.wait_with_output()?;
        let stdout = checked("lp", &output)?;
        stdout
            .split_whitespace()
            .skip_while(|w| *w != "is")
            .nth(1)
            .map(str::to_string)
            .ok_or_else(|| TestkitError::BadResponse(format!("lp said {stdout}")))
    }

    /// Runs a CUPS client command as root, this scheduler's admin (`lpstat -o`, `lpadmin`…).
    pub fn admin(&self, program: &str, args: &[&str]) -> Result<String> {
        let output = Command::new(program)
            .args(args)
            .env("CUPS_SERVER", &self.socket)
            .env("LC_ALL", "C")
            .env("TZ", "UTC")
            .stdin(Stdio::null())
            .output()?;
        checked(program, &output)
    }

    /// Stops cupsd and deletes its directory (also done on drop).
    pub fn stop(&mut self) -> Result<()> {
        if !self.running {
            return Ok(());
        }
        self.running = false;
        let script = Self::scripts_dir().join("stop-cups.sh");
        let output = Command::new(&script)
            .arg(&self.dir)
            .arg("--purge")
            .output()?;
        checked(&script.display().to_string(), &output).map(drop)
    }
}

impl Drop for CupsServer {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            tracing::warn!(error = %e, dir = %self.dir.display(), "could not stop cupsd");
        }
    }
}

fn checked(program: &str, output: &std::process::Output) -> Result<String> {
    if !output.status.success() {
        return Err(TestkitError::Script {
            script: PathBuf::from(program),
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// A new, not yet existing directory under the system temp dir, unique per process, per
/// server and per run; short, because a socket path must fit in 108 bytes.
fn fresh_dir() -> Result<PathBuf> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "guichet-cups-{}-{}-{nanos:x}",
        std::process::id(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir(&dir)?;
    Ok(dir)
}

/// A loopback port that was free a moment ago (the OS picks it).
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}
