//! macOS collectors (fetch side only; parsing lives in `parse::macos`).

use crate::collect::Collector;
use crate::model::Category;

/// The macOS collector of each category.
pub fn collector(_cat: Category) -> Option<Collector> {
    None
}
