//! The fast path for the commonest request: one cancel by `order_id` (a kill switch
//! pre-signs thousands of them), read straight from the request text.
//!
//! [`parse_fast`] accepts only the plainest form of `cancel_order`, `cancel_stop_order` and
//! `cancel_twap_order`: the fields `venue`, `action`, `expiry_window`, `params` with
//! exactly `symbol` and `order_id`, and optionally `transport`, `timestamp` and
//! `account`; each key once, no escapes in keys or strings, integers as plain JSON
//! integers. It never refuses anything: whatever it does not accept in full (a value out
//! of range, an unknown field, a duplicate key, an escape, a null) it hands back as `None`,
//! and the general path ([`crate::parse`] over [`airsign_core::Request`]) decides, and
//! words the error. So every error still comes from one place, and a request the fast path
//! takes gives exactly the envelope the general path gives (a property test and the
//! `request` fuzz target check that, and every reference vector runs through it).
//!
//! What it saves is the general JSON value tree: parsing into it, moving it into a
//! `Request` and validating from it cost about as much again as writing the envelope.

use airsign_core::json::fast::{self, Fields, Obj, not_fast, once};
use airsign_core::{Context, Envelope, Result, Transport, timestamp_in_range};
use airsign_keys::{Key, decode_base58_32};
use serde::de::MapAccess;
use serde_json::{Map, Value};

use crate::{
    MAINNET_REST, MAINNET_WS, MAX_SYMBOL_CHARS, Op, Operation, PacificaRequest, SignatureType,
};

/// Signs `text` through the fast path when it takes the request (see the module docs);
/// `None` means: use the general path.
pub fn build_fast(text: &str, keys: &Key, ctx: &Context<'_>) -> Option<Result<Envelope>> {
    let p = parse_fast(text, ctx)?;
    Some(airsign_core::venue::sign_parsed(&crate::VENUE, &p, keys))
}

/// The validated request, when `text` is the plain form the fast path takes; else `None`
/// (never an error: the general path words those).
pub fn parse_fast(text: &str, ctx: &Context<'_>) -> Option<PacificaRequest> {
    // Escapes, non-ASCII text and `-0` take the general path, which applies the one
    // character and number rule (airsign_core::text).
    if !airsign_core::text::plain(text) {
        return None;
    }
    let Obj(line) = serde_json::from_str::<Obj<Line<'_>>>(text).ok()?;
    let op = match line.action? {
        "cancel_order" => Op::CancelOrder,
        "cancel_stop_order" => Op::CancelStopOrder,
        "cancel_twap_order" => Op::CancelTwapOrder,
        _ => return None,
    };
    let transport = match line.transport {
        None | Some("rest") => Transport::Rest,
        Some("ws") if op.has_ws() => Transport::Ws,
        Some(_) => return None,
    };
    // A clock that cannot say (see `Clock::now_checked`) leaves the words to the general path.
    let timestamp = match line.timestamp {
        Some(t) => t,
        None => ctx.clock.now_checked().ok()?,
    };
    let expiry_window = line.expiry_window.filter(|&w| w > 0)?;
    if !timestamp_in_range(timestamp) || timestamp.checked_add(expiry_window).is_none() {
        return None;
    }
    let account = match line.account {
        None => None,
        Some(a) => Some(decode_base58_32(a)?),
    };
    let params = line.params?;
    let symbol = params.symbol?;
    let order_id = params.order_id?;
    if symbol.is_empty() || symbol.chars().count() > MAX_SYMBOL_CHARS {
        return None;
    }
    // The body carries the fields in request order.
    let mut data = Map::with_capacity(2);
    let symbol = ("symbol".to_owned(), Value::String(symbol.to_owned()));
    let order_id = ("order_id".to_owned(), Value::from(order_id));
    let (first, second) = if params.symbol_first {
        (symbol, order_id)
    } else {
        (order_id, symbol)
    };
    data.insert(first.0, first.1);
    data.insert(second.0, second.1);
    Some(PacificaRequest {
        operations: vec![Operation { op, data }],
        batch: false,
        transport,
        host: match transport {
            Transport::Rest => MAINNET_REST,
            Transport::Ws => MAINNET_WS,
        }
        .to_owned(),
        timestamp,
        expiry_window,
        account,
        signature_type: SignatureType::Software,
        ws_id: match transport {
            Transport::Rest => None,
            Transport::Ws => Some(ctx.ids.uuid_v4()),
        },
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
    expiry_window: Option<u64>,
    account: Option<&'a str>,
    params: Option<Params<'a>>,
}

/// `params`: exactly `symbol` and `order_id`, and which came first.
#[derive(Default)]
struct Params<'a> {
    symbol: Option<&'a str>,
    order_id: Option<u64>,
    symbol_first: bool,
}

impl<'de> Fields<'de> for Line<'de> {
    const WHAT: &'static str = "a plain Pacifica cancel";
    fn field<A: MapAccess<'de>>(&mut self, key: &'de str, m: &mut A) -> Result<(), A::Error> {
        match key {
            "venue" => fast::venue(m, &mut self.venue, "pacifica"),
            "action" => once(&mut self.action, m.next_value()?),
            "transport" => once(&mut self.transport, m.next_value()?),
            "timestamp" => once(&mut self.timestamp, m.next_value()?),
            "expiry_window" => once(&mut self.expiry_window, m.next_value()?),
            "account" => once(&mut self.account, m.next_value()?),
            "params" => once(&mut self.params, m.next_value::<Obj<_>>()?.0),
            _ => Err(not_fast()),
        }
    }
    fn complete(&self) -> bool {
        self.venue.is_some()
    }
}

impl<'de> Fields<'de> for Params<'de> {
    const WHAT: &'static str = "symbol and order_id";
    fn field<A: MapAccess<'de>>(&mut self, key: &'de str, m: &mut A) -> Result<(), A::Error> {
        match key {
            "symbol" => {
                self.symbol_first = self.order_id.is_none();
                once(&mut self.symbol, m.next_value()?)
            }
            "order_id" => once(&mut self.order_id, m.next_value()?),
            _ => Err(not_fast()),
        }
    }
}
