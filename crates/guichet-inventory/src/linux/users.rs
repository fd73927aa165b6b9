//! Local user accounts and groups on Linux, from `/etc/passwd`, `/etc/group` and the regular
//! uid range of `/etc/login.defs` (all world-readable: no root needed). Accounts from
//! directory services (LDAP, SSSD) are not local and are not listed.

use crate::collect::{Section, SourceError};
use crate::model::Category;
use crate::parse::passwd;
use crate::probe::Probe;

/// Collects the `users` category.
pub fn collect(probe: &Probe) -> Result<Section, SourceError> {
    let mut section = Section::default();
    let range = probe
        .read("/etc/login.defs")
        .map(|t| passwd::parse_login_defs(&t))
        .unwrap_or_default();
    // Without /etc/passwd there is nothing to say about users: the category failed.
    let entries = passwd::parse_passwd(&probe.read("/etc/passwd")?, range);
    match probe.read("/etc/group") {
        Ok(text) => section.found.groups = passwd::parse_group(&text, &entries),
        Err(e) => section.error(Category::Users, "/etc/group", e),
    }
    section.found.users = entries.into_iter().map(|e| e.user).collect();
    Ok(section)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::fake_root::t0;

    use std::fs;

    #[test]
    fn login_defs_range_decides_who_is_human() {
        let dir = tempfile::tempdir().unwrap();
        let etc = dir.path().join("etc");
        fs::create_dir_all(&etc).unwrap();
        fs::write(
            etc.join("passwd"),
            "root:x:0:0:root:/root:/bin/bash\nann:x:500:500:Ann Lee,,,:/home/ann:/bin/zsh\n",
        )
        .unwrap();
        fs::write(etc.join("group"), "root:x:0:\nann:x:500:\nwheel:x:10:ann\n").unwrap();
        // Old Red Hat range: regular users from 500.
        fs::write(etc.join("login.defs"), "UID_MIN 500\nUID_MAX 60000\n").unwrap();
        let s = collect(&Probe::fixture(dir.path(), t0())).unwrap();
        assert!(s.errors.is_empty());
        assert_eq!(s.found.users.len(), 2);
        assert!(s.found.users[1].human);
        assert_eq!(s.found.users[1].full_name.as_deref(), Some("Ann Lee"));
        assert_eq!(s.found.groups[2].members, ["ann"]);
        // Without login.defs the default range (1000..) makes ann a system account.
        fs::remove_file(etc.join("login.defs")).unwrap();
        let s = collect(&Probe::fixture(dir.path(), t0())).unwrap();
        assert!(!s.found.users[1].human);
    }

    #[test]
    fn missing_group_file_keeps_users() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("etc")).unwrap();
        fs::write(
            dir.path().join("etc/passwd"),
            "root:x:0:0:root:/root:/bin/bash\n",
        )
        .unwrap();
        let s = collect(&Probe::fixture(dir.path(), t0())).unwrap();
        assert_eq!(s.found.users.len(), 1);
        assert_eq!(s.errors.len(), 1);
        assert_eq!(s.errors[0].source.as_deref(), Some("/etc/group"));
        let empty = tempfile::tempdir().unwrap();
        assert!(collect(&Probe::fixture(empty.path(), t0())).is_err());
    }

    #[test]
    fn host_users_match_etc_passwd() {
        let probe = Probe::system(t0(), std::time::Duration::from_secs(5));
        let Ok(text) = std::fs::read_to_string("/etc/passwd") else {
            return;
        };
        let s = collect(&probe).unwrap();
        let lines = text
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with(['#', '+', '-']))
            .count();
        assert_eq!(s.found.users.len(), lines);
        assert!(s
            .found
            .users
            .iter()
            .any(|u| u.login == "root" && u.id == "0"));
    }
}
