//! Sessions (apirest.md "Init session", "Kill session", "Get full session") and the checks
//! every call goes through: App-Token and Session-Token.

use base64::Engine;
use serde_json::json;

use super::error;
use crate::http::{Req, Resp};
use crate::state::State;
use crate::Shared;

/// apirest.md "Init session": `Authorization: Basic base64(login:password)` or
/// `Authorization: user_token TOKEN`; 200 `{"session_token": …}`, 400 on missing parameters,
/// 401 on bad credentials.
pub(super) fn init_session(shared: &Shared, req: &Req) -> Resp {
    let auth = req.header("Authorization").unwrap_or("");
    let mut st = shared.lock();
    let user_id = if let Some(token) = auth.strip_prefix("user_token ") {
        match st
            .users
            .values()
            .find(|u| u.user_token.as_deref() == Some(token.trim()))
        {
            Some(u) => u.id,
            // apirest.md "Errors": ERROR_GLPI_LOGIN_USER_TOKEN.
            None => {
                return error(
                    401,
                    "ERROR_GLPI_LOGIN_USER_TOKEN",
                    "parameter user_token seems invalid",
                )
            }
        }
    } else if let Some(b64) = auth.strip_prefix("Basic ") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        let (login, password) = decoded.split_once(':').unwrap_or(("", ""));
        match st
            .user_by_name(login)
            .filter(|u| u.password == password && !password.is_empty())
        {
            Some(u) => u.id,
            // apirest.md "Errors": ERROR_GLPI_LOGIN.
            None => return error(401, "ERROR_GLPI_LOGIN", "Incorrect username or password"),
        }
    } else {
        // apirest.md "Errors": ERROR_LOGIN_PARAMETERS_MISSING.
        return error(
            400,
            "ERROR_LOGIN_PARAMETERS_MISSING",
            "parameter(s) login, password or user_token are missing",
        );
    };
    let token = random_token();
    let now = st.now;
    st.sessions.insert(
        token.clone(),
        crate::state::Session {
            user_id,
            last_used: now,
        },
    );
    Resp::json(200, &json!({ "session_token": token }))
}

/// 40 hex characters, like GLPI's session tokens in apirest.md's examples.
pub fn random_token() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..40)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// apirest.md "Important": App-Token, when configured, must be passed in every call (header
/// or query string). The error code is ERROR_WRONG_APP_TOKEN_PARAMETER when wrong and
/// ERROR_APP_TOKEN_PARAMETERS_MISSING when absent ("Errors").
pub(super) fn check_app_token(req: &Req, expected: Option<&str>) -> Result<(), Resp> {
    let Some(expected) = expected else {
        return Ok(());
    };
    let given = req.header("App-Token").or_else(|| req.query("app_token"));
    match given {
        None => Err(error(
            400,
            "ERROR_APP_TOKEN_PARAMETERS_MISSING",
            "missing parameter app_token",
        )),
        Some(t) if t != expected => Err(error(
            400,
            "ERROR_WRONG_APP_TOKEN_PARAMETER",
            "parameter app_token seems wrong",
        )),
        Some(_) => Ok(()),
    }
}

/// apirest.md "Glossary" (Session token): every endpoint but initSession needs it, from the
/// Session-Token header or the session_token query parameter ("Important").
pub(super) fn session_token(req: &Req) -> Result<String, Resp> {
    req.header("Session-Token")
        .or_else(|| req.query("session_token"))
        .map(str::to_owned)
        .ok_or_else(|| {
            // apirest.md "Errors": ERROR_SESSION_TOKEN_MISSING.
            error(
                400,
                "ERROR_SESSION_TOKEN_MISSING",
                "parameter session_token is missing or empty",
            )
        })
}

/// Renews the session `token` and returns its user, or forgets it when it has expired.
pub(super) fn resume(st: &mut State, token: &str, ttl_secs: i64) -> Result<i64, Resp> {
    let now = st.now;
    match st.sessions.get_mut(token) {
        Some(s) if (now - s.last_used).num_seconds() <= ttl_secs => {
            s.last_used = now;
            Ok(s.user_id)
        }
        _ => {
            // apirest.md "Errors": ERROR_SESSION_TOKEN_INVALID, "You should redo an Init
            // session request". GLPI answers it with 401.
            st.sessions.remove(token);
            Err(error(
                401,
                "ERROR_SESSION_TOKEN_INVALID",
                "session_token seems invalid",
            ))
        }
    }
}

/// apirest.md "Get full session": `{"session": {…}}` with the user's `glpiID` and
/// `glpiname` among the PHP session variables.
pub(super) fn full_session(st: &State, user_id: i64) -> Resp {
    let name = st
        .users
        .get(&user_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    Resp::json(
        200,
        &json!({"session": {"glpiID": user_id, "glpiname": name, "glpiactive_entity": 0}}),
    )
}
