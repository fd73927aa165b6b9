//! The built-in fix-it actions, one file each, all run as the user and never as root:
//!
//! * `print-queue` ([`PrintQueue`]): cancels the user's own stuck print jobs and re-enables
//!   stopped or rejecting queues where CUPS allows the user;
//! * `free-space` ([`FreeSpace`]): empties the user's trash and the caches that are safe to
//!   drop, sizes shown first;
//! * `network-renew` ([`NetworkRenew`]): re-activates the active connections through
//!   NetworkManager, where polkit lets the user.
//!
//! [`builtin_actions`] builds them for the current user from the environment (the login CUPS
//! knows, `XDG_DATA_HOME`, `XDG_CACHE_HOME`); tests build them with explicit values.

use std::sync::Arc;

use crate::Action;

mod free_space;
mod network_renew;
mod print_queue;

pub use free_space::{FreeSpace, SAFE_CACHES};
pub use network_renew::{
    parse_active_connections, parse_permissions, ActiveConnection, NetworkRenew,
};
pub use print_queue::PrintQueue;

/// Every built-in action for the current user, in the order they are offered.
pub fn builtin_actions() -> Vec<Arc<dyn Action>> {
    vec![
        Arc::new(PrintQueue::for_current_user()),
        Arc::new(FreeSpace::from_env()),
        Arc::new(NetworkRenew::default()),
    ]
}

/// A size in binary units, in French and in English (`1,5 Mio`, `1.5 MiB`).
pub(crate) fn size_text(bytes: u64) -> (String, String) {
    const UNITS: [(&str, &str); 5] = [
        ("o", "B"),
        ("Kio", "KiB"),
        ("Mio", "MiB"),
        ("Gio", "GiB"),
        ("Tio", "TiB"),
    ];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let en = if unit == 0 {
        format!("{bytes} {}", UNITS[0].1)
    } else {
        format!("{value:.1} {}", UNITS[unit].1)
    };
    let fr = if unit == 0 {
        format!("{bytes} {}", UNITS[0].0)
    } else {
        format!("{value:.1} {}", UNITS[unit].0).replace('.', ",")
    };
    (fr, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_both_languages() {
        assert_eq!(size_text(0), ("0 o".into(), "0 B".into()));
        assert_eq!(size_text(1536), ("1,5 Kio".into(), "1.5 KiB".into()));
        assert_eq!(
            size_text(6 * 1024 * 1024 + 200_000),
            ("6,2 Mio".into(), "6.2 MiB".into())
        );
    }

    #[test]
    fn three_actions_with_their_ids() {
        let ids: Vec<String> = builtin_actions().iter().map(|a| a.id()).collect();
        assert_eq!(ids, ["print-queue", "free-space", "network-renew"]);
    }
}
