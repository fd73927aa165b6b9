//! Guichet's sync engine: nothing the user writes offline is lost or sent twice.
//!
//! * [`Connector`]: the one narrow interface to a service-desk server (authenticate, push a
//!   ticket, push a reply, pull ticket changes, pull the knowledge base, push the inventory).
//!   The connectors themselves live in their own crates (`guichet-rt` for Request Tracker 5,
//!   `guichet-glpi` for GLPI); this crate holds only what they share.
//! * [`Engine`]: one pass pushes the outbox in order per ticket (backoff with jitter,
//!   `Retry-After`, parking of permanent refusals), then pulls ticket changes and the knowledge
//!   base with per-connector cursors that move only after the local commit.
//! * [`KbSink`]: where pulled articles go (the store's KB side implements it).
//! * Re-exported from `guichet-records` because the interface names them: [`TicketFields`]
//!   (what an [`OutgoingTicket`] says) and [`Article`], [`ArticleImage`] (what a pull delivers).
//! * [`http`]: the HTTP client every connector uses (rustls with the system roots plus an
//!   optional extra CA file, proxies from the environment, timeouts on every request).
//! * [`secret`]: credentials in the OS keyring, or the system agent's systemd encrypted
//!   credentials, never in the database or config files.
//! * [`proxy`]: a proxy address's login and password kept as a secret, not as a setting.
//! * [`config`]: the connector settings (URL, user, queue, CA file: never the secret).
#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

pub mod config;
mod connector;
mod engine;
mod error;
pub mod http;
mod kb;
mod kb_store;
pub mod proxy;
pub mod secret;

pub use connector::{
    Connector, KbChanges, OutgoingFile, OutgoingInventory, OutgoingReply, OutgoingTicket,
    PushedInventory, PushedTicket, TicketChanges,
};
pub use engine::{Deferred, Engine, PassReport, Pushed, RetryPolicy, Stop, DEFAULT_LOCK_WAIT};
pub use error::{ConnectorError, SyncError};
pub use guichet_records::{Article, ArticleImage, TicketFields};
pub use kb::{KbSink, MemoryKb};
