//! The operating system and its local accounts.

use super::{wmi_datetime, WmiRecord};
use crate::model::{LocalUser, OperatingSystem};

/// `Win32_OperatingSystem` (plus `Win32_ComputerSystem` for the DNS domain) to the OS record.
///
/// `version` stays `None`: WMI has no marketing version (`22H2`); the fetch side reads it from
/// the registry (`DisplayVersion`) when it can.
pub fn operating_system(os: &WmiRecord, cs: Option<&WmiRecord>) -> OperatingSystem {
    let hostname = os
        .text("CSName")
        .or_else(|| cs.and_then(|c| c.text("DNSHostName").or_else(|| c.text("Name"))))
        .unwrap_or_default();
    let domain = cs
        .filter(|c| c.bool("PartOfDomain") == Some(true))
        .and_then(|c| c.text("Domain"));
    let fqdn = domain
        .as_ref()
        .filter(|_| !hostname.is_empty())
        .map(|d| format!("{}.{}", hostname.to_ascii_lowercase(), d));
    let caption = os.text("Caption").unwrap_or_default();
    OperatingSystem {
        kernel_name: "Windows".to_string(),
        kernel_version: os.text("Version"),
        name: if caption.is_empty() {
            "Windows".to_string()
        } else {
            caption.clone()
        },
        version: None,
        full_name: caption,
        arch: os
            .get("OSArchitecture")
            .map(os_arch)
            .unwrap_or_default()
            .to_string(),
        hostname,
        fqdn,
        dns_domain: domain,
        boot_time: os.get("LastBootUpTime").and_then(wmi_datetime),
        install_date: os.get("InstallDate").and_then(wmi_datetime),
        timezone: None,
        timezone_offset: os
            .get("CurrentTimeZone")
            .and_then(|m| m.parse::<i32>().ok())
            .map(|m| {
                format!(
                    "{}{:02}{:02}",
                    if m < 0 { '-' } else { '+' },
                    m.abs() / 60,
                    m.abs() % 60
                )
            }),
        service_pack: os.text("CSDVersion"),
        machine_id: None,
    }
}

/// `OSArchitecture` (`64-bit`, `32 bits` in French, `ARM 64-bit Processor`) to our arch names.
fn os_arch(a: &str) -> &'static str {
    let l = a.to_ascii_lowercase();
    if l.contains("arm") {
        if l.contains("64") {
            "aarch64"
        } else {
            "arm"
        }
    } else if l.contains("64") {
        "x86_64"
    } else if l.contains("32") {
        "x86"
    } else {
        ""
    }
}

/// `Win32_UserAccount` instances to local users.
///
/// Human: an enabled normal account (`SIDType=1`) with RID 500 (the built-in Administrator) or
/// ≥ 1000 (accounts people created); Guest (501) and service accounts (503, 504) are not.
pub fn users(records: &[WmiRecord]) -> Vec<LocalUser> {
    records
        .iter()
        .filter_map(|r| {
            let login = r.text("Name")?;
            let sid = r.text("SID").unwrap_or_default();
            let rid: u64 = sid
                .rsplit('-')
                .next()
                .and_then(|x| x.parse().ok())
                .unwrap_or(0);
            let human = r.u64("SIDType") == Some(1)
                && r.bool("Disabled") != Some(true)
                && (rid == 500 || rid >= 1000);
            Some(LocalUser {
                login,
                id: sid,
                full_name: r.text("FullName"),
                home: None,
                shell: None,
                human,
            })
        })
        .collect()
}
