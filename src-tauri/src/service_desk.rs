//! Types of the service-desk side of the app (tickets, replies, knowledge base, sync) as the UI
//! sees them, and how the store's tickets map onto them (status, unread replies, thread). The
//! commands that fill them live in `commands`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A file attached to a report or a reply, already copied into the local blob store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AttachmentDraft {
    /// SHA-256 of the content (the blob id); empty for a technician's file that was over the
    /// size limit and was not downloaded (known by name and size only).
    pub blob: String,
    /// File name shown and sent.
    pub name: String,
    /// Size, bytes.
    pub size_bytes: u32,
    /// MIME type guessed from the name.
    pub mime: String,
}

/// How urgent a problem is, as the user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Urgency {
    Low,
    Medium,
    High,
}

/// What the user fills in on "Report a problem".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TicketDraft {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Category id (see `ticket_categories`).
    pub category: String,
    /// Urgency.
    pub urgency: Urgency,
    /// Attachments.
    pub attachments: Vec<AttachmentDraft>,
    /// Whether to attach the system information shown in the preview.
    pub include_system_info: bool,
    /// Whether to attach the check of the computer run when the report started (the one
    /// previewed, kept by the `diagnose` command).
    pub include_diagnosis: bool,
    /// Recorded fix-it runs whose output goes with the report (`fix_runs_recent`'s numbers).
    pub fix_runs: Vec<i64>,
}

/// Ticket status, normalised across GLPI and RT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum TicketStatus {
    /// Saved locally, waiting for the next sync.
    Queued,
    New,
    Open,
    Waiting,
    Resolved,
    Closed,
    /// The server refused it for good (see the log).
    Failed,
}

/// A ticket in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TicketSummary {
    /// Local id.
    pub id: String,
    /// Server reference once synced (`RT#123`, `GLPI#45`).
    pub remote_ref: Option<String>,
    /// Title.
    pub title: String,
    /// Status.
    pub status: TicketStatus,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Replies not read yet.
    pub unread: u32,
}

/// One message of a ticket's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TicketMessage {
    /// Author's display name.
    pub author: String,
    /// Whether the user wrote it.
    pub from_me: bool,
    /// Plain-text body.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Attachments.
    pub attachments: Vec<AttachmentDraft>,
    /// Still waiting in the outbox.
    pub queued: bool,
}

/// A ticket and its thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TicketThread {
    /// The ticket.
    pub ticket: TicketSummary,
    /// Messages, oldest first.
    pub messages: Vec<TicketMessage>,
}

/// A knowledge-base search hit or list entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ArticleHit {
    /// Article id.
    pub id: String,
    /// Title.
    pub title: String,
    /// One-line summary.
    pub summary: String,
    /// Category name.
    pub category: String,
    /// Matching text with the terms marked by `[` and `]`.
    pub snippet: String,
}

/// A category of the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ArticleCategory {
    /// Category name.
    pub name: String,
    /// Number of articles.
    pub count: u32,
}

/// A full article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Article {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Category name.
    pub category: String,
    /// Sanitised HTML body; its images inlined as `data:` URLs (see `guichet_core::inline_images`).
    pub body_html: String,
    /// Last update.
    pub updated_at: DateTime<Utc>,
}

/// Sync engine state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum SyncState {
    /// No server configured: everything stays local.
    NotConfigured,
    Idle,
    Syncing,
    /// No network: items wait in the outbox.
    Offline,
    /// The last attempt failed (see `last_error`).
    Error,
}

/// The one word for the app's connection, decided here once and worded by the UI's
/// dictionaries (`connectivity.<id>`) and the tray in the same words: the header, the home page
/// and the tray never disagree (they used to say "Offline" and "Online" at the same time when no
/// service desk was set up).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Connectivity {
    /// The machine has no network (no default route).
    NoNetwork,
    /// No service desk is set up: everything stays on this computer.
    NoDesk,
    /// A service desk is set up and the network is up, but the desk did not answer.
    DeskUnreachable,
    /// The service desk answers (or nothing said otherwise yet).
    Connected,
}

/// Which [`Connectivity`] applies. No network comes first (it is what the user can act on, and
/// nothing can be reached without it), then a missing service desk, then a desk that did not
/// answer the last attempt (`desk_answered == Some(false)`).
pub fn connectivity(
    network_up: bool,
    desk_configured: bool,
    desk_answered: Option<bool>,
) -> Connectivity {
    match (network_up, desk_configured, desk_answered) {
        (false, _, _) => Connectivity::NoNetwork,
        (true, false, _) => Connectivity::NoDesk,
        (true, true, Some(false)) => Connectivity::DeskUnreachable,
        (true, true, _) => Connectivity::Connected,
    }
}

/// What the tray and the status bar show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct SyncStatus {
    /// State.
    pub state: SyncState,
    /// The connection, in the one wording every place uses.
    pub connectivity: Connectivity,
    /// Whether the network looks up.
    pub online: bool,
    /// Items waiting in the outbox.
    pub queued: u32,
    /// Last successful sync.
    pub last_sync: Option<DateTime<Utc>>,
    /// Last error, in English.
    pub last_error: Option<String>,
}

/// Result of "test the connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ConnectionCheck {
    /// Whether it worked.
    pub ok: bool,
    /// Server product and version when it answered.
    pub server: Option<String>,
    /// What went wrong, in English.
    pub detail: Option<String>,
}

/// Exactly what "include my system information" adds to a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct SystemInfoPreview {
    /// The text appended to the description, verbatim.
    pub text: String,
}

/// Store key of how many of a ticket's server replies the user has seen.
fn read_key(ticket: uuid::Uuid) -> String {
    format!("app.read.{ticket}")
}

/// The user-facing status of a stored ticket: local states first, then the server's status
/// (RT's `new/open/stalled/resolved/rejected/deleted`, GLPI's names) normalised.
pub fn status_of(t: &guichet_store::Ticket) -> TicketStatus {
    use guichet_store::TicketState;
    match t.local_state {
        TicketState::Draft | TicketState::Queued => TicketStatus::Queued,
        TicketState::Failed => TicketStatus::Failed,
        TicketState::Sent => match t.remote_status.as_deref().map(str::to_ascii_lowercase) {
            None => TicketStatus::New,
            Some(s) => match s.as_str() {
                "new" | "incoming" => TicketStatus::New,
                "stalled" | "waiting" | "pending" => TicketStatus::Waiting,
                "resolved" | "solved" => TicketStatus::Resolved,
                "rejected" | "deleted" | "closed" => TicketStatus::Closed,
                _ => TicketStatus::Open,
            },
        },
    }
}

fn remote_replies(t: &guichet_store::Ticket) -> u32 {
    t.replies
        .iter()
        .filter(|r| r.side == guichet_store::ReplySide::Remote)
        .count() as u32
}

/// How many server replies of `t` the user has seen.
pub async fn replies_read(
    store: &guichet_store::Store,
    t: uuid::Uuid,
) -> Result<u32, guichet_store::StoreError> {
    Ok(store
        .setting(&read_key(t))
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// Marks every server reply of `t` as seen.
pub async fn mark_read(
    store: &guichet_store::Store,
    t: &guichet_store::Ticket,
    now: DateTime<Utc>,
) -> Result<(), guichet_store::StoreError> {
    store
        .set_setting(&read_key(t.id), &remote_replies(t).to_string(), now)
        .await
}

/// A stored ticket as the list shows it; `read` is how many server replies were seen.
pub fn summary(t: &guichet_store::Ticket, read: u32) -> TicketSummary {
    TicketSummary {
        id: t.id.to_string(),
        remote_ref: t.remote_id.as_ref().map(|r| {
            format!(
                "{}#{r}",
                t.connector.as_deref().unwrap_or("").to_ascii_uppercase()
            )
        }),
        title: t.title.clone(),
        status: status_of(t),
        updated_at: t
            .remote_updated_at
            .map_or(t.updated_at, |r| r.max(t.updated_at)),
        unread: remote_replies(t).saturating_sub(read),
    }
}

fn attachment(a: &guichet_store::Attachment) -> AttachmentDraft {
    AttachmentDraft {
        blob: a.blob_id.as_str().to_string(),
        name: a.file_name.clone(),
        size_bytes: a.size.min(u32::MAX as u64) as u32,
        mime: a.content_type.clone(),
    }
}

/// One reply as the thread shows it.
pub fn message(r: &guichet_store::Reply) -> TicketMessage {
    TicketMessage {
        author: r.author.clone(),
        from_me: r.side == guichet_store::ReplySide::Local,
        body: r.body.clone(),
        at: r.created_at,
        attachments: r
            .attachments
            .iter()
            .map(|a| AttachmentDraft {
                blob: a
                    .blob_id
                    .as_ref()
                    .map(|b| b.as_str().to_string())
                    .unwrap_or_default(),
                name: a.file_name.clone(),
                size_bytes: a.size.min(u32::MAX as u64) as u32,
                mime: a.content_type.clone(),
            })
            .collect(),
        queued: r.local_state == guichet_store::ReplyState::Queued,
    }
}

/// A ticket's thread: the description (with the ticket's attachments) then the replies.
pub fn thread(t: &guichet_store::Ticket, read: u32) -> TicketThread {
    let mut messages = vec![TicketMessage {
        author: t.requester.clone(),
        from_me: true,
        body: t.description.clone(),
        at: t.created_at,
        attachments: t.attachments.iter().map(attachment).collect(),
        queued: matches!(
            t.local_state,
            guichet_store::TicketState::Queued | guichet_store::TicketState::Draft
        ),
    }];
    messages.extend(t.replies.iter().map(message));
    TicketThread {
        ticket: summary(t, read),
        messages,
    }
}

/// Store urgency (1–5) of a user's urgency.
pub fn urgency_level(u: Urgency) -> u8 {
    match u {
        Urgency::Low => 2,
        Urgency::Medium => 3,
        Urgency::High => 4,
    }
}

/// What a sync changed in the user's tickets, for notifications: (ticket title, what).
pub fn changes(
    before: &[guichet_store::Ticket],
    after: &[guichet_store::Ticket],
) -> Vec<(String, TicketChange)> {
    let mut out = Vec::new();
    for t in after {
        let Some(old) = before.iter().find(|b| b.id == t.id) else {
            continue;
        };
        if remote_replies(t) > remote_replies(old) {
            out.push((t.title.clone(), TicketChange::Replied));
        } else if status_of(t) != status_of(old)
            && old.local_state == guichet_store::TicketState::Sent
        {
            out.push((t.title.clone(), TicketChange::Status(status_of(t))));
        }
    }
    out
}

/// A change worth a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketChange {
    /// A technician replied.
    Replied,
    /// The status changed to this.
    Status(TicketStatus),
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_store::{RemoteReply, RemoteTicketUpdate, Store};

    /// Regression: with no service desk set up, the header said "Offline" while the home page's
    /// network card said "Online". Both now show this one state.
    #[test]
    fn no_service_desk_is_one_state_whatever_the_network_says_after_it() {
        use Connectivity::*;
        assert_eq!(connectivity(true, false, None), NoDesk);
        assert_eq!(connectivity(true, false, Some(false)), NoDesk);
        assert_eq!(connectivity(false, false, None), NoNetwork);
        assert_eq!(connectivity(false, true, Some(true)), NoNetwork);
        assert_eq!(connectivity(true, true, Some(false)), DeskUnreachable);
        assert_eq!(connectivity(true, true, Some(true)), Connected);
        assert_eq!(connectivity(true, true, None), Connected);
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[tokio::test]
    async fn a_report_is_queued_then_sent_then_a_reply_and_a_status_change_are_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let new = guichet_store::NewTicket {
            id: uuid::Uuid::new_v4(),
            fields: guichet_store::TicketFields {
                title: "Printer jams".into(),
                description: "Tray 2".into(),
                description_format: guichet_store::DescriptionFormat::Text,
                category: Some("printing".into()),
                urgency: urgency_level(Urgency::High),
                requester: "alice".into(),
            },
            snapshot_uuid: None,
            attachments: vec![],
            draft: false,
        };
        let t0 = at("2026-11-23T09:00:00Z");
        let t = store.create_ticket(&new, 1 << 20, t0).await.unwrap();
        assert_eq!(status_of(&t), TicketStatus::Queued);
        assert!(thread(&t, 0).messages[0].queued);

        let seq = store.outbox().await.unwrap()[0].seq;
        store
            .complete_ticket_push(seq, "rt", "42", Some("new"), t0)
            .await
            .unwrap();
        let sent = store.ticket(t.id).await.unwrap();
        let s = summary(&sent, 0);
        assert_eq!(
            (s.status, s.remote_ref.as_deref()),
            (TicketStatus::New, Some("RT#42"))
        );
        assert!(
            changes(std::slice::from_ref(&t), std::slice::from_ref(&sent)).is_empty(),
            "sending is not news"
        );

        let update = RemoteTicketUpdate {
            remote_id: "42".into(),
            title: None,
            status: Some("open".into()),
            updated_at: Some(at("2026-11-23T10:00:00Z")),
            replies: vec![RemoteReply {
                remote_id: "r1".into(),
                author: "tech".into(),
                body: "On my way".into(),
                created_at: at("2026-11-23T10:00:00Z"),
                client_uuid: None,
            }],
        };
        store
            .apply_ticket_changes("rt", &[update], Some("c1"), t0)
            .await
            .unwrap();
        let replied = store.ticket(t.id).await.unwrap();
        assert_eq!(
            changes(std::slice::from_ref(&sent), std::slice::from_ref(&replied)),
            vec![("Printer jams".to_string(), TicketChange::Replied)]
        );
        assert_eq!(summary(&replied, 0).unread, 1);
        assert_eq!(summary(&replied, 1).unread, 0);
        mark_read(&store, &replied, t0).await.unwrap();
        assert_eq!(replies_read(&store, t.id).await.unwrap(), 1);

        let update = RemoteTicketUpdate {
            remote_id: "42".into(),
            title: None,
            status: Some("resolved".into()),
            updated_at: Some(at("2026-11-23T11:00:00Z")),
            replies: vec![],
        };
        store
            .apply_ticket_changes("rt", &[update], Some("c2"), t0)
            .await
            .unwrap();
        let resolved = store.ticket(t.id).await.unwrap();
        assert_eq!(
            changes(&[replied], &[resolved]),
            vec![(
                "Printer jams".to_string(),
                TicketChange::Status(TicketStatus::Resolved)
            )]
        );
    }
}
