//! CSV export of the software list, for spreadsheets and scripts.
//!
//! Columns: `name, version, arch, publisher, install_date, size_bytes, source, category`.
//! `install_date` is RFC 3339 / ISO 8601 in UTC (`2024-01-31T08:15:00Z`), `size_bytes` a plain
//! integer; unknown values are empty cells. Rows are sorted by name, then version in Debian
//! version order (so `1.10` follows `1.9`); the sort is stable, so equal rows keep the
//! collectors' order. Quoting (commas, quotes, line breaks inside values) is the `csv` crate's
//! RFC 4180 quoting.

use crate::model::{Inventory, Software};
use crate::parse::version::compare_versions;

/// Header row of [`software_csv`].
const HEADER: [&str; 8] = [
    "name",
    "version",
    "arch",
    "publisher",
    "install_date",
    "size_bytes",
    "source",
    "category",
];

/// Writes the software list as CSV with a header row (see the module docs for the columns).
pub fn software_csv(inv: &Inventory) -> String {
    let mut rows: Vec<&Software> = inv.software.iter().collect();
    rows.sort_by(|a, b| {
        a.name.cmp(&b.name).then_with(|| {
            compare_versions(
                a.version.as_deref().unwrap_or(""),
                b.version.as_deref().unwrap_or(""),
            )
        })
    });
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory only fails on a bug (e.g. a wrong field count), never on data.
    write(&mut w, &rows).expect("writing CSV to memory cannot fail");
    let bytes = w.into_inner().unwrap_or_default();
    // Every field was a Rust string, so the output is UTF-8.
    String::from_utf8_lossy(&bytes).into_owned()
}

fn write(w: &mut csv::Writer<Vec<u8>>, rows: &[&Software]) -> csv::Result<()> {
    w.write_record(HEADER)?;
    for s in rows {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        w.write_record([
            s.name.clone(),
            opt(&s.version),
            opt(&s.arch),
            opt(&s.publisher),
            s.install_date
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default(),
            s.size_bytes.map(|n| n.to_string()).unwrap_or_default(),
            s.source.clone(),
            opt(&s.category),
        ])?;
    }
    w.flush()?;
    Ok(())
}
