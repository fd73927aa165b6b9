//! `systemctl list-units --output=json` (and `--failed`): a JSON array of units with their
//! load, active and sub states, as systemd 246 and later print it.

use serde::Deserialize;

/// One unit as `systemctl` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Unit {
    /// Unit name (`cups.service`).
    pub unit: String,
    /// Load state (`loaded`, `not-found`, `masked`).
    #[serde(default)]
    pub load: String,
    /// Active state (`active`, `failed`, `inactive`).
    #[serde(default)]
    pub active: String,
    /// Sub state (`running`, `failed`, `dead`).
    #[serde(default)]
    pub sub: String,
    /// Its description.
    #[serde(default)]
    pub description: String,
}

/// Parses the JSON array; `None` when it is not one (an error message, an old systemd
/// printing a table). Units whose name is empty are dropped.
pub fn parse_units(text: &str) -> Option<Vec<Unit>> {
    let units: Vec<Unit> = serde_json::from_str(text.trim()).ok()?;
    Some(units.into_iter().filter(|u| !u.unit.is_empty()).collect())
}

/// The units in state `failed`.
pub fn failed(units: &[Unit]) -> Vec<&Unit> {
    units.iter().filter(|u| u.active == "failed").collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/systemd");

    #[test]
    fn failed_system_units_of_a_debian_desktop() {
        let text = std::fs::read_to_string(format!("{DIR}/failed-system.json")).unwrap();
        let units = parse_units(&text).unwrap();
        let names: Vec<&str> = failed(&units).iter().map(|u| u.unit.as_str()).collect();
        assert_eq!(names, ["cups.service", "logrotate.service"]);
        assert_eq!(units[0].description, "CUPS Scheduler");
    }

    #[test]
    fn nothing_failed_is_an_empty_array_and_garbage_is_unknown() {
        let text = std::fs::read_to_string(format!("{DIR}/failed-none.json")).unwrap();
        assert_eq!(parse_units(&text), Some(vec![]));
        assert_eq!(parse_units("0 loaded units listed.\n"), None);
        assert_eq!(parse_units(""), None);
    }
}
