//! Pacifica (Solana perps): signed cancel requests.
//!
//! Every cancel Pacifica offers (`docs/venues/pacifica.md`, "Actions"): `cancel_order`,
//! `cancel_all_orders`, `cancel_stop_order`, `cancel_twap_order`, `cancel_order_strategy`
//! and cancels inside `batch_orders`, over REST and, where the venue documents it, over
//! WebSocket.
//!
//! The signed message (docs/venues/pacifica.md, "Signed bytes") is the recursively key-sorted compact JSON of
//! `{"data": <payload>, "expiry_window": <ms>, "timestamp": <ms>, "type": <op>}`, written
//! exactly as Python's `json.dumps(..., separators=(",", ":"))` (ASCII-only escapes), signed
//! with pure Ed25519 and carried in base58. [`signing_payload`] builds those bytes without a
//! key; [`build`] signs them and assembles the body. In agent mode (`account` ≠ the signing
//! key) the body adds `agent_wallet`, which is never signed. `signature_type:
//! "hardware"` signs the Solana off-chain message v0 envelope around the same text.
//!
//! This crate does no I/O and never sees key bytes: it asks the keyring for a signer.
//!
//! # Example
//!
//! Sign a cancel with a public test key (seed = SHA-256 of `vector-key-1`; never fund it),
//! with the clock and ids pinned so the bytes are reproducible:
//!
//! ```
//! use airsign_core::{Context, Request};
//! use airsign_keys::{Key, Scheme, SecretBytes};
//!
//! let seed = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
//! let keys = Key::from_bytes("key file", Scheme::Ed25519, SecretBytes::new(seed.as_bytes().to_vec()));
//! let req = Request::parse(
//!     r#"{"venue":"pacifica","action":"cancel_order","timestamp":1748970123456,
//!         "expiry_window":5000,"params":{"symbol":"BTC","order_id":42069}}"#,
//! )?;
//! let env = Context::fixed(1_748_970_123_456, |ctx| airsign_pacifica::build(&req, &keys, ctx))?;
//! assert_eq!(env.url, "https://api.pacifica.fi/api/v1/orders/cancel");
//! assert_eq!(env.signer.as_deref(), Some("vwYrjUyZbzW4ysgdveAQTKngA5XPTr8e6aqs2T4QhSj"));
//! assert_eq!(
//!     env.signed[0].message.as_deref(),
//!     Some(r#"{"data":{"order_id":42069,"symbol":"BTC"},"expiry_window":5000,"timestamp":1748970123456,"type":"cancel_order"}"#)
//! );
//! // The reference vector `co-oid-basic`.
//! assert_eq!(env.signed[0].signature, "5nGd1ZpAyuVFbSE3WX4NxE9zdGWL9mPDTvwjW1fptaKK8LtSfsSJrjb8icaEe4dD5FfAw7Bv6CdKpUxa9oaqi9BY");
//! assert_eq!(env.expires_at, Some(1_748_970_128_456));
//! # Ok::<(), airsign_core::Error>(())
//! ```
#![forbid(unsafe_code)]

use airsign_core::json::{Writer, push_u64};
use airsign_core::validate::{Fields, is_canonical_uuid, value_u64};
use airsign_core::verify::{Verdict, VerifyOptions};
use airsign_core::{Context, Envelope, Error, ErrorCode, Request, Result, Signed, Transport};
use airsign_keys::{
    Ed25519Replay, Ed25519Sign, Key, base58_32, base58_64, decode_base58_32, decode_base58_64,
};
use serde_json::{Map, Value};

mod fast;
pub use fast::{build_fast, parse_fast};

/// Mainnet REST base URL.
pub const MAINNET_REST: &str = "https://api.pacifica.fi";
/// Mainnet WebSocket host.
pub const MAINNET_WS: &str = "wss://ws.pacifica.fi";
/// Testnet REST base URL.
pub const TESTNET_REST: &str = "https://test-api.pacifica.fi";
/// Testnet WebSocket host.
pub const TESTNET_WS: &str = "wss://test-ws.pacifica.fi";

/// Most actions in one batch (the venue's documented batch limit).
pub const MAX_BATCH_ACTIONS: usize = 10;
/// Longest message a Ledger signs in the off-chain format.
pub const MAX_OFFCHAIN_LEN: usize = 1212;
/// Longest symbol accepted: real ones are under 20 characters; this only stops nonsense.
pub const MAX_SYMBOL_CHARS: usize = 64;

/// The actions this venue offers, as named in requests.
pub const ACTIONS: &[&str] = &[
    "cancel_order",
    "cancel_all_orders",
    "cancel_stop_order",
    "cancel_twap_order",
    "cancel_order_strategy",
    "batch_orders",
];

/// What the keyring and the signing policy need to know of pacifica: its key scheme, the
/// request fields a key may pin, and its cancel family (every action is a cancel (`batch_orders` carries only cancels)).
pub const RULES: airsign_keys::VenueRules = airsign_keys::VenueRules {
    venue: "pacifica",
    scheme: airsign_keys::Scheme::Ed25519,
    identity: &["account"],
    cancel_family: airsign_keys::every_action,
};

/// One signable Pacifica operation (the `type` in the signed header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `cancel_order`
    CancelOrder,
    /// `cancel_all_orders`
    CancelAllOrders,
    /// `cancel_stop_order`
    CancelStopOrder,
    /// `cancel_twap_order`
    CancelTwapOrder,
    /// `cancel_order_strategy` (newer docs only)
    CancelOrderStrategy,
}

impl Op {
    /// The op type string that is signed.
    pub const fn type_name(self) -> &'static str {
        match self {
            Self::CancelOrder => "cancel_order",
            Self::CancelAllOrders => "cancel_all_orders",
            Self::CancelStopOrder => "cancel_stop_order",
            Self::CancelTwapOrder => "cancel_twap_order",
            Self::CancelOrderStrategy => "cancel_order_strategy",
        }
    }

    /// The REST path, relative to the host.
    pub const fn rest_path(self) -> &'static str {
        match self {
            Self::CancelOrder => "/api/v1/orders/cancel",
            Self::CancelAllOrders => "/api/v1/orders/cancel_all",
            Self::CancelStopOrder => "/api/v1/orders/stop/cancel",
            Self::CancelTwapOrder => "/api/v1/orders/twap/cancel",
            Self::CancelOrderStrategy => "/api/v1/order_strategies/cancel",
        }
    }

    /// Whether the venue documents a WebSocket method for it (only these two).
    pub const fn has_ws(self) -> bool {
        matches!(self, Self::CancelOrder | Self::CancelAllOrders)
    }

    /// The batch action `type` that carries this op, if it may appear in a batch.
    pub const fn batch_type(self) -> Option<&'static str> {
        match self {
            Self::CancelOrder => Some("Cancel"),
            Self::CancelStopOrder => Some("CancelStopOrder"),
            _ => None,
        }
    }

    fn from_action(a: &str) -> Option<Self> {
        Some(match a {
            "cancel_order" => Self::CancelOrder,
            "cancel_all_orders" => Self::CancelAllOrders,
            "cancel_stop_order" => Self::CancelStopOrder,
            "cancel_twap_order" => Self::CancelTwapOrder,
            "cancel_order_strategy" => Self::CancelOrderStrategy,
            _ => return None,
        })
    }

    fn from_batch_type(t: &str) -> Option<Self> {
        match t {
            "Cancel" => Some(Self::CancelOrder),
            "CancelStopOrder" => Some(Self::CancelStopOrder),
            _ => None,
        }
    }
}

/// A validated operation: its op type and its payload fields in request order.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The op type.
    pub op: Op,
    /// The payload fields (signed under `data`, flattened into the body).
    pub data: Map<String, Value>,
}

/// How the signature is produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureType {
    /// Ed25519 over the JSON text itself.
    Software,
    /// Ed25519 over the Solana off-chain message v0 envelope of the JSON text (Ledger).
    Hardware,
}

/// A validated Pacifica request.
#[derive(Debug, Clone, PartialEq)]
pub struct PacificaRequest {
    /// The operations: one, or 1–10 for `batch_orders`.
    pub operations: Vec<Operation>,
    /// Whether this is a `batch_orders` request.
    pub batch: bool,
    /// `rest` or `ws`.
    pub transport: Transport,
    /// The REST base or WebSocket host, without a trailing `/`.
    pub host: String,
    /// Milliseconds since the epoch (signed).
    pub timestamp: u64,
    /// Milliseconds the signature stays valid (signed).
    pub expiry_window: u64,
    /// The trading account named in the request, if any (decoded public key).
    pub account: Option<[u8; 32]>,
    /// Software or hardware signing.
    pub signature_type: SignatureType,
    /// The WebSocket request id (a UUID), when given.
    pub ws_id: Option<String>,
}

/// Validates a request for Pacifica: action, transport, fields, ids, ranges (docs/venues/pacifica.md, "Request fields").
pub fn parse(req: &Request, ctx: &Context<'_>) -> Result<PacificaRequest> {
    req.allow_extra(&["expiry_window", "account", "signature_type"])?;
    let batch = req.action == "batch_orders";
    let single = Op::from_action(&req.action);
    if !batch && single.is_none() {
        return Err(req.unknown_action(ACTIONS));
    }
    match single {
        Some(op) if !op.has_ws() => req.require_transport(&[Transport::Rest])?,
        _ => req.require_transport(&[Transport::Rest, Transport::Ws])?,
    }
    let host = host_for(req)?;
    let timestamp = req.timestamp_or_now(ctx)?;
    let expiry_window = match req.extra.get("expiry_window") {
        // The contract names a default of 30000, but the reference vector
        // `err-co-no-expiry-window` refuses an omitted window (the SDK cannot sign without
        // it, and the signed bytes for an omitted one are undocumented). The vector wins.
        None => {
            return Err(Error::missing(
                "expiry_window",
                "milliseconds the signature stays valid (30000 is the venue's default)",
            ));
        }
        Some(v) => value_u64("expiry_window", v)?,
    };
    if expiry_window == 0 {
        return Err(Error::invalid_text(
            "expiry_window",
            "at least 1 millisecond (30000 is the venue's default); carrying a request \
             across an air gap takes seconds",
            "0 (the request would be expired on arrival)",
        ));
    }
    if timestamp.checked_add(expiry_window).is_none() {
        return Err(Error::invalid_text(
            "expiry_window",
            "a window that does not overflow timestamp + expiry_window",
            &expiry_window.to_string(),
        ));
    }
    let account = match req.extra.get("account") {
        None => None,
        Some(Value::String(s)) => Some(decode_base58_32(s).ok_or_else(|| {
            Error::invalid(
                "account",
                "a base58 ed25519 public key of exactly 32 bytes",
                &Value::from(s.as_str()),
            )
        })?),
        Some(v) => return Err(Error::invalid("account", "a base58 public key string", v)),
    };
    let signature_type = match req.extra.get("signature_type") {
        None => SignatureType::Software,
        Some(Value::String(s)) if s == "software" => SignatureType::Software,
        Some(Value::String(s)) if s == "hardware" => SignatureType::Hardware,
        Some(v) => {
            return Err(Error::invalid(
                "signature_type",
                "\"software\" or \"hardware\"",
                v,
            ));
        }
    };
    let ws_id = match (&req.id, req.transport) {
        (None, _) => None,
        (Some(Value::String(s)), Transport::Ws) if is_canonical_uuid(s) => Some(s.clone()),
        (Some(v), Transport::Ws) => {
            return Err(Error::invalid(
                "id",
                "a UUID string in canonical lowercase form (Pacifica echoes it back)",
                v,
            ));
        }
        (Some(_), Transport::Rest) => {
            return Err(Error::new(
                ErrorCode::RequestUnknownField,
                Some("id"),
                "Pacifica REST requests carry no id; it is for transport \"ws\" only",
            ));
        }
    };
    let operations = match single {
        Some(op) => {
            let f = Fields::new(&req.params, "params", allowed_fields(op))?;
            vec![operation(op, &f)?]
        }
        None => batch_operations(&req.params)?,
    };
    Ok(PacificaRequest {
        operations,
        batch,
        transport: req.transport,
        host,
        timestamp,
        expiry_window,
        account,
        signature_type,
        ws_id,
    })
}

fn host_for(req: &Request) -> Result<String> {
    if let Some(base) = &req.base_url {
        let want = match req.transport {
            Transport::Rest => "https://",
            Transport::Ws => "wss://",
        };
        if !base.starts_with(want) {
            return Err(Error::invalid(
                "base_url",
                &format!("a {want} URL for transport \"{}\"", req.transport.as_str()),
                &Value::from(base.as_str()),
            ));
        }
        return Ok(base.clone());
    }
    let testnet = match req.environment.as_deref() {
        None | Some("mainnet") => false,
        Some("testnet") => true,
        Some(other) => {
            return Err(Error::invalid(
                "environment",
                "\"mainnet\" or \"testnet\"",
                &Value::from(other),
            ));
        }
    };
    Ok(match (req.transport, testnet) {
        (Transport::Rest, false) => MAINNET_REST,
        (Transport::Rest, true) => TESTNET_REST,
        (Transport::Ws, false) => MAINNET_WS,
        (Transport::Ws, true) => TESTNET_WS,
    }
    .to_owned())
}

fn allowed_fields(op: Op) -> &'static [&'static str] {
    match op {
        Op::CancelOrder | Op::CancelStopOrder | Op::CancelTwapOrder => {
            &["symbol", "order_id", "client_order_id"]
        }
        Op::CancelAllOrders => &["all_symbols", "exclude_reduce_only", "symbol"],
        Op::CancelOrderStrategy => &["strategy_id"],
    }
}

fn check_symbol(f: &Fields<'_>) -> Result<()> {
    let s = f.str("symbol")?;
    // Case-sensitive (`kBONK`): never normalised. Non-ASCII is signed as \u escapes,
    // as the Python SDK does (vector co-nonascii-bmp).
    if s.is_empty() || s.chars().count() > MAX_SYMBOL_CHARS {
        return Err(f.invalid(
            "symbol",
            "a market symbol of 1 to 64 characters, case as listed (BTC, kBONK)",
            &Value::from(s),
        ));
    }
    Ok(())
}

fn operation(op: Op, f: &Fields<'_>) -> Result<Operation> {
    match op {
        Op::CancelOrder | Op::CancelStopOrder | Op::CancelTwapOrder => {
            check_symbol(f)?;
            match (f.get("order_id"), f.get("client_order_id")) {
                (Some(_), Some(_)) => {
                    return Err(Error::new(
                        ErrorCode::ParamsInvalid,
                        Some(&f.path("order_id")),
                        "expected exactly one of order_id and client_order_id, saw both \
                         (what the venue does with both is undocumented)",
                    ));
                }
                (None, None) => {
                    return Err(Error::new(
                        ErrorCode::ParamsMissing,
                        Some(&f.path("order_id")),
                        "missing; expected exactly one of order_id (integer) or \
                         client_order_id (UUID)",
                    ));
                }
                (Some(v), None) => {
                    value_u64(&f.path("order_id"), v)?;
                }
                (None, Some(_)) => {
                    f.opt_uuid("client_order_id")?;
                }
            }
        }
        Op::CancelAllOrders => {
            let all = f.bool("all_symbols")?;
            f.bool("exclude_reduce_only")?;
            if f.has("symbol") {
                check_symbol(f)?;
            } else if !all {
                return Err(f.missing(
                    "symbol",
                    "a market symbol (required when all_symbols is false)",
                ));
            }
        }
        Op::CancelOrderStrategy => {
            if f.opt_uuid("strategy_id")?.is_none() {
                return Err(f.missing("strategy_id", "the strategy's UUID"));
            }
        }
    }
    // Every field is checked and only allowed fields exist: keep them in request order
    // for the body; the signed text sorts them.
    let data = f
        .entries()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect();
    Ok(Operation { op, data })
}

fn batch_operations(params: &Map<String, Value>) -> Result<Vec<Operation>> {
    let f = Fields::new(params, "params", &["actions"])?;
    let expected = "an array of 1 to 10 cancel actions";
    let actions = match f.get("actions") {
        None => return Err(f.missing("actions", expected)),
        Some(Value::Array(a)) => a,
        Some(v) => return Err(f.invalid("actions", expected, v)),
    };
    if actions.is_empty() || actions.len() > MAX_BATCH_ACTIONS {
        return Err(Error::invalid_text(
            "params.actions",
            "1 to 10 actions (the venue's batch limit)",
            &format!("{} actions", actions.len()),
        ));
    }
    let mut out = Vec::with_capacity(actions.len());
    for (i, item) in actions.iter().enumerate() {
        let path = format!("params.actions[{i}]");
        let Value::Object(obj) = item else {
            return Err(Error::invalid(&path, "an object with a \"type\"", item));
        };
        let types = "\"Cancel\" or \"CancelStopOrder\" (case-sensitive)";
        let op = match obj.get("type") {
            Some(Value::String(t)) => Op::from_batch_type(t).ok_or_else(|| {
                Error::invalid(&format!("{path}.type"), types, &Value::from(t.as_str()))
            })?,
            Some(v) => return Err(Error::invalid(&format!("{path}.type"), types, v)),
            None => return Err(Error::missing(&format!("{path}.type"), types)),
        };
        let mut fields = obj.clone();
        fields.shift_remove("type");
        let f = Fields::new(&fields, &path, allowed_fields(op))?;
        out.push(operation(op, &f)?);
    }
    Ok(out)
}

/// The signed message for one operation: sorted compact JSON of
/// `{data, expiry_window, timestamp, type}`, ASCII-only. Pure and key-free.
pub fn signing_payload(op: &Operation, timestamp: u64, expiry_window: u64) -> Result<String> {
    // The four header keys are written in their sorted order directly:
    // data < expiry_window < timestamp < type.
    let mut out = String::with_capacity(160);
    out.push_str("{\"data\":");
    Writer::PYTHON_SORTED.write_object(&op.data, &mut out)?;
    out.push_str(",\"expiry_window\":");
    push_u64(&mut out, expiry_window);
    out.push_str(",\"timestamp\":");
    push_u64(&mut out, timestamp);
    out.push_str(",\"type\":\"");
    out.push_str(op.op.type_name());
    out.push_str("\"}");
    Ok(out)
}

/// The Solana off-chain message v0 envelope around `text`: signing domain, version 0,
/// format 0 (restricted ASCII), u16 little-endian length, the text.
pub fn offchain_envelope(text: &str) -> Result<Vec<u8>> {
    let printable = text.bytes().all(|b| (0x20..=0x7e).contains(&b));
    if !printable || text.len() > MAX_OFFCHAIN_LEN {
        return Err(Error::new(
            ErrorCode::ParamsInvalid,
            Some("signature_type"),
            format!(
                "expected a message of at most {MAX_OFFCHAIN_LEN} printable ASCII bytes for \
                 hardware signing, saw {} bytes",
                text.len()
            ),
        ));
    }
    let len = u16::try_from(text.len()).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(20 + text.len());
    out.extend_from_slice(b"\xffsolana offchain");
    out.push(0); // header version
    out.push(0); // format: restricted ASCII
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(text.as_bytes());
    Ok(out)
}

/// Builds the signed envelope for a Pacifica request.
pub fn build(req: &Request, keys: &Key, ctx: &Context<'_>) -> Result<Envelope> {
    let p = parse(req, ctx)?;
    let signer = keys.ed25519()?;
    sign(&p, signer, &req.action, ctx)
}

/// Signs a validated request with `signer` and assembles the envelope.
pub fn sign<S: Ed25519Sign>(
    p: &PacificaRequest,
    signer: &S,
    action: &str,
    ctx: &Context<'_>,
) -> Result<Envelope> {
    let agent = match p.account {
        Some(acc) if acc != *signer.public_key() => Some(acc),
        _ => None,
    };
    let account = match agent {
        Some(acc) => base58_32(&acc),
        None => signer.address().to_owned(),
    };
    // The body is written as text straight away (Python's json.dumps spacing and
    // escapes, via `Writer::PYTHON`), in the order the SDK builds it: account,
    // agent_wallet (agent mode only: the SDK omits it otherwise, never sends null),
    // signature, timestamp, expiry_window, then the payload fields.
    const W: Writer = Writer::PYTHON;
    let mut signed = Vec::with_capacity(p.operations.len());
    let mut payload = String::with_capacity(256 * p.operations.len());
    if p.batch {
        payload.push_str("{\"actions\":[");
    }
    for (i, op) in p.operations.iter().enumerate() {
        let text = signing_payload(op, p.timestamp, p.expiry_window)?;
        let (sig_json, entry) = match p.signature_type {
            SignatureType::Software => {
                let sig = base58_64(&signer.sign(text.as_bytes()));
                let mut json = String::with_capacity(sig.len() + 2);
                W.write_str(&sig, &mut json);
                let entry = Signed {
                    scheme: "ed25519".into(),
                    message: Some(text),
                    message_hex: None,
                    signature: sig,
                };
                (json, entry)
            }
            SignatureType::Hardware => {
                let bytes = offchain_envelope(&text)?;
                let sig = base58_64(&signer.sign(&bytes));
                let mut json = String::from("{\"type\":\"hardware\",\"value\":");
                W.write_str(&sig, &mut json);
                json.push('}');
                let entry = Signed {
                    scheme: "solana-offchain".into(),
                    message: Some(text),
                    message_hex: Some(hex::encode(bytes)),
                    signature: sig,
                };
                (json, entry)
            }
        };
        if p.batch {
            if i > 0 {
                payload.push(',');
            }
            payload.push_str("{\"type\":");
            W.write_str(op.op.batch_type().unwrap_or("Cancel"), &mut payload);
            payload.push_str(",\"data\":");
        }
        payload.push_str("{\"account\":");
        W.write_str(&account, &mut payload);
        if agent.is_some() {
            payload.push_str(",\"agent_wallet\":");
            W.write_str(signer.address(), &mut payload);
        }
        payload.push_str(",\"signature\":");
        payload.push_str(&sig_json);
        payload.push_str(",\"timestamp\":");
        push_u64(&mut payload, p.timestamp);
        payload.push_str(",\"expiry_window\":");
        push_u64(&mut payload, p.expiry_window);
        for (k, v) in &op.data {
            payload.push(',');
            W.write_str(k, &mut payload);
            payload.push(':');
            W.write(v, &mut payload)?;
        }
        payload.push('}');
        if p.batch {
            payload.push('}');
        }
        signed.push(entry);
    }
    if p.batch {
        payload.push_str("]}");
    }
    let ws_key = match (p.batch, p.operations.first()) {
        (false, Some(op)) => op.op.type_name(),
        (false, None) => {
            return Err(Error::new(
                ErrorCode::ParamsMissing,
                Some("params"),
                "no operation to sign",
            ));
        }
        (true, _) => "batch_orders",
    };
    let (method, url, headers, body) = match p.transport {
        Transport::Rest => {
            let path = match (p.batch, p.operations.first()) {
                (false, Some(op)) => op.op.rest_path(),
                _ => "/api/v1/orders/batch",
            };
            (
                Some("POST".to_owned()),
                [p.host.as_str(), path].concat(),
                vec![("Content-Type".to_owned(), "application/json".to_owned())],
                payload,
            )
        }
        Transport::Ws => {
            let id = p.ws_id.clone().unwrap_or_else(|| ctx.ids.uuid_v4());
            let mut frame = String::with_capacity(payload.len() + 96);
            frame.push_str("{\"id\":");
            W.write_str(&id, &mut frame);
            frame.push_str(",\"params\":{");
            W.write_str(ws_key, &mut frame);
            frame.push(':');
            frame.push_str(&payload);
            frame.push_str("}}");
            (None, [p.host.as_str(), "/ws"].concat(), Vec::new(), frame)
        }
    };
    Ok(Envelope {
        airsign: airsign_core::FORMAT_VERSION,
        venue: "pacifica".into(),
        action: action.to_owned(),
        transport: p.transport,
        method,
        url,
        headers: airsign_core::Headers(headers),
        body: Some(body),
        login: None,
        signer: Some(signer.address().to_owned()),
        signed,
        expires_at: Some(p.timestamp + p.expiry_window),
    })
}

/// Every base URL airsign builds Pacifica envelopes for (REST and WebSocket, both networks).
pub const KNOWN_BASES: &[&str] = &[MAINNET_REST, TESTNET_REST, MAINNET_WS, TESTNET_WS];

/// The fields the body carries around each operation's payload (account, agent_wallet, signature, timestamp, expiry_window).
const HEADER_FIELDS: &[&str] = &[
    "account",
    "agent_wallet",
    "signature",
    "timestamp",
    "expiry_window",
];

/// Verifies a Pacifica envelope offline: re-derives the request from the url and body,
/// rebuilds the envelope with the body's signatures, requires it to equal `env` exactly,
/// and checks each signature against `agent_wallet` (agent mode) or `account`.
pub fn verify(env: &Envelope, opts: &VerifyOptions) -> Result<Verdict> {
    use airsign_core::verify::{mismatch, parse_body, rederive, request_fields, settle, url_base};
    let batch = env.action == "batch_orders";
    let suffix = match (env.transport, batch) {
        (Transport::Ws, _) => "/ws",
        (Transport::Rest, true) => "/api/v1/orders/batch",
        (Transport::Rest, false) => Op::from_action(&env.action)
            .ok_or_else(|| mismatch("action", format!("expected one of {}", ACTIONS.join(", "))))?
            .rest_path(),
    };
    let base = url_base(env, suffix)?;
    opts.check_base(base, KNOWN_BASES)?;
    let text = env
        .body
        .as_deref()
        .ok_or_else(|| mismatch("body", "expected the request body, saw null"))?;
    let mut body = parse_body("body", text)?;
    let mut req = request_fields(env);
    // Where the operations sit in the body, for field paths in messages and verdicts.
    let mut prefix = "body".to_owned();
    let payload = match env.transport {
        Transport::Rest => Value::Object(body),
        Transport::Ws => {
            if let Some(id) = body.shift_remove("id") {
                req.insert("id".into(), id);
            }
            let Some(Value::Object(params)) = body.shift_remove("params") else {
                return Err(mismatch("body.params", "expected an object"));
            };
            let mut it = params.into_iter();
            match (it.next(), it.next()) {
                (Some((k, v)), None) => {
                    prefix = format!("body.params.{k}");
                    v
                }
                _ => return Err(mismatch("body.params", "expected exactly one operation")),
            }
        }
    };
    // Each operation's body: header fields around the payload fields.
    let mut items: Vec<(Option<Value>, Map<String, Value>, String)> = Vec::new();
    let Value::Object(mut payload) = payload else {
        return Err(mismatch("body", "expected an object payload"));
    };
    if batch {
        let Some(Value::Array(actions)) = payload.shift_remove("actions") else {
            return Err(mismatch("body.actions", "expected an array of actions"));
        };
        for (i, a) in actions.into_iter().enumerate() {
            let Value::Object(mut a) = a else {
                return Err(mismatch(
                    &format!("body.actions[{i}]"),
                    "expected an object",
                ));
            };
            let Some(Value::Object(data)) = a.shift_remove("data") else {
                return Err(mismatch(
                    &format!("body.actions[{i}].data"),
                    "expected an object",
                ));
            };
            items.push((
                a.shift_remove("type"),
                data,
                format!("{prefix}.actions[{i}].data"),
            ));
        }
    } else {
        items.push((None, payload, prefix.clone()));
    }
    let mut header: Option<Map<String, Value>> = None;
    let mut signatures = Vec::with_capacity(items.len());
    let mut hardware = false;
    let mut params_actions = Vec::with_capacity(items.len());
    let mut single_params = Map::new();
    let mut account_paths = Vec::with_capacity(items.len());
    for (ty, mut data, at) in items {
        let field = format!("{at}.signature");
        account_paths.push(format!("{at}.account"));
        let mut h = Map::new();
        for k in HEADER_FIELDS {
            if let Some(v) = data.shift_remove(*k) {
                h.insert((*k).into(), v);
            }
        }
        let sig_text = match h.get("signature") {
            Some(Value::String(s)) => s.as_str(),
            Some(Value::Object(o)) => {
                hardware = true;
                o.get("value").and_then(Value::as_str).unwrap_or("")
            }
            _ => "",
        };
        let sig = decode_base58_64(sig_text).ok_or_else(|| {
            Error::new(
                ErrorCode::VerifyBadSignature,
                Some(&field),
                "expected a base58 ed25519 signature of 64 bytes",
            )
        })?;
        signatures.push((sig, field));
        if header.is_none() {
            header = Some(h);
        }
        match ty {
            Some(t) => {
                let mut action = Map::new();
                action.insert("type".into(), t);
                action.extend(data);
                params_actions.push(Value::Object(action));
            }
            None => single_params = data,
        }
    }
    let header = header.unwrap_or_default();
    let account = header
        .get("account")
        .and_then(Value::as_str)
        .and_then(decode_base58_32)
        .ok_or_else(|| mismatch("body.account", "expected a base58 public key"))?;
    let key = match header.get("agent_wallet") {
        None => account,
        Some(v) => v
            .as_str()
            .and_then(decode_base58_32)
            .ok_or_else(|| mismatch("body.agent_wallet", "expected a base58 public key"))?,
    };
    for k in ["timestamp", "expiry_window"] {
        if let Some(v) = header.get(k) {
            req.insert(k.into(), v.clone());
        }
    }
    req.insert("account".into(), Value::from(base58_32(&account)));
    if hardware {
        req.insert("signature_type".into(), Value::from("hardware"));
    }
    let params = if batch {
        let mut m = Map::new();
        m.insert("actions".into(), Value::Array(params_actions));
        m
    } else {
        single_params
    };
    req.insert("base_url".into(), Value::from(base));
    req.insert("params".into(), Value::Object(params));
    let replay = Ed25519Replay::new(key, signatures);
    let rebuilt = rederive(req, 0, |request, ctx| {
        sign(&parse(request, ctx)?, &replay, &env.action, ctx)
    })?;
    let scheme = if hardware {
        "solana-offchain"
    } else {
        "ed25519"
    };
    let checks = settle(env, &rebuilt, || replay.check(scheme))?;
    // No signed message names the network: a mainnet envelope moved to the testnet host
    // (or back) still verifies. The path is bound (it must match the action).
    let mut unsigned = vec!["url".to_owned()];
    if batch {
        // Each action is signed alone: which signed actions the batch holds, and in which
        // order, no signature binds (one dropped, reordered or spliced in from another
        // batch of the same key still verifies).
        unsigned.push("body.actions".to_owned());
    }
    if key != account {
        // The agent signs on behalf of `account`, which is not in the signed message.
        unsigned.extend(account_paths);
    }
    if env.transport == Transport::Ws {
        unsigned.push("body.id".to_owned());
    }
    Ok(Verdict {
        checks,
        unsigned,
        unverifiable: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use airsign_keys::SecretBytes;

    /// Test key 1 (seed = SHA-256 of "vector-key-1") and its address.
    const KEY1: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
    const ADDR1: &str = "vwYrjUyZbzW4ysgdveAQTKngA5XPTr8e6aqs2T4QhSj";

    fn run(json: &str) -> Result<Envelope> {
        let keys = Key::from_bytes(
            "key file",
            airsign_keys::Scheme::Ed25519,
            SecretBytes::new(KEY1.as_bytes().to_vec()),
        );
        Context::fixed(1_748_970_123_456, |ctx| {
            build(&Request::parse(json)?, &keys, ctx)
        })
    }

    fn req(extra: &str, params: &str) -> String {
        format!(
            r#"{{"venue":"pacifica","action":"cancel_order","expiry_window":5000{extra},"params":{params}}}"#
        )
    }

    #[test]
    fn clock_and_ids_are_injected() {
        let env = run(&req(
            r#","transport":"ws""#,
            r#"{"symbol":"BTC","order_id":1}"#,
        ))
        .unwrap();
        assert_eq!(env.url, "wss://ws.pacifica.fi/ws");
        let body = env.body.unwrap();
        assert!(
            body.starts_with(
                r#"{"id":"00000000-0000-4000-8000-000000000001","params":{"cancel_order":{"#
            ),
            "{body}"
        );
        assert!(body.contains(r#""timestamp":1748970123456"#));
        assert_eq!(env.expires_at, Some(1_748_970_128_456));
    }

    #[test]
    fn environments_and_base_url() {
        let env = run(&req(
            r#","environment":"testnet""#,
            r#"{"symbol":"BTC","order_id":1}"#,
        ))
        .unwrap();
        assert_eq!(env.url, "https://test-api.pacifica.fi/api/v1/orders/cancel");
        let env = run(&req(
            r#","base_url":"https://proxy.example/""#,
            r#"{"symbol":"BTC","order_id":1}"#,
        ))
        .unwrap();
        assert_eq!(env.url, "https://proxy.example/api/v1/orders/cancel");
        let e = run(&req(
            r#","base_url":"wss://proxy.example""#,
            r#"{"symbol":"BTC","order_id":1}"#,
        ))
        .unwrap_err();
        assert_eq!(e.field(), Some("base_url"));
        let e = run(&req(
            r#","environment":"devnet""#,
            r#"{"symbol":"BTC","order_id":1}"#,
        ))
        .unwrap_err();
        assert_eq!(e.field(), Some("environment"));
    }

    #[test]
    fn account_equal_to_signer_is_not_agent_mode() {
        let env = run(&req(
            &format!(r#","account":"{ADDR1}""#),
            r#"{"symbol":"BTC","order_id":1}"#,
        ))
        .unwrap();
        assert!(!env.body.unwrap().contains("agent_wallet"));
    }

    #[test]
    fn refusals_name_the_field() {
        let cases = [
            (req("", r#"{"symbol":"BTC","order_id":1,"price":"1"}"#), "params.price", ErrorCode::RequestUnknownField),
            (req("", r#"{"symbol":"","order_id":1}"#), "params.symbol", ErrorCode::ParamsInvalid),
            (req("", r#"{"symbol":"BTC","order_id":null}"#), "params.order_id", ErrorCode::ParamsInvalid),
            (req(r#","id":"00000000-0000-4000-8000-000000000001""#, r#"{"symbol":"BTC","order_id":1}"#), "id", ErrorCode::RequestUnknownField),
            (req(r#","transport":"ws","id":42"#, r#"{"symbol":"BTC","order_id":1}"#), "id", ErrorCode::RequestInvalid),
            (req(r#","wallet":"x""#, r#"{"symbol":"BTC","order_id":1}"#), "wallet", ErrorCode::RequestUnknownField),
            (req(r#","signature_type":"ledger""#, r#"{"symbol":"BTC","order_id":1}"#), "signature_type", ErrorCode::RequestInvalid),
            (
                r#"{"venue":"pacifica","action":"cancel_stop_order","transport":"ws","expiry_window":1,"params":{"symbol":"BTC","order_id":1}}"#.to_owned(),
                "transport",
                ErrorCode::RequestUnsupportedTransport,
            ),
            (
                r#"{"venue":"pacifica","action":"batch_orders","expiry_window":1,"params":{"actions":[{"type":"Cancel","symbol":"BTC","order_id":1},{"type":"cancel","symbol":"BTC","order_id":1}]}}"#.to_owned(),
                "params.actions[1].type",
                ErrorCode::ParamsInvalid,
            ),
            (
                r#"{"venue":"pacifica","action":"batch_orders","expiry_window":1,"params":{"actions":[{"type":"Cancel","symbol":"BTC","order_id":1.5}]}}"#.to_owned(),
                "params.actions[0].order_id",
                ErrorCode::ParamsInvalid,
            ),
            (
                r#"{"venue":"pacifica","action":"batch_orders","expiry_window":1,"params":{"actions":[]}}"#.to_owned(),
                "params.actions",
                ErrorCode::ParamsInvalid,
            ),
            (
                r#"{"venue":"pacifica","action":"edit_order","expiry_window":1,"params":{}}"#.to_owned(),
                "action",
                ErrorCode::RequestUnknownAction,
            ),
        ];
        for (json, field, code) in cases {
            let e = run(&json).unwrap_err();
            assert_eq!(e.field(), Some(field), "{json}: {e}");
            assert_eq!(e.code(), code, "{json}: {e}");
        }
    }

    #[test]
    fn hardware_message_limit() {
        // A batch of ten long symbols stays within the limit per action; one oversized
        // message (a 64-char symbol is fine, so force it through the envelope directly).
        assert!(offchain_envelope(&"a".repeat(MAX_OFFCHAIN_LEN)).is_ok());
        assert!(offchain_envelope(&"a".repeat(MAX_OFFCHAIN_LEN + 1)).is_err());
        assert!(offchain_envelope("tab\there").is_err());
    }

    #[test]
    fn signing_payload_is_key_free_and_sorted() {
        let mut data = Map::new();
        data.insert("symbol".into(), Value::from("BTC"));
        data.insert("order_id".into(), Value::from(42069u64));
        let op = Operation {
            op: Op::CancelOrder,
            data,
        };
        assert_eq!(
            signing_payload(&op, 1748970123456, 5000).unwrap(),
            r#"{"data":{"order_id":42069,"symbol":"BTC"},"expiry_window":5000,"timestamp":1748970123456,"type":"cancel_order"}"#
        );
    }
}
