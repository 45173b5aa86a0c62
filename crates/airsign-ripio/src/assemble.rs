//! The Ripio envelope: the request and its one HMAC tag, in base64. No signing happens
//! here.
//!
//! The envelope's `body` is the very string that was signed (REST) or that embeds the
//! signed business JSON verbatim (WebSocket): it was built once, in parse, and is never
//! re-serialised here — a sender passes it through untouched.

use airsign_core::{
    Envelope, Error, ErrorCode, Headers, Proof, Result, Signed, SignerId, Transport,
};
use base64::Engine as _;

use crate::actions::{DEFAULT_TIMESTAMP_TOLERANCE_MS, NAME, SCHEME, WS_METHOD};
use crate::request::{Call, JS, RequestId, RipioRequest, WsCancel};

/// The standard base64 (RFC 4648 §4 alphabet, `=` padding) of an HMAC tag: the text Ripio
/// takes, 44 characters.
pub fn tag_base64(tag: &[u8; 32]) -> String {
    base64::engine::general_purpose::STANDARD.encode(tag)
}

/// The envelope for `p` with `proofs`: exactly one [`Proof::Hmac`] over the request's
/// payload. `signer` must be [`SignerId::Secret`] (an HMAC has no public identity).
pub fn assemble(p: &RipioRequest, signer: &SignerId, proofs: &[Proof]) -> Result<Envelope> {
    if *signer != SignerId::Secret {
        return Err(Error::new(
            ErrorCode::KeySchemeMismatch,
            Some("signer"),
            "ripio signs with an HMAC API secret, which has no public signer",
        ));
    }
    let tag = match proofs {
        [Proof::Hmac(tag)] => tag,
        _ => {
            return Err(Error::new(
                ErrorCode::KeySchemeMismatch,
                Some(p.signature_field()),
                format!(
                    "expected one HMAC-SHA256 tag, saw {} proof(s) of another kind or count",
                    proofs.len()
                ),
            ));
        }
    };
    let signature = tag_base64(tag);
    let signed = vec![Signed {
        scheme: SCHEME.to_owned(),
        message: Some(p.signing_payload()),
        message_hex: None,
        signature: signature.clone(),
    }];
    let (transport, method, url, headers, body, expires_at) = match &p.call {
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
    Ok(Envelope {
        airsign: airsign_core::FORMAT_VERSION,
        venue: NAME.to_owned(),
        action: p.action.clone(),
        transport,
        method,
        url,
        headers,
        body,
        login: None,
        signer: None,
        signed,
        expires_at,
    })
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
    write_id(&w.request_id, &mut out);
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

fn write_id(id: &RequestId, out: &mut String) {
    match id {
        RequestId::Text(s) => JS.write_str(s, out),
        RequestId::Int(n) => out.push_str(&n.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use airsign_core::{Context, Request};
    use airsign_keys::HmacSigner;

    /// Parse, payload, the tag made with `secret` directly, assemble.
    fn envelope(json: &str, secret: &str) -> Envelope {
        let req = Request::parse(json).unwrap();
        let p = Context::fixed(1_634_567_890_000, |ctx| {
            RipioRequest::from_request(&req, ctx)
        })
        .unwrap();
        let payload = &crate::payload::payloads(&p)[0];
        let tag = HmacSigner::from_key_file(secret.as_bytes())
            .unwrap()
            .sign(&payload.bytes);
        assemble(&p, &SignerId::Secret, &[Proof::Hmac(tag)]).unwrap()
    }

    const ID: &str = "7155ED34-9EC4-4733-8B32-1E4319CB662F";

    #[test]
    fn worked_examples_from_ripio_md() {
        let e = envelope(
            &format!(
                r#"{{"venue":"ripio","action":"cancel_order","transport":"ws","timestamp":1634567890000,"api_token":"your-api-token","id":"req-003","params":{{"id":"{ID}"}}}}"#
            ),
            "vector-secret-1",
        );
        assert_eq!(
            e.body.as_deref(),
            Some(
                r#"{"id":"req-003","method":"order.cancel","params":{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F","api_token":"your-api-token","timestamp":1634567890000,"signature":"gFDF1u3v2Cckv0UVsY6NB1o3tWJXRMmErQk5FNzpXKI="}}"#
            )
        );
        assert_eq!((e.method, e.url.as_str()), (None, "wss://ws-api.ripio.com"));
        assert_eq!(e.expires_at, None);

        let e = envelope(
            &format!(
                r#"{{"venue":"ripio","action":"cancel_order","api_token":"your-api-token","params":{{"id":"{ID}"}}}}"#
            ),
            "vector-secret-1",
        );
        assert_eq!(e.method.as_deref(), Some("DELETE"));
        assert_eq!(e.url, "https://api.ripio.com/trade/orders");
        assert_eq!(
            e.headers.get("signature"),
            Some("nBDqqNIfvBOUbNzXXPkBrn/pbrjz8U3N4TPtXqk00AE=")
        );
        assert_eq!(e.headers.get("Authorization"), Some("your-api-token"));
        assert_eq!(e.headers.get("Content-Type"), Some("application/json"));
        assert_eq!(e.expires_at, Some(1_634_567_895_000));
        assert_eq!(e.signer, None);

        for (params, sig) in [
            (
                r#"{"pair":"BTC_BRL"}"#,
                "NNAsAYCtoHPyXjz7k5ufomLaR4B244Unv+tL7QD/1+Q=",
            ),
            ("{}", "EmDQ5W6fKFPxtWzmaOLpMfOfdk9lI/Yqa7vtHOdcbY0="),
        ] {
            let e = envelope(
                &format!(
                    r#"{{"venue":"ripio","action":"cancel_all_orders","api_token":"your-api-token","timestamp_tolerance":60000,"params":{params}}}"#
                ),
                "vector-secret-1",
            );
            assert_eq!(e.headers.get("signature"), Some(sig));
            assert_eq!(e.headers.get("timestamp-tolerance"), Some("60000"));
            assert_eq!(e.expires_at, Some(1_634_567_950_000));
        }
    }

    #[test]
    fn default_ws_id_is_written_into_the_frame() {
        let e = envelope(
            r#"{"venue":"ripio","action":"cancel_order","transport":"ws","api_token":"t","params":{"external_id":"a.b:c_d-1"}}"#,
            "s",
        );
        let body = e.body.unwrap();
        assert!(
            body.starts_with(
                r#"{"id":"00000000-0000-4000-8000-000000000001","method":"order.cancel","params":{"external_id":"a.b:c_d-1","api_token":"t","timestamp":1634567890000,"signature":""#
            ),
            "{body}"
        );
        let e = envelope(
            r#"{"venue":"ripio","action":"cancel_order","transport":"ws","api_token":"t","id":42,"params":{"external_id":"x"}}"#,
            "s",
        );
        assert!(e.body.unwrap().starts_with(r#"{"id":42,"method""#));
    }

    #[test]
    fn only_one_hmac_tag_by_a_secret_assembles() {
        let req = Request::parse(
            r#"{"venue":"ripio","action":"cancel_order","api_token":"t","timestamp":1634567890000,"params":{"external_id":"x"}}"#,
        )
        .unwrap();
        let p = Context::fixed(0, |ctx| RipioRequest::from_request(&req, ctx)).unwrap();
        for proofs in [
            vec![],
            vec![Proof::Hmac([0; 32]), Proof::Hmac([0; 32])],
            vec![Proof::Ed25519([0; 64])],
        ] {
            let e = assemble(&p, &SignerId::Secret, &proofs).unwrap_err();
            assert_eq!(e.field(), Some("headers.signature"), "{e}");
        }
        let ed = airsign_keys::ed25519_id(&[7; 32]);
        let e = assemble(&p, &ed, &[Proof::Hmac([0; 32])]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeySchemeMismatch);
        let env = assemble(&p, &SignerId::Secret, &[Proof::Hmac([0; 32])]).unwrap();
        assert_eq!(
            env.headers.get("signature"),
            Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        );
    }
}
