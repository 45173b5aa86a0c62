//! The typed Ripio request, and the one place a request is validated into it.
//!
//! Everything is checked here, and everything the request leaves out is drawn here from
//! the [`Context`] (the WebSocket `id`, then the `timestamp`): payloads and assembly only
//! read the typed values, so they draw nothing and cannot fail on the request.

use airsign_core::json::Writer;
use airsign_core::validate::{Fields, is_uuid, value_u64};
use airsign_core::{Context, Error, ErrorCode, Request, Result, Transport};
use serde_json::{Map, Value};

use crate::actions::{
    ACTIONS, Environment, MAX_EXTERNAL_ID_LEN, MAX_REQUEST_ID_LEN, MAX_TIMESTAMP_TOLERANCE_MS, NAME,
};

/// JavaScript `JSON.stringify` compatible output: request key order, compact, non-ASCII
/// kept (docs/venues/ripio.md, "Signed bytes"). The accepted identifiers are ASCII without
/// quotes or backslashes, so every common serializer produces the same bytes for them
/// (pitfall P3).
pub(crate) const JS: Writer = Writer {
    sort_keys: false,
    ensure_ascii: false,
};

/// Which order a `cancel_order` names: exactly one of Ripio's two identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderRef {
    /// `id`: Ripio's order id, a UUID (case kept as given).
    Id(String),
    /// `external_id`: the client's id given at creation (`[A-Za-z0-9._:-]`, 1–64 chars).
    ExternalId(String),
}

impl OrderRef {
    /// The parameter name: `id` or `external_id`.
    pub const fn key(&self) -> &'static str {
        match self {
            Self::Id(_) => "id",
            Self::ExternalId(_) => "external_id",
        }
    }

    /// The identifier's text.
    pub fn value(&self) -> &str {
        match self {
            Self::Id(v) | Self::ExternalId(v) => v,
        }
    }

    fn parse(params: &Fields<'_>) -> Result<Self> {
        match (params.get("id"), params.get("external_id")) {
            (Some(_), Some(_)) => Err(Error::new(
                ErrorCode::ParamsInvalid,
                Some("params"),
                "expected exactly one of params.id or params.external_id, saw both \
                 (both_id_and_external_id)",
            )),
            (None, None) => Err(Error::new(
                ErrorCode::ParamsMissing,
                Some("params.id"),
                "missing; expected exactly one of params.id (the Ripio order UUID) or \
                 params.external_id (your id given at creation) (missing_id_or_external_id)",
            )),
            (Some(v), None) => match v {
                Value::String(s) if is_uuid(s) => Ok(Self::Id(s.clone())),
                _ => Err(params.invalid(
                    "id",
                    "a Ripio order id: a UUID in 8-4-4-4-12 hex form, any case \
                     (invalid_order_id_uuid)",
                    v,
                )),
            },
            (None, Some(v)) => match v {
                Value::String(s) if is_external_id(s) => Ok(Self::ExternalId(s.clone())),
                _ => Err(params.invalid(
                    "external_id",
                    "1 to 64 characters from A-Z a-z 0-9 . _ : - (invalid_external_id)",
                    v,
                )),
            },
        }
    }
}

/// A trading pair, `BASE_QUOTE` in upper case (e.g. `BTC_BRL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair(String);

impl Pair {
    /// Parses `BASE_QUOTE`: each side 2–12 characters of `A-Z 0-9`.
    pub fn parse(field: &str, v: &Value) -> Result<Self> {
        let ok = |s: &str| {
            let Some((base, quote)) = s.split_once('_') else {
                return false;
            };
            [base, quote].iter().all(|side| {
                (2..=12).contains(&side.len())
                    && side
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            })
        };
        match v {
            Value::String(s) if ok(s) => Ok(Self(s.clone())),
            _ => Err(Error::invalid(
                field,
                "a pair BASE_QUOTE in upper case, e.g. \"BTC_BRL\" (invalid_pair)",
                v,
            )),
        }
    }

    /// The pair's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What to cancel.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// `cancel_order`: one order by id or external id (REST and WebSocket).
    CancelOrder(OrderRef),
    /// `cancel_all_orders`: every open order, or those of one pair (REST only).
    CancelAllOrders(Option<Pair>),
}

impl Operation {
    /// The business parameters in request order (what the body, or the signed part of the
    /// WebSocket params, holds).
    fn business_params(&self) -> Map<String, Value> {
        let mut m = Map::new();
        match self {
            Self::CancelOrder(order) => {
                m.insert(order.key().to_owned(), Value::from(order.value()));
            }
            Self::CancelAllOrders(Some(pair)) => {
                m.insert("pair".to_owned(), Value::from(pair.as_str()));
            }
            Self::CancelAllOrders(None) => {}
        }
        m
    }
}

/// The REST method: Ripio's cancels are `DELETE`s, each with a `POST` alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// `DELETE` (the default).
    Delete,
    /// `POST`, the alias path (`/orders/cancel`, `/orders/cancel-by-external-id`).
    Post,
}

impl HttpMethod {
    /// `DELETE` or `POST`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Delete => "DELETE",
            Self::Post => "POST",
        }
    }
}

/// The API token: the public half of the credential, sent verbatim.
///
/// Shown in `Debug` and errors by length only: it identifies the account.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

impl std::fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiToken")
            .field("len", &self.0.len())
            .finish_non_exhaustive()
    }
}

impl ApiToken {
    /// Parses the top-level `api_token`: a non-empty string of visible ASCII (0x21–0x7E),
    /// so it can neither split a header nor need escaping in JSON.
    pub fn parse(v: Option<&Value>) -> Result<Self> {
        const EXPECTED: &str = "the Ripio API token: a non-empty string of visible ASCII \
                                characters, no spaces (invalid_api_token)";
        let Some(v) = v else {
            return Err(Error::missing("api_token", EXPECTED));
        };
        let Value::String(s) = v else {
            return Err(Error::invalid_text(
                "api_token",
                EXPECTED,
                airsign_core::json_kind(v),
            ));
        };
        if s.is_empty() {
            return Err(Error::invalid_text(
                "api_token",
                EXPECTED,
                "an empty string",
            ));
        }
        if let Some(pos) = s.chars().position(|c| !c.is_ascii_graphic()) {
            return Err(Error::invalid_text(
                "api_token",
                EXPECTED,
                &format!(
                    "a string of {} characters whose character {} is a space, control or \
                     non-ASCII character",
                    s.chars().count(),
                    pos + 1
                ),
            ));
        }
        Ok(Self(s.clone()))
    }

    /// The token's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A WebSocket request id, echoed back by Ripio (not signed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestId {
    /// A string id (1–128 visible ASCII characters).
    Text(String),
    /// An integer id.
    Int(u64),
}

impl RequestId {
    /// Parses the request's `id`: a string of visible ASCII or a non-negative integer.
    pub fn parse(v: &Value) -> Result<Self> {
        const EXPECTED: &str = "a request id: a string of 1 to 128 visible ASCII characters \
                                or a non-negative integer";
        match v {
            Value::String(s) if s.is_empty() => Err(Error::invalid(
                "id",
                &format!("{EXPECTED} (missing_request_id)"),
                v,
            )),
            Value::String(s)
                if s.len() <= MAX_REQUEST_ID_LEN && s.bytes().all(|b| b.is_ascii_graphic()) =>
            {
                Ok(Self::Text(s.clone()))
            }
            Value::Number(_) => Ok(Self::Int(value_u64("id", v)?)),
            _ => Err(Error::invalid("id", EXPECTED, v)),
        }
    }

    /// The id as the request's (and the frame's) `id` value.
    pub fn to_value(&self) -> Value {
        match self {
            Self::Text(s) => Value::from(s.as_str()),
            Self::Int(n) => Value::from(*n),
        }
    }
}

/// A validated WebSocket `order.cancel`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsCancel {
    /// `wss://…` endpoint.
    pub(crate) url: String,
    /// The frame's `id`.
    pub(crate) request_id: RequestId,
    /// `params.api_token`.
    pub(crate) api_token: ApiToken,
    /// `params.timestamp`, ms.
    pub(crate) timestamp: u64,
    /// The business params as compact JSON, e.g. `{"id":"…"}`: signed, and embedded
    /// verbatim in the frame.
    pub(crate) business_json: String,
}

impl WsCancel {
    /// The `wss://…` endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The frame's `id` (given, or drawn from the context's id source).
    pub fn request_id(&self) -> &RequestId {
        &self.request_id
    }

    /// `params.timestamp`, ms.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The business params as compact JSON, e.g. `{"id":"…"}`: signed, and embedded
    /// verbatim in the frame.
    pub fn business_json(&self) -> &str {
        &self.business_json
    }
}

/// A validated REST cancel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestCancel {
    /// `DELETE` or `POST`.
    pub(crate) method: HttpMethod,
    /// The full URL (host + path).
    pub(crate) url: String,
    /// The signed path, with the API prefix, no query.
    pub(crate) path: String,
    /// The exact body bytes, or `None` (signed as the empty string).
    pub(crate) body: Option<String>,
    /// The `Authorization` value.
    pub(crate) api_token: ApiToken,
    /// The `timestamp` header and signed prefix, ms.
    pub(crate) timestamp: u64,
    /// The `timestamp-tolerance` header, ms (1–60000), if asked for.
    pub(crate) timestamp_tolerance: Option<u64>,
}

impl RestCancel {
    /// `DELETE` or `POST`.
    pub fn method(&self) -> HttpMethod {
        self.method
    }

    /// The full URL (host + path).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The signed path, with the API prefix, no query.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The exact body bytes, or `None` (no body: signed as the empty string).
    pub fn body(&self) -> Option<&str> {
        self.body.as_deref()
    }

    /// The `timestamp` header and signed prefix, ms.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The `timestamp-tolerance` header, ms (1–60000), if asked for.
    pub fn timestamp_tolerance(&self) -> Option<u64> {
        self.timestamp_tolerance
    }
}

/// The transport-specific half of a [`RipioRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// A WebSocket frame.
    Ws(WsCancel),
    /// An HTTPS request.
    Rest(RestCancel),
}

/// A validated Ripio request, ready to sign: every field checked, its timestamp and
/// WebSocket id fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RipioRequest {
    /// The action name as requested (`cancel_order`, `cancel_all_orders`).
    pub(crate) action: String,
    /// What to cancel.
    pub(crate) operation: Operation,
    /// The transport-specific request.
    pub(crate) call: Call,
}

impl RipioRequest {
    /// Validates `req` into a typed request. Reads the id source, then the clock, from
    /// `ctx` only when the request has no WebSocket `id` / no `timestamp`; nothing is
    /// drawn after this.
    pub fn from_request(req: &Request, ctx: &Context<'_>) -> Result<Self> {
        parse(req, ctx)
    }

    /// The action name as requested (`cancel_order`, `cancel_all_orders`).
    pub fn action(&self) -> &str {
        &self.action
    }

    /// What to cancel.
    pub fn operation(&self) -> &Operation {
        &self.operation
    }

    /// The transport-specific request.
    pub fn call(&self) -> &Call {
        &self.call
    }

    /// The timestamp the request is signed with, ms.
    pub fn timestamp(&self) -> u64 {
        match &self.call {
            Call::Rest(r) => r.timestamp,
            Call::Ws(w) => w.timestamp,
        }
    }

    /// The WebSocket frame's `id`; `None` for REST.
    pub fn ws_id(&self) -> Option<&RequestId> {
        match &self.call {
            Call::Rest(_) => None,
            Call::Ws(w) => Some(&w.request_id),
        }
    }
}

/// Validates `req` into a typed request (see [`RipioRequest::from_request`]).
pub(crate) fn parse(req: &Request, ctx: &Context<'_>) -> Result<RipioRequest> {
    if req.venue != NAME {
        return Err(Error::invalid(
            "venue",
            "\"ripio\"",
            &Value::from(req.venue.as_str()),
        ));
    }
    req.allow_extra(crate::RULES.fields)?;
    let operation = match req.action.as_str() {
        "cancel_order" => {
            req.require_transport(&[Transport::Rest, Transport::Ws])?;
            let params = Fields::new(&req.params, "params", &["id", "external_id"])?;
            Operation::CancelOrder(OrderRef::parse(&params)?)
        }
        "cancel_all_orders" => {
            req.require_transport(&[Transport::Rest])?;
            let params = Fields::new(&req.params, "params", &["pair"])?;
            let pair = params
                .get("pair")
                .map(|v| Pair::parse(&params.path("pair"), v))
                .transpose()?;
            Operation::CancelAllOrders(pair)
        }
        _ => return Err(req.unknown_action(ACTIONS)),
    };
    let environment = Environment::parse(req.environment.as_deref())?;
    let api_token = ApiToken::parse(req.extra.get("api_token"))?;
    let business = operation.business_params();
    let call = match req.transport {
        Transport::Ws => {
            for field in ["http_method", "timestamp_tolerance"] {
                if req.extra.contains_key(field) {
                    return Err(rest_only(field));
                }
            }
            if !matches!(operation, Operation::CancelOrder(_)) {
                // require_transport above admits ws for cancel_order only.
                return Err(req.unknown_action(&["cancel_order"]));
            }
            let url = ws_url(req, environment)?;
            // The id is drawn before the timestamp is read, as it always has been.
            let request_id = match &req.id {
                Some(v) => RequestId::parse(v)?,
                None => RequestId::Text(ctx.ids.uuid_v4()),
            };
            Call::Ws(WsCancel {
                url,
                request_id,
                api_token,
                timestamp: req.timestamp_or_now(ctx)?,
                business_json: JS.to_string(&Value::Object(business))?,
            })
        }
        Transport::Rest => {
            if req.id.is_some() {
                return Err(Error::new(
                    ErrorCode::RequestUnknownField,
                    Some("id"),
                    "a Ripio REST request carries no request id; only ws frames take one",
                ));
            }
            let method = match req.extra.get("http_method") {
                None => HttpMethod::Delete,
                Some(Value::String(s)) if s == "DELETE" => HttpMethod::Delete,
                Some(Value::String(s))
                    if s == "POST" && matches!(operation, Operation::CancelOrder(_)) =>
                {
                    HttpMethod::Post
                }
                Some(v) => {
                    let expected = match operation {
                        Operation::CancelOrder(_) => "\"DELETE\" (default) or \"POST\"",
                        Operation::CancelAllOrders(_) => {
                            "\"DELETE\": cancel_all_orders has no POST alias"
                        }
                    };
                    return Err(Error::invalid("http_method", expected, v));
                }
            };
            let timestamp_tolerance = req
                .extra
                .get("timestamp_tolerance")
                .map(parse_tolerance)
                .transpose()?;
            let host = rest_host(req, environment)?;
            let path = format!(
                "{}{}",
                environment.rest_prefix(),
                rest_path(&operation, method)
            );
            let body = if business.is_empty() {
                // ripio.md P6: cancel-all for every pair sends no body at all and signs
                // the empty string (not `{}`), as the reference vectors do.
                None
            } else {
                Some(JS.to_string(&Value::Object(business))?)
            };
            Call::Rest(RestCancel {
                method,
                url: format!("{host}{path}"),
                path,
                body,
                api_token,
                timestamp: req.timestamp_or_now(ctx)?,
                timestamp_tolerance,
            })
        }
    };
    Ok(RipioRequest {
        action: req.action.clone(),
        operation,
        call,
    })
}

/// The path below the API prefix.
fn rest_path(op: &Operation, method: HttpMethod) -> &'static str {
    match (op, method) {
        (Operation::CancelOrder(OrderRef::Id(_)), HttpMethod::Delete) => "/orders",
        (Operation::CancelOrder(OrderRef::Id(_)), HttpMethod::Post) => "/orders/cancel",
        (Operation::CancelOrder(OrderRef::ExternalId(_)), HttpMethod::Delete) => {
            "/orders/by-external-id"
        }
        (Operation::CancelOrder(OrderRef::ExternalId(_)), HttpMethod::Post) => {
            "/orders/cancel-by-external-id"
        }
        // POST is refused for cancel-all before we get here.
        (Operation::CancelAllOrders(_), _) => "/orders/all",
    }
}

/// The REST host: `base_url` (scheme and host only) or the environment's.
fn rest_host(req: &Request, env: Environment) -> Result<String> {
    let Some(base) = &req.base_url else {
        return Ok(env.rest_host().to_owned());
    };
    let seen = Value::from(base.as_str());
    let Some(rest) = base.strip_prefix("https://") else {
        return Err(Error::invalid(
            "base_url",
            "an https:// URL for a REST request",
            &seen,
        ));
    };
    if rest.contains('/') {
        // Ripio signs the path the server sees. Behind a base URL with its own path, that
        // depends on how the proxy rewrites it; refuse rather than sign a guess.
        return Err(Error::invalid(
            "base_url",
            "scheme and host only (e.g. https://ripio-proxy.example:8443): Ripio signs \
             the request path, and a base_url path would change it",
            &seen,
        ));
    }
    Ok(base.clone())
}

/// The WebSocket endpoint: `base_url` (a `wss://` URL) or the environment's.
fn ws_url(req: &Request, env: Environment) -> Result<String> {
    if let Some(base) = &req.base_url {
        if !base.starts_with("wss://") {
            return Err(Error::invalid(
                "base_url",
                "a wss:// URL for a ws request",
                &Value::from(base.as_str()),
            ));
        }
        return Ok(base.clone());
    }
    env.ws_url().map(str::to_owned).ok_or_else(|| {
        Error::new(
            ErrorCode::RequestUnsupportedTransport,
            Some("transport"),
            "the legacy environment (api.ripiotrade.co) has no WebSocket trading API; \
             use transport \"rest\", or environment \"production\" for wss://ws-api.ripio.com",
        )
    })
}

fn parse_tolerance(v: &Value) -> Result<u64> {
    const EXPECTED: &str = "an integer number of milliseconds from 1 to 60000 \
                            (invalid_timestamp_tolerance)";
    let ms = value_u64("timestamp_tolerance", v)
        .map_err(|_| Error::invalid("timestamp_tolerance", EXPECTED, v))?;
    if !(1..=MAX_TIMESTAMP_TOLERANCE_MS).contains(&ms) {
        return Err(Error::invalid("timestamp_tolerance", EXPECTED, v));
    }
    Ok(ms)
}

fn rest_only(field: &str) -> Error {
    Error::new(
        ErrorCode::RequestUnknownField,
        Some(field),
        format!("{field} applies to REST requests only; a ws order.cancel does not take it"),
    )
}

/// Toolkit policy (docs/venues/ripio.md, "Conservative choices"): 1–64 of
/// `[A-Za-z0-9._:-]`, a set every JSON serializer writes the same way.
fn is_external_id(s: &str) -> bool {
    (1..=MAX_EXTERNAL_ID_LEN).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn parse_json(json: &str) -> Result<RipioRequest> {
        Context::fixed(1_634_567_890_000, |ctx| {
            RipioRequest::from_request(&Request::parse(json)?, ctx)
        })
    }

    #[test]
    fn default_ws_id_and_timestamp_come_from_the_context() {
        let p = parse_json(
            r#"{"venue":"ripio","action":"cancel_order","transport":"ws","api_token":"t","params":{"external_id":"a.b:c_d-1"}}"#,
        )
        .unwrap();
        assert_eq!(
            p.ws_id(),
            Some(&RequestId::Text(
                "00000000-0000-4000-8000-000000000001".into()
            ))
        );
        assert_eq!(p.timestamp(), 1_634_567_890_000);
        let Call::Ws(w) = p.call() else {
            panic!("expected a ws call")
        };
        assert_eq!(w.business_json(), r#"{"external_id":"a.b:c_d-1"}"#);
        assert_eq!(w.url(), "wss://ws-api.ripio.com");
        let p = parse_json(
            r#"{"venue":"ripio","action":"cancel_order","transport":"ws","api_token":"t","id":42,"timestamp":1700000000000,"params":{"external_id":"x"}}"#,
        )
        .unwrap();
        assert_eq!(p.ws_id(), Some(&RequestId::Int(42)));
        assert_eq!(p.ws_id().unwrap().to_value(), Value::from(42));
        assert_eq!(p.timestamp(), 1_700_000_000_000);
    }

    #[test]
    fn rest_paths_bodies_and_methods() {
        let p = parse_json(
            r#"{"venue":"ripio","action":"cancel_order","api_token":"t","http_method":"POST","params":{"external_id":"x"}}"#,
        )
        .unwrap();
        let Call::Rest(r) = p.call() else {
            panic!("expected a rest call")
        };
        assert_eq!(r.method(), HttpMethod::Post);
        assert_eq!(r.path(), "/trade/orders/cancel-by-external-id");
        assert_eq!(
            r.url(),
            "https://api.ripio.com/trade/orders/cancel-by-external-id"
        );
        assert_eq!(r.body(), Some(r#"{"external_id":"x"}"#));
        assert_eq!(r.timestamp_tolerance(), None);
        assert_eq!(p.ws_id(), None);
        // Cancel-all for every pair has no body at all (ripio.md P6).
        let p = parse_json(
            r#"{"venue":"ripio","action":"cancel_all_orders","api_token":"t","environment":"legacy","timestamp_tolerance":60000,"params":{}}"#,
        )
        .unwrap();
        let Call::Rest(r) = p.call() else {
            panic!("expected a rest call")
        };
        assert_eq!((r.path(), r.body()), ("/v4/orders/all", None));
        assert_eq!(r.timestamp_tolerance(), Some(60_000));
        assert_eq!(p.operation(), &Operation::CancelAllOrders(None));
        assert_eq!(p.action(), "cancel_all_orders");
    }

    #[test]
    fn refusals_name_the_field() {
        let base = r#""venue":"ripio","api_token":"tok""#;
        let cases: &[(&str, ErrorCode, &str)] = &[
            (
                r#""action":"cancel_order","params":{}"#,
                ErrorCode::ParamsMissing,
                "params.id",
            ),
            (
                r#""action":"cancel_order","params":{"id":"x","external_id":"y"}"#,
                ErrorCode::ParamsInvalid,
                "params",
            ),
            (
                r#""action":"cancel_order","params":{"id":"7155ED34-9EC4-4733-8B32"}"#,
                ErrorCode::ParamsInvalid,
                "params.id",
            ),
            (
                r#""action":"cancel_order","params":{"id":7155}"#,
                ErrorCode::ParamsInvalid,
                "params.id",
            ),
            (
                r#""action":"cancel_order","params":{"external_id":"a b"}"#,
                ErrorCode::ParamsInvalid,
                "params.external_id",
            ),
            (
                r#""action":"cancel_order","params":{"external_id":""}"#,
                ErrorCode::ParamsInvalid,
                "params.external_id",
            ),
            (
                r#""action":"cancel_order","params":{"external_id":"é"}"#,
                ErrorCode::ParamsInvalid,
                "params.external_id",
            ),
            (
                r#""action":"cancel_order","params":{"id":"x","api_token":"t"}"#,
                ErrorCode::RequestUnknownField,
                "params.api_token",
            ),
            (
                r#""action":"cancel_all_orders","params":{"pair":"btcbrl"}"#,
                ErrorCode::ParamsInvalid,
                "params.pair",
            ),
            (
                r#""action":"cancel_all_orders","params":{"pair":"btc_brl"}"#,
                ErrorCode::ParamsInvalid,
                "params.pair",
            ),
            (
                r#""action":"cancel_all_orders","transport":"ws","params":{}"#,
                ErrorCode::RequestUnsupportedTransport,
                "transport",
            ),
            (
                r#""action":"cancel_all_orders","http_method":"POST","params":{}"#,
                ErrorCode::RequestInvalid,
                "http_method",
            ),
            (
                r#""action":"cancel_order","http_method":"delete","params":{"external_id":"x"}"#,
                ErrorCode::RequestInvalid,
                "http_method",
            ),
            (
                r#""action":"cancel_order","transport":"ws","http_method":"POST","params":{"external_id":"x"}"#,
                ErrorCode::RequestUnknownField,
                "http_method",
            ),
            (
                r#""action":"cancel_order","transport":"ws","timestamp_tolerance":5000,"params":{"external_id":"x"}"#,
                ErrorCode::RequestUnknownField,
                "timestamp_tolerance",
            ),
            (
                r#""action":"cancel_order","timestamp_tolerance":0,"params":{"external_id":"x"}"#,
                ErrorCode::RequestInvalid,
                "timestamp_tolerance",
            ),
            (
                r#""action":"cancel_order","timestamp_tolerance":60001,"params":{"external_id":"x"}"#,
                ErrorCode::RequestInvalid,
                "timestamp_tolerance",
            ),
            (
                r#""action":"cancel_order","timestamp_tolerance":"5000","params":{"external_id":"x"}"#,
                ErrorCode::RequestInvalid,
                "timestamp_tolerance",
            ),
            (
                r#""action":"cancel_order","id":"r","params":{"external_id":"x"}"#,
                ErrorCode::RequestUnknownField,
                "id",
            ),
            (
                r#""action":"cancel_order","transport":"ws","id":"","params":{"external_id":"x"}"#,
                ErrorCode::RequestInvalid,
                "id",
            ),
            (
                r#""action":"cancel_order","transport":"ws","id":"a b","params":{"external_id":"x"}"#,
                ErrorCode::RequestInvalid,
                "id",
            ),
            (
                r#""action":"cancel_order","transport":"ws","environment":"legacy","params":{"external_id":"x"}"#,
                ErrorCode::RequestUnsupportedTransport,
                "transport",
            ),
            (
                r#""action":"cancel_order","environment":"mainnet","params":{"external_id":"x"}"#,
                ErrorCode::RequestInvalid,
                "environment",
            ),
            (
                r#""action":"cancel_order","base_url":"https://proxy.example/ripio","params":{"external_id":"x"}"#,
                ErrorCode::RequestInvalid,
                "base_url",
            ),
            (
                r#""action":"cancel_order","base_url":"wss://proxy.example","params":{"external_id":"x"}"#,
                ErrorCode::RequestInvalid,
                "base_url",
            ),
            (
                r#""action":"cancel_order","transport":"ws","base_url":"https://proxy.example","params":{"external_id":"x"}"#,
                ErrorCode::RequestInvalid,
                "base_url",
            ),
            (
                r#""action":"cancel_order","account":"x","params":{"external_id":"x"}"#,
                ErrorCode::RequestUnknownField,
                "account",
            ),
            (
                r#""action":"cancel","params":{"external_id":"x"}"#,
                ErrorCode::RequestUnknownAction,
                "action",
            ),
        ];
        for (fields, code, field) in cases {
            let json = format!("{{{base},{fields}}}");
            let e = parse_json(&json).unwrap_err();
            assert_eq!((e.code(), e.field()), (*code, Some(*field)), "{json}: {e}");
        }
    }

    #[test]
    fn api_token_refused_without_echo() {
        for tok in [r#""""#, r#""my token""#, r#""tok\n""#, "12345", r#""tök""#] {
            let json = format!(
                r#"{{"venue":"ripio","action":"cancel_order","api_token":{tok},"params":{{"external_id":"x"}}}}"#
            );
            let e = parse_json(&json).unwrap_err();
            assert_eq!(e.field(), Some("api_token"), "{e}");
            assert!(!e.message().contains("my token") && !e.message().contains("12345"));
        }
        let e =
            parse_json(r#"{"venue":"ripio","action":"cancel_order","params":{"external_id":"x"}}"#)
                .unwrap_err();
        assert_eq!(e.field(), Some("api_token"));
        let t = ApiToken::parse(Some(&Value::from("secret-ish-token"))).unwrap();
        assert!(!format!("{t:?}").contains("secret-ish"));
    }

    #[test]
    fn base_url_overrides_host_and_keeps_prefix() {
        let p = parse_json(
            r#"{"venue":"ripio","action":"cancel_order","api_token":"t","environment":"legacy","base_url":"https://proxy.example:8443/","params":{"external_id":"x"}}"#,
        )
        .unwrap();
        let Call::Rest(r) = p.call() else {
            panic!("expected a rest call")
        };
        assert_eq!(
            r.url(),
            "https://proxy.example:8443/v4/orders/by-external-id"
        );
        assert_eq!(r.path(), "/v4/orders/by-external-id");
        let p = parse_json(
            r#"{"venue":"ripio","action":"cancel_order","transport":"ws","api_token":"t","base_url":"wss://ws.proxy.example/ripio","params":{"external_id":"x"}}"#,
        )
        .unwrap();
        let Call::Ws(w) = p.call() else {
            panic!("expected a ws call")
        };
        assert_eq!(w.url(), "wss://ws.proxy.example/ripio");
    }
}
