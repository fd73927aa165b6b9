//! CSV export of the software list, for spreadsheets and scripts.
//!
//! Columns: `name, version, arch, publisher, install_date, size_bytes, source, category`.
//! `install_date` is RFC 3339 / ISO 8601 in UTC (`2024-01-31T08:15:00Z`), `size_bytes` a plain
//! integer; unknown values are empty cells. Rows are sorted by name, then version in Debian
//! version order (so `1.10` follows `1.9`); the sort is stable, so equal rows keep the
//! collectors' order. Quoting (commas, quotes, line breaks inside values) is the `csv` crate's
//! RFC 4180 quoting.
//!
//! Every CSV Guichet writes (this one, the site register's) goes through [`write_csv_record`]:
//! host names, serials, notes and software names come from other machines' files and bundles,
//! and a cell a spreadsheet would read as a formula (`=HYPERLINK(…)`, `@SUM(…)`) runs when a
//! person opens the file. Such cells are written as text, prefixed with `'`, as OWASP's "CSV
//! Injection" advice says.

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

/// A cell as a spreadsheet may open it safely: text that starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return (what spreadsheets read as the start of a formula) gets a leading `'`,
/// which they show as text; any other text is unchanged.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Writes one CSV record, each cell made [`spreadsheet_safe`]: the one way Guichet's CSV
/// writers write a row.
pub fn write_csv_record<W: std::io::Write, S: AsRef<str>>(
    w: &mut csv::Writer<W>,
    cells: impl IntoIterator<Item = S>,
) -> csv::Result<()> {
    w.write_record(
        cells
            .into_iter()
            .map(|c| spreadsheet_safe(c.as_ref()).into_owned()),
    )
}

fn write(w: &mut csv::Writer<Vec<u8>>, rows: &[&Software]) -> csv::Result<()> {
    write_csv_record(w, HEADER)?;
    for s in rows {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        write_csv_record(
            w,
            [
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
            ],
        )?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_written_as_text() {
        for (cell, safe) in [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("Firefox", "Firefox"),
            ("", ""),
            (" =1", " =1"),
        ] {
            assert_eq!(spreadsheet_safe(cell), safe);
        }
    }
}
