//! Creating a ticket exactly once: looked up by its key before creating (a previous attempt
//! may have landed with its answer lost) and verified after.
//!
//! The key is the client UUID twice over: in the `ClientUUID` ticket custom field when the
//! queue has it, and always as the ticket's "Refers to" link `urn:uuid:<uuid>`. RT keeps the
//! link on every server, a stock one included (no custom field to create), the user needs no
//! right beyond `CreateTicket` to set it, and TicketSQL finds it (`RefersTo = '…'`) on every
//! database; text searches (`Content LIKE`) cannot be used: without full-text indexing RT
//! silently matches nothing, which would look like "never created".

use guichet_sync::{ConnectorError, OutgoingTicket, PushedTicket};
use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

use super::files::rest2_attachments;
use crate::setup::TICKET_KEY_CF;
use crate::wire::id_of;
use crate::RtConnector;

/// The ticket's first message: the description, then what RT has no field for.
fn ticket_content(t: &OutgoingTicket) -> String {
    let mut content = t.fields.description.clone();
    content.push_str("\n\n--\n");
    if let Some(c) = &t.fields.category {
        content.push_str(&format!("Category: {c}\n"));
    }
    content.push_str(&format!(
        "Urgency: {}/5\nReported by: {}\n",
        t.fields.urgency, t.fields.requester
    ));
    if let Some(s) = &t.system_summary {
        content.push('\n');
        content.push_str(s);
    }
    content
}

/// The ticket's "Refers to" link carrying `client_uuid`.
fn link_of(client_uuid: Uuid) -> String {
    format!("urn:uuid:{client_uuid}")
}

impl RtConnector {
    /// The ticket carrying `client_uuid` (in its link, or in its custom field where the queue
    /// has one: tickets created before the link was set), if RT has one.
    async fn find_ticket(
        &self,
        client_uuid: Uuid,
        has_field: bool,
    ) -> Result<Option<PushedTicket>, ConnectorError> {
        let mut query = format!("RefersTo = '{}'", link_of(client_uuid));
        if has_field {
            query = format!("CF.{{{TICKET_KEY_CF}}} = '{client_uuid}' OR {query}");
        }
        let found = self
            .collection(
                Method::GET,
                "/tickets",
                &[
                    ("query", query),
                    ("fields", "Status".into()),
                    ("orderby", "id".into()),
                    ("order", "ASC".into()),
                ],
            )
            .await?;
        Ok(found.first().and_then(|t| {
            Some(PushedTicket {
                remote_id: id_of(t)?,
                status: t.get("Status").and_then(Value::as_str).map(str::to_string),
            })
        }))
    }

    /// Creates the ticket, or finds the one a previous attempt created.
    pub(crate) async fn create_ticket(
        &self,
        t: &OutgoingTicket,
    ) -> Result<PushedTicket, ConnectorError> {
        let has_field = self
            .queue_fields()
            .await?
            .ticket
            .iter()
            .any(|f| f == TICKET_KEY_CF);
        // Check before create: a previous attempt may have landed with its answer lost.
        if let Some(found) = self.find_ticket(t.client_uuid, has_field).await? {
            return Ok(found);
        }
        let attachments = rest2_attachments(&t.attachments);
        let mut body = json!({
            "Queue": self.cfg.queue,
            "Subject": t.fields.title,
            // REST2 does not make the creator a requestor; without it the user cannot see
            // the ticket, nor find it by its ClientUUID.
            "Requestor": self.cfg.user,
            "Content": ticket_content(t),
            "ContentType": "text/plain",
            "Priority": (u32::from(t.fields.urgency.clamp(1, 5)) - 1) * 25,
            // The key RT keeps whatever its custom fields (see the module's overview).
            "RefersTo": link_of(t.client_uuid),
        });
        if has_field {
            body["CustomFields"] = json!({TICKET_KEY_CF: t.client_uuid.to_string()});
        }
        if !attachments.is_empty() {
            body["Attachments"] = Value::Array(attachments);
        }
        let (headers, _) = self
            .send(self.request(Method::POST, "/ticket").json(&body))
            .await?;
        let id = Self::created_id(&headers, "ticket")?;
        // Verify after create: the ticket must carry the UUID, or retries would duplicate it.
        match self.find_ticket(t.client_uuid, has_field).await? {
            Some(found) => Ok(found),
            None => Err(ConnectorError::Permanent {
                status: 201,
                message: format!(
                    "RT created ticket {id} without its key (link urn:uuid:{}): check that {} \
                     may see tickets it is the requestor of in queue {} (ShowTicket for the \
                     Requestor role)",
                    t.client_uuid, self.cfg.user, self.cfg.queue
                ),
            }),
        }
    }
}
