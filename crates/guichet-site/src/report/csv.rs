//! The CSV of the register, for a spreadsheet: machines and assets in one table.

use chrono::NaiveDate;
use guichet_inventory::write_csv_record;
use guichet_store::{Asset, SiteMachine};

use crate::ExportError;

/// The CSV of the register: one row per machine, then one per asset, with a `record` column.
/// Cells a spreadsheet would run as formulas are written as text ([`write_csv_record`]).
pub fn csv(machines: &[SiteMachine], assets: &[Asset]) -> Result<Vec<u8>, ExportError> {
    let failed = |e: ::csv::Error| ExportError::Csv(e.to_string());
    let mut w = ::csv::Writer::from_writer(Vec::new());
    write_csv_record(
        &mut w,
        [
            "record",
            "id",
            "uuid",
            "name",
            "type",
            "make",
            "model",
            "serial",
            "os",
            "ram_gib",
            "location",
            "user",
            "status",
            "purchased",
            "warranty_until",
            "last_seen",
            "notes",
        ],
    )
    .map_err(failed)?;
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    let d = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for m in machines {
        write_csv_record(
            &mut w,
            [
                "machine".to_string(),
                m.id.to_string(),
                m.uuid.to_string(),
                m.hostname.clone(),
                "computer".to_string(),
                o(&m.vendor),
                o(&m.model),
                o(&m.serial),
                o(&m.os),
                m.ram_bytes
                    .map(|b| format!("{:.1}", b as f64 / (1u64 << 30) as f64))
                    .unwrap_or_default(),
                o(&m.location),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                m.last_seen.format("%Y-%m-%d").to_string(),
                String::new(),
            ],
        )
        .map_err(failed)?;
    }
    for a in assets {
        write_csv_record(
            &mut w,
            [
                "asset".to_string(),
                a.id.to_string(),
                a.uuid.to_string(),
                String::new(),
                a.kind.clone(),
                o(&a.make),
                o(&a.model),
                o(&a.serial),
                String::new(),
                String::new(),
                o(&a.location),
                o(&a.assigned_user),
                a.status.name().to_string(),
                d(a.purchased_on),
                d(a.warranty_until),
                String::new(),
                o(&a.notes),
            ],
        )
        .map_err(failed)?;
    }
    w.into_inner().map_err(|e| ExportError::Csv(e.to_string()))
}
