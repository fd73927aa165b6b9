//! What the other side changed on our tickets: status and title from the queue's tickets
//! updated since the cursor, and the public correspondence of other users with its files
//! (our own replies are known locally by their `ClientTxnUUID`; comments are internal).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use guichet_records::{RemoteFile, RemoteReply, RemoteReplyFiles, RemoteTicketUpdate};
use guichet_sync::{ConnectorError, TicketChanges};
use reqwest::Method;
use serde_json::Value;

use crate::wire::{id_of, path_id, rt_date, sql_str, str_field, tsql_date};
use crate::RtConnector;

/// The other side's replies to one ticket, and the files of those that have some.
type Replies = (Vec<RemoteReply>, Vec<RemoteReplyFiles>);

impl RtConnector {
    /// Changes to the `watched` tickets since `cursor` (a TicketSQL date).
    pub(crate) async fn ticket_changes(
        &self,
        cursor: Option<&str>,
        watched: &[String],
    ) -> Result<TicketChanges, ConnectorError> {
        let watched: HashSet<&str> = watched.iter().map(String::as_str).collect();
        if watched.is_empty() {
            return Ok(TicketChanges::default());
        }
        let tickets = self.updated_tickets(cursor).await?;
        let mut latest: Option<DateTime<Utc>> = None;
        let mut updates = Vec::new();
        let mut files = Vec::new();
        for t in &tickets {
            let mut update = ticket_update(t)?;
            latest = latest.max(update.updated_at);
            if !watched.contains(update.remote_id.as_str()) {
                continue;
            }
            let (replies, reply_files) = self.other_side_replies(&update.remote_id).await?;
            files.extend(reply_files);
            update.replies = replies;
            updates.push(update);
        }
        Ok(TicketChanges {
            updates,
            files,
            cursor: latest.map(tsql_date),
        })
    }

    /// The queue's tickets updated since `cursor`, oldest change first.
    async fn updated_tickets(&self, cursor: Option<&str>) -> Result<Vec<Value>, ConnectorError> {
        let mut query = format!("Queue = '{}'", sql_str(&self.cfg.queue));
        if let Some(c) = cursor {
            // `>=`: timestamps have a one-second resolution; the store skips what it has.
            query.push_str(&format!(" AND LastUpdated >= '{}'", sql_str(c)));
        }
        self.collection(
            Method::GET,
            "/tickets",
            &[
                ("query", query),
                ("fields", "Subject,Status,LastUpdated".into()),
                ("orderby", "LastUpdated".into()),
                ("order", "ASC".into()),
            ],
        )
        .await
    }

    /// The public correspondence of other users on ticket `id`, with its files.
    async fn other_side_replies(&self, id: &str) -> Result<Replies, ConnectorError> {
        let history = self
            .collection(
                Method::GET,
                &format!("/ticket/{}/history", path_id(id)?),
                &[("fields", "Type,Created,Creator".into())],
            )
            .await?;
        let mut replies = Vec::new();
        let mut files = Vec::new();
        for h in &history {
            let Some(mut reply) = other_side_reply(h, &self.cfg.user)? else {
                continue;
            };
            let (body, reply_files) = self.transaction_content(&reply.remote_id).await?;
            if !reply_files.is_empty() {
                files.push(RemoteReplyFiles {
                    ticket_remote_id: id.to_string(),
                    reply_remote_id: reply.remote_id.clone(),
                    files: reply_files,
                });
            }
            reply.body = body;
            replies.push(reply);
        }
        Ok((replies, files))
    }

    /// A correspondence: its text (the plain-text part, else the HTML part) and its files
    /// (the parts with a file name). A file over `file_limit` is not downloaded.
    async fn transaction_content(
        &self,
        txn: &str,
    ) -> Result<(String, Vec<RemoteFile>), ConnectorError> {
        // No `Content` here: the list must not download files before their size is known.
        let parts = self
            .collection(
                Method::GET,
                &format!("/transaction/{}/attachments", path_id(txn)?),
                &[("fields", "ContentType,Filename,ContentLength".into())],
            )
            .await?;
        let body = match body_part(&parts) {
            Some(id) => String::from_utf8_lossy(&self.attachment_content(&id).await?)
                .trim_end()
                .to_string(),
            None => String::new(),
        };
        let files = self.transaction_files(txn, &parts).await?;
        Ok((body, files))
    }
}

/// A ticket of a collection answer as an update, its replies not read yet.
pub(crate) fn ticket_update(t: &Value) -> Result<RemoteTicketUpdate, ConnectorError> {
    let id = id_of(t).ok_or_else(|| ConnectorError::Malformed("ticket without id".into()))?;
    Ok(RemoteTicketUpdate {
        remote_id: id,
        title: t.get("Subject").and_then(Value::as_str).map(str::to_string),
        status: t.get("Status").and_then(Value::as_str).map(str::to_string),
        updated_at: rt_date(t.get("LastUpdated"))?,
        replies: Vec::new(),
    })
}

/// A history entry as a reply of the other side, its body not read yet; `None` for what is
/// not public correspondence from someone other than `our_user` (our own replies are known
/// locally by their ClientTxnUUID, and comments are internal).
pub(crate) fn other_side_reply(
    h: &Value,
    our_user: &str,
) -> Result<Option<RemoteReply>, ConnectorError> {
    let creator = h
        .pointer("/Creator/id")
        .and_then(Value::as_str)
        .unwrap_or("");
    if h.get("Type").and_then(Value::as_str) != Some("Correspond") || creator == our_user {
        return Ok(None);
    }
    let txn = id_of(h).ok_or_else(|| ConnectorError::Malformed("transaction without id".into()))?;
    Ok(Some(RemoteReply {
        body: String::new(),
        remote_id: txn,
        author: creator.to_string(),
        created_at: rt_date(h.get("Created"))?.unwrap_or_default(),
        client_uuid: None,
    }))
}

/// The attachment holding a correspondence's text: the plain-text part without a file name,
/// else the HTML one.
pub(crate) fn body_part(parts: &[Value]) -> Option<String> {
    let pick = |ct: &str| {
        parts
            .iter()
            .find(|p| str_field(p, "ContentType") == ct && str_field(p, "Filename").is_empty())
    };
    pick("text/plain")
        .or_else(|| pick("text/html"))
        .and_then(id_of)
}
