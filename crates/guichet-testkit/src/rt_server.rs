//! A private Request Tracker 5 server for tests, driven by `scripts/rt/`.
//!
//! Each server lives in its own temporary directory (SQLite database, logs,
//! mail spool) and listens on a free loopback port. The start script is given
//! this process's pid: a detached watchdog stops the server and deletes the
//! directory once the test process has exited, so servers that are never
//! dropped (the [`RtServer::shared`] one lives in a static) or test binaries
//! that crash or are killed never leave RT running.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::{Result, TestkitError};

/// Files whose presence means the RT Debian packages are installed.
const RT_SERVER_BIN: &str = "/usr/share/request-tracker5/libexec/rt-server";
const RT_SETUP_BINS: [&str; 2] = [
    "/usr/sbin/rt-setup-database-5",
    "/usr/sbin/rt-setup-database",
];

/// How many times `start` tries another port when the chosen one was taken
/// between probing it and RT binding it.
const PORT_ATTEMPTS: u32 = 3;

/// Distinguishes the directories of servers started by one process.
static SEQUENCE: AtomicU32 = AtomicU32::new(0);

/// The one server shared by all tests of a test binary.
static SHARED: OnceLock<std::result::Result<RtServer, String>> = OnceLock::new();

/// A running (or stopped, data kept) private RT 5 instance.
#[derive(Debug)]
pub struct RtServer {
    url: String,
    port: u16,
    dir: PathBuf,
    running: bool,
    purged: bool,
    /// The initial data applied once at init (`RT_SEED_DATAFILE`).
    seed: PathBuf,
}

impl RtServer {
    /// Login of the end-user account Guichet authenticates as.
    pub const USER: &'static str = "guichet-user";
    /// Password of [`RtServer::USER`].
    pub const USER_PASSWORD: &'static str = "guichet-pass";
    /// Login of the technician (full rights on queue, class and catalog).
    pub const TECH: &'static str = "tech";
    /// Password of [`RtServer::TECH`].
    pub const TECH_PASSWORD: &'static str = "tech-pass";
    /// RT's superuser login (password [`RtServer::ROOT_PASSWORD`]).
    pub const ROOT: &'static str = "root";
    /// Password of [`RtServer::ROOT`] (start-rt.sh's default).
    pub const ROOT_PASSWORD: &'static str = "password";
    /// The queue Guichet files tickets in.
    pub const QUEUE: &'static str = "ServiceDesk";
    /// The article class Guichet shows.
    pub const ARTICLE_CLASS: &'static str = "Guichet KB";
    /// The asset catalog Guichet inventories into.
    pub const CATALOG: &'static str = "Workstations";
    /// The queue of a stock server ([`RtServer::start_stock`]): RT's own.
    pub const STOCK_QUEUE: &'static str = "General";

    /// Whether the RT 5 packages (server, SQLite driver, setup tool) are
    /// installed, so that tests can print a clear SKIP message otherwise.
    pub fn is_available() -> bool {
        Path::new(RT_SERVER_BIN).exists()
            && RT_SETUP_BINS.iter().any(|p| Path::new(p).exists())
            && Command::new("perl")
                .args(["-MDBD::SQLite", "-MStarlet", "-e1"])
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false)
    }

    /// The repository's `scripts/rt` directory.
    pub fn scripts_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/rt")
    }

    /// Starts a fresh seeded server in a new temporary directory on a free
    /// loopback port. Takes about 5-10 s (database init, seed, boot).
    pub fn start() -> Result<RtServer> {
        Self::start_with(Self::scripts_dir().join("guichet-seed.pl"))
    }

    /// Starts a fresh *stock* server: RT's own initial data only (queue and
    /// article class `General`, catalog `General assets`, no custom field),
    /// plus what an admin grants by hand for Guichet's account
    /// (`scripts/rt/stock-users.pl`: users [`RtServer::USER`] and
    /// [`RtServer::TECH`], ticket rights on queue [`RtServer::STOCK_QUEUE`]).
    pub fn start_stock() -> Result<RtServer> {
        Self::start_with(Self::scripts_dir().join("stock-users.pl"))
    }

    /// Applies an RT initial-data file to this server's database, as an admin
    /// does with `rt-setup-database --action insert --datafile FILE`, with
    /// extra environment `envs` (e.g. `GUICHET_QUEUE`). Fails if RT logs an
    /// error while applying it, other than a right granted already (the
    /// running server sees the new objects at once).
    pub fn apply_datafile(&self, file: &Path, envs: &[(&str, &str)]) -> Result<()> {
        let setup = RT_SETUP_BINS
            .iter()
            .find(|p| Path::new(p).exists())
            .ok_or(TestkitError::NotInstalled)?;
        let etc = self.dir.join("etc");
        let mut command = Command::new(setup);
        command
            .args(["--action", "insert", "--skip-create", "--datafile"])
            .arg(std::fs::canonicalize(file)?)
            .env("RT_SITE_CONFIG", etc.join("RT_SiteConfig.pm"))
            .env("RT_SITE_CONFIG_DIR", etc.join("RT_SiteConfig.d"))
            .envs(envs.iter().copied());
        let output = command.output()?;
        let log = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        let failed = log
            .lines()
            .any(|l| l.contains("[error]") && !l.contains("already has the right"));
        if !output.status.success() || failed {
            return Err(TestkitError::Script {
                script: PathBuf::from(setup),
                status: output.status.to_string(),
                stderr: log,
            });
        }
        Ok(())
    }

    /// Starts a fresh server whose database gets `seed` once after init.
    fn start_with(seed: PathBuf) -> Result<RtServer> {
        if !Self::is_available() {
            return Err(TestkitError::NotInstalled);
        }
        let dir = Self::fresh_dir()?;
        let mut last_error = None;
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port()?;
            let mut server = RtServer {
                url: String::new(),
                port,
                dir: dir.clone(),
                running: false,
                purged: false,
                seed: seed.clone(),
            };
            match server.run_start() {
                Ok(()) => return Ok(server),
                Err(e) => {
                    // Keep `dir` for the next attempt (a successful init is
                    // reused); only the port changes.
                    server.purged = true;
                    last_error = Some(e);
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        Err(last_error.unwrap_or(TestkitError::NotInstalled))
    }

    /// One server per test process, started on first use and shared by all
    /// tests of the binary. It is never dropped: the watchdog started with it
    /// stops it and deletes its directory once the test process has exited.
    /// Tests sharing it must not depend on global counts (use unique ids).
    pub fn shared() -> Result<&'static RtServer> {
        SHARED
            .get_or_init(|| RtServer::start().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| TestkitError::SharedServer(e.clone()))
    }

    /// Base URL, e.g. `http://127.0.0.1:41234` (REST2 is below `/REST/2.0/`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// REST2 base URL, `<url>/REST/2.0`.
    pub fn rest2_url(&self) -> String {
        format!("{}/REST/2.0", self.url)
    }

    /// Loopback port the server listens on (kept across restarts).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Instance directory: `var/rt.db`, `log/rt.log`, `log/server.log`,
    /// outgoing mail in `var/*.mbox`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the server is currently running.
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Stops the server, keeping its database, so that a test can observe
    /// "server down" and later call [`RtServer::resume`].
    pub fn stop_keep_data(&mut self) -> Result<()> {
        if self.running {
            run_script(&Self::scripts_dir().join("stop-rt.sh"), &[&self.dir], &[])?;
            self.running = false;
        }
        Ok(())
    }

    /// Starts a stopped server again on the same database and port.
    pub fn resume(&mut self) -> Result<()> {
        if !self.running {
            self.run_start()?;
        }
        Ok(())
    }

    /// Stops then starts the server on the same database and port ("server
    /// down, then up").
    pub fn restart(&mut self) -> Result<()> {
        self.stop_keep_data()?;
        self.resume()
    }

    /// Stops the server and deletes its directory. Also done on drop.
    pub fn stop(&mut self) -> Result<()> {
        if !self.purged {
            let dir = self.dir.clone();
            run_script(
                &Self::scripts_dir().join("stop-rt.sh"),
                &[dir.as_path(), Path::new("--purge")],
                &[],
            )?;
            self.running = false;
            self.purged = true;
        }
        Ok(())
    }

    /// Runs start-rt.sh for `self.dir` and `self.port` (init + seed the first
    /// time, reuse the database afterwards).
    fn run_start(&mut self) -> Result<()> {
        let started = Instant::now();
        let seed = self.seed.clone();
        let pid = std::process::id().to_string();
        let port = self.port.to_string();
        let stdout = run_script(
            &Self::scripts_dir().join("start-rt.sh"),
            &[self.dir.as_path(), Path::new(&port)],
            &[
                ("RT_SEED_DATAFILE", seed.as_os_str()),
                ("RT_OWNER_PID", pid.as_ref()),
            ],
        )?;
        let url = stdout.trim().to_owned();
        if !url.starts_with("http://127.0.0.1:") {
            return Err(TestkitError::BadResponse(format!(
                "start-rt.sh printed {url:?} instead of the base URL"
            )));
        }
        tracing::info!(%url, elapsed = ?started.elapsed(), "RT server started");
        self.url = url;
        self.running = true;
        Ok(())
    }

    /// A new, not yet existing directory under the system temp dir; unique
    /// per process, per server and per run.
    fn fresh_dir() -> Result<PathBuf> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "guichet-rt-{}-{}-{nanos:x}",
            std::process::id(),
            SEQUENCE.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&dir)?;
        Ok(dir)
    }
}

impl Drop for RtServer {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            tracing::warn!(error = %e, dir = %self.dir.display(), "could not stop RT server");
        }
    }
}

/// A loopback port that was free a moment ago (the OS picks it).
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}

/// Runs a script with arguments and extra environment; returns its stdout or
/// a [`TestkitError::Script`] carrying its stderr.
fn run_script(script: &Path, args: &[&Path], envs: &[(&str, &std::ffi::OsStr)]) -> Result<String> {
    let mut command = Command::new(script);
    command.args(args);
    for (key, value) in envs {
        command.env(key, value);
    }
    let output = command.output()?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(TestkitError::Script {
            script: script.to_path_buf(),
            status: output.status.to_string(),
            stderr,
        });
    }
    tracing::debug!(script = %script.display(), %stderr, "script done");
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
