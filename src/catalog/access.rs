//! An exhibition's `[access]` table once validated (`load/access_table.rs` reads it): where the
//! library's subscription applies, its proxy and its link resolver; and where a visitor stands.
//! What to show and where each route leads is `crate::access`.

use std::net::IpAddr;

use ipnet::IpNet;

/// An exhibition's `[access]` table, validated. The default (no table) sends everyone to the
/// publisher, as before the table existed.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// Networks whose visitors are inside the subscription (IPv4 and IPv6).
    pub campus_networks: Vec<IpNet>,
    pub proxy: Option<Proxy>,
    /// An OpenURL link resolver's base, such as `https://resolver.example.edu/openurl`.
    pub resolver: Option<String>,
}

/// A library proxy prefix: the article URL is appended to it, URL-encoded or as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub prefix: String,
    /// OpenAthens redirectors (`?url=`) and EZproxy's `qurl=` need the target URL-encoded;
    /// EZproxy's `login?url=` takes it as it is (everything after `url=` is the target).
    pub encode: bool,
}

impl Proxy {
    /// Whether a prefix of this form needs the target encoded, when the file does not say.
    pub fn encodes_by_default(prefix: &str) -> bool {
        let lower = prefix.to_ascii_lowercase();
        lower.contains("openathens.net/redirector") || lower.ends_with("qurl=")
    }

    pub fn link(&self, target: &str) -> String {
        if self.encode {
            let encoded: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
            format!("{}{encoded}", self.prefix)
        } else {
            format!("{}{target}", self.prefix)
        }
    }
}

/// Where the visitor stands, as far as the library is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    Campus,
    OffCampus,
    /// The exhibition lists no campus networks (or the address is unknown).
    Unknown,
}

impl Access {
    pub fn place(&self, ip: Option<IpAddr>) -> Place {
        if self.campus_networks.is_empty() {
            return Place::Unknown;
        }
        let Some(ip) = ip else { return Place::Unknown };
        // A dual-stack listener sees IPv4 visitors as ::ffff:a.b.c.d.
        let ip = ip.to_canonical();
        if self.campus_networks.iter().any(|n| n.contains(&ip)) {
            Place::Campus
        } else {
            Place::OffCampus
        }
    }
}
