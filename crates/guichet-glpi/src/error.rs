//! Errors of the GLPI client, and their translation into clear French and English messages.
//!
//! GLPI's REST API v1 reports errors as `["ERROR_CODE", "message"]` (apirest.md "Errors"); the
//! high-level API as `{"status": "ERROR_CODE", "title": …}`; OAuth as `{"error", "error_description"}`;
//! the inventory endpoint as `{"status": "error", "message": …}`. All become [`GlpiError::Api`]
//! or [`GlpiError::InventoryRefused`] with the code kept, so callers can branch on it and show
//! [`GlpiError::message`] to people.

use std::time::Duration;

/// Language of user-facing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
}

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

    /// A stable short code for logs and the CLI (`glpi.auth`, `glpi.timeout`, …).
    pub fn code(&self) -> &'static str {
        match self {
            e if e.is_auth() => "glpi.auth",
            GlpiError::Api { .. } => "glpi.refused",
            GlpiError::InventoryRefused { .. } => "glpi.inventory_refused",
            GlpiError::Server { .. } => "glpi.server",
            GlpiError::RateLimited { .. } => "glpi.rate_limited",
            GlpiError::Timeout => "glpi.timeout",
            GlpiError::Network(_) => "glpi.network",
            GlpiError::Malformed(_) => "glpi.malformed",
            GlpiError::Unsupported(_) => "glpi.unsupported",
            GlpiError::Config(_) => "glpi.config",
        }
    }

    /// A clear message for people, in `lang`, naming what to do where there is something to do.
    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            GlpiError::Api { code, detail, .. } => {
                let known = match code.as_str() {
                    "ERROR_GLPI_LOGIN_USER_TOKEN" => Some(if fr {
                        "GLPI a refusé le jeton utilisateur : vérifiez la clé d'accès distant dans vos préférences GLPI et relancez « guichet connect glpi »."
                    } else {
                        "GLPI refused the user token: check the remote access key in your GLPI preferences and run \"guichet connect glpi\" again."
                    }),
                    "ERROR_GLPI_LOGIN" | "invalid_grant" => Some(if fr {
                        "GLPI a refusé l'identifiant ou le mot de passe."
                    } else {
                        "GLPI refused the login or password."
                    }),
                    "ERROR_WRONG_APP_TOKEN_PARAMETER" | "ERROR_APP_TOKEN_PARAMETERS_MISSING" => {
                        Some(if fr {
                            "GLPI a refusé le jeton d'application (App-Token) : demandez-le à l'administrateur GLPI (Configuration > Générale > API)."
                        } else {
                            "GLPI refused the application token (App-Token): ask the GLPI administrator for it (Setup > General > API)."
                        })
                    }
                    "ERROR_NOT_ALLOWED_IP" => Some(if fr {
                        "GLPI n'accepte pas l'API depuis cette adresse IP."
                    } else {
                        "GLPI does not accept API calls from this IP address."
                    }),
                    "invalid_client" | "unauthorized_client" | "invalid_scope" => Some(if fr {
                        "GLPI a refusé le client OAuth (identifiant, secret, type d'autorisation ou portée)."
                    } else {
                        "GLPI refused the OAuth client (id, secret, grant type or scope)."
                    }),
                    "ERROR_SESSION_TOKEN_INVALID" | "ERROR_SESSION_TOKEN_MISSING" => Some(if fr {
                        "La session GLPI a expiré et n'a pas pu être renouvelée."
                    } else {
                        "The GLPI session expired and could not be renewed."
                    }),
                    "ERROR_RIGHT_MISSING" => Some(if fr {
                        "Le compte GLPI utilisé n'a pas les droits nécessaires."
                    } else {
                        "The GLPI account lacks the rights for this action."
                    }),
                    "ERROR_ITEM_NOT_FOUND" => Some(if fr {
                        "L'élément n'existe pas (ou plus) dans GLPI."
                    } else {
                        "The item does not exist (any more) in GLPI."
                    }),
                    _ => None,
                };
                match known {
                    Some(m) => m.to_owned(),
                    None if fr => format!("GLPI a refusé la demande ({code}) : {detail}"),
                    None => format!("GLPI refused the request ({code}): {detail}"),
                }
            }
            GlpiError::InventoryRefused { detail, .. } if fr => {
                format!("GLPI a refusé l'inventaire : {detail}")
            }
            GlpiError::InventoryRefused { detail, .. } => {
                format!("GLPI refused the inventory: {detail}")
            }
            GlpiError::Server { status } if fr => {
                format!("Le serveur GLPI est en erreur (HTTP {status}) ; nouvel essai plus tard.")
            }
            GlpiError::Server { status } => {
                format!("The GLPI server failed (HTTP {status}); will try again later.")
            }
            GlpiError::RateLimited { retry_after } => {
                let secs = retry_after.map(|d| d.as_secs());
                match (fr, secs) {
                    (true, Some(s)) => {
                        format!("GLPI limite le nombre de requêtes ; nouvel essai dans {s} s.")
                    }
                    (true, None) => {
                        "GLPI limite le nombre de requêtes ; nouvel essai plus tard.".into()
                    }
                    (false, Some(s)) => {
                        format!("GLPI is rate limiting requests; trying again in {s} s.")
                    }
                    (false, None) => "GLPI is rate limiting requests; will try again later.".into(),
                }
            }
            GlpiError::Timeout if fr => {
                "GLPI n'a pas répondu à temps ; nouvel essai plus tard.".into()
            }
            GlpiError::Timeout => "GLPI did not answer in time; will try again later.".into(),
            GlpiError::Network(e) if fr => {
                format!("GLPI est injoignable ({e}) ; nouvel essai plus tard.")
            }
            GlpiError::Network(e) => format!("GLPI cannot be reached ({e}); will try again later."),
            GlpiError::Malformed(_) if fr => {
                "GLPI a envoyé une réponse illisible ; nouvel essai plus tard.".into()
            }
            GlpiError::Malformed(_) => {
                "GLPI sent an unreadable answer; will try again later.".into()
            }
            GlpiError::Unsupported(what) if fr => {
                format!("Non pris en charge par ce serveur GLPI : {what}.")
            }
            GlpiError::Unsupported(what) => format!("Not supported by this GLPI server: {what}."),
            GlpiError::Config(what) if fr => format!("Configuration GLPI invalide : {what}."),
            GlpiError::Config(what) => format!("Invalid GLPI configuration: {what}."),
        }
    }
}

/// Result alias.
pub type Result<T, E = GlpiError> = std::result::Result<T, E>;
