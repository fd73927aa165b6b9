//! Debian/Ubuntu's update-notifier summary: the count of pending updates it writes to
//! [`UPDATES_AVAILABLE`] (`12 updates can be applied immediately.`).

/// Where update-notifier keeps its summary.
pub const UPDATES_AVAILABLE: &str = "/var/lib/update-notifier/updates-available";

/// The number of pending updates in the summary: the leading number of the first line that
/// speaks of updates; `None` when there is none.
pub fn updates_available(text: &str) -> Option<u32> {
    text.lines()
        .find(|l| l.contains("can be applied") || l.contains("updates"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_notifier_text_gives_the_count() {
        assert_eq!(
            updates_available("\n12 updates can be applied immediately.\n"),
            Some(12)
        );
        assert_eq!(updates_available(""), None);
    }
}
