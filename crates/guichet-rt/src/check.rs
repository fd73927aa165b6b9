//! The check `guichet connect rt` runs: each thing the server lacks for Guichet, with what it
//! costs and how an admin adds it. Only an unreachable server, refused credentials or an
//! invisible queue are errors; everything else is a warning, since Guichet works without it
//! (a missing class or catalog skips the knowledge base or the inventory, a missing reply key
//! makes replies wait).

use guichet_sync::ConnectorError;
use reqwest::Method;
use serde_json::Value;

use crate::setup::{cf_fix, SetupReport, REPLY_KEY_CF, TICKET_KEY_CF};
use crate::wire::path_id;
use crate::RtConnector;

/// Whether an error of an optional lookup must fail the whole check.
fn is_fatal(e: &ConnectorError) -> bool {
    matches!(
        e,
        ConnectorError::Offline(_) | ConnectorError::Auth(_) | ConnectorError::Timeout(_)
    )
}

impl RtConnector {
    /// Checks what the server offers Guichet's user: the queue (an error if it is not
    /// visible), its rights and exactly-once custom fields, the knowledge base's class and
    /// the inventory's catalog with its custom fields.
    pub async fn check_setup(&self) -> Result<SetupReport, ConnectorError> {
        let q = self.queue_fields().await?;
        let (user, queue) = (&self.cfg.user, &self.cfg.queue);
        let mut report = SetupReport::default();
        if !q.can_create {
            report.warnings.push(format!(
                "{user} may not create tickets in queue `{queue}`: grant it SeeQueue and \
                 CreateTicket there (Admin → Queues → {queue} → User Rights), and ShowTicket \
                 and ReplyToTicket to the queue's Requestor role"
            ));
        }
        if !q.ticket.iter().any(|f| f == TICKET_KEY_CF) {
            report.warnings.push(format!(
                "ticket custom field {TICKET_KEY_CF} missing on queue `{queue}` (or not visible \
                 to {user}): tickets are still created exactly once, found again by their \
                 \"Refers to\" link urn:uuid:<client id>. To add it: {}",
                cf_fix(TICKET_KEY_CF, "Tickets", &format!("queue `{queue}`"), user)
            ));
        }
        if !q.transaction.iter().any(|f| f == REPLY_KEY_CF) {
            report.warnings.push(self.reply_key_message());
        }
        self.check_kb(&mut report).await?;
        self.check_catalog(&mut report).await?;
        Ok(report)
    }

    /// The knowledge base's class and its `Content` field.
    async fn check_kb(&self, report: &mut SetupReport) -> Result<(), ConnectorError> {
        let (id, name) = match self.kb_class().await {
            Ok(c) => c,
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => {
                report
                    .warnings
                    .push(format!("knowledge base not synced: {}", plain(e)));
                return Ok(());
            }
        };
        let content = match self
            .send(self.request(Method::GET, &format!("/class/{}", path_id(&id)?)))
            .await
        {
            Ok((_, v)) => v
                .get("ArticleCustomFields")
                .and_then(Value::as_array)
                .is_some_and(|cfs| {
                    cfs.iter()
                        .any(|cf| cf.get("name").and_then(Value::as_str) == Some("Content"))
                }),
            Err(e) if is_fatal(&e) => return Err(e),
            Err(_) => false,
        };
        if !content {
            report.warnings.push(format!(
                "article custom field Content not visible to {} on class `{name}`: articles \
                 would have empty bodies; grant {} SeeCustomField on Content (RT applies it to \
                 every class)",
                self.cfg.user, self.cfg.user
            ));
        }
        report.kb_class = Some(name);
        Ok(())
    }

    /// The inventory's catalog and its custom fields.
    async fn check_catalog(&self, report: &mut SetupReport) -> Result<(), ConnectorError> {
        let (id, name) = match self.asset_catalog().await {
            Ok(c) => c,
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => {
                report
                    .warnings
                    .push(format!("inventory not sent: {}", plain(e)));
                return Ok(());
            }
        };
        match self
            .send(self.request(Method::GET, &format!("/catalog/{}", path_id(&id)?)))
            .await
        {
            Ok((_, v)) if !offers_create(&v) => report.warnings.push(format!(
                "{} may not create assets in catalog `{name}`: grant it CreateAsset and \
                 ModifyAsset there (Admin → Assets → Catalogs → {name} → User Rights)",
                self.cfg.user
            )),
            Ok(_) => {}
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => report.warnings.push(format!("catalog `{name}`: {e}")),
        }
        match self.missing_asset_fields(&id).await {
            Ok(missing) if missing.is_empty() => {}
            Ok(missing) => report
                .warnings
                .push(self.asset_field_message(&missing, &name)),
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => report
                .warnings
                .push(format!("custom fields of catalog `{name}`: {e}")),
        }
        report.asset_catalog = Some(name);
        Ok(())
    }
}

/// Whether RT offers the user an object's "create" link (its create right).
pub(crate) fn offers_create(v: &Value) -> bool {
    v.get("_hyperlinks")
        .and_then(Value::as_array)
        .is_some_and(|l| {
            l.iter()
                .any(|h| h.get("ref").and_then(Value::as_str) == Some("create"))
        })
}

/// The message of a setup error, without the engine's "not set up" prefix.
fn plain(e: ConnectorError) -> String {
    match e {
        ConnectorError::NotSetUp(m) => m,
        other => other.to_string(),
    }
}
