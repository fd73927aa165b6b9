//! Network interfaces and their addresses.

use serde::{Deserialize, Serialize};

/// One network interface.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInterface {
    /// Interface name, e.g. `eth0`, `wlp2s0`.
    pub name: String,
    /// Description (driver or product name) when known.
    pub description: Option<String>,
    /// MAC address, lower case, colon-separated.
    pub mac: Option<String>,
    /// IPv4 addresses.
    pub ipv4: Vec<IpAddress>,
    /// IPv6 addresses.
    pub ipv6: Vec<IpAddress>,
    /// IPv4 default gateway through this interface.
    pub gateway: Option<String>,
    /// Whether addresses come from DHCP, when detectable.
    pub dhcp: Option<bool>,
    /// DHCP server address, when known.
    pub dhcp_server: Option<String>,
    /// Link speed, Mbit/s.
    pub speed_mbps: Option<u64>,
    /// MTU, bytes.
    pub mtu: Option<u32>,
    /// Operational state: `up`, `down`, `unknown`.
    pub status: String,
    /// Kind: `ethernet`, `wifi`, `loopback`, `bridge`, `vlan`, `tunnel`, `other`.
    pub kind: String,
    /// Virtual interface (no physical device behind it).
    pub virtual_device: bool,
    /// Kernel driver.
    pub driver: Option<String>,
    /// PCI slot of the device, e.g. `0000:00:1f.6`.
    pub pci_slot: Option<String>,
}

/// One IP address with its prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpAddress {
    /// The address, textual.
    pub address: String,
    /// Prefix length (CIDR), e.g. 24.
    pub prefix_len: u8,
    /// Network mask in dotted form (IPv4) or the prefix as a mask (IPv6).
    pub mask: String,
    /// Network address (address & mask).
    pub subnet: String,
}
