//! The fast path for the commonest request: `cancel` of one order by id (a kill switch
//! pre-signs thousands of them), read straight from the request text.
//!
//! [`parse_fast`] accepts only the plainest form: the fields `venue`, `action` (`cancel`),
//! `params` with exactly `instrument_name`, `order_id` and `subaccount_id`, and optionally
//! `transport`, `timestamp` and `wallet`; each key once, no escapes in keys or strings,
//! integers as plain JSON integers, no `id` (it takes the next id from the context, as the
//! general path does, and only once it has taken the request). It never refuses anything:
//! whatever it does not accept in full it hands back as `None`, and the general path
//! ([`crate::parse`] over [`airsign_core::Request`]) decides and words the error. A request
//! it takes gives exactly the envelope the general path gives (a property test and the
//! `request` fuzz target check that; every reference vector runs through it).

use airsign_core::json::fast::{self, Fields, Obj, not_fast, once};
use airsign_core::validate::is_canonical_uuid;
use airsign_core::{Context, Envelope, Result, Transport, timestamp_in_range};
use airsign_keys::Key;
use airsign_keys::eth::Address;
use serde::de::MapAccess;
use serde_json::{Map, Value};

use crate::{Action, DeriveRequest, MAINNET_HOST};

/// Signs `text` through the fast path when it takes the request (see the module docs);
/// `None` means: use the general path.
pub fn build_fast(text: &str, keys: &Key, ctx: &Context<'_>) -> Option<Result<Envelope>> {
    let p = parse_fast(text, ctx)?;
    Some(airsign_core::venue::sign_parsed(&crate::VENUE, &p, keys))
}

/// The validated request, when `text` is the plain form the fast path takes; else `None`.
/// Takes the next id from `ctx` only when it takes the request.
pub fn parse_fast(text: &str, ctx: &Context<'_>) -> Option<DeriveRequest> {
    // Escapes, non-ASCII text and `-0` take the general path, which applies the one
    // character and number rule (airsign_core::text).
    if !airsign_core::text::plain(text) {
        return None;
    }
    let Obj(mut line) = serde_json::from_str::<Obj<Line<'_>>>(text).ok()?;
    let id = match line.id.take() {
        None => None,
        Some(v) => Some(crate::request::check_id(&v).ok()?),
    };
    let checked = check(line, ctx)?;
    // Taken: only now a fresh id (the general path takes one for a request without `id`).
    Some(checked(id.unwrap_or_else(|| Value::from(ctx.ids.int_id()))))
}

/// Everything but the id, checked; the request once given its id.
fn check(line: Line<'_>, ctx: &Context<'_>) -> Option<impl FnOnce(Value) -> DeriveRequest> {
    let action = Action::Cancel;
    if line.action? != action.name() {
        return None;
    }
    let transport = match line.transport {
        None | Some("rest") => Transport::Rest,
        Some("ws") => Transport::Ws,
        Some(_) => return None,
    };
    if !action.transports().contains(&transport) {
        return None;
    }
    // A clock that cannot say (see `Clock::now_checked`) leaves the words to the general path.
    let timestamp = match line.timestamp {
        Some(t) => t,
        None => ctx.clock.now_checked().ok()?,
    };
    if !timestamp_in_range(timestamp) {
        return None;
    }
    let wallet = match line.wallet {
        None => None,
        Some(w) => Some(Address::parse("wallet", w).ok()?),
    };
    let p = line.params?;
    let (name, order_id, sub) = (p.instrument_name?, p.order_id?, p.subaccount_id?);
    if name.is_empty() || !is_canonical_uuid(order_id) || i64::try_from(sub).is_err() {
        return None;
    }
    // The body carries the params in request order.
    let mut params = Map::with_capacity(3);
    for field in p.order {
        let (k, v) = match field {
            Field::InstrumentName => ("instrument_name", Value::from(name)),
            Field::OrderId => ("order_id", Value::from(order_id)),
            Field::SubaccountId => ("subaccount_id", Value::from(sub)),
        };
        params.insert(k.to_owned(), v);
    }
    let scheme = match transport {
        Transport::Rest => "https://",
        Transport::Ws => "wss://",
    };
    let base = [scheme, MAINNET_HOST].concat();
    Some(move |id| DeriveRequest {
        action,
        transport,
        base,
        wallet,
        timestamp,
        params,
        id,
    })
}

/// The top level as the fast path reads it. Any key or value it does not take makes the
/// parse fail, which only means "not the fast path".
#[derive(Default)]
struct Line<'a> {
    venue: Option<&'a str>,
    action: Option<&'a str>,
    transport: Option<&'a str>,
    timestamp: Option<u64>,
    wallet: Option<&'a str>,
    id: Option<Value>,
    params: Option<Params<'a>>,
}

#[derive(Clone, Copy)]
enum Field {
    InstrumentName,
    OrderId,
    SubaccountId,
}

/// `params`: exactly the three fields of a `cancel`, and their order.
#[derive(Default)]
struct Params<'a> {
    instrument_name: Option<&'a str>,
    order_id: Option<&'a str>,
    subaccount_id: Option<u64>,
    order: Vec<Field>,
}

impl<'de> Fields<'de> for Line<'de> {
    const WHAT: &'static str = "a plain Derive cancel";
    fn field<A: MapAccess<'de>>(&mut self, key: &'de str, m: &mut A) -> Result<(), A::Error> {
        match key {
            "venue" => fast::venue(m, &mut self.venue, "derive"),
            "action" => once(&mut self.action, m.next_value()?),
            "transport" => once(&mut self.transport, m.next_value()?),
            "timestamp" => once(&mut self.timestamp, m.next_value()?),
            "wallet" => once(&mut self.wallet, m.next_value()?),
            "id" => once(&mut self.id, m.next_value()?),
            "params" => once(&mut self.params, m.next_value::<Obj<_>>()?.0),
            _ => Err(not_fast()),
        }
    }
    fn complete(&self) -> bool {
        self.venue.is_some()
    }
}

impl<'de> Fields<'de> for Params<'de> {
    const WHAT: &'static str = "instrument_name, order_id and subaccount_id";
    fn field<A: MapAccess<'de>>(&mut self, key: &'de str, m: &mut A) -> Result<(), A::Error> {
        let field = match key {
            "instrument_name" => {
                once(&mut self.instrument_name, m.next_value()?)?;
                Field::InstrumentName
            }
            "order_id" => {
                once(&mut self.order_id, m.next_value()?)?;
                Field::OrderId
            }
            "subaccount_id" => {
                once(&mut self.subaccount_id, m.next_value()?)?;
                Field::SubaccountId
            }
            _ => return Err(not_fast()),
        };
        self.order.push(field);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use airsign_core::Request;

    fn both(text: &str) -> (Option<DeriveRequest>, DeriveRequest) {
        let fast = Context::fixed(1_700_000_000_000, |ctx| parse_fast(text, ctx));
        let general = Context::fixed(1_700_000_000_000, |ctx| {
            crate::parse(&Request::parse(text)?, ctx)
        })
        .unwrap();
        (fast, general)
    }

    #[test]
    fn takes_the_plain_cancel_exactly_as_the_general_path() {
        for text in [
            r#"{"venue":"derive","action":"cancel","params":{"instrument_name":"ETH-PERP","order_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":12345}}"#,
            r#"{"venue":"derive","action":"cancel","transport":"ws","timestamp":1700000000001,"wallet":"0xAeCd5D1257167020ED09CA8F0F94cbCdC68CBC81","params":{"subaccount_id":1,"order_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","instrument_name":"BTC-PERP"}}"#,
        ] {
            let (fast, general) = both(text);
            assert_eq!(fast, Some(general), "{text}");
        }
    }

    #[test]
    fn hands_anything_else_to_the_general_path() {
        for text in [
            r#"{"venue":"derive","action":"cancel_all","params":{"subaccount_id":1}}"#,
            r#"{"venue":"derive","action":"cancel","environment":"testnet","params":{"instrument_name":"ETH-PERP","order_id":"3d0958f3-2ec2-4502-974c-65c64cc9ac88","subaccount_id":1}}"#,
            r#"{"venue":"derive","action":"cancel","params":{"instrument_name":"ETH-PERP","order_id":"3D0958F3-2EC2-4502-974C-65C64CC9AC88","subaccount_id":1}}"#,
        ] {
            let fast = Context::fixed(1_700_000_000_000, |ctx| parse_fast(text, ctx));
            assert_eq!(fast, None, "{text}");
        }
    }
}
