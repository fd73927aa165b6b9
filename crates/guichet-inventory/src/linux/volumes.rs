//! Mounted file systems on Linux, from `/proc/self/mountinfo`.
//!
//! Sizes come from `statvfs` of each mount point (free = space available to unprivileged
//! users, like `df`'s "Avail"). Label and UUID come from the udev database entry of the backing
//! block device, else from the `/dev/disk/by-uuid` and `by-label` links. Encryption is found by
//! walking the device-mapper stack down through `slaves/` (LVM on LUKS, say) to a
//! `CRYPT-…` device-mapper uuid, or from the file system type for stacked encrypted file
//! systems (eCryptfs, gocryptfs…).

use crate::collect::{Section, SourceError};
use crate::model::{Category, Volume};
use crate::parse::mountinfo::{self, MountEntry};
use crate::parse::udev::{self, decode_hex_escapes};
use crate::probe::Probe;

/// Collects the mounted file systems.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    let text = probe.read("/proc/self/mountinfo")?;
    let mut section = Section::default();
    for m in mountinfo::real_mounts(&mountinfo::parse(&text)) {
        let mut v = Volume {
            mount_point: m.mount_point.clone(),
            device: device_name(&m),
            fs_type: m.fs_type.clone(),
            ..Default::default()
        };
        match probe.fs_space(&m.mount_point) {
            Ok((total, free)) => {
                v.total_bytes = total;
                v.free_bytes = free;
            }
            Err(e) => section.error(Category::Volumes, &format!("statvfs {}", m.mount_point), e),
        }
        if let Some((maj, min)) = block_numbers(probe, &m) {
            identity(probe, maj, min, &mut v);
            let sys = probe
                .link(format!("/sys/dev/block/{maj}:{min}"))
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
            if let Some(name) = sys {
                v.encryption = dm_encryption(probe, &name, 0);
            }
        }
        if v.encryption.is_none() {
            v.encryption = fs_encryption(&m.fs_type).map(str::to_string);
        }
        section.found.volumes.push(v);
    }
    Ok(section)
}

/// The mount source when it names something (`/dev/…`, `server:/share`, `//server/share`),
/// not a placeholder such as `none` or the file system type.
fn device_name(m: &MountEntry) -> Option<String> {
    let s = m.source.trim();
    (s.starts_with('/') || s.contains(':')).then(|| s.to_string())
}

/// Device numbers of the block device behind a mount. btrfs reports an anonymous `0:n` device
/// in mountinfo: the numbers are then looked up from the `/dev` source's sysfs entry.
fn block_numbers(probe: &Probe, m: &MountEntry) -> Option<(u32, u32)> {
    if m.major != 0 {
        return Some((m.major, m.minor));
    }
    let dev = m.source.strip_prefix("/dev/")?;
    // `/dev/mapper/root` is a link to `../dm-0`; sysfs knows it as `dm-0`.
    let name = probe
        .link(&m.source)
        .and_then(|t| t.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dev.rsplit('/').next().unwrap_or(dev).to_string());
    let nums = probe.attr(format!("/sys/class/block/{name}/dev"))?;
    let (a, b) = nums.split_once(':')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Label and UUID: udev's database first, then the `/dev/disk/by-*` links.
fn identity(probe: &Probe, maj: u32, min: u32, v: &mut Volume) {
    if let Ok(t) = probe.read(format!("/run/udev/data/b{maj}:{min}")) {
        let e = udev::parse(&t);
        v.label = e.get_decoded("ID_FS_LABEL");
        v.uuid = e.get("ID_FS_UUID").map(str::to_string);
    }
    let Some(target) = v
        .device
        .as_deref()
        .and_then(|d| d.strip_prefix("/dev/"))
        .map(|d| {
            probe
                .link(format!("/dev/{d}"))
                .and_then(|t| t.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| d.rsplit('/').next().unwrap_or(d).to_string())
        })
    else {
        return;
    };
    let find = |dir: &str| {
        probe.list(dir).into_iter().find(|n| {
            probe
                .link(format!("{dir}/{n}"))
                .and_then(|t| {
                    t.file_name()
                        .map(|f| f.to_string_lossy() == target.as_str())
                })
                .unwrap_or(false)
        })
    };
    if v.uuid.is_none() {
        v.uuid = find("/dev/disk/by-uuid");
    }
    if v.label.is_none() {
        v.label = find("/dev/disk/by-label").map(|l| decode_hex_escapes(&l));
    }
}

/// Encryption of a block device: a `CRYPT-…` device-mapper target, here or below it.
fn dm_encryption(probe: &Probe, name: &str, depth: u32) -> Option<String> {
    if depth > 8 {
        return None;
    }
    if let Some(uuid) = probe.attr(format!("/sys/class/block/{name}/dm/uuid")) {
        if let Some(kind) = uuid.strip_prefix("CRYPT-") {
            let k = kind.split('-').next().unwrap_or("");
            return Some(
                match k {
                    "LUKS1" | "LUKS2" | "LUKS" => "LUKS",
                    "BITLK" => "BitLocker",
                    "TCRYPT" => "TrueCrypt/VeraCrypt",
                    "PLAIN" => "dm-crypt",
                    _ => "dm-crypt",
                }
                .to_string(),
            );
        }
    }
    probe
        .list(format!("/sys/class/block/{name}/slaves"))
        .iter()
        .find_map(|s| dm_encryption(probe, s, depth + 1))
}

/// Stacked encrypted file systems recognisable from their type alone.
fn fs_encryption(fs_type: &str) -> Option<&'static str> {
    Some(match fs_type {
        "ecryptfs" => "eCryptfs",
        "fuse.gocryptfs" => "gocryptfs",
        "fuse.encfs" => "EncFS",
        "fuse.cryfs" => "CryFS",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::fake_root::{link, t0, write};
    use std::fs;

    use std::path::Path;

    /// A laptop: LVM on LUKS (`/`), a plain `/boot`, a btrfs USB disk with a spaced label found
    /// only through by-label links, an eCryptfs home and the usual pseudo file systems.
    #[test]
    fn lvm_on_luks_btrfs_and_ecryptfs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = dir.path();
        write(
            r,
            "proc/self/mountinfo",
            "22 27 0:21 / /proc rw - proc proc rw\n\
             27 1 253:1 / / rw,relatime shared:1 - ext4 /dev/mapper/vg-root rw\n\
             28 27 259:2 / /boot rw shared:2 - ext4 /dev/nvme0n1p2 rw\n\
             29 27 0:45 / /media/usb\\040disk rw shared:3 - btrfs /dev/sdb1 rw,subvol=/\n\
             30 27 0:46 / /home/alice rw shared:4 - ecryptfs /home/.ecryptfs/alice/.Private rw\n\
             31 27 0:25 / /run rw - tmpfs tmpfs rw\n",
        );
        for d in ["media/usb disk", "boot", "home/alice"] {
            fs::create_dir_all(r.join(d)).expect("mkdir");
        }
        // dm-1 (vg-root, LVM) sits on dm-0 (LUKS2) which sits on nvme0n1p3.
        link(r, "sys/dev/block/253:1", "../../class/block/dm-1");
        write(r, "sys/class/block/dm-1/dev", "253:1\n");
        write(r, "sys/class/block/dm-1/dm/uuid", "LVM-abcdefABCDEF\n");
        write(r, "sys/class/block/dm-1/slaves/dm-0", "");
        write(
            r,
            "sys/class/block/dm-0/dm/uuid",
            "CRYPT-LUKS2-1f2e3d4c5b6a47988a7b6c5d4e3f2a1b-luks-1f2e3d4c\n",
        );
        write(r, "sys/class/block/dm-0/slaves/nvme0n1p3", "");
        fs::create_dir_all(r.join("sys/class/block/nvme0n1p3")).expect("mkdir");
        link(r, "sys/dev/block/259:2", "../../class/block/nvme0n1p2");
        fs::create_dir_all(r.join("sys/class/block/nvme0n1p2")).expect("mkdir");
        write(
            r,
            "run/udev/data/b253:1",
            "S:mapper/vg-root\nE:ID_FS_UUID=0b5f0e3a-2c41-4d7e-9a1b-7c3d2e1f0a9b\nE:ID_FS_LABEL=root\nE:ID_FS_LABEL_ENC=root\n",
        );
        // The USB disk: no udev entry; numbers from sysfs, label and UUID from /dev/disk links.
        write(r, "sys/class/block/sdb1/dev", "8:17\n");
        link(r, "sys/dev/block/8:17", "../../class/block/sdb1");
        link(
            r,
            "dev/disk/by-uuid/5d1c2b3a-0000-4e4e-8f8f-123456789abc",
            "../../sdb1",
        );
        link(r, "dev/disk/by-label/Backup\\x20Disk", "../../sdb1");
        link(r, "dev/disk/by-label/Other", "../../sda1");

        let s = collect(&Probe::fixture(r, t0())).expect("collected");
        assert!(s.errors.is_empty(), "{:?}", s.errors);
        let v = &s.found.volumes;
        let points: Vec<&str> = v.iter().map(|v| v.mount_point.as_str()).collect();
        assert_eq!(points, ["/", "/boot", "/media/usb disk", "/home/alice"]);

        assert_eq!(v[0].device.as_deref(), Some("/dev/mapper/vg-root"));
        assert_eq!(v[0].encryption.as_deref(), Some("LUKS"));
        assert_eq!(v[0].label.as_deref(), Some("root"));
        assert_eq!(
            v[0].uuid.as_deref(),
            Some("0b5f0e3a-2c41-4d7e-9a1b-7c3d2e1f0a9b")
        );
        assert!(v[0].total_bytes > 0 && v[0].free_bytes <= v[0].total_bytes);

        assert_eq!(v[1].encryption, None);
        assert_eq!(v[1].label, None);

        assert_eq!(v[2].fs_type, "btrfs");
        assert_eq!(v[2].label.as_deref(), Some("Backup Disk"));
        assert_eq!(
            v[2].uuid.as_deref(),
            Some("5d1c2b3a-0000-4e4e-8f8f-123456789abc")
        );
        assert_eq!(v[2].encryption, None);

        assert_eq!(v[3].encryption.as_deref(), Some("eCryptfs"));
        assert_eq!(
            v[3].device.as_deref(),
            Some("/home/.ecryptfs/alice/.Private")
        );
    }

    #[test]
    fn unreachable_mount_point_is_kept_with_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "proc/self/mountinfo",
            "40 1 8:1 / /gone rw - ext4 /dev/sda1 rw\n",
        );
        let s = collect(&Probe::fixture(dir.path(), t0())).expect("collected");
        assert_eq!(s.found.volumes.len(), 1);
        assert_eq!(s.found.volumes[0].total_bytes, 0);
        assert_eq!(s.errors.len(), 1);
    }

    /// On the real host: the root file system is found with the size `statvfs` gives.
    #[test]
    fn host_root_volume() {
        if !Path::new("/proc/self/mountinfo").exists() {
            return;
        }
        let probe = Probe::system(t0(), std::time::Duration::from_secs(10));
        let v = collect(&probe).expect("collected").found.volumes;
        let Some(root) = v.iter().find(|v| v.mount_point == "/") else {
            // A root on tmpfs/rootfs (initramfs-like containers) is legitimately skipped.
            return;
        };
        let (total, _) = probe.fs_space("/").expect("statvfs /");
        assert_eq!(root.total_bytes, total);
        assert!(!root.fs_type.is_empty());
    }
}
