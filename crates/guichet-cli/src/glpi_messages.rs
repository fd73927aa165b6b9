//! The CLI's sentences for GLPI's errors, in English and French: `guichet-glpi` only gives a
//! stable code ([`GlpiErrorCode`]) and the technical detail, and the words are the
//! interface's (the desktop app has its own, in its dictionaries). French is chosen by the
//! locale (POSIX order: `LC_ALL`, then `LC_MESSAGES`, then `LANG`).

use guichet_core::Lang;
use guichet_glpi::{GlpiError, GlpiErrorCode, Wording};

/// The sentences that take nothing from the error: (code, English, French).
const FIXED: &[(GlpiErrorCode, &str, &str)] = &[
    (
        GlpiErrorCode::UserTokenRefused,
        "GLPI refused the user token: check the remote access key in your GLPI preferences and run \"guichet connect glpi\" again.",
        "GLPI a refusé le jeton utilisateur : vérifiez la clé d'accès distant dans vos préférences GLPI et relancez « guichet connect glpi ».",
    ),
    (
        GlpiErrorCode::LoginRefused,
        "GLPI refused the login or password.",
        "GLPI a refusé l'identifiant ou le mot de passe.",
    ),
    (
        GlpiErrorCode::AppTokenRefused,
        "GLPI refused the application token (App-Token): ask the GLPI administrator for it (Setup > General > API).",
        "GLPI a refusé le jeton d'application (App-Token) : demandez-le à l'administrateur GLPI (Configuration > Générale > API).",
    ),
    (
        GlpiErrorCode::IpNotAllowed,
        "GLPI does not accept API calls from this IP address.",
        "GLPI n'accepte pas l'API depuis cette adresse IP.",
    ),
    (
        GlpiErrorCode::OauthClientRefused,
        "GLPI refused the OAuth client (id, secret, grant type or scope).",
        "GLPI a refusé le client OAuth (identifiant, secret, type d'autorisation ou portée).",
    ),
    (
        GlpiErrorCode::SessionExpired,
        "The GLPI session expired and could not be renewed.",
        "La session GLPI a expiré et n'a pas pu être renouvelée.",
    ),
    (
        GlpiErrorCode::RightMissing,
        "The GLPI account lacks the rights for this action.",
        "Le compte GLPI utilisé n'a pas les droits nécessaires.",
    ),
    (
        GlpiErrorCode::ItemNotFound,
        "The item does not exist (any more) in GLPI.",
        "L'élément n'existe pas (ou plus) dans GLPI.",
    ),
    (
        GlpiErrorCode::Timeout,
        "GLPI did not answer in time; will try again later.",
        "GLPI n'a pas répondu à temps ; nouvel essai plus tard.",
    ),
    (
        GlpiErrorCode::Malformed,
        "GLPI sent an unreadable answer; will try again later.",
        "GLPI a envoyé une réponse illisible ; nouvel essai plus tard.",
    ),
];

/// The sentence for `e` in `lang`, naming what to do where there is something to do.
pub(crate) fn sentence(e: &GlpiError, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    if let Some((_, en_text, fr_text)) = FIXED.iter().find(|(c, ..)| *c == e.code()) {
        return if fr { fr_text } else { en_text }.to_string();
    }
    match e {
        GlpiError::Api { code, detail, .. } if fr => {
            format!("GLPI a refusé la demande ({code}) : {detail}")
        }
        GlpiError::Api { code, detail, .. } => {
            format!("GLPI refused the request ({code}): {detail}")
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
            rate_limited(retry_after.map(|d| d.as_secs()), fr)
        }
        GlpiError::Network(e) if fr => {
            format!("GLPI est injoignable ({e}) ; nouvel essai plus tard.")
        }
        GlpiError::Network(e) => format!("GLPI cannot be reached ({e}); will try again later."),
        GlpiError::Unsupported(what) if fr => {
            format!("Non pris en charge par ce serveur GLPI : {what}.")
        }
        GlpiError::Unsupported(what) => format!("Not supported by this GLPI server: {what}."),
        GlpiError::Config(what) if fr => format!("Configuration GLPI invalide : {what}."),
        GlpiError::Config(what) => format!("Invalid GLPI configuration: {what}."),
        GlpiError::OverLimit(o) if fr => format!(
            "{} a envoyé une réponse au-delà de la limite de Guichet ({}) : lecture arrêtée, \
             rien n'est perdu (serveur défaillant ou hostile ?).",
            o.origin, o.limit
        ),
        GlpiError::OverLimit(o) => o.to_string(),
        // The fixed sentences cover the rest.
        GlpiError::Timeout | GlpiError::Malformed(_) => e.to_string(),
    }
}

/// The rate-limit sentence, with the delay GLPI asked for when it gave one.
fn rate_limited(secs: Option<u64>, fr: bool) -> String {
    match (fr, secs) {
        (true, Some(s)) => format!("GLPI limite le nombre de requêtes ; nouvel essai dans {s} s."),
        (true, None) => "GLPI limite le nombre de requêtes ; nouvel essai plus tard.".into(),
        (false, Some(s)) => format!("GLPI is rate limiting requests; trying again in {s} s."),
        (false, None) => "GLPI is rate limiting requests; will try again later.".into(),
    }
}

fn english(e: &GlpiError) -> String {
    sentence(e, Lang::En)
}

fn french(e: &GlpiError) -> String {
    sentence(e, Lang::Fr)
}

/// The connector's wording in the locale's language.
pub(crate) fn wording_from_env() -> Wording {
    match crate::lang() {
        Lang::Fr => french,
        Lang::En => english,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn api(code: &str) -> GlpiError {
        GlpiError::Api {
            status: 401,
            code: code.into(),
            detail: "refused".into(),
        }
    }

    #[test]
    fn every_code_has_a_sentence_in_both_languages() {
        let samples = [
            api("ERROR_GLPI_LOGIN_USER_TOKEN"),
            api("ERROR_GLPI_LOGIN"),
            api("ERROR_WRONG_APP_TOKEN_PARAMETER"),
            api("ERROR_NOT_ALLOWED_IP"),
            api("invalid_client"),
            api("ERROR_SESSION_TOKEN_INVALID"),
            api("ERROR_RIGHT_MISSING"),
            api("ERROR_ITEM_NOT_FOUND"),
            api("ERROR_SOMETHING_ELSE"),
            GlpiError::InventoryRefused {
                status: 400,
                detail: "bad".into(),
            },
            GlpiError::Server { status: 502 },
            GlpiError::RateLimited { retry_after: None },
            GlpiError::Timeout,
            GlpiError::Network("refused".into()),
            GlpiError::Malformed("eof".into()),
            GlpiError::Unsupported("v2 only"),
            GlpiError::Config("no URL".into()),
            GlpiError::OverLimit(guichet_sync::http::OverLimit {
                origin: "https://glpi.example.org".into(),
                limit: guichet_sync::http::Limit::Body(1 << 24),
            }),
        ];
        let covered: Vec<GlpiErrorCode> = samples.iter().map(GlpiError::code).collect();
        for code in GlpiErrorCode::ALL {
            assert!(covered.contains(&code), "{code} has no sample");
        }
        for e in &samples {
            let (en, fr) = (sentence(e, Lang::En), sentence(e, Lang::Fr));
            assert!(!en.is_empty() && !fr.is_empty() && en != fr, "{e:?}");
            assert!(!en.contains(e.code().as_str()), "{en}");
        }
    }

    #[test]
    fn sentences_name_what_to_do() {
        let e = api("ERROR_GLPI_LOGIN_USER_TOKEN");
        assert!(sentence(&e, Lang::Fr).contains("jeton utilisateur"));
        assert!(sentence(&e, Lang::En).contains("user token"));
        assert!(sentence(&e, Lang::En).contains("guichet connect glpi"));
        let e = api("ERROR_APP_TOKEN_PARAMETERS_MISSING");
        assert!(sentence(&e, Lang::En).contains("App-Token"));
        let e = GlpiError::RateLimited {
            retry_after: Some(Duration::from_secs(30)),
        };
        assert!(sentence(&e, Lang::Fr).contains("30 s"));
        let e = GlpiError::InventoryRefused {
            status: 400,
            detail: "JSON does not validate".into(),
        };
        assert!(sentence(&e, Lang::Fr).starts_with("GLPI a refusé l'inventaire"));
    }
}
