//! `guichet bundle import` of a large bundle holds one file at a time, not the bundle three
//! times over (the whole file, its members, then a copy of every blob).
//!
//! How the peak is measured: `getrusage(RUSAGE_CHILDREN)` gives the largest resident set of
//! the children a process waited for, but Linux counts in a child's figure the memory of the
//! process it was spawned from, until its `exec`. This test holds the whole bundle in memory
//! while writing it, so it does not measure the import itself: it starts this test binary
//! again (a small, fresh process), running only [`peak_of_one_import`], which runs the import
//! as its one child and prints that child's peak.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use chrono::Utc;
use guichet_bundle::{write_bundle, BlobId, BundleKind, BundleSigner, Draft, OutgoingPayload};
use uuid::Uuid;

fn guichet(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(args)
        .env("GUICHET_DATA_DIR", dir)
        .env("USER", "alice")
        .env_remove("GUICHET_LOG")
        .output()
        .expect("running guichet")
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "status {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The largest resident set of the children waited for so far, in KiB.
fn children_peak_kib() -> i64 {
    use nix::sys::resource::{getrusage, UsageWho};
    getrusage(UsageWho::RUSAGE_CHILDREN).unwrap().max_rss()
}

/// Set for the second run of this binary: the store and the bundle to import.
const MEASURE: &str = "GUICHET_TEST_MEASURE_IMPORT";

/// The measuring half (a no-op unless [`MEASURE`] is set): imports the bundle as this
/// process's one child and prints its peak resident set.
#[test]
fn peak_of_one_import() {
    let Ok(what) = std::env::var(MEASURE) else {
        return;
    };
    let (store, bundle) = what.split_once('\n').unwrap();
    ok(&guichet(
        Path::new(store),
        &["bundle", "import", "--no-sync", bundle],
    ));
    println!("PEAK_KIB={}", children_peak_kib());
}

const FILES: usize = 8;
const FILE_BYTES: usize = 24 << 20;

#[test]
fn bundle_import_memory_is_bounded() {
    let (site, hub) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (s, h) = (site.path(), hub.path());
    let key = s.join("site.key");
    ok(&guichet(
        s,
        &["bundle", "enrol", "show", "--out", key.to_str().unwrap()],
    ));
    ok(&guichet(
        h,
        &["bundle", "enrol", "add", "--site", key.to_str().unwrap()],
    ));
    let deviceid = std::fs::read_to_string(&key).unwrap();
    let deviceid = deviceid.split_whitespace().nth(1).unwrap().to_string();

    // The site's own key signs a bundle of 192 MiB of files.
    let signer = BundleSigner::load_or_create(s, || unreachable!("the key exists")).unwrap();
    let mut blobs = BTreeMap::new();
    for n in 0..FILES {
        let mut bytes = vec![(n as u8).wrapping_mul(37); FILE_BYTES];
        bytes[..8].copy_from_slice(&(n as u64).to_le_bytes());
        blobs.insert(BlobId::of(&bytes), bytes);
    }
    let payload = OutgoingPayload::default();
    let path = s.join("big.guichet");
    let written = write_bundle(
        &path,
        &signer,
        Draft {
            kind: BundleKind::Outgoing,
            bundle_uuid: Uuid::new_v4(),
            source_deviceid: &deviceid,
            recipient_deviceid: None,
            sequence: None,
            created_at: Utc::now(),
            counts: payload.counts(FILES as u64),
            payload: serde_json::to_vec(&payload).unwrap(),
            blobs,
        },
    )
    .unwrap();
    let measured = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "peak_of_one_import",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(MEASURE, format!("{}\n{}", h.display(), path.display()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&measured.stdout);
    let peak: i64 = stdout
        .lines()
        .find_map(|l| l.split("PEAK_KIB=").nth(1))
        .unwrap_or_else(|| {
            panic!(
                "no figure: {stdout} {}",
                String::from_utf8_lossy(&measured.stderr)
            )
        })
        .parse()
        .unwrap();
    let file_kib = (written.bytes / 1024) as i64;
    println!("bundle {file_kib} KiB, peak RSS of `guichet bundle import` {peak} KiB");
    assert!(
        peak < file_kib / 2,
        "peak RSS {peak} KiB for a {file_kib} KiB bundle: it is held in memory"
    );
    assert!(
        std::fs::read_dir(h.join("blobs")).map_or(0, Iterator::count) > 0,
        "the files were stored"
    );
}
