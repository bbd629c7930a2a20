//! What a user agent says about its client, remembered per worker thread.
//!
//! Classifying a user agent lowercases it and looks for some sixty substrings: about a
//! microsecond on every scan. An exhibition's visitors come with a few hundred distinct user
//! agents at most, so each web worker keeps the answers for the last `KEEP` it saw. The cache
//! is bounded (cleared when full; an agent longer than `LONGEST` bytes is not kept), so a
//! client sending a new user agent with every request costs a classification each time and
//! no more memory. Prefetch is a request header, not part of the agent: it is applied after.

use std::cell::RefCell;

use crate::visitor::{self, Client};

/// The most user agents a worker remembers.
const KEEP: usize = 512;

/// The longest user agent kept (real browsers send 100 to 300 bytes).
const LONGEST: usize = 512;

thread_local! {
    static SEEN: RefCell<foldhash::HashMap<Box<str>, Client>> = RefCell::default();
}

/// The client behind a user agent, as `visitor::classify` says, with a prefetch counted as a bot.
pub(super) fn classify(user_agent: &str, prefetch: bool) -> Client {
    let mut client = SEEN.with_borrow_mut(|seen| {
        if let Some(client) = seen.get(user_agent) {
            return *client;
        }
        let client = visitor::classify(user_agent, false);
        if user_agent.len() <= LONGEST {
            if seen.len() >= KEEP {
                seen.clear();
            }
            seen.insert(user_agent.into(), client);
        }
        client
    });
    client.bot |= prefetch;
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    const WECHAT: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN";

    #[test]
    fn a_remembered_agent_answers_as_a_fresh_classification_and_prefetch_still_counts() {
        for prefetch in [false, true, false] {
            assert_eq!(
                classify(WECHAT, prefetch),
                visitor::classify(WECHAT, prefetch)
            );
            assert_eq!(classify("", prefetch), visitor::classify("", prefetch));
        }
        assert!(classify(WECHAT, true).bot, "a prefetch is never a visitor");
        assert!(!classify(WECHAT, false).bot);
    }

    #[test]
    fn the_cache_stays_bounded_under_ever_new_agents() {
        for i in 0..(KEEP * 3) {
            let agent = format!("Mozilla/5.0 (Linux; Android 14) Chrome/{i} Mobile");
            assert_eq!(classify(&agent, false), visitor::classify(&agent, false));
        }
        let long = format!("Mozilla/5.0 {}", "x".repeat(LONGEST));
        assert_eq!(classify(&long, false), visitor::classify(&long, false));
        SEEN.with_borrow(|seen| {
            assert!(seen.len() <= KEEP, "{} agents kept", seen.len());
            assert!(
                !seen.contains_key(long.as_str()),
                "an overlong agent is not kept"
            );
        });
    }
}
