//! What Mobula's auth signs: `<endpoint>-<timestamp>` (and for execute-v2 the payload
//! string), and where the signature goes.

use airsign_core::{Payload, PayloadScheme};

use crate::{Action, MobulaRequest};

/// Where the signature sits in the envelope: the body's `signature` field.
pub(crate) const SIGNATURE_FIELD: &str = "body.signature";

/// The message the signature covers: `<endpoint>-<timestamp>` for the builds and
/// `api/2/perp/execute-v2-<timestamp>-<payloadStr>` for execute-v2. Pure and key-free;
/// the EIP-191 framing and hashing are `airsign_keys::eth`'s.
pub fn signing_payload(action: Action, timestamp: u64, payload_str: Option<&str>) -> String {
    match (action, payload_str) {
        (Action::ExecuteV2, Some(p)) => format!("{}-{timestamp}-{p}", action.endpoint()),
        _ => format!("{}-{timestamp}", action.endpoint()),
    }
}

/// The message `p` signs.
pub(crate) fn message(p: &MobulaRequest) -> String {
    signing_payload(p.action, p.timestamp, p.payload_str.as_deref())
}

/// The one payload of a request: the EIP-191 `personal_sign` of its message (the signer
/// does not enter it).
pub(crate) fn payloads(p: &MobulaRequest) -> Vec<Payload> {
    let message = message(p);
    vec![Payload {
        scheme: PayloadScheme::Eip191,
        bytes: message.as_bytes().to_vec(),
        text: Some(message),
        field: SIGNATURE_FIELD.to_owned(),
    }]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use airsign_core::{Context, Request};

    #[test]
    fn execute_v2_message_covers_the_payload() {
        assert_eq!(
            signing_payload(Action::ExecuteV2, 5, Some("{\"a\":\"é\"}")),
            "api/2/perp/execute-v2-5-{\"a\":\"é\"}"
        );
        assert_eq!(
            signing_payload(Action::Withdraw, 5, None),
            "api/2/perp/payloads/withdraw-5"
        );
    }

    #[test]
    fn one_payload_at_the_body_signature() {
        let text = r#"{"venue":"mobula","action":"withdraw","timestamp":1735686300001,"params":{"dex":"lighter","chainId":"l","amountUsdc":"5"}}"#;
        let p = Context::fixed(5, |ctx| crate::parse(&Request::parse(text)?, ctx)).unwrap();
        let payloads = payloads(&p);
        assert_eq!(payloads.len(), 1);
        assert_eq!(payloads[0].scheme, PayloadScheme::Eip191);
        assert_eq!(
            payloads[0].bytes,
            b"api/2/perp/payloads/withdraw-1735686300001"
        );
        assert_eq!(
            payloads[0].text.as_deref(),
            Some("api/2/perp/payloads/withdraw-1735686300001")
        );
        assert_eq!(payloads[0].field, "body.signature");
    }
}
