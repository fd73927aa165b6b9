//! Why a published action is refused: each reason its own variant, with a stable code, so
//! that the user, the technician and scripts can tell an expired action from a tampered one.

use chrono::{DateTime, Utc};

/// Why a published action is not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Larger than an action file may be.
    #[error("the action file is over {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// Not an action file, or one whose fields break the format's rules.
    #[error("the action file is malformed: {0}")]
    Malformed(String),
    /// It carries no signature.
    #[error("the action is not signed")]
    Unsigned,
    /// Signed by a key the machine's policy does not list.
    #[error("the action is signed by a key this machine does not trust (fingerprint {fingerprint}); an admin adds it to the policy's action_signers")]
    Untrusted {
        /// The signer's key fingerprint.
        fingerprint: String,
    },
    /// The signature does not match the manifest and script: one of them changed after signing.
    #[error("the action was altered after it was signed (its signature does not match its script and description)")]
    Tampered,
    /// Past its expiry date.
    #[error("the action expired on {expires_at}")]
    Expired {
        /// When it expired.
        expires_at: DateTime<Utc>,
    },
}

impl Refusal {
    /// A stable code for scripts and the app: `action_unsigned`, `action_tampered`…
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::TooLarge { .. } => "action_too_large",
            Refusal::Malformed(_) => "action_malformed",
            Refusal::Unsigned => "action_unsigned",
            Refusal::Untrusted { .. } => "action_untrusted",
            Refusal::Tampered => "action_tampered",
            Refusal::Expired { .. } => "action_expired",
        }
    }
}
