//! `network.dns`: does the service desk's name resolve? Looked up with the system resolver on
//! a thread, waited for within the check's time: the lookup of the run's one visit to the desk
//! ([`crate::desk_probe::DeskVisit`]), so that the desk is looked up once per run. An IP address
//! needs no lookup; through a proxy, the proxy looks the name up (the visit does not), so a
//! local failure is not the user's problem.

use std::net::SocketAddr;
use std::time::Instant;

use guichet_records::{CheckStatus, Finding, Sentence};

use super::connectivity::{deadline, desk, offline, offline_for, read_state};
use super::outcome::sentenced;
use crate::desk_probe::{proxy_for, DeskAddress, DeskFailure, NameLookup, ProxyEnv, Step};
use crate::quantity::worded;
use crate::{Check, Context};

const ID: &str = "network.dns";

/// The check.
#[derive(Debug)]
pub struct NetworkDns;

/// What was looked up and how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// The desk's host name.
    pub host: String,
    /// The addresses found, or why none.
    pub result: Result<Vec<SocketAddr>, DeskFailure>,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u128,
    /// The resolver's DNS servers.
    pub nameservers: Vec<String>,
    /// Whether the desk is reached through a proxy (which then resolves its name).
    pub via_proxy: bool,
}

impl Check for NetworkDns {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        let until = deadline(ctx);
        let d = match desk(ctx, ID) {
            Ok(d) => d,
            Err(f) => return vec![*f],
        };
        if d.ip.is_some() {
            return vec![evaluate_literal(&d.host)];
        }
        let state = read_state(ctx);
        if offline_for(state.as_ref(), d.is_loopback()) {
            return vec![offline(ID)];
        }
        let proxy = proxy_for(
            &d,
            ctx.desk.as_ref().and_then(|t| t.proxy.as_deref()),
            &ProxyEnv::from_process(),
        );
        let looked_up = match &proxy {
            // The visit goes through the proxy, which looks the desk up: this lookup is the
            // run's only one of the desk's name.
            Some(_) => NameLookup::of(&d.host, d.port, until),
            None => shared_lookup(ctx, &d, until),
        };
        vec![evaluate(&Lookup {
            host: d.host,
            result: looked_up.result,
            elapsed_ms: looked_up.elapsed.as_millis(),
            nameservers: state.map(|s| s.nameservers).unwrap_or_default(),
            via_proxy: proxy.is_some(),
        })]
    }
}

/// The lookup of the run's visit to the desk (see [`crate::desk_probe::DeskVisit`]), waited
/// for until `until`.
fn shared_lookup(ctx: &Context, d: &DeskAddress, until: Instant) -> NameLookup {
    let started = Instant::now();
    let seen = ctx.desk_visit(d, None, until).lookup(until);
    seen.lookup.unwrap_or_else(|| NameLookup {
        result: Err(match seen.outcome {
            Some(Err(e)) => e,
            _ => DeskFailure::TimedOut(Step::Resolving),
        }),
        elapsed: started.elapsed(),
    })
}

/// A desk given by IP address: nothing to resolve.
pub fn evaluate_literal(ip: &str) -> Finding {
    sentenced(
        ID,
        CheckStatus::Ok,
        Some(worded!(
            "{} (une adresse IP : pas de résolution nécessaire)",
            "{} (an IP address: no lookup needed)",
            ip
        )),
        None,
        Sentence::new(
            "Le service d'assistance est désigné par son adresse IP : aucune résolution de nom n'est nécessaire.",
            "The service desk is given by its IP address: no name lookup is needed.",
        ),
    )
}

/// How a lookup of the desk's name went.
pub fn evaluate(l: &Lookup) -> Finding {
    let servers = if l.nameservers.is_empty() {
        Sentence::new("aucun serveur DNS configuré", "no DNS server configured")
    } else {
        Sentence::same(format!("DNS {}", l.nameservers.join(", ")))
    };
    let within = Sentence::new("une réponse en moins de 1 s", "an answer within 1 s");
    match &l.result {
        Ok(addrs) => {
            let mut ips: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
            ips.dedup();
            sentenced(
                ID,
                CheckStatus::Ok,
                Some(worded!(
                    "{} → {} en {} ms ({})",
                    "{} → {} in {} ms ({})",
                    l.host,
                    ips.join(", "),
                    l.elapsed_ms,
                    servers
                )),
                Some(within),
                Sentence::new(
                    "Le nom du service d'assistance est bien trouvé.",
                    "The service desk's name is found.",
                ),
            )
        }
        Err(_) if l.via_proxy => sentenced(
            ID,
            CheckStatus::Ok,
            Some(worded!(
                "{} non résolu ici ; résolu par le proxy",
                "{} not resolved here; resolved by the proxy",
                l.host
            )),
            None,
            Sentence::new(
                "Le service d'assistance est joint par un proxy, qui se charge de trouver son nom.",
                "The service desk is reached through a proxy, which looks up its name.",
            ),
        ),
        Err(e) => {
            let why = match e {
                DeskFailure::TimedOut(_) => {
                    Sentence::new("pas de réponse en 1 s", "no answer within 1 s")
                }
                DeskFailure::NotResolved(m) => Sentence::same(m.clone()),
                other => Sentence::same(format!("{other:?}")),
            };
            sentenced(
                ID,
                CheckStatus::Problem,
                Some(worded!(
                    "{} : {} ({})",
                    "{}: {} ({})",
                    l.host,
                    why,
                    servers
                )),
                Some(within),
                Sentence::new(
                    "Le nom du service d'assistance est introuvable : la résolution de noms (DNS) ne fonctionne pas, ou le nom est mal saisi.",
                    "The service desk's name cannot be found: name resolution (DNS) is not working, or the name is mistyped.",
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DeskTarget;
    use chrono::DateTime;

    fn lookup(result: Result<Vec<SocketAddr>, DeskFailure>, via_proxy: bool) -> Lookup {
        Lookup {
            host: "rt.example.org".into(),
            result,
            elapsed_ms: 12,
            nameservers: vec!["10.255.255.53".into()],
            via_proxy,
        }
    }

    #[test]
    fn found_not_found_and_through_a_proxy() {
        let ok = evaluate(&lookup(Ok(vec!["192.0.2.10:443".parse().unwrap()]), false));
        assert_eq!(ok.status, CheckStatus::Ok);
        assert_eq!(
            ok.measured,
            Some(Sentence::new(
                "rt.example.org → 192.0.2.10 en 12 ms (DNS 10.255.255.53)",
                "rt.example.org → 192.0.2.10 in 12 ms (DNS 10.255.255.53)"
            ))
        );
        let e = DeskFailure::NotResolved(
            "failed to lookup address information: Name or service not known".into(),
        );
        let bad = evaluate(&lookup(Err(e.clone()), false));
        assert_eq!(bad.status, CheckStatus::Problem);
        assert!(bad
            .measured
            .unwrap()
            .fr
            .contains("Name or service not known"));
        assert_eq!(evaluate(&lookup(Err(e), true)).status, CheckStatus::Ok);
        let slow = evaluate(&lookup(Err(DeskFailure::TimedOut(Step::Resolving)), false));
        let slow = slow.measured.unwrap();
        assert!(slow.en.contains("no answer within 1 s"), "{slow:?}");
        assert!(slow.fr.contains("pas de réponse en 1 s"), "{slow:?}");
    }

    fn ctx(url: Option<&str>) -> Context {
        let mut c = Context::new(DateTime::UNIX_EPOCH);
        c.desk = url.map(|u| DeskTarget {
            url: u.into(),
            proxy: None,
        });
        c
    }

    /// For real: `localhost` resolves through the system resolver (`/etc/hosts`), an IP
    /// address is not looked up, no desk is unknown.
    #[test]
    fn real_lookups_on_this_machine() {
        let f = NetworkDns.run(&ctx(Some("http://localhost:8080/")));
        assert_eq!(f[0].status, CheckStatus::Ok, "{f:?}");
        assert!(
            f[0].measured
                .as_ref()
                .unwrap()
                .en
                .starts_with("localhost → "),
            "{f:?}"
        );
        let f = NetworkDns.run(&ctx(Some("https://127.0.0.1:8443/")));
        assert!(f[0]
            .measured
            .as_ref()
            .unwrap()
            .en
            .contains("no lookup needed"));
        assert_eq!(NetworkDns.run(&ctx(None))[0].status, CheckStatus::Unknown);
        assert_eq!(
            NetworkDns.run(&ctx(Some("mailto:x@y")))[0].status,
            CheckStatus::Unknown
        );
    }
}
