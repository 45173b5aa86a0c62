//! The fast path for the commonest request: a plain `cancel` by order id (a kill switch
//! signs thousands), read straight from the request text.
//!
//! [`parse_fast`] takes only the plainest form: the fields `venue`, `action` (`cancel`),
//! `params` with exactly `cancels` (1 or more `{"a","o"}` objects, `a` in u32, `o` in u64,
//! plain JSON integers), and optionally `transport` and `timestamp`; each key once, no
//! escapes in keys or strings. No `environment`, `base_url`, `vault_address`,
//! `expires_after` or `id`. It never refuses anything: whatever it does not take in full
//! it hands back as `None`, and the general path (`request::parse`) decides and words the
//! error. A request it takes gives exactly the envelope the general path gives (a property
//! test checks that; every reference vector runs through it).

use airsign_core::json::fast::{self, Fields, Obj, not_fast, once};
use airsign_core::{Context, Result, Transport, timestamp_in_range};
use serde::de::MapAccess;

use crate::action::ActionData;
use crate::request::{Environment, HlRequest};

/// The validated request, when `text` is the plain form the fast path takes; else `None`.
/// Takes an id from `ctx` only when it takes the request (as the general path does).
pub(crate) fn parse_fast(text: &str, ctx: &Context<'_>) -> Option<HlRequest> {
    let Obj(line) = serde_json::from_str::<Obj<Line<'_>>>(text).ok()?;
    if line.action? != "cancel" {
        return None;
    }
    let transport = match line.transport {
        None | Some("rest") => Transport::Rest,
        Some("ws") => Transport::Ws,
        Some(_) => return None,
    };
    // A clock that cannot say (see `Clock::now_checked`) leaves the words to the general path.
    let nonce = match line.timestamp {
        Some(t) => t,
        None => ctx.clock.now_checked().ok()?,
    };
    if !timestamp_in_range(nonce) {
        return None;
    }
    let cancels = line.params?.cancels?;
    if cancels.is_empty() {
        return None;
    }
    let mut items = Vec::with_capacity(cancels.len());
    for Obj(c) in cancels {
        items.push((c.a?, c.o?));
    }
    let environment = Environment::Mainnet;
    Some(HlRequest {
        action: ActionData::Cancel(items),
        transport,
        environment,
        base: environment.base(transport).to_owned(),
        nonce,
        vault_address: None,
        expires_after: None,
        id: ctx.ids.int_id(),
    })
}

/// The top level as the fast path reads it; any other key makes the parse fail, which
/// only means "not the fast path".
#[derive(Default)]
struct Line<'a> {
    venue: Option<&'a str>,
    action: Option<&'a str>,
    transport: Option<&'a str>,
    timestamp: Option<u64>,
    params: Option<Params>,
}

/// `params`: exactly `cancels`.
#[derive(Default)]
struct Params {
    cancels: Option<Vec<Obj<Cancel>>>,
}

/// One cancel: exactly `a` and `o`, in either order.
#[derive(Default)]
struct Cancel {
    a: Option<u32>,
    o: Option<u64>,
}

impl<'de> Fields<'de> for Line<'de> {
    const WHAT: &'static str = "a plain Hyperliquid cancel";
    fn field<A: MapAccess<'de>>(&mut self, key: &'de str, m: &mut A) -> Result<(), A::Error> {
        match key {
            "venue" => fast::venue(m, &mut self.venue, crate::NAME),
            "action" => once(&mut self.action, m.next_value()?),
            "transport" => once(&mut self.transport, m.next_value()?),
            "timestamp" => once(&mut self.timestamp, m.next_value()?),
            "params" => once(&mut self.params, m.next_value::<Obj<_>>()?.0),
            _ => Err(not_fast()),
        }
    }
    fn complete(&self) -> bool {
        self.venue.is_some()
    }
}

impl<'de> Fields<'de> for Params {
    const WHAT: &'static str = "cancels";
    fn field<A: MapAccess<'de>>(&mut self, key: &'de str, m: &mut A) -> Result<(), A::Error> {
        match key {
            "cancels" => once(&mut self.cancels, m.next_value()?),
            _ => Err(not_fast()),
        }
    }
}

impl<'de> Fields<'de> for Cancel {
    const WHAT: &'static str = "a and o";
    fn field<A: MapAccess<'de>>(&mut self, key: &'de str, m: &mut A) -> Result<(), A::Error> {
        match key {
            "a" => once(&mut self.a, m.next_value()?),
            "o" => once(&mut self.o, m.next_value()?),
            _ => Err(not_fast()),
        }
    }
    fn complete(&self) -> bool {
        self.a.is_some() && self.o.is_some()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use airsign_core::Request;

    #[test]
    fn the_plain_reference_cancels_take_the_fast_path_to_the_same_request() {
        let text = include_str!("../../../vectors/hyperliquid.jsonl");
        let mut taken = Vec::new();
        for line in text.lines() {
            let case: serde_json::Value = serde_json::from_str(line).unwrap();
            let req = case["request"].to_string();
            let fast = Context::fixed(0, |ctx| parse_fast(&req, ctx));
            let general =
                Context::fixed(0, |ctx| crate::request::parse(&Request::parse(&req)?, ctx));
            if let Some(f) = fast {
                assert_eq!(Ok(f), general, "{req}");
                taken.push(case["name"].as_str().unwrap().to_owned());
            }
        }
        for name in [
            "cancel-one",
            "cancel-many",
            "cancel-spot-asset",
            "cancel-hip3-asset",
        ] {
            assert!(
                taken.iter().any(|t| t == name),
                "{name} not taken: {taken:?}"
            );
        }
        // Vault, expiry, ws id, testnet and the refusals all go the general way.
        for name in [
            "cancel-vault",
            "cancel-expires",
            "cancel-ws",
            "err-cancel-empty",
        ] {
            assert!(!taken.iter().any(|t| t == name), "{name} taken");
        }
    }
}
