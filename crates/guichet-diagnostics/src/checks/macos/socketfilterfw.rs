//! The application firewall's global state, from
//! `/usr/libexec/ApplicationFirewall/socketfilterfw --getglobalstate` (no root needed to read
//! it; its output is English whatever the user's language): `Firewall is enabled. (State = 1)`,
//! `Firewall is disabled. (State = 0)`, and `State = 2` when it blocks every incoming
//! connection (on, and stricter).

use crate::checks::firewall::FirewallState;

/// The firewall's name in findings.
const NAME: &str = "macOS application firewall";

/// The state from the command's output, `on: None` when the output says neither.
pub(crate) fn firewall_state(output: &str) -> FirewallState {
    let state = output
        .split("State =")
        .nth(1)
        .and_then(|rest| rest.trim_start().chars().next())
        .and_then(|c| c.to_digit(10));
    let on = match state {
        Some(0) => Some(false),
        Some(_) => Some(true),
        None if output.contains("is enabled") => Some(true),
        None if output.contains("is disabled") => Some(false),
        None => None,
    };
    FirewallState {
        name: NAME.to_string(),
        on,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::firewall::evaluate;
    use guichet_records::CheckStatus;

    fn fixture(name: &str) -> String {
        crate::checks::recorded::fixture(&format!("macos/{name}"))
    }

    #[test]
    fn enabled_block_all_and_disabled() {
        let on = firewall_state(&fixture("socketfilterfw-enabled.txt"));
        assert_eq!(on.on, Some(true));
        let f = &evaluate(&[on])[0];
        assert_eq!(f.status, CheckStatus::Ok);
        assert_eq!(
            f.measured.as_ref().unwrap().en,
            "macOS application firewall: on"
        );
        let off = firewall_state(&fixture("socketfilterfw-disabled.txt"));
        assert_eq!(evaluate(&[off])[0].status, CheckStatus::Warning);
        let all = firewall_state(
            "Firewall is blocking all non-essential incoming connections. (State = 2)\n",
        );
        assert_eq!(all.on, Some(true));
        let none = firewall_state("");
        assert_eq!(none.on, None);
        assert_eq!(evaluate(&[none])[0].status, CheckStatus::Unknown);
    }
}
