//! An emulator of GLPI's server APIs, written from GLPI's own documentation, so Guichet's GLPI
//! client can be tested without a GLPI server.
//!
//! It serves, on 127.0.0.1 and a random port:
//! * the legacy REST API v1 under `/apirest.php/` (glpi `apirest.md`), see [`v1`];
//! * the GLPI 11 high-level API under `/api.php/` with OAuth2 (`resources/api_doc.MD` and the
//!   `Glpi\Api\HL` controllers), see [`v2`]; it can be switched off to emulate GLPI 10;
//! * the native inventory endpoint (`/front/inventory.php`, `/`, and the plugin paths) speaking
//!   GLPI Agent's JSON protocol, validating documents against the vendored
//!   `inventory.schema.json` of glpi-project/inventory_format, see [`inventory`].
//!
//! Test hooks on [`Emulator`] act as a technician (follow-ups, status, solutions, KB edits),
//! expire sessions and tokens, inject faults ([`FaultKind`]), and count requests. Every
//! emulated behaviour has a comment naming the document it comes from; where the documents are
//! silent the comment says the behaviour is the emulator's choice.

#![warn(missing_docs)]
#![warn(clippy::too_many_lines)]

pub mod http;
pub mod inventory;
pub mod state;
pub mod v1;
pub mod v2;

pub use http::{Fault, FaultKind};
pub use state::{status, State};

use chrono::{DateTime, TimeZone, Utc};
use std::sync::{Arc, Mutex, MutexGuard};

/// Server configuration.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// App-Token required by the API client definition; `None` accepts calls without one
    /// (apirest.md "Important": App-Token is optional unless configured).
    pub app_token: Option<String>,
    /// Whether the high-level API (`/api.php`) exists: `true` emulates GLPI 11, `false` GLPI 10.
    pub v2_available: bool,
    /// Whether the inventory endpoint requires an OAuth client-credentials token (GLPI 11 option).
    pub inventory_requires_oauth: bool,
    /// Session inactivity timeout, in emulator seconds.
    pub session_ttl_secs: i64,
    /// OAuth access token lifetime (resources/api_doc.MD: "By default, this is set to 1 hour").
    pub token_ttl_secs: i64,
    /// The `expiration` (hours) answered to agents (GLPI's default inventory frequency is 24h).
    pub inventory_expiration_hours: u32,
    /// Maximum range served in one page (apirest.md example: `Accept-Range: 990`).
    pub max_range: usize,
    /// Clock start.
    pub start: DateTime<Utc>,
    /// Port to listen on (127.0.0.1); 0 picks a free one. A fixed port lets a test configure
    /// a client while the "server" is down, then start it at the same address.
    pub port: u16,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            app_token: Some("app-token-0123456789".into()),
            v2_available: true,
            inventory_requires_oauth: false,
            session_ttl_secs: 3600,
            token_ttl_secs: 3600,
            inventory_expiration_hours: 24,
            max_range: 990,
            start: Utc
                .with_ymd_and_hms(2026, 1, 5, 8, 0, 0)
                .single()
                .unwrap_or_default(),
            port: 0,
        }
    }
}

/// State shared between the server tasks and the test hooks.
#[derive(Debug)]
pub struct Shared {
    state: Mutex<State>,
    config: Mutex<EmulatorConfig>,
    faults: Mutex<Vec<Fault>>,
    schema: serde_json::Value,
}

impl Shared {
    /// Locks the database. A poisoned lock (a panicking handler) still yields the data: the
    /// emulator is a test tool and should keep answering.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of the current configuration.
    pub fn config(&self) -> EmulatorConfig {
        self.config
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The vendored inventory JSON schema.
    pub fn schema(&self) -> &serde_json::Value {
        &self.schema
    }

    /// Takes the first armed fault matching the request, decrementing its count.
    pub fn take_fault(&self, req: &http::Req) -> Option<FaultKind> {
        let mut faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        let pos = faults.iter().position(|f| {
            f.remaining > 0
                && req.path.contains(&f.path_contains)
                && f.method.as_deref().is_none_or(|m| m == req.method)
        })?;
        let kind = faults[pos].kind.clone();
        faults[pos].remaining -= 1;
        if faults[pos].remaining == 0 {
            faults.remove(pos);
        }
        Some(kind)
    }
}

/// The vendored schema, embedded so the emulator works from any directory.
const INVENTORY_SCHEMA: &str =
    include_str!("../../../third-party/glpi-inventory-format/inventory.schema.json");

/// A running emulator. Dropping it stops the server.
#[derive(Debug)]
pub struct Emulator {
    shared: Arc<Shared>,
    addr: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Seed data every emulator starts with, so tests share one vocabulary.
pub mod seed {
    /// Login of the API user.
    pub const USER: &str = "guichet";
    /// Password of the API user.
    pub const PASSWORD: &str = "guichet-password";
    /// Remote access key of the API user.
    pub const USER_TOKEN: &str = "user-token-abcdef";
    /// Login of the technician the hooks act as.
    pub const TECHNICIAN: &str = "tech";
    /// OAuth client allowed the password grant (scope `api`).
    pub const API_CLIENT_ID: &str = "guichet-api";
    /// Its secret.
    pub const API_CLIENT_SECRET: &str = "guichet-api-secret";
    /// OAuth client allowed client credentials (scope `inventory`).
    pub const INVENTORY_CLIENT_ID: &str = "guichet-inventory";
    /// Its secret.
    pub const INVENTORY_CLIENT_SECRET: &str = "guichet-inventory-secret";
    /// ITIL categories: (name, parent name, `is_incident`, `is_request`), parents first.
    pub const ITIL_CATEGORIES: [(&str, Option<&str>, bool, bool); 4] = [
        ("Hardware", None, true, true),
        ("Printer", Some("Hardware"), true, false),
        ("Network", None, true, true),
        ("Access request", None, false, true),
    ];
}

impl Emulator {
    /// Starts an emulator with the seed users and OAuth clients of [`seed`].
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let schema: serde_json::Value = serde_json::from_str(INVENTORY_SCHEMA)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let mut state = State::new(config.start);
        for (name, password, token) in [
            (seed::USER, seed::PASSWORD, Some(seed::USER_TOKEN)),
            (seed::TECHNICIAN, "tech-password", None),
        ] {
            let id = state.next_id();
            state.users.insert(
                id,
                state::User {
                    id,
                    name: name.into(),
                    password: password.into(),
                    user_token: token.map(str::to_owned),
                },
            );
        }
        for (name, parent, is_incident, is_request) in seed::ITIL_CATEGORIES {
            let parent = parent
                .and_then(|p| state.itil_categories.values().find(|c| c.name == p))
                .map_or(0, |c| c.id);
            let id = state.next_id();
            state.itil_categories.insert(
                id,
                state::ItilCategory {
                    id,
                    name: name.into(),
                    parent,
                    is_incident,
                    is_request,
                },
            );
        }
        state.oauth_clients = vec![
            state::OAuthClient {
                client_id: seed::API_CLIENT_ID.into(),
                client_secret: seed::API_CLIENT_SECRET.into(),
                grants: vec!["password".into()],
            },
            state::OAuthClient {
                client_id: seed::INVENTORY_CLIENT_ID.into(),
                client_secret: seed::INVENTORY_CLIENT_SECRET.into(),
                grants: vec!["client_credentials".into()],
            },
        ];
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            config: Mutex::new(config),
            faults: Mutex::new(Vec::new()),
            schema,
        });
        let (addr, task) = http::serve(shared.clone()).await?;
        Ok(Emulator { shared, addr, task })
    }

    /// The id of the seeded ITIL category called `name`.
    pub fn itil_category(&self, name: &str) -> Option<i64> {
        self.state()
            .itil_categories
            .values()
            .find(|c| c.name == name)
            .map(|c| c.id)
    }

    /// `http://127.0.0.1:PORT` (the GLPI root URL, without trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Direct access to the database, for assertions and seeding.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.shared.lock()
    }

    /// Changes the configuration at run time (e.g. toggling v2 to switch between GLPI 10 and 11).
    pub fn configure(&self, f: impl FnOnce(&mut EmulatorConfig)) {
        let mut c = self.shared.config.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut c);
    }

    /// Arms a fault for the next `times` requests whose path contains `path_contains`.
    pub fn inject(&self, path_contains: &str, method: Option<&str>, kind: FaultKind, times: u32) {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Fault {
                path_contains: path_contains.into(),
                method: method.map(str::to_owned),
                kind,
                remaining: times,
            });
    }

    /// Number of requests received with this method whose path starts with `path_prefix`.
    pub fn requests(&self, method: &str, path_prefix: &str) -> u32 {
        let prefix = format!("{method} {path_prefix}");
        self.state()
            .request_counts
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .map(|(_, v)| *v)
            .sum()
    }

    /// Moves the emulator clock forward: sessions idle longer than `session_ttl_secs` and
    /// tokens past `expires_in` then expire on their own.
    pub fn advance(&self, secs: i64) {
        let mut st = self.state();
        st.now += chrono::Duration::seconds(secs);
    }

    /// Forgets every v1 session (as GLPI does when PHP sessions expire).
    pub fn expire_sessions(&self) {
        self.state().sessions.clear();
    }

    /// Forgets every OAuth access token (as if they had all expired).
    pub fn expire_tokens(&self) {
        self.state().tokens.clear();
    }

    fn technician(st: &State) -> i64 {
        st.user_by_name(seed::TECHNICIAN).map(|u| u.id).unwrap_or(0)
    }

    /// A technician adds a follow-up; returns its id.
    pub fn tech_followup(&self, ticket: i64, content: &str, is_private: bool) -> i64 {
        let mut st = self.state();
        let tech = Self::technician(&st);
        st.add_followup(ticket, content, is_private, tech)
    }

    /// A technician adds a public follow-up with a file attached to it (a Document linked to
    /// the follow-up, as the follow-up form's upload does); returns (follow-up id, document id).
    pub fn tech_followup_with_file(
        &self,
        ticket: i64,
        content: &str,
        filename: &str,
        mime: &str,
        bytes: &[u8],
    ) -> (i64, i64) {
        let mut st = self.state();
        let tech = Self::technician(&st);
        let followup = st.add_followup(ticket, content, false, tech);
        let doc = st.add_document(filename, mime, bytes, ("ITILFollowup", followup));
        (followup, doc)
    }

    /// An admin attaches a file to knowledge-base article `article` (a Document linked to the
    /// `KnowbaseItem`; GLPI leaves the article's `date_mod` as it was); returns the document id.
    pub fn kb_attach(&self, article: i64, filename: &str, bytes: &[u8]) -> i64 {
        self.state().add_document(
            filename,
            "application/json",
            bytes,
            ("KnowbaseItem", article),
        )
    }

    /// The files (file name, bytes) linked to a follow-up, in document order.
    pub fn followup_files(&self, followup: i64) -> Vec<(String, Vec<u8>)> {
        self.state()
            .documents
            .values()
            .filter(|d| {
                d.links
                    .iter()
                    .any(|(t, i)| t == "ITILFollowup" && *i == followup)
            })
            .map(|d| (d.filename.clone(), d.bytes.clone()))
            .collect()
    }

    /// A technician changes a ticket's status.
    pub fn tech_set_status(&self, ticket: i64, status: u8) {
        let mut st = self.state();
        let now = st.tick();
        if let Some(t) = st.tickets.get_mut(&ticket) {
            t.status = status;
            t.date_mod = now;
        }
    }

    /// A technician solves a ticket (adds a solution, status becomes solved); returns its id.
    pub fn tech_solve(&self, ticket: i64, content: &str) -> i64 {
        let mut st = self.state();
        let tech = Self::technician(&st);
        let id = st.next_id();
        let now = st.tick();
        st.solutions.insert(
            id,
            state::Solution {
                id,
                items_id: ticket,
                content: content.into(),
                users_id: tech,
                date_creation: now,
            },
        );
        if let Some(t) = st.tickets.get_mut(&ticket) {
            t.status = status::SOLVED;
            t.date_mod = now;
        }
        id
    }

    /// Creates a KB category; returns its id.
    pub fn kb_add_category(&self, name: &str, parent: i64) -> i64 {
        let mut st = self.state();
        let id = st.next_id();
        st.kb_categories.insert(
            id,
            state::KbCategory {
                id,
                name: name.into(),
                parent,
            },
        );
        id
    }

    /// Creates a KB article; returns its id.
    pub fn kb_add(&self, name: &str, answer: &str, categories: &[i64], visible: bool) -> i64 {
        let mut st = self.state();
        let id = st.next_id();
        let now = st.tick();
        st.kb_items.insert(
            id,
            state::KbItem {
                id,
                name: name.into(),
                answer: answer.into(),
                is_faq: false,
                visible,
                categories: categories.to_vec(),
                date_creation: now,
                date_mod: now,
            },
        );
        id
    }

    /// Edits a KB article's subject and content.
    pub fn kb_edit(&self, id: i64, name: &str, answer: &str) {
        let mut st = self.state();
        let now = st.tick();
        if let Some(k) = st.kb_items.get_mut(&id) {
            k.name = name.into();
            k.answer = answer.into();
            k.date_mod = now;
        }
    }

    /// Changes an article's visibility for the API user.
    pub fn kb_set_visible(&self, id: i64, visible: bool) {
        let mut st = self.state();
        let now = st.tick();
        if let Some(k) = st.kb_items.get_mut(&id) {
            k.visible = visible;
            k.date_mod = now;
        }
    }

    /// Deletes (purges) a KB article.
    pub fn kb_delete(&self, id: i64) {
        self.state().kb_items.remove(&id);
    }

    /// Forgets a computer, so its next partial inventory is refused (see [`inventory`]).
    pub fn forget_computer(&self, deviceid: &str) {
        self.state().computers.remove(deviceid);
    }
}
