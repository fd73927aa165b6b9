//! Local accounts: `/etc/passwd`, `/etc/group` and the UID range of `/etc/login.defs`.
//!
//! A human account has a uid in `[UID_MIN, UID_MAX]` (the range `useradd` allocates regular
//! users from; 1000..=60000 when login.defs does not say) and a shell one can log in with
//! (not `nologin`, `false`, `sync`…). Group members are the supplementary members listed in
//! `/etc/group` plus the users whose primary group it is, which `/etc/group` never lists.

use crate::model::{LocalGroup, LocalUser};

/// The uid range of regular users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UidRange {
    /// Lowest uid of a regular user (`UID_MIN`).
    pub min: u32,
    /// Highest uid of a regular user (`UID_MAX`).
    pub max: u32,
}

impl Default for UidRange {
    /// shadow-utils' defaults.
    fn default() -> Self {
        UidRange {
            min: 1000,
            max: 60000,
        }
    }
}

/// Reads `UID_MIN` / `UID_MAX` from `/etc/login.defs`, falling back to the defaults.
pub fn parse_login_defs(text: &str) -> UidRange {
    let mut r = UidRange::default();
    for line in text.lines() {
        let mut f = line.split_whitespace();
        let (Some(k), Some(v)) = (f.next(), f.next()) else {
            continue;
        };
        let Ok(n) = v.parse::<u32>() else { continue };
        match k {
            "UID_MIN" => r.min = n,
            "UID_MAX" => r.max = n,
            _ => {}
        }
    }
    r
}

/// A passwd entry with its primary gid (needed to fill group members).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswdEntry {
    /// The account record.
    pub user: LocalUser,
    /// Primary group id.
    pub gid: u32,
}

/// Whether a login shell lets the account log in.
pub fn is_login_shell(shell: &str) -> bool {
    let base = shell.rsplit('/').next().unwrap_or(shell);
    !shell.trim().is_empty()
        && !matches!(
            base,
            "nologin" | "false" | "true" | "sync" | "shutdown" | "halt"
        )
}

/// Parses `/etc/passwd` (`login:x:uid:gid:gecos:home:shell`). NIS compat lines (`+`, `-`)
/// and malformed lines are skipped.
pub fn parse_passwd(text: &str, range: UidRange) -> Vec<PasswdEntry> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with(['#', '+', '-']) || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(':').collect();
        if f.len() < 7 {
            continue;
        }
        let (Ok(uid), Ok(gid)) = (f[2].parse::<u32>(), f[3].parse::<u32>()) else {
            continue;
        };
        // GECOS is "Full Name,Room,Work phone,Home phone,Other": the name is the first field.
        let full_name = f[4]
            .split(',')
            .next()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let shell = f[6].trim();
        let human = (range.min..=range.max).contains(&uid) && is_login_shell(shell);
        out.push(PasswdEntry {
            user: LocalUser {
                login: f[0].to_string(),
                id: uid.to_string(),
                full_name: full_name.map(str::to_string),
                home: (!f[5].is_empty()).then(|| f[5].to_string()),
                shell: (!shell.is_empty()).then(|| shell.to_string()),
                human,
            },
            gid,
        });
    }
    out
}

/// Parses `/etc/group` (`name:x:gid:member,member`) and adds to each group the users whose
/// primary group it is, members sorted and without duplicates.
pub fn parse_group(text: &str, users: &[PasswdEntry]) -> Vec<LocalGroup> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with(['#', '+', '-']) || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(':').collect();
        if f.len() < 3 {
            continue;
        }
        let Ok(gid) = f[2].parse::<u32>() else {
            continue;
        };
        let mut members: Vec<String> = f
            .get(3)
            .map(|m| {
                m.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        members.extend(
            users
                .iter()
                .filter(|u| u.gid == gid)
                .map(|u| u.user.login.clone()),
        );
        members.sort();
        members.dedup();
        out.push(LocalGroup {
            name: f[0].to_string(),
            id: gid.to_string(),
            members,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! fixture {
        ($f:literal) => {
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/passwd/",
                $f
            ))
        };
    }

    #[test]
    fn login_defs_of_debian_12() {
        assert_eq!(
            parse_login_defs(fixture!("login.defs")),
            UidRange {
                min: 1000,
                max: 60000
            }
        );
        assert_eq!(
            parse_login_defs("UID_MIN 500\n"),
            UidRange {
                min: 500,
                max: 60000
            }
        );
    }

    #[test]
    fn passwd_humans_and_gecos() {
        let p = parse_passwd(fixture!("passwd"), UidRange::default());
        assert_eq!(p.len(), 25);
        let root = &p[0].user;
        assert_eq!(root.login, "root");
        assert_eq!(root.id, "0");
        assert_eq!(root.shell.as_deref(), Some("/bin/bash"));
        assert!(!root.human, "uid 0 is below UID_MIN");
        let humans: Vec<_> = p.iter().filter(|e| e.user.human).map(|e| &e.user).collect();
        assert_eq!(humans.len(), 1);
        assert_eq!(humans[0].login, "cloudsdk");
        assert_eq!(humans[0].id, "1000");
        assert_eq!(humans[0].full_name, None, "empty GECOS");
        assert_eq!(humans[0].home.as_deref(), Some("/home/cloudsdk"));
        // postgres has a real shell but a system uid; its GECOS has empty trailing fields.
        let pg = p.iter().find(|e| e.user.login == "postgres").unwrap();
        assert!(!pg.user.human);
        assert_eq!(
            pg.user.full_name.as_deref(),
            Some("PostgreSQL administrator")
        );
        let nobody = p.iter().find(|e| e.user.login == "nobody").unwrap();
        assert!(!nobody.user.human);
        assert_eq!(nobody.gid, 65534);
    }

    #[test]
    fn shells_that_do_not_log_in() {
        assert!(!is_login_shell("/usr/sbin/nologin"));
        assert!(!is_login_shell("/bin/false"));
        assert!(!is_login_shell("/bin/sync"));
        assert!(!is_login_shell(""));
        assert!(is_login_shell("/usr/bin/zsh"));
    }

    #[test]
    fn group_members_include_primary_users() {
        let users = parse_passwd(fixture!("passwd"), UidRange::default());
        let g = parse_group(fixture!("group"), &users);
        assert_eq!(g.len(), 48);
        let find = |n: &str| g.iter().find(|g| g.name == n).unwrap();
        // Supplementary member listed in /etc/group.
        assert_eq!(find("ssl-cert").members, ["postgres"]);
        // Primary-group members, which /etc/group does not list.
        assert_eq!(find("cloudsdk").members, ["cloudsdk"]);
        assert_eq!(find("nogroup").members, ["_apt", "nobody", "sync"]);
        assert_eq!(find("root").members, ["root"]);
        assert!(find("sudo").members.is_empty());
        assert_eq!(find("users").id, "100");
    }
}
