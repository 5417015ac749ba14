//! Who is asking and how often: the client address (behind trusted reverse
//! proxies from `X-Forwarded-For`) and the per-address rate limits that keep
//! join codes from being guessed and sessions from being mass-produced.

use governor::clock::DefaultClock;
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

/// Failed look-ups one address may make per minute (and at once).
pub const CODE_MISSES_PER_MINUTE: u32 = CODE_REQUESTS_PER_MINUTE / CODE_MISS_COST;

/// The server's rate limiters, keyed by client address.
pub struct Limits {
    code: DefaultKeyedRateLimiter<IpAddr>,
    /// Failed look-ups: 30 a minute. An address whose failures are used up
    /// is refused outright until the next one is due (`blocked`), whatever
    /// its request budget says: otherwise every refilled request cell (one
    /// per 100 ms) would buy one more guess.
    misses: RateLimiter<
        IpAddr,
        DefaultKeyedStateStore<IpAddr>,
        DefaultClock,
        StateInformationMiddleware,
    >,
    blocked: Mutex<HashMap<IpAddr, Instant>>,
    sessions: DefaultKeyedRateLimiter<IpAddr>,
    joins: DefaultKeyedRateLimiter<(IpAddr, String)>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            code: RateLimiter::keyed(Quota::per_minute(nz(CODE_REQUESTS_PER_MINUTE))),
            misses: RateLimiter::keyed(Quota::per_minute(nz(CODE_MISSES_PER_MINUTE)))
                .with_middleware::<StateInformationMiddleware>(),
            blocked: Mutex::new(HashMap::new()),
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
        if self.is_blocked(ip) {
            return false;
        }
        self.code.check_key(&ip).is_ok()
    }

    /// A failed look-up. Once an address's failures are used up it is
    /// refused until the next one is due (one every 60 s / 30 = 2 s).
    pub fn code_miss(&self, ip: IpAddr) {
        let used_up = match self.misses.check_key(&ip) {
            Ok(state) => state.remaining_burst_capacity() == 0,
            Err(_) => true,
        };
        if used_up {
            let until = Instant::now() + Duration::from_secs(60) / CODE_MISSES_PER_MINUTE;
            if let Ok(mut blocked) = self.blocked.lock() {
                blocked.insert(ip, until);
            }
        }
    }

    fn is_blocked(&self, ip: IpAddr) -> bool {
        let Ok(mut blocked) = self.blocked.lock() else {
            return true;
        };
        match blocked.get(&ip) {
            Some(until) if *until > Instant::now() => true,
            Some(_) => {
                blocked.remove(&ip);
                false
            }
            None => false,
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
        self.misses.retain_recent();
        if let Ok(mut blocked) = self.blocked.lock() {
            let now = Instant::now();
            blocked.retain(|_, until| *until > now);
        }
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
    fn guessing_stays_refused_when_request_cells_refill() {
        let limits = Limits::default();
        let guesser = ip("192.0.2.9");
        for _ in 0..CODE_MISSES_PER_MINUTE {
            assert!(limits.code_request(guesser));
            limits.code_miss(guesser);
        }
        assert!(!limits.code_request(guesser), "failures used up");
        // Request cells refill every 100 ms; failures only every 2 s.
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            !limits.code_request(guesser),
            "a refilled request cell buys no guess"
        );
        assert!(
            limits.code_request(ip("192.0.2.10")),
            "others are not affected"
        );
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
