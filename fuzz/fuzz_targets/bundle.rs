//! The bundle file: the tar container and everything behind it (manifest, payload records,
//! blob names). The first byte picks the entry point: the real, verified read (which stops at
//! the signature for anything the fuzzer makes up), the same read without signature and
//! digests (feature `fuzzing` of guichet-bundle), or the manifest and payload JSON alone.
#![no_main]

use guichet_bundle::{
    read_bundle_bytes, read_bundle_bytes_unverified, Manifest, OutgoingPayload, ReturnPayload,
    VerifiedBundle,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 5 {
        0 => {
            if let Ok(b) = read_bundle_bytes(rest) {
                walk(&b, true);
            }
        }
        1 => {
            if let Ok(b) = read_bundle_bytes_unverified(rest) {
                walk(&b, false);
            }
        }
        2 => {
            let _ = serde_json::from_slice::<Manifest>(rest);
        }
        3 => {
            let _ = serde_json::from_slice::<OutgoingPayload>(rest);
        }
        _ => {
            let _ = serde_json::from_slice::<ReturnPayload>(rest);
        }
    }
});

/// What a receiver reads of a bundle once it is accepted. A verified bundle's blobs read back
/// and match their names. The unverified read skipped the digests, so there a blob may be
/// refused when read back, but only as a checksum mismatch, never with a panic or wrong bytes.
fn walk(b: &VerifiedBundle, verified: bool) {
    let _ = (b.outgoing(), b.returned(), &b.manifest.counts);
    for id in b.blob_ids() {
        match b.blob(id) {
            Ok(bytes) => {
                assert_eq!(bytes.map(|b| guichet_bundle::BlobId::of(&b)).as_ref(), Some(id))
            }
            Err(guichet_bundle::BundleError::Checksum { .. }) if !verified => {}
            Err(e) => panic!("blob {id} of an accepted bundle does not read back: {e}"),
        }
    }
}
