//! The systemd units of the scheduled agent, generated from options by a pure function.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{AgentError, CREDENTIALS_DIR};

/// File name of the service unit.
pub const SERVICE_NAME: &str = "guichet-agent.service";
/// File name of the timer unit.
pub const TIMER_NAME: &str = "guichet-agent.timer";

/// Which systemd manager runs the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The user's own manager (`systemctl --user`): runs while the user's manager runs, no root
    /// needed; hardware details that need root (DMI serials) are not collected.
    User,
    /// The system manager: runs as root, at boot, whoever is logged in.
    System,
}

impl Scope {
    /// Stable name: `user`, `system`.
    pub fn name(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::System => "system",
        }
    }
}

/// What the units say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOptions {
    /// The `guichet` executable (absolute).
    pub executable: PathBuf,
    /// The data directory the runs use (absolute): for the user, the same store as the
    /// command that installed them; for the system, the system agent's own store, whose
    /// `credentials/` the service loads.
    pub data_dir: PathBuf,
    /// systemd calendar expression (`OnCalendar=`): `daily`, `hourly`, `Mon..Fri 08:30`…
    pub on_calendar: String,
    /// Delay after boot before the first run, seconds (`OnBootSec=`).
    pub on_boot_secs: u64,
    /// Random extra delay, seconds (`RandomizedDelaySec=`).
    pub random_delay_secs: u64,
    /// User or system manager.
    pub scope: Scope,
}

/// The text of both units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Units {
    /// `guichet-agent.service`.
    pub service: String,
    /// `guichet-agent.timer`.
    pub timer: String,
}

/// Quotes one word of an `ExecStart=` line: inside double quotes, `\` and `"` are escaped, `%`
/// is doubled (systemd specifiers) and `$` too (environment expansion).
fn exec_word(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '%' => out.push_str("%%"),
            '$' => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn path_text(what: &str, p: &Path) -> Result<String, AgentError> {
    if !p.is_absolute() {
        return Err(AgentError::Invalid(format!(
            "the {what} must be an absolute path, not {}",
            p.display()
        )));
    }
    let s = p
        .to_str()
        .ok_or_else(|| AgentError::Invalid(format!("the {what} {} is not UTF-8", p.display())))?;
    if s.chars().any(char::is_control) {
        return Err(AgentError::Invalid(format!(
            "the {what} contains control characters"
        )));
    }
    Ok(s.to_string())
}

/// The service and timer units for `o`. Pure: the same options always give the same text.
pub fn units(o: &UnitOptions) -> Result<Units, AgentError> {
    let exe = path_text("executable", &o.executable)?;
    let data = path_text("data directory", &o.data_dir)?;
    let cal = o.on_calendar.trim();
    if cal.is_empty() || cal.chars().any(char::is_control) {
        return Err(AgentError::Invalid(
            "--on-calendar needs a systemd calendar expression such as `daily` or `*-*-* 08:30`"
                .into(),
        ));
    }
    // Both managers have a `timers.target`; the scope only changes where the files go.
    let wanted_by = "timers.target";
    let service = format!(
        "# Written by `guichet agent install`; remove with `guichet agent uninstall`.
[Unit]
Description=Guichet agent: inventory this machine and sync with the service desk
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart={} --data-dir {} agent run
Environment=GUICHET_LOG=info
Nice=10
IOSchedulingClass=idle
TimeoutStartSec=30min
",
        exec_word(&exe),
        exec_word(&data)
    ) + &match o.scope {
        Scope::User => String::new(),
        Scope::System => system_lines(&data),
    };
    let timer = format!(
        "# Written by `guichet agent install`; remove with `guichet agent uninstall`.
[Unit]
Description=Run the Guichet agent on a schedule and at boot

[Timer]
OnCalendar={cal}
OnBootSec={}
RandomizedDelaySec={}
Persistent=true
Unit={SERVICE_NAME}

[Install]
WantedBy={wanted_by}
",
        o.on_boot_secs, o.random_delay_secs
    );
    Ok(Units { service, timer })
}

/// What only the system service says: its secrets are the encrypted credentials of its store,
/// which systemd decrypts into `$CREDENTIALS_DIRECTORY` for each run (one credential per file,
/// named `guichet_<file>`), and what it writes is for root only.
fn system_lines(data: &str) -> String {
    // In a unit file `%` starts a specifier; the rest of the line is the path as it is.
    let dir = format!("{data}/{CREDENTIALS_DIR}").replace('%', "%%");
    format!("LoadCredentialEncrypted=guichet:{dir}\nUMask=0077\n")
}

/// Where units of `scope` go: `/etc/systemd/system`, or the user's
/// `$XDG_CONFIG_HOME/systemd/user` (`~/.config/systemd/user`). `env` reads an environment
/// variable (passed in so tests do not depend on the process environment).
pub fn unit_dir(scope: Scope, env: impl Fn(&str) -> Option<String>) -> Result<PathBuf, AgentError> {
    match scope {
        Scope::System => Ok(PathBuf::from("/etc/systemd/system")),
        Scope::User => {
            let base = env("XDG_CONFIG_HOME")
                .filter(|s| Path::new(s).is_absolute())
                .map(PathBuf::from)
                .or_else(|| {
                    env("HOME")
                        .filter(|s| !s.is_empty())
                        .map(|h| Path::new(&h).join(".config"))
                })
                .ok_or(AgentError::NoConfigDir)?;
            Ok(base.join("systemd").join("user"))
        }
    }
}

/// Reads a time span as systemd writes them: a sequence of numbers with units (`s`, `sec`,
/// `m`, `min`, `h`, `hr`, `d`, `day(s)`), e.g. `90s`, `15min`, `1h30min`; a bare number is
/// seconds. Returns seconds.
pub fn parse_duration(s: &str) -> Result<u64, AgentError> {
    let bad = || {
        AgentError::Invalid(format!(
            "`{s}` is not a duration (examples: 90s, 15min, 2h, 1h30min)"
        ))
    };
    let t = s.trim();
    if t.is_empty() {
        return Err(bad());
    }
    if let Ok(n) = t.parse::<u64>() {
        return Ok(n);
    }
    let mut total: u64 = 0;
    let mut rest = t;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return Err(bad());
        }
        let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = rest[digits..].trim_start();
        let unit_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
        let factor = match &rest[..unit_len] {
            "" | "s" | "sec" | "secs" | "second" | "seconds" => 1,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "h" | "hr" | "hour" | "hours" => 3600,
            "d" | "day" | "days" => 86_400,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total = n
            .checked_mul(factor)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> UnitOptions {
        UnitOptions {
            executable: "/usr/bin/guichet".into(),
            data_dir: "/var/lib/guichet".into(),
            on_calendar: "daily".into(),
            on_boot_secs: 300,
            random_delay_secs: 3600,
            scope: Scope::System,
        }
    }

    #[test]
    fn the_timer_runs_daily_at_boot_with_a_random_delay_and_catches_up() {
        let u = units(&opts()).unwrap();
        for line in [
            "OnCalendar=daily",
            "OnBootSec=300",
            "RandomizedDelaySec=3600",
            "Persistent=true",
            "Unit=guichet-agent.service",
            "WantedBy=timers.target",
        ] {
            assert!(u.timer.lines().any(|l| l == line), "{line} in\n{}", u.timer);
        }
        assert!(u.service.lines().any(
            |l| l == r#"ExecStart="/usr/bin/guichet" --data-dir "/var/lib/guichet" agent run"#
        ));
        assert!(u.service.contains("Type=oneshot"));
        assert_eq!(u, units(&opts()).unwrap(), "pure");
    }

    #[test]
    fn the_system_service_loads_its_encrypted_credentials_and_the_user_one_does_not() {
        let u = units(&opts()).unwrap();
        assert!(
            u.service
                .lines()
                .any(|l| l == "LoadCredentialEncrypted=guichet:/var/lib/guichet/credentials"),
            "{}",
            u.service
        );
        assert!(u.service.lines().any(|l| l == "UMask=0077"));
        let mut o = opts();
        o.scope = Scope::User;
        assert!(!units(&o).unwrap().service.contains("Credential"));
        o.scope = Scope::System;
        o.data_dir = "/srv/100%".into();
        assert!(units(&o)
            .unwrap()
            .service
            .contains("LoadCredentialEncrypted=guichet:/srv/100%%/credentials"));
    }

    #[test]
    fn paths_with_spaces_percent_and_quotes_are_escaped_for_systemd() {
        let mut o = opts();
        o.data_dir = "/srv/site data/100%/\"x\"$HOME".into();
        let u = units(&o).unwrap();
        assert!(
            u.service
                .contains(r#"--data-dir "/srv/site data/100%%/\"x\"$$HOME" agent run"#),
            "{}",
            u.service
        );
    }

    #[test]
    fn relative_paths_empty_calendars_and_newlines_are_refused() {
        let mut o = opts();
        o.data_dir = "data".into();
        assert!(matches!(units(&o), Err(AgentError::Invalid(_))));
        let mut o = opts();
        o.on_calendar = " ".into();
        assert!(units(&o).is_err());
        let mut o = opts();
        o.on_calendar = "daily\nExecStart=/bin/sh".into();
        assert!(units(&o).is_err(), "no unit injection through the calendar");
    }

    #[test]
    fn user_units_go_to_the_xdg_config_dir_or_home_config() {
        let env = |k: &str| match k {
            "XDG_CONFIG_HOME" => Some("/home/a/.cfg".to_string()),
            "HOME" => Some("/home/a".to_string()),
            _ => None,
        };
        assert_eq!(
            unit_dir(Scope::User, env).unwrap(),
            PathBuf::from("/home/a/.cfg/systemd/user")
        );
        let env = |k: &str| (k == "HOME").then(|| "/home/b".to_string());
        assert_eq!(
            unit_dir(Scope::User, env).unwrap(),
            PathBuf::from("/home/b/.config/systemd/user")
        );
        assert!(matches!(
            unit_dir(Scope::User, |_| None),
            Err(AgentError::NoConfigDir)
        ));
        assert_eq!(
            unit_dir(Scope::System, |_| None).unwrap(),
            PathBuf::from("/etc/systemd/system")
        );
    }

    #[test]
    fn durations_read_like_systemd_time_spans() {
        assert_eq!(parse_duration("90").unwrap(), 90);
        assert_eq!(parse_duration("90s").unwrap(), 90);
        assert_eq!(parse_duration("15min").unwrap(), 900);
        assert_eq!(parse_duration("2h").unwrap(), 7200);
        assert_eq!(parse_duration("1h30min").unwrap(), 5400);
        assert_eq!(parse_duration("1d 2h").unwrap(), 93_600);
        for bad in ["", "h", "5 parsecs", "-3s", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
