//! This machine as its own tools describe it (`uname`, `/etc/os-release`, `lscpu`,
//! `/proc/cpuinfo`, `lsblk`, `findmnt`, `stat -f`, `ip`, `dpkg-query`), to compare with what
//! GLPI shows after an inventory: never Guichet's own collectors.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// The standard output of `program args…`, which must succeed.
pub fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn json(program: &str, args: &[&str]) -> Value {
    serde_json::from_str(&run(program, args)).unwrap()
}

/// `uname -n`.
pub fn hostname() -> String {
    run("uname", &["-n"]).trim().to_owned()
}

/// (`PRETTY_NAME`, `VERSION_ID`) of `/etc/os-release`.
pub fn os_release() -> (String, String) {
    let text = std::fs::read_to_string("/etc/os-release").unwrap();
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .map(|v| v.trim_matches('"').to_owned())
            .unwrap_or_default()
    };
    (field("PRETTY_NAME"), field("VERSION_ID"))
}

/// (`uname -r`, `uname -m`).
pub fn kernel_and_arch() -> (String, String) {
    (
        run("uname", &["-r"]).trim().to_owned(),
        run("uname", &["-m"]).trim().to_owned(),
    )
}

/// What `lscpu` says of the processor.
#[derive(Debug)]
pub struct Cpu {
    /// `Model name`.
    pub model: String,
    /// Sockets.
    pub sockets: u32,
    /// Cores, every socket.
    pub cores: u32,
    /// Threads, every socket.
    pub threads: u32,
    /// The first `cpu MHz` of `/proc/cpuinfo`.
    pub mhz: f64,
}

/// The processor (`lscpu -J`, `/proc/cpuinfo`).
pub fn cpu() -> Cpu {
    let fields: BTreeMap<String, String> = json("lscpu", &["-J"])["lscpu"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"]
                    .as_str()
                    .unwrap()
                    .trim_end_matches(':')
                    .to_owned(),
                f["data"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let n = |k: &str| {
        fields
            .get(k)
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(1)
    };
    let sockets = n("Socket(s)");
    let cores = n("Core(s) per socket") * sockets;
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap();
    let mhz = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("cpu MHz"))
        .and_then(|v| v.trim_start_matches([' ', '\t', ':']).trim().parse().ok())
        .unwrap_or(0.0);
    Cpu {
        model: fields["Model name"].clone(),
        sockets,
        cores,
        threads: cores * n("Thread(s) per core"),
        mhz,
    }
}

/// Disks with a size (`lsblk -J -b -d`): name → size in bytes.
pub fn disks() -> BTreeMap<String, u64> {
    json("lsblk", &["-J", "-b", "-d", "-o", "NAME,SIZE,TYPE"])["blockdevices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["type"] == "disk")
        .filter_map(|d| {
            let size = d["size"]
                .as_u64()
                .or_else(|| d["size"].as_str()?.parse().ok())?;
            (size > 0).then(|| (d["name"].as_str().unwrap().to_owned(), size))
        })
        .collect()
}

/// A mounted block-device file system (`findmnt`) and its sizes (`stat -f`), MiB.
#[derive(Debug)]
pub struct Volume {
    /// Device, e.g. `/dev/vda`.
    pub device: String,
    /// File system type.
    pub fstype: String,
    /// Total size, MiB (rounded down).
    pub total_mib: u64,
    /// Available to users, MiB (rounded down).
    pub free_mib: u64,
}

/// Mount point → volume, for every file system on a block device.
pub fn volumes() -> BTreeMap<String, Volume> {
    run("findmnt", &["-rn", "-o", "SOURCE,TARGET,FSTYPE"])
        .lines()
        .filter_map(|l| {
            let mut f = l.split(' ');
            let (device, target, fstype) = (f.next()?, f.next()?, f.next()?);
            device.starts_with("/dev/").then(|| {
                let st = run("stat", &["-f", "-c", "%b %a %S", target]);
                let n: Vec<u64> = st.split_whitespace().map(|x| x.parse().unwrap()).collect();
                let vol = Volume {
                    device: device.to_owned(),
                    fstype: fstype.to_owned(),
                    total_mib: (n[0] * n[2]) >> 20,
                    free_mib: (n[1] * n[2]) >> 20,
                };
                (target.to_owned(), vol)
            })
        })
        .collect()
}

/// A network interface (`ip -j addr`) other than loopback.
#[derive(Debug, PartialEq, Eq)]
pub struct Interface {
    /// MAC address.
    pub mac: String,
    /// Its IPv4 and IPv6 addresses.
    pub addresses: BTreeSet<String>,
}

/// Interface name → MAC and addresses.
pub fn interfaces() -> BTreeMap<String, Interface> {
    json("ip", &["-j", "addr"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["link_type"] != "loopback")
        .map(|i| {
            let addresses = i["addr_info"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a["local"].as_str().map(str::to_owned))
                .collect();
            (
                i["ifname"].as_str().unwrap().to_owned(),
                Interface {
                    mac: i["address"].as_str().unwrap_or_default().to_owned(),
                    addresses,
                },
            )
        })
        .collect()
}

/// Every installed dpkg package as (name, version, architecture), `dpkg-query -W`.
pub fn packages() -> BTreeSet<(String, String, String)> {
    run(
        "dpkg-query",
        &["-W", "-f", "${Package}\\t${Version}\\t${Architecture}\\n"],
    )
    .lines()
    .map(|l| {
        let f: Vec<&str> = l.split('\t').collect();
        (f[0].to_owned(), f[1].to_owned(), f[2].to_owned())
    })
    .collect()
}

/// The number of lines of `dpkg-query -W`.
pub fn package_count() -> usize {
    run("dpkg-query", &["-W"]).lines().count()
}

/// The machine's DMI serial number and UUID, when the firmware publishes them (a VM without
/// SMBIOS tables has none).
pub fn dmi() -> (Option<String>, Option<String>) {
    let read = |f: &str| {
        std::fs::read_to_string(format!("/sys/class/dmi/id/{f}"))
            .ok()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    (read("product_serial"), read("product_uuid"))
}
