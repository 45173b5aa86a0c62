//! The venue registry: the one list of venues the CLI knows, each with its rules for the
//! keyring and policy and the functions that build and verify its envelopes.
//!
//! Adding a venue is one crate and one entry here; nothing else in the CLI names a venue.

use airsign_core::verify::{Verdict, VerifyOptions};
use airsign_core::{Context, Envelope, Request, Result};
use airsign_keys::{Key, Keyring, VenueRules};

/// A venue's fast path: the envelope for the plainest requests, read straight from their
/// text; `None` hands the request to the general path.
pub type FastBuild = fn(&str, &Key, &Context<'_>) -> Option<Result<Envelope>>;

/// One venue as the CLI drives it.
#[derive(Debug, Clone, Copy)]
pub struct Venue {
    /// Its name, key scheme, pinnable identity fields and cancel family.
    pub rules: VenueRules,
    /// Builds the signed envelope for a request the keyring has authorized.
    pub build: fn(&Request, &Key, &Context<'_>) -> Result<Envelope>,
    /// Signs the plainest requests straight from their text (`None`: take the general
    /// path); only ever offered a key that pins nothing.
    pub build_fast: Option<FastBuild>,
    /// Verifies an envelope offline (the keyring serves HMAC secrets).
    pub verify: fn(&Envelope, &Keyring, &VerifyOptions) -> Result<Verdict>,
}

/// Every venue airsign knows, in the order help texts list them.
pub static REGISTRY: &[Venue] = &[
    Venue {
        rules: airsign_pacifica::RULES,
        build: airsign_pacifica::build,
        build_fast: Some(airsign_pacifica::build_fast),
        verify: |env, _, opts| airsign_pacifica::verify(env, opts),
    },
    Venue {
        rules: airsign_derive::RULES,
        build: airsign_derive::build,
        build_fast: Some(airsign_derive::build_fast),
        verify: |env, _, opts| airsign_derive::verify(env, opts),
    },
    Venue {
        rules: airsign_mobula::RULES,
        build: airsign_mobula::build,
        build_fast: None,
        verify: |env, _, opts| airsign_mobula::verify(env, opts),
    },
    Venue {
        rules: airsign_ripio::RULES,
        build: airsign_ripio::build,
        build_fast: None,
        verify: airsign_ripio::verify,
    },
    Venue {
        rules: airsign_layer1::RULES,
        build: airsign_layer1::build,
        build_fast: None,
        verify: |env, _, opts| airsign_layer1::verify(env, opts),
    },
    Venue {
        rules: airsign_hyperliquid::RULES,
        build: airsign_hyperliquid::build,
        build_fast: Some(airsign_hyperliquid::build_fast),
        verify: |env, _, opts| airsign_hyperliquid::verify(env, opts),
    },
];

/// The venue named `name`, if airsign knows it.
pub fn venue(name: &str) -> Option<&'static Venue> {
    REGISTRY.iter().find(|v| v.rules.venue == name)
}

/// The names of every venue, in registry order.
pub fn venue_names() -> Vec<&'static str> {
    REGISTRY.iter().map(|v| v.rules.venue).collect()
}

/// Every venue on the one pipeline, as trait objects.
pub static PIPELINES: &[&dyn airsign_core::AnyVenue] = &[
    &airsign_pacifica::VENUE,
    &airsign_derive::VENUE,
    &airsign_mobula::VENUE,
    &airsign_ripio::VENUE,
    &airsign_layer1::VENUE,
    &airsign_hyperliquid::VENUE,
];

/// The venue named `name` on the pipeline, if airsign knows it.
pub fn pipeline(name: &str) -> Option<&'static dyn airsign_core::AnyVenue> {
    PIPELINES.iter().copied().find(|v| v.rules().venue == name)
}

/// The registry as one JSON object (`airsign venues`): each venue's name, key scheme,
/// pinnable identity fields, whether it has a fast path, and its actions with their
/// transports.
pub fn venues_json() -> String {
    use serde_json::{Map, Value};
    let venues: Vec<Value> = PIPELINES
        .iter()
        .map(|v| {
            let r = v.rules();
            let mut m = Map::new();
            m.insert("name".into(), Value::from(r.venue));
            m.insert("scheme".into(), Value::from(r.scheme.as_str()));
            m.insert(
                "identity".into(),
                Value::Array(r.identity.iter().map(|f| Value::from(*f)).collect()),
            );
            m.insert("fast_path".into(), Value::from(v.has_fast_path()));
            m.insert(
                "actions".into(),
                Value::Array(
                    v.actions()
                        .iter()
                        .map(|a| {
                            let mut am = Map::new();
                            am.insert("name".into(), Value::from(a.name));
                            am.insert(
                                "transports".into(),
                                Value::Array(
                                    a.transports
                                        .iter()
                                        .map(|t| Value::from(t.as_str()))
                                        .collect(),
                                ),
                            );
                            Value::Object(am)
                        })
                        .collect(),
                ),
            );
            Value::Object(m)
        })
        .collect();
    let mut top = Map::new();
    top.insert("airsign".into(), Value::from(1));
    top.insert("venues".into(), Value::Array(venues));
    Value::Object(top).to_string()
}
