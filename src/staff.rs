//! Staff networks (`--staff-networks 10.1.0.0/16,2001:db8::/48`): views from these addresses
//! are staff's (installing, testing, showing round) and are left out of every figure.

use std::net::IpAddr;

use ipnet::IpNet;

/// A part of `--staff-networks` that is neither a network nor an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}`: not a network such as 10.1.0.0/16")]
pub struct NotANetwork(pub String);

/// A list of networks in CIDR notation; empty matches nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffNetworks(Vec<IpNet>);

impl StaffNetworks {
    /// Comma- or space-separated networks (`10.0.0.0/8`) or single addresses (`192.0.2.7`).
    pub fn parse(text: &str) -> Result<StaffNetworks, NotANetwork> {
        text.split([',', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|part| {
                part.parse::<IpNet>()
                    .or_else(|_| part.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| NotANetwork(part.to_string()))
            })
            .collect::<Result<_, _>>()
            .map(StaffNetworks)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is in one of the networks (an IPv4-mapped IPv6 address as its IPv4 one).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.0.iter().any(|net| net.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_match_their_addresses_only() {
        let nets = StaffNetworks::parse("10.1.0.0/16, 192.0.2.7 2001:db8::/33").unwrap();
        let yes = [
            "10.1.255.3",
            "192.0.2.7",
            "2001:db8:7fff::1",
            "::ffff:10.1.0.1",
        ];
        for ip in yes {
            assert!(nets.contains(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["10.2.0.1", "192.0.2.8", "2001:db8:8000::1", "127.0.0.1"] {
            assert!(!nets.contains(ip.parse().unwrap()), "{ip}");
        }
        assert!(
            StaffNetworks::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert!(StaffNetworks::parse("").unwrap().is_empty());
        assert_eq!(
            StaffNetworks::parse("10.0.0.0/33"),
            Err(NotANetwork("10.0.0.0/33".into()))
        );
        assert_eq!(
            StaffNetworks::parse("10.0.0.0/8, library"),
            Err(NotANetwork("library".into()))
        );
    }
}
