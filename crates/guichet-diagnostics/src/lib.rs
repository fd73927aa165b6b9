//! "Check my computer": the checks Guichet runs on this machine before a user writes a ticket,
//! so that the usual level-1 causes (a full disk, no network, a stuck print queue, a clock out
//! of step, a reboot waiting…) are found and explained offline.
//!
//! * A [`Check`] looks at one thing. Its readings come through `guichet-inventory`'s data
//!   sources (fetching stays there, per OS); its evaluation is a pure function of those
//!   readings and the [`Context`], tested on recorded outputs. One file per check under
//!   `checks/`; [`all_checks`] lists them in the order they are shown (see "Adding a check").
//! * [`run`] starts every check at once on its own thread and waits at most the context's
//!   timeout (1 s) for each: a check that has not answered by then is reported as
//!   `unknown` ("took too long"), so one hung command never holds up the page.
//! * The results are the shared records [`Diagnosis`] and [`Finding`] (in `guichet-records`),
//!   which the ticket, the inventory document and the bundle carry.
//! * Every measured value and threshold is worded in French and English, numbers and units
//!   spelled as each language writes them, through one module (`quantity`: `worded!`,
//!   `Bytes`, `Share`, `Days`…), so a unit is spelled in one place.
//!
//! * The network checks reach the service desk through one module, [`desk_probe`] (name
//!   lookup, connection, proxy tunnel, TLS handshake keeping the certificate, the answer's
//!   head), once per run: the first check needing the desk starts the run's visit
//!   ([`desk_probe::DeskVisit`], kept in the [`Context`]) and the others share it. Offline (no
//!   default route, no routable address) they answer at once.
//!
//! No check needs root, writes anything, or talks to anything but the configured service desk.
//!
//! # Adding a check
//!
//! 1. Write `src/checks/<name>.rs` (`//!` saying what it looks at and why its thresholds):
//!    * a reading function taking what it needs from `guichet-inventory` (a
//!      `guichet_inventory::Probe` for files and commands, bounded by the context's timeout;
//!      fetching stays in the inventory crate, per OS);
//!    * a pure `evaluate(readings, …) -> Vec<Finding>` (or one `Finding`), with an `id` such as
//!      `storage.free`, a status, the measured value and the threshold (worded in both
//!      languages with `quantity`'s `worded!`), and one French and one English sentence a
//!      non-technical user understands (`Sentence::new(fr, en)`);
//!    * a unit type implementing [`Check`]: `id()` and `run(ctx)`, which reads then evaluates,
//!      answering one `unknown` finding where the thing cannot be measured;
//!    * tests of `evaluate` on recorded outputs (a fixture folder with a README naming the
//!      command that produced it), and for real where this machine can.
//! 2. Declare it in `src/checks/mod.rs` (`mod <name>;`) and list it in [`all_checks`]
//!    (`Arc::new(<name>::TheCheck)`) where it should appear on the page. That is the only
//!    registration: [`run`] runs it in parallel with the others, against the 1 s deadline.
//! 3. A network check reaching the service desk asks the run's one visit
//!    ([`Context::desk_visit`]) rather than connecting on its own, and answers `offline` at
//!    once when the machine is offline (`checks/connectivity.rs`).
//! 4. Give it a starter article in French and English (`guichet-core`'s
//!    `starter-articles/<id>.<lang>.md`, listed in `starter.rs`), tagged with its id, so a
//!    failing finding suggests it.
#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

mod check;
mod checks;
mod context;
pub mod desk_probe;
mod quantity;
mod run;

pub use check::Check;
pub use checks::network_up;
pub use checks::{all_checks, PrintingJobs, PrintingQueues};
pub use context::{Context, DeskTarget};
pub use guichet_records::{CheckStatus, Diagnosis, Finding, Sentence};
pub use run::{run, run_checks};
