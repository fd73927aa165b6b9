//! The collector table of the OS this agent was built for.

use crate::collect::Collector;
use crate::model::Category;

/// The collector for `cat` on this OS, if there is one.
pub fn collector(cat: Category) -> Option<Collector> {
    #[cfg(target_os = "linux")]
    {
        crate::linux::collector(cat)
    }
    #[cfg(target_os = "windows")]
    {
        crate::windows::collector(cat)
    }
    #[cfg(target_os = "macos")]
    {
        crate::macos::collector(cat)
    }
    #[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
    {
        let _ = cat;
        None
    }
}
