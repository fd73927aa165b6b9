//! Reading ticket, reply and attachment rows, and the checks shared by writers.

use super::*;

pub(crate) fn ts(s: &str, what: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt {
            what: what.to_string(),
            detail: e.to_string(),
        })
}

pub(crate) fn uuid(s: &str, what: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(s).map_err(|e| StoreError::Corrupt {
        what: what.to_string(),
        detail: e.to_string(),
    })
}

/// The id of a remote reply: derived from the connector, ticket and server id, so that
/// applying the same pull twice cannot add it twice even if the unique index were bypassed.
pub(super) fn remote_reply_id(connector: &str, ticket: Uuid, remote_id: &str) -> Uuid {
    let digest = Sha256::digest(format!("{connector}\n{ticket}\n{remote_id}"));
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(b).into_uuid()
}

pub(super) type TicketRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);
pub(super) const TICKET_COLUMNS: &str = "id, title, description, description_format, category, urgency, requester, snapshot_uuid, local_state, failure, connector, remote_id, remote_status, remote_updated_at, created_at, updated_at";

pub(super) type ReplyRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
);
pub(super) const REPLY_COLUMNS: &str =
    "id, ticket_id, side, author, body, remote_id, local_state, failure, created_at";

pub(super) fn ticket_from_row(r: TicketRow) -> Result<Ticket, StoreError> {
    let what = format!("ticket {}", r.0);
    Ok(Ticket {
        id: uuid(&r.0, &what)?,
        title: r.1,
        description: r.2,
        description_format: DescriptionFormat::parse(&r.3)?,
        category: r.4,
        urgency: r.5.clamp(1, 5) as u8,
        requester: r.6,
        snapshot_uuid: r.7.as_deref().map(|s| uuid(s, &what)).transpose()?,
        local_state: TicketState::parse(&r.8)?,
        failure: r.9,
        connector: r.10,
        remote_id: r.11,
        remote_status: r.12,
        remote_updated_at: r.13.as_deref().map(|s| ts(s, &what)).transpose()?,
        created_at: ts(&r.14, &what)?,
        updated_at: ts(&r.15, &what)?,
        attachments: Vec::new(),
        replies: Vec::new(),
    })
}

pub(super) fn reply_from_row(r: ReplyRow) -> Result<Reply, StoreError> {
    let what = format!("reply {}", r.0);
    Ok(Reply {
        id: uuid(&r.0, &what)?,
        ticket_id: uuid(&r.1, &what)?,
        side: ReplySide::parse(&r.2)?,
        author: r.3,
        body: r.4,
        remote_id: r.5,
        local_state: ReplyState::parse(&r.6)?,
        failure: r.7,
        created_at: ts(&r.8, &what)?,
        attachments: Vec::new(),
    })
}

/// A stored reply attachment row: reply id, blob id (empty when not downloaded), file name,
/// MIME type, size, server id.
pub(super) type ReplyAttachmentRow = (String, String, String, String, i64, Option<String>);

pub(super) fn reply_attachment_from_row(
    r: &ReplyAttachmentRow,
) -> Result<(Uuid, ReplyAttachment), StoreError> {
    let reply = uuid(&r.0, "reply attachment")?;
    let blob_id = if r.1.is_empty() {
        None
    } else {
        Some(BlobId::parse(&r.1)?)
    };
    Ok((
        reply,
        ReplyAttachment {
            blob_id,
            file_name: r.2.clone(),
            content_type: r.3.clone(),
            size: r.4.max(0) as u64,
            remote_id: r.5.clone(),
        },
    ))
}

/// Whether a ticket in `state` (`None`: absent) can take a reply.
pub(super) fn check_repliable(ticket: Uuid, state: Option<&str>) -> Result<(), StoreError> {
    match state {
        None => Err(StoreError::NotFound(format!("ticket {ticket}"))),
        Some("draft") => Err(StoreError::Invalid(format!(
            "ticket {ticket} is a draft: submit it before replying"
        ))),
        Some(_) => Ok(()),
    }
}

/// Refuses the first file over `limit`, naming it.
pub(super) fn check_sizes(files: &[NewAttachment], limit: u64) -> Result<(), StoreError> {
    for a in files {
        if a.bytes.len() as u64 > limit {
            return Err(StoreError::TooLarge {
                what: a.file_name.clone(),
                size: a.bytes.len() as u64,
                limit,
            });
        }
        if a.file_name.trim().is_empty() {
            return Err(StoreError::Invalid(
                "an attachment needs a file name".into(),
            ));
        }
    }
    Ok(())
}
