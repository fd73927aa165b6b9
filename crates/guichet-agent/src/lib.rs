//! The scheduled agent: `guichet agent run` started by a systemd timer, on a calendar schedule
//! and at boot, with a random delay so that the machines of a site do not all start at once.
//!
//! * [`units`] is a pure function from [`UnitOptions`] to the text of the service and timer
//!   units (tested, and checked with `systemd-analyze verify` where it exists).
//! * [`Systemd`] installs, removes and queries them (`systemctl daemon-reload`, `enable --now`,
//!   the timer's next elapse), or says why it cannot (no systemd running).
//! * [`parse_duration`] reads the `--random-delay` spans (`90s`, `15min`, `1h30min`).
//! * The system agent runs as root on a store of its own ([`system_data_dir`],
//!   `/var/lib/guichet`, 0700) and loads its secrets as systemd encrypted credentials from
//!   that store's `credentials/` directory; [`check_root_may_run`] refuses an executable that
//!   another user could replace, and [`check_root_may_write`] a data directory another user
//!   controls (root never writes into a person's store).

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

mod executable;
mod system_store;
mod systemd;
mod units;

pub use executable::{check_root_may_run, check_root_may_write};
pub use system_store::{
    prepare_system_data_dir, system_data_dir, CREDENTIALS_DIR, SYSTEM_DATA_DIR, SYSTEM_DATA_DIR_VAR,
};

pub use systemd::{InstallOutcome, Systemd, TimerStatus};
pub use units::{
    parse_duration, unit_dir, units, Scope, UnitOptions, Units, SERVICE_NAME, TIMER_NAME,
};

/// What can go wrong while preparing or installing the units.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// An option is unusable (empty calendar, relative data directory, bad duration…).
    #[error("{0}")]
    Invalid(String),
    /// No home or configuration directory to put user units in.
    #[error("no user configuration directory (set HOME or XDG_CONFIG_HOME)")]
    NoConfigDir,
    /// Writing or removing a unit file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Root must not run this executable (another user could replace it); says why.
    #[error("{0}")]
    UnsafeExecutable(String),
    /// Root must not write into this data directory (another user controls it); says why.
    #[error("{0}")]
    UnsafeDataDir(String),
    /// `systemctl` failed.
    #[error("systemctl {args}: {message}")]
    Systemctl {
        /// Its arguments.
        args: String,
        /// What it printed.
        message: String,
    },
}
