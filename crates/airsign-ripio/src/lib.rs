//! airsign venue: Ripio Trade cancels (`docs/venues/ripio.md`).
//!
//! Ripio authenticates with an API token (sent as is: the identity) and an API secret
//! (the HMAC key, never sent). Every request is signed with
//! `base64(HMAC-SHA256(secret, message))`, standard alphabet with `=` padding:
//!
//! - REST: `message = timestamp + METHOD + path + body`, where `path` includes the API
//!   prefix (`/trade` on api.ripio.com, `/v4` on the legacy host) and `body` is the exact
//!   bytes sent (empty when there is none). Headers: `Authorization: <token>` (no
//!   `Bearer`), `timestamp`, `signature`, `Content-Type` with a body, and the optional
//!   `timestamp-tolerance`.
//! - WebSocket `order.cancel`: `message = timestamp + compact JSON of the business params`
//!   (`{"id":…}` or `{"external_id":…}`); the frame carries those params, then
//!   `api_token`, `timestamp` (a JSON integer) and `signature`, inside `params`.
//!
//! The envelope's `body` is the very string that was signed (REST) or that embeds the
//! signed business JSON verbatim (WebSocket): it is built once, before signing, and never
//! re-serialised afterwards — a sender passes it through untouched.
//!
//! Flow: [`RipioRequest::from_request`] validates everything at the edge into typed values,
//! [`RipioRequest::signing_payload`] builds the message (pure, key-free, golden-tested),
//! [`RipioRequest::sign`] signs it and assembles the envelope. This crate does no I/O and
//! never sees the secret: it hands the message to [`airsign_keys::HmacSigner`].
//!
//! # Example
//!
//! Sign a REST cancel with a test secret (the key file's text is the HMAC key):
//!
//! ```
//! use airsign_core::{Context, Request};
//! use airsign_keys::{Key, Scheme, SecretBytes};
//!
//! let keys = Key::from_bytes("key file", Scheme::Hmac, SecretBytes::new(b"vector-secret-1\n".to_vec()));
//! let req = Request::parse(
//!     r#"{"venue":"ripio","action":"cancel_order","timestamp":1634567890000,
//!         "api_token":"your-api-token","params":{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}}"#,
//! )?;
//! let env = Context::fixed(1_634_567_890_000, |ctx| airsign_ripio::build(&req, &keys, ctx))?;
//! assert_eq!(env.method.as_deref(), Some("DELETE"));
//! assert_eq!(env.url, "https://api.ripio.com/trade/orders");
//! assert_eq!(env.body.as_deref(), Some(r#"{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}"#));
//! assert_eq!(
//!     env.signed[0].message.as_deref(),
//!     Some(r#"1634567890000DELETE/trade/orders{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}"#)
//! );
//! assert_eq!(env.headers.get("signature"), Some("nBDqqNIfvBOUbNzXXPkBrn/pbrjz8U3N4TPtXqk00AE="));
//! assert_eq!(env.headers.get("Authorization"), Some("your-api-token"));
//! # Ok::<(), airsign_core::Error>(())
//! ```
#![forbid(unsafe_code)]

use airsign_core::json::Writer;
use airsign_core::validate::{Fields, is_uuid, value_u64};
use airsign_core::verify::{Verdict, VerifyOptions};
use airsign_core::{
    Context, Envelope, Error, ErrorCode, Headers, Request, Result, Signed, Transport,
};
use airsign_keys::{HmacReplay, HmacSign, Key, Keyring, Scheme, VenueRules, every_action};
use serde_json::{Map, Value};

/// The venue name in requests and envelopes.
pub const VENUE: &str = "ripio";

/// The actions this crate signs.
pub const ACTIONS: &[&str] = &["cancel_order", "cancel_all_orders"];

/// What the keyring and the signing policy need to know of ripio: its key scheme, the
/// request fields a key may pin, and its cancel family (both actions are cancels).
pub const RULES: VenueRules = VenueRules {
    venue: "ripio",
    scheme: Scheme::Hmac,
    identity: &["api_token"],
    cancel_family: every_action,
};

/// The venue-specific top-level request fields Ripio takes.
pub const EXTRA_FIELDS: &[&str] = &["api_token", "http_method", "timestamp_tolerance"];

/// The signature scheme named in the envelope's `signed` list.
pub const SCHEME: &str = "hmac-sha256";

/// The WebSocket JSON-RPC-like method of a cancel.
pub const WS_METHOD: &str = "order.cancel";

/// Largest `timestamp-tolerance` Ripio accepts, in ms (docs/venues/ripio.md, "Signed bytes").
pub const MAX_TIMESTAMP_TOLERANCE_MS: u64 = 60_000;

/// The validity window Ripio applies after `timestamp` when no tolerance is sent, in ms.
pub const DEFAULT_TIMESTAMP_TOLERANCE_MS: u64 = 5_000;

/// Longest `external_id` accepted (toolkit policy, docs/venues/ripio.md, "Conservative choices").
pub const MAX_EXTERNAL_ID_LEN: usize = 64;

/// Longest WebSocket request id accepted (toolkit policy).
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// Builds the signed envelope for one Ripio request.
///
/// Validates the request first (so a bad request is refused before the key is touched),
/// then reads the API secret from `keys` ([`Key::hmac_secret`]) and signs.
pub fn build(req: &Request, keys: &Key, ctx: &Context<'_>) -> Result<Envelope> {
    let request = RipioRequest::from_request(req, ctx)?;
    let signer = keys.hmac_secret()?;
    Ok(request.sign(signer))
}

/// A Ripio deployment (`environment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// `https://api.ripio.com` with the `/trade` prefix; WebSocket `wss://ws-api.ripio.com`.
    Production,
    /// `https://api.ripiotrade.co` with the `/v4` prefix; REST only (its WebSocket host
    /// serves market data, not trading).
    Legacy,
}

impl Environment {
    /// Parses `environment`; absent means production.
    pub fn parse(name: Option<&str>) -> Result<Self> {
        match name {
            None | Some("production") => Ok(Self::Production),
            Some("legacy") => Ok(Self::Legacy),
            Some(other) => Err(Error::invalid(
                "environment",
                "\"production\" (api.ripio.com, the default) or \"legacy\" (api.ripiotrade.co/v4)",
                &Value::from(other),
            )),
        }
    }

    /// The REST host, without a trailing `/`.
    pub const fn rest_host(self) -> &'static str {
        match self {
            Self::Production => "https://api.ripio.com",
            Self::Legacy => "https://api.ripiotrade.co",
        }
    }

    /// The REST path prefix that is part of the signed path.
    pub const fn rest_prefix(self) -> &'static str {
        match self {
            Self::Production => "/trade",
            Self::Legacy => "/v4",
        }
    }

    /// The WebSocket trading endpoint, if the deployment has one.
    pub const fn ws_url(self) -> Option<&'static str> {
        match self {
            Self::Production => Some("wss://ws-api.ripio.com"),
            Self::Legacy => None,
        }
    }
}

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

    fn write(&self, out: &mut String) {
        match self {
            Self::Text(s) => JS.write_str(s, out),
            Self::Int(n) => out.push_str(&n.to_string()),
        }
    }
}

/// A validated WebSocket `order.cancel`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsCancel {
    /// `wss://…` endpoint.
    pub url: String,
    /// The frame's `id`.
    pub request_id: RequestId,
    /// The order to cancel.
    pub order: OrderRef,
    /// `params.api_token`.
    pub api_token: ApiToken,
    /// `params.timestamp`, ms.
    pub timestamp: u64,
    /// The business params as compact JSON, e.g. `{"id":"…"}`: signed, and embedded
    /// verbatim in the frame.
    pub business_json: String,
}

/// A validated REST cancel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestCancel {
    /// `DELETE` or `POST`.
    pub method: HttpMethod,
    /// The full URL (host + path).
    pub url: String,
    /// The signed path, with the API prefix, no query.
    pub path: String,
    /// The exact body bytes, or `None` (signed as the empty string).
    pub body: Option<String>,
    /// The `Authorization` value.
    pub api_token: ApiToken,
    /// The `timestamp` header and signed prefix, ms.
    pub timestamp: u64,
    /// The `timestamp-tolerance` header, ms (1–60000), if asked for.
    pub timestamp_tolerance: Option<u64>,
}

/// A validated Ripio request, ready to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RipioRequest {
    /// The action name as requested (`cancel_order`, `cancel_all_orders`).
    pub action: String,
    /// What to cancel.
    pub operation: Operation,
    /// The transport-specific request.
    pub call: Call,
}

/// The transport-specific half of a [`RipioRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// A WebSocket frame.
    Ws(WsCancel),
    /// An HTTPS request.
    Rest(RestCancel),
}

/// JavaScript `JSON.stringify` compatible output: request key order, compact, non-ASCII
/// kept (docs/venues/ripio.md, "Signed bytes"). The accepted identifiers are ASCII without quotes or backslashes,
/// so every common serializer produces the same bytes for them (pitfall P3).
const JS: Writer = Writer {
    sort_keys: false,
    ensure_ascii: false,
};

impl RipioRequest {
    /// Validates `req` into a typed request. Reads the clock or the id source from `ctx`
    /// only when the request has no `timestamp` / WebSocket `id`.
    pub fn from_request(req: &Request, ctx: &Context<'_>) -> Result<Self> {
        if req.venue != VENUE {
            return Err(Error::invalid(
                "venue",
                "\"ripio\"",
                &Value::from(req.venue.as_str()),
            ));
        }
        req.allow_extra(EXTRA_FIELDS)?;
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
                let Operation::CancelOrder(order) = &operation else {
                    // require_transport above admits ws for cancel_order only.
                    return Err(req.unknown_action(&["cancel_order"]));
                };
                let url = ws_url(req, environment)?;
                let request_id = match &req.id {
                    Some(v) => RequestId::parse(v)?,
                    None => RequestId::Text(ctx.ids.uuid_v4()),
                };
                Call::Ws(WsCancel {
                    url,
                    request_id,
                    order: order.clone(),
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
        Ok(Self {
            action: req.action.clone(),
            operation,
            call,
        })
    }

    /// The exact message that is HMAC'd: `timestamp + METHOD + path + body` (REST) or
    /// `timestamp + business JSON` (WebSocket). Pure and key-free.
    pub fn signing_payload(&self) -> String {
        match &self.call {
            Call::Rest(r) => format!(
                "{}{}{}{}",
                r.timestamp,
                r.method.as_str(),
                r.path,
                r.body.as_deref().unwrap_or("")
            ),
            Call::Ws(w) => format!("{}{}", w.timestamp, w.business_json),
        }
    }

    /// Signs the payload and assembles the envelope. The body is the string built before
    /// signing (REST) or the frame that embeds the signed business JSON verbatim (ws).
    pub fn sign<S: HmacSign>(&self, signer: &S) -> Envelope {
        let message = self.signing_payload();
        let signature = signer.sign_base64(message.as_bytes());
        let signed = vec![Signed {
            scheme: SCHEME.to_owned(),
            message: Some(message),
            message_hex: None,
            signature: signature.clone(),
        }];
        let (transport, method, url, headers, body, expires_at) = match &self.call {
            Call::Rest(r) => {
                let mut h = vec![
                    ("Authorization".to_owned(), r.api_token.as_str().to_owned()),
                    ("timestamp".to_owned(), r.timestamp.to_string()),
                    ("signature".to_owned(), signature),
                ];
                if r.body.is_some() {
                    h.push(("Content-Type".to_owned(), "application/json".to_owned()));
                }
                if let Some(t) = r.timestamp_tolerance {
                    h.push(("timestamp-tolerance".to_owned(), t.to_string()));
                }
                let window = r
                    .timestamp_tolerance
                    .unwrap_or(DEFAULT_TIMESTAMP_TOLERANCE_MS);
                (
                    Transport::Rest,
                    Some(r.method.as_str().to_owned()),
                    r.url.clone(),
                    Headers(h),
                    r.body.clone(),
                    r.timestamp.checked_add(window),
                )
            }
            // No validity window is documented for ws (docs/venues/ripio.md: only the REST
            // default), so the envelope does not claim one.
            Call::Ws(w) => (
                Transport::Ws,
                None,
                w.url.clone(),
                Headers::default(),
                Some(ws_frame(w, &signature)),
                None,
            ),
        };
        Envelope {
            airsign: airsign_core::FORMAT_VERSION,
            venue: VENUE.to_owned(),
            action: self.action.clone(),
            transport,
            method,
            url,
            headers,
            body,
            login: None,
            signer: None,
            signed,
            expires_at,
        }
    }
}

/// `{"id":<id>,"method":"order.cancel","params":{<business>,"api_token":…,"timestamp":…,"signature":…}}`,
/// with the signed business JSON copied in byte for byte (its closing brace replaced by the
/// auth fields), in the key order Ripio's examples use.
fn ws_frame(w: &WsCancel, signature: &str) -> String {
    let business_inner = w
        .business_json
        .strip_suffix('}')
        .unwrap_or(&w.business_json);
    let mut out = String::with_capacity(160 + w.business_json.len());
    out.push_str("{\"id\":");
    w.request_id.write(&mut out);
    out.push_str(",\"method\":");
    JS.write_str(WS_METHOD, &mut out);
    out.push_str(",\"params\":");
    out.push_str(business_inner);
    out.push_str(",\"api_token\":");
    JS.write_str(w.api_token.as_str(), &mut out);
    out.push_str(",\"timestamp\":");
    out.push_str(&w.timestamp.to_string());
    out.push_str(",\"signature\":");
    JS.write_str(signature, &mut out);
    out.push_str("}}");
    out
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

/// Toolkit policy (docs/venues/ripio.md, "Conservative choices"): 1–64 of `[A-Za-z0-9._:-]`, a set every JSON serializer
/// writes the same way.
fn is_external_id(s: &str) -> bool {
    (1..=MAX_EXTERNAL_ID_LEN).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// Verifies a Ripio envelope offline: re-derives the request from the url, method,
/// headers and body, rebuilds it with the envelope's tag, requires it to equal `env`
/// exactly, and — when `keys` holds the API secret — recomputes the HMAC over
/// `timestamp + METHOD + path + body` (REST) or `timestamp + business JSON` (WebSocket).
/// Without the secret the tag is reported as unverifiable.
pub fn verify(env: &Envelope, keys: &Keyring, opts: &VerifyOptions) -> Result<Verdict> {
    use airsign_core::verify::{mismatch, parse_body, rederive, request_fields, settle};
    let mut req = request_fields(env);
    let mut unsigned = Vec::new();
    let (tag, field) = match env.transport {
        Transport::Ws => {
            let known: Vec<&str> = [Environment::Production, Environment::Legacy]
                .iter()
                .filter_map(|e| e.ws_url())
                .collect();
            opts.check_base(&env.url, &known)?;
            let text = env
                .body
                .as_deref()
                .ok_or_else(|| mismatch("body", "expected the frame, saw null"))?;
            let mut frame = parse_body("body", text)?;
            if let Some(id) = frame.shift_remove("id") {
                req.insert("id".into(), id);
            }
            let Some(Value::Object(mut params)) = frame.shift_remove("params") else {
                return Err(mismatch("body.params", "expected an object"));
            };
            for k in ["api_token", "timestamp"] {
                if let Some(v) = params.shift_remove(k) {
                    req.insert(k.into(), v);
                }
            }
            let tag = match params.shift_remove("signature") {
                Some(Value::String(t)) => t,
                _ => return Err(mismatch("body.params.signature", "expected a string")),
            };
            req.insert("base_url".into(), Value::from(env.url.as_str()));
            req.insert("params".into(), Value::Object(params));
            unsigned.extend(["url", "body.id", "body.params.api_token"]);
            (tag, "body.params.signature")
        }
        Transport::Rest => {
            let after_scheme = env
                .url
                .strip_prefix("https://")
                .ok_or_else(|| mismatch("url", "expected an https:// url for a REST request"))?;
            let cut = after_scheme.find('/').map_or(env.url.len(), |i| i + 8);
            let (host, path) = env.url.split_at(cut);
            let environment = [Environment::Production, Environment::Legacy]
                .into_iter()
                .find(|e| path.starts_with(e.rest_prefix()))
                .ok_or_else(|| {
                    mismatch(
                        "url",
                        "expected a path under /trade (production) or /v4 (legacy)",
                    )
                })?;
            opts.check_base(host, &[environment.rest_host()])?;
            let name = match environment {
                Environment::Production => "production",
                Environment::Legacy => "legacy",
            };
            req.insert("environment".into(), Value::from(name));
            if host != environment.rest_host() {
                req.insert("base_url".into(), Value::from(host));
            }
            if let Some(m) = env.method.as_deref().filter(|m| *m != "DELETE") {
                req.insert("http_method".into(), Value::from(m));
            }
            let header = |name: &str| {
                env.headers
                    .get(name)
                    .ok_or_else(|| mismatch("headers", format!("missing header {name}")))
            };
            req.insert("api_token".into(), Value::from(header("Authorization")?));
            let number = |name: &str| -> Result<Value> {
                header(name)?
                    .parse::<u64>()
                    .map(Value::from)
                    .map_err(|_| mismatch(&format!("headers.{name}"), "expected digits"))
            };
            req.insert("timestamp".into(), number("timestamp")?);
            if env.headers.get("timestamp-tolerance").is_some() {
                req.insert("timestamp_tolerance".into(), number("timestamp-tolerance")?);
                unsigned.push("headers.timestamp-tolerance");
            }
            let params = match env.body.as_deref() {
                None => Map::new(),
                Some(text) => parse_body("body", text)?,
            };
            req.insert("params".into(), Value::Object(params));
            unsigned.push("headers.Authorization");
            (header("signature")?.to_owned(), "headers.signature")
        }
    };
    let replay = HmacReplay::new(&tag, field);
    // The secret is the one signing would have chosen for this request (by its pinned
    // api_token where the keyring pins one); none, or no single one, leaves the tag
    // unverifiable rather than failed.
    let key = Request::from_map(req.clone())
        .ok()
        .and_then(|r| keys.select(&r, &RULES).ok());
    let rebuilt = rederive(req, 0, |request, ctx| {
        Ok(RipioRequest::from_request(request, ctx)?.sign(&replay))
    })?;
    let checks = settle(env, &rebuilt, || {
        let secret = match key {
            Some(k) => Some(k.hmac_secret()?),
            None => None,
        };
        replay.check(secret)
    })?;
    Ok(Verdict {
        checks,
        unsigned: unsigned.iter().map(|s| (*s).to_owned()).collect(),
        unverifiable: None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use airsign_keys::SecretBytes;

    fn keys(secret: &str) -> Key {
        Key::from_bytes(
            "key file",
            airsign_keys::Scheme::Hmac,
            SecretBytes::new(secret.as_bytes().to_vec()),
        )
    }

    fn build_json(json: &str, secret: &str) -> Result<Envelope> {
        Context::fixed(1_634_567_890_000, |ctx| {
            build(&Request::parse(json)?, &keys(secret), ctx)
        })
    }

    const ID: &str = "7155ED34-9EC4-4733-8B32-1E4319CB662F";

    #[test]
    fn worked_examples_from_ripio_md() {
        let e = build_json(
            &format!(
                r#"{{"venue":"ripio","action":"cancel_order","transport":"ws","timestamp":1634567890000,"api_token":"your-api-token","id":"req-003","params":{{"id":"{ID}"}}}}"#
            ),
            "vector-secret-1",
        )
        .unwrap();
        assert_eq!(
            e.body.as_deref(),
            Some(
                r#"{"id":"req-003","method":"order.cancel","params":{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F","api_token":"your-api-token","timestamp":1634567890000,"signature":"gFDF1u3v2Cckv0UVsY6NB1o3tWJXRMmErQk5FNzpXKI="}}"#
            )
        );
        assert_eq!((e.method, e.url.as_str()), (None, "wss://ws-api.ripio.com"));
        assert_eq!(e.expires_at, None);

        let e = build_json(
            &format!(
                r#"{{"venue":"ripio","action":"cancel_order","api_token":"your-api-token","params":{{"id":"{ID}"}}}}"#
            ),
            "vector-secret-1",
        )
        .unwrap();
        assert_eq!(e.method.as_deref(), Some("DELETE"));
        assert_eq!(e.url, "https://api.ripio.com/trade/orders");
        assert_eq!(
            e.headers.get("signature"),
            Some("nBDqqNIfvBOUbNzXXPkBrn/pbrjz8U3N4TPtXqk00AE=")
        );
        assert_eq!(e.headers.get("Authorization"), Some("your-api-token"));
        assert_eq!(e.expires_at, Some(1_634_567_895_000));

        for (params, sig) in [
            (
                r#"{"pair":"BTC_BRL"}"#,
                "NNAsAYCtoHPyXjz7k5ufomLaR4B244Unv+tL7QD/1+Q=",
            ),
            ("{}", "EmDQ5W6fKFPxtWzmaOLpMfOfdk9lI/Yqa7vtHOdcbY0="),
        ] {
            let e = build_json(
                &format!(
                    r#"{{"venue":"ripio","action":"cancel_all_orders","api_token":"your-api-token","timestamp_tolerance":60000,"params":{params}}}"#
                ),
                "vector-secret-1",
            )
            .unwrap();
            assert_eq!(e.headers.get("signature"), Some(sig));
            assert_eq!(e.headers.get("timestamp-tolerance"), Some("60000"));
            assert_eq!(e.expires_at, Some(1_634_567_950_000));
        }
    }

    #[test]
    fn default_ws_id_comes_from_the_context() {
        let e = build_json(
            r#"{"venue":"ripio","action":"cancel_order","transport":"ws","api_token":"t","params":{"external_id":"a.b:c_d-1"}}"#,
            "s",
        )
        .unwrap();
        let body = e.body.unwrap();
        assert!(
            body.starts_with(
                r#"{"id":"00000000-0000-4000-8000-000000000001","method":"order.cancel","params":{"external_id":"a.b:c_d-1","api_token":"t","timestamp":1634567890000,"signature":""#
            ),
            "{body}"
        );
        let e = build_json(
            r#"{"venue":"ripio","action":"cancel_order","transport":"ws","api_token":"t","id":42,"params":{"external_id":"x"}}"#,
            "s",
        )
        .unwrap();
        assert!(e.body.unwrap().starts_with(r#"{"id":42,"method""#));
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
            let e = build_json(&json, "s").unwrap_err();
            assert_eq!((e.code(), e.field()), (*code, Some(*field)), "{json}: {e}");
        }
    }

    #[test]
    fn api_token_refused_without_echo() {
        for tok in [r#""""#, r#""my token""#, r#""tok\n""#, "12345", r#""tök""#] {
            let json = format!(
                r#"{{"venue":"ripio","action":"cancel_order","api_token":{tok},"params":{{"external_id":"x"}}}}"#
            );
            let e = build_json(&json, "s").unwrap_err();
            assert_eq!(e.field(), Some("api_token"), "{e}");
            assert!(!e.message().contains("my token") && !e.message().contains("12345"));
        }
        let e = build_json(
            r#"{"venue":"ripio","action":"cancel_order","params":{"external_id":"x"}}"#,
            "s",
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("api_token"));
    }

    #[test]
    fn base_url_overrides_host_and_keeps_prefix() {
        let e = build_json(
            r#"{"venue":"ripio","action":"cancel_order","api_token":"t","environment":"legacy","base_url":"https://proxy.example:8443/","params":{"external_id":"x"}}"#,
            "s",
        )
        .unwrap();
        assert_eq!(e.url, "https://proxy.example:8443/v4/orders/by-external-id");
        assert!(
            e.signed[0]
                .message
                .as_deref()
                .unwrap()
                .contains("DELETE/v4/orders/by-external-id{")
        );
        let e = build_json(
            r#"{"venue":"ripio","action":"cancel_order","transport":"ws","api_token":"t","base_url":"wss://ws.proxy.example/ripio","params":{"external_id":"x"}}"#,
            "s",
        )
        .unwrap();
        assert_eq!(e.url, "wss://ws.proxy.example/ripio");
    }

    #[test]
    fn key_problems_come_after_request_checks() {
        let ok = r#"{"venue":"ripio","action":"cancel_order","api_token":"t","params":{"external_id":"x"}}"#;
        let e = build_json(ok, "").unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyInvalid);
        let bad = r#"{"venue":"ripio","action":"cancel_order","api_token":"t","params":{}}"#;
        assert_eq!(
            build_json(bad, "").unwrap_err().code(),
            ErrorCode::ParamsMissing
        );
        let e = Context::fixed(1_634_567_890_000, |ctx| {
            build(
                &Request::parse(ok).unwrap(),
                &Key::from_bytes(
                    "key file",
                    airsign_keys::Scheme::Bearer,
                    SecretBytes::new(Vec::new()),
                ),
                ctx,
            )
        })
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeySchemeMismatch);
    }
}
