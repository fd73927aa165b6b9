//! The network state right now, for the network checks: which interfaces have a carrier and
//! which addresses, the default routes and the DNS servers. A quick reading outside a
//! collection (one `ip -j addr` and a few files), fetched per OS and parsed in
//! [`crate::parse`].

use std::time::Duration;

use crate::parse::ip_json::IpLink;
use crate::parse::net_files::DefaultRoute;

/// One interface as the network checks see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkReading {
    /// Its name, flags, state and addresses.
    pub link: IpLink,
    /// Whether it is a device of this machine (a network card, Wi-Fi), not a virtual one
    /// (bridge, container pair, tunnel).
    pub physical: bool,
    /// Whether it is a Wi-Fi interface.
    pub wireless: bool,
}

/// The network state as read at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkState {
    /// Every interface, loopback included.
    pub links: Vec<LinkReading>,
    /// Whether IPv4 addresses could be read (`ip` is installed); without it only IPv6
    /// addresses are known.
    pub ipv4_known: bool,
    /// IPv4 default routes, preferred first.
    pub ipv4_routes: Vec<DefaultRoute>,
    /// IPv6 default routes, preferred first.
    pub ipv6_routes: Vec<DefaultRoute>,
    /// The DNS servers the resolver is configured with, in order.
    pub nameservers: Vec<String>,
}

/// Reads the network state, giving the one command it runs at most `timeout`; `None` where
/// this OS has no reader yet (then the checks say they cannot tell).
pub fn network_state(timeout: Duration) -> Option<NetworkState> {
    #[cfg(target_os = "linux")]
    {
        let probe = crate::Probe::system(chrono::DateTime::UNIX_EPOCH, timeout);
        Some(crate::linux::network_state(&probe))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = timeout;
        None
    }
}
