//! Reading inventories written by other agents (and by other Guichet installs) into our model,
//! for the site register: the admin collects files from machines on site and imports them.
//!
//! [`import_file`] detects the format by shape, never by file name:
//! * Guichet native JSON (`guichet inventory --format json --output …`): an object with
//!   `format_version` and `collected_at`;
//! * GLPI inventory JSON (GLPI Agent, `guichet inventory --format glpi`): an object with a
//!   `content` object ([`glpi`]);
//! * OCS / FusionInventory XML: a document whose root is `<REQUEST>` ([`ocs_xml`]).

pub mod glpi;
pub mod ocs_xml;

use chrono::{DateTime, Utc};

use crate::model::Inventory;

/// Why a file could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is none of the formats we read.
    #[error("unrecognised format: {0}")]
    Unrecognised(String),
    /// The file has a known format but is malformed or incomplete.
    #[error("{0}")]
    Invalid(String),
}

/// The format an imported file was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// Guichet's native JSON.
    Native,
    /// GLPI inventory JSON.
    Glpi,
    /// OCS / FusionInventory XML.
    OcsXml,
}

impl ImportFormat {
    /// Stable name (`native`, `glpi`, `ocs_xml`), stored with each snapshot.
    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Native => "native",
            ImportFormat::Glpi => "glpi",
            ImportFormat::OcsXml => "ocs_xml",
        }
    }
}

/// An inventory read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedInventory {
    /// The format detected.
    pub format: ImportFormat,
    /// The agent's device id when the format carries one (GLPI, OCS); `None` for native JSON.
    pub deviceid: Option<String>,
    /// The inventory.
    pub inventory: Inventory,
}

/// Reads an inventory file in any supported format. `fallback_time` becomes the collection time
/// when the format does not record one (GLPI JSON without `accesslog`): pass the file's
/// modification time.
pub fn import_file(
    bytes: &[u8],
    fallback_time: DateTime<Utc>,
) -> Result<ImportedInventory, ImportError> {
    let text = ocs_xml::decode(bytes);
    let head = text.trim_start();
    if head.starts_with('<') {
        let doc = ocs_xml::from_ocs_xml(head, fallback_time)?;
        return Ok(ImportedInventory {
            format: ImportFormat::OcsXml,
            deviceid: doc.deviceid,
            inventory: doc.inventory,
        });
    }
    if !head.starts_with('{') {
        return Err(ImportError::Unrecognised(
            "expected Guichet or GLPI inventory JSON, or OCS/FusionInventory XML".into(),
        ));
    }
    let value: serde_json::Value = serde_json::from_str(head)
        .map_err(|e| ImportError::Invalid(format!("malformed JSON: {e}")))?;
    let obj = value
        .as_object()
        .ok_or_else(|| ImportError::Unrecognised("the JSON is not an object".into()))?;
    if obj.contains_key("format_version") && obj.contains_key("collected_at") {
        let inventory: Inventory = serde_json::from_value(value).map_err(|e| {
            ImportError::Invalid(format!("not a valid Guichet native inventory: {e}"))
        })?;
        return Ok(ImportedInventory {
            format: ImportFormat::Native,
            deviceid: None,
            inventory,
        });
    }
    if obj.get("content").is_some_and(|c| c.is_object()) {
        let doc = glpi::from_glpi(&value, fallback_time)?;
        return Ok(ImportedInventory {
            format: ImportFormat::Glpi,
            deviceid: doc.deviceid,
            inventory: doc.inventory,
        });
    }
    Err(ImportError::Unrecognised(
        "this JSON is neither a Guichet native inventory (format_version, collected_at) nor a GLPI inventory (content)".into(),
    ))
}
