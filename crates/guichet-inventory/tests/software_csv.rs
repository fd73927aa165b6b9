//! The software CSV: header, column order, RFC 4180 quoting of awkward values, sort order.

use chrono::{TimeZone, Utc};
use guichet_inventory::*;

fn pkg(name: &str, version: Option<&str>, source: &str) -> Software {
    Software {
        name: name.into(),
        version: version.map(Into::into),
        source: source.into(),
        ..Default::default()
    }
}

fn with_software(software: Vec<Software>) -> Inventory {
    Inventory {
        software,
        ..Default::default()
    }
}

#[test]
fn empty_inventory_gives_the_header_only() {
    let inv = Inventory::default();
    assert_eq!(
        software_csv(&inv),
        "name,version,arch,publisher,install_date,size_bytes,source,category\n"
    );
}

#[test]
fn awkward_values_are_quoted_and_read_back_identically() {
    let inv = with_software(vec![Software {
        name: "foo, bar".into(),
        version: Some("1:2.0-1".into()),
        arch: Some("amd64".into()),
        publisher: Some("Jane \"JD\" Doe <jd@example.org>".into()),
        install_date: Some(Utc.with_ymd_and_hms(2024, 1, 31, 8, 15, 0).unwrap()),
        size_bytes: Some(18_446_744_073_709_551_615),
        source: "dpkg".into(),
        summary: Some("not exported".into()),
        category: Some("line one\nline two".into()),
        ..Default::default()
    }]);
    let out = software_csv(&inv);
    assert_eq!(
        out,
        "name,version,arch,publisher,install_date,size_bytes,source,category\n\
         \"foo, bar\",1:2.0-1,amd64,\"Jane \"\"JD\"\" Doe <jd@example.org>\",\
         2024-01-31T08:15:00Z,18446744073709551615,dpkg,\"line one\nline two\"\n"
    );
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "foo, bar");
    assert_eq!(&rows[0][3], "Jane \"JD\" Doe <jd@example.org>");
    assert_eq!(&rows[0][7], "line one\nline two");
}

#[test]
fn unknown_values_are_empty_cells() {
    let inv = with_software(vec![pkg("bash", None, "dpkg")]);
    assert_eq!(software_csv(&inv).lines().nth(1), Some("bash,,,,,,dpkg,"));
}

#[test]
fn sorted_by_name_then_version_order_stably() {
    let inv = with_software(vec![
        pkg("zsh", Some("5.9"), "dpkg"),
        pkg("kernel", Some("6.10"), "rpm"),
        pkg("kernel", Some("6.9"), "rpm"),
        pkg("kernel", Some("6.9"), "dnf-copy"),
        pkg("abc", Some("1.0~rc1"), "dpkg"),
        pkg("abc", Some("1.0"), "dpkg"),
    ]);
    let out = software_csv(&inv);
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(
        rows,
        [
            "abc,1.0~rc1,,,,,dpkg,",
            "abc,1.0,,,,,dpkg,",
            "kernel,6.9,,,,,rpm,",
            "kernel,6.9,,,,,dnf-copy,",
            "kernel,6.10,,,,,rpm,",
            "zsh,5.9,,,,,dpkg,",
        ]
    );
}
