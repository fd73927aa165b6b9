//! Guichet's Request Tracker 5 connector (REST2, `/REST/2.0`).
//!
//! [`RtConnector`] implements the sync engine's [`guichet_sync::Connector`] for a Request
//! Tracker 5 server described by an [`RtConfig`]. Mapping:
//! * ticket → RT ticket in the configured queue, the requester being the configured RT user;
//!   the client UUID is its "Refers to" link `urn:uuid:<uuid>`, which RT keeps on every
//!   server, and also goes in the ticket custom field `ClientUUID` where the queue has one
//!   (looked up before creating, verified after);
//! * reply → correspondence, with the reply's UUID in the transaction custom field
//!   `ClientTxnUUID` (without it, replies wait: [`guichet_sync::ConnectorError::NotSetUp`])
//!   and its files as the correspondence's attachments (one request, so the
//!   files exist exactly when the transaction does); the other side's correspondence comes
//!   back with its files (internal comments never do: only `Correspond` transactions are
//!   read); a file over the connector's size limit is reported by name and size only;
//! * status → RT's lifecycle status, verbatim (`new`, `open`, `stalled`, `resolved`…);
//! * knowledge base → RT Articles of one class (configured, else discovered: see
//!   [`KB_CLASS_CANDIDATES`]), body in the `Content` custom field; disabled articles are
//!   deletions;
//! * inventory → an RT Asset in a catalog (configured, else see [`CATALOG_CANDIDATES`]), found
//!   by the `DeviceId` custom field, with `Serial`, `Model`, `OS`, `CPU` and `RAM` custom fields.
//!
//! A server set up without some of these (a stock RT) still works: what it lacks is a
//! [`guichet_sync::ConnectorError::NotSetUp`] naming the admin's fix (a notice, not a failed
//! pass), and [`RtConnector::check_setup`] lists it all at `connect`. [`RtProfile`] keeps the
//! class and catalog chosen at `connect` in the store.
//!
//! RT pitfalls handled here: ids are strings in collections and numbers in resources; the new
//! object's id is only in the relative `Location` header; a 200 answer can still carry
//! "Permission Denied" in its message list; TicketSQL dates must be `YYYY-MM-DD HH:MM:SS +0000`
//! (a trailing `Z` is silently ignored); `_url` links point at RT's own base URL, so every URL
//! here is built from the configured one.
//!
//! Modules (private; the API is re-exported flat): `connector` (configuration, the
//! connector and its [`guichet_sync::Connector`] implementation), `profile` (the saved class
//! and catalog), `setup` (what the server offers: queue fields, class, catalog, the fixes),
//! `check` (the report `connect` prints), `client` (credentials,
//! answers, errors, paging), `tickets` (creation, replies, files, the other side's changes),
//! `articles` (the knowledge base), `assets` (the inventory), `wire` (reading RT's JSON).

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

mod articles;
mod assets;
mod check;
mod client;
mod connector;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod profile;
mod setup;
mod tickets;
mod wire;

pub use connector::{RtConfig, RtConnector};
pub use profile::{RtProfile, PROFILE_KEY};
pub use setup::{SetupReport, CATALOG_CANDIDATES, INITIAL_DATA, KB_CLASS_CANDIDATES};
