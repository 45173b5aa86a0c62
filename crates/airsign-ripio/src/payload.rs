//! The bytes Ripio signs: pure and key-free.

use airsign_core::{Payload, PayloadScheme};

use crate::request::{Call, RipioRequest};

/// Where the tag sits in a REST envelope.
pub const REST_SIGNATURE_FIELD: &str = "headers.signature";

/// Where the tag sits in a WebSocket envelope.
pub const WS_SIGNATURE_FIELD: &str = "body.params.signature";

impl RipioRequest {
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

    /// Where the tag sits in the envelope: `headers.signature` (REST) or
    /// `body.params.signature` (WebSocket).
    pub fn signature_field(&self) -> &'static str {
        match &self.call {
            Call::Rest(_) => REST_SIGNATURE_FIELD,
            Call::Ws(_) => WS_SIGNATURE_FIELD,
        }
    }
}

/// The one payload of a Ripio request: HMAC-SHA256 over [`RipioRequest::signing_payload`],
/// whose text it also carries (the message is always UTF-8).
pub fn payloads(p: &RipioRequest) -> Vec<Payload> {
    let message = p.signing_payload();
    vec![Payload {
        scheme: PayloadScheme::Hmac,
        bytes: message.as_bytes().to_vec(),
        text: Some(message),
        field: p.signature_field().to_owned(),
    }]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use airsign_core::{Context, Request};

    fn payload_of(json: &str) -> Payload {
        let req = Request::parse(json).unwrap();
        let p = Context::fixed(1_634_567_890_000, |ctx| {
            RipioRequest::from_request(&req, ctx)
        })
        .unwrap();
        let mut all = payloads(&p);
        assert_eq!(all.len(), 1);
        all.remove(0)
    }

    #[test]
    fn worked_examples_from_ripio_md() {
        let p = payload_of(
            r#"{"venue":"ripio","action":"cancel_order","api_token":"your-api-token","params":{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}}"#,
        );
        assert_eq!(p.scheme, PayloadScheme::Hmac);
        assert_eq!(p.field, "headers.signature");
        let text =
            r#"1634567890000DELETE/trade/orders{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}"#;
        assert_eq!(p.text.as_deref(), Some(text));
        assert_eq!(p.bytes, text.as_bytes());

        let p = payload_of(
            r#"{"venue":"ripio","action":"cancel_order","transport":"ws","api_token":"your-api-token","id":"req-003","params":{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}}"#,
        );
        assert_eq!(p.field, "body.params.signature");
        assert_eq!(
            p.text.as_deref(),
            Some(r#"1634567890000{"id":"7155ED34-9EC4-4733-8B32-1E4319CB662F"}"#)
        );
    }

    #[test]
    fn cancel_all_for_every_pair_signs_no_body() {
        let p = payload_of(
            r#"{"venue":"ripio","action":"cancel_all_orders","api_token":"t","params":{}}"#,
        );
        assert_eq!(
            p.text.as_deref(),
            Some("1634567890000DELETE/trade/orders/all")
        );
    }
}
