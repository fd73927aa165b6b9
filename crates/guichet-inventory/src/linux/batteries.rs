//! Linux `batteries` collector: `/sys/class/power_supply/*` entries of type `Battery`
//! (peripheral batteries such as mice, `scope` = `Device`, are skipped). Energy is in µWh
//! (`energy_*`) or, on some firmwares, charge in µAh (`charge_*`), converted to mWh with the
//! design minimum voltage; voltages are µV.

use chrono::NaiveDate;

use crate::collect::{Section, SourceError};
use crate::model::Battery;
use crate::probe::Probe;

const PS: &str = "/sys/class/power_supply";

/// Collects the system batteries.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    let mut section = Section::default();
    for name in probe.list(PS) {
        let a = |f: &str| probe.attr(format!("{PS}/{name}/{f}"));
        let n = |f: &str| a(f).and_then(|v| v.parse::<u64>().ok());
        if a("type").as_deref() != Some("Battery") || a("scope").as_deref() == Some("Device") {
            continue;
        }
        if a("present").as_deref() == Some("0") {
            continue;
        }
        let voltage_uv = n("voltage_min_design").filter(|v| *v > 0);
        // µAh × µV = 1e-12 Wh = 1e-9 mWh.
        let from_charge = |f: &str| {
            let c = n(f)?;
            let v = voltage_uv?;
            Some(((c as u128 * v as u128) / 1_000_000_000) as u64)
        };
        let energy = |e: &str, c: &str| {
            n(e).map(|uwh| uwh / 1000)
                .or_else(|| from_charge(c))
                .filter(|v| *v > 0)
        };
        let clean = |f: &str| a(f).and_then(|v| crate::parse::dmidecode::clean(&v));
        section.found.batteries.push(Battery {
            name: name.clone(),
            manufacturer: clean("manufacturer"),
            serial: a("serial_number").and_then(|v| crate::parse::dmidecode::clean_serial(&v)),
            chemistry: clean("technology"),
            design_capacity_mwh: energy("energy_full_design", "charge_full_design"),
            full_capacity_mwh: energy("energy_full", "charge_full"),
            voltage_mv: voltage_uv.map(|v| v / 1000),
            charge_percent: n("capacity").map(|c| c.min(100) as u8),
            status: clean("status"),
            manufacture_date: match (
                n("manufacture_year"),
                n("manufacture_month"),
                n("manufacture_day"),
            ) {
                (Some(y), Some(m), Some(d)) => {
                    NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32)
                }
                _ => None,
            },
        });
        if let Some(model) = clean("model_name") {
            // The model name identifies the pack better than the kernel's BAT0.
            if let Some(b) = section.found.batteries.last_mut() {
                b.name = model;
            }
        }
    }
    Ok(section)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use std::fs;

    fn write(root: &std::path::Path, dev: &str, attrs: &[(&str, &str)]) {
        let d = root.join("sys/class/power_supply").join(dev);
        fs::create_dir_all(&d).unwrap();
        for (k, v) in attrs {
            fs::write(d.join(k), format!("{v}\n")).unwrap();
        }
    }

    #[test]
    fn energy_and_charge_reporting_batteries() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        write(r, "AC", &[("type", "Mains"), ("online", "1")]);
        write(
            r,
            "BAT0",
            &[
                ("type", "Battery"),
                ("present", "1"),
                ("status", "Discharging"),
                ("technology", "Li-poly"),
                ("manufacturer", "SMP"),
                ("model_name", "5B10W13930"),
                ("serial_number", "  1234"),
                ("energy_full_design", "57000000"),
                ("energy_full", "51290000"),
                ("voltage_min_design", "15440000"),
                ("capacity", "87"),
            ],
        );
        write(
            r,
            "BAT1",
            &[
                ("type", "Battery"),
                ("status", "Full"),
                ("technology", "Li-ion"),
                ("charge_full_design", "4400000"),
                ("charge_full", "4000000"),
                ("voltage_min_design", "11100000"),
                ("capacity", "100"),
                ("serial_number", "0"),
            ],
        );
        // A wireless mouse: not a system battery.
        write(
            r,
            "hidpp_battery_0",
            &[("type", "Battery"), ("scope", "Device")],
        );
        let s = collect(&Probe::fixture(r, Utc::now())).unwrap();
        let b = &s.found.batteries;
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].name, "5B10W13930");
        assert_eq!(b[0].manufacturer.as_deref(), Some("SMP"));
        assert_eq!(b[0].serial.as_deref(), Some("1234"));
        assert_eq!(b[0].chemistry.as_deref(), Some("Li-poly"));
        assert_eq!(b[0].design_capacity_mwh, Some(57000));
        assert_eq!(b[0].full_capacity_mwh, Some(51290));
        assert_eq!(b[0].voltage_mv, Some(15440));
        assert_eq!(b[0].charge_percent, Some(87));
        assert_eq!(b[0].status.as_deref(), Some("Discharging"));
        assert_eq!(b[1].name, "BAT1");
        // 4.4 Ah × 11.1 V = 48.84 Wh.
        assert_eq!(b[1].design_capacity_mwh, Some(48840));
        assert_eq!(b[1].full_capacity_mwh, Some(44400));
        assert_eq!(b[1].serial, None);
    }

    #[test]
    fn no_power_supply_class_means_no_battery() {
        let dir = tempfile::tempdir().unwrap();
        let s = collect(&Probe::fixture(dir.path(), Utc::now())).unwrap();
        assert!(s.found.batteries.is_empty());
        assert!(s.errors.is_empty());
    }
}
