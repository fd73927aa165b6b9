//! `security.encryption`: on laptops, whether the system and the users' files are on an
//! encrypted disk (dm-crypt/LUKS on Linux, BitLocker on Windows, FileVault on macOS). A lost or
//! stolen laptop without it hands over every file on it.
//!
//! Laptops are the chassis types SMBIOS calls portable (DMI codes 8, 9, 10, 14, 31, 32:
//! Portable, Laptop, Notebook, Sub Notebook, Convertible, Detachable), read by the inventory's
//! machine collector (`/sys/class/dmi/id/chassis_type`, no root). Linux reads `lsblk`'s device
//! tree: `/` and `/home` are encrypted when a `crypt` device lies under them. Windows reads
//! the system drive's BitLocker protection as Explorer shows it and the enclosure's SMBIOS
//! chassis type (`windows::bitlocker`); macOS reads `fdesetup status`, and a Mac with a
//! battery is a laptop (`macos::fetch`).
//!
//! Ok when every watched file system is encrypted (on any machine). Warning on a laptop with
//! one that is not (nothing is broken now, the risk is at the loss). On a desktop, a server or
//! a virtual machine the check does not apply: unknown, not ok, because "ok" would read as
//! "encrypted" in the site register. Unknown too when the chassis or the disks cannot be read
//! (no DMI in a container; a Windows edition without BitLocker).

use guichet_inventory::parse::windows::security::BitLockerVolume;
use guichet_inventory::{block_tree, collect_category, Category, Probe};
use guichet_records::{CheckStatus, Finding, Sentence};

use super::here;
use super::outcome::finding;
use crate::quantity::worded;
use crate::{Check, Context};

const ID: &str = "security.encryption";
/// SMBIOS chassis types of portable machines, as the inventory names them.
pub const PORTABLE: [&str; 6] = [
    "Portable",
    "Laptop",
    "Notebook",
    "Sub Notebook",
    "Convertible",
    "Detachable",
];

/// The chassis and the encryption of the file systems watched.
#[derive(Debug, Clone, Default)]
pub struct Readings {
    /// The chassis type name (`Notebook`, `Desktop`, `Other`), `None` when unreadable.
    pub chassis: Option<String>,
    /// (mount point or drive, encrypted), `None` when the disks could not be read.
    pub volumes: Option<Vec<(String, bool)>>,
}

/// Reads the chassis type (inventory's machine collector) and lsblk's tree.
// Linux's readings; Windows and macOS fetch their own (`here`).
#[cfg_attr(any(target_os = "windows", target_os = "macos"), allow(dead_code))]
pub fn read(probe: &Probe) -> Readings {
    let chassis = collect_category(probe, Category::Machine)
        .machine
        .and_then(|m| m.chassis_type);
    let volumes = block_tree(probe)
        .map(|v| v.into_iter().map(|m| (m.mountpoint, m.encrypted)).collect())
        .filter(|v: &Vec<(String, bool)>| !v.is_empty());
    Readings { chassis, volumes }
}

/// BitLocker's volumes as watched file systems (a locked volume counts as encrypted).
// `Win32_EncryptableVolume` needs administrator rights, so the Windows fetch reads Explorer's
// property instead (`windows::bitlocker`); this mapping of the class is kept for an elevated
// reading, tested on a recording.
#[allow(dead_code)]
pub fn from_bitlocker(volumes: &[BitLockerVolume]) -> Vec<(String, bool)> {
    volumes
        .iter()
        .map(|v| (v.drive.clone(), v.protected.unwrap_or(true)))
        .collect()
}

/// The finding for these readings.
pub fn evaluate(r: &Readings) -> Vec<Finding> {
    let laptop = r.chassis.as_deref().map(|c| PORTABLE.contains(&c));
    let threshold = || {
        Some(Sentence::new(
            "portables : / et /home chiffrés",
            "laptops: / and /home encrypted",
        ))
    };
    let measured = |extra: Sentence| {
        let chassis = r.chassis.as_deref().map_or_else(
            || Sentence::new("châssis inconnu", "chassis unknown"),
            Sentence::same,
        );
        Some(worded!("{} ; {}", "{}; {}", chassis, extra))
    };
    let Some(volumes) = &r.volumes else {
        return vec![finding(
            ID,
            CheckStatus::Unknown,
            measured(Sentence::new("disques illisibles", "disks not readable")),
            threshold(),
            "Le chiffrement du disque ne peut pas être vérifié ici.",
            "Disk encryption cannot be checked here.",
        )];
    };
    let plain: Vec<&str> = volumes
        .iter()
        .filter(|(_, enc)| !enc)
        .map(|(m, _)| m.as_str())
        .collect();
    let list = |v: &[&str]| v.join(", ");
    if plain.is_empty() {
        let all: Vec<&str> = volumes.iter().map(|(m, _)| m.as_str()).collect();
        return vec![finding(
            ID,
            CheckStatus::Ok,
            measured(worded!("chiffrés : {}", "encrypted: {}", list(&all))),
            threshold(),
            "Le disque est chiffré : vos fichiers sont protégés si l'ordinateur est perdu ou volé.",
            "The disk is encrypted: your files are protected if the computer is lost or stolen.",
        )];
    }
    let m = measured(worded!(
        "non chiffrés : {}",
        "not encrypted: {}",
        list(&plain)
    ));
    match laptop {
        Some(true) => vec![finding(
            ID,
            CheckStatus::Warning,
            m.clone(),
            threshold(),
            "Le disque de cet ordinateur portable n'est pas chiffré : en cas de perte ou de vol, vos fichiers seraient lisibles.",
            "This laptop's disk is not encrypted: if it is lost or stolen, your files can be read.",
        )],
        Some(false) => vec![finding(
            ID,
            CheckStatus::Unknown,
            m.clone(),
            threshold(),
            "Cet ordinateur n'est pas un portable : le chiffrement du disque n'est pas vérifié.",
            "This computer is not a laptop: disk encryption is not checked.",
        )],
        None => vec![finding(
            ID,
            CheckStatus::Unknown,
            m.clone(),
            threshold(),
            "Impossible de savoir si cet ordinateur est un portable : le chiffrement n'est pas évalué.",
            "Whether this computer is a laptop cannot be told: encryption is not assessed.",
        )],
    }
}

/// The check.
#[derive(Debug)]
pub struct Encryption;

impl Check for Encryption {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        evaluate(&here::encryption(&Probe::system(ctx.now, ctx.timeout)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_inventory::parse::windows::security::bitlocker_volumes;
    use guichet_inventory::parse::windows::wmi::parse_list;
    use guichet_inventory::parse::{dmidecode, lsblk};

    const TP: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../third-party/glpi-agent-fixtures"
    );
    const LSBLK: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../guichet-inventory/tests/fixtures/lsblk"
    );

    fn chassis(file: &str) -> Option<String> {
        let path = format!("{TP}/resources/generic/dmidecode/{file}");
        dmidecode::parse(&std::fs::read_to_string(path).unwrap())
            .machine()
            .chassis_type
    }

    fn volumes(file: &str) -> Option<Vec<(String, bool)>> {
        let text = std::fs::read_to_string(format!("{LSBLK}/{file}")).unwrap();
        let m = lsblk::mounted_encryption(&text)?;
        Some(m.into_iter().map(|m| (m.mountpoint, m.encrypted)).collect())
    }

    #[test]
    fn recorded_thinkpad_chassis_with_luks_is_ok_and_plain_disk_warns() {
        let laptop = chassis("lenovo-thinkpad");
        assert_eq!(laptop.as_deref(), Some("Notebook"));
        let ok = Readings {
            chassis: laptop.clone(),
            volumes: volumes("luks-lvm-laptop.json"),
        };
        let f = &evaluate(&ok)[0];
        assert_eq!(f.status, CheckStatus::Ok);
        assert_eq!(
            f.measured,
            Some(Sentence::new(
                "Notebook ; chiffrés : /, /home",
                "Notebook; encrypted: /, /home"
            ))
        );
        let plain = Readings {
            chassis: laptop,
            volumes: volumes("debian12-vm.json"),
        };
        let f = &evaluate(&plain)[0];
        assert_eq!(f.status, CheckStatus::Warning);
        assert_eq!(
            f.measured.as_ref().unwrap().en,
            "Notebook; not encrypted: /"
        );
    }

    #[test]
    fn desktop_vm_and_unreadable_chassis_are_not_assessed() {
        for c in [chassis("vmware"), chassis("dell-r640"), None] {
            let r = Readings {
                chassis: c,
                volumes: volumes("debian12-vm.json"),
            };
            assert_eq!(evaluate(&r)[0].status, CheckStatus::Unknown, "{r:?}");
        }
        let surface = Readings {
            chassis: chassis("surface-go-2"),
            volumes: None,
        };
        assert_eq!(evaluate(&surface)[0].status, CheckStatus::Unknown);
    }

    #[test]
    fn recorded_bitlocker_laptop_is_ok() {
        let wmi = format!("{TP}/resources/win32/wmi/win10-crypt-Win32_EncryptableVolume.wmi");
        let v = bitlocker_volumes(&parse_list(&std::fs::read(wmi).unwrap()));
        let r = Readings {
            chassis: Some("Notebook".into()),
            volumes: Some(from_bitlocker(&v)),
        };
        let f = &evaluate(&r)[0];
        assert_eq!(f.status, CheckStatus::Ok);
        assert_eq!(f.measured.as_ref().unwrap().en, "Notebook; encrypted: C:");
    }
}
