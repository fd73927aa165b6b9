//! Unit tests of the dump layout: arrays, entities, CIM dates.

use super::*;

#[test]
fn arrays_and_entities() {
    assert_eq!(parse_array("{\"a,b\",\"c\"}"), vec!["a,b", "c"]);
    assert_eq!(parse_array("{3,4}"), vec!["3", "4"]);
    assert!(parse_array("{}").is_empty());
    let r = parse_list_text("\r\nA=x&amp;y\r\nB=\r\n\r\nA=2\r\n");
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].get("a"), Some("x&y"));
    assert_eq!(r[0].get("B"), None);
}

#[test]
fn cim_datetime_offsets() {
    assert_eq!(
        wmi_datetime("20190801093512.000000+120")
            .map(|d| d.to_rfc3339())
            .as_deref(),
        Some("2019-08-01T07:35:12+00:00")
    );
    assert_eq!(
        wmi_datetime("20060621000000.000000-000")
            .map(|d| d.to_rfc3339())
            .as_deref(),
        Some("2006-06-21T00:00:00+00:00")
    );
    assert_eq!(
        wmi_datetime("20200101000000.000000-300")
            .map(|d| d.to_rfc3339())
            .as_deref(),
        Some("2020-01-01T05:00:00+00:00")
    );
    assert!(wmi_datetime("").is_none());
}
