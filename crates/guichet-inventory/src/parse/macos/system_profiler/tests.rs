//! Unit tests of the locale-tolerant value readers.

use super::hardware::hex_text;
use super::*;

#[test]
fn sizes_and_speeds_in_any_locale() {
    assert_eq!(size_bytes("16 GB"), Some(16 << 30));
    assert_eq!(
        size_bytes("463,12 GB (463 117 873 152 bytes)"),
        Some(463_117_873_152)
    );
    assert_eq!(
        size_bytes("320.07 GB (320,072,933,376 bytes)"),
        Some(320_072_933_376)
    );
    assert_eq!(mhz("2,4 GHz"), Some(2400));
    assert_eq!(mhz("800 MHz"), Some(800));
}

#[test]
fn hex_part_numbers() {
    assert_eq!(
        hex_text("0x3848544631323836344844592D3636374531").as_deref(),
        Some("8HTF12864HDY-667E1")
    );
    assert_eq!(hex_text("0x0000000000000000"), None);
    assert_eq!(hex_text("0xD5289015").as_deref(), Some("0xD5289015"));
}

#[test]
fn publishers_from_info_strings() {
    assert_eq!(
        publisher_from_info("2.1.2, © 1995-2010 Apple Inc. All Rights Reserved.").as_deref(),
        Some("Apple")
    );
    assert_eq!(publisher_from_info("4.0.6"), None);
}

/// Found by the `inventory_macos` fuzz target: a memory part number in `0x…` form with a
/// non-ASCII character in it was sliced inside that character (panic on a char boundary).
#[test]
fn hex_part_number_with_a_non_ascii_character_does_not_panic() {
    let part = "0x48594D5035363453363443503\u{fffd}\u{fffd}D59352020";
    assert_eq!(hex_text(part).as_deref(), Some(part));
    let text = format!(
        "Memory:\n\n    Memory Slots:\n\n      BANK 0/DIMM0:\n\n          Size: 1 GB\n          \
         Part Number: {part}\n"
    );
    let modules = memory_modules(&parse_text(&text));
    assert!(modules
        .iter()
        .all(|m| m.part_number.as_deref() != Some("HYMP564S64CP")));
}
