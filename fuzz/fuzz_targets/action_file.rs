//! The published fix-it action file (`*.guichet-action`): the verification a machine runs on
//! whatever a knowledge-base article or a USB stick brings. The first byte picks the entry
//! point: the whole verification against a trusted key (which stops at the signature for
//! anything the fuzzer makes up), or the file's parse alone and the bytes its signature covers.
#![no_main]

use guichet_actions::published::{signed_message, verify_action, ActionFile, TrustedSigner};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 2 {
        0 => {
            let trusted = [TrustedSigner {
                name: "IT".into(),
                public_key: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
                    .into(),
            }];
            let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("a valid time");
            let _ = verify_action(rest, &trusted, now);
        }
        _ => {
            if let Ok(f) = ActionFile::parse(rest) {
                let _ = signed_message(&f.manifest, &f.script);
            }
        }
    }
});
