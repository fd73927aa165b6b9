//! A private, real GLPI server for tests, driven by `scripts/glpi/`.
//!
//! Each server is an unmodified GLPI release (10.0.10 or 11.0.6) run by PHP's built-in server
//! with its own MariaDB, in its own temporary state directory, on loopback. The release archive
//! comes from `GLPI_ARCHIVE_DIR` (`glpi-<version>.tar.xz` or `.tgz`; CI points it at the copies
//! beside the checkout), else the start script downloads GLPI's official archive. The start
//! script is given this process's pid: a detached watchdog stops the servers and deletes the
//! state once the test process has exited, so a killed test binary never leaves GLPI running.
//!
//! Start-up costs a few seconds once the fresh database of a version is cached
//! (`GLPI_CACHE`, default `/tmp/guichet-glpi-cache`), about a minute for GLPI 11's first
//! install: tests share one server per version and per test binary ([`GlpiServer::shared`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::{Result, TestkitError};

/// The GLPI releases the live suites run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GlpiVersion {
    /// GLPI 10.0.10: REST API v1, native inventory without authentication.
    V10,
    /// GLPI 11.0.6: REST API v1, the high-level API v2 with OAuth 2, and the native inventory
    /// behind an OAuth client-credentials token.
    V11,
}

impl GlpiVersion {
    /// The full release number.
    pub fn release(self) -> &'static str {
        match self {
            GlpiVersion::V10 => "10.0.10",
            GlpiVersion::V11 => "11.0.6",
        }
    }
}

/// One shared server per version and per test binary.
static SHARED_10: OnceLock<std::result::Result<GlpiServer, String>> = OnceLock::new();
static SHARED_11: OnceLock<std::result::Result<GlpiServer, String>> = OnceLock::new();

/// A running GLPI instance and the accounts the start script set up.
#[derive(Debug)]
pub struct GlpiServer {
    version: GlpiVersion,
    state: PathBuf,
    env: BTreeMap<String, String>,
}

impl GlpiServer {
    /// The super-admin login (password [`GlpiServer::ADMIN_PASSWORD`]).
    pub const ADMIN: &'static str = "glpi";
    /// Password of [`GlpiServer::ADMIN`].
    pub const ADMIN_PASSWORD: &'static str = "glpi";
    /// A technician (GLPI's default `tech` account).
    pub const TECH: &'static str = "tech";
    /// Password of [`GlpiServer::TECH`].
    pub const TECH_PASSWORD: &'static str = "tech";
    /// An end user with GLPI's Self-Service profile.
    pub const SELF_SERVICE: &'static str = "post-only";
    /// Password of [`GlpiServer::SELF_SERVICE`].
    pub const SELF_SERVICE_PASSWORD: &'static str = "postonly";

    /// The repository's `scripts/glpi` directory.
    pub fn scripts_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/glpi")
    }

    /// The server of `version` shared by every test of this binary, started on first use. It is
    /// never dropped: the watchdog stops it once the test process has exited. Tests sharing it
    /// must not depend on global counts (use unique titles and ids).
    pub fn shared(version: GlpiVersion) -> Result<&'static GlpiServer> {
        let cell = match version {
            GlpiVersion::V10 => &SHARED_10,
            GlpiVersion::V11 => &SHARED_11,
        };
        cell.get_or_init(|| GlpiServer::start(version).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| TestkitError::SharedServer(format!("GLPI {}: {e}", version.release())))
    }

    /// Starts a fresh server of `version` in a new state directory on a free port.
    pub fn start(version: GlpiVersion) -> Result<GlpiServer> {
        let started = Instant::now();
        let state = fresh_dir(version)?;
        let mut command = Command::new(Self::scripts_dir().join("start-glpi.sh"));
        command
            .env("GLPI_VERSION", version.release())
            .env("GLPI_STATE", &state)
            .env("GLPI_OWNER_PID", std::process::id().to_string())
            .env_remove("GLPI_ARCHIVE")
            .env_remove("GLPI_PORT");
        if let Some(archive) = archive(version) {
            command.env("GLPI_ARCHIVE", archive);
        }
        let output = command.output()?;
        if !output.status.success() {
            return Err(TestkitError::Script {
                script: Self::scripts_dir().join("start-glpi.sh"),
                status: output.status.to_string(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            });
        }
        let env = parse_env(&String::from_utf8_lossy(&output.stdout));
        if !env.contains_key("GLPI_URL") {
            return Err(TestkitError::BadResponse(
                "start-glpi.sh printed no GLPI_URL".into(),
            ));
        }
        tracing::info!(version = version.release(), url = %env["GLPI_URL"], elapsed = ?started.elapsed(), "GLPI started");
        Ok(GlpiServer {
            version,
            state,
            env,
        })
    }

    /// Which release this is.
    pub fn version(&self) -> GlpiVersion {
        self.version
    }

    /// A value the start script printed (`GLPI_USER_TOKEN`, `GLPI_OAUTH_CLIENT_ID`…).
    pub fn var(&self, key: &str) -> Option<&str> {
        self.env.get(key).map(String::as_str)
    }

    fn required(&self, key: &str) -> &str {
        self.var(key)
            .unwrap_or_else(|| panic!("start-glpi.sh printed no {key}"))
    }

    /// Root URL, e.g. `http://127.0.0.1:8090` (what `guichet connect glpi --url` takes).
    pub fn url(&self) -> &str {
        self.required("GLPI_URL")
    }

    /// API v1 base URL (`…/apirest.php`).
    pub fn api_url(&self) -> &str {
        self.required("GLPI_API_URL")
    }

    /// The super-admin's API token.
    pub fn admin_token(&self) -> &str {
        self.required("GLPI_USER_TOKEN")
    }

    /// The Self-Service account's API token.
    pub fn self_service_token(&self) -> &str {
        self.required("GLPI_POSTONLY_TOKEN")
    }

    /// The App-Token the API client requires.
    pub fn app_token(&self) -> &str {
        self.required("GLPI_APP_TOKEN")
    }

    /// GLPI 11: the OAuth client (password grant, scope `api`): id and secret.
    pub fn oauth_client(&self) -> Option<(&str, &str)> {
        Some((
            self.var("GLPI_OAUTH_CLIENT_ID")?,
            self.var("GLPI_OAUTH_CLIENT_SECRET")?,
        ))
    }

    /// GLPI 11: the inventory client (client credentials, scope `inventory`): id and secret.
    pub fn inventory_client(&self) -> Option<(&str, &str)> {
        Some((
            self.var("GLPI_INVENTORY_CLIENT_ID")?,
            self.var("GLPI_INVENTORY_CLIENT_SECRET")?,
        ))
    }

    /// The state directory (tree, database, logs).
    pub fn state(&self) -> &Path {
        &self.state
    }

    /// Runs SQL on GLPI's database (tab-separated rows, no header): what a test checks that the
    /// API would not show, or reads faster than through it.
    pub fn sql(&self, query: &str) -> Result<Vec<Vec<String>>> {
        let output = Command::new("mariadb")
            .args(["--no-defaults", "-N", "-B", "-uroot", "-S"])
            .arg(self.required("GLPI_DB_SOCKET"))
            .args(["glpi", "-e", query])
            .output()?;
        if !output.status.success() {
            return Err(TestkitError::BadResponse(format!(
                "SQL `{query}`: {}",
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        Ok(String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| l.split('\t').map(str::to_owned).collect())
            .collect())
    }

    /// The last lines of GLPI's own error logs (PHP errors and SQL errors): put them in a
    /// failure message, since GLPI answers some failures with a 200 and logs the cause.
    pub fn log_tail(&self, lines: usize) -> String {
        let mut out = String::new();
        for name in ["php-errors.log", "sql-errors.log"] {
            let path = self.state.join("glpi/files/_log").join(name);
            if let Ok(text) = std::fs::read_to_string(&path) {
                let all: Vec<&str> = text.lines().collect();
                let tail = &all[all.len().saturating_sub(lines)..];
                out.push_str(&format!("--- {name} (last {} lines)\n", tail.len()));
                out.push_str(&tail.join("\n"));
                out.push('\n');
            }
        }
        if out.is_empty() {
            out.push_str("(GLPI logged no error)\n");
        }
        out
    }
}

/// The archive of `version` in `GLPI_ARCHIVE_DIR`, if that names a folder holding it.
fn archive(version: GlpiVersion) -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("GLPI_ARCHIVE_DIR")?);
    ["tar.xz", "tgz", "tar.gz"]
        .iter()
        .map(|ext| dir.join(format!("glpi-{}.{ext}", version.release())))
        .find(|p| p.is_file())
}

/// `KEY=VALUE` lines.
fn parse_env(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// A new state directory path (not created: the script creates it), unique per process, per
/// version and per run.
fn fresh_dir(version: GlpiVersion) -> Result<PathBuf> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    Ok(std::env::temp_dir().join(format!(
        "guichet-glpi{}-{}-{nanos:x}",
        version.release(),
        std::process::id()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_script_output_is_read_as_variables() {
        let env = parse_env("GLPI_URL=http://127.0.0.1:8090\nGLPI_APP_TOKEN=\nnoise\n");
        assert_eq!(env["GLPI_URL"], "http://127.0.0.1:8090");
        assert_eq!(env["GLPI_APP_TOKEN"], "");
        assert_eq!(env.len(), 2);
    }
}
