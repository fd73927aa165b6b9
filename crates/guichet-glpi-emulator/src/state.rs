//! The emulator's in-memory GLPI database: users, API and OAuth clients, sessions, tickets with
//! their timeline, the knowledge base, documents and inventoried computers.
//!
//! Field names follow GLPI's tables as the REST API v1 exposes them (apirest.md, "Get an item"
//! examples: `id`, `name`, `date_mod` as `YYYY-MM-DD HH:MM:SS`, …). The clock is the emulator's
//! own: it starts at a configured instant and advances one second per write, so tests are
//! deterministic and `date_mod` cursors strictly increase.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// GLPI ticket statuses (glpi `CommonITILObject`: 1 new, 2 processing (assigned), 3 processing
/// (planned), 4 pending, 5 solved, 6 closed).
pub mod status {
    /// New.
    pub const NEW: u8 = 1;
    /// Processing (assigned).
    pub const ASSIGNED: u8 = 2;
    /// Processing (planned).
    pub const PLANNED: u8 = 3;
    /// Pending.
    pub const WAITING: u8 = 4;
    /// Solved.
    pub const SOLVED: u8 = 5;
    /// Closed.
    pub const CLOSED: u8 = 6;
}

/// A GLPI user account.
#[derive(Debug, Clone)]
pub struct User {
    /// `glpi_users.id`.
    pub id: i64,
    /// Login.
    pub name: String,
    /// Password for Basic auth (apirest.md "Init session") and the OAuth password grant.
    pub password: String,
    /// Remote access key ("API token" in the user's preferences), for `Authorization: user_token`.
    pub user_token: Option<String>,
}

/// An OAuth2 client registered under Setup > OAuth clients (GLPI 11, resources/api_doc.MD).
#[derive(Debug, Clone)]
pub struct OAuthClient {
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Allowed grants (`password`, `client_credentials`).
    pub grants: Vec<String>,
}

/// A REST API v1 session (apirest.md "Init session").
#[derive(Debug, Clone)]
pub struct Session {
    /// The user the session belongs to.
    pub user_id: i64,
    /// Last use, for the inactivity expiry.
    pub last_used: DateTime<Utc>,
}

/// An OAuth2 access token (resources/api_doc.MD, "Password Grant": `expires_in`).
#[derive(Debug, Clone)]
pub struct AccessToken {
    /// User for the password grant; none for client credentials.
    pub user_id: Option<i64>,
    /// Requested scope (`api`, `inventory`, …).
    pub scope: String,
    /// Expiry instant.
    pub expires_at: DateTime<Utc>,
}

/// A ticket (`glpi_tickets`).
#[derive(Debug, Clone)]
pub struct Ticket {
    /// Id.
    pub id: i64,
    /// Title.
    pub name: String,
    /// Description.
    pub content: String,
    /// Status, see [`status`].
    pub status: u8,
    /// `externalid` column, set by API clients to their own identifier.
    pub externalid: String,
    /// `type`: 1 incident, 2 request (glpi `Ticket::INCIDENT_TYPE`, `Ticket::DEMAND_TYPE`).
    pub ticket_type: u8,
    /// `urgency`: 1 very low … 5 very high (glpi `CommonITILObject::getUrgencyName`).
    pub urgency: u8,
    /// `itilcategories_id` (0: none).
    pub itilcategories_id: i64,
    /// Requester (the API user who created it).
    pub users_id_recipient: i64,
    /// Creation date.
    pub date: DateTime<Utc>,
    /// Last modification.
    pub date_mod: DateTime<Utc>,
}

/// The fields of a new ticket, already validated (see the API modules).
#[derive(Debug, Clone)]
pub struct TicketInput {
    /// Title.
    pub name: String,
    /// Description.
    pub content: String,
    /// `externalid`.
    pub externalid: String,
    /// `type`.
    pub ticket_type: u8,
    /// `urgency`.
    pub urgency: u8,
    /// `itilcategories_id` (0: none).
    pub itilcategories_id: i64,
}

/// An ITIL category (`glpi_itilcategories`), a dropdown tickets are filed under.
#[derive(Debug, Clone)]
pub struct ItilCategory {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Parent category (0 for the root).
    pub parent: i64,
    /// May be used for incidents (`is_incident`).
    pub is_incident: bool,
    /// May be used for requests (`is_request`).
    pub is_request: bool,
}

/// A follow-up (`glpi_itilfollowups`).
#[derive(Debug, Clone)]
pub struct Followup {
    /// Id.
    pub id: i64,
    /// Parent ticket.
    pub items_id: i64,
    /// Text.
    pub content: String,
    /// Private follow-ups are for technicians only.
    pub is_private: bool,
    /// Author.
    pub users_id: i64,
    /// Creation date.
    pub date: DateTime<Utc>,
}

/// A solution (`glpi_itilsolutions`).
#[derive(Debug, Clone)]
pub struct Solution {
    /// Id.
    pub id: i64,
    /// Parent ticket.
    pub items_id: i64,
    /// Text.
    pub content: String,
    /// Author.
    pub users_id: i64,
    /// Creation date.
    pub date_creation: DateTime<Utc>,
}

/// A knowledge base category (`glpi_knowbaseitemcategories`).
#[derive(Debug, Clone)]
pub struct KbCategory {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Parent category (0 for the root).
    pub parent: i64,
}

/// A knowledge base article (`glpi_knowbaseitems`).
#[derive(Debug, Clone)]
pub struct KbItem {
    /// Id.
    pub id: i64,
    /// Subject.
    pub name: String,
    /// Content (HTML).
    pub answer: String,
    /// In the FAQ.
    pub is_faq: bool,
    /// Whether the API user's profile/entity may see it (GLPI's KB visibility targets).
    pub visible: bool,
    /// Categories (`glpi_knowbaseitems_knowbaseitemcategories`).
    pub categories: Vec<i64>,
    /// Creation date.
    pub date_creation: DateTime<Utc>,
    /// Last modification.
    pub date_mod: DateTime<Utc>,
}

/// A document (`glpi_documents`) with its links (`glpi_documents_items`).
#[derive(Debug, Clone)]
pub struct Document {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Uploaded file name.
    pub filename: String,
    /// MIME type.
    pub mime: String,
    /// File bytes.
    pub bytes: Vec<u8>,
    /// Linked items (itemtype, id).
    pub links: Vec<(String, i64)>,
}

/// A computer created or updated by the native inventory.
#[derive(Debug, Clone)]
pub struct Computer {
    /// Id.
    pub id: i64,
    /// Agent device id.
    pub deviceid: String,
    /// `GLPI-Agent-ID` header of the last submission.
    pub agent_id: Option<String>,
    /// The merged inventory content.
    pub content: Value,
    /// Number of full inventories received.
    pub full_count: u32,
    /// Number of partial inventories received.
    pub partial_count: u32,
    /// Categories of the last partial inventory.
    pub last_partial_categories: Vec<String>,
    /// Last update.
    pub date_mod: DateTime<Utc>,
}

/// An agent known from CONTACT or INVENTORY (`glpi_agents`).
#[derive(Debug, Clone)]
pub struct Agent {
    /// Device id.
    pub deviceid: String,
    /// Agent name and version from CONTACT.
    pub useragent: String,
    /// Number of CONTACT requests.
    pub contacts: u32,
}

/// The whole emulated database.
#[derive(Debug)]
pub struct State {
    /// The emulator clock.
    pub now: DateTime<Utc>,
    next_id: i64,
    /// Users by id.
    pub users: BTreeMap<i64, User>,
    /// OAuth clients.
    pub oauth_clients: Vec<OAuthClient>,
    /// Sessions by token.
    pub sessions: HashMap<String, Session>,
    /// Access tokens by token.
    pub tokens: HashMap<String, AccessToken>,
    /// Tickets by id.
    pub tickets: BTreeMap<i64, Ticket>,
    /// Follow-ups by id.
    pub followups: BTreeMap<i64, Followup>,
    /// Requesters of each ticket (`glpi_tickets_users`, type 1), by ticket id.
    pub requesters: BTreeMap<i64, Vec<i64>>,
    /// Solutions by id.
    pub solutions: BTreeMap<i64, Solution>,
    /// ITIL categories by id.
    pub itil_categories: BTreeMap<i64, ItilCategory>,
    /// KB categories by id.
    pub kb_categories: BTreeMap<i64, KbCategory>,
    /// KB articles by id.
    pub kb_items: BTreeMap<i64, KbItem>,
    /// Documents by id.
    pub documents: BTreeMap<i64, Document>,
    /// Computers by device id.
    pub computers: BTreeMap<String, Computer>,
    /// Agents by device id.
    pub agents: BTreeMap<String, Agent>,
    /// Request counts by `METHOD path`.
    pub request_counts: BTreeMap<String, u32>,
}

impl State {
    /// An empty database whose clock starts at `start`.
    pub fn new(start: DateTime<Utc>) -> State {
        State {
            now: start,
            next_id: 1,
            users: BTreeMap::new(),
            oauth_clients: Vec::new(),
            sessions: HashMap::new(),
            tokens: HashMap::new(),
            tickets: BTreeMap::new(),
            followups: BTreeMap::new(),
            requesters: BTreeMap::new(),
            solutions: BTreeMap::new(),
            itil_categories: BTreeMap::new(),
            kb_categories: BTreeMap::new(),
            kb_items: BTreeMap::new(),
            documents: BTreeMap::new(),
            computers: BTreeMap::new(),
            agents: BTreeMap::new(),
            request_counts: BTreeMap::new(),
        }
    }

    /// Advances the clock by one second and returns the new instant: every write gets a distinct,
    /// increasing `date_mod`.
    pub fn tick(&mut self) -> DateTime<Utc> {
        self.now += Duration::seconds(1);
        self.now
    }

    /// A fresh id (ids are unique across tables, which GLPI does not guarantee but no client may
    /// rely on either way).
    pub fn next_id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Stores a file named `filename` as a new Document linked to `link` (item type, id);
    /// returns its id.
    pub fn add_document(
        &mut self,
        filename: &str,
        mime: &str,
        bytes: &[u8],
        link: (&str, i64),
    ) -> i64 {
        let id = self.next_id();
        self.documents.insert(
            id,
            Document {
                id,
                name: filename.to_owned(),
                filename: filename.to_owned(),
                mime: mime.to_owned(),
                bytes: bytes.to_vec(),
                links: vec![(link.0.to_owned(), link.1)],
            },
        );
        id
    }

    /// The user with this login.
    pub fn user_by_name(&self, name: &str) -> Option<&User> {
        self.users.values().find(|u| u.name == name)
    }

    /// Touches a ticket's `date_mod` (GLPI updates the parent when its timeline changes).
    pub fn touch_ticket(&mut self, id: i64) {
        let now = self.tick();
        if let Some(t) = self.tickets.get_mut(&id) {
            t.date_mod = now;
        }
    }

    /// Adds a follow-up and touches the ticket; returns its id.
    pub fn add_followup(&mut self, ticket: i64, content: &str, is_private: bool, user: i64) -> i64 {
        let id = self.next_id();
        let now = self.tick();
        self.followups.insert(
            id,
            Followup {
                id,
                items_id: ticket,
                content: content.to_owned(),
                is_private,
                users_id: user,
                date: now,
            },
        );
        self.touch_ticket(ticket);
        id
    }

    /// The ITIL category path `Parent > Child`, as GLPI's `completename`.
    pub fn itil_completename(&self, id: i64) -> String {
        let mut names = Vec::new();
        let mut cur = id;
        while let Some(c) = self.itil_categories.get(&cur) {
            names.push(c.name.clone());
            if c.parent == 0 || names.len() > 16 {
                break;
            }
            cur = c.parent;
        }
        names.reverse();
        names.join(" > ")
    }

    /// Checks a new ticket's `type`, `urgency` and `itilcategories_id` within GLPI's ranges
    /// (`Ticket::getTypes()`: 1 incident, 2 request; `CommonITILObject::getUrgencyName`: 1 to
    /// 5): a missing (0) type is an incident and a missing urgency is medium (3), as GLPI
    /// defaults them in `Ticket::prepareInputForAdd`; a category not enabled for the ticket's
    /// type (`is_incident`/`is_request`) is dropped, as GLPI does there too. Values outside
    /// the ranges and unknown categories are refused (ERROR_GLPI_ADD) so that a client bug
    /// shows in tests instead of being silently stored. Returns the message of a refusal.
    pub fn check_ticket(&self, input: &mut TicketInput) -> Result<(), String> {
        if input.ticket_type == 0 {
            input.ticket_type = 1;
        }
        if !matches!(input.ticket_type, 1 | 2) {
            return Err(format!("Invalid ticket type: {}", input.ticket_type));
        }
        if input.urgency == 0 {
            input.urgency = 3;
        }
        if !(1..=5).contains(&input.urgency) {
            return Err(format!("Invalid urgency: {}", input.urgency));
        }
        if input.itilcategories_id != 0 {
            let Some(c) = self.itil_categories.get(&input.itilcategories_id) else {
                return Err(format!("Category {} not found", input.itilcategories_id));
            };
            let allowed = if input.ticket_type == 1 {
                c.is_incident
            } else {
                c.is_request
            };
            if !allowed {
                input.itilcategories_id = 0;
            }
        }
        Ok(())
    }

    /// Creates a ticket from checked fields (see [`State::check_ticket`]); returns its id.
    pub fn add_ticket(&mut self, input: TicketInput, user: i64) -> i64 {
        let id = self.next_id();
        let now = self.tick();
        self.tickets.insert(
            id,
            Ticket {
                id,
                name: input.name,
                content: input.content,
                status: status::NEW,
                externalid: input.externalid,
                ticket_type: input.ticket_type,
                urgency: input.urgency,
                itilcategories_id: input.itilcategories_id,
                users_id_recipient: user,
                date: now,
                date_mod: now,
            },
        );
        id
    }
}

/// GLPI's SQL date-time format, used by the REST API v1 (`"date_mod": "2015-09-25 09:33:41"`).
pub fn glpi_datetime(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// RFC 3339 date-time, used by the high-level API (`format: date-time` in its OpenAPI schemas).
pub fn iso_datetime(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
