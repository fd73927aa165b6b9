//! Local accounts, installed software and security products.

use chrono::FixedOffset;
use serde_json::Value;

use super::{b, local_datetime, n, s, text, Obj};
use crate::model::{LocalGroup, LocalUser, SecurityKind, SecurityProduct, Software};

/// `local_users` entries to accounts (GLPI does not say which are people's).
pub(super) fn users(entries: Vec<&Obj>) -> Vec<LocalUser> {
    entries
        .into_iter()
        .map(|u| LocalUser {
            login: s(u, "login").unwrap_or_default(),
            id: s(u, "id").unwrap_or_default(),
            full_name: s(u, "name"),
            home: s(u, "home"),
            shell: s(u, "shell"),
            human: false,
        })
        .collect()
}

/// `local_groups` entries to groups, members as a list or a single value.
pub(super) fn groups(entries: Vec<&Obj>) -> Vec<LocalGroup> {
    entries
        .into_iter()
        .map(|g| LocalGroup {
            name: s(g, "name").unwrap_or_default(),
            id: s(g, "id").unwrap_or_default(),
            members: match g.get("members").or_else(|| g.get("member")) {
                Some(Value::Array(items)) => items.iter().filter_map(text).collect(),
                Some(one) => text(one).into_iter().collect(),
                None => Vec::new(),
            },
        })
        .collect()
}

/// `softwares` entries with a name to software; install dates are local times.
pub(super) fn software(entries: Vec<&Obj>, offset: Option<FixedOffset>) -> Vec<Software> {
    entries
        .into_iter()
        .filter_map(|p| {
            Some(Software {
                name: s(p, "name")?,
                version: s(p, "version"),
                arch: s(p, "arch"),
                publisher: s(p, "publisher"),
                install_date: s(p, "install_date")
                    .or_else(|| s(p, "installdate"))
                    .and_then(|d| local_datetime(&d, offset)),
                size_bytes: n(p, "filesize"),
                source: match s(p, "from").as_deref() {
                    Some("deb") => "dpkg".to_string(),
                    Some(other) => other.to_string(),
                    None => "glpi".to_string(),
                },
                summary: s(p, "comments"),
                category: s(p, "system_category"),
                url: s(p, "url_info_about").or_else(|| s(p, "helplink")),
                guid: s(p, "guid"),
                uninstall_string: s(p, "uninstall_string"),
                folder: s(p, "folder"),
            })
        })
        .collect()
}

/// `antivirus` entries, then firewall entries, to security products.
pub(super) fn security(antivirus: Vec<&Obj>, firewalls: Vec<&Obj>) -> Vec<SecurityProduct> {
    let mut out = Vec::new();
    for a in antivirus {
        out.push(SecurityProduct {
            kind: SecurityKind::Antivirus,
            name: s(a, "name").unwrap_or_default(),
            publisher: s(a, "company"),
            version: s(a, "version"),
            enabled: b(a, "enabled"),
            up_to_date: b(a, "uptodate"),
            signature_version: s(a, "base_version"),
        });
    }
    for f in firewalls {
        out.push(SecurityProduct {
            kind: SecurityKind::Firewall,
            name: s(f, "name").unwrap_or_else(|| "firewall".into()),
            enabled: match s(f, "status").as_deref() {
                Some("on") => Some(true),
                Some("off") => Some(false),
                _ => None,
            },
            ..Default::default()
        });
    }
    out
}
