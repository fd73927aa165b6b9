//! The macOS fetch of the security readings, through the inventory's [`Probe`] (commands
//! bounded by the check's deadline, files). Compiled for macOS, and into the Linux tests so
//! that it is type-checked here; it has never run on macOS in this project's tests.
//!
//! Budget (1 s a check): `socketfilterfw` and `fdesetup status` answer in tens of
//! milliseconds; XProtect is two file reads. The chassis (is it a laptop?) is the slow part:
//! `system_profiler SPPowerDataType` (a few hundred milliseconds), run beside `fdesetup`.

use guichet_inventory::parse::macos::system_profiler::parse_text;
use guichet_inventory::{modified, Probe};

use super::{
    bundle_version, chassis, filevault, firewall_state, last_install, xprotect_signatures,
};
use crate::checks::{antivirus, encryption, firewall::FirewallState};

const SOCKETFILTERFW: &str = "/usr/libexec/ApplicationFirewall/socketfilterfw";
const INSTALL_HISTORY: &str = "/Library/Receipts/InstallHistory.plist";
/// Where XProtect's bundle lives: macOS 10.15 and later, then macOS 15's updatable copy.
const BUNDLES: [&str; 2] = [
    "/Library/Apple/System/Library/CoreServices/XProtect.bundle/Contents/Info.plist",
    "/private/var/protected/xprotect/XProtect.bundle/Contents/Info.plist",
];

/// The application firewall (nothing when `socketfilterfw` does not answer).
pub(crate) fn firewall(probe: &Probe) -> Vec<FirewallState> {
    match probe.run(SOCKETFILTERFW, &["--getglobalstate"]) {
        Ok(out) => vec![firewall_state(&out)],
        Err(e) => {
            tracing::debug!(error = %e, "socketfilterfw");
            vec![]
        }
    }
}

/// XProtect's signatures: the newer of the last install and the bundle's files.
pub(crate) fn antivirus(probe: &Probe) -> antivirus::Readings {
    let install = probe
        .read_bytes(INSTALL_HISTORY)
        .ok()
        .and_then(|b| last_install(&b));
    let bundle = BUNDLES
        .iter()
        .filter_map(|path| {
            let version = bundle_version(&probe.read_bytes(path).ok()?)?;
            Some((version, modified(probe, path)?))
        })
        .max_by_key(|(_, date)| *date);
    let found = install.is_some() || bundle.is_some();
    antivirus::Readings {
        products: if found {
            vec!["XProtect".into()]
        } else {
            vec![]
        },
        signatures: xprotect_signatures(install, bundle),
        center: vec![],
    }
}

/// FileVault and the chassis (a Mac with a battery is a laptop), asked side by side.
pub(crate) fn encryption(probe: &Probe) -> encryption::Readings {
    let (vault, power) = std::thread::scope(|s| {
        let power = s.spawn(|| {
            probe
                .run("system_profiler", &["-nospawn", "SPPowerDataType"])
                .ok()
        });
        let vault = probe
            .run("fdesetup", &["status"])
            .ok()
            .and_then(|out| filevault(&out));
        (vault, power.join().ok().flatten())
    });
    encryption::Readings {
        chassis: power.and_then(|text| chassis(&parse_text(&text))),
        volumes: vault.map(|on| vec![("/".to_string(), on)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn xprotect_from_a_fixture_tree_and_nothing_without_macos_tools() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let fx = format!("{}/tests/fixtures/macos", env!("CARGO_MANIFEST_DIR"));
        std::fs::create_dir_all(root.join("Library/Receipts")).unwrap();
        std::fs::copy(
            format!("{fx}/InstallHistory.plist"),
            root.join("Library/Receipts/InstallHistory.plist"),
        )
        .unwrap();
        let probe = Probe::fixture(root, Utc::now());
        let av = antivirus(&probe);
        assert_eq!(av.products, ["XProtect"]);
        assert_eq!(av.signatures.unwrap().label, "XProtect 5287");
        // The bundle, just written: newer than the history, it wins.
        let bundle = root.join(&BUNDLES[0][1..]);
        std::fs::create_dir_all(bundle.parent().unwrap()).unwrap();
        std::fs::copy(format!("{fx}/XProtect-Info.plist"), &bundle).unwrap();
        assert_eq!(antivirus(&probe).signatures.unwrap().label, "XProtect 5284");
        // No command runs under a fixture probe: no firewall, no FileVault reading.
        assert!(firewall(&probe).is_empty());
        assert_eq!(encryption(&probe).volumes, None);
        let empty = tempfile::tempdir().unwrap();
        let none = antivirus(&Probe::fixture(empty.path(), Utc::now()));
        assert!(none.products.is_empty() && none.signatures.is_none());
    }
}
