//! The one error type: a stable machine code, the field path it concerns, and a message
//! that says what was expected and what was seen.
//!
//! Messages are built from request data only. Key material never reaches an error: key
//! errors are built in `airsign-keys` from fixed texts and lengths, never from key bytes.

use std::fmt;

use serde_json::Value;

/// Shorthand for results in airsign.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Stable machine codes. The string form ([`ErrorCode::as_str`]) is part of the output
/// format: programs match on it, so a code never changes meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The input is not a JSON object (syntax error, wrong top-level type, duplicate key…).
    RequestMalformed,
    /// The `venue` names no venue airsign knows.
    RequestUnknownVenue,
    /// The `action` is not one the venue offers.
    RequestUnknownAction,
    /// The venue/action pair has no such transport (`rest`/`ws`).
    RequestUnsupportedTransport,
    /// A top-level request field is missing, of the wrong type, or out of range.
    RequestInvalid,
    /// A field the venue or action does not take.
    RequestUnknownField,
    /// A required parameter is absent.
    ParamsMissing,
    /// A parameter is present but wrong (type, format, range, combination).
    ParamsInvalid,
    /// No key was provided where one is needed.
    KeyMissing,
    /// The key material could not be read as the venue's key type.
    KeyInvalid,
    /// A keypair whose public half does not match its secret half.
    KeyMismatch,
    /// The key file's permissions let others read it (with `--strict-permissions`).
    KeyPermissions,
    /// A keystore's password is wrong (its MAC did not match).
    KeyBadPassword,
    /// A bearer token that has already expired at the request's time.
    KeyTokenExpired,
    /// The key's scheme (fixed by the operator) is not the one the request's venue signs
    /// with, or the key file's content is not of its declared scheme.
    KeySchemeMismatch,
    /// More than one keyring key fits the request: it must name one with `key`.
    KeyAmbiguous,
    /// The operator's signing policy refuses the request (an action not allowed, a host
    /// not allowed, a window too long, an identity other than the pinned one).
    PolicyDenied,
    /// Reading or writing a file failed.
    Io,
    /// `verify`: the input is not an airsign envelope (not JSON, missing or mistyped
    /// fields, an error object).
    EnvelopeMalformed,
    /// `verify`: the envelope's parts disagree with what airsign builds from them (a body
    /// not in the venue's exact form, a url or header that does not match the action…).
    VerifyMismatch,
    /// `verify`: a signature does not verify over the bytes re-derived from the envelope.
    VerifyBadSignature,
    /// `verify`: the url is not one of the venue's known endpoints (allow others with
    /// `--base-url`).
    VerifyUnknownUrl,
    /// `verify`: the envelope's `expires_at` has passed at the time of the check (the host
    /// clock, or `--at`).
    VerifyExpired,
    /// The host clock reads a time before this build of airsign: it is wrong, and a
    /// request without a `timestamp` (or a check of `expires_at`) cannot rely on it.
    ClockBeforeBuild,
}

impl ErrorCode {
    /// The stable string form, e.g. `params.missing`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::RequestMalformed => "request.malformed",
            Self::RequestUnknownVenue => "request.unknown_venue",
            Self::RequestUnknownAction => "request.unknown_action",
            Self::RequestUnsupportedTransport => "request.unsupported_transport",
            Self::RequestInvalid => "request.invalid",
            Self::RequestUnknownField => "request.unknown_field",
            Self::ParamsMissing => "params.missing",
            Self::ParamsInvalid => "params.invalid",
            Self::KeyMissing => "key.missing",
            Self::KeyInvalid => "key.invalid",
            Self::KeyMismatch => "key.mismatch",
            Self::KeyPermissions => "key.permissions",
            Self::KeyBadPassword => "key.bad_password",
            Self::KeyTokenExpired => "key.token_expired",
            Self::KeySchemeMismatch => "key.scheme_mismatch",
            Self::KeyAmbiguous => "key.ambiguous",
            Self::PolicyDenied => "policy.denied",
            Self::Io => "io",
            Self::EnvelopeMalformed => "envelope.malformed",
            Self::VerifyMismatch => "verify.mismatch",
            Self::VerifyBadSignature => "verify.bad_signature",
            Self::VerifyUnknownUrl => "verify.unknown_url",
            Self::VerifyExpired => "verify.expired",
            Self::ClockBeforeBuild => "clock.before_build",
        }
    }

    /// The process exit code this error leads to (docs/format.md, "Exit codes"): 3 for I/O, else 1.
    pub const fn exit_code(self) -> i32 {
        match self {
            Self::Io => 3,
            _ => 1,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An airsign error: code, optional field path (`params.order_id`), human message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    field: Option<String>,
    message: String,
}

impl Error {
    /// A new error with a code, an optional field path and a message.
    pub fn new(code: ErrorCode, field: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            code,
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }

    /// `params.missing` (or `request.invalid` for a top-level field): `field` is required.
    pub fn missing(field: &str, expected: &str) -> Self {
        let code = if is_param(field) {
            ErrorCode::ParamsMissing
        } else {
            ErrorCode::RequestInvalid
        };
        Self::new(code, Some(field), format!("missing; expected {expected}"))
    }

    /// `params.invalid` (or `request.invalid`): `field` holds `seen` where `expected` was due.
    pub fn invalid(field: &str, expected: &str, seen: &Value) -> Self {
        Self::invalid_text(field, expected, &describe(seen))
    }

    /// Like [`Error::invalid`] but with a free-form description of what was seen.
    pub fn invalid_text(field: &str, expected: &str, seen: &str) -> Self {
        let code = if is_param(field) {
            ErrorCode::ParamsInvalid
        } else {
            ErrorCode::RequestInvalid
        };
        Self::new(
            code,
            Some(field),
            format!("expected {expected}, saw {seen}"),
        )
    }

    /// `request.unknown_field`: a field this venue/action does not take.
    pub fn unknown_field(field: &str, allowed: &[&str]) -> Self {
        let list = if allowed.is_empty() {
            "none".to_owned()
        } else {
            allowed.join(", ")
        };
        Self::new(
            ErrorCode::RequestUnknownField,
            Some(field),
            format!("unknown field; this request takes: {list}"),
        )
    }

    /// `code` for input that is not UTF-8, naming the first invalid byte's offset.
    pub fn not_utf8(code: ErrorCode, e: &std::str::Utf8Error) -> Self {
        Self::new(
            code,
            None,
            format!(
                "expected UTF-8 text, saw an invalid byte at offset {}",
                e.valid_up_to()
            ),
        )
    }

    /// The machine code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The field path, if the error concerns one field.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The human message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// This error as the contract's error object, with `"line"` when given (batch).
    pub fn to_json_line(&self, line: Option<u64>) -> String {
        let mut err = serde_json::Map::new();
        err.insert("code".into(), Value::from(self.code.as_str()));
        if let Some(f) = &self.field {
            err.insert("field".into(), Value::from(f.as_str()));
        }
        err.insert("message".into(), Value::from(self.message.as_str()));
        let mut top = serde_json::Map::new();
        top.insert("airsign".into(), Value::from(crate::FORMAT_VERSION));
        if let Some(n) = line {
            top.insert("line".into(), Value::from(n));
        }
        top.insert("error".into(), Value::Object(err));
        Value::Object(top).to_string()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}: {}: {}", self.code, field, self.message),
            None => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

impl std::error::Error for Error {}

/// Whether a field path lies under `params` (its errors get the `params.*` codes).
fn is_param(field: &str) -> bool {
    field.starts_with("params.") || field.starts_with("params[")
}

/// The JSON type of `v` and nothing of its content, for messages about values that may
/// be secret (a keystore's fields, an API token).
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A short description of a JSON value for an error message: its type and, for scalars,
/// its text cut to a readable length.
pub fn describe(v: &Value) -> String {
    const MAX: usize = 64;
    let (kind, text) = match v {
        Value::Null => return "null".to_owned(),
        Value::Bool(b) => return format!("boolean {b}"),
        Value::Number(n) => ("number", n.to_string()),
        Value::String(s) => ("string", Value::from(s.as_str()).to_string()),
        Value::Array(a) => return format!("an array of {} items", a.len()),
        Value::Object(o) => return format!("an object with {} fields", o.len()),
    };
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("{kind} {cut}… ({} chars)", text.chars().count())
    } else {
        format!("{kind} {text}")
    }
}
