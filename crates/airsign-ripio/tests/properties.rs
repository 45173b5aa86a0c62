//! Properties of Ripio envelopes over generated requests: whatever the identifiers,
//! tokens, timestamps and options, a request either is refused or yields an envelope whose
//! body holds the signed bytes verbatim and whose signature verifies over the message.

use airsign_core::{Context, FixedClock, Request, SequenceIds};
use airsign_keys::{HmacSigner, Key, Scheme, SecretBytes};
use proptest::prelude::*;
use serde_json::Value;

const SECRET: &str = "property-secret-1";

fn build(req: &Value) -> airsign_core::Result<airsign_core::Envelope> {
    let ids = SequenceIds::new(0);
    let ctx = Context {
        clock: &FixedClock(1_700_000_000_000),
        ids: &ids,
    };
    let keys = Key::from_bytes(
        "key file",
        Scheme::Hmac,
        SecretBytes::new(SECRET.as_bytes().to_vec()),
    );
    airsign_ripio::build(&Request::parse(&req.to_string())?, &keys, &ctx)
}

fn order_ref() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
            .prop_map(|s| ("id".to_owned(), s)),
        "[A-Za-z0-9._:-]{1,64}".prop_map(|s| ("external_id".to_owned(), s)),
        // Anything at all: must be refused or signed, never mis-signed.
        any::<String>().prop_map(|s| ("external_id".to_owned(), s)),
        any::<String>().prop_map(|s| ("id".to_owned(), s)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn body_holds_the_signed_bytes_and_the_signature_verifies(
        (key, value) in order_ref(),
        ws in any::<bool>(),
        post in any::<bool>(),
        ts in 100_000_000_000u64..=253_402_300_799_999,
        tolerance in proptest::option::of(0u64..70_000),
        token in "[!-~]{1,40}",
    ) {
        let mut req = serde_json::json!({
            "venue": "ripio", "action": "cancel_order",
            "transport": if ws { "ws" } else { "rest" },
            "timestamp": ts, "api_token": token, "params": { key.clone(): value.clone() },
        });
        if !ws {
            if post { req["http_method"] = "POST".into(); }
            if let Some(t) = tolerance { req["timestamp_tolerance"] = t.into(); }
        }
        let Ok(env) = build(&req) else {
            // Refusals are fine; only accepted identifiers may be signed.
            return Ok(());
        };
        let ok_id = match key.as_str() {
            "id" => value.len() == 36,
            _ => (1..=64).contains(&value.len())
                && value.bytes().all(|b| b.is_ascii_alphanumeric() || b".:_-".contains(&b)),
        };
        prop_assert!(ok_id, "signed an identifier the policy refuses: {value:?}");
        let signed = &env.signed[0];
        let message = signed.message.as_deref().unwrap();
        let signer = HmacSigner::from_key_file(SECRET.as_bytes()).unwrap();
        prop_assert!(signer.verify_base64(message.as_bytes(), &signed.signature));
        let business = format!("{{{}:{}}}", Value::from(key.as_str()), Value::from(value.as_str()));
        let body = env.body.clone().unwrap();
        if ws {
            prop_assert_eq!(message, format!("{ts}{business}"));
            let inner = business.strip_suffix('}').unwrap();
            let embedded = format!("\"params\":{inner},\"api_token\":");
            prop_assert!(body.contains(&embedded));
            let frame: Value = serde_json::from_str(&body).unwrap();
            prop_assert_eq!(&frame["params"]["signature"], &Value::from(signed.signature.as_str()));
            prop_assert_eq!(&frame["params"]["timestamp"], &Value::from(ts));
        } else {
            prop_assert_eq!(&body, &business);
            prop_assert!(message.starts_with(&ts.to_string()));
            prop_assert!(message.ends_with(&body));
            prop_assert_eq!(env.headers.get("signature"), Some(signed.signature.as_str()));
            let ts_text = ts.to_string();
            prop_assert_eq!(env.headers.get("timestamp"), Some(ts_text.as_str()));
            let window = tolerance.unwrap_or(5000);
            prop_assert!((1..=60_000).contains(&window));
            prop_assert_eq!(env.expires_at, Some(ts + window));
        }
    }
}
