//! Staff networks (`--staff-networks 10.1.0.0/16,2001:db8::/48`): views from these addresses
//! are staff's (installing, testing, showing round) and are left out of every figure.

use std::net::IpAddr;

/// A list of networks in CIDR notation; empty matches nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffNetworks(Vec<(IpAddr, u8)>);

impl StaffNetworks {
    /// Comma- or space-separated networks (`10.0.0.0/8`) or single addresses (`192.0.2.7`).
    pub fn parse(text: &str) -> Result<StaffNetworks, String> {
        let mut networks = Vec::new();
        for part in text
            .split([',', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (addr, bits) = match part.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (part, None),
            };
            let addr: IpAddr = addr
                .parse()
                .map_err(|_| format!("`{part}`: not an address such as 10.1.0.0/16"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                None => max,
                Some(b) => b
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("`{part}`: the prefix length must be 0 to {max}"))?,
            };
            networks.push((addr, bits));
        }
        Ok(StaffNetworks(networks))
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
        self.0.iter().any(|(net, bits)| match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => same_prefix(&n.octets(), &a.octets(), *bits),
            (IpAddr::V6(n), IpAddr::V6(a)) => same_prefix(&n.octets(), &a.octets(), *bits),
            _ => false,
        })
    }
}

fn same_prefix(net: &[u8], addr: &[u8], bits: u8) -> bool {
    let (whole, rest) = (usize::from(bits / 8), bits % 8);
    if net[..whole] != addr[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        net[whole] & mask == addr[whole] & mask
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
        assert!(StaffNetworks::parse("10.0.0.0/33").is_err());
        assert!(StaffNetworks::parse("library").is_err());
    }
}
