//! `lsblk --json -o NAME,TYPE,FSTYPE,MOUNTPOINT`: the block device tree (disk → partition →
//! crypt → lvm…), from which the encryption of the file systems holding `/` and `/home` is
//! read: a file system is encrypted when a `crypt` device (dm-crypt, LUKS) lies between it and
//! its disk. lsblk prints each device under its parent, so the chain is the path in the tree.

use serde::Deserialize;

/// A mounted file system of interest and whether it lies on dm-crypt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mounted {
    /// The mount point (`/`, `/home`).
    pub mountpoint: String,
    /// The device lsblk names (`vda1`, `luks-…`, `vg-root`).
    pub device: String,
    /// Whether a `crypt` device is on its chain.
    pub encrypted: bool,
}

#[derive(Debug, Deserialize)]
struct Tree {
    blockdevices: Vec<Node>,
}

#[derive(Debug, Deserialize)]
struct Node {
    #[serde(default)]
    name: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    mountpoint: Option<String>,
    #[serde(default)]
    children: Vec<Node>,
}

/// Mount points looked at: the system and the users' files.
const WATCHED: [&str; 2] = ["/", "/home"];
/// lsblk nests a handful of levels (disk, partition, crypt, lvm, …); deeper input is refused.
const MAX_DEPTH: usize = 16;

/// The watched mount points found in lsblk's JSON, in tree order; `None` when it is not
/// lsblk's JSON or nests deeper than any real tree.
pub fn mounted_encryption(text: &str) -> Option<Vec<Mounted>> {
    let tree: Tree = serde_json::from_str(text).ok()?;
    let mut out = Vec::new();
    let mut stack: Vec<(&Node, usize, bool)> = tree
        .blockdevices
        .iter()
        .rev()
        .map(|n| (n, 0, false))
        .collect();
    while let Some((node, depth, above_crypt)) = stack.pop() {
        if depth > MAX_DEPTH {
            return None;
        }
        let encrypted = above_crypt || node.kind.as_deref() == Some("crypt");
        if let Some(m) = node.mountpoint.as_deref().filter(|m| WATCHED.contains(m)) {
            out.push(Mounted {
                mountpoint: m.to_string(),
                device: node.name.clone(),
                encrypted,
            });
        }
        stack.extend(
            node.children
                .iter()
                .rev()
                .map(|c| (c, depth + 1, encrypted)),
        );
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lsblk");

    fn read(name: &str) -> String {
        std::fs::read_to_string(format!("{DIR}/{name}")).unwrap()
    }

    #[test]
    fn plain_virtual_disk() {
        let m = mounted_encryption(&read("debian12-vm.json")).unwrap();
        assert_eq!(
            m,
            [Mounted {
                mountpoint: "/".into(),
                device: "vda".into(),
                encrypted: false
            }]
        );
    }

    #[test]
    fn luks_under_lvm_laptop() {
        let m = mounted_encryption(&read("luks-lvm-laptop.json")).unwrap();
        let got: Vec<(&str, bool)> = m
            .iter()
            .map(|m| (m.mountpoint.as_str(), m.encrypted))
            .collect();
        assert_eq!(got, [("/", true), ("/home", true)]);
        assert_eq!(m[0].device, "vgubuntu-root");
    }

    #[test]
    fn not_lsblk_json_or_too_deep_is_none() {
        assert_eq!(mounted_encryption("lsblk: unknown column"), None);
        let mut deep = String::from(r#"{"name":"x","type":"part","mountpoint":"/"}"#);
        for _ in 0..20 {
            deep = format!(r#"{{"name":"p","type":"part","children":[{deep}]}}"#);
        }
        let doc = format!(r#"{{"blockdevices":[{deep}]}}"#);
        assert_eq!(mounted_encryption(&doc), None);
    }
}
