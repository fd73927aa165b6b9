//! Windows collectors (fetch side only; parsing lives in `parse::windows`).

use crate::collect::Collector;
use crate::model::Category;

/// The Windows collector of each category.
pub fn collector(_cat: Category) -> Option<Collector> {
    None
}
