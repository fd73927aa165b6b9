//! Whether the system waits for a reboot: Debian/Ubuntu's flag file `/run/reboot-required`
//! (written by package hooks, with `reboot-required.pkgs` naming the packages, one a line),
//! or a kernel installed that is newer than the running one.

use std::cmp::Ordering;

use super::version::compare_versions;

/// What the system says about rebooting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebootRequired {
    /// Whether a reboot is required.
    pub required: bool,
    /// Why: the packages that asked for it, or the newer kernel (`kernel 6.1.0-30-amd64`).
    pub because: Vec<String>,
}

/// No reboot required.
pub fn not_required() -> RebootRequired {
    RebootRequired {
        required: false,
        because: vec![],
    }
}

/// The flag file exists: a reboot is required, for the packages of `pkgs` (deduplicated, in
/// order; the file may name a package twice).
pub fn from_flag(pkgs: &str) -> RebootRequired {
    let mut because: Vec<String> = Vec::new();
    for p in pkgs.lines().map(str::trim).filter(|p| !p.is_empty()) {
        if !because.iter().any(|b| b == p) {
            because.push(p.to_string());
        }
    }
    RebootRequired {
        required: true,
        because,
    }
}

/// From the running kernel's release and the folders of `/lib/modules`: `None` when the
/// running kernel has no folder there (a container, or a kernel booted from elsewhere: the
/// installed ones then say nothing about it); required when a newer one is installed.
pub fn from_kernels(running: &str, installed: &[String]) -> Option<RebootRequired> {
    let running = running.trim();
    if !installed.iter().any(|k| k == running) {
        return None;
    }
    let newest = installed
        .iter()
        .max_by(|a, b| compare_versions(a, b))
        .filter(|k| compare_versions(k, running) == Ordering::Greater);
    Some(match newest {
        Some(k) => RebootRequired {
            required: true,
            because: vec![format!("kernel {k}")],
        },
        None => not_required(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reboot");

    #[test]
    fn ubuntu_flag_with_its_packages() {
        let pkgs = std::fs::read_to_string(format!("{DIR}/reboot-required.pkgs")).unwrap();
        let r = from_flag(&pkgs);
        assert!(r.required);
        assert_eq!(r.because, ["linux-image-6.8.0-51-generic", "linux-base"]);
        assert_eq!(from_flag("").because, Vec::<String>::new());
    }

    #[test]
    fn a_newer_kernel_beside_the_running_one() {
        let dirs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let installed = dirs(&["6.1.0-28-amd64", "6.1.0-30-amd64"]);
        let r = from_kernels("6.1.0-28-amd64\n", &installed).unwrap();
        assert!(r.required);
        assert_eq!(r.because, ["kernel 6.1.0-30-amd64"]);
        assert!(!from_kernels("6.1.0-30-amd64", &installed).unwrap().required);
        // Fedora's naming, numbers compared as numbers.
        let fedora = dirs(&["6.11.9-300.fc41.x86_64", "6.12.10-200.fc41.x86_64"]);
        assert!(
            from_kernels("6.11.9-300.fc41.x86_64", &fedora)
                .unwrap()
                .required
        );
        // A container: the host's kernel is not among the installed ones.
        assert_eq!(from_kernels("6.18.44-host", &installed), None);
    }
}
