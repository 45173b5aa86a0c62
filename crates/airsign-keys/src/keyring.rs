//! The keyring: the operator's keys, each bound to its venues and identity, and the
//! signing policy — everything a request may ask for but never decide.
//!
//! A run has either one key file (`--key-file`, its scheme fixed from its content or by
//! `--scheme`: [`Keyring::single`]) or a keyring file (`--keyring`: [`Keyring::load`]).
//! Between parsing a request and building what it signs, [`Keyring::authorize`] checks it
//! against the policy, chooses its key and fills in the identity that key is pinned to.
//!
//! The keyring file is JSON, parsed strictly (unknown fields and duplicate keys refused):
//!
//! ```json
//! {"airsign_keyring": 1,
//!  "keys": [
//!   {"name": "pacifica-main", "scheme": "ed25519", "file": "pacifica/id.json",
//!    "venues": ["pacifica"], "account": "5UbRrwLm27uQXLNhSnbjLHtbYPDW2QP1NJHzfMcskFKw"},
//!   {"name": "eth", "scheme": "secp256k1", "file": "eth/keystore.json",
//!    "password_file": "eth/password", "venues": ["derive", "mobula"]}
//!  ],
//!  "policy": {"allow_actions": {"mobula": ["create-order"]},
//!             "base_urls": ["https://layer1.internal.example"],
//!             "max_expiry_window_ms": 120000}}
//! ```
//!
//! Paths are relative to the keyring file's folder. Key files are read (and keystores
//! decrypted) only when a request first needs them, once per run.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use airsign_core::json::parse_object;
use airsign_core::{Error, ErrorCode, Request, Result};
use serde_json::{Map, Value};

use crate::key::same_identity;
use crate::scheme::SchemeOfKey;
use crate::{
    FilePolicy, Key, KeyFile, Pins, Policy, Scheme, VenueRules, prompt_on_tty, read_password_file,
};

/// The operator's keys and policy.
#[derive(Debug, Default)]
pub struct Keyring {
    keys: Vec<Key>,
    policy: Policy,
    /// One `--key-file` (no names to choose by) rather than a keyring file.
    single: bool,
}

/// How a keyring file's key files are read.
#[derive(Clone)]
pub struct LoadOptions {
    /// What to do with key and password files that others can read.
    pub file_policy: FilePolicy,
    /// Where warnings for people go (stderr in the CLI).
    pub warn: Arc<dyn Fn(&str) + Send + Sync>,
}

impl std::fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadOptions")
            .field("file_policy", &self.file_policy)
            .finish_non_exhaustive()
    }
}

/// Largest keyring file airsign reads.
pub const MAX_KEYRING_BYTES: u64 = 1024 * 1024;

impl Keyring {
    /// No key at all: every request that needs one is refused with `key.missing`.
    pub fn empty() -> Self {
        Self::default()
    }

    /// One key file: the key serves every venue of its scheme, under `policy`.
    pub fn single(key: Key, policy: Policy) -> Self {
        Self {
            keys: vec![key],
            policy,
            single: true,
        }
    }

    /// A keyring of `keys` under `policy` (names must be unique).
    pub fn new(keys: Vec<Key>, policy: Policy) -> Result<Self> {
        for (i, k) in keys.iter().enumerate() {
            if keys[..i].iter().any(|o| o.name() == k.name()) {
                return Err(bad(
                    &format!("keys[{i}].name"),
                    format!("a name no other key has; saw {:?} twice", k.name()),
                ));
            }
        }
        Ok(Self {
            keys,
            policy,
            single: false,
        })
    }

    /// The keys.
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The policy, to widen (e.g. `--base-url`).
    pub fn policy_mut(&mut self) -> &mut Policy {
        &mut self.policy
    }

    /// Reads a keyring file: refused when group or others can write it (whoever can
    /// write it decides what this host signs); `venues` are the venue names the run
    /// knows, so a misspelt one is refused rather than ignored.
    pub fn load(path: &Path, venues: &[&str], opts: &LoadOptions) -> Result<Self> {
        let io = |what: &str, e: std::io::Error| {
            Error::new(
                ErrorCode::Io,
                Some("keyring"),
                format!("cannot {what} keyring {}: {e}", path.display()),
            )
        };
        let meta = std::fs::metadata(path).map_err(|e| io("open", e))?;
        if !meta.is_file() {
            return Err(Error::new(
                ErrorCode::Io,
                Some("keyring"),
                format!("keyring {} is not a regular file", path.display()),
            ));
        }
        if let Some(mode) = writable_by_others(&meta) {
            return Err(Error::new(
                ErrorCode::KeyPermissions,
                Some("keyring"),
                format!(
                    "refused: keyring {} can be written by group or others (mode {mode:o}), \
                     who could then choose what this host signs; run: chmod go-w {}",
                    path.display(),
                    path.display()
                ),
            ));
        }
        if meta.len() > MAX_KEYRING_BYTES {
            return Err(bad(
                "",
                format!("a keyring of at most {MAX_KEYRING_BYTES} bytes"),
            ));
        }
        let text = std::fs::read_to_string(path).map_err(|e| io("read", e))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        Self::parse(&text, dir, venues, opts).map_err(|e| {
            Error::new(
                e.code(),
                e.field(),
                format!("keyring {}: {}", path.display(), e.message()),
            )
        })
    }

    /// Parses keyring JSON; relative paths are taken from `dir`.
    pub fn parse(text: &str, dir: &Path, venues: &[&str], opts: &LoadOptions) -> Result<Self> {
        let top = parse_object(text).map_err(|e| bad("", e.message().to_owned()))?;
        let mut f = Obj::new(top, "", &["airsign_keyring", "keys", "policy"])?;
        match f.take("airsign_keyring") {
            Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
            other => {
                return Err(bad(
                    "airsign_keyring",
                    format!("the format version 1; saw {}", seen(other.as_ref())),
                ));
            }
        }
        let Some(Value::Array(list)) = f.take("keys") else {
            return Err(bad("keys", "an array of keys".to_owned()));
        };
        let mut keys = Vec::with_capacity(list.len());
        for (i, v) in list.into_iter().enumerate() {
            keys.push(parse_key(v, &format!("keys[{i}]"), dir, venues, opts)?);
        }
        let policy = match f.take("policy") {
            None => Policy::new(),
            Some(v) => parse_policy(v, venues)?,
        };
        Self::new(keys, policy)
    }

    /// Checks `req` against the policy, chooses its key (by `key`, else the one key bound
    /// to the venue whose pins fit what the request names) and fills in the identity that
    /// key pins; a request naming another identity than the pinned one is refused.
    /// `now_ms` is the time a request without a `timestamp` will carry.
    pub fn authorize<'r>(
        &self,
        req: &'r Request,
        rules: &VenueRules,
        now_ms: u64,
    ) -> Result<(&Key, Cow<'r, Request>)> {
        self.policy.check(req, rules, now_ms)?;
        let key = self.select(req, rules)?;
        let mut req = Cow::Borrowed(req);
        for field in rules.identity {
            let Some(pin) = key.pins().get(field) else {
                continue;
            };
            match req.extra.get(*field) {
                None => {
                    req.to_mut()
                        .extra
                        .insert((*field).to_owned(), Value::from(pin));
                }
                Some(Value::String(s)) if same_identity(pin, s) => {}
                Some(_) => {
                    return Err(Error::new(
                        ErrorCode::PolicyDenied,
                        Some(field),
                        format!(
                            "{} is pinned to one {field}, and this request names another: \
                             drop \"{field}\" from the request, or sign it with the key \
                             pinned to that {field}",
                            key.describe()
                        ),
                    ));
                }
            }
        }
        Ok((key, req))
    }

    /// The key a fast path may sign with for `rules.venue`: the one key that serves it,
    /// pins none of its identity fields, and a policy that bounds no windows (fast paths
    /// take only plain requests, with no `key`, `base_url` or identity to check).
    pub fn fast_key(&self, rules: &VenueRules) -> Option<&Key> {
        if self.policy.max_expiry_window_ms().is_some() {
            return None;
        }
        let mut found = None;
        for k in &self.keys {
            if k.serves(rules.venue) {
                if found.is_some() {
                    return None;
                }
                found = Some(k);
            }
        }
        let k = found?;
        (k.scheme() == rules.scheme && rules.identity.iter().all(|f| k.pins().get(f).is_none()))
            .then_some(k)
    }

    /// The key for `req` by the rules [`Keyring::authorize`] uses, without the policy
    /// check (verify uses it to find the HMAC secret an envelope was made with).
    pub fn select(&self, req: &Request, rules: &VenueRules) -> Result<&Key> {
        let venue = rules.venue;
        if self.keys.is_empty() {
            return Err(Error::new(
                ErrorCode::KeyMissing,
                Some("key_file"),
                "this request needs a key: pass --key-file PATH (with --scheme where its \
                 form needs one) or --keyring PATH",
            ));
        }
        if let Some(name) = &req.key {
            if self.single {
                return Err(Error::new(
                    ErrorCode::KeyMissing,
                    Some("key"),
                    "the request names a keyring key, but this run has one key file and no \
                     keyring: drop \"key\" or run with --keyring PATH",
                ));
            }
            let Some(k) = self.keys.iter().find(|k| k.name() == name) else {
                return Err(Error::new(
                    ErrorCode::KeyMissing,
                    Some("key"),
                    format!(
                        "expected the name of a keyring key ({}); saw {}",
                        self.names(|_| true),
                        Value::from(name.as_str())
                    ),
                ));
            };
            if !k.serves(venue) {
                return Err(Error::new(
                    ErrorCode::PolicyDenied,
                    Some("key"),
                    format!(
                        "{} is not bound to {venue} (its venues: {}): name a key bound to \
                         {venue}, or add {venue} to its venues",
                        k.describe(),
                        k.venues().unwrap_or_default().join(", ")
                    ),
                ));
            }
            if k.scheme() != rules.scheme {
                return Err(k.mismatch(rules.scheme));
            }
            return Ok(k);
        }
        let named: Vec<(&str, &str)> = rules
            .identity
            .iter()
            .filter_map(|f| match req.extra.get(*f) {
                Some(Value::String(s)) => Some((*f, s.as_str())),
                _ => None,
            })
            .collect();
        let bound: Vec<&Key> = self.keys.iter().filter(|k| k.serves(venue)).collect();
        let of_scheme: Vec<&Key> = bound
            .iter()
            .copied()
            .filter(|k| k.scheme() == rules.scheme)
            .collect();
        if of_scheme.is_empty() {
            if let Some(k) = bound.first() {
                return Err(k.mismatch(rules.scheme));
            }
            return Err(Error::new(
                ErrorCode::KeyMissing,
                Some("key"),
                format!(
                    "no key in the keyring is bound to {venue} ({}): add one with \
                     \"venues\": [\"{venue}\"]",
                    self.names(|_| true)
                ),
            ));
        }
        let fits = |k: &&Key| {
            named
                .iter()
                .all(|(f, v)| k.pins().get(f).is_none_or(|p| same_identity(p, v)))
        };
        let fitting: Vec<&Key> = of_scheme.into_iter().filter(fits).collect();
        let exact: Vec<&Key> = fitting
            .iter()
            .copied()
            .filter(|k| {
                !named.is_empty()
                    && named
                        .iter()
                        .all(|(f, v)| k.pins().get(f).is_some_and(|p| same_identity(p, v)))
            })
            .collect();
        match (fitting.as_slice(), exact.as_slice()) {
            ([k], _) | (_, [k]) => Ok(k),
            ([], _) => Err(Error::new(
                ErrorCode::PolicyDenied,
                Some(named.first().map_or("key", |(f, _)| f)),
                format!(
                    "every key bound to {venue} is pinned to another {} than this request \
                     names: drop it from the request, or add a key pinned to it",
                    named.first().map_or("identity", |(f, _)| f)
                ),
            )),
            (many, _) => Err(Error::new(
                ErrorCode::KeyAmbiguous,
                Some("key"),
                format!(
                    "{} keys fit this {venue} request ({}): name one with \"key\"",
                    many.len(),
                    many.iter()
                        .map(|k| format!("{:?}", k.name()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    fn names(&self, keep: impl Fn(&Key) -> bool) -> String {
        let names: Vec<String> = self
            .keys
            .iter()
            .filter(|k| keep(k))
            .map(|k| format!("{:?}", k.name()))
            .collect();
        if names.is_empty() {
            "it has none".to_owned()
        } else {
            format!("its keys: {}", names.join(", "))
        }
    }
}

fn parse_key(v: Value, at: &str, dir: &Path, venues: &[&str], opts: &LoadOptions) -> Result<Key> {
    let Value::Object(m) = v else {
        return Err(bad(at, format!("a key object; saw {}", seen(Some(&v)))));
    };
    let mut f = Obj::new(
        m,
        at,
        &[
            "name",
            "scheme",
            "file",
            "password_file",
            "venues",
            "account",
            "wallet",
            "api_token",
            "vault_address",
            "signer",
        ],
    )?;
    let name = f
        .string("name")?
        .ok_or_else(|| f.missing("name", "the key's name"))?;
    if name.is_empty() {
        return Err(bad(&f.path("name"), "a non-empty name".to_owned()));
    }
    let scheme_name = f
        .string("scheme")?
        .ok_or_else(|| f.missing("scheme", "ed25519, secp256k1, hmac, bearer or external"))?;
    // An external key (a Ledger, an HSM): no file, only the public identity it signs as.
    let external = if scheme_name == "external" {
        let signer = f.string("signer")?.ok_or_else(|| {
            f.missing(
                "signer",
                "the external key's public identity: an Ethereum address or a base58 \
                 ed25519 public key",
            )
        })?;
        let id = crate::parse_signer(&f.path("signer"), &signer)?;
        if f.string("file")?.is_some() || f.string("password_file")?.is_some() {
            return Err(bad(
                &f.path("file"),
                "no file for an external key (its key never reaches this host)".to_owned(),
            ));
        }
        Some(id)
    } else {
        if f.string("signer")?.is_some() {
            return Err(bad(
                &f.path("signer"),
                "a signer only on a key of scheme \"external\" (a key file says its own)"
                    .to_owned(),
            ));
        }
        None
    };
    let scheme: Scheme = match &external {
        Some(id) => id.scheme().unwrap_or(Scheme::Ed25519),
        None => scheme_name
            .parse()
            .map_err(|e: Error| bad(&f.path("scheme"), format!("{}, or external", e.message())))?,
    };
    let file = match &external {
        Some(_) => String::new(),
        None => f
            .string("file")?
            .ok_or_else(|| f.missing("file", "the key file's path"))?,
    };
    let password_file = f.string("password_file")?;
    let Some(Value::Array(list)) = f.take("venues") else {
        return Err(f.missing(
            "venues",
            "the venues this key may sign for, e.g. [\"pacifica\"]",
        ));
    };
    let mut bound = Vec::new();
    for (i, v) in list.into_iter().enumerate() {
        match v {
            Value::String(s) if venues.contains(&s.as_str()) && !bound.contains(&s) => {
                bound.push(s);
            }
            other => {
                return Err(bad(
                    &format!("{}[{i}]", f.path("venues")),
                    format!(
                        "a venue name listed once (one of {}); saw {}",
                        venues.join(", "),
                        seen(Some(&other))
                    ),
                ));
            }
        }
    }
    if bound.is_empty() {
        return Err(bad(&f.path("venues"), "at least one venue".to_owned()));
    }
    let pins = Pins {
        account: f.string("account")?,
        wallet: f.string("wallet")?,
        api_token: f.string("api_token")?,
        vault_address: f.string("vault_address")?,
    };
    if let Some(id) = external {
        return Ok(Key::external(&name, id).with_venues(bound).with_pins(pins));
    }
    let path = dir.join(&file);
    let warn = Arc::clone(&opts.warn);
    let mut key = Key::from_path(&name, scheme, path.clone(), opts.file_policy)
        .with_venues(bound)
        .with_pins(pins)
        .with_warnings(move |w| warn(w));
    if scheme == Scheme::Secp256k1 {
        key = match password_file {
            Some(pw) => {
                let pw = dir.join(pw);
                let policy = opts.file_policy;
                let warn = Arc::clone(&opts.warn);
                key.with_password_source(move || {
                    let f = read_password_file(&pw, policy)?;
                    if let Some(w) = &f.warning {
                        warn(w);
                    }
                    Ok(f.password)
                })
            }
            None => {
                let prompt = format!(
                    "airsign: password for keystore {} (key {name:?}): ",
                    path.display()
                );
                key.with_password_source(move || prompt_on_tty(&prompt))
            }
        };
    } else if password_file.is_some() {
        return Err(bad(
            &f.path("password_file"),
            "no password_file: only a secp256k1 keystore has a password".to_owned(),
        ));
    }
    Ok(key)
}

fn parse_policy(v: Value, venues: &[&str]) -> Result<Policy> {
    let Value::Object(m) = v else {
        return Err(bad("policy", format!("an object; saw {}", seen(Some(&v)))));
    };
    let mut f = Obj::new(
        m,
        "policy",
        &["allow_actions", "base_urls", "max_expiry_window_ms"],
    )?;
    let mut policy = Policy::new();
    match f.take("allow_actions") {
        None => {}
        Some(Value::Object(m)) => {
            for (venue, actions) in m {
                let at = format!("policy.allow_actions.{venue}");
                if !venues.contains(&venue.as_str()) {
                    return Err(bad(
                        &at,
                        format!("a venue name (one of {})", venues.join(", ")),
                    ));
                }
                let Value::Array(list) = actions else {
                    return Err(bad(&at, "an array of action names".to_owned()));
                };
                for a in list {
                    let Value::String(a) = a else {
                        return Err(bad(&at, format!("action names; saw {}", seen(Some(&a)))));
                    };
                    policy.allow_action(&venue, &a);
                }
            }
        }
        Some(other) => {
            return Err(bad(
                "policy.allow_actions",
                format!("an object of venue → actions; saw {}", seen(Some(&other))),
            ));
        }
    }
    match f.take("base_urls") {
        None => {}
        Some(Value::Array(list)) => {
            for (i, u) in list.into_iter().enumerate() {
                let Value::String(u) = u else {
                    return Err(bad(
                        &format!("policy.base_urls[{i}]"),
                        format!("an https:// or wss:// URL; saw {}", seen(Some(&u))),
                    ));
                };
                policy
                    .allow_base_url(&u)
                    .map_err(|e| bad(&format!("policy.base_urls[{i}]"), e.message().to_owned()))?;
            }
        }
        Some(other) => {
            return Err(bad(
                "policy.base_urls",
                format!("an array of URLs; saw {}", seen(Some(&other))),
            ));
        }
    }
    match f.take("max_expiry_window_ms") {
        None => {}
        Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n > 0) => {
            policy.set_max_expiry_window_ms(n.as_u64().unwrap_or(0));
        }
        Some(other) => {
            return Err(bad(
                "policy.max_expiry_window_ms",
                format!(
                    "a positive integer of milliseconds; saw {}",
                    seen(Some(&other))
                ),
            ));
        }
    }
    Ok(policy)
}

/// An object's fields, with unknown ones refused up front.
struct Obj {
    map: Map<String, Value>,
    at: String,
}

impl Obj {
    fn new(map: Map<String, Value>, at: &str, known: &[&str]) -> Result<Self> {
        if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
            let path = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            return Err(Error::new(
                ErrorCode::RequestUnknownField,
                Some(&path),
                format!(
                    "a keyring does not take this field; it takes: {}",
                    known.join(", ")
                ),
            ));
        }
        Ok(Self {
            map,
            at: at.to_owned(),
        })
    }

    fn path(&self, k: &str) -> String {
        if self.at.is_empty() {
            k.to_owned()
        } else {
            format!("{}.{k}", self.at)
        }
    }

    fn take(&mut self, k: &str) -> Option<Value> {
        self.map.remove(k)
    }

    fn string(&mut self, k: &str) -> Result<Option<String>> {
        match self.take(k) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(bad(
                &self.path(k),
                format!("a string; saw {}", seen(Some(&other))),
            )),
        }
    }

    fn missing(&self, k: &str, what: &str) -> Error {
        bad(&self.path(k), format!("{what} (missing)"))
    }
}

/// A keyring error: `request.invalid`-like, but about the operator's file.
fn bad(field: &str, expected: String) -> Error {
    Error::new(
        ErrorCode::KeyInvalid,
        (!field.is_empty()).then_some(field),
        format!("keyring: expected {expected}"),
    )
}

/// A JSON value's type, never its content (a keyring may sit beside secrets).
fn seen(v: Option<&Value>) -> String {
    match v {
        None => "nothing".to_owned(),
        Some(v) => format!("a {}", airsign_core::json_kind(v)),
    }
}

#[cfg(unix)]
fn writable_by_others(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    (mode & 0o022 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn writable_by_others(_meta: &std::fs::Metadata) -> Option<u32> {
    None
}

/// Reads one `--key-file` and fixes its scheme (from its content, else `given`).
pub fn read_single_key(
    path: &Path,
    given: Option<Scheme>,
    policy: FilePolicy,
) -> Result<(Key, Option<String>)> {
    let file = KeyFile::read(path, policy)?;
    let scheme = Scheme::resolve(
        file.bytes.expose(),
        given,
        &format!("key file {}", path.display()),
        "--scheme",
    )?;
    Ok((
        Key::from_bytes("key file", scheme, file.bytes),
        file.warning,
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{SecretBytes, every_action};

    const VENUES: &[&str] = &["pacifica", "derive", "mobula", "ripio", "layer1"];
    const PACIFICA: VenueRules = VenueRules {
        venue: "pacifica",
        scheme: Scheme::Ed25519,
        identity: &["account"],
        fields: &["account"],
        cancel_family: every_action,
    };

    fn opts() -> LoadOptions {
        LoadOptions {
            file_policy: FilePolicy::Warn,
            warn: Arc::new(|_| {}),
        }
    }

    fn ring(text: &str) -> Result<Keyring> {
        Keyring::parse(text, Path::new("/nonexistent"), VENUES, &opts())
    }

    fn req(text: &str) -> Request {
        Request::parse(text).unwrap()
    }

    #[test]
    fn parses_strictly() {
        let ok = r#"{"airsign_keyring":1,"keys":[{"name":"a","scheme":"ed25519","file":"a","venues":["pacifica"]}]}"#;
        assert_eq!(ring(ok).unwrap().keys().len(), 1);
        for bad in [
            r#"{"airsign_keyring":2,"keys":[]}"#,
            r#"{"airsign_keyring":1,"keys":[],"extra":1}"#,
            r#"{"airsign_keyring":1,"keys":[{"name":"a","scheme":"ed25519","file":"a","venues":["pacifca"]}]}"#,
            r#"{"airsign_keyring":1,"keys":[{"name":"a","scheme":"rsa","file":"a","venues":["pacifica"]}]}"#,
            r#"{"airsign_keyring":1,"keys":[{"name":"a","scheme":"ed25519","file":"a","venues":[]}]}"#,
            r#"{"airsign_keyring":1,"keys":[{"name":"a","scheme":"ed25519","file":"a","venues":["pacifica"],"secret":"x"}]}"#,
            r#"{"airsign_keyring":1,"keys":[{"name":"a","scheme":"ed25519","file":"a","venues":["pacifica"]},{"name":"a","scheme":"ed25519","file":"b","venues":["pacifica"]}]}"#,
            r#"{"airsign_keyring":1,"keys":[],"keys":[]}"#,
            r#"{"airsign_keyring":1,"keys":[],"policy":{"base_urls":["http://x"]}}"#,
            r#"{"airsign_keyring":1,"keys":[],"policy":{"max_expiry_window_ms":0}}"#,
        ] {
            assert!(ring(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn chooses_by_name_venue_and_pins() {
        let k = ring(
            r#"{"airsign_keyring":1,"keys":[
            {"name":"a","scheme":"ed25519","file":"a","venues":["pacifica"],"account":"AAA"},
            {"name":"b","scheme":"ed25519","file":"b","venues":["pacifica"],"account":"BBB"},
            {"name":"r","scheme":"hmac","file":"r","venues":["ripio"]}]}"#,
        )
        .unwrap();
        let r = req(r#"{"venue":"pacifica","action":"cancel_order","account":"BBB"}"#);
        assert_eq!(k.authorize(&r, &PACIFICA, 0).unwrap().0.name(), "b");
        let r = req(r#"{"venue":"pacifica","action":"cancel_order"}"#);
        assert_eq!(
            k.authorize(&r, &PACIFICA, 0).unwrap_err().code(),
            ErrorCode::KeyAmbiguous
        );
        let r = req(r#"{"venue":"pacifica","action":"cancel_order","key":"a"}"#);
        let (key, filled) = k.authorize(&r, &PACIFICA, 0).unwrap();
        assert_eq!(key.name(), "a");
        assert_eq!(filled.extra["account"], "AAA");
        let r = req(r#"{"venue":"pacifica","action":"cancel_order","key":"a","account":"BBB"}"#);
        assert_eq!(
            k.authorize(&r, &PACIFICA, 0).unwrap_err().code(),
            ErrorCode::PolicyDenied
        );
        let r = req(r#"{"venue":"pacifica","action":"cancel_order","account":"CCC"}"#);
        assert_eq!(
            k.authorize(&r, &PACIFICA, 0).unwrap_err().code(),
            ErrorCode::PolicyDenied
        );
        let r = req(r#"{"venue":"pacifica","action":"cancel_order","key":"r"}"#);
        assert_eq!(
            k.authorize(&r, &PACIFICA, 0).unwrap_err().code(),
            ErrorCode::PolicyDenied
        );
        let r = req(r#"{"venue":"pacifica","action":"cancel_order","key":"zzz"}"#);
        assert_eq!(
            k.authorize(&r, &PACIFICA, 0).unwrap_err().code(),
            ErrorCode::KeyMissing
        );
    }

    #[test]
    fn one_key_file_serves_its_scheme_only() {
        let key = Key::from_bytes(
            "key file",
            Scheme::Bearer,
            SecretBytes::new(b"tok".to_vec()),
        );
        let k = Keyring::single(key, Policy::new());
        let r = req(r#"{"venue":"pacifica","action":"cancel_order"}"#);
        assert_eq!(
            k.authorize(&r, &PACIFICA, 0).unwrap_err().code(),
            ErrorCode::KeySchemeMismatch
        );
        assert!(k.fast_key(&PACIFICA).is_none());
        let r = req(r#"{"venue":"pacifica","action":"cancel_order","key":"x"}"#);
        assert_eq!(
            k.authorize(&r, &PACIFICA, 0).unwrap_err().code(),
            ErrorCode::KeyMissing
        );
    }
}
