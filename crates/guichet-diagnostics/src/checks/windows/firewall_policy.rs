//! The firewall's state per profile as Windows applies it: a Group Policy setting
//! (`HKLM\SOFTWARE\Policies\Microsoft\WindowsFirewall\<Profile>`, `EnableFirewall`) wins over
//! the local one (`HKLM\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\
//! FirewallPolicy\<Profile>`, parsed by the inventory). Both keys are readable by users, and
//! `reg export` answers in a few tens of milliseconds. When they cannot be read, the fetch asks
//! `Get-NetFirewallProfile -PolicyStore ActiveStore` (the applied state, slower: PowerShell).

use guichet_inventory::parse::windows::registry::RegFile;
use serde::Deserialize;

use crate::checks::firewall::FirewallState;

/// The local store calls the private profile `StandardProfile`; policies and PowerShell say
/// `PrivateProfile` / `Private`. One name for the same profile: the local store's.
fn profile_name(name: &str) -> String {
    let base = name.strip_suffix("Profile").unwrap_or(name);
    match base.to_ascii_lowercase().as_str() {
        "private" | "standard" => "StandardProfile".into(),
        "domain" => "DomainProfile".into(),
        "public" => "PublicProfile".into(),
        _ => format!("{base}Profile"),
    }
}

/// The profiles a Group Policy export sets (`EnableFirewall` under `WindowsFirewall\<Profile>`),
/// named as the local store names them; profiles the policy leaves alone are absent.
pub(crate) fn policy_profiles(reg: &RegFile) -> Vec<(String, bool)> {
    reg.keys
        .iter()
        .filter(|k| !k.deleted)
        .filter(|k| {
            let parent = k.path.rsplit('\\').nth(1).unwrap_or("");
            parent.eq_ignore_ascii_case("WindowsFirewall") && k.name().ends_with("Profile")
        })
        .filter_map(|k| {
            let on = k.value("EnableFirewall")?.as_u64()?;
            Some((profile_name(k.name()), on != 0))
        })
        .collect()
}

/// Each profile's applied state: the policy's when it sets one, else the local one.
pub(crate) fn effective_profiles(
    local: &[(String, bool)],
    policy: &[(String, bool)],
) -> Vec<FirewallState> {
    let mut names: Vec<String> = local.iter().map(|(n, _)| profile_name(n)).collect();
    for (n, _) in policy {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    names
        .into_iter()
        .map(|name| {
            let find = |list: &[(String, bool)]| {
                list.iter()
                    .find(|(n, _)| profile_name(n) == name)
                    .map(|(_, on)| *on)
            };
            FirewallState {
                on: find(policy).or_else(|| find(local)),
                name: format!("Windows {name}"),
            }
        })
        .collect()
}

#[derive(Deserialize)]
struct NetProfile {
    name: String,
    /// `GpoBoolean` cast to its name by the script: `True`, `False` (`NotConfigured` does not
    /// occur in the active store).
    enabled: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<NetProfile>),
    One(NetProfile),
}

/// The profiles printed by the fallback script (`Get-NetFirewallProfile -PolicyStore
/// ActiveStore`, each as `{name, enabled}`; `ConvertTo-Json` prints one object alone
/// without the array). `None` when the output is not that.
pub(crate) fn from_net_firewall_json(text: &str) -> Option<Vec<FirewallState>> {
    let profiles = match serde_json::from_str::<OneOrMany>(super::json_text(text)).ok()? {
        OneOrMany::Many(v) => v,
        OneOrMany::One(p) => vec![p],
    };
    let states = profiles
        .into_iter()
        .map(|p| FirewallState {
            name: format!("Windows {}", profile_name(&p.name)),
            on: match p.enabled.as_str() {
                "True" | "1" => Some(true),
                "False" | "0" => Some(false),
                _ => None,
            },
        })
        .collect::<Vec<_>>();
    (!states.is_empty()).then_some(states)
}

/// The fallback script: the applied state of each profile, as JSON.
pub(crate) const NET_FIREWALL_SCRIPT: &str = "$ErrorActionPreference='SilentlyContinue';\
[Console]::OutputEncoding=[Text.Encoding]::UTF8;\
@(Get-NetFirewallProfile -PolicyStore ActiveStore | ForEach-Object {\
@{name=[string]$_.Name; enabled=[string]$_.Enabled}}) | ConvertTo-Json -Compress";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::firewall::{evaluate, from_windows_registry};
    use guichet_inventory::parse::windows::registry::parse_reg;
    use guichet_inventory::parse::windows::security::firewall_profiles;
    use guichet_records::CheckStatus;

    fn fixture(name: &str) -> Vec<u8> {
        crate::checks::recorded::fixture_bytes(&format!("windows/{name}"))
    }

    /// A profile's export recorded by GLPI Agent (`reg export` of the local store's key).
    fn recorded(name: &str) -> RegFile {
        let path = format!(
            "{}/../../third-party/glpi-agent-fixtures/resources/win32/registry/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        parse_reg(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
    }

    const PROFILES: [&str; 3] = ["DomainProfile", "StandardProfile", "PublicProfile"];

    fn local(prefix: &str) -> Vec<(String, bool)> {
        PROFILES
            .iter()
            .flat_map(|p| firewall_profiles(&recorded(&format!("{prefix}-{p}.reg"))))
            .collect()
    }

    #[test]
    fn a_group_policy_turning_the_firewall_on_wins_over_recorded_windows_7_profiles_off() {
        let off = local("7_firewall");
        assert!(off.iter().all(|(_, on)| !on), "{off:?}");
        let policy = policy_profiles(&parse_reg(&fixture("policy-WindowsFirewall.reg")).unwrap());
        assert_eq!(
            policy,
            [
                ("DomainProfile".to_string(), true),
                ("StandardProfile".to_string(), true)
            ]
        );
        let applied = effective_profiles(&off, &policy);
        let names: Vec<(&str, Option<bool>)> =
            applied.iter().map(|s| (s.name.as_str(), s.on)).collect();
        assert_eq!(
            names,
            [
                ("Windows DomainProfile", Some(true)),
                ("Windows StandardProfile", Some(true)),
                ("Windows PublicProfile", Some(false)),
            ]
        );
        // The public profile is still off locally and the policy does not set it: warning.
        assert_eq!(evaluate(&applied)[0].status, CheckStatus::Warning);
    }

    #[test]
    fn without_a_policy_the_recorded_windows_10_profiles_are_what_applies() {
        let on = local("10");
        let applied = effective_profiles(&on, &[]);
        let reg: Vec<FirewallState> = PROFILES
            .iter()
            .flat_map(|p| from_windows_registry(&recorded(&format!("10-{p}.reg"))))
            .collect();
        assert_eq!(applied, reg);
        assert_eq!(evaluate(&applied)[0].status, CheckStatus::Ok);
    }

    #[test]
    fn get_net_firewall_profile_json_one_profile_off_and_a_single_object() {
        let text = String::from_utf8(fixture("Get-NetFirewallProfile.json")).unwrap();
        let states = from_net_firewall_json(&text).unwrap();
        let got: Vec<(&str, Option<bool>)> =
            states.iter().map(|s| (s.name.as_str(), s.on)).collect();
        assert_eq!(
            got,
            [
                ("Windows DomainProfile", Some(true)),
                ("Windows StandardProfile", Some(true)),
                ("Windows PublicProfile", Some(false)),
            ]
        );
        assert_eq!(evaluate(&states)[0].status, CheckStatus::Warning);
        let one =
            from_net_firewall_json("\u{feff}{\"name\":\"Public\",\"enabled\":\"True\"}").unwrap();
        assert_eq!(one[0].on, Some(true));
        assert!(from_net_firewall_json("").is_none());
    }
}
