//! Replying exactly once: a correspondence carrying the reply's UUID in its `ClientTxnUUID`
//! transaction custom field, looked up before sending and verified after; the files go in
//! the same request, so they exist exactly when the transaction does.

use guichet_sync::{ConnectorError, OutgoingReply};
use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

use super::files::rest2_attachments;
use crate::client::refusal_in;
use crate::setup::REPLY_KEY_CF;
use crate::wire::{id_of, path_id};
use crate::RtConnector;

impl RtConnector {
    /// The transaction carrying `client_uuid`, if RT has one.
    async fn find_transaction(&self, client_uuid: Uuid) -> Result<Option<String>, ConnectorError> {
        let found = self
            .collection(
                Method::GET,
                "/transactions",
                &[
                    ("query", format!("CF.{{ClientTxnUUID}} = '{client_uuid}'")),
                    ("fields", "Type,ObjectId".into()),
                    ("orderby", "id".into()),
                    ("order", "ASC".into()),
                ],
            )
            .await?;
        Ok(found.first().and_then(id_of))
    }

    /// Adds the reply, or finds the one a previous attempt added; returns its transaction id.
    /// Without the queue's `ClientTxnUUID` field a lost answer could not be told from a reply
    /// never sent, so nothing is sent: [`ConnectorError::NotSetUp`] with the admin's fix.
    pub(crate) async fn add_reply(&self, r: &OutgoingReply) -> Result<String, ConnectorError> {
        let fields = self.queue_fields().await?;
        if !fields.transaction.iter().any(|f| f == REPLY_KEY_CF) {
            return Err(ConnectorError::NotSetUp(self.reply_key_message()));
        }
        if let Some(id) = self.find_transaction(r.client_uuid).await? {
            return Ok(id);
        }
        let mut body = json!({
            "Content": r.body,
            "ContentType": "text/plain",
            "TxnCustomFields": {"ClientTxnUUID": r.client_uuid.to_string()},
        });
        let attachments = rest2_attachments(&r.attachments);
        if !attachments.is_empty() {
            body["Attachments"] = Value::Array(attachments);
        }
        let path = format!("/ticket/{}/correspond", path_id(&r.ticket_remote_id)?);
        let (headers, answer) = self
            .send(self.request(Method::POST, &path).json(&body))
            .await?;
        refusal_in(&answer)?;
        let id = Self::created_id(&headers, "transaction")?;
        match self.find_transaction(r.client_uuid).await? {
            Some(found) => Ok(found),
            None => Err(ConnectorError::Permanent {
                status: 201,
                message: format!(
                    "RT added reply {id} without its ClientTxnUUID: check the ClientTxnUUID \
                     transaction custom field of queue {}",
                    self.cfg.queue
                ),
            }),
        }
    }
}
