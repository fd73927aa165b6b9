//! What the GLPI clients read and write, independent of the API version: tickets, follow-ups,
//! solutions, knowledge base articles and categories.
//!
//! Times are GLPI's `date_mod`-style instants as `NaiveDateTime` in the server's clock: the
//! REST API v1 gives `YYYY-MM-DD HH:MM:SS` without zone, and a `date_mod` cursor is only ever
//! compared with other values from the same server, so no conversion is attempted.

use chrono::NaiveDateTime;
use std::collections::BTreeMap;
use uuid::Uuid;

/// GLPI ticket status (`CommonITILObject` constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketStatus {
    /// 1.
    New,
    /// 2.
    Assigned,
    /// 3.
    Planned,
    /// 4.
    Waiting,
    /// 5.
    Solved,
    /// 6.
    Closed,
}

impl TicketStatus {
    /// From GLPI's integer.
    pub fn from_glpi(n: i64) -> Option<TicketStatus> {
        Some(match n {
            1 => TicketStatus::New,
            2 => TicketStatus::Assigned,
            3 => TicketStatus::Planned,
            4 => TicketStatus::Waiting,
            5 => TicketStatus::Solved,
            6 => TicketStatus::Closed,
            _ => return None,
        })
    }

    /// GLPI's name for it, lower case (`new`, `assigned`, `planned`, `waiting`, `solved`,
    /// `closed`), as stored locally.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::New => "new",
            TicketStatus::Assigned => "assigned",
            TicketStatus::Planned => "planned",
            TicketStatus::Waiting => "waiting",
            TicketStatus::Solved => "solved",
            TicketStatus::Closed => "closed",
        }
    }

    /// Solved or closed: the technician considers the request handled.
    pub fn is_done(self) -> bool {
        matches!(self, TicketStatus::Solved | TicketStatus::Closed)
    }
}

/// GLPI ticket type (`Ticket::INCIDENT_TYPE`, `Ticket::DEMAND_TYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketType {
    /// 1: something is broken.
    Incident,
    /// 2: a service request.
    Request,
}

impl TicketType {
    /// GLPI's integer.
    pub fn as_glpi(self) -> i64 {
        match self {
            TicketType::Incident => 1,
            TicketType::Request => 2,
        }
    }

    /// From GLPI's integer.
    pub fn from_glpi(n: i64) -> Option<TicketType> {
        match n {
            1 => Some(TicketType::Incident),
            2 => Some(TicketType::Request),
            _ => None,
        }
    }

    /// The type of a ticket Guichet reports. Reporting a problem is an incident; a ticket is
    /// a request only when its Guichet category clearly says so: one of the category's words
    /// (split on anything but letters and digits, case ignored) is `request`, `requests`,
    /// `demande` or `demandes` (`Request`, `Access request`, `Demande d'accès`, `IT > Demandes`).
    pub fn for_category(category: Option<&str>) -> TicketType {
        let is_request = category.is_some_and(|c| {
            c.split(|ch: char| !ch.is_alphanumeric())
                .map(str::to_lowercase)
                .any(|w| matches!(w.as_str(), "request" | "requests" | "demande" | "demandes"))
        });
        if is_request {
            TicketType::Request
        } else {
            TicketType::Incident
        }
    }
}

/// A ticket to create. `uuid` is the client's own id for it, stored in GLPI as a hidden marker
/// in the content (see [`crate::content`]: GLPI 10 has no `externalid` column, and a Self-Service
/// account may not set one) so a retried creation finds the ticket instead of creating a
/// second one. The requester is the connected user: GLPI makes
/// whoever creates a ticket through the API its requester.
#[derive(Debug, Clone)]
pub struct TicketDraft {
    /// Client-side id.
    pub uuid: Uuid,
    /// Title.
    pub title: String,
    /// Description, GLPI HTML (see [`crate::content::to_html`]), without the marker.
    pub content: String,
    /// Incident or request.
    pub kind: TicketType,
    /// Urgency, GLPI's scale: 1 very low, 2 low, 3 medium, 4 high, 5 very high.
    pub urgency: u8,
    /// The GLPI ITIL category (`itilcategories_id`), when the Guichet category was found.
    pub itilcategories_id: Option<i64>,
}

/// The result of [`crate::RestClient::ensure_ticket`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketRef {
    /// GLPI ticket id.
    pub id: i64,
    /// Whether this call created it (false: it existed already).
    pub created: bool,
}

/// A ticket as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteTicket {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Status.
    pub status: TicketStatus,
    /// Last modification.
    pub date_mod: NaiveDateTime,
}

/// A public follow-up as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFollowup {
    /// Id.
    pub id: i64,
    /// Text.
    pub content: String,
    /// Author's user id.
    pub author: i64,
    /// Author's login, when the API gives it.
    pub author_name: Option<String>,
    /// Creation.
    pub date: NaiveDateTime,
    /// The client id of a follow-up Guichet sent (read from its marker).
    pub client_uuid: Option<Uuid>,
}

/// A Document linked to an item, as read back (apirest.md "Get an item" on `Document`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteDocument {
    /// Id.
    pub id: i64,
    /// Uploaded file name.
    pub filename: String,
    /// MIME type.
    pub mime: String,
}

/// A downloaded document file, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentFile {
    /// The bytes.
    Bytes(Vec<u8>),
    /// Over the size limit: not downloaded. The size is the server's `Content-Length`, or
    /// what had arrived when the limit was passed.
    TooLarge(u64),
}

/// A reply to send as a public follow-up; `uuid` makes the send idempotent (a hidden marker,
/// see [`crate::content`]).
#[derive(Debug, Clone)]
pub struct FollowupDraft {
    /// Client-side id.
    pub uuid: Uuid,
    /// Text as GLPI HTML, without the marker.
    pub content: String,
}

/// A solution as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSolution {
    /// Id.
    pub id: i64,
    /// Text.
    pub content: String,
    /// Creation.
    pub date: NaiveDateTime,
}

/// A knowledge base category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbCategory {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Full path (`Parent > Child`) when GLPI gives it, else the name.
    pub path: String,
}

/// A knowledge base article visible to the API user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbArticle {
    /// Id.
    pub id: i64,
    /// Subject.
    pub title: String,
    /// Content (HTML as stored by GLPI; sanitise before display).
    pub content_html: String,
    /// Category ids.
    pub categories: Vec<i64>,
    /// Last modification.
    pub date_mod: NaiveDateTime,
}

/// A Document linked to a knowledge-base article (`Document_Item` on a `KnowbaseItem`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbDocument {
    /// The Document's id.
    pub id: i64,
    /// Its file name as uploaded.
    pub filename: String,
    /// SHA-1 of its file, as GLPI computed it (changes when the file is replaced).
    pub sha1sum: String,
}

impl KbDocument {
    /// Whether it is a published fix-it action (`*.guichet-action`, case ignored).
    pub fn is_action(&self) -> bool {
        self.filename.to_ascii_lowercase().ends_with(&format!(
            ".{}",
            guichet_actions::published::ACTION_EXTENSION
        ))
    }
}

/// Everything the API user can see in the knowledge base.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KbSnapshot {
    /// Articles by id.
    pub articles: BTreeMap<i64, KbArticle>,
    /// Categories by id.
    pub categories: BTreeMap<i64, KbCategory>,
    /// The published action files (see [`KbDocument::is_action`]) linked to each article, when
    /// the account could list them; an article absent here carries none.
    pub actions: BTreeMap<i64, Vec<KbDocument>>,
}

/// What changed in the knowledge base since a previous look.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KbChanges {
    /// New or modified articles.
    pub upserted: Vec<KbArticle>,
    /// Ids no longer visible (deleted, or visibility withdrawn: the same for a reader).
    pub deleted: Vec<i64>,
}

impl KbSnapshot {
    /// The path of article `a`'s first category that is not a tag (see [`KbSnapshot::tags_of`]),
    /// else of its first category.
    pub fn category_of(&self, a: &KbArticle) -> Option<String> {
        let cats: Vec<&KbCategory> = a
            .categories
            .iter()
            .filter_map(|c| self.categories.get(c))
            .collect();
        cats.iter()
            .find(|c| !guichet_records::is_check_id(&c.name))
            .or(cats.first())
            .map(|c| c.path.clone())
    }

    /// The check ids article `a` is tagged with: the names of its categories that are check
    /// ids (GLPI has no keywords on a knowledge-base item; an article may have several
    /// categories, so the service desk files it under a category named `storage.free`,
    /// typically a child of a "Guichet" category). The leaf name counts, not the path.
    pub fn tags_of(&self, a: &KbArticle) -> Vec<String> {
        guichet_records::check_tags(
            a.categories
                .iter()
                .filter_map(|c| self.categories.get(c))
                .map(|c| c.name.as_str()),
        )
    }

    /// The version of article `a`: its `date_mod` (`YYYY-MM-DD HH:MM:SS`), then `+id:sha1` for
    /// each action file linked to it. GLPI leaves an article's `date_mod` as it was when a
    /// Document is linked to it or unlinked (10.0.10 and 11.0.6 update only a ticket's), so the
    /// files count in the version; an article without any keeps its bare date.
    pub fn version_of(&self, a: &KbArticle) -> String {
        let mut v = a.date_mod.format("%Y-%m-%d %H:%M:%S").to_string();
        for d in self.actions.get(&a.id).into_iter().flatten() {
            v.push_str(&format!("+{}:{}", d.id, d.sha1sum));
        }
        v
    }

    /// Compares with what was known (`id → version`, see [`KbSnapshot::version_of`]). GLPI has
    /// no deletion feed for the knowledge base, so deletions are found by absence from the full
    /// list.
    pub fn changes_since(&self, known: &BTreeMap<i64, String>) -> KbChanges {
        let upserted = self
            .articles
            .values()
            .filter(|a| known.get(&a.id) != Some(&self.version_of(a)))
            .cloned()
            .collect();
        let deleted = known
            .keys()
            .filter(|id| !self.articles.contains_key(id))
            .copied()
            .collect();
        KbChanges { upserted, deleted }
    }
}

/// Parses GLPI's `YYYY-MM-DD HH:MM:SS`, or an RFC 3339 instant (high-level API), to naive UTC.
pub fn parse_glpi_time(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .ok()
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|d| d.naive_utc())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(id: i64, name: &str, path: &str) -> (i64, KbCategory) {
        (
            id,
            KbCategory {
                id,
                name: name.into(),
                path: path.into(),
            },
        )
    }

    #[test]
    fn categories_named_after_checks_are_tags_and_the_other_one_is_the_category() {
        let snap = KbSnapshot {
            articles: BTreeMap::new(),
            categories: [
                cat(1, "storage.free", "Guichet > storage.free"),
                cat(2, "Postes", "Postes"),
                cat(3, "Printing.Queues", "Guichet > Printing.Queues"),
            ]
            .into_iter()
            .collect(),
            actions: BTreeMap::new(),
        };
        let article = |categories: Vec<i64>| KbArticle {
            id: 9,
            title: "Disque plein".into(),
            content_html: String::new(),
            categories,
            date_mod: NaiveDateTime::default(),
        };
        let a = article(vec![1, 2, 3, 42]);
        assert_eq!(snap.tags_of(&a), ["printing.queues", "storage.free"]);
        assert_eq!(snap.category_of(&a).as_deref(), Some("Postes"));
        let only_tag = article(vec![1]);
        assert_eq!(
            snap.category_of(&only_tag).as_deref(),
            Some("Guichet > storage.free")
        );
        assert!(snap.tags_of(&article(vec![2])).is_empty());
    }

    #[test]
    fn a_file_linked_to_an_article_changes_its_version_though_glpi_keeps_its_date() {
        let date = parse_glpi_time("2026-12-06 21:12:09").unwrap();
        let article = KbArticle {
            id: 1,
            title: "Imprimante".into(),
            content_html: String::new(),
            categories: Vec::new(),
            date_mod: date,
        };
        let mut snap = KbSnapshot::default();
        snap.articles.insert(1, article.clone());
        assert_eq!(snap.version_of(&article), "2026-12-06 21:12:09");
        let known = BTreeMap::from([(1, snap.version_of(&article))]);
        assert!(snap.changes_since(&known).upserted.is_empty());

        let doc = KbDocument {
            id: 2,
            filename: "Reset.GUICHET-ACTION".into(),
            sha1sum: "63ca".into(),
        };
        assert!(doc.is_action());
        snap.actions.insert(1, vec![doc]);
        assert_eq!(snap.version_of(&article), "2026-12-06 21:12:09+2:63ca");
        assert_eq!(snap.changes_since(&known).upserted, [article]);
    }
}
