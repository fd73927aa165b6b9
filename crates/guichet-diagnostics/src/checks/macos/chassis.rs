//! Whether a Mac is a laptop, from `system_profiler SPPowerDataType` (text, parsed by the
//! inventory): SMBIOS chassis types do not exist on Macs, and since Apple silicon the model
//! identifier (`Mac14,2`) no longer says "MacBook". A Mac with a battery is a laptop; one
//! whose power section lists none is a desktop.

use guichet_inventory::parse::macos::system_profiler::{power_battery, Node};

/// `Laptop` or `Desktop` as the encryption check names chassis, `None` without a power
/// section (the command failed or printed nothing).
pub(crate) fn chassis(power: &Node) -> Option<String> {
    if power_battery(power).is_some() {
        return Some("Laptop".into());
    }
    power
        .children
        .iter()
        .any(|c| c.key == "Power")
        .then(|| "Desktop".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_inventory::parse::macos::system_profiler::parse_text;

    fn recorded(name: &str) -> Node {
        let path = format!(
            "{}/../../third-party/glpi-agent-fixtures/resources/macos/system_profiler/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        parse_text(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
    }

    #[test]
    fn recorded_macbook_air_is_a_laptop_and_recorded_imac_a_desktop() {
        assert_eq!(
            chassis(&recorded("11.0-apple-M1")).as_deref(),
            Some("Laptop")
        );
        assert_eq!(
            chassis(&recorded("charged-SPPowerDataType")).as_deref(),
            Some("Laptop")
        );
        assert_eq!(chassis(&recorded("10.6-intel")).as_deref(), Some("Desktop"));
        assert_eq!(chassis(&parse_text("")), None);
    }
}
