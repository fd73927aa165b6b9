//! "Check my computer": the checks Guichet runs on this machine before a user writes a ticket,
//! so that the usual level-1 causes (a full disk, no network, a stuck print queue, a clock out
//! of step, a reboot waiting…) are found and explained offline.
//!
//! * A [`Check`] looks at one thing. Its readings come through `guichet-inventory`'s data
//!   sources (fetching stays there, per OS); its evaluation is a pure function of those
//!   readings and the [`Context`], tested on recorded outputs. One file per check under
//!   `checks/`; [`all_checks`] lists them in the order they are shown.
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
//!   head); offline (no default route, no routable address) they answer at once.
//!
//! No check needs root, writes anything, or talks to anything but the configured service desk.
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
