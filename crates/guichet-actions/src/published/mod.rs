//! Actions a service desk publishes: a `sh` script with a manifest (title and description in
//! French and English, whether it needs the network, its timeout, its expiry, the signer's
//! key), signed by an admin's Ed25519 key (`guichet fix sign`).
//!
//! * [`format`](ActionFile): the `*.guichet-action` file and what its signature covers.
//! * [`verify_action`]: against the keys the machine's policy trusts, at every use; each
//!   reason to refuse is its own [`Refusal`].
//! * [`Sandbox`]: bubblewrap, the system read-only, no home, no network unless declared, a
//!   timeout that kills the whole group, bounded output.
//! * [`PublishedAction`]: a verified action behind the [`Action`](crate::Action) trait.

mod action;
mod format;
mod refusal;
mod sandbox;
mod verify;

pub use action::{outcome, PublishedAction};
pub use format::{
    signed_message, valid_name, ActionFile, ActionManifest, ACTION_EXTENSION, ACTION_FORMAT,
    ACTION_VERSION, MAX_ACTION_FILE_BYTES, MAX_SCRIPT_BYTES, MAX_TIMEOUT_SECS,
};
pub use refusal::Refusal;
pub use sandbox::{Sandbox, SandboxRun, MAX_OUTPUT_BYTES};
pub use verify::{verify_action, TrustedSigner, VerifiedAction};
