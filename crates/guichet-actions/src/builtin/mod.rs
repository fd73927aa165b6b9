//! The built-in actions, one file each.

use std::sync::Arc;

use crate::Action;

/// Every built-in action.
pub fn builtin_actions() -> Vec<Arc<dyn Action>> {
    Vec::new()
}
