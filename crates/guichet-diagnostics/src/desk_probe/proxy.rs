//! Which proxy the desk is reached through, by the rule the sync client follows: the proxy
//! configured with the connection, else the environment's (`https_proxy`/`HTTPS_PROXY` for an
//! `https` desk, `http_proxy`/`HTTP_PROXY` for `http`, then `all_proxy`/`ALL_PROXY`), unless
//! `no_proxy`/`NO_PROXY` lists the desk's host.

use std::net::IpAddr;

use super::DeskAddress;

/// Where the proxy setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxySource {
    /// The connection's own setting.
    Configured,
    /// An environment variable (its name).
    Environment(&'static str),
}

/// The proxy a connection to the desk goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyChoice {
    /// Its address as written (`http://proxy:3128`).
    pub url: String,
    /// Where it was set.
    pub source: ProxySource,
}

impl ProxyChoice {
    /// Host and port of an `http://` proxy (port 80 when none is written); `None` for any other
    /// kind (`https://`, `socks5://`), which the probe does not speak.
    pub fn http_endpoint(&self) -> Option<(String, u16)> {
        let u = url::Url::parse(&self.url).ok()?;
        if u.scheme() != "http" {
            return None;
        }
        let host = match u.host()? {
            url::Host::Domain(d) => d.to_string(),
            url::Host::Ipv4(a) => a.to_string(),
            url::Host::Ipv6(a) => a.to_string(),
        };
        Some((host, u.port_or_known_default()?))
    }
}

/// The proxy variables of an environment, read once and passed in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    vars: Vec<(&'static str, String)>,
}

const NAMES: [&str; 8] = [
    "https_proxy",
    "HTTPS_PROXY",
    "http_proxy",
    "HTTP_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
];

impl ProxyEnv {
    /// The variables as `lookup` gives them (blank ones are unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let vars = NAMES
            .iter()
            .filter_map(|n| lookup(n).filter(|v| !v.trim().is_empty()).map(|v| (*n, v)))
            .collect();
        ProxyEnv { vars }
    }

    /// This process's environment.
    pub fn from_process() -> Self {
        Self::from_lookup(|n| std::env::var(n).ok())
    }

    fn first(&self, names: &[&'static str]) -> Option<(&'static str, &str)> {
        names.iter().find_map(|n| {
            self.vars
                .iter()
                .find(|(k, _)| k == n)
                .map(|(k, v)| (*k, v.trim()))
        })
    }
}

/// The proxy for `desk`: `configured` if set, else the environment's (see the module).
pub fn proxy_for(
    desk: &DeskAddress,
    configured: Option<&str>,
    env: &ProxyEnv,
) -> Option<ProxyChoice> {
    if let Some(c) = configured.map(str::trim).filter(|c| !c.is_empty()) {
        return Some(ProxyChoice {
            url: c.to_string(),
            source: ProxySource::Configured,
        });
    }
    let names: &[&'static str] = if desk.tls {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
    };
    let (name, url) = env.first(names)?;
    if let Some((_, list)) = env.first(&["no_proxy", "NO_PROXY"]) {
        if bypasses(list, desk) {
            return None;
        }
    }
    let url = if url.contains("://") {
        url.to_string()
    } else {
        format!("http://{url}")
    };
    Some(ProxyChoice {
        url,
        source: ProxySource::Environment(name),
    })
}

/// Whether a `no_proxy` list names the desk: `*`, its IP address (or a network in CIDR
/// form holding it), its host name or a domain above it (`example.org`, `.example.org`).
fn bypasses(list: &str, desk: &DeskAddress) -> bool {
    let host = desk.host.trim_end_matches('.').to_ascii_lowercase();
    list.split(',').map(str::trim).any(|entry| {
        let entry = entry.trim_start_matches("*.");
        if entry == "*" {
            return true;
        }
        if let Some(ip) = desk.ip {
            return entry
                .trim_matches(|c| c == '[' || c == ']')
                .parse::<IpAddr>()
                .map(|e| e == ip)
                .unwrap_or(false)
                || in_network(entry, ip);
        }
        let domain = entry
            .split(':')
            .next()
            .unwrap_or("")
            .trim_start_matches('.')
            .trim_end_matches('.')
            .to_ascii_lowercase();
        !domain.is_empty() && (host == domain || host.ends_with(&format!(".{domain}")))
    })
}

fn in_network(entry: &str, ip: IpAddr) -> bool {
    let Some((net, bits)) = entry.split_once('/') else {
        return false;
    };
    let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(a)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> ProxyEnv {
        ProxyEnv::from_lookup(|n| {
            pairs
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        })
    }

    fn desk(url: &str) -> DeskAddress {
        DeskAddress::parse(url).unwrap()
    }

    #[test]
    fn the_configured_proxy_wins_over_the_environment() {
        let e = env(&[("https_proxy", "http://env:3128"), ("no_proxy", "*")]);
        let p = proxy_for(
            &desk("https://rt.example.org/"),
            Some("http://conf:8080"),
            &e,
        );
        assert_eq!(
            p,
            Some(ProxyChoice {
                url: "http://conf:8080".into(),
                source: ProxySource::Configured
            })
        );
        assert_eq!(p.unwrap().http_endpoint(), Some(("conf".to_string(), 8080)));
    }

    #[test]
    fn the_environment_follows_the_desk_scheme_and_no_proxy() {
        let e = env(&[
            ("HTTPS_PROXY", "proxy.corp:3128"),
            ("http_proxy", "http://plain:80"),
            (
                "NO_PROXY",
                "localhost, .intra.example.org,10.0.0.0/8 ,[::1]",
            ),
        ]);
        let p = proxy_for(&desk("https://rt.example.org/"), None, &e).unwrap();
        assert_eq!(p.url, "http://proxy.corp:3128");
        assert_eq!(p.source, ProxySource::Environment("HTTPS_PROXY"));
        let p = proxy_for(&desk("http://rt.example.org/"), None, &e).unwrap();
        assert_eq!(p.source, ProxySource::Environment("http_proxy"));
        for bypassed in [
            "https://glpi.intra.example.org/",
            "https://intra.example.org/",
            "https://10.1.2.3/",
            "https://localhost:8443/",
            "https://[::1]/",
        ] {
            assert_eq!(proxy_for(&desk(bypassed), None, &e), None, "{bypassed}");
        }
        assert!(proxy_for(&desk("https://notintra.example.org/"), None, &e).is_some());
        assert!(proxy_for(&desk("https://11.0.0.1/"), None, &e).is_some());
        assert_eq!(proxy_for(&desk("https://x.org/"), None, &env(&[])), None);
        let socks = env(&[("ALL_PROXY", "socks5://127.0.0.1:1080")]);
        let p = proxy_for(&desk("https://x.org/"), None, &socks).unwrap();
        assert_eq!(p.http_endpoint(), None, "socks is not spoken");
    }
}
