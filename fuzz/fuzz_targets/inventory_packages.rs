//! Package managers' outputs: dpkg, rpm, pacman, snap, flatpak, nix. The first byte picks the
//! parser, the rest is its input.
#![no_main]

use guichet_inventory::parse::{dpkg, flatpak, nix, pacman, rpm, snap, units};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match which % 8 {
        0 => {
            let _ = dpkg::parse_status(&text);
            let _ = dpkg::status_is_installed(&text);
        }
        1 => {
            let _ = dpkg::parse_dpkg_query(&text);
        }
        2 => {
            let _ = rpm::parse_rpm_qa(&text);
        }
        3 => {
            let _ = pacman::parse_desc(&text);
        }
        4 => {
            let _ = snap::parse_list(&text);
            let _ = snap::parse_info(&text);
            let _ = snap::parse_size(&text);
        }
        5 => {
            let _ = flatpak::parse_list(&text, &flatpak::COLUMNS);
            let _ = flatpak::parse_info(&text);
            let _ = flatpak::parse_size(&text);
            let _ = units::decimal_size(&text);
        }
        6 => {
            let _ = nix::parse_profile_manifest(&text);
            let _ = nix::parse_nix_env_json(&text);
        }
        _ => {
            for line in text.lines() {
                let _ = nix::parse_store_path(line);
                let _ = nix::split_drv_name(line);
            }
        }
    }
});
