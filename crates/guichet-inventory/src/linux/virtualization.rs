//! PLACEHOLDER: collector for `virtualization` on Linux (being written).

use crate::collect::{Section, SourceError};
use crate::model::CollectErrorKind;
use crate::probe::Probe;

pub fn collect(_probe: &Probe) -> Result<Section, SourceError> {
    Err(SourceError::new(
        CollectErrorKind::Unsupported,
        "not collected yet",
    ))
}
