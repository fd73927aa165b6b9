//! What runs on the machine: operating system, accounts, software, security products and
//! virtualization.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Operating system record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatingSystem {
    /// OS family/kernel name: `Linux`, `Windows`, `Darwin`.
    pub kernel_name: String,
    /// Kernel release, e.g. `6.1.0-18-amd64` (Linux) or `10.0.19045` (Windows).
    pub kernel_version: Option<String>,
    /// Distribution or product name, e.g. `Debian GNU/Linux`.
    pub name: String,
    /// Distribution version, e.g. `12` or `22H2`.
    pub version: Option<String>,
    /// Full human name, e.g. `Debian GNU/Linux 12 (bookworm)`.
    pub full_name: String,
    /// Machine architecture, e.g. `x86_64`.
    pub arch: String,
    /// Short host name.
    pub hostname: String,
    /// Fully qualified domain name, when resolvable.
    pub fqdn: Option<String>,
    /// DNS domain (the FQDN minus the host name).
    pub dns_domain: Option<String>,
    /// Last boot time (UTC).
    pub boot_time: Option<DateTime<Utc>>,
    /// When the OS was installed (UTC), best effort.
    pub install_date: Option<DateTime<Utc>>,
    /// IANA time zone name, e.g. `Europe/Paris`.
    pub timezone: Option<String>,
    /// Offset of local time from UTC, e.g. `+0100`.
    pub timezone_offset: Option<String>,
    /// Windows service pack or build revision, where the OS has one.
    pub service_pack: Option<String>,
    /// Machine id (`/etc/machine-id`, Windows MachineGuid…).
    pub machine_id: Option<String>,
}

/// One local user account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalUser {
    /// Login name.
    pub login: String,
    /// Numeric uid (Linux) or SID (Windows).
    pub id: String,
    /// Full name (GECOS).
    pub full_name: Option<String>,
    /// Home directory.
    pub home: Option<String>,
    /// Login shell.
    pub shell: Option<String>,
    /// Human account (uid in the login range with a real shell) rather than a system account.
    pub human: bool,
}

/// One local group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalGroup {
    /// Group name.
    pub name: String,
    /// Numeric gid or SID.
    pub id: String,
    /// Member logins.
    pub members: Vec<String>,
}

/// One installed software package.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Software {
    /// Package or product name.
    pub name: String,
    /// Version string as the source gives it.
    pub version: Option<String>,
    /// Architecture, e.g. `amd64`, `x86_64`, `noarch`.
    pub arch: Option<String>,
    /// Publisher, maintainer, vendor or origin.
    pub publisher: Option<String>,
    /// Install date (UTC), when the source records one.
    pub install_date: Option<DateTime<Utc>>,
    /// Installed size, bytes.
    pub size_bytes: Option<u64>,
    /// Package source: `dpkg`, `rpm`, `pacman`, `flatpak`, `snap`, `nix`, `registry`, `system_profiler`…
    pub source: String,
    /// Short description.
    pub summary: Option<String>,
    /// Section or category (e.g. dpkg section, `system` for OS components).
    pub category: Option<String>,
    /// Home page.
    pub url: Option<String>,
    /// Windows product GUID or package id.
    pub guid: Option<String>,
    /// Windows uninstall command.
    pub uninstall_string: Option<String>,
    /// Install folder.
    pub folder: Option<String>,
}

/// An antivirus or firewall product.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityProduct {
    /// `antivirus` or `firewall`.
    pub kind: SecurityKind,
    /// Product name, e.g. `ufw`, `firewalld`, `ClamAV`, `Windows Defender`.
    pub name: String,
    /// Publisher.
    pub publisher: Option<String>,
    /// Version.
    pub version: Option<String>,
    /// Whether it is active now.
    pub enabled: Option<bool>,
    /// Whether signatures are up to date (antivirus).
    pub up_to_date: Option<bool>,
    /// Signature database version (antivirus).
    pub signature_version: Option<String>,
}

/// Kind of security product.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityKind {
    /// Antivirus / anti-malware.
    #[default]
    Antivirus,
    /// Host firewall.
    Firewall,
}

/// What this machine runs under.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Virtualization {
    /// `physical`, `vm` or `container`.
    pub role: String,
    /// Hypervisor, e.g. `kvm`, `vmware`, `hyperv`, `virtualbox`, `xen`; `None` when physical.
    pub hypervisor: Option<String>,
    /// Container runtime, e.g. `docker`, `podman`, `lxc`, `systemd-nspawn`, `wsl`.
    pub container: Option<String>,
}
