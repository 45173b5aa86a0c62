//! Reading a Ripio envelope back into its request and its tag (verify).

use airsign_core::verify::{VerifyOptions, mismatch, parse_body, request_fields};
use airsign_core::{Envelope, Error, ErrorCode, Proof, ReadBack, Result, SignerId, Transport};
use base64::Engine as _;
use serde_json::{Map, Value};

use crate::actions::Environment;
use crate::assemble::tag_base64;
use crate::payload::{REST_SIGNATURE_FIELD, WS_SIGNATURE_FIELD};

/// What a Ripio envelope says: the request re-derived from its url, method, headers and
/// body (never from `signed`), the signer ([`SignerId::Secret`]: an HMAC has no public
/// one) and its tag as a [`Proof::Hmac`].
///
/// The url must be one of Ripio's own or one `opts` allows (`verify.unknown_url`); a
/// structure airsign never builds is `verify.mismatch`; a tag that is not the standard
/// base64 (padded, canonical) of 32 bytes is `verify.bad_signature` at its field, since no
/// secret could make it.
pub fn read_back(env: &Envelope, opts: &VerifyOptions) -> Result<ReadBack> {
    let mut req = request_fields(env);
    let mut unsigned = Vec::new();
    let (tag, field) = match env.transport {
        Transport::Ws => {
            let known: Vec<&str> = Environment::ALL.iter().filter_map(|e| e.ws_url()).collect();
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
                _ => return Err(mismatch(WS_SIGNATURE_FIELD, "expected a string")),
            };
            req.insert("base_url".into(), Value::from(env.url.as_str()));
            req.insert("params".into(), Value::Object(params));
            unsigned.extend(["url", "body.id", "body.params.api_token"]);
            (tag, WS_SIGNATURE_FIELD)
        }
        Transport::Rest => {
            let after_scheme = env
                .url
                .strip_prefix("https://")
                .ok_or_else(|| mismatch("url", "expected an https:// url for a REST request"))?;
            let cut = after_scheme.find('/').map_or(env.url.len(), |i| i + 8);
            let (host, path) = env.url.split_at(cut);
            let environment = Environment::ALL
                .into_iter()
                .find(|e| path.starts_with(e.rest_prefix()))
                .ok_or_else(|| {
                    mismatch(
                        "url",
                        "expected a path under /trade (production) or /v4 (legacy)",
                    )
                })?;
            opts.check_base(host, &[environment.rest_host()])?;
            req.insert("environment".into(), Value::from(environment.as_str()));
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
            (header("signature")?.to_owned(), REST_SIGNATURE_FIELD)
        }
    };
    let tag = decode_tag(&tag, field)?;
    Ok(ReadBack {
        request: req,
        signer: SignerId::Secret,
        proofs: vec![Proof::Hmac(tag)],
        unsigned: unsigned.iter().map(|s| (*s).to_owned()).collect(),
        unverifiable: None,
    })
}

/// The 32 bytes of a tag in standard base64. Only the one text airsign writes for them is
/// accepted (padded, no stray bits), so the envelope reassembled from the bytes carries
/// the very text given: any other spelling is `verify.bad_signature` at `field`.
fn decode_tag(text: &str, field: &str) -> Result<[u8; 32]> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .filter(|tag| tag_base64(tag) == text)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::VerifyBadSignature,
                Some(field),
                format!(
                    "expected an HMAC-SHA256 tag in standard base64 (44 characters, `=` \
                     padded, 32 bytes); saw {} characters that are not one",
                    text.chars().count()
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use airsign_core::{Context, Request};

    use crate::assemble::assemble;
    use crate::request::RipioRequest;

    fn opts() -> VerifyOptions {
        VerifyOptions::default()
    }

    fn envelope(json: &str, tag: [u8; 32]) -> Envelope {
        let req = Request::parse(json).unwrap();
        let p = Context::fixed(1_634_567_890_000, |ctx| {
            RipioRequest::from_request(&req, ctx)
        })
        .unwrap();
        assemble(&p, &SignerId::Secret, &[Proof::Hmac(tag)]).unwrap()
    }

    const REST: &str = r#"{"venue":"ripio","action":"cancel_order","api_token":"tok","http_method":"POST","timestamp_tolerance":100,"params":{"external_id":"x"}}"#;
    const WS: &str = r#"{"venue":"ripio","action":"cancel_order","transport":"ws","api_token":"tok","id":7,"params":{"external_id":"x"}}"#;

    #[test]
    fn reads_back_the_request_and_the_tag() {
        let rb = read_back(&envelope(REST, [9; 32]), &opts()).unwrap();
        let req = Value::Object(rb.request).to_string();
        assert_eq!(
            req,
            r#"{"venue":"ripio","action":"cancel_order","transport":"rest","environment":"production","http_method":"POST","api_token":"tok","timestamp":1634567890000,"timestamp_tolerance":100,"params":{"external_id":"x"}}"#
        );
        assert_eq!(rb.signer, SignerId::Secret);
        assert!(matches!(rb.proofs[..], [Proof::Hmac(t)] if t == [9; 32]));
        assert_eq!(
            rb.unsigned,
            ["headers.timestamp-tolerance", "headers.Authorization"]
        );
        assert_eq!(rb.unverifiable, None);

        let rb = read_back(&envelope(WS, [3; 32]), &opts()).unwrap();
        let req = Value::Object(rb.request).to_string();
        assert_eq!(
            req,
            r#"{"venue":"ripio","action":"cancel_order","transport":"ws","id":7,"api_token":"tok","timestamp":1634567890000,"base_url":"wss://ws-api.ripio.com","params":{"external_id":"x"}}"#
        );
        assert!(matches!(rb.proofs[..], [Proof::Hmac(t)] if t == [3; 32]));
        assert_eq!(rb.unsigned, ["url", "body.id", "body.params.api_token"]);
    }

    #[test]
    fn a_tag_in_any_other_spelling_is_a_bad_signature() {
        let good = tag_base64(&[9; 32]);
        // Stray low bits in the last character, no padding, extra padding, 16 bytes,
        // not base64 at all, empty.
        let mut stray = good.clone().into_bytes();
        stray[42] += 1;
        let stray = String::from_utf8(stray).unwrap();
        for bad in [
            stray.as_str(),
            good.trim_end_matches('='),
            &format!("{good}="),
            "eHh4eHh4eHh4eHh4eHh4eA==",
            "not base64!",
            "",
        ] {
            for (json, field) in [(REST, "headers.signature"), (WS, "body.params.signature")] {
                let env = envelope(json, [9; 32]);
                let text = env.to_json_line().replace(&good, bad);
                let env = airsign_core::verify::parse_envelope(&text).unwrap();
                let e = read_back(&env, &opts()).unwrap_err();
                assert_eq!(
                    (e.code(), e.field()),
                    (ErrorCode::VerifyBadSignature, Some(field)),
                    "{bad:?}: {e}"
                );
            }
        }
    }

    #[test]
    fn structure_and_hosts_are_checked_first() {
        let mut env = envelope(REST, [9; 32]);
        env.url = "https://evil.example/trade/orders/cancel-by-external-id".into();
        let e = read_back(&env, &opts()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::VerifyUnknownUrl);
        let allowed = VerifyOptions {
            base_urls: vec!["https://evil.example".into()],
            now_ms: 0,
        };
        let rb = read_back(&env, &allowed).unwrap();
        assert_eq!(rb.request["base_url"], "https://evil.example");

        let mut env = envelope(REST, [9; 32]);
        env.headers.0.retain(|(k, _)| k != "timestamp");
        env.headers.0[1].1 = "not base64".into();
        let e = read_back(&env, &opts()).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::VerifyMismatch, Some("headers"))
        );

        let mut env = envelope(WS, [9; 32]);
        env.body = Some(r#"{"id":7,"method":"order.cancel","params":{"signature":5}}"#.into());
        let e = read_back(&env, &opts()).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::VerifyMismatch, Some("body.params.signature"))
        );
        env.url = "wss://evil.example".into();
        let e = read_back(&env, &opts()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::VerifyUnknownUrl);
    }
}
