//! What the harness signs with: the cases' public test keys, the fixed context, and the
//! keyring and policy a case is signed under.

use airsign_core::Context;
use airsign_keys::{Key, Keyring, Policy, SecretBytes};
use serde_json::{Map, Value};

use crate::Case;

/// Public test key 1: SHA-256 of `"vector-key-1"` (an ed25519 seed or a secp256k1 key;
/// never a real one).
pub const VECTOR_KEY_1: &str = "b46fe82232f5912acec09e955a0b21150fc2e3ccbaf0c1e97aea94c64a8ceac3";
/// Public test key 2: SHA-256 of `"vector-key-2"`.
pub const VECTOR_KEY_2: &str = "7a40389a1844d7514d7b17d333f0423406e6c5a7eee69fb4cdc3bfd57a4de693";
/// Public test key 3: SHA-256 of `"vector-key-3"`.
pub const VECTOR_KEY_3: &str = "f403c554b7a44702242d609edcaa10a78172dc622698add5c148d6408924c2af";
/// Public test key 4: SHA-256 of `"vector-key-4"` (the Pacifica agent key).
pub const VECTOR_KEY_4: &str = "db768b0dcb568502810ee2462599fb0d4f5eeac6f9813e4f1f1e207ea427a59b";
/// Test keys 1 to 4, in order: `VECTOR_KEYS[n - 1]` is SHA-256 of `"vector-key-n"`.
pub const VECTOR_KEYS: [&str; 4] = [VECTOR_KEY_1, VECTOR_KEY_2, VECTOR_KEY_3, VECTOR_KEY_4];

/// The clock for requests without a timestamp: inside every test token's validity.
pub const DEFAULT_NOW: u64 = 1_700_000_000_000;

/// The time a request is signed at: its own `timestamp`, else [`DEFAULT_NOW`].
pub fn now_for(req: &Map<String, Value>) -> u64 {
    req.get("timestamp")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_NOW)
}

/// Runs `f` with the fixed context for `req`: a clock stuck at [`now_for`] and ids
/// counting up from 0, fresh for each call (so the same request gives the same bytes).
pub fn with_context<T>(req: &Map<String, Value>, f: impl FnOnce(&Context<'_>) -> T) -> T {
    Context::fixed(now_for(req), f)
}

/// A policy that allows every action and the request's own `base_url` (the operator's
/// allowance): the vectors test signing, not policy.
pub fn signing_policy(req: &Map<String, Value>) -> Policy {
    let mut policy = Policy::new();
    policy.allow_any_action();
    if let Some(u) = req.get("base_url").and_then(Value::as_str) {
        // A malformed base_url is the request's to refuse, not the policy's.
        let _ = policy.allow_base_url(u);
    }
    policy
}

/// The case's key, with the scheme its `key.kind` names, alone in a keyring under
/// `policy`.
pub fn keyring_with(case: &Case, policy: Policy) -> Keyring {
    let key = Key::from_bytes(
        "key file",
        case.scheme,
        SecretBytes::new(case.key_text.as_bytes().to_vec()),
    );
    Keyring::single(key, policy)
}

/// The case's key under [`signing_policy`] of its request.
pub fn keyring_for(case: &Case) -> Keyring {
    keyring_with(case, signing_policy(&case.request))
}
