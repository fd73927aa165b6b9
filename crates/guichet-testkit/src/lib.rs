//! Test infrastructure for Guichet's sync tests.
//!
//! * [`RtServer`]: a private Request Tracker 5 instance (SQLite, loopback only)
//!   seeded with what Guichet needs (`scripts/rt/guichet-seed.pl`): queue
//!   `ServiceDesk`, custom fields `ClientUUID` / `ClientTxnUUID`, article class
//!   `Guichet KB`, asset catalog `Workstations`, users `guichet-user` and `tech`.
//! * [`Technician`]: a REST2 client acting as the technician on the other side
//!   of the service desk (replies, comments, status changes, KB, assets).
//! * [`GlpiServer`]: a private, real GLPI (10.0.10 or 11.0.6) with its own MariaDB
//!   (`scripts/glpi/`), and [`GlpiTechnician`], an API v1 session acting on GLPI's side.
//! * [`CupsServer`]: a private CUPS scheduler (`scripts/cups/`) with queues that can be
//!   stopped or made to reject jobs, and jobs submitted as any user that stay stuck.
//! * [`FaultProxy`]: an HTTP/1.1 proxy in front of a server that injects
//!   faults (error statuses, hangs, cut or malformed responses, lost answers,
//!   network down) and logs the requests it saw.
//! * [`RawServer`]: a hostile server writing raw HTTP (endless bodies, pages that never end,
//!   redirects elsewhere), with [`http_answer`] and [`json_answer`].
//!
//! This crate is only meant as a dev-dependency. See `tests/rt/README.md` at
//! the repository root for the REST2 shapes the connector has to handle.

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

mod cups_server;
mod error;
mod fault_proxy;
mod glpi_server;
mod glpi_technician;
mod raw_http;
mod rt_server;
mod technician;

pub use cups_server::CupsServer;
pub use error::TestkitError;
pub use fault_proxy::{Fault, FaultProxy, Pace, ProxiedRequest};
pub use glpi_server::{GlpiServer, GlpiVersion};
pub use glpi_technician::GlpiTechnician;
pub use raw_http::{http_answer, json_answer, RawRequest, RawServer};
pub use rt_server::RtServer;
pub use technician::Technician;

/// Result type of this crate.
pub type Result<T, E = TestkitError> = std::result::Result<T, E>;
