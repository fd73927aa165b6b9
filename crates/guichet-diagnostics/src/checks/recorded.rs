//! Test support: readings rebuilt from the outputs recorded in `tests/fixtures` (see its
//! README for the commands).

use guichet_inventory::live::{InodeUse, VolumeUse};

/// The text of `tests/fixtures/<path>`.
pub(crate) fn fixture(path: &str) -> String {
    String::from_utf8(fixture_bytes(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The bytes of `tests/fixtures/<path>` (exports in UTF-16, binary property lists).
pub(crate) fn fixture_bytes(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The volumes of `df/<name>.txt` (`df -B1 --output=source,fstype,size,avail,itotal,iavail,target`),
/// read-only where `df/<name>.mounts` (a copy of `/proc/self/mounts`) says `ro`, if it exists.
pub(crate) fn volumes(name: &str) -> Vec<VolumeUse> {
    let mounts = std::fs::read_to_string(format!(
        "{}/tests/fixtures/df/{name}.mounts",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_default();
    let read_only = |mp: &str| {
        mounts.lines().any(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.get(1) == Some(&mp) && f.get(3).is_some_and(|o| o.split(',').any(|x| x == "ro"))
        })
    };
    fixture(&format!("df/{name}.txt"))
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let n = |i: usize| f[i].parse::<u64>().expect("a number");
            VolumeUse {
                device: f[0].into(),
                fs_type: f[1].into(),
                total_bytes: n(2),
                available_bytes: n(3),
                inodes: (n(4) > 0).then(|| InodeUse {
                    total: n(4),
                    available: n(5),
                }),
                mount_point: f[6].into(),
                read_only: read_only(f[6]),
                removable: false,
            }
        })
        .collect()
}

/// A recorded `/proc/meminfo`.
pub(crate) fn meminfo(name: &str) -> guichet_inventory::Memory {
    guichet_inventory::parse::meminfo::parse(&fixture(&format!("meminfo/{name}"))).expect("meminfo")
}

/// A recorded `/proc/loadavg`, for `cores` processors.
pub(crate) fn loadavg(name: &str, cores: u32) -> guichet_inventory::live::CpuLoad {
    let text = fixture(&format!("loadavg/{name}"));
    let f: Vec<f64> = text
        .split_whitespace()
        .take(3)
        .map(|x| x.parse().expect("a load"))
        .collect();
    guichet_inventory::live::CpuLoad::Average {
        one: f[0],
        five: f[1],
        fifteen: f[2],
        cores,
    }
}
