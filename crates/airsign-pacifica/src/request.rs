//! The typed Pacifica request and its validation.

use airsign_core::validate::{Fields, is_canonical_uuid, value_u64};
use airsign_core::{Context, Error, ErrorCode, Request, Result, Transport};
use airsign_keys::decode_base58_32;
use serde_json::{Map, Value};

use crate::actions::{
    ACTIONS, MAINNET_REST, MAINNET_WS, MAX_BATCH_ACTIONS, MAX_SYMBOL_CHARS, Op, TESTNET_REST,
    TESTNET_WS,
};

/// A validated operation: its op type and its payload fields in request order.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The op type.
    pub(crate) op: Op,
    /// The payload fields (signed under `data`, flattened into the body).
    pub(crate) data: Map<String, Value>,
}

/// How the signature is produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
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
    pub(crate) operations: Vec<Operation>,
    /// Whether this is a `batch_orders` request.
    pub(crate) batch: bool,
    /// `rest` or `ws`.
    pub(crate) transport: Transport,
    /// The REST base or WebSocket host, without a trailing `/`.
    pub(crate) host: String,
    /// Milliseconds since the epoch (signed).
    pub(crate) timestamp: u64,
    /// Milliseconds the signature stays valid (signed).
    pub(crate) expiry_window: u64,
    /// The trading account named in the request, if any (decoded public key).
    pub(crate) account: Option<[u8; 32]>,
    /// Software or hardware signing.
    pub(crate) signature_type: SignatureType,
    /// The WebSocket request id (a UUID): given, or drawn by `parse`; `None` on REST.
    pub(crate) ws_id: Option<String>,
}

/// Validates a request for Pacifica: action, transport, fields, ids, ranges (docs/venues/pacifica.md, "Request fields").
pub fn parse(req: &Request, ctx: &Context<'_>) -> Result<PacificaRequest> {
    req.allow_extra(crate::RULES.fields)?;
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
        // The frame's id is drawn here, with the timestamp: assembly draws nothing.
        (None, Transport::Ws) => Some(ctx.ids.uuid_v4()),
        (None, Transport::Rest) => None,
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

pub(crate) fn allowed_fields(op: Op) -> &'static [&'static str] {
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

pub(crate) fn operation(op: Op, f: &Fields<'_>) -> Result<Operation> {
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

impl PacificaRequest {
    /// The action as requests name it (`batch_orders`, or the one operation's type).
    pub fn action(&self) -> &'static str {
        match (self.batch, self.operations.first()) {
            (false, Some(op)) => op.op.type_name(),
            _ => "batch_orders",
        }
    }

    /// The signed timestamp (ms).
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The frame's id on WebSocket.
    pub fn ws_id(&self) -> Option<&str> {
        self.ws_id.as_deref()
    }
}
