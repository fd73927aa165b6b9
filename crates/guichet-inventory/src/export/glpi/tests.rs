//! Unit tests of the value conversions.

use super::devices::drive_letter;
use super::system::cpu_arch;
use super::*;

#[test]
fn bios_dates_in_every_known_shape() {
    assert_eq!(bios_date("02/06/2016").as_deref(), Some("2016-02-06"));
    assert_eq!(bios_date("2016-02-06").as_deref(), Some("2016-02-06"));
    assert_eq!(
        bios_date("20160206000000.000000+000").as_deref(),
        Some("2016-02-06")
    );
    assert_eq!(bios_date("13/45/2016"), None);
    assert_eq!(bios_date("garbage"), None);
    assert_eq!(bios_date("été 2016"), None);
}

#[test]
fn offsets_parse_both_signs() {
    assert_eq!(parse_offset("+0100"), FixedOffset::east_opt(3600));
    assert_eq!(
        parse_offset("-0530"),
        FixedOffset::west_opt(5 * 3600 + 1800)
    );
    assert_eq!(parse_offset("0100"), None);
    assert_eq!(parse_offset("+01é0"), None);
}

#[test]
fn cpu_arch_aliases_and_pattern() {
    assert_eq!(cpu_arch("amd64"), Some("x86_64"));
    assert_eq!(cpu_arch("i686"), Some("i686"));
    assert_eq!(cpu_arch("armv7l"), Some("armv7l"));
    assert_eq!(cpu_arch("riscv64"), None);
}

#[test]
fn drive_letters() {
    assert_eq!(drive_letter("c:\\").as_deref(), Some("C:"));
    assert_eq!(drive_letter("D:").as_deref(), Some("D:"));
    assert_eq!(drive_letter("/"), None);
    assert_eq!(drive_letter("/c:"), None);
}
