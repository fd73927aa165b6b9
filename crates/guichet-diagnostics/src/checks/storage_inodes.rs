//! `storage.inodes`: how many more files each volume can hold. A file system with a fixed
//! table of inodes (ext4, XFS, tmpfs) refuses new files once it is used up, however much space
//! is left; a mail or cache folder of millions of small files does that. A problem under 5 %
//! of the inodes left, a warning under 10 %. File systems that allocate inodes as needed
//! (btrfs, ZFS, vfat, NTFS) have no count and are not reported; Windows has none at all.

use guichet_inventory::live::{volumes_use, InodeUse, VolumeUse};
use guichet_records::{CheckStatus, Finding, Sentence};

use super::volume_choice::volumes_to_check;
use crate::quantity::{percent, worded, Count, Share};
use crate::{Check, Context};

const ID: &str = "storage.inodes";

/// Where the inodes left become a warning or a problem.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Problem under this share of inodes left, percent.
    pub problem_percent: f64,
    /// Warning under this share, percent.
    pub warning_percent: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            problem_percent: 5.0,
            warning_percent: 10.0,
        }
    }
}

/// The check, reading the volumes (inodes through `statvfs`) from `guichet-inventory`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StorageInodes;

impl Check for StorageInodes {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, _ctx: &Context) -> Vec<Finding> {
        evaluate(&volumes_use(), &Thresholds::default())
    }
}

/// One finding per volume worth checking that counts inodes; one `unknown` finding when none
/// does.
pub fn evaluate(volumes: &[VolumeUse], t: &Thresholds) -> Vec<Finding> {
    let counted: Vec<(&VolumeUse, InodeUse)> = volumes_to_check(volumes)
        .into_iter()
        .filter_map(|v| v.inodes.map(|i| (v, i)))
        .collect();
    if counted.is_empty() {
        return vec![Finding {
            check: ID.into(),
            subject: None,
            status: CheckStatus::Unknown,
            measured: None,
            threshold: None,
            sentence: Sentence::new(
                "Le nombre de fichiers que les disques peuvent encore recevoir n'est pas \
                 compté sur ce système.",
                "How many more files the disks can hold is not counted on this system.",
            ),
            fixes: vec![],
        }];
    }
    counted.into_iter().map(|(v, i)| volume(v, i, t)).collect()
}

fn volume(v: &VolumeUse, i: InodeUse, t: &Thresholds) -> Finding {
    let left = i.available.min(i.total);
    let p = percent(left, i.total);
    let (status, limit, sentence) = if p < t.problem_percent {
        (
            CheckStatus::Problem,
            t.problem_percent,
            Sentence::new(
                "Ce disque ne peut presque plus recevoir de nouveaux fichiers, même s'il reste \
                 de la place : supprimez les fichiers dont vous n'avez plus besoin.",
                "This disk can hardly take any new files, even with space left: delete files \
                 you no longer need.",
            ),
        )
    } else if p < t.warning_percent {
        (
            CheckStatus::Warning,
            t.warning_percent,
            Sentence::new(
                "Ce disque approche du nombre de fichiers qu'il peut contenir.",
                "This disk is nearing the number of files it can hold.",
            ),
        )
    } else {
        (
            CheckStatus::Ok,
            t.warning_percent,
            Sentence::new(
                "Ce disque peut encore recevoir beaucoup de fichiers.",
                "This disk can still take many new files.",
            ),
        )
    };
    Finding {
        check: ID.into(),
        subject: Some(v.mount_point.clone()),
        status,
        measured: Some(worded!(
            "{} inodes libres sur {} ({})",
            "{} inodes free of {} ({})",
            Count(left),
            Count(i.total),
            Share(p)
        )),
        threshold: Some(worded!("< {} libres", "< {} free", Share(limit))),
        sentence,
        fixes: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::recorded;

    #[test]
    fn the_recorded_vm_root_has_inodes_left() {
        let f = evaluate(&recorded::volumes("debian12-vm"), &Thresholds::default());
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].status, CheckStatus::Ok);
        assert_eq!(
            f[0].measured,
            Some(Sentence::new(
                "15 993 093 inodes libres sur 16 777 216 (95 %)",
                "15,993,093 inodes free of 16,777,216 (95%)"
            ))
        );
    }

    #[test]
    fn a_recorded_tmpfs_out_of_inodes_is_a_problem() {
        // 47 of 200 inodes left: 23.5 %, fine by default…
        let vols = recorded::volumes("tmpfs-nearly-full");
        assert_eq!(
            evaluate(&vols, &Thresholds::default())[0].status,
            CheckStatus::Ok
        );
        // …a warning, then a problem as the thresholds pass it.
        let t = |w, p| Thresholds {
            warning_percent: w,
            problem_percent: p,
        };
        assert_eq!(
            evaluate(&vols, &t(25.0, 5.0))[0].status,
            CheckStatus::Warning
        );
        let f = evaluate(&vols, &t(30.0, 24.0));
        assert_eq!(f[0].status, CheckStatus::Problem);
        assert_eq!(f[0].threshold.as_ref().unwrap().en, "< 24% free");
    }

    #[test]
    fn file_systems_without_a_count_are_unknown_together() {
        let vol = VolumeUse {
            mount_point: "/".into(),
            device: "/dev/sda2".into(),
            fs_type: "btrfs".into(),
            total_bytes: 100,
            available_bytes: 50,
            read_only: false,
            removable: false,
            inodes: None,
        };
        let f = evaluate(&[vol], &Thresholds::default());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, CheckStatus::Unknown);
    }
}
