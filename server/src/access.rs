//! Who is asking and how often: the client address (behind trusted reverse
//! proxies from `X-Forwarded-For`) and the per-address rate limits that keep
//! join codes from being guessed and sessions from being mass-produced.

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;

/// Every request addressed by a join code costs one cell; the bucket holds
/// this many and refills at this rate per minute. A room of 60 behind one NAT
/// loading and polling (`/me`, `/live`, joins) stays far below it.
pub const CODE_REQUESTS_PER_MINUTE: u32 = 600;
/// A look-up that fails (unknown code, missing or wrong cookie) costs this
/// many cells in all: successful use is cheap, guessing is not. From one
/// address at most 30 failures a minute are possible (600 / 20).
pub const CODE_MISS_COST: u32 = 20;
/// New sessions (created, duplicated, imported) per address: one every six
/// minutes (10 an hour) after a burst of 30 (a preparation day, the e2e suite).
pub const SESSIONS_BURST: u32 = 30;
pub const SESSION_PERIOD: Duration = Duration::from_secs(6 * 60);
/// New participants per address and session: a room of 80 behind one NAT
/// joins at once; after that 20 a minute. Fake participants beyond that are
/// the moderator's to remove, and joining can be closed (see the README).
pub const JOINS_BURST: u32 = 80;
pub const JOINS_PER_MINUTE: u32 = 20;

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// The server's rate limiters, keyed by client address.
pub struct Limits {
    code: DefaultKeyedRateLimiter<IpAddr>,
    sessions: DefaultKeyedRateLimiter<IpAddr>,
    joins: DefaultKeyedRateLimiter<(IpAddr, String)>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            code: RateLimiter::keyed(Quota::per_minute(nz(CODE_REQUESTS_PER_MINUTE))),
            sessions: RateLimiter::keyed(
                Quota::with_period(SESSION_PERIOD)
                    .unwrap_or(Quota::per_hour(nz(10)))
                    .allow_burst(nz(SESSIONS_BURST)),
            ),
            joins: RateLimiter::keyed(
                Quota::per_minute(nz(JOINS_PER_MINUTE)).allow_burst(nz(JOINS_BURST)),
            ),
        }
    }
}

impl Limits {
    /// One request addressed by a join code; `false`: refuse it.
    pub fn code_request(&self, ip: IpAddr) -> bool {
        self.code.check_key(&ip).is_ok()
    }

    /// A failed look-up: takes the rest of its cost (as much as is left).
    pub fn code_miss(&self, ip: IpAddr) {
        for _ in 1..CODE_MISS_COST {
            if self.code.check_key(&ip).is_err() {
                break;
            }
        }
    }

    /// A new session from `ip`; `false`: refuse it.
    pub fn new_session(&self, ip: IpAddr) -> bool {
        self.sessions.check_key(&ip).is_ok()
    }

    /// A new participant of `session_id` from `ip`; `false`: refuse it.
    pub fn new_participant(&self, ip: IpAddr, session_id: &str) -> bool {
        self.joins.check_key(&(ip, session_id.to_owned())).is_ok()
    }

    /// Forgets addresses whose buckets are full again (bounded memory).
    pub fn tidy(&self) {
        self.code.retain_recent();
        self.sessions.retain_recent();
        self.joins.retain_recent();
    }
}

/// An address or a network in CIDR notation (`10.0.0.0/8`, `fd00::/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl FromStr for IpNet {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("not an IP address: {s}"))?;
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("bad prefix length: {s}"))?,
            None => max,
        };
        Ok(Self { addr, prefix })
    }
}

impl IpNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// A comma-separated list of addresses and CIDR networks ("" = none).
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(IpNet::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    pub fn is_trusted(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(ip))
    }

    /// The client behind a connection from `peer`: only when `peer` is a
    /// trusted proxy, the right-most `X-Forwarded-For` address that is not
    /// itself a trusted proxy (entries left of it could be forged by the
    /// client). An unreadable entry ends the walk at the hop that added it.
    pub fn client<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.is_trusted(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for.flat_map(|h| h.split(',')).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = ip.to_canonical();
            if !self.is_trusted(client) {
                break;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_contain_their_addresses() {
        let net: IpNet = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")), "IPv4-mapped");
        let one: IpNet = "::1".parse().unwrap();
        assert!(one.contains(ip("::1")) && !one.contains(ip("::2")));
        let all: IpNet = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")));
        assert!("10.0.0.0/33".parse::<IpNet>().is_err());
        assert!("proxy".parse::<IpNet>().is_err());
    }

    #[test]
    fn forwarded_for_is_read_only_from_trusted_proxies() {
        let trusted = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        let xff = |s: &'static str| std::iter::once(s);
        // A client talking to us directly cannot claim another address.
        assert_eq!(
            trusted.client(ip("203.0.113.5"), xff("198.51.100.1")),
            ip("203.0.113.5")
        );
        // Through the proxy: the right-most untrusted hop; the forged left part is ignored.
        assert_eq!(
            trusted.client(ip("127.0.0.1"), xff("1.2.3.4, 198.51.100.7, 10.0.0.2")),
            ip("198.51.100.7")
        );
        // Proxy without header: the proxy itself.
        assert_eq!(
            trusted.client(ip("127.0.0.1"), std::iter::empty()),
            ip("127.0.0.1")
        );
        // Garbage stops the walk at the hop that added it.
        assert_eq!(
            trusted.client(ip("127.0.0.1"), xff("198.51.100.7, unknown")),
            ip("127.0.0.1")
        );
        // Nobody trusted: the header means nothing.
        assert_eq!(
            TrustedProxies::default().client(ip("127.0.0.1"), xff("198.51.100.7")),
            ip("127.0.0.1")
        );
    }
}
