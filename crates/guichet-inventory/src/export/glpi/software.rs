//! Local accounts, installed software and security products (antivirus, firewalls).

use super::{date, Obj};
use crate::model::{Inventory, SecurityKind, SecurityProduct, Software};
use chrono::FixedOffset;
use serde_json::{Map, Value};

pub(super) fn local_users(inv: &Inventory) -> Vec<Map<String, Value>> {
    inv.users
        .iter()
        .map(|u| {
            let mut o = Obj::default();
            o.s("login", Some(&u.login))
                .s("name", u.full_name.as_deref())
                .s("home", u.home.as_deref())
                .s("shell", u.shell.as_deref());
            let mut map = o.done();
            // Required by the schema.
            map.insert("id".into(), u.id.trim().into());
            map
        })
        .collect()
}

pub(super) fn local_groups(inv: &Inventory) -> Vec<Map<String, Value>> {
    inv.groups
        .iter()
        .map(|g| {
            let mut map = Map::new();
            map.insert("id".into(), g.id.trim().into());
            map.insert("name".into(), g.name.trim().into());
            if !g.members.is_empty() {
                map.insert(
                    "members".into(),
                    g.members.iter().map(|m| Value::from(m.trim())).collect(),
                );
            }
            map
        })
        .collect()
}

/// GLPI Agent's `from` names: `deb` for dpkg, the source's own name otherwise.
fn software_from(source: &str) -> &str {
    match source.trim() {
        "dpkg" => "deb",
        other => other,
    }
}

pub(super) fn software(s: &Software, offset: Option<FixedOffset>) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("name", Some(&s.name))
        .s("version", s.version.as_deref())
        .s("arch", s.arch.as_deref())
        .s("publisher", s.publisher.as_deref())
        // A date, as GLPI Agent sends it: GLPI stores the install date in a DATE column.
        .s(
            "install_date",
            s.install_date.map(|t| date(t, offset)).as_deref(),
        )
        .n("filesize", s.size_bytes)
        .s("from", Some(software_from(&s.source)))
        .s("comments", s.summary.as_deref())
        .s("system_category", s.category.as_deref())
        .s("url_info_about", s.url.as_deref())
        .s("guid", s.guid.as_deref())
        .s("uninstall_string", s.uninstall_string.as_deref())
        .s("folder", s.folder.as_deref());
    o.done()
}

pub(super) fn security(
    inv: &Inventory,
    kind: SecurityKind,
    map: fn(&SecurityProduct) -> Map<String, Value>,
) -> Vec<Map<String, Value>> {
    inv.security
        .iter()
        .filter(|p| p.kind == kind)
        .map(map)
        .collect()
}

pub(super) fn antivirus(p: &SecurityProduct) -> Map<String, Value> {
    let mut o = Obj::default();
    o.s("name", Some(&p.name))
        .s("company", p.publisher.as_deref())
        .s("version", p.version.as_deref())
        .b("enabled", p.enabled)
        .b("uptodate", p.up_to_date)
        .s("base_version", p.signature_version.as_deref());
    o.done()
}

/// GLPI's firewall record has no product name, only a (required) status: `on`/`off` as GLPI Agent
/// sends them, `unknown` when the state could not be read.
pub(super) fn firewall(p: &SecurityProduct) -> Map<String, Value> {
    let status = match p.enabled {
        Some(true) => "on",
        Some(false) => "off",
        None => "unknown",
    };
    let mut map = Map::new();
    map.insert("status".into(), status.into());
    map
}
