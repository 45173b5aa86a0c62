//! The venue registry: the one list of venues the CLI knows, as `&'static dyn AnyVenue`
//! trait objects (each venue crate's `VENUE`), in the order help texts list them.
//!
//! Adding a venue is one crate and one line here; nothing else in the CLI names a venue.

use airsign_core::AnyVenue;
use serde_json::{Map, Value};

/// Every venue airsign knows, in the order help texts list them.
pub static REGISTRY: &[&dyn AnyVenue] = &[
    &airsign_pacifica::VENUE,
    &airsign_derive::VENUE,
    &airsign_mobula::VENUE,
    &airsign_ripio::VENUE,
    &airsign_layer1::VENUE,
    &airsign_hyperliquid::VENUE,
];

/// The venue named `name`, if airsign knows it.
pub fn venue(name: &str) -> Option<&'static dyn AnyVenue> {
    REGISTRY.iter().copied().find(|v| v.rules().venue == name)
}

/// The names of every venue, in registry order.
pub fn venue_names() -> Vec<&'static str> {
    REGISTRY.iter().map(|v| v.rules().venue).collect()
}

/// The registry as one JSON object (`airsign venues`): each venue's name, key scheme,
/// pinnable identity fields, its own top-level request fields, whether it has a fast
/// path, and its actions with their transports.
pub fn venues_json() -> String {
    let venues: Vec<Value> = REGISTRY
        .iter()
        .map(|v| {
            let r = v.rules();
            let strings = |l: &[&str]| Value::Array(l.iter().map(|f| Value::from(*f)).collect());
            let mut m = Map::new();
            m.insert("name".into(), Value::from(r.venue));
            m.insert("scheme".into(), Value::from(r.scheme.as_str()));
            m.insert("identity".into(), strings(r.identity));
            m.insert("fast_path".into(), Value::from(v.has_fast_path()));
            m.insert(
                "actions".into(),
                Value::Array(
                    v.actions()
                        .iter()
                        .map(|a| {
                            let mut am = Map::new();
                            am.insert("name".into(), Value::from(a.name));
                            let t: Vec<&str> = a.transports.iter().map(|t| t.as_str()).collect();
                            am.insert("transports".into(), strings(&t));
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
