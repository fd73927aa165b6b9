//! [`GlpiConnector`]: the sync engine's [`Connector`] for GLPI, on top of [`RestClient`] (tickets,
//! replies, knowledge base) and [`InventoryClient`] (native inventory).
//!
//! Mapping:
//! * ticket: created once by client UUID (see [`RestClient::ensure_ticket`]) with GLPI's own
//!   fields: `type` (incident, or request when the category says so, see
//!   [`TicketType::for_category`]), `urgency` (Guichet's 1–5 is GLPI's 1 very low … 5 very
//!   high) and `itilcategories_id` (the Guichet category looked up by name among GLPI's ITIL
//!   categories, API v1). The requester is the connected user, as GLPI records whoever creates
//!   a ticket through the API. What has no GLPI field stays in the description: the category
//!   name when no ITIL category matches, a `Requester:` line when the Guichet requester is not
//!   the connected user, and the system summary. Attachments are uploaded as Documents linked
//!   to the ticket, skipping file names already attached (a retry after a lost answer);
//! * reply: a public follow-up, once per client UUID, then each of its files uploaded as a
//!   Document linked to that follow-up, skipping file names already linked to it (a retry);
//!   the other side's public follow-ups come back with the files linked to them, a file over
//!   the connector's size limit reported by name and size only;
//! * ticket changes: tickets modified after the `date_mod` cursor (GLPI's own clock, kept as
//!   `YYYY-MM-DD HH:MM:SS` text), restricted to the watched ones, with their public follow-ups
//!   and solutions as replies;
//! * knowledge base: GLPI has no change feed, so the cursor is the JSON map `id → version` of
//!   what was seen last; upserts and deletions are the difference with the current list; the
//!   published fix-it actions are the `*.guichet-action` Documents linked to an article (see
//!   [`kb`](self::kb));
//! * inventory: CONTACT then a full or partial INVENTORY, partial against the inventory the
//!   engine says the server last accepted (`previous`); nothing at all when nothing changed.

use crate::content;
use crate::error::GlpiError;
use crate::inventory::{request_id, InventoryClient};
use crate::model::{parse_glpi_time, DocumentFile, FollowupDraft, TicketDraft, TicketType};
use crate::rest::RestClient;
use async_trait::async_trait;
use chrono::{NaiveDateTime, TimeZone, Utc};
use guichet_inventory::{to_glpi, GlpiOptions, Inventory};
use guichet_records::{
    InventoryMode, RemoteFile, RemoteReply, RemoteReplyFiles, RemoteTicketUpdate,
};
use guichet_store::DEFAULT_ATTACHMENT_LIMIT;
use guichet_sync::{
    Connector, ConnectorError, KbChanges, OutgoingInventory, OutgoingReply, OutgoingTicket,
    PushedInventory, PushedTicket, TicketChanges,
};

mod kb;

/// The connector name under which cursors and remote ids are stored.
pub const NAME: &str = "glpi";

/// GLPI as a sync target.
#[derive(Debug)]
pub struct GlpiConnector {
    rest: RestClient,
    inventory: Option<InventoryClient>,
    wording: Wording,
    file_limit: u64,
}

impl GlpiConnector {
    /// A connector; `inventory` is `None` when inventories are not sent to this server.
    pub fn new(rest: RestClient, inventory: Option<InventoryClient>) -> GlpiConnector {
        GlpiConnector {
            rest,
            inventory,
            wording: technical,
            file_limit: DEFAULT_ATTACHMENT_LIMIT,
        }
    }

    /// Sets the largest file of a technician's follow-up that is downloaded (default
    /// [`DEFAULT_ATTACHMENT_LIMIT`]); bigger ones are reported by name and size only.
    pub fn with_file_limit(mut self, bytes: u64) -> GlpiConnector {
        self.file_limit = bytes;
        self
    }

    /// The files linked to a follow-up, downloaded unless over the size limit.
    async fn followup_files(&self, followup: i64) -> Result<Vec<RemoteFile>, ConnectorError> {
        let docs = match self.rest.followup_documents(followup).await {
            Ok(docs) => docs,
            // A Self-Service account may not list a follow-up's documents (GLPI 10 answers
            // 403): the reply comes back without its files rather than not at all.
            Err(e) if e.is_forbidden() => {
                tracing::info!(followup, "this GLPI account may not read follow-up files");
                Vec::new()
            }
            Err(e) => return Err(self.classify(e)),
        };
        let mut out = Vec::with_capacity(docs.len());
        for d in docs {
            let file = self
                .rest
                .download_document(d.id, self.file_limit)
                .await
                .map_err(|e| self.classify(e))?;
            let (size, bytes) = match file {
                DocumentFile::Bytes(b) => (b.len() as u64, Some(b)),
                DocumentFile::TooLarge(n) => {
                    tracing::info!(document = d.id, file = %d.filename, size = n, "file over the limit, not downloaded");
                    (n, None)
                }
            };
            out.push(RemoteFile {
                remote_id: d.id.to_string(),
                file_name: d.filename,
                content_type: d.mime,
                size,
                bytes,
            });
        }
        Ok(out)
    }

    /// The words of the error messages the engine records and shows: the interface's own
    /// sentence for each [`GlpiError::code`] (default: [`technical`], code and detail).
    pub fn with_wording(mut self, wording: Wording) -> GlpiConnector {
        self.wording = wording;
        self
    }

    fn classify(&self, e: GlpiError) -> ConnectorError {
        classify_with(e, self.wording)
    }

    /// The REST client (for `sync --status`).
    pub fn rest(&self) -> &RestClient {
        &self.rest
    }
}

/// How an interface words a GLPI error for people (its sentence for the error's code).
pub type Wording = fn(&GlpiError) -> String;

/// The technical wording: the error's stable code, then its detail in English.
pub fn technical(e: &GlpiError) -> String {
    format!("{}: {e}", e.code())
}

/// Classifies a GLPI error for the engine, with the [`technical`] message.
pub fn classify(e: GlpiError) -> ConnectorError {
    classify_with(e, technical)
}

/// Classifies a GLPI error for the engine, with the message `wording` gives.
pub fn classify_with(e: GlpiError, wording: Wording) -> ConnectorError {
    let message = wording(&e);
    if e.is_auth() {
        return ConnectorError::Auth(message);
    }
    match e {
        // A session that cannot be renewed is a credentials problem for the engine.
        GlpiError::Api { code, .. } if code.starts_with("ERROR_SESSION_TOKEN") => {
            ConnectorError::Auth(message)
        }
        GlpiError::Api { status, .. } if status >= 500 => {
            ConnectorError::Server { status, message }
        }
        GlpiError::Api { status, .. } => ConnectorError::Permanent { status, message },
        GlpiError::InventoryRefused { status, .. } if status >= 500 => {
            ConnectorError::Server { status, message }
        }
        GlpiError::InventoryRefused { status, .. } => ConnectorError::Permanent { status, message },
        GlpiError::Server { status } => ConnectorError::Server { status, message },
        GlpiError::RateLimited { retry_after } => ConnectorError::RateLimited { retry_after },
        GlpiError::Timeout => ConnectorError::Timeout(message),
        GlpiError::Network(detail) => {
            // Nothing reached the server: offline. Anything else may have been processed.
            let d = detail.to_ascii_lowercase();
            if d.contains("connection refused")
                || d.contains("dns error")
                || d.contains("error trying to connect")
            {
                ConnectorError::Offline(detail)
            } else {
                ConnectorError::Transport(detail)
            }
        }
        GlpiError::Malformed(detail) => ConnectorError::Malformed(detail),
        GlpiError::Unsupported(_) | GlpiError::Config(_) => {
            ConnectorError::Permanent { status: 0, message }
        }
        GlpiError::OverLimit(o) => ConnectorError::OverLimit(o),
    }
}

fn utc(t: NaiveDateTime) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&t)
}

/// The ticket's description as GLPI HTML: what the user wrote (see [`content::to_html`]), then
/// what has no GLPI field (`category` when it did not resolve to an ITIL category; for a ticket
/// a hub relays from a site's bundle, who asked and from which site: GLPI's requester is the
/// hub's account), then the system summary. A ticket filed here has the signed-in account as
/// GLPI's requester and no such line, whatever its local requester (the OS login).
fn description(t: &OutgoingTicket, category_resolved: bool) -> String {
    let mut d = content::to_html(&t.fields.description, t.fields.description_format);
    let mut meta = Vec::new();
    if let Some(c) = t.fields.category.as_ref().filter(|_| !category_resolved) {
        meta.push(format!("Category: {c}"));
    }
    if let Some(site) = &t.relayed_from {
        meta.push(format!("Requester: {} (site {site})", t.fields.requester));
    }
    if !meta.is_empty() {
        d.push('\n');
        d.push_str(&content::plain_to_html(&meta.join("\n")));
    }
    if let Some(s) = &t.system_summary {
        d.push('\n');
        d.push_str(&content::plain_to_html(s));
    }
    d
}

/// A ticket id from the store (an imported bundle may carry any text): digits only, since it
/// goes into URL paths (`Ticket/{id}/…`).
fn remote_id(s: &str) -> Result<i64, ConnectorError> {
    s.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| s.parse::<i64>().ok())
        .flatten()
        .filter(|&id| id > 0)
        .ok_or_else(|| ConnectorError::Permanent {
            status: 0,
            message: format!("not a GLPI ticket id: {s:?}"),
        })
}

#[async_trait]
impl Connector for GlpiConnector {
    fn name(&self) -> &str {
        NAME
    }

    async fn authenticate(&self) -> Result<(), ConnectorError> {
        self.rest.authenticate().await.map_err(|e| self.classify(e))
    }

    async fn push_ticket(&self, t: &OutgoingTicket) -> Result<PushedTicket, ConnectorError> {
        if !t.attachments.is_empty() && !self.rest.can_send_files() {
            // Refused before the ticket exists: no half-sent ticket without its files.
            return Err(self.classify(GlpiError::Unsupported(
                "files on a ticket through the high-level API without API v1",
            )));
        }
        let itilcategories_id = match &t.fields.category {
            Some(c) => self
                .rest
                .itil_category_id(c)
                .await
                .map_err(|e| self.classify(e))?,
            None => None,
        };
        let draft = TicketDraft {
            uuid: t.client_uuid,
            title: t.fields.title.clone(),
            content: description(t, itilcategories_id.is_some()),
            kind: TicketType::for_category(t.fields.category.as_deref()),
            urgency: t.fields.urgency.clamp(1, 5),
            itilcategories_id,
        };
        let r = self
            .rest
            .ensure_ticket(&draft)
            .await
            .map_err(|e| self.classify(e))?;
        if !t.attachments.is_empty() {
            let existing = if r.created {
                Vec::new()
            } else {
                self.rest
                    .document_names(r.id)
                    .await
                    .map_err(|e| self.classify(e))?
            };
            for f in &t.attachments {
                if existing.contains(&f.file_name) {
                    continue;
                }
                self.rest
                    .upload_document(r.id, &f.file_name, &f.content_type, f.bytes.clone())
                    .await
                    .map_err(|e| self.classify(e))?;
            }
        }
        let ticket = self.rest.ticket(r.id).await.map_err(|e| self.classify(e))?;
        Ok(PushedTicket {
            remote_id: r.id.to_string(),
            status: Some(ticket.status.as_str().to_owned()),
        })
    }

    async fn push_reply(&self, reply: &OutgoingReply) -> Result<String, ConnectorError> {
        let ticket = remote_id(&reply.ticket_remote_id)?;
        if !reply.attachments.is_empty() && !self.rest.can_send_files() {
            // Refused before the follow-up exists: no half-sent reply without its files.
            return Err(self.classify(GlpiError::Unsupported(
                "files on a reply through the high-level API without API v1",
            )));
        }
        let draft = FollowupDraft {
            uuid: reply.client_uuid,
            content: content::plain_to_html(&reply.body),
        };
        let id = self
            .rest
            .add_followup(ticket, &draft)
            .await
            .map_err(|e| self.classify(e))?;
        if !reply.attachments.is_empty() {
            // The follow-up may be a previous attempt's, with some of its files already up.
            let existing: Vec<String> = match self.rest.followup_documents(id).await {
                Ok(docs) => docs.into_iter().map(|d| d.filename).collect(),
                // Not readable by a Self-Service account: the ticket's list (its follow-ups'
                // documents included) is, and only makes the check stricter.
                Err(e) if e.is_forbidden() => self
                    .rest
                    .document_names(ticket)
                    .await
                    .map_err(|e| self.classify(e))?,
                Err(e) => return Err(self.classify(e)),
            };
            for f in &reply.attachments {
                if existing.contains(&f.file_name) {
                    continue;
                }
                self.rest
                    .upload_followup_document(id, &f.file_name, &f.content_type, f.bytes.clone())
                    .await
                    .map_err(|e| self.classify(e))?;
            }
        }
        Ok(id.to_string())
    }

    async fn pull_ticket_changes(
        &self,
        cursor: Option<&str>,
        watched: &[String],
    ) -> Result<TicketChanges, ConnectorError> {
        // GLPI's dates have one-second steps and its filters are strict (`>`): a change made
        // in the same second as the cursor, after the last pull, would be missed. Asking from
        // one second earlier re-reads that second; replies are applied once by their id.
        let since = cursor
            .and_then(parse_glpi_time)
            .map(|t| t - chrono::Duration::seconds(1));
        let changed = self
            .rest
            .tickets_changed_since(since)
            .await
            .map_err(|e| self.classify(e))?;
        let new_cursor = changed
            .iter()
            .map(|t| t.date_mod)
            .max()
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string());
        let mut updates = Vec::new();
        let mut files = Vec::new();
        for t in changed
            .iter()
            .filter(|t| watched.contains(&t.id.to_string()))
        {
            let mut replies: Vec<RemoteReply> = Vec::new();
            for f in self
                .rest
                .public_followups(t.id)
                .await
                .map_err(|e| self.classify(e))?
            {
                let remote_id = format!("followup-{}", f.id);
                // Our own follow-ups (they carry a client UUID) already have their files here.
                if f.client_uuid.is_none() {
                    let reply_files = self.followup_files(f.id).await?;
                    if !reply_files.is_empty() {
                        files.push(RemoteReplyFiles {
                            ticket_remote_id: t.id.to_string(),
                            reply_remote_id: remote_id.clone(),
                            files: reply_files,
                        });
                    }
                }
                replies.push(RemoteReply {
                    remote_id,
                    author: f
                        .author_name
                        .unwrap_or_else(|| format!("GLPI #{}", f.author)),
                    body: f.content,
                    created_at: utc(f.date),
                    client_uuid: f.client_uuid,
                });
            }
            for s in self
                .rest
                .solutions(t.id)
                .await
                .map_err(|e| self.classify(e))?
            {
                replies.push(RemoteReply {
                    remote_id: format!("solution-{}", s.id),
                    author: "GLPI".into(),
                    body: s.content,
                    created_at: utc(s.date),
                    client_uuid: None,
                });
            }
            replies.sort_by_key(|r| r.created_at);
            updates.push(RemoteTicketUpdate {
                remote_id: t.id.to_string(),
                title: Some(t.title.clone()),
                status: Some(t.status.as_str().to_owned()),
                updated_at: Some(utc(t.date_mod)),
                replies,
            });
        }
        Ok(TicketChanges {
            updates,
            files,
            cursor: new_cursor,
        })
    }

    async fn pull_kb(&self, cursor: Option<&str>) -> Result<KbChanges, ConnectorError> {
        self.kb_changes(cursor).await
    }

    async fn push_inventory(
        &self,
        inv: &OutgoingInventory,
    ) -> Result<PushedInventory, ConnectorError> {
        let Some(client) = &self.inventory else {
            return Err(ConnectorError::Permanent {
                status: 0,
                message: "inventory submission is not configured for this GLPI server".into(),
            });
        };
        let rid = request_id(inv.client_uuid.as_u128() as u32);
        let contact = client
            .contact(&inv.deviceid, &["inventory"], &rid)
            .await
            .map_err(|e| self.classify(e))?;
        let document = |i: &Inventory| {
            to_glpi(
                i,
                &GlpiOptions {
                    deviceid: inv.deviceid.clone(),
                },
            )
        };
        let doc = document(&inv.inventory);
        // What the server holds is the content of the last accepted inventory: the engine
        // hands it back as `previous`, so partial inventories survive a restart.
        let previous = inv
            .previous
            .as_ref()
            .map(|p| document(p).get("content").cloned().unwrap_or_default());
        let submitted = client
            .submit(previous.as_ref(), &doc, false, &rid)
            .await
            .map_err(|e| self.classify(e))?;
        let (mode, answer) = match submitted {
            Some(sub) if sub.partial => (InventoryMode::Partial, sub.answer),
            Some(sub) => (InventoryMode::Full, sub.answer),
            None => (InventoryMode::Unchanged, contact),
        };
        Ok(PushedInventory {
            remote_id: inv.deviceid.clone(),
            mode,
            // GLPI Agent's protocol: `expiration` is the delay in hours before the next contact.
            next_contact: answer
                .expiration_hours
                .map(|h| std::time::Duration::from_secs(u64::from(h) * 3600)),
            message: answer.message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn outgoing(category: Option<&str>, relayed_from: Option<&str>) -> OutgoingTicket {
        OutgoingTicket {
            client_uuid: Uuid::from_u128(1),
            fields: guichet_records::TicketFields {
                title: "t".into(),
                description: "Tray 2 is stuck".into(),
                description_format: guichet_records::DescriptionFormat::Text,
                category: category.map(str::to_owned),
                urgency: 4,
                requester: "bob@example.org".into(),
            },
            system_summary: None,
            relayed_from: relayed_from.map(str::to_owned),
            attachments: Vec::new(),
        }
    }

    #[test]
    fn only_what_glpi_has_no_field_for_stays_in_the_description() {
        let t = outgoing(Some("Printer"), None);
        assert_eq!(description(&t, true), "<p>Tray 2 is stuck</p>");
        assert_eq!(
            description(&t, false),
            "<p>Tray 2 is stuck</p>\n<p>Category: Printer</p>"
        );
    }

    #[test]
    fn the_requester_line_stays_only_for_a_ticket_relayed_from_a_site() {
        let filed_here = outgoing(None, None);
        assert!(!description(&filed_here, true).contains("Requester"));
        let relayed = outgoing(None, Some("site-lyon-01"));
        assert_eq!(
            description(&relayed, true),
            "<p>Tray 2 is stuck</p>\n<p>Requester: bob@example.org (site site-lyon-01)</p>"
        );
    }

    #[test]
    fn a_ticket_is_a_request_only_when_its_category_says_so() {
        for c in [
            "Request",
            "Access request",
            "Demande d'accès",
            "IT > Demandes",
        ] {
            assert_eq!(
                TicketType::for_category(Some(c)),
                TicketType::Request,
                "{c}"
            );
        }
        for c in [Some("Printer"), Some("Requested hardware broke"), None] {
            assert_eq!(TicketType::for_category(c), TicketType::Incident, "{c:?}");
        }
    }
}
