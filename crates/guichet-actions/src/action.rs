//! The one trait every fix-it action implements, and what it gives back.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use guichet_records::Sentence;
use serde::{Deserialize, Serialize};

/// What an action is given: passed in, so plans and runs are deterministic in tests.
#[derive(Debug, Clone)]
pub struct ActionContext {
    /// When the action is planned or run.
    pub now: DateTime<Utc>,
    /// The user's home folder (trash, caches), if known.
    pub home: Option<PathBuf>,
    /// How long a run may take before it is stopped.
    pub timeout: Duration,
}

/// What an action will do, shown to the user before anything changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The action's id (`free-space`, or a published action's name).
    pub action: String,
    /// Its title.
    pub title: Sentence,
    /// Each thing it will do, with the figures (`Empty the trash: 1.2 GiB`).
    pub steps: Vec<Sentence>,
    /// Whether it needs the network (published actions declare it; built-in ones say so).
    pub needs_network: bool,
    /// Who published it: `None` for a built-in action, else the signer's name.
    pub publisher: Option<String>,
    /// Nothing to do (no stuck job, an empty trash): the UI offers no button.
    pub nothing_to_do: bool,
}

/// How a run went; the output is recorded and can be attached to a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The action's id.
    pub action: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
    /// Whether it did what it said.
    pub succeeded: bool,
    /// What it printed or did, line by line, for the user and the technician.
    pub output: String,
}

/// Why an action could not be planned or run.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// The action is not known here.
    #[error("no action named {0}")]
    Unknown(String),
    /// The action cannot run on this machine (a program is missing, not allowed).
    #[error("{0}")]
    Unavailable(String),
    /// A published action was refused (unsigned, tampered, expired, untrusted key).
    #[error("refused: {0}")]
    Refused(String),
    /// A published action was refused, with its typed reason (see `published::Refusal`).
    #[error("refused: {0}")]
    Refusal(#[from] crate::published::Refusal),
    /// The run did not finish in time and was stopped.
    #[error("stopped after {0:?}")]
    TimedOut(Duration),
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// One fix-it action.
pub trait Action: Send + Sync {
    /// Its stable id, the one findings name in `fixes`.
    fn id(&self) -> String;

    /// What it would do now, without changing anything.
    fn plan(&self, ctx: &ActionContext) -> Result<Plan, ActionError>;

    /// Does it. Called only after the user confirmed the plan.
    fn run(&self, ctx: &ActionContext) -> Result<Outcome, ActionError>;
}
