//! Reporting a problem and replying to a ticket: the ticket (or reply), its files, the
//! snapshot of the machine when asked, and the outbox entry, saved the same way from the
//! command line and from the app.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use guichet_inventory::{Category, Inventory};
use guichet_records::Diagnosis;
use guichet_store::{
    DescriptionFormat, NewAttachment, NewTicket, Reply, SnapshotMeta, Store, StoreError, Ticket,
    TicketFields, DEFAULT_ATTACHMENT_LIMIT,
};
use uuid::Uuid;

use crate::CoreError;

/// Settings key overriding the per-file attachment limit, in bytes.
pub const ATTACHMENT_LIMIT_KEY: &str = "tickets.attachment_limit_bytes";

/// Categories of the quick inventory attached to a report: enough for a technician to know
/// the machine, quick to collect (no software list).
pub const QUICK_CATEGORIES: [Category; 6] = [
    Category::Os,
    Category::Machine,
    Category::Cpus,
    Category::Memory,
    Category::Volumes,
    Category::Network,
];

/// Whether and how a report carries the machine's system information.
#[derive(Debug, Clone)]
pub enum SystemInfo {
    /// Not attached.
    None,
    /// Collect a quick inventory now, each source limited to this time.
    Collect(Duration),
    /// This inventory, already collected (what the user previewed).
    Collected(Arc<Inventory>),
}

/// A problem report as the user filed it.
#[derive(Debug, Clone)]
pub struct ProblemReport {
    /// The ticket's client UUID (its id here and its idempotency key on the server).
    pub id: Uuid,
    /// Title, one line.
    pub title: String,
    /// What happened.
    pub description: String,
    /// Plain text or Markdown.
    pub description_format: DescriptionFormat,
    /// Category id, if one was chosen.
    pub category: Option<String>,
    /// Urgency, 1 (lowest) to 5 (highest).
    pub urgency: u8,
    /// Who asks; the OS login ([`crate::login`]) when `None`.
    pub requester: Option<String>,
    /// The system information to attach.
    pub system_info: SystemInfo,
    /// The snapshot's UUID, used when system information is attached.
    pub snapshot_id: Uuid,
    /// Files and screenshots.
    pub attachments: Vec<NewAttachment>,
    /// Keep it as a local draft instead of queuing it.
    pub draft: bool,
    /// The diagnosis the user previewed ("Check my computer", run when the report started):
    /// its summary ([`crate::diagnosis_section`]) ends the description, it rides in the
    /// attached snapshot, and it becomes the store's last diagnosis.
    pub diagnosis: Option<Diagnosis>,
}

/// A saved report.
#[derive(Debug, Clone)]
pub struct FiledReport {
    /// The ticket as stored.
    pub ticket: Ticket,
    /// The snapshot attached as system information, if any.
    pub snapshot: Option<SnapshotMeta>,
}

/// The per-file attachment limit: the setting [`ATTACHMENT_LIMIT_KEY`], else the store's
/// default.
pub async fn attachment_limit(store: &Store) -> Result<u64, CoreError> {
    match store.setting(ATTACHMENT_LIMIT_KEY).await? {
        None => Ok(DEFAULT_ATTACHMENT_LIMIT),
        Some(v) => v.trim().parse().map_err(|_| {
            CoreError::Invalid(format!(
                "setting {ATTACHMENT_LIMIT_KEY} must be a number of bytes, not `{v}`"
            ))
        }),
    }
}

/// Reads a file to attach, checking its size before reading so that a huge file is refused
/// without being loaded.
pub fn attachment_from_file(path: &Path, limit: u64) -> Result<NewAttachment, CoreError> {
    let meta = std::fs::metadata(path).map_err(CoreError::io("reading", path))?;
    if !meta.is_file() {
        return Err(CoreError::Invalid(format!(
            "{} is not a file",
            path.display()
        )));
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "attachment".into());
    if meta.len() > limit {
        return Err(StoreError::TooLarge {
            what: path.display().to_string(),
            size: meta.len(),
            limit,
        }
        .into());
    }
    let bytes = std::fs::read(path).map_err(CoreError::io("reading", path))?;
    Ok(NewAttachment {
        content_type: crate::content_type(&file_name).to_string(),
        file_name,
        bytes,
    })
}

/// Saves a report: its snapshot first when system information is attached, then the ticket,
/// its files and its outbox entry in one transaction (a draft gets no outbox entry).
pub async fn file_report(
    store: &Store,
    report: ProblemReport,
    now: DateTime<Utc>,
) -> Result<FiledReport, CoreError> {
    let limit = attachment_limit(store).await?;
    let inventory = match report.system_info {
        SystemInfo::None => None,
        SystemInfo::Collected(inv) => Some(inv),
        SystemInfo::Collect(timeout) => Some(Arc::new(guichet_inventory::collect(
            &guichet_inventory::Options {
                categories: QUICK_CATEGORIES.to_vec(),
                timeout,
                now,
            },
        ))),
    };
    if let Some(d) = &report.diagnosis {
        save_if_newer(store, d).await?;
    }
    let inventory = match (inventory, &report.diagnosis) {
        (Some(inv), Some(d)) => {
            let mut inv = Arc::unwrap_or_clone(inv);
            inv.diagnosis = Some(d.clone());
            Some(Arc::new(inv))
        }
        (inv, _) => inv,
    };
    let snapshot = match inventory {
        Some(inv) => {
            let deviceid =
                crate::device_id_for(store, inv.hostname().unwrap_or("unknown"), now).await?;
            Some(
                store
                    .save_snapshot(&inv, &deviceid, report.snapshot_id)
                    .await?,
            )
        }
        None => None,
    };
    let description = match &report.diagnosis {
        Some(d) => with_diagnosis(&report.description, d),
        None => report.description,
    };
    let new = NewTicket {
        id: report.id,
        fields: TicketFields {
            title: report.title,
            description,
            description_format: report.description_format,
            category: report.category.filter(|c| !c.trim().is_empty()),
            urgency: report.urgency,
            requester: report.requester.unwrap_or_else(crate::login),
        },
        snapshot_uuid: snapshot.as_ref().map(|m| m.uuid),
        attachments: report.attachments,
        draft: report.draft,
    };
    let ticket = store.create_ticket(&new, limit, now).await?;
    Ok(FiledReport { ticket, snapshot })
}

/// The description as sent: the user's text, then the diagnosis section after a blank line.
pub fn with_diagnosis(description: &str, diagnosis: &Diagnosis) -> String {
    format!(
        "{}\n\n{}",
        description.trim_end(),
        crate::diagnosis_section(diagnosis)
    )
}

/// Keeps `d` as the last diagnosis unless the store already holds it (or a later one).
async fn save_if_newer(store: &Store, d: &Diagnosis) -> Result<(), CoreError> {
    let last = store.last_diagnosis().await?;
    if last.is_none_or(|l| l.taken_at < d.taken_at) {
        store.save_diagnosis(d).await?;
    }
    Ok(())
}

/// Adds the user's reply to a ticket: the reply, its files and its outbox entry in one
/// transaction, written as the OS login.
pub async fn reply(
    store: &Store,
    ticket: Uuid,
    reply_id: Uuid,
    body: &str,
    attachments: &[NewAttachment],
    now: DateTime<Utc>,
) -> Result<Reply, CoreError> {
    let limit = attachment_limit(store).await?;
    Ok(store
        .add_reply_with_attachments(
            ticket,
            reply_id,
            &crate::login(),
            body,
            attachments,
            limit,
            now,
        )
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attachment_over_the_limit_is_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.bin");
        std::fs::write(&p, vec![1u8; 2048]).unwrap();
        let err = attachment_from_file(&p, 1024).unwrap_err();
        assert!(
            matches!(
                err,
                CoreError::Store(StoreError::TooLarge { size: 2048, .. })
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("2048 bytes"), "{err}");
        let ok = attachment_from_file(&p, 4096).unwrap();
        assert_eq!((ok.file_name.as_str(), ok.bytes.len()), ("big.bin", 2048));
        assert_eq!(ok.content_type, "application/octet-stream");
    }

    #[test]
    fn a_folder_is_not_an_attachment() {
        let dir = tempfile::tempdir().unwrap();
        let err = attachment_from_file(dir.path(), 1024).unwrap_err();
        assert!(matches!(err, CoreError::Invalid(_)), "{err:?}");
    }

    #[tokio::test]
    async fn a_report_without_a_requester_is_filed_as_the_os_login() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let now = Utc::now();
        let filed = file_report(
            &store,
            ProblemReport {
                id: Uuid::new_v4(),
                title: "Printer jammed".into(),
                description: "Paper stuck".into(),
                description_format: DescriptionFormat::Text,
                category: Some(" ".into()),
                urgency: 3,
                requester: None,
                system_info: SystemInfo::None,
                snapshot_id: Uuid::new_v4(),
                attachments: Vec::new(),
                draft: false,
                diagnosis: None,
            },
            now,
        )
        .await
        .unwrap();
        assert_eq!(filed.ticket.requester, crate::login());
        assert_eq!(filed.ticket.category, None);
        assert!(filed.snapshot.is_none());
        assert_eq!(store.outbox().await.unwrap().len(), 1);
        let r = reply(
            &store,
            filed.ticket.id,
            Uuid::new_v4(),
            "any news?",
            &[],
            now,
        )
        .await
        .unwrap();
        assert_eq!(r.author, crate::login());
    }
}
