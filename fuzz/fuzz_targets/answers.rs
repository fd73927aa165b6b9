//! The service desks' answers: GLPI (REST API v1, high-level API v2, native inventory) and
//! Request Tracker (REST2), through the pure readers each client runs on what it received
//! (the `fuzzing` features of guichet-glpi and guichet-rt expose them).
//!
//! Input: selector byte, then for raw answers the HTTP status (two bytes, big-endian) and for
//! GLPI's one byte picking the headers; the rest is the body.
#![no_main]

use guichet_glpi::fuzzing as glpi;
use guichet_rt::fuzzing as rt;
use libfuzzer_sys::fuzz_target;

/// Header sets a GLPI answer can carry, picked by one input byte.
const HEADERS: [&[(&str, &str)]; 4] = [
    &[("Content-Type", "application/json")],
    &[("Content-Type", "application/x-compress-zlib")],
    &[("Content-Type", "application/x-compress-gzip")],
    &[("Content-Range", "0-49/1234"), ("Retry-After", "30")],
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 5 {
        0 => {
            let [hi, lo, h, body @ ..] = rest else {
                return;
            };
            let status = u16::from_be_bytes([*hi, *lo]);
            glpi::answer(status, HEADERS[usize::from(*h) % HEADERS.len()], body);
        }
        1 => json(rest, glpi::v1_json),
        2 => json(rest, glpi::v2_json),
        3 => {
            let [hi, lo, body @ ..] = rest else {
                return;
            };
            rt::answer(u16::from_be_bytes([*hi, *lo]), body);
        }
        _ => json(rest, rt::json),
    }
});

fn json(bytes: &[u8], read: fn(&serde_json::Value)) {
    if let Ok(v) = serde_json::from_slice(bytes) {
        read(&v);
    }
}
