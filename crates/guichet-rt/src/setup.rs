//! What the RT server was set up with, as the connector's user sees it: the queue and its
//! custom fields, the knowledge base's article class and the inventory's catalog (named in
//! the settings, else the first visible of well-known names) and the catalog's custom fields.
//! Each lookup is done once per connector. A missing class, catalog or custom field is a
//! [`ConnectorError::NotSetUp`] naming the fix; [`RtConnector::check_setup`] lists them all
//! for `guichet connect rt`.

use guichet_sync::ConnectorError;
use reqwest::Method;
use serde_json::Value;

use crate::wire::{id_of, path_id};
use crate::RtConnector;

/// Article classes tried, in order, when none is configured: the one Guichet's initial data
/// creates, then the one every RT has.
pub const KB_CLASS_CANDIDATES: [&str; 2] = ["Guichet KB", "General"];
/// Asset catalogs tried, in order, when none is configured: the one Guichet's initial data
/// creates, then the one every RT has.
pub const CATALOG_CANDIDATES: [&str; 2] = ["Workstations", "General assets"];
/// The RT initial-data file that creates everything below, for admins.
pub const INITIAL_DATA: &str = "scripts/rt/guichet-initialdata.pl";

/// Ticket custom field holding a ticket's client UUID (the exactly-once key).
pub(crate) const TICKET_KEY_CF: &str = "ClientUUID";
/// Transaction custom field holding a reply's client UUID (the exactly-once key).
pub(crate) const REPLY_KEY_CF: &str = "ClientTxnUUID";
/// Asset custom fields the inventory fills; `DeviceId` finds the machine's asset.
pub(crate) const ASSET_CFS: [&str; 6] = ["Serial", "Model", "OS", "CPU", "RAM", "DeviceId"];
/// The asset custom field without which an asset cannot be found again.
pub(crate) const DEVICE_CF: &str = "DeviceId";

/// The queue's custom fields that the user can see, and whether it may create tickets.
#[derive(Debug, Clone, Default)]
pub(crate) struct QueueFields {
    /// Ticket custom fields.
    pub ticket: Vec<String>,
    /// Transaction custom fields.
    pub transaction: Vec<String>,
    /// Whether RT offers the user the queue's "create" link (the `CreateTicket` right).
    pub can_create: bool,
}

/// What `connect` found on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupReport {
    /// The article class the knowledge base is read from, if one is visible.
    pub kb_class: Option<String>,
    /// The catalog the inventory goes to, if one is visible.
    pub asset_catalog: Option<String>,
    /// Each thing missing, with what it costs and how an admin adds it.
    pub warnings: Vec<String>,
}

/// `s` as one URL path segment.
fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `name`s of a list of custom-field references.
pub(crate) fn names(v: Option<&Value>, key: &str) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|cfs| {
            cfs.iter()
                .filter_map(|cf| cf.get(key).and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// How an admin adds custom field `name` (`applies_to` as RT's admin page words it) to
/// `object` and lets `user` use it.
pub(crate) fn cf_fix(name: &str, applies_to: &str, object: &str, user: &str) -> String {
    format!(
        "apply {INITIAL_DATA} with `rt-setup-database --action insert --datafile \
         guichet-initialdata.pl` (GUICHET_QUEUE=<queue> to use an existing queue), or create it \
         in RT: Admin → Custom Fields → Create, Name {name}, Type \"Enter one value\", Applies \
         to \"{applies_to}\", apply it to {object}, and grant {user} SeeCustomField and \
         ModifyCustomField on it"
    )
}

impl RtConnector {
    /// The queue's custom fields and rights as the user sees them. A queue that is not
    /// visible is a permanent refusal: nothing can be filed.
    pub(crate) async fn queue_fields(&self) -> Result<QueueFields, ConnectorError> {
        if let Some(q) = self.queue_fields.lock().expect("lock poisoned").clone() {
            return Ok(q);
        }
        let path = format!("/queue/{}", segment(&self.cfg.queue));
        let q = match self.send(self.request(Method::GET, &path)).await {
            Ok((_, v)) => v,
            Err(ConnectorError::Permanent { status, .. }) => {
                return Err(ConnectorError::Permanent {
                    status,
                    message: format!(
                        "queue `{}` is not visible to {}: it does not exist, or {} lacks \
                         SeeQueue on it",
                        self.cfg.queue, self.cfg.user, self.cfg.user
                    ),
                })
            }
            Err(e) => return Err(e),
        };
        let fields = QueueFields {
            ticket: names(q.get("TicketCustomFields"), "name"),
            transaction: names(q.get("TicketTransactionCustomFields"), "name"),
            can_create: crate::check::offers_create(&q),
        };
        *self.queue_fields.lock().expect("lock poisoned") = Some(fields.clone());
        Ok(fields)
    }

    /// The one of `wanted` (or else of `candidates`, in order) found in collection `path`.
    async fn pick(
        &self,
        path: &str,
        wanted: Option<&str>,
        candidates: &[&str],
    ) -> Result<Option<(String, String)>, ConnectorError> {
        let all = self
            .collection(Method::GET, path, &[("fields", "Name".into())])
            .await?;
        let find = |name: &str| {
            all.iter()
                .find(|c| c.get("Name").and_then(Value::as_str) == Some(name))
                .and_then(id_of)
                .map(|id| (id, name.to_string()))
        };
        Ok(match wanted {
            Some(w) => find(w),
            None => candidates.iter().find_map(|c| find(c)),
        })
    }

    /// The knowledge base's article class (id, name), looked up once.
    pub(crate) async fn kb_class(&self) -> Result<(String, String), ConnectorError> {
        if let Some(c) = self.class.lock().expect("lock poisoned").clone() {
            return Ok(c);
        }
        let wanted = self.cfg.kb_class.as_deref();
        let found = self
            .pick("/classes/all", wanted, &KB_CLASS_CANDIDATES)
            .await?
            .ok_or_else(|| ConnectorError::NotSetUp(self.no_class_message()))?;
        *self.class.lock().expect("lock poisoned") = Some(found.clone());
        Ok(found)
    }

    fn no_class_message(&self) -> String {
        let user = &self.cfg.user;
        let what = match &self.cfg.kb_class {
            Some(c) => format!("no article class `{c}` visible to {user}"),
            None => format!(
                "no article class visible to {user} (looked for `{}`)",
                KB_CLASS_CANDIDATES.join("`, `")
            ),
        };
        format!(
            "{what}: grant {user} SeeClass and ShowArticle on the class (Admin → Articles → \
             Classes → Group/User Rights) and SeeCustomField on its Content field, or apply \
             {INITIAL_DATA} (class `Guichet KB`); `guichet connect rt --kb-class NAME` picks \
             another class"
        )
    }

    /// The inventory's catalog (id, name), looked up once.
    pub(crate) async fn asset_catalog(&self) -> Result<(String, String), ConnectorError> {
        if let Some(c) = self.catalog.lock().expect("lock poisoned").clone() {
            return Ok(c);
        }
        let wanted = self.cfg.catalog.as_deref();
        let found = self
            .pick("/catalogs/all", wanted, &CATALOG_CANDIDATES)
            .await?
            .ok_or_else(|| ConnectorError::NotSetUp(self.no_catalog_message()))?;
        *self.catalog.lock().expect("lock poisoned") = Some(found.clone());
        Ok(found)
    }

    fn no_catalog_message(&self) -> String {
        let user = &self.cfg.user;
        let what = match &self.cfg.catalog {
            Some(c) => format!("no asset catalog `{c}` visible to {user}"),
            None => format!(
                "no asset catalog visible to {user} (looked for `{}`)",
                CATALOG_CANDIDATES.join("`, `")
            ),
        };
        format!(
            "{what}: grant {user} ShowCatalog, ShowAsset, CreateAsset and ModifyAsset on the \
             catalog (Admin → Assets → Catalogs → Group/User Rights), or apply {INITIAL_DATA} \
             (catalog `Workstations` with its custom fields); `guichet connect rt \
             --asset-catalog NAME` picks another catalog"
        )
    }

    /// The custom fields of [`ASSET_CFS`] that catalog `(id, name)` lacks (or hides from
    /// the user).
    pub(crate) async fn missing_asset_fields(
        &self,
        catalog_id: &str,
    ) -> Result<Vec<&'static str>, ConnectorError> {
        let cfs = self
            .collection(
                Method::GET,
                &format!("/catalog/{}/customfields", path_id(catalog_id)?),
                &[("fields", "Name".into())],
            )
            .await?;
        let have: Vec<&str> = cfs
            .iter()
            .filter_map(|c| c.get("Name").and_then(Value::as_str))
            .collect();
        Ok(ASSET_CFS
            .into_iter()
            .filter(|f| !have.contains(f))
            .collect())
    }

    /// Why an asset custom field is needed and how to add it to `catalog`.
    pub(crate) fn asset_field_message(&self, missing: &[&str], catalog: &str) -> String {
        let fields = missing.join(", ");
        let cost = if missing.contains(&DEVICE_CF) {
            "without DeviceId the machine's asset cannot be found again (every push would add \
             one), so the inventory is not sent"
        } else {
            "RT drops those values"
        };
        format!(
            "asset custom field(s) {fields} missing on catalog `{catalog}` (or not visible to \
             {}): {cost}. Fix: {}",
            self.cfg.user,
            cf_fix(
                &fields,
                "Assets",
                &format!("catalog `{catalog}`"),
                &self.cfg.user
            )
        )
    }

    /// Why replies wait when the queue lacks their key field, and how to add it.
    pub(crate) fn reply_key_message(&self) -> String {
        let queue = &self.cfg.queue;
        format!(
            "transaction custom field {REPLY_KEY_CF} missing on queue `{queue}` (or not visible \
             to {}): without it a reply whose answer is lost could be sent twice, so replies \
             wait until it exists (`guichet sync --retry` then). Fix: {}",
            self.cfg.user,
            cf_fix(
                REPLY_KEY_CF,
                "Ticket Transactions",
                &format!("queue `{queue}`"),
                &self.cfg.user
            )
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_single_path_segments() {
        assert_eq!(segment("General assets"), "General%20assets");
        assert_eq!(segment("a/b"), "a%2Fb");
        assert_eq!(segment("ServiceDesk"), "ServiceDesk");
    }
}
