//! Helpers for tests, benches and fuzz targets that sign with one test key text for every
//! venue. Not API.

use airsign_keys::{Key, Keyring, Policy, Scheme, SecretBytes};

use crate::REGISTRY;

/// A keyring holding `text` once per scheme (keys named `ed25519`, `secp256k1`, `hmac`,
/// `bearer`), each bound to every venue of its scheme, under `policy`.
pub fn keyring_all_schemes(text: &[u8], policy: Policy) -> Keyring {
    let keys = Scheme::ALL
        .into_iter()
        .filter_map(|scheme| {
            let venues: Vec<String> = REGISTRY
                .iter()
                .filter(|v| v.rules().scheme == scheme)
                .map(|v| v.rules().venue.to_owned())
                .collect();
            (!venues.is_empty()).then(|| {
                Key::from_bytes(scheme.as_str(), scheme, SecretBytes::new(text.to_vec()))
                    .with_venues(venues)
            })
        })
        .collect();
    match Keyring::new(keys, policy) {
        Ok(k) => k,
        // The names are the schemes' own, so they are unique.
        Err(_) => Keyring::empty(),
    }
}

/// [`keyring_all_schemes`] under a policy that allows every action (signing, not policy,
/// is under test).
pub fn keyring_signing_anything(text: &[u8]) -> Keyring {
    let mut policy = Policy::new();
    policy.allow_any_action();
    keyring_all_schemes(text, policy)
}

/// `n` batch lines: Pacifica cancels by order id `i`, except every `bad_every`-th line
/// (counting from `bad_at`), which is malformed JSON.
pub fn pacifica_lines(n: usize, bad_every: usize, bad_at: usize) -> Vec<u8> {
    let mut v = Vec::new();
    for i in 0..n {
        if i % bad_every == bad_at {
            v.extend_from_slice(b"{bad json\n");
        } else {
            v.extend_from_slice(
                format!(
                    r#"{{"venue":"{venue}","action":"cancel_order","expiry_window":5000,"params":{{"symbol":"BTC","order_id":{i}}}}}"#,
                    venue = airsign_pacifica::RULES.venue
                )
                .as_bytes(),
            );
            v.push(b'\n');
        }
    }
    v
}
