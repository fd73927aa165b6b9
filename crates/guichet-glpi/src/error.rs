//! Errors of the GLPI client, each with a stable [`GlpiErrorCode`] and its technical detail.
//!
//! GLPI's REST API v1 reports errors as `["ERROR_CODE", "message"]` (apirest.md "Errors"); the
//! high-level API as `{"status": "ERROR_CODE", "title": …}`; OAuth as `{"error", "error_description"}`;
//! the inventory endpoint as `{"status": "error", "message": …}`. All become [`GlpiError::Api`]
//! or [`GlpiError::InventoryRefused`] with GLPI's code kept. [`GlpiError::code`] says what went
//! wrong as a stable code: the sentences for people belong to the interfaces (the app's
//! dictionaries, the CLI's table), not to this client.

use std::time::Duration;

/// An error talking to GLPI.
#[derive(Debug, thiserror::Error)]
pub enum GlpiError {
    /// GLPI answered with a documented error code.
    #[error("GLPI error {code} (HTTP {status}): {detail}")]
    Api {
        /// HTTP status.
        status: u16,
        /// GLPI's code (`ERROR_SESSION_TOKEN_INVALID`, `invalid_client`, …).
        code: String,
        /// GLPI's own message.
        detail: String,
    },
    /// The inventory endpoint answered `status: error`.
    #[error("GLPI refused the inventory (HTTP {status}): {detail}")]
    InventoryRefused {
        /// HTTP status.
        status: u16,
        /// The server's message.
        detail: String,
    },
    /// A server-side failure (HTTP 5xx) without a GLPI error body.
    #[error("GLPI server error (HTTP {status})")]
    Server {
        /// HTTP status.
        status: u16,
    },
    /// HTTP 429: try again later.
    #[error("GLPI is rate limiting requests (retry after {retry_after:?})")]
    RateLimited {
        /// `Retry-After`, when given in seconds.
        retry_after: Option<Duration>,
    },
    /// No answer within the configured timeout.
    #[error("GLPI did not answer in time")]
    Timeout,
    /// Connection refused, reset or cut before the answer.
    #[error("network error talking to GLPI: {0}")]
    Network(String),
    /// The answer could not be understood (truncated or not JSON).
    #[error("GLPI sent an answer that could not be read: {0}")]
    Malformed(String),
    /// The server does not offer what was asked (e.g. a v2-only operation on GLPI 10).
    #[error("not supported by this GLPI server or API: {0}")]
    Unsupported(&'static str),
    /// The client configuration is unusable (bad URL, missing credentials).
    #[error("invalid GLPI configuration: {0}")]
    Config(String),
    /// An answer went past one of Guichet's limits (an endless body, a decompression bomb,
    /// endless pages); reading stopped there.
    #[error(transparent)]
    OverLimit(#[from] guichet_sync::http::OverLimit),
}

impl GlpiError {
    /// Whether trying again later may succeed (transient failures), as opposed to errors that
    /// need a person (bad token, refused data).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            GlpiError::Server { .. }
                | GlpiError::RateLimited { .. }
                | GlpiError::Timeout
                | GlpiError::Network(_)
                | GlpiError::Malformed(_)
        )
    }

    /// Whether the account may not do this (HTTP 403, GLPI's `ERROR_RIGHT_MISSING`): what a
    /// profile such as Self-Service is not allowed, as opposed to refused credentials.
    pub fn is_forbidden(&self) -> bool {
        matches!(self, GlpiError::Api { status: 403, .. }) && !self.is_auth()
    }

    /// Whether the credentials (user token, password, app token, OAuth client) were refused.
    pub fn is_auth(&self) -> bool {
        match self {
            GlpiError::Api { code, .. } => matches!(
                code.as_str(),
                "ERROR_GLPI_LOGIN_USER_TOKEN"
                    | "ERROR_GLPI_LOGIN"
                    | "ERROR_WRONG_APP_TOKEN_PARAMETER"
                    | "ERROR_APP_TOKEN_PARAMETERS_MISSING"
                    | "ERROR_LOGIN_PARAMETERS_MISSING"
                    | "ERROR_LOGIN_WITH_CREDENTIALS_DISABLED"
                    | "ERROR_NOT_ALLOWED_IP"
                    | "invalid_client"
                    | "invalid_grant"
                    | "unauthorized_client"
                    | "invalid_scope"
            ),
            _ => false,
        }
    }

    /// The delay GLPI asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            GlpiError::RateLimited { retry_after } => *retry_after,
            _ => None,
        }
    }

    /// What went wrong, as a stable code: the words for people are the callers' (the app's
    /// dictionaries, the CLI's table), keyed by [`GlpiErrorCode::as_str`].
    pub fn code(&self) -> GlpiErrorCode {
        match self {
            GlpiError::Api { code, .. } => api_code(code),
            GlpiError::InventoryRefused { .. } => GlpiErrorCode::InventoryRefused,
            GlpiError::Server { .. } => GlpiErrorCode::Server,
            GlpiError::RateLimited { .. } => GlpiErrorCode::RateLimited,
            GlpiError::Timeout => GlpiErrorCode::Timeout,
            GlpiError::Network(_) => GlpiErrorCode::Network,
            GlpiError::Malformed(_) => GlpiErrorCode::Malformed,
            GlpiError::Unsupported(_) => GlpiErrorCode::Unsupported,
            GlpiError::Config(_) => GlpiErrorCode::Config,
            GlpiError::OverLimit(_) => GlpiErrorCode::OverLimit,
        }
    }
}

/// The code of a GLPI API error code.
fn api_code(code: &str) -> GlpiErrorCode {
    match code {
        "ERROR_GLPI_LOGIN_USER_TOKEN" => GlpiErrorCode::UserTokenRefused,
        "ERROR_GLPI_LOGIN" | "invalid_grant" => GlpiErrorCode::LoginRefused,
        "ERROR_WRONG_APP_TOKEN_PARAMETER" | "ERROR_APP_TOKEN_PARAMETERS_MISSING" => {
            GlpiErrorCode::AppTokenRefused
        }
        "ERROR_NOT_ALLOWED_IP" => GlpiErrorCode::IpNotAllowed,
        "invalid_client" | "unauthorized_client" | "invalid_scope" => {
            GlpiErrorCode::OauthClientRefused
        }
        "ERROR_SESSION_TOKEN_INVALID" | "ERROR_SESSION_TOKEN_MISSING" => {
            GlpiErrorCode::SessionExpired
        }
        "ERROR_RIGHT_MISSING" => GlpiErrorCode::RightMissing,
        "ERROR_ITEM_NOT_FOUND" => GlpiErrorCode::ItemNotFound,
        _ => GlpiErrorCode::Refused,
    }
}

/// What went wrong talking to GLPI, as a stable machine code. The sentences for people live
/// with the interfaces: the app's dictionaries (`error.<code>`) and the CLI's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GlpiErrorCode {
    /// The user token (remote access key) was refused.
    UserTokenRefused,
    /// The login or password was refused.
    LoginRefused,
    /// The application token (App-Token) was refused or is missing.
    AppTokenRefused,
    /// The API does not accept calls from this IP address.
    IpNotAllowed,
    /// The OAuth client (id, secret, grant type or scope) was refused.
    OauthClientRefused,
    /// The session expired and could not be renewed.
    SessionExpired,
    /// The account lacks the rights for the action.
    RightMissing,
    /// The item does not exist (any more).
    ItemNotFound,
    /// Any other refusal, sign-in ones included (GLPI's code and message are in the error).
    Refused,
    /// The inventory was refused.
    InventoryRefused,
    /// The server failed (5xx).
    Server,
    /// The server is rate limiting requests.
    RateLimited,
    /// No answer in time.
    Timeout,
    /// The server cannot be reached, or the connection broke.
    Network,
    /// An answer that could not be read.
    Malformed,
    /// Not supported by this server or API.
    Unsupported,
    /// The client configuration is unusable.
    Config,
    /// An answer went past one of Guichet's limits (a broken or hostile server).
    OverLimit,
}

impl GlpiErrorCode {
    /// Every code, for tables that must cover them all.
    pub const ALL: [GlpiErrorCode; 18] = [
        GlpiErrorCode::UserTokenRefused,
        GlpiErrorCode::LoginRefused,
        GlpiErrorCode::AppTokenRefused,
        GlpiErrorCode::IpNotAllowed,
        GlpiErrorCode::OauthClientRefused,
        GlpiErrorCode::SessionExpired,
        GlpiErrorCode::RightMissing,
        GlpiErrorCode::ItemNotFound,
        GlpiErrorCode::Refused,
        GlpiErrorCode::InventoryRefused,
        GlpiErrorCode::Server,
        GlpiErrorCode::RateLimited,
        GlpiErrorCode::Timeout,
        GlpiErrorCode::Network,
        GlpiErrorCode::Malformed,
        GlpiErrorCode::Unsupported,
        GlpiErrorCode::Config,
        GlpiErrorCode::OverLimit,
    ];

    /// The stable text of the code (`glpi_user_token_refused`, `glpi_timeout`…).
    pub fn as_str(self) -> &'static str {
        match self {
            GlpiErrorCode::UserTokenRefused => "glpi_user_token_refused",
            GlpiErrorCode::LoginRefused => "glpi_login_refused",
            GlpiErrorCode::AppTokenRefused => "glpi_app_token_refused",
            GlpiErrorCode::IpNotAllowed => "glpi_ip_not_allowed",
            GlpiErrorCode::OauthClientRefused => "glpi_oauth_client_refused",
            GlpiErrorCode::SessionExpired => "glpi_session_expired",
            GlpiErrorCode::RightMissing => "glpi_right_missing",
            GlpiErrorCode::ItemNotFound => "glpi_item_not_found",
            GlpiErrorCode::Refused => "glpi_refused",
            GlpiErrorCode::InventoryRefused => "glpi_inventory_refused",
            GlpiErrorCode::Server => "glpi_server",
            GlpiErrorCode::RateLimited => "glpi_rate_limited",
            GlpiErrorCode::Timeout => "glpi_timeout",
            GlpiErrorCode::Network => "glpi_network",
            GlpiErrorCode::Malformed => "glpi_malformed",
            GlpiErrorCode::Unsupported => "glpi_unsupported",
            GlpiErrorCode::Config => "glpi_config",
            GlpiErrorCode::OverLimit => "glpi_over_limit",
        }
    }
}

impl std::fmt::Display for GlpiErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Result alias.
pub type Result<T, E = GlpiError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_the_app_words_each_of_them() {
        let mut seen = std::collections::HashSet::new();
        for c in GlpiErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "{c} twice");
            assert!(c.as_str().starts_with("glpi_"), "{c}");
        }
        // The app's list of the codes its dictionaries word (`error.<code>`).
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../ui/src/backend/backend.ts"
        );
        let ui = std::fs::read_to_string(path).expect("reading the app's backend.ts");
        for c in GlpiErrorCode::ALL {
            assert!(ui.contains(&format!("\"{c}\"")), "{c} missing from the app");
        }
    }

    #[test]
    fn api_codes_map_to_what_went_wrong() {
        let api = |code: &str| GlpiError::Api {
            status: 401,
            code: code.into(),
            detail: String::new(),
        };
        assert_eq!(
            api("ERROR_GLPI_LOGIN_USER_TOKEN").code(),
            GlpiErrorCode::UserTokenRefused
        );
        assert_eq!(api("invalid_grant").code(), GlpiErrorCode::LoginRefused);
        assert_eq!(api("ERROR_WHATEVER").code(), GlpiErrorCode::Refused);
        assert_eq!(GlpiError::Timeout.code().as_str(), "glpi_timeout");
    }
}
