//! The SSRF guard: tidings fetches whatever URL a feed or a user names, so
//! it must never be turned against the network it runs in. Every address a
//! host name resolves to, every IP-literal URL and every redirect target is
//! checked; loopback, private, link-local (cloud metadata), CGNAT and other
//! non-public ranges are refused unless the operator allows them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Which addresses outgoing requests may reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkPolicy {
    /// Non-public ranges the operator allows anyway (e.g. `127.0.0.0/8` for
    /// tests, `10.1.0.0/16` for an intranet publisher).
    pub allowed: Vec<IpNet>,
}

/// A refused destination; found in a reqwest error's source chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "refused to connect to non-public address {address}{via} (allow it with --allow-private-networks)"
)]
pub struct BlockedAddress {
    pub address: IpAddr,
    via: String,
}

impl BlockedAddress {
    fn new(address: IpAddr, host: Option<&str>) -> Self {
        Self {
            address,
            via: host
                .filter(|h| h.trim_matches(['[', ']']) != address.to_string())
                .map(|h| format!(" (from {h})"))
                .unwrap_or_default(),
        }
    }
}

impl NetworkPolicy {
    pub fn permits(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        is_public(address) || self.allowed.iter().any(|net| net.contains(&address))
    }

    /// Checks a URL whose host is an IP literal (reqwest does not ask the
    /// resolver about those). Host names are checked at resolution.
    pub fn check_url(&self, url: &url::Url) -> Result<(), BlockedAddress> {
        let address = match url.host() {
            Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
            _ => return Ok(()),
        };
        if self.permits(address) {
            Ok(())
        } else {
            Err(BlockedAddress::new(address, url.host_str()))
        }
    }
}

/// IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is the IPv4 address it carries.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16: cloud metadata lives here
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // 100.64/10 CGNAT
        || (a == 192 && b == 0 && c == 0) // 192.0.0/24 IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // 198.18/15 benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address
    // that is what really gets reached.
    let embedded = |high: u16, low: u16| {
        let [a, b] = high.to_be_bytes();
        let [c, d] = low.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    if segments[0] == 0x64 && segments[1] == 0xff9b && segments[2..6] == [0, 0, 0, 0] {
        return is_public_v4(embedded(segments[6], segments[7]));
    }
    if segments[0] == 0x2002 {
        return is_public_v4(embedded(segments[1], segments[2]));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00 // fc00::/7 unique local
        || (segments[0] & 0xffc0) == 0xfe80 // fe80::/10 link local
        || (segments[0] & 0xffc0) == 0xfec0 // fec0::/10 site local (deprecated)
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation
        || segments[..6] == [0; 6]) // ::a.b.c.d, IPv4-compatible (deprecated)
}

/// DNS resolution that only hands out permitted addresses. A name that
/// resolves only to refused addresses fails with [`BlockedAddress`].
#[derive(Debug, Clone)]
pub(crate) struct GuardedResolver {
    pub policy: Arc<NetworkPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let permitted: Vec<SocketAddr> = resolved
                .iter()
                .copied()
                .filter(|a| policy.permits(a.ip()))
                .collect();
            match (permitted.is_empty(), resolved.first()) {
                (false, _) => Ok(Box::new(permitted.into_iter()) as Addrs),
                (true, Some(first)) => {
                    Err(Box::new(BlockedAddress::new(first.ip(), Some(&host))) as _)
                }
                (true, None) => Err(format!("{host} has no address").into()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(policy: &NetworkPolicy, ip: &str) -> bool {
        !policy.permits(ip.parse().unwrap())
    }

    #[test]
    fn non_public_ranges_are_refused() {
        let policy = NetworkPolicy::default();
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:169.254.169.254",
            "::ffff:127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:a9fe:a9fe::1",
        ] {
            assert!(refused(&policy, ip), "{ip} should be refused");
        }
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700::1111",
            "64:ff9b::808:808",
        ] {
            assert!(!refused(&policy, ip), "{ip} should be allowed");
        }
    }

    #[test]
    fn allowed_ranges_open_only_themselves() {
        let policy = NetworkPolicy {
            allowed: vec!["127.0.0.0/8".parse().unwrap()],
        };
        assert!(!refused(&policy, "127.0.0.1"));
        assert!(!refused(&policy, "::ffff:127.0.0.1"));
        assert!(refused(&policy, "169.254.169.254"));
        assert!(refused(&policy, "::1"));
    }

    #[test]
    fn ip_literal_urls_are_checked() {
        let policy = NetworkPolicy::default();
        let url = url::Url::parse("http://169.254.169.254/latest/meta-data/").unwrap();
        let error = policy.check_url(&url).unwrap_err();
        assert!(error.to_string().contains("169.254.169.254"), "{error}");
        assert!(
            policy
                .check_url(&"http://[::1]:8080/".parse().unwrap())
                .is_err()
        );
        assert!(
            policy
                .check_url(&"https://example.com/".parse().unwrap())
                .is_ok()
        );
    }
}
