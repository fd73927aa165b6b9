//! `network.proxy`: is a proxy in use to reach the service desk (the connection's own, or the
//! environment's `https_proxy`/`HTTPS_PROXY`, minus `no_proxy`), and does it accept
//! connections? No proxy needed is fine.

use std::time::{Duration, Instant};

use guichet_records::{CheckStatus, Finding, Sentence};

use super::connectivity::{deadline, offline, offline_for, read_state};
use super::outcome::sentenced;
use crate::desk_probe::{
    self, is_localhost, proxy_for, DeskAddress, DeskFailure, ProxyChoice, ProxyEnv, ProxySource,
};
use crate::quantity::worded;
use crate::{Check, Context};

const ID: &str = "network.proxy";

/// The check.
#[derive(Debug)]
pub struct NetworkProxy;

impl Check for NetworkProxy {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        let until = deadline(ctx);
        let env = ProxyEnv::from_process();
        // Without a desk, the proxy an https desk would use.
        let desk = ctx
            .desk
            .as_ref()
            .and_then(|t| DeskAddress::parse(&t.url))
            .unwrap_or_else(|| DeskAddress::parse("https://service-desk.invalid/").expect("a URL"));
        let configured = ctx.desk.as_ref().and_then(|t| t.proxy.as_deref());
        let Some(choice) = proxy_for(&desk, configured, &env) else {
            return vec![evaluate(None, None)];
        };
        let Some((host, port)) = choice.http_endpoint() else {
            return vec![evaluate(Some(&choice), None)];
        };
        let loopback = host
            .parse::<std::net::IpAddr>()
            .map(|a| a.is_loopback())
            .unwrap_or_else(|_| is_localhost(&host));
        if offline_for(read_state(ctx).as_ref(), loopback) {
            return vec![offline(ID)];
        }
        let started = Instant::now();
        let result = desk_probe::connect(&host, port, until).map(|_| started.elapsed());
        vec![evaluate(Some(&choice), Some(&result))]
    }
}

/// Whether a proxy is in use and, when it was tried, whether it accepted a connection.
pub fn evaluate(
    choice: Option<&ProxyChoice>,
    tried: Option<&Result<Duration, DeskFailure>>,
) -> Finding {
    let Some(choice) = choice else {
        return sentenced(
            ID,
            CheckStatus::Ok,
            Some(Sentence::new("aucun proxy", "no proxy")),
            None,
            Sentence::new(
                "Aucun proxy n'est utilisé : la connexion est directe.",
                "No proxy is used: the connection is direct.",
            ),
        );
    };
    let from = match &choice.source {
        ProxySource::Configured => Sentence::new("réglé dans Guichet", "set in Guichet"),
        ProxySource::Environment(name) => worded!("d'après {}", "from {}", name),
    };
    let url = &choice.url;
    let (status, measured, fr, en) = match tried {
        None => (
            CheckStatus::Unknown,
            worded!(
                "{} ({}) : seuls les proxys http:// sont vérifiés",
                "{} ({}): only http:// proxies are checked",
                url,
                from
            ),
            "Un proxy est utilisé, d'un type que cette vérification ne sait pas tester.",
            "A proxy is used, of a kind this check cannot test.",
        ),
        Some(Ok(took)) => (
            CheckStatus::Ok,
            worded!(
                "{} ({}) répond en {} ms",
                "{} ({}) answers in {} ms",
                url,
                from,
                took.as_millis()
            ),
            "Un proxy est utilisé, et il répond.",
            "A proxy is used, and it answers.",
        ),
        Some(Err(e)) => (
            CheckStatus::Problem,
            worded!(
                "{} ({}) ne répond pas : {}",
                "{} ({}) does not answer: {}",
                url,
                from,
                why(e)
            ),
            "Le proxy par lequel passe la connexion ne répond pas : le réseau ou le proxy est en panne, ou son adresse a changé.",
            "The proxy the connection goes through does not answer: the network or the proxy is down, or its address changed.",
        ),
    };
    sentenced(ID, status, Some(measured), None, Sentence::new(fr, en))
}

fn why(e: &DeskFailure) -> Sentence {
    match e {
        DeskFailure::TimedOut(_) => Sentence::new("pas de réponse en 1 s", "no answer within 1 s"),
        DeskFailure::NotResolved(m) => worded!("nom introuvable ({})", "name not found ({})", m),
        DeskFailure::Unreachable(m) | DeskFailure::Broken(m) => Sentence::same(m.clone()),
        other => Sentence::same(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(source: ProxySource) -> ProxyChoice {
        ProxyChoice {
            url: "http://proxy.corp:3128".into(),
            source,
        }
    }

    #[test]
    fn none_needed_answering_and_silent_proxies() {
        assert_eq!(evaluate(None, None).status, CheckStatus::Ok);
        let c = choice(ProxySource::Environment("HTTPS_PROXY"));
        let f = evaluate(Some(&c), Some(&Ok(Duration::from_millis(4))));
        assert_eq!(f.status, CheckStatus::Ok);
        assert_eq!(
            f.measured,
            Some(Sentence::new(
                "http://proxy.corp:3128 (d'après HTTPS_PROXY) répond en 4 ms",
                "http://proxy.corp:3128 (from HTTPS_PROXY) answers in 4 ms"
            ))
        );
        let refused = Err(DeskFailure::Unreachable(
            "Connection refused (os error 111)".into(),
        ));
        let f = evaluate(Some(&choice(ProxySource::Configured)), Some(&refused));
        assert_eq!(f.status, CheckStatus::Problem);
        assert_eq!(
            f.measured.unwrap().en,
            "http://proxy.corp:3128 (set in Guichet) does not answer: Connection refused (os error 111)"
        );
        assert_eq!(evaluate(Some(&c), None).status, CheckStatus::Unknown);
    }
}
