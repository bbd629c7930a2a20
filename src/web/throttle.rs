//! Slows password guessing, from one source and from many at once.
//!
//! A source is an IPv4 address or an IPv6 /64: one subscriber usually holds a whole /64, so
//! counting single IPv6 addresses would give one attacker billions of fresh starts. After
//! `FREE_FAILURES`, each failure from a source is answered after a growing delay, and any
//! attempt from it during that delay is refused unchecked (so parallel connections do not buy
//! more guesses).
//!
//! Rotating sources get past that, so failures from everywhere also fill one global bucket
//! that drains slowly. While it is over its budget every password check, right or wrong, waits
//! its turn (one every `GLOBAL_SPACING`), and an attempt whose turn is more than
//! `GLOBAL_MAX_WAIT` away is refused: guessing is bounded for everyone together, and the
//! organizer's own login is slowed by seconds, not locked out for long.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::config::LoginLimits;

/// Failures allowed from one source before answers slow down.
const FREE_FAILURES: u32 = 3;
const MAX_DELAY: Duration = Duration::from_secs(8);
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);
/// How fast the global bucket drains, failures a second: a budget's worth a minute.
const GLOBAL_DRAIN_PER_MINUTE: f64 = 30.0;
const GLOBAL_SPACING: Duration = Duration::from_millis(500);
const GLOBAL_MAX_WAIT: Duration = Duration::from_secs(5);

/// What a login attempt may do before its password is looked at.
#[derive(Debug, PartialEq)]
pub(super) enum Gate {
    /// Check the password after waiting this long (zero unless the global budget is spent).
    Check(Duration),
    /// This source is inside the delay of its last failure.
    Blocked,
    /// Too many attempts from everywhere are already waiting.
    Busy,
}

pub(super) struct Throttle {
    limits: LoginLimits,
    inner: Mutex<Inner>,
}

struct Inner {
    sources: HashMap<IpAddr, Failures>,
    global: Global,
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

struct Global {
    /// Recent failures from everywhere, drained over time; capped so that an attack's end is
    /// followed by normal logins within minutes.
    level: f64,
    updated: Instant,
    /// When the next password check may run while the budget is spent.
    next_turn: Instant,
}

/// The source an address counts for: itself for IPv4 (IPv4-mapped IPv6 included), its /64
/// for IPv6.
fn source(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        v4 => v4,
    }
}

fn delay_after(failures: u32) -> Duration {
    match failures.checked_sub(FREE_FAILURES + 1) {
        None => Duration::ZERO,
        Some(extra) => {
            (Duration::from_millis(500) * 2u32.saturating_pow(extra.min(10))).min(MAX_DELAY)
        }
    }
}

impl Global {
    fn drain(&mut self, now: Instant) {
        let minutes = now.duration_since(self.updated).as_secs_f64() / 60.0;
        self.level = (self.level - minutes * GLOBAL_DRAIN_PER_MINUTE).max(0.0);
        self.updated = now;
    }
}

impl Throttle {
    pub(super) fn new(limits: LoginLimits) -> Throttle {
        let now = Instant::now();
        Throttle {
            limits,
            inner: Mutex::new(Inner {
                sources: HashMap::new(),
                global: Global {
                    level: 0.0,
                    updated: now,
                    next_turn: now,
                },
            }),
        }
    }

    fn inner(&self) -> parking_lot::MutexGuard<'_, Inner> {
        self.inner.lock()
    }

    /// Whether (and when) a password from `ip` may be checked.
    pub(super) fn admit(&self, ip: Option<IpAddr>) -> Gate {
        let now = Instant::now();
        let mut inner = self.inner();
        let blocked = ip
            .and_then(|ip| inner.sources.get(&source(ip)))
            .is_some_and(|f| now.duration_since(f.last) < delay_after(f.count));
        if blocked {
            return Gate::Blocked;
        }
        let global = &mut inner.global;
        global.drain(now);
        if global.level <= f64::from(self.limits.global_free) {
            return Gate::Check(Duration::ZERO);
        }
        let turn = global.next_turn.max(now);
        let wait = turn - now;
        if wait > GLOBAL_MAX_WAIT {
            return Gate::Busy;
        }
        global.next_turn = turn + GLOBAL_SPACING;
        Gate::Check(wait)
    }

    /// Records a failure and returns how long to wait before answering it.
    pub(super) fn failed(&self, ip: Option<IpAddr>) -> Duration {
        let now = Instant::now();
        let mut inner = self.inner();
        let budget = f64::from(self.limits.global_free);
        inner.global.drain(now);
        inner.global.level = (inner.global.level + 1.0).min(budget * 2.0 + 1.0);
        let Some(ip) = ip.map(source) else {
            return Duration::ZERO;
        };
        if !inner.sources.contains_key(&ip) && inner.sources.len() >= self.limits.sources {
            self.make_room(&mut inner.sources, now);
        }
        let entry = inner.sources.entry(ip).or_insert(Failures {
            count: 0,
            last: now,
        });
        if now.duration_since(entry.last) >= FORGET_AFTER {
            entry.count = 0;
        }
        *entry = Failures {
            count: entry.count + 1,
            last: now,
        };
        delay_after(entry.count)
    }

    /// Forgets what has expired, then, if still full, the sixteenth with the least at stake:
    /// fewest failures first, oldest first among equals. A flood of fresh sources (one
    /// failure each) so evicts itself and never a source that has earned a delay; clearing
    /// the whole table, as before, handed every delayed source a fresh start.
    fn make_room(&self, sources: &mut HashMap<IpAddr, Failures>, now: Instant) {
        sources.retain(|_, f| now.duration_since(f.last) < FORGET_AFTER);
        if sources.len() < self.limits.sources {
            return;
        }
        let mut ranked: Vec<(u32, Instant, IpAddr)> = sources
            .iter()
            .map(|(ip, f)| (f.count, f.last, *ip))
            .collect();
        let evict = (ranked.len() / 16).max(1);
        ranked.select_nth_unstable(evict - 1);
        for (_, _, ip) in &ranked[..evict] {
            sources.remove(ip);
        }
    }

    pub(super) fn succeeded(&self, ip: Option<IpAddr>) {
        if let Some(ip) = ip {
            self.inner().sources.remove(&source(ip));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(n: u32) -> IpAddr {
        IpAddr::V4(n.into())
    }

    #[test]
    fn ipv6_counts_by_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2::a".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:1:2:3".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::a".parse().unwrap();
        assert_eq!(source(a), source(b));
        assert_ne!(source(a), source(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(source(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn a_full_table_forgets_single_failures_before_a_delayed_source() {
        let throttle = Throttle::new(LoginLimits {
            sources: 32,
            global_free: 1_000,
        });
        let victim: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..5 {
            throttle.failed(Some(victim));
        }
        for i in 0..500u32 {
            throttle.failed(Some(v4(0x0a00_0000 + i)));
        }
        assert!(throttle.inner().sources.len() <= 32);
        assert_eq!(throttle.admit(Some(victim)), Gate::Blocked);
        assert_eq!(throttle.failed(Some(victim)), delay_after(6));
    }

    #[test]
    fn a_spent_global_budget_spaces_checks_and_refuses_past_the_bound() {
        let throttle = Throttle::new(LoginLimits {
            sources: 100,
            global_free: 2,
        });
        for i in 0..3u32 {
            throttle.failed(Some(v4(0x0a00_0000 + i)));
        }
        let fresh = Some(v4(0x0b00_0000));
        let waits: Vec<Gate> = (0..12).map(|_| throttle.admit(fresh)).collect();
        assert_eq!(waits[0], Gate::Check(Duration::ZERO));
        assert!(
            matches!(waits[1], Gate::Check(d) if d >= GLOBAL_SPACING - Duration::from_millis(50))
        );
        assert_eq!(waits[11], Gate::Busy, "{waits:?}");
    }
}
