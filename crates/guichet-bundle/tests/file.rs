//! The file alone, without a store: a written bundle reads back whole, and a cut, altered or
//! unsigned one is refused.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use guichet_bundle::{
    read_bundle, read_bundle_bytes, write_bundle, BlobId, BundleCounts, BundleError, BundleKind,
    BundleSigner, BundledAttachment, BundledTicket, DescriptionFormat, Draft, OutgoingPayload,
    Payload, TicketFields,
};
use uuid::Uuid;

fn written(dir: &std::path::Path) -> std::path::PathBuf {
    written_with(dir, |json| json, |c| c)
}

/// A bundle of one ticket and its file, its payload JSON and counts passed through `edit` and
/// `count` before signing (a sender forging them signs what it likes).
fn written_with(
    dir: &std::path::Path,
    edit: impl FnOnce(String) -> String,
    count: impl FnOnce(BundleCounts) -> BundleCounts,
) -> std::path::PathBuf {
    let signer = BundleSigner::load_or_create(dir, || [5; 32]).unwrap();
    let file = b"ATTACHMENT".to_vec();
    let blob = BlobId::of(&file);
    let payload = OutgoingPayload {
        tickets: vec![BundledTicket {
            id: Uuid::from_u128(1),
            entry_uuid: Some(Uuid::from_u128(1)),
            fields: TicketFields {
                title: "Printer".into(),
                description: "Jammed.".into(),
                description_format: DescriptionFormat::Markdown,
                category: None,
                urgency: 3,
                requester: "alice".into(),
            },
            snapshot_uuid: None,
            created_at: Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
            attachments: vec![BundledAttachment {
                file_name: "jam.txt".into(),
                content_type: "text/plain".into(),
                size: file.len() as u64,
                blob: blob.clone(),
            }],
        }],
        ..OutgoingPayload::default()
    };
    let path = dir.join("out.guichet");
    write_bundle(
        &path,
        &signer,
        Draft {
            kind: BundleKind::Outgoing,
            bundle_uuid: Uuid::from_u128(9),
            source_deviceid: "site",
            recipient_deviceid: None,
            sequence: None,
            created_at: Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap(),
            counts: count(BundleCounts {
                tickets: 1,
                entries: 1,
                blobs: 1,
                ..BundleCounts::default()
            }),
            payload: edit(serde_json::to_string(&payload).unwrap()).into_bytes(),
            blobs: BTreeMap::from([(blob, file)]),
        },
    )
    .unwrap();
    path
}

#[test]
fn a_written_bundle_reads_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = written(dir.path());
    let b = read_bundle(&path).unwrap();
    assert_eq!(b.manifest.kind, BundleKind::Outgoing);
    assert_eq!(b.manifest.source_deviceid, "site");
    let Payload::Outgoing(p) = b.payload() else {
        panic!("an outgoing payload")
    };
    let t = &p.tickets[0];
    assert_eq!(t.fields.description_format, DescriptionFormat::Markdown);
    assert_eq!(
        b.blob(&t.attachments[0].blob).unwrap().as_deref(),
        Some(&b"ATTACHMENT"[..])
    );
    assert_eq!(b.blob_ids().count(), 1);
    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
    assert!(
        text.contains(r#""description_format":"markdown""#),
        "the wire spelling"
    );
}

#[test]
fn cut_or_altered_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(written(dir.path())).unwrap();
    let err = read_bundle_bytes(&good[..good.len() - 512]).unwrap_err();
    assert!(matches!(err, BundleError::Truncated(_)), "{err}");
    let at = good.windows(10).position(|w| w == b"ATTACHMENT").unwrap();
    let mut bad = good.clone();
    bad[at] ^= 1;
    let err = read_bundle_bytes(&bad).unwrap_err();
    assert!(matches!(err, BundleError::Checksum { .. }), "{err}");
    assert!(err.is_refusal());
    assert_eq!(err.code(), "bundle_checksum");
    let err = read_bundle_bytes(b"").unwrap_err();
    assert_eq!(err.code(), "bundle_format");
}

/// A ticket as bundles have always written it, its fields at the ticket's own level: it still
/// reads, and writes back with the same field names in the same order.
#[test]
fn a_ticket_keeps_its_json_shape() {
    let old = r#"{"id":"00000000-0000-0000-0000-000000000001","entry_uuid":"00000000-0000-0000-0000-000000000001","title":"Printer","description":"Jammed.","description_format":"markdown","category":"Imprimantes","urgency":3,"requester":"alice","snapshot_uuid":null,"created_at":"2026-11-23T09:00:00Z","connector":"rt","remote_id":"42","attachments":[]}"#;
    let t: BundledTicket = serde_json::from_str(old).unwrap();
    assert_eq!(
        t.fields,
        TicketFields {
            title: "Printer".into(),
            description: "Jammed.".into(),
            description_format: DescriptionFormat::Markdown,
            category: Some("Imprimantes".into()),
            urgency: 3,
            requester: "alice".into(),
        }
    );
    assert_eq!(t.id, Uuid::from_u128(1));
    // The server id an older bundle asserted is dropped: a hub decides it itself.
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        old.replace(r#""connector":"rt","remote_id":"42","#, "")
    );
}

/// A payload naming a blob by a path (`../../x`) is refused as it is read: blob ids end up in
/// file names.
#[test]
fn bundle_blob_id_with_a_path_is_refused() {
    let json =
        r#"{"file_name":"a","content_type":"text/plain","size":1,"blob":"../../etc/passwd"}"#;
    let err = serde_json::from_str::<BundledAttachment>(json).unwrap_err();
    assert!(err.to_string().contains("../../etc/passwd"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let id = BlobId::of(b"ATTACHMENT").to_string();
    let path = written_with(dir.path(), |j| j.replace(&id, "../../etc/passwd"), |c| c);
    let err = read_bundle(&path).unwrap_err();
    assert_eq!(err.code(), "bundle_corrupt", "{err}");
    assert!(err.to_string().contains("is not a SHA-256"), "{err}");
}

/// The counts `bundle inspect` shows before an import must be the payload's: one that
/// announces nothing while carrying a ticket is refused.
#[test]
fn bundle_manifest_counts_must_match_payload() {
    let dir = tempfile::tempdir().unwrap();
    let path = written_with(dir.path(), |j| j, |_| BundleCounts::default());
    let err = read_bundle(&path).unwrap_err();
    assert_eq!(err.code(), "bundle_corrupt", "{err}");
    assert!(err.to_string().contains("counts"), "{err}");
    read_bundle(&written(tempfile::tempdir().unwrap().path())).unwrap();
}

/// An export larger than an import accepts is refused before anything is written.
#[test]
fn bundle_export_over_the_import_limit_is_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let signer = BundleSigner::load_or_create(dir.path(), || [5; 32]).unwrap();
    // Two blobs of half the limit: the archive's headers push it over.
    let half = vec![0u8; (guichet_bundle::MAX_BUNDLE_BYTES / 2) as usize];
    let mut other = half.clone();
    other[0] = 1;
    let blobs = BTreeMap::from([(BlobId::of(&half), half), (BlobId::of(&other), other)]);
    let path = dir.path().join("big.guichet");
    let err = write_bundle(
        &path,
        &signer,
        Draft {
            kind: BundleKind::Outgoing,
            bundle_uuid: Uuid::from_u128(9),
            source_deviceid: "site",
            recipient_deviceid: None,
            sequence: None,
            created_at: Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap(),
            counts: BundleCounts {
                blobs: 2,
                ..BundleCounts::default()
            },
            payload: b"{}".to_vec(),
            blobs,
        },
    )
    .unwrap_err();
    assert!(matches!(err, BundleError::WouldBeTooLarge(_)), "{err}");
    assert!(err.to_string().contains("nothing was written"), "{err}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only the key"
    );
}
