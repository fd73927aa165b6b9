//! Which volumes the storage checks look at. Left out, and why:
//!
//! * read-only mounts, and image file systems (`squashfs` snaps, `iso9660`/`udf` discs,
//!   `erofs`, `cramfs`): nothing can be written there, and they are full by design;
//! * memory file systems (`tmpfs`, `devtmpfs`, `ramfs`), except a `tmpfs` on `/tmp` or
//!   `/var/tmp`, where the user's programs write their temporary files: the others are the
//!   system's (`/dev/shm`, `/run`), sized from memory, which the memory checks cover;
//! * removable devices (a USB stick full of archives is not this computer's problem);
//! * volumes of size 0 (some FUSE and `autofs` mounts report nothing);
//! * a second mount of the same device (bind mounts, btrfs subvolumes): one finding per
//!   device, on its shortest mount point.
//!
//! `overlay` is kept: it is a container's root, and its space is that of the file system its
//! writes go to. Network shares never get here: `sysinfo` does not list NFS/CIFS mounts,
//! because `statvfs` on a hard mount whose server is gone never returns.

use guichet_inventory::live::VolumeUse;

const IMAGES: &[&str] = &["squashfs", "iso9660", "udf", "erofs", "cramfs"];
const MEMORY: &[&str] = &["tmpfs", "devtmpfs", "ramfs"];
const USER_TEMP: &[&str] = &["/tmp", "/var/tmp"];

/// The volumes worth checking, in the order given.
pub(crate) fn volumes_to_check(all: &[VolumeUse]) -> Vec<&VolumeUse> {
    let mut out: Vec<&VolumeUse> = Vec::new();
    for v in all.iter().filter(|v| worth_checking(v)) {
        let same = out
            .iter()
            .position(|o| v.device.starts_with("/dev/") && o.device == v.device);
        match same {
            Some(i) if v.mount_point.len() < out[i].mount_point.len() => out[i] = v,
            Some(_) => {}
            None => out.push(v),
        }
    }
    out
}

fn worth_checking(v: &VolumeUse) -> bool {
    let fs = v.fs_type.to_ascii_lowercase();
    if v.read_only || v.removable || v.total_bytes == 0 || IMAGES.contains(&fs.as_str()) {
        return false;
    }
    !MEMORY.contains(&fs.as_str()) || USER_TEMP.contains(&v.mount_point.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::recorded;

    #[test]
    fn the_vm_keeps_only_its_root() {
        let all = recorded::volumes("debian12-vm");
        assert_eq!(all.len(), 5);
        let kept: Vec<&str> = volumes_to_check(&all)
            .iter()
            .map(|v| v.mount_point.as_str())
            .collect();
        assert_eq!(kept, ["/"]);
    }

    #[test]
    fn a_tmpfs_on_tmp_is_kept_and_a_second_mount_of_a_device_is_not() {
        let vol = |mp: &str, dev: &str, fs: &str| VolumeUse {
            mount_point: mp.into(),
            device: dev.into(),
            fs_type: fs.into(),
            total_bytes: 10,
            available_bytes: 5,
            read_only: false,
            removable: false,
            inodes: None,
        };
        let mut usb = vol("/media/usb", "/dev/sdb1", "vfat");
        usb.removable = true;
        let all = [
            vol("/home", "/dev/sda2", "btrfs"),
            vol("/", "/dev/sda2", "btrfs"),
            vol("/tmp", "tmpfs", "tmpfs"),
            vol("/run", "tmpfs", "tmpfs"),
            vol("/snap/core/1", "/dev/loop0", "squashfs"),
            vol("/", "overlay", "overlay"),
            usb,
        ];
        let kept: Vec<(&str, &str)> = volumes_to_check(&all)
            .iter()
            .map(|v| (v.mount_point.as_str(), v.fs_type.as_str()))
            .collect();
        assert_eq!(kept, [("/", "btrfs"), ("/tmp", "tmpfs"), ("/", "overlay")]);
    }
}
