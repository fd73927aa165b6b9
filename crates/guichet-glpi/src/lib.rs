//! Guichet's GLPI client.
//!
//! * [`InventoryClient`]: native inventory submission with GLPI Agent's JSON protocol
//!   (CONTACT, full and partial INVENTORY, zlib, `GLPI-Agent-ID`, OAuth client credentials for
//!   GLPI 11), see [`inventory`].
//! * [`RestClient`]: tickets, follow-ups, solutions, documents and the knowledge base through
//!   the REST API v1 (`apirest.php`, GLPI 10) or the high-level API v2 (`api.php`, GLPI 11),
//!   with [`detect`] choosing between them.
//! * [`GlpiConnector`]: the sync engine's connector for GLPI, see [`connector`]; built from
//!   the stored [`GlpiProfile`] (settings) and its secrets (keyring), see [`profile`].
//! * [`GlpiError`]: every failure, with a stable [`GlpiErrorCode`], its technical detail and a
//!   transient/auth classification; the sentences for people belong to the interfaces (a
//!   connector takes them as a [`Wording`]).
//!
//! * [`content`]: text both ways (GLPI HTML out, GLPI 10's entity encoding undone in), and the
//!   hidden marker that makes pushes exactly-once.
//!
//! Tested live against GLPI 10.0.10 and 11.0.6 (the CLI's `glpi10_live` and `glpi11_live`
//! suites); `guichet-glpi-emulator` injects the faults a real server cannot produce on demand.

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

pub mod connector;
pub mod content;
pub mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod inventory;
pub mod model;
pub mod profile;
pub mod rest;
pub mod transport;
pub mod v1;
pub mod v2;

pub use connector::{classify, classify_with, technical, GlpiConnector, Wording};
pub use error::{GlpiError, GlpiErrorCode, Result};
pub use inventory::{
    is_structural_change, plan, request_id, Compression, InventoryClient, InventoryConfig,
    InventoryOAuth, InventoryPlan, ServerAnswer, Submission,
};
pub use model::*;
pub use profile::{
    app_token_account, oauth_account, DetectedApi, GlpiProfile, GlpiSecrets, InventoryProfile,
};
pub use rest::{detect, ApiDetection, ApiVersion, RestClient};
pub use transport::{http_client, Secret, Timeouts};
pub use v1::{RestClientV1, V1Auth, V1Config};
pub use v2::{RestClientV2, V2Config};
