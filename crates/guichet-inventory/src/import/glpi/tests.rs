//! Unit tests of the lenient value readers.

use super::system::virtualization;
use super::*;
use serde_json::json;

#[test]
fn numbers_as_strings_and_unknown_speeds() {
    let o = json!({"a": "42", "b": 7, "c": "-1", "d": "2.5", "e": ""});
    let o = o.as_object().unwrap();
    assert_eq!(n(o, "a"), Some(42));
    assert_eq!(n(o, "b"), Some(7));
    assert_eq!(n(o, "c"), None);
    assert_eq!(n(o, "d"), Some(2));
    assert_eq!(n(o, "e"), None);
    assert_eq!(s(o, "e"), None);
}

#[test]
fn local_times_go_back_to_utc_with_the_offset() {
    let t = local_datetime("2026-03-01 10:00:00", parse_offset("+0100")).unwrap();
    assert_eq!(t.to_rfc3339(), "2026-03-01T09:00:00+00:00");
    let d = local_datetime("01/03/2026", None).unwrap();
    assert_eq!(d.to_rfc3339(), "2026-03-01T00:00:00+00:00");
    assert_eq!(local_datetime("yesterday", None), None);
}

#[test]
fn vmsystem_names_map_back() {
    assert_eq!(virtualization("Physical").role, "physical");
    let d = virtualization("Docker");
    assert_eq!(
        (d.role.as_str(), d.container.as_deref()),
        ("container", Some("docker"))
    );
    let h = virtualization("Hyper-V");
    assert_eq!(
        (h.role.as_str(), h.hypervisor.as_deref()),
        ("vm", Some("hyperv"))
    );
}

#[test]
fn a_document_without_content_is_refused() {
    let err = from_glpi(&json!({"deviceid": "x"}), Utc::now()).unwrap_err();
    assert!(err.to_string().contains("content"), "{err}");
}
