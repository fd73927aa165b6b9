//! `storage.free`: space left on each volume (see [`super::volume_choice`] for which).
//!
//! A volume is short of space when what is left is under BOTH a size and a share of the
//! volume: a problem under 1 GiB and 5 %, a warning under 5 GiB and 10 %. Both, because either
//! alone misfires: a size alone flags every small boot or EFI partition all the time (a
//! 512 MiB `/boot/efi` never has 1 GiB free), a share alone flags a 2 TB disk with 90 GB free.
//! Findings that need attention list the built-in fix `free-space`.

use guichet_inventory::live::{volumes_use, VolumeUse};
use guichet_records::{CheckStatus, Finding, Sentence};

use super::volume_choice::volumes_to_check;
use crate::quantity::{percent, worded, Bytes, Share};
use crate::{Check, Context};

const ID: &str = "storage.free";
const GIB: u64 = 1 << 30;

/// Where free space becomes a warning or a problem.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Problem when free space is under this size…
    pub problem_bytes: u64,
    /// …and under this share of the volume, percent.
    pub problem_percent: f64,
    /// Warning when free space is under this size…
    pub warning_bytes: u64,
    /// …and under this share of the volume, percent.
    pub warning_percent: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            problem_bytes: GIB,
            problem_percent: 5.0,
            warning_bytes: 5 * GIB,
            warning_percent: 10.0,
        }
    }
}

/// The check, reading the volumes through `guichet-inventory`'s live readings.
#[derive(Debug, Clone, Copy, Default)]
pub struct StorageFree;

impl Check for StorageFree {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, _ctx: &Context) -> Vec<Finding> {
        evaluate(&volumes_use(), &Thresholds::default())
    }
}

/// One finding per volume worth checking; one `unknown` finding when there is none.
pub fn evaluate(volumes: &[VolumeUse], t: &Thresholds) -> Vec<Finding> {
    let chosen = volumes_to_check(volumes);
    if chosen.is_empty() {
        return vec![Finding {
            check: ID.into(),
            subject: None,
            status: CheckStatus::Unknown,
            measured: None,
            threshold: None,
            sentence: Sentence::new(
                "L'espace libre des disques n'a pas pu être mesuré.",
                "Free disk space could not be measured.",
            ),
            fixes: vec![],
        }];
    }
    chosen.into_iter().map(|v| volume(v, t)).collect()
}

fn volume(v: &VolumeUse, t: &Thresholds) -> Finding {
    let free = v.available_bytes.min(v.total_bytes);
    let p = percent(free, v.total_bytes);
    let under = |size: u64, pct: f64| free < size && p < pct;
    let (status, size, pct, sentence) = if under(t.problem_bytes, t.problem_percent) {
        (
            CheckStatus::Problem,
            t.problem_bytes,
            t.problem_percent,
            Sentence::new(
                "Ce disque est presque plein : des programmes peuvent ne plus réussir à \
                 enregistrer. Libérez de la place.",
                "This disk is almost full: programs may fail to save. Free some space.",
            ),
        )
    } else if under(t.warning_bytes, t.warning_percent) {
        (
            CheckStatus::Warning,
            t.warning_bytes,
            t.warning_percent,
            Sentence::new(
                "Ce disque se remplit : pensez à libérer de la place bientôt.",
                "This disk is filling up: free some space soon.",
            ),
        )
    } else {
        (
            CheckStatus::Ok,
            t.warning_bytes,
            t.warning_percent,
            Sentence::new(
                "Il reste assez de place sur ce disque.",
                "This disk has enough free space.",
            ),
        )
    };
    Finding {
        check: ID.into(),
        subject: Some(v.mount_point.clone()),
        status,
        measured: Some(worded!(
            "{} libres sur {} ({})",
            "{} free of {} ({})",
            Bytes(free),
            Bytes(v.total_bytes),
            Share(p)
        )),
        threshold: Some(worded!(
            "< {} et < {}",
            "< {} and < {}",
            Bytes(size),
            Share(pct)
        )),
        sentence,
        fixes: if status >= CheckStatus::Warning {
            vec!["free-space".into()]
        } else {
            vec![]
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::recorded;

    #[test]
    fn the_recorded_vm_root_is_fine() {
        let f = evaluate(&recorded::volumes("debian12-vm"), &Thresholds::default());
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].subject.as_deref(), Some("/"));
        assert_eq!(f[0].status, CheckStatus::Ok);
        assert_eq!(
            f[0].measured,
            Some(Sentence::new(
                "34,5 Gio libres sur 252,0 Gio (14 %)",
                "34.5 GiB free of 252.0 GiB (14%)"
            ))
        );
        assert_eq!(
            f[0].threshold,
            Some(Sentence::new("< 5,0 Gio et < 10 %", "< 5.0 GiB and < 10%"))
        );
        assert!(f[0].fixes.is_empty());
    }

    #[test]
    fn a_recorded_nearly_full_tmpfs_on_tmp_is_a_problem_with_the_fix() {
        // 572 KiB of 8 MiB: 7 %, under 1 GiB but over 5 %: a warning by default…
        let vols = recorded::volumes("tmpfs-nearly-full");
        let f = evaluate(&vols, &Thresholds::default());
        assert_eq!(f[0].status, CheckStatus::Warning, "{f:?}");
        assert_eq!(f[0].fixes, ["free-space"]);
        // …and a problem once the share threshold is past it.
        let t = Thresholds {
            problem_percent: 8.0,
            ..Thresholds::default()
        };
        let f = evaluate(&vols, &t);
        assert_eq!(f[0].status, CheckStatus::Problem);
        assert_eq!(f[0].subject.as_deref(), Some("/tmp"));
        let m = f[0].measured.as_ref().unwrap();
        assert_eq!(m.en, "572 KiB free of 8 MiB (7.0%)");
        assert_eq!(m.fr, "572 Kio libres sur 8 Mio (7,0 %)");
    }

    #[test]
    fn size_and_share_must_both_be_short() {
        let vol = |total: u64, free: u64| VolumeUse {
            mount_point: "/x".into(),
            device: "/dev/x".into(),
            fs_type: "ext4".into(),
            total_bytes: total,
            available_bytes: free,
            read_only: false,
            removable: false,
            inodes: None,
        };
        let status = |total, free| evaluate(&[vol(total, free)], &Thresholds::default())[0].status;
        // A 512 MiB EFI partition with 400 MiB free: under 1 GiB, but 78 % free.
        assert_eq!(status(512 << 20, 400 << 20), CheckStatus::Ok);
        // A 2 TB disk with 90 GB free (4.5 %): a lot of space still.
        assert_eq!(status(2_000 * GIB, 90 * GIB), CheckStatus::Ok);
        assert_eq!(status(2_000 * GIB, 3 * GIB), CheckStatus::Warning);
        assert_eq!(status(2_000 * GIB, GIB / 2), CheckStatus::Problem);
        assert_eq!(status(20 * GIB, GIB / 2), CheckStatus::Problem);
        // Available past the total (a file system's odd accounting) reads as all free.
        assert_eq!(status(20 * GIB, 30 * GIB), CheckStatus::Ok);
        assert_eq!(
            evaluate(&[], &Thresholds::default())[0].status,
            CheckStatus::Unknown
        );
    }
}
