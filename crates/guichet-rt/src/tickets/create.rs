//! Creating a ticket exactly once: looked up by its `ClientUUID` custom field before
//! creating (a previous attempt may have landed with its answer lost) and verified after.

use guichet_sync::{ConnectorError, OutgoingTicket, PushedTicket};
use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

use super::files::rest2_attachments;
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

impl RtConnector {
    /// The ticket carrying `client_uuid`, if RT has one.
    async fn find_ticket(&self, client_uuid: Uuid) -> Result<Option<PushedTicket>, ConnectorError> {
        let found = self
            .collection(
                Method::GET,
                "/tickets",
                &[
                    ("query", format!("CF.{{ClientUUID}} = '{client_uuid}'")),
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
        // Check before create: a previous attempt may have landed with its answer lost.
        if let Some(found) = self.find_ticket(t.client_uuid).await? {
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
            "CustomFields": {"ClientUUID": t.client_uuid.to_string()},
        });
        if !attachments.is_empty() {
            body["Attachments"] = Value::Array(attachments);
        }
        let (headers, _) = self
            .send(self.request(Method::POST, "/ticket").json(&body))
            .await?;
        let id = Self::created_id(&headers, "ticket")?;
        // Verify after create: the ticket must carry the UUID, or retries would duplicate it.
        match self.find_ticket(t.client_uuid).await? {
            Some(found) => Ok(found),
            None => Err(ConnectorError::Permanent {
                status: 201,
                message: format!(
                    "RT created ticket {id} without its ClientUUID: check that the ClientUUID \
                     ticket custom field is applied to queue {} and that {} may set it",
                    self.cfg.queue, self.cfg.user
                ),
            }),
        }
    }
}
