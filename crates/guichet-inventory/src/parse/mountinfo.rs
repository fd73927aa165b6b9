//! `/proc/self/mountinfo`: every mount of the process's namespace, with the device numbers
//! (`major:minor`) that tie a mount to its block device, udev entry and device-mapper stack.
//! Also decides which mounts are real file systems worth inventorying.

/// One line of `/proc/self/mountinfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MountEntry {
    /// Mount id (unique in the namespace).
    pub id: u32,
    /// Parent mount id.
    pub parent: u32,
    /// Device major number (`0` for file systems without a block device, and for btrfs).
    pub major: u32,
    /// Device minor number.
    pub minor: u32,
    /// Directory of the file system mounted here (`/` unless a bind mount or a subvolume).
    pub root: String,
    /// Mount point, escapes decoded.
    pub mount_point: String,
    /// File system type, e.g. `ext4`, `fuse.sshfs`.
    pub fs_type: String,
    /// Mount source, e.g. `/dev/nvme0n1p2`, escapes decoded.
    pub source: String,
}

/// Parses the whole file; malformed lines are skipped (the kernel never writes any, but a
/// truncated read could).
pub fn parse(text: &str) -> Vec<MountEntry> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<MountEntry> {
    // `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`:
    // a variable number of optional fields ends at the lone `-`.
    let (left, right) = line.split_once(" - ")?;
    let mut l = left.split(' ');
    let id = l.next()?.parse().ok()?;
    let parent = l.next()?.parse().ok()?;
    let (maj, min) = l.next()?.split_once(':')?;
    let root = decode_octal(l.next()?);
    let mount_point = decode_octal(l.next()?);
    let mut r = right.split(' ');
    let fs_type = decode_octal(r.next()?);
    let source = decode_octal(r.next().unwrap_or(""));
    Some(MountEntry {
        id,
        parent,
        major: maj.parse().ok()?,
        minor: min.parse().ok()?,
        root,
        mount_point,
        fs_type,
        source,
    })
}

/// Decodes the kernel's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash).
pub fn decode_octal(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 4 <= b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = (b[i + 1] - b'0') as u32 * 64
                + (b[i + 2] - b'0') as u32 * 8
                + (b[i + 3] - b'0') as u32;
            if let Ok(v) = u8::try_from(v) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Kernel and user-space pseudo file systems: no storage behind them, never inventoried.
const PSEUDO: &[&str] = &[
    "autofs",
    "binfmt_misc",
    "bpf",
    "cgroup",
    "cgroup2",
    "configfs",
    "debugfs",
    "devpts",
    "devtmpfs",
    "efivarfs",
    "fusectl",
    "hugetlbfs",
    "mqueue",
    "nsfs",
    "proc",
    "pstore",
    "ramfs",
    "rpc_pipefs",
    "securityfs",
    "selinuxfs",
    "sysfs",
    "tmpfs",
    "tracefs",
    "nfsd",
    "fuse.gvfsd-fuse",
    "fuse.portal",
    "fuse.lxcfs",
    "fuse.snapfuse",
    "fuse.xdg-document-portal",
    "ramfs",
    "devfs",
    "usbfs",
    "none",
    "rootfs",
    "overlay",
    "squashfs",
    "zram",
    "aufs",
];

/// Whether a mount is a real file system to inventory. Pseudo file systems are skipped;
/// `overlay` (containers) and `squashfs` are kept only as the root file system, which is what
/// a container or a live system runs on, while snap packages' squashfs images are skipped.
pub fn is_real(e: &MountEntry) -> bool {
    if e.mount_point == "/" {
        return !matches!(e.fs_type.as_str(), "rootfs" | "tmpfs" | "ramfs");
    }
    !PSEUDO.contains(&e.fs_type.as_str())
}

/// The mounts worth inventorying: real file systems, each shown once. A mount point mounted
/// over keeps only its last (visible) mount; bind mounts of the same device and directory keep
/// the shortest mount point (the original, usually); bind mounts of a sub-directory of a file
/// system whose root is mounted too are dropped.
pub fn real_mounts(entries: &[MountEntry]) -> Vec<MountEntry> {
    let mut visible: Vec<&MountEntry> = Vec::new();
    for e in entries.iter().filter(|e| is_real(e)) {
        // Later lines win: they were mounted on top.
        visible.retain(|v| v.mount_point != e.mount_point);
        visible.push(e);
    }
    let mut out: Vec<MountEntry> = Vec::new();
    for e in visible {
        // Device 0:x is a different anonymous device per mount, except for btrfs where the
        // subvolume root tells mounts apart; comparing source too keeps NFS shares apart.
        match out.iter_mut().find(|o| {
            o.major == e.major && o.minor == e.minor && o.root == e.root && o.source == e.source
        }) {
            Some(o) => {
                if e.mount_point.len() < o.mount_point.len() {
                    *o = e.clone();
                }
            }
            None => out.push(e.clone()),
        }
    }
    // A bind mount of a sub-directory shows the same space as its file system's own mount:
    // dropped when that mount is visible. btrfs subvolumes (`/@home`) are real separate mounts.
    let whole: Vec<(u32, u32, String)> = out
        .iter()
        .filter(|e| e.root == "/")
        .map(|e| (e.major, e.minor, e.source.clone()))
        .collect();
    out.retain(|e| {
        e.root == "/"
            || e.fs_type == "btrfs"
            || !whole.contains(&(e.major, e.minor, e.source.clone()))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const VM: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/mountinfo/debian12-vm.txt"
    ));

    #[test]
    fn vm_mountinfo_keeps_only_the_ext4_root() {
        let all = parse(VM);
        assert_eq!(all.len(), 19);
        let root = &all[5];
        assert_eq!((root.major, root.minor), (254, 0));
        assert_eq!(root.mount_point, "/");
        assert_eq!(root.fs_type, "ext4");
        assert_eq!(root.source, "/dev/vda");
        let real = real_mounts(&all);
        assert_eq!(real.len(), 1, "{real:?}");
        assert_eq!(real[0].mount_point, "/");
    }

    /// Lines shaped like those of a Debian 12 laptop with snaps, a LUKS root, a USB stick with
    /// a space in its label, a bind mount and an NFS share.
    const DESKTOP: &str = "\
24 1 253:1 / / rw,relatime shared:1 - ext4 /dev/mapper/vg-root rw,errors=remount-ro
25 24 259:2 / /boot rw,relatime shared:2 - ext4 /dev/nvme0n1p2 rw
26 25 259:1 / /boot/efi rw,relatime shared:3 - vfat /dev/nvme0n1p1 rw,fmask=0077
27 24 0:5 / /dev rw,nosuid shared:4 - devtmpfs udev rw,size=8000000k
28 24 7:0 / /snap/core22/1122 ro,nodev,relatime shared:5 - squashfs /dev/loop0 ro
29 24 0:45 / /home rw,relatime shared:6 - btrfs /dev/sda1 rw,subvol=/@home
30 24 0:45 /@data /srv/data rw,relatime shared:7 - btrfs /dev/sda1 rw,subvol=/@data
31 24 8:17 / /media/alice/My\\040Stick rw,nosuid,nodev shared:8 - vfat /dev/sdb1 rw
32 24 253:1 /var/lib/docker /var/lib/docker rw shared:1 - ext4 /dev/mapper/vg-root rw
33 24 259:2 / /mnt/boot-again rw,relatime shared:2 - ext4 /dev/nvme0n1p2 rw
34 24 0:60 / /mnt/nas rw,relatime shared:9 - nfs4 nas:/export rw,vers=4.2
35 24 0:61 / /run/user/1000/gvfs rw shared:10 - fuse.gvfsd-fuse gvfsd-fuse rw
36 24 0:62 / /run/user/1000 rw shared:11 - tmpfs tmpfs rw
";

    #[test]
    fn desktop_mounts_drop_pseudo_snaps_and_bind_duplicates() {
        let real = real_mounts(&parse(DESKTOP));
        let points: Vec<&str> = real.iter().map(|e| e.mount_point.as_str()).collect();
        assert_eq!(
            points,
            [
                "/",
                "/boot",
                "/boot/efi",
                "/home",
                "/srv/data",
                "/media/alice/My Stick",
                "/mnt/nas"
            ]
        );
        assert_eq!(real[5].source, "/dev/sdb1");
        assert_eq!((real[5].major, real[5].minor), (8, 17));
    }

    #[test]
    fn overmounted_point_keeps_the_visible_mount() {
        let text =
            "40 1 8:1 / /data rw - ext4 /dev/sda1 rw\n41 1 8:2 / /data rw - xfs /dev/sda2 rw\n";
        let real = real_mounts(&parse(text));
        assert_eq!(real.len(), 1);
        assert_eq!(real[0].fs_type, "xfs");
    }

    #[test]
    fn overlay_counts_only_as_a_container_root() {
        let text = "1 0 0:50 / / rw - overlay overlay rw,lowerdir=/a\n2 1 0:51 / /var/lib/x rw - overlay overlay rw\n";
        let real = real_mounts(&parse(text));
        assert_eq!(real.len(), 1);
        assert_eq!(real[0].mount_point, "/");
    }

    #[test]
    fn octal_escapes_decode() {
        assert_eq!(decode_octal(r"/a\040b\011c\134d"), "/a b\tc\\d");
        assert_eq!(decode_octal(r"/bad\9x"), r"/bad\9x");
    }
}
