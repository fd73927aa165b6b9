//! The use cases' one error type: what went wrong, typed, for each front end to word.

use std::path::PathBuf;

use guichet_store::bundle::ExchangeError;
use guichet_store::StoreError;
use guichet_sync::SyncError;

/// Why a use case failed. The front ends map each variant to their codes and exit statuses
/// (the CLI) or to `{code, message}` (the app).
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The local store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Opening or running the sync (settings, keyring).
    #[error(transparent)]
    Sync(#[from] SyncError),
    /// A bundle could not be read, verified, applied or written.
    #[error(transparent)]
    Bundle(#[from] ExchangeError),
    /// A fix-it action is unknown, refused (unsigned, tampered, untrusted, expired) or
    /// cannot run here.
    #[error(transparent)]
    Action(#[from] guichet_actions::ActionError),
    /// The saved settings name a connector this version does not know.
    #[error("unknown connector `{0}`")]
    UnknownConnector(String),
    /// The request is not valid (an empty field, a setting that is not a number…).
    #[error("{0}")]
    Invalid(String),
    /// A file given by the user could not be read or written (the OS's reason is the source,
    /// so that an error chain prints it once).
    #[error("{action} {}", path.display())]
    Io {
        /// What was being done: `reading`, `writing`, `creating`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

impl From<guichet_bundle::BundleError> for CoreError {
    fn from(e: guichet_bundle::BundleError) -> Self {
        CoreError::Bundle(e.into())
    }
}

impl CoreError {
    /// An I/O error on `path`.
    pub(crate) fn io<'a>(
        action: &'static str,
        path: &'a std::path::Path,
    ) -> impl FnOnce(std::io::Error) -> CoreError + 'a {
        move |source| CoreError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}
