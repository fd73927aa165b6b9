//! `network-renew`: re-activates the active wired and Wi-Fi connections through
//! NetworkManager (`nmcli connection up uuid …`, which asks DHCP for a new lease; `nmcli
//! device reapply …` when that fails), where polkit lets the user control the network.
//!
//! Unavailable, with the reason, when NetworkManager is not installed or not running, or when
//! polkit does not let the user (`network-control` is `no`, or `auth`: a password the
//! non-interactive run cannot ask for). Loopback, bridges, VPNs and tunnels are left alone.

use std::time::Instant;

use guichet_inventory::{Probe, RunError};
use guichet_records::Sentence;

use crate::{Action, ActionContext, ActionError, Outcome, Plan};

/// The action's id, the one network findings name in `fixes`.
pub const ID: &str = "network-renew";

/// The connection types renewed: wired and Wi-Fi.
const RENEWED_TYPES: [&str; 2] = ["802-3-ethernet", "802-11-wireless"];

/// Renews the network connection.
#[derive(Debug, Clone)]
pub struct NetworkRenew {
    /// The `nmcli` program (tests point it at a stand-in serving recorded outputs).
    pub program: String,
}

impl Default for NetworkRenew {
    fn default() -> Self {
        NetworkRenew {
            program: "nmcli".into(),
        }
    }
}

/// One active connection, as `nmcli -t -f NAME,UUID,TYPE,DEVICE connection show --active`
/// lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveConnection {
    /// Its name (`Wired connection 1`).
    pub name: String,
    /// Its UUID.
    pub uuid: String,
    /// Its type (`802-3-ethernet`, `802-11-wireless`, `loopback`…).
    pub kind: String,
    /// The device it is active on.
    pub device: String,
}

/// Splits one line of nmcli's terse output: fields separated by `:`, with `\:` and `\\`
/// standing for a colon and a backslash inside a value.
fn split_terse(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut().expect("one").extend(chars.next()),
            ':' => fields.push(String::new()),
            c => fields.last_mut().expect("one").push(c),
        }
    }
    fields
}

/// Parses `nmcli -t -f NAME,UUID,TYPE,DEVICE connection show --active`.
pub fn parse_active_connections(text: &str) -> Vec<ActiveConnection> {
    text.lines()
        .filter_map(|line| {
            let mut f = split_terse(line).into_iter();
            let (name, uuid, kind, device) = (f.next()?, f.next()?, f.next()?, f.next()?);
            (!uuid.is_empty()).then_some(ActiveConnection {
                name,
                uuid,
                kind,
                device,
            })
        })
        .collect()
}

/// The value (`yes`, `no`, `auth`) of `permission` in `nmcli -t -f PERMISSION,VALUE general
/// permissions`.
pub fn parse_permissions(text: &str, permission: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let f = split_terse(line);
        (f.first().map(String::as_str) == Some(permission)).then(|| f.get(1).cloned())?
    })
}

impl NetworkRenew {
    fn nmcli(&self, probe: &Probe, args: &[&str]) -> Result<String, ActionError> {
        probe.run(&self.program, args).map_err(|e| match e {
            RunError::NotFound(_) => {
                ActionError::Unavailable("NetworkManager is not installed (no nmcli)".into())
            }
            RunError::Failed { ref stderr, .. }
                if stderr.contains("not running")
                    || stderr.contains("Could not create NMClient") =>
            {
                ActionError::Unavailable("NetworkManager is not running".into())
            }
            other => ActionError::Unavailable(format!("nmcli: {other}")),
        })
    }

    /// The connections to renew, once NetworkManager runs and lets the user.
    fn connections(&self, probe: &Probe) -> Result<Vec<ActiveConnection>, ActionError> {
        self.nmcli(probe, &["-t", "-f", "RUNNING", "general"])?;
        let permissions = self.nmcli(
            probe,
            &["-t", "-f", "PERMISSION,VALUE", "general", "permissions"],
        )?;
        match parse_permissions(
            &permissions,
            "org.freedesktop.NetworkManager.network-control",
        )
        .as_deref()
        {
            Some("yes") => {}
            Some("auth") => {
                return Err(ActionError::Unavailable(
                    "NetworkManager asks for an administrator's password to control the network"
                        .into(),
                ))
            }
            _ => {
                return Err(ActionError::Unavailable(
                    "NetworkManager does not let this user control the network".into(),
                ))
            }
        }
        let active = self.nmcli(
            probe,
            &[
                "-t",
                "-f",
                "NAME,UUID,TYPE,DEVICE",
                "connection",
                "show",
                "--active",
            ],
        )?;
        Ok(parse_active_connections(&active)
            .into_iter()
            .filter(|c| RENEWED_TYPES.contains(&c.kind.as_str()))
            .collect())
    }
}

impl Action for NetworkRenew {
    fn id(&self) -> String {
        ID.into()
    }

    fn plan(&self, ctx: &ActionContext) -> Result<Plan, ActionError> {
        let probe = Probe::system(ctx.now, ctx.timeout);
        let connections = self.connections(&probe)?;
        let steps = connections
            .iter()
            .map(|c| {
                let name = clean(&c.name);
                let device = clean(&c.device);
                Sentence::new(
                    format!("Renouveler la connexion « {name} » ({device}) : elle sera coupée quelques secondes"),
                    format!("Renew the connection “{name}” ({device}): it will drop for a few seconds"),
                )
            })
            .collect::<Vec<_>>();
        Ok(Plan {
            action: ID.into(),
            title: Sentence::new(
                "Renouveler la connexion réseau",
                "Renew the network connection",
            ),
            nothing_to_do: steps.is_empty(),
            steps,
            needs_network: false,
            publisher: None,
        })
    }

    fn run(&self, ctx: &ActionContext) -> Result<Outcome, ActionError> {
        let started = Instant::now();
        let probe = Probe::system(ctx.now, ctx.timeout);
        let connections = self.connections(&probe)?;
        let mut lines = Vec::new();
        let mut failed = false;
        for c in &connections {
            let (name, device) = (clean(&c.name), clean(&c.device));
            if probe
                .run(&self.program, &["connection", "up", "uuid", &c.uuid])
                .is_ok()
            {
                lines.push(format!("reactivated {name} on {device}"));
            } else {
                match probe.run(&self.program, &["device", "reapply", &c.device]) {
                    Ok(_) => lines.push(format!("reapplied {name} on {device}")),
                    Err(e) => {
                        failed = true;
                        lines.push(format!(
                            "{name} on {device}: not renewed: {}",
                            clean(&e.to_string())
                        ));
                    }
                }
            }
        }
        if lines.is_empty() {
            lines.push("nothing to do: no active wired or Wi-Fi connection".into());
        }
        Ok(Outcome {
            action: ID.into(),
            started_at: ctx.now,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            succeeded: !failed,
            output: lines.join("\n"),
        })
    }
}

fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/nmcli/");
        std::fs::read_to_string(format!("{dir}{name}")).unwrap()
    }

    #[test]
    fn active_connections_with_escaped_colons() {
        let got = parse_active_connections(&fixture("active.txt"));
        let names: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|c| (c.name.as_str(), c.kind.as_str(), c.device.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("Wired connection 1", "802-3-ethernet", "enp0s31f6"),
                ("Bureau:5GHz", "802-11-wireless", "wlp2s0"),
                ("lo", "loopback", "lo"),
                ("docker0", "bridge", "docker0"),
            ]
        );
        assert_eq!(got[1].uuid, "4b1d7e2c-8a90-4f3e-b6c5-1e2d3f4a5b6c");
        assert_eq!(split_terse(r"a\\b:c"), ["a\\b", "c"]);
    }

    #[test]
    fn network_control_permission() {
        let key = "org.freedesktop.NetworkManager.network-control";
        assert_eq!(
            parse_permissions(&fixture("permissions.txt"), key).as_deref(),
            Some("yes")
        );
        assert_eq!(
            parse_permissions(&fixture("permissions-remote.txt"), key).as_deref(),
            Some("no")
        );
        assert_eq!(parse_permissions("", key), None);
    }
}
