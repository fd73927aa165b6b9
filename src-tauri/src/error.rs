//! The one error type every command returns: a stable machine-readable `code` the UI switches on
//! (and translates), plus an English detail for the diagnostics page and the logs.

use serde::Serialize;

/// Stable error codes, shared with the UI through the generated bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The thing asked for does not exist (a snapshot id, an article…).
    NotFound,
    /// The input was refused (bad URL, empty title…); nothing was changed.
    Invalid,
    /// The local database failed.
    Store,
    /// The disk holding the data is full: the change was refused whole, nothing is lost.
    DiskFull,
    /// The OS keyring refused or is missing.
    Keyring,
    /// Reading or writing a file failed.
    Io,
    /// The user closed a dialog; not a failure, the UI stays quiet.
    Cancelled,
    /// A background job of the same kind is already running.
    Busy,
    /// The server cannot be reached; local work is kept for later.
    Offline,
    /// The server refused the credentials.
    Auth,
    /// A bundle would be larger than a bundle can be imported: nothing was written.
    BundleTooLarge,
    /// Anything else.
    Failed,
}

/// Error returned by every command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct AppError {
    /// What kind of failure, for the UI.
    pub code: ErrorCode,
    /// Detail in English, for logs and the diagnostics page.
    pub message: String,
}

impl AppError {
    /// An error of the given code.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError {
            code,
            message: message.into(),
        }
    }

    /// Refused input.
    pub fn invalid(message: impl Into<String>) -> Self {
        AppError::new(ErrorCode::Invalid, message)
    }
}

impl From<guichet_store::StoreError> for AppError {
    fn from(e: guichet_store::StoreError) -> Self {
        let code = match e {
            guichet_store::StoreError::NotFound(_) => ErrorCode::NotFound,
            guichet_store::StoreError::DiskFull(_) => ErrorCode::DiskFull,
            guichet_store::StoreError::SyncRunning(_) => ErrorCode::Busy,
            guichet_store::StoreError::Invalid(_) | guichet_store::StoreError::TooLarge { .. } => {
                ErrorCode::Invalid
            }
            _ => ErrorCode::Store,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::new(ErrorCode::Io, e.to_string())
    }
}

impl From<keyring::Error> for AppError {
    fn from(e: keyring::Error) -> Self {
        AppError::new(ErrorCode::Keyring, e.to_string())
    }
}

impl From<guichet_sync::SyncError> for AppError {
    fn from(e: guichet_sync::SyncError) -> Self {
        match e {
            guichet_sync::SyncError::Store(s) => s.into(),
            guichet_sync::SyncError::Config(m) => AppError::invalid(m),
            guichet_sync::SyncError::Secret(m) => AppError::new(ErrorCode::Keyring, m),
        }
    }
}

impl From<guichet_sync::ConnectorError> for AppError {
    fn from(e: guichet_sync::ConnectorError) -> Self {
        let code = match e {
            guichet_sync::ConnectorError::Auth(_) => ErrorCode::Auth,
            guichet_sync::ConnectorError::Offline(_) | guichet_sync::ConnectorError::Timeout(_) => {
                ErrorCode::Offline
            }
            _ => ErrorCode::Failed,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<guichet_core::CoreError> for AppError {
    fn from(e: guichet_core::CoreError) -> Self {
        use guichet_bundle::BundleError;
        use guichet_core::CoreError;
        use guichet_store::bundle::ExchangeError;
        match e {
            CoreError::Store(s) => s.into(),
            CoreError::Sync(s) => s.into(),
            // A refused bundle has its own answer (`BundleRefusal`); what reaches here failed
            // locally (the signing key, writing the file).
            CoreError::Bundle(ExchangeError::Store(s)) => s.into(),
            CoreError::Bundle(b @ ExchangeError::Bundle(BundleError::Key { .. })) => {
                AppError::new(ErrorCode::Failed, b.to_string())
            }
            CoreError::Bundle(b @ ExchangeError::Bundle(BundleError::WouldBeTooLarge(_))) => {
                AppError::new(ErrorCode::BundleTooLarge, b.to_string())
            }
            CoreError::Bundle(b) => AppError::new(ErrorCode::Io, b.to_string()),
            CoreError::UnknownConnector(_) | CoreError::Invalid(_) => {
                AppError::invalid(e.to_string())
            }
            CoreError::Io { ref source, .. } => {
                AppError::new(ErrorCode::Io, format!("{e}: {source}"))
            }
            CoreError::Action(a) => action_error(a),
        }
    }
}

/// A fix-it action that is not known is not found; one that may not run here (unsigned,
/// tampered, expired, no sandbox) is refused, with the reason in the message.
fn action_error(a: guichet_actions::ActionError) -> AppError {
    use guichet_actions::ActionError;
    let code = match &a {
        ActionError::Unknown(_) => ErrorCode::NotFound,
        ActionError::Unavailable(_) | ActionError::Refused(_) | ActionError::Refusal(_) => {
            ErrorCode::Invalid
        }
        ActionError::Io(_) => ErrorCode::Io,
        _ => ErrorCode::Failed,
    };
    AppError::new(code, a.to_string())
}

/// Shorthand for command results.
pub type AppResult<T> = Result<T, AppError>;
